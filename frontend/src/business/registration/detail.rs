//! One registration request (`/registration/{id}`) on the engine's request page
//! ([`RequestPage`]): at a glance the kind, state and next step (`#student-number` once
//! completed); the applicant school; the actions the caller may take (`[data-action=…]`,
//! `#return-reason`); the steps; what is asked — the record (edited and resubmitted when
//! returned) and its duplicate candidates; the history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use xueji_shared::business::registration::api_registration::{
    ActionRecord, RegistrationInfo, RequestActionInput,
};
use xueji_shared::stage::Stage;
use xueji_shared::workflow::Action;

use super::candidates_view;
use crate::api::{Api, ApiError};
use crate::business::registration::strings::t;
use crate::engine::request_page::{
    Actions, HistoryEntry, Party, ReasonField, RequestAction, RequestPage, Tone,
};
use crate::engine::strings as es;
use crate::i18n::fill;
use crate::record::form::{load_stages, rules_signal, RecordFields, RecordModel, RecordView};
use crate::record::logic::{form_errors, to_value};

fn action_label(a: Action) -> &'static str {
    let s = t();
    match a {
        Action::Approve => s.reg_act_approve,
        Action::Return => s.reg_act_return,
        Action::Reject => s.reg_act_reject,
        Action::Withdraw => s.reg_act_withdraw,
        Action::Resubmit => s.reg_act_resubmit,
        Action::Force => a.label(),
    }
}

fn action_key(a: Action) -> &'static str {
    match a {
        Action::Approve => "approve",
        Action::Return => "return",
        Action::Reject => "reject",
        Action::Withdraw => "withdraw",
        Action::Force => "force",
        Action::Resubmit => "resubmit",
    }
}

fn history_of(history: Vec<ActionRecord>) -> Vec<HistoryEntry> {
    history
        .into_iter()
        .map(|h| HistoryEntry {
            actor: h.actor_org_name,
            action: match h.step_label {
                Some(step) => format!("{}（{}）", h.action_label, step),
                None => h.action_label,
            },
            reason: h.reason,
            detail: None,
            evidence: Vec::new(),
            at: h.at,
        })
        .collect()
}

#[component]
pub fn RegistrationDetailPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let info = RwSignal::new(None::<RegistrationInfo>);
    let load_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id.get();
        spawn_local(async move {
            match api.registration(id).await {
                Ok(i) => {
                    info.try_set(Some(i));
                }
                Err(e) => {
                    load_error.try_set(Some(e.message()));
                }
            }
        });
    });

    view! {
        <div class="page registration-page registration-detail">
            <A href="/registration" attr:class="button button-quiet button-small reg-back">
                {s.reg_back}
            </A>
            <h1 class="page-title">
                {move || fill(s.reg_detail_title, &[("id", &id.get().to_string())])}
            </h1>
            {move || {
                load_error
                    .get()
                    .map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })
            }}
            {move || {
                info.get()
                    .map(|i| {
                        view! { <DetailBody info=i on_update=Callback::new(move |n| info.set(Some(n)))/> }
                    })
            }}
        </div>
    }
}

