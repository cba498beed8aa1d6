//! One change request (`/key-changes/{id}`): the student, the field-by-field diff (old → new with
//! labels and code meanings, `#change-diff`), the proof files, for identity changes the national
//! duplicate candidates, a warning when a field moved since submission, the actions the caller
//! may take (`[data-action=…]`, `#return-reason`), the steps with their deadlines and the
//! history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;
use xueji_shared::business::change::api_change::{
    ChangeActionInput, ChangeActionRecord, ChangeCandidate, ChangeInfo,
};
use xueji_shared::business::change::edit::FieldChange;
use xueji_shared::workflow::Action;

use super::strings as s;
use crate::api::Api;
use crate::i18n::fill;
use crate::pages::settings::{browser_offset_minutes, local_time};

fn action_label(a: Action) -> &'static str {
    match a {
        Action::Approve => s::ACT_APPROVE,
        Action::Return => s::ACT_RETURN,
        Action::Reject => s::ACT_REJECT,
        Action::Withdraw => s::ACT_WITHDRAW,
        Action::Resubmit => s::ACT_RESUBMIT,
        Action::Force => a.label(),
    }
}

fn open_url(url: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(url);
                a.set_target("_blank");
                a.set_rel("noopener");
                a.click();
            }
        }
    }
}

/// The diff, one row per field (a table on wide screens, cards on phones).
pub fn diff_view(changes: Vec<FieldChange>) -> impl IntoView {
    let rows = changes
        .into_iter()
        .map(|c| {
            view! {
                <tr data-field=c.field.clone() class:diff-controlled=c.controlled>
                    <td data-label=s::FIELD>
                        {c.label.clone()}
                        {c.controlled.then(|| view! { " " <span class="badge badge-warn">{s::CONTROLLED}</span> })}
                    </td>
                    <td data-label=s::OLD class="diff-old">{c.old_text.clone()}</td>
                    <td data-label=s::NEW class="diff-new">{c.new_text.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="reg-table diff-table">
                <thead>
                    <tr>
                        <th>{s::FIELD}</th>
                        <th>{s::OLD}</th>
                        <th>{s::NEW}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn candidates_view(candidates: Vec<ChangeCandidate>) -> impl IntoView {
    (!candidates.is_empty()).then(|| {
        let rows = candidates
            .into_iter()
            .map(|c| {
                let kind = match c.kind.as_str() {
                    "dup_with_id" => s::DUP_WITH_ID,
                    _ => s::DUP_WITHOUT_ID,
                };
                view! {
                    <tr class="reg-candidate">
                        <td data-label=s::CAND_KIND>{kind}</td>
                        <td data-label=s::CAND_NUMBER>{c.student_number}</td>
                        <td data-label=s::CAND_NAME>{c.name}</td>
                        <td data-label=s::CAND_SCHOOL>{c.school_name}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card reg-candidates" id="change-candidates">
                <h2 class="card-title">{s::CANDIDATES}</h2>
                <p class="alert alert-warn" role="note">{s::CANDIDATES_NOTE}</p>
                <div class="table-wrap">
                    <table class="reg-table">
                        <thead>
                            <tr>
                                <th>{s::CAND_KIND}</th>
                                <th>{s::CAND_NUMBER}</th>
                                <th>{s::CAND_NAME}</th>
                                <th>{s::CAND_SCHOOL}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    })
}

fn history_view(history: Vec<ChangeActionRecord>) -> impl IntoView {
    let offset = browser_offset_minutes();
    let rows = history
        .into_iter()
        .map(|h| {
            let what = match h.step_label {
                Some(step) => format!("{}（{}）", h.action_label, step),
                None => h.action_label,
            };
            let when = local_time(&h.at, offset);
            view! {
                <tr class="reg-history-row">
                    <td data-label=s::HIST_WHO>{h.actor_org_name}</td>
                    <td data-label=s::HIST_WHAT>{what}</td>
                    <td data-label=s::HIST_REASON>{h.reason.unwrap_or_default()}</td>
                    <td data-label=s::HIST_WHEN>{when}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card reg-history" id="change-history">
            <h2 class="card-title">{s::HISTORY}</h2>
            <div class="table-wrap">
                <table class="reg-table">
                    <thead>
                        <tr>
                            <th>{s::HIST_WHO}</th>
                            <th>{s::HIST_WHAT}</th>
                            <th>{s::HIST_REASON}</th>
                            <th>{s::HIST_WHEN}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn ChangeDetailPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let info = RwSignal::new(None::<ChangeInfo>);
    let load_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id.get();
        spawn_local(async move {
            match api.change(id).await {
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
        <div class="page registration-page change-detail" data-page="change-detail">
            <A href="/key-changes" attr:class="button button-quiet button-small reg-back">{s::BACK}</A>
            <h1 class="page-title">{move || fill(s::DETAIL_TITLE, &[("id", &id.get().to_string())])}</h1>
            {move || load_error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || info.get().map(|i| view! { <Body info=i on_update=Callback::new(move |n| info.set(Some(n)))/> })}
        </div>
    }
}

#[component]
fn Body(info: ChangeInfo, on_update: Callback<ChangeInfo>) -> impl IntoView {
    let api = expect_context::<Api>();
    let id = info.id;
    let allowed = info.allowed_actions.clone();
    let needs_reason = allowed
        .iter()
        .any(|a| matches!(a, Action::Return | Action::Reject | Action::Force));
    let can_force = allowed.contains(&Action::Force);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let alert = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let act = move |action: Action| {
        if pending.get_untracked() {
            return;
        }
        let input = ChangeActionInput {
            action,
            reason: Some(reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty()),
            record: None,
            evidence: None,
        };
        if let Some(e) = input.validate().into_iter().next() {
            reason_error.set(Some(e.message));
            return;
        }
        reason_error.set(None);
        alert.set(None);
        pending.set(true);
        spawn_local(async move {
            match api.change_action(id, &input).await {
                Ok(next) => on_update.run(next),
                Err(e) => {
                    alert.try_set(Some(e.message()));
                    pending.try_set(false);
                }
            }
        });
    };

    let buttons = allowed
        .iter()
        .copied()
        .map(|a| {
            let class = match a {
                Action::Approve | Action::Resubmit => "button button-primary",
                Action::Reject | Action::Force => "button button-danger",
                _ => "button button-secondary",
            };
            view! {
                <button
                    type="button"
                    class=class
                    data-action=action_key(a)
                    disabled=move || pending.get()
                    on:click=move |_| act(a)
                >
                    {action_label(a)}
                </button>
            }
        })
        .collect_view();
    let reason_field = needs_reason.then(|| {
        view! {
            <label class="form-field">
                <span class="form-label">
                    {if can_force { crate::engine::strings::FORCE_REASON } else { s::RETURN_REASON }}
                </span>
                <textarea
                    class="input"
                    id="return-reason"
                    rows="3"
                    prop:value=move || reason.get()
                    on:input=move |ev| {
                        reason.set(event_target_value(&ev));
                        reason_error.set(None);
                    }
                ></textarea>
                {move || reason_error.get().map(|m| view! { <p class="field-error" data-field="reason">{m}</p> })}
            </label>
        }
    });
    let actions = (!allowed.is_empty()).then(|| {
        view! {
            <section class="card reg-actions" id="change-actions">
                <h2 class="card-title">{s::ACTIONS}</h2>
                {can_force.then(|| view! {
                    <p class="alert alert-warn" role="note" id="force-hint">{crate::engine::strings::FORCE_HINT}</p>
                })}
                {reason_field}
                <div class="button-row">{buttons}</div>
            </section>
        }
    });
    let moved = (!info.moved.is_empty()).then(|| {
        view! {
            <div class="alert alert-warn" role="alert" id="change-moved">
                {s::MOVED} {info.moved.join("、")}
            </div>
        }
    });
    let evidence = info
        .evidence
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let path = format!("/changes/{id}/evidence/{}", p.sha256);
            let label = fill(
                s::FILE,
                &[("kind", p.kind.label()), ("n", &(i + 1).to_string())],
            );
            view! {
                <button
                    type="button"
                    class="button button-quiet button-small"
                    data-evidence=p.sha256.clone()
                    on:click=move |_| {
                        let path = path.clone();
                        spawn_local(async move {
                            if let Ok(url) = api.download_url(&path).await {
                                open_url(&url);
                            }
                        });
                    }
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let next = info
        .next
        .as_ref()
        .map_or_else(|| s::NEXT_NONE.to_owned(), |n| n.label.clone());
    let student_href = format!("/students/{}", info.student_id);
    view! {
        <section class="card reg-summary" data-request-id=id id="change-summary">
            <dl class="reg-dl">
                <div class="reg-dl-row">
                    <dt>{s::STUDENT}</dt>
                    <dd>
                        <A href=student_href>{info.student_name.clone()}</A>
                        " " <span class="student-number">{info.student_number.clone()}</span>
                    </dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s::SCHOOL}</dt>
                    <dd>{info.school.name.clone()}</dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s::STATE}</dt>
                    <dd data-field="state">{info.state_label.clone()}</dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s::NEXT}</dt>
                    <dd data-field="next">{next}</dd>
                </div>
                {info.reason.clone().map(|r| view! {
                    <div class="reg-dl-row">
                        <dt>{s::REASON}</dt>
                        <dd>{r}</dd>
                    </div>
                })}
            </dl>
        </section>
        {moved}
        {move || alert.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
        <section class="card" id="change-diff">
            <h2 class="card-title">{s::DIFF}</h2>
            {diff_view(info.changes.clone())}
        </section>
        <section class="card" id="change-evidence">
            <h2 class="card-title">{s::EVIDENCE}</h2>
            <div class="button-row">{evidence}</div>
        </section>
        {candidates_view(info.candidates.clone())}
        {actions}
        <crate::engine::steps::StepTimeline steps=info.steps.clone()/>
        {history_view(info.history.clone())}
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