#[component]
fn DetailBody(info: RegistrationInfo, on_update: Callback<RegistrationInfo>) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let id = info.id;
    let allowed = info.allowed_actions.clone();
    let can_resubmit = allowed.contains(&Action::Resubmit);
    let needs_reason = allowed
        .iter()
        .any(|a| matches!(a, Action::Return | Action::Reject | Action::Force));
    let can_force = allowed.contains(&Action::Force);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let alert = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let stages = RwSignal::new(Vec::<Stage>::new());
    let model = RecordModel::new(to_value(&info.record), rules_signal(stages));
    if can_resubmit {
        load_stages(api, info.school.id, stages);
    }

    let act = move |action: Action| {
        if pending.get_untracked() {
            return;
        }
        let mut input = RequestActionInput {
            action,
            reason: None,
            record: None,
        };
        if matches!(action, Action::Return | Action::Reject | Action::Force) {
            input.reason = Some(reason.get_untracked().trim().to_owned());
            if let Some(e) = input.validate().into_iter().next() {
                reason_error.set(Some(e.message));
                return;
            }
        }
        if action == Action::Resubmit {
            model.submitted.set(true);
            let n = model.local.get_untracked().len();
            if n > 0 {
                alert.set(Some(fill(s.reg_fix_errors, &[("n", &n.to_string())])));
                return;
            }
            input.record = Some(model.value());
        }
        reason_error.set(None);
        alert.set(None);
        pending.set(true);
        spawn_local(async move {
            match api.registration_action(id, &input).await {
                Ok(next) => on_update.run(next),
                Err(e) => {
                    if let ApiError::Http { fields, .. } = &e {
                        model.server.try_set(form_errors(fields));
                        if let Some(f) = fields.iter().find(|f| f.field == "reason") {
                            reason_error.try_set(Some(f.message.clone()));
                        }
                    }
                    alert.try_set(Some(e.message()));
                    pending.try_set(false);
                }
            }
        });
    };

    let student_id = info.student_id;
    let number = info.student_number.clone().map(|n| {
        let n = match student_id {
            Some(sid) => view! {
                <A href=format!("/students/{sid}") attr:title=s.reg_open_card>{n}</A>
            }
            .into_any(),
            None => n.into_any(),
        };
        view! {
            <section class="card reg-number-card">
                <p class="reg-number-label">{crate::record::strings::t().reg_student_number}</p>
                <p class="reg-number" id="student-number">{n}</p>
            </section>
        }
    });

    let next = info
        .next
        .as_ref()
        .map_or_else(|| s.reg_next_none.to_owned(), |n| n.label.clone());

    let items = allowed
        .iter()
        .copied()
        .filter(|a| !matches!(a, Action::Resubmit))
        .map(|a| RequestAction {
            key: action_key(a).to_owned(),
            label: action_label(a).to_owned(),
            tone: match a {
                Action::Approve => Tone::Primary,
                Action::Reject | Action::Force => Tone::Danger,
                _ => Tone::Secondary,
            },
            forced: a == Action::Force,
        })
        .collect::<Vec<_>>();
    let actions = Actions {
        title: s.reg_actions,
        items,
        nothing: None,
        reason: needs_reason.then_some(ReasonField {
            id: "return-reason",
            label: if can_force {
                es::FORCE_REASON
            } else {
                s.reg_return_reason
            },
            text: reason,
            error: reason_error,
        }),
        pending: pending.into(),
        on_action: Callback::new(move |key: String| {
            if let Some(a) = allowed.iter().copied().find(|a| action_key(*a) == key) {
                act(a);
            }
        }),
        follow_up: None,
    };

    let record = if can_resubmit {
        view! {
            <form
                id="registration-form"
                class="reg-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    act(Action::Resubmit);
                }
            >
                <div class="alert alert-warn" role="note">{s.reg_edit_returned}</div>
                <RecordFields model=model stages=stages/>
                <div class="button-row reg-form-actions">
                    <button
                        type="submit"
                        class="button button-primary"
                        data-action="resubmit"
                        disabled=move || pending.get()
                    >
                        {s.reg_act_resubmit}
                    </button>
                </div>
            </form>
        }
        .into_any()
    } else {
        view! {
            <h2 class="reg-record-title">{s.reg_record}</h2>
            <RecordView record=info.record.clone()/>
        }
        .into_any()
    };

    let head = view! {
        {number}
        <section class="card reg-summary" data-request-id=id>
            <dl class="reg-dl">
                <div class="reg-dl-row">
                    <dt>{s.reg_col_kind}</dt>
                    <dd>{info.kind.label()}</dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s.reg_state}</dt>
                    <dd data-field="state">{info.state_label.clone()}</dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s.reg_next}</dt>
                    <dd data-field="next">{next}</dd>
                </div>
            </dl>
        </section>
        {move || alert.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
    }
    .into_any();
    let parties = vec![Party::new(
        "applicant",
        es::PARTY_APPLICANT,
        info.school.name.clone(),
    )];

    view! {
        <RequestPage
            prefix="registration"
            head=head
            parties=parties
            actions=actions
            steps=info.steps.clone()
            history_title=s.reg_history
            history=history_of(info.history.clone())
        >
            {candidates_view(info.candidates.clone())}
            <div class="reg-record">{record}</div>
        </RequestPage>
    }
}
