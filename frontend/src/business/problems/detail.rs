//! One problem record (`/problems/{id}`) on the engine's request page ([`RequestPage`]): at a
//! glance its kind, state and resolution; the parties — both sides (`.pd-side[data-side]`) with
//! their records, schools, authorities and states, and the arbiter; what the caller may do now
//! (`[data-action="<side>:<action>"]`) — evidence with files, a change of the identity fields
//! (checked as typed by the shared rules), delete, approve, return, arbitrate, and 强制干预 on
//! an overdue side (`<side>:force`, with `#force-reason`); the steps; the history with its
//! evidence files.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use xueji_shared::api::FieldError;
use xueji_shared::business::problems::api_problems::{
    ProblemAllowed, ProblemDetail, ProblemSideInfo,
};
use xueji_shared::business::problems::problem::{
    IdentityChange, PairSide, ProblemAction, ProblemActionInput, ProblemForceInput,
};
use xueji_shared::codes::{GENDER, ID_TYPE};

use crate::api::{Api, ApiError};
use crate::business::problems::strings::t;
use crate::engine::request_page::{
    Actions, Evidence, HistoryEntry, Party, ReasonField, RequestAction, RequestPage, Tone,
};
use crate::engine::strings as es;
use crate::i18n::fill;
use crate::record::form::today;

fn parse_action(a: &str) -> Option<ProblemAction> {
    [
        ProblemAction::Evidence,
        ProblemAction::Change,
        ProblemAction::Delete,
        ProblemAction::Approve,
        ProblemAction::Return,
        ProblemAction::Keep,
    ]
    .into_iter()
    .find(|x| x.as_str() == a)
}

fn side_title(side: &str, pair: bool) -> &'static str {
    let s = t();
    match (side, pair) {
        (_, false) => s.pd_side_only,
        ("a", _) => s.pd_side_a,
        _ => s.pd_side_b,
    }
}

#[component]
pub fn ProblemDetailPage() -> impl IntoView {
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
    let detail = RwSignal::new(None::<ProblemDetail>);
    let load_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id.get();
        spawn_local(async move {
            match api.problem(id).await {
                Ok(d) => {
                    detail.try_set(Some(d));
                }
                Err(e) => {
                    load_error.try_set(Some(e.message()));
                }
            }
        });
    });
    view! {
        <div class="page problem-page">
            <A href="/problems" attr:class="button button-quiet button-small reg-back">
                {s.pd_back}
            </A>
            <h1 class="page-title">{move || fill(s.pd_title, &[("id", &id.get().to_string())])}</h1>
            {move || {
                load_error
                    .get()
                    .map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })
            }}
            {move || {
                detail
                    .get()
                    .map(|d| view! { <ProblemBody detail=d on_update=Callback::new(move |n| detail.set(Some(n)))/> })
            }}
        </div>
    }
}

fn side_party(side: ProblemSideInfo, pair: bool) -> Party {
    let s = t();
    let gender = GENDER.label(&side.gender).unwrap_or("").to_owned();
    let card = side
        .in_scope
        .then(|| format!("/students/{}", side.student_id));
    let detail = view! {
        <div class="pd-side" data-side=side.side.clone()>
            <dl class="pd-facts">
                <dt>{s.pd_number}</dt>
                <dd class="mono">{side.student_number.clone()}</dd>
                <dt>{s.pd_name}</dt>
                <dd>{side.name.clone()} " · " {gender}</dd>
                <dt>{s.pd_birth}</dt>
                <dd>{side.birth_date.clone()}</dd>
                <dt>{s.pd_id}</dt>
                <dd class="mono">{side.id_number.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{s.pd_authority}</dt>
                <dd>{side.authority_name.clone()}</dd>
                <dt>{s.pd_side_state}</dt>
                <dd class="pd-side-state" data-state=side.state.clone()>{side.state_label.clone()}</dd>
            </dl>
            {card.map(|href| view! { <A href=href attr:class="button button-quiet button-small">{s.pd_open_card}</A> })}
        </div>
    }
    .into_any();
    Party::new(
        side.side.clone(),
        side_title(&side.side, pair),
        side.school_name,
    )
    .with_detail(detail)
}

#[component]
fn ProblemBody(detail: ProblemDetail, on_update: Callback<ProblemDetail>) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let pair = detail.sides.len() > 1;
    let mut parties = detail
        .sides
        .clone()
        .into_iter()
        .map(|x| side_party(x, pair))
        .collect::<Vec<_>>();
    if let Some(name) = detail.arbiter_name.clone() {
        parties.push(Party::new("arbiter", s.pd_arbiter, name));
    }
    let chosen = RwSignal::new(None::<ProblemAllowed>);
    let done = RwSignal::new(false);
    let id = detail.id;
    let allowed = detail.allowed.clone();
    let mut items = allowed
        .iter()
        .map(|a| RequestAction {
            key: format!("{}:{}", a.side, a.action),
            label: if pair {
                format!("{}：{}", side_title(&a.side, pair), a.label)
            } else {
                a.label.clone()
            },
            tone: if matches!(a.action.as_str(), "approve" | "keep" | "evidence") {
                Tone::Primary
            } else {
                Tone::Secondary
            },
            forced: false,
        })
        .collect::<Vec<_>>();
    // 强制干预 for a superior authority's registrar: one side's overdue authority step, with a
    // written reason.
    items.extend(detail.force_sides.iter().map(|side| RequestAction {
        key: format!("{side}:force"),
        label: if pair {
            format!("{}：{}", side_title(side, pair), es::STEP_FORCED)
        } else {
            es::STEP_FORCED.to_owned()
        },
        tone: Tone::Danger,
        forced: true,
    }));
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let force = move |side: &str| {
        let input = ProblemForceInput {
            side: PairSide::parse(side).unwrap_or(PairSide::A),
            reason: reason.get_untracked().trim().to_owned(),
        };
        if let Some(e) = input.validate().into_iter().next() {
            reason_error.set(Some(e.message));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api.problem_force(id, &input).await {
                Ok(d) => {
                    done.try_set(true);
                    on_update.run(d);
                }
                Err(e) => {
                    reason_error.try_set(Some(e.message()));
                    pending.try_set(false);
                }
            }
        });
    };
    let sides_for_form = detail.sides.clone();
    let follow_up = view! {
        {move || done.get().then(|| view! { <div class="alert alert-success" role="status">{s.pd_done}</div> })}
        {move || {
            chosen
                .get()
                .map(|a| {
                    let sides = sides_for_form.clone();
                    view! {
                        <ActionForm
                            problem_id=id
                            allowed=a
                            sides=sides
                            on_cancel=Callback::new(move |_| chosen.set(None))
                            on_done=Callback::new(move |d| {
                                chosen.set(None);
                                done.set(true);
                                on_update.run(d);
                            })
                        />
                    }
                })
        }}
    }
    .into_any();
    let actions = Actions {
        title: s.pd_actions,
        items,
        nothing: Some(s.pd_nothing),
        reason: (!detail.force_sides.is_empty()).then_some(ReasonField {
            id: "force-reason",
            label: es::FORCE_REASON,
            text: reason,
            error: reason_error,
        }),
        pending: pending.into(),
        on_action: Callback::new(move |key: String| {
            if let Some(side) = key.strip_suffix(":force") {
                force(side);
            } else if let Some(a) = allowed
                .iter()
                .find(|a| format!("{}:{}", a.side, a.action) == key)
            {
                done.set(false);
                chosen.set(Some(a.clone()));
            }
        }),
        follow_up: Some(follow_up),
    };
    let head = view! {
        <div class="pd-head card">
            <p class="pd-kind">
                <strong>{detail.kind_label.clone()}</strong>
                " · "
                <span id="problem-state" data-state=detail.state.clone()>{detail.state_label.clone()}</span>
            </p>
            {detail
                .resolution
                .clone()
                .map(|r| view! { <p id="problem-resolution">{s.pd_resolution} "：" {r}</p> })}
        </div>
    }
    .into_any();
    let history = detail
        .history
        .clone()
        .into_iter()
        .map(|h| HistoryEntry {
            actor: h.actor_org_name,
            action: h.action_label,
            reason: h.reason,
            detail: h.change.map(|c| {
                format!(
                    "{} / {} / {} / {}",
                    c.name, c.birth_date, c.id_type, c.id_number
                )
            }),
            evidence: h
                .evidence
                .into_iter()
                .map(|sha| Evidence {
                    path: format!("/problems/{id}/evidence/{sha}"),
                    sha256: sha,
                })
                .collect(),
            at: h.at,
        })
        .collect();
    view! {
        <RequestPage
            prefix="problem"
            head=head
            parties=parties
            actions=actions
            steps=detail.steps.clone()
            history_title=s.pd_history
            history=history
        />
    }
}

fn field_error(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
        .map(|e| e.message.clone())
}

#[component]
fn ActionForm(
    problem_id: i64,
    allowed: ProblemAllowed,
    sides: Vec<ProblemSideInfo>,
    on_cancel: Callback<()>,
    on_done: Callback<ProblemDetail>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let Some(action) = parse_action(&allowed.action) else {
        return view! { <p></p> }.into_any();
    };
    let side = PairSide::parse(&allowed.side).unwrap_or(PairSide::A);
    let current = sides.iter().find(|x| x.side == allowed.side).cloned();
    let with_reason = matches!(
        action,
        ProblemAction::Evidence
            | ProblemAction::Change
            | ProblemAction::Delete
            | ProblemAction::Return
    );
    let with_files = matches!(action, ProblemAction::Evidence | ProblemAction::Change);
    let with_change = action == ProblemAction::Change;
    let reason = RwSignal::new(String::new());
    let change = RwSignal::new(
        current
            .as_ref()
            .map(|c| IdentityChange {
                name: c.name.clone(),
                gender: c.gender.clone(),
                birth_date: c.birth_date.clone(),
                id_type: c.id_type.clone(),
                id_number: c.id_number.clone().unwrap_or_default(),
            })
            .unwrap_or_default(),
    );
    let files = NodeRef::<leptos::html::Input>::new();
    let submitted = RwSignal::new(false);
    let server = RwSignal::new(Vec::<FieldError>::new());
    let alert = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<&'static str>);
    let today = today();
    // The shared rules as the user types: the form-level checks and the identity fields.
    let local = Memo::new(move |_| {
        let mut input = ProblemActionInput {
            side,
            action,
            reason: Some(reason.get()),
            evidence: if with_files {
                vec!["0".repeat(64)]
            } else {
                Vec::new()
            },
            change: with_change.then(|| change.get()),
        };
        let mut errors = input.validate();
        if with_change {
            errors.extend(change.with(|c| c.validate(today)));
        }
        input.evidence.clear();
        errors
    });
    let error_of = move |field: &'static str| {
        move || {
            let local = if submitted.get() {
                field_error(&local.get(), field)
            } else {
                None
            };
            local.or_else(|| server.with(|e| field_error(e, field)))
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        submitted.set(true);
        let chosen: Vec<web_sys::File> = files
            .get_untracked()
            .and_then(|i| i.files())
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        let mut problems = local.get_untracked();
        if with_files {
            problems.retain(|e| e.field != "evidence" || chosen.is_empty());
            if chosen.is_empty() && !problems.iter().any(|e| e.field == "evidence") {
                problems.push(FieldError::new("evidence", s.pd_files_required));
            }
        }
        if !problems.is_empty() {
            return;
        }
        alert.set(None);
        spawn_local(async move {
            let mut evidence = Vec::new();
            if !chosen.is_empty() {
                busy.try_set(Some(s.pd_uploading));
                for f in &chosen {
                    match api.upload_evidence(f).await {
                        Ok(info) => evidence.push(info.sha256),
                        Err(e) => {
                            alert.try_set(Some(format!("{}：{}", f.name(), e.message())));
                            busy.try_set(None);
                            return;
                        }
                    }
                }
            }
            busy.try_set(Some(s.pd_submitting));
            let req = ProblemActionInput {
                side,
                action,
                reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
                evidence,
                change: with_change.then(|| change.get_untracked()),
            };
            match api.problem_action(problem_id, &req).await {
                Ok(d) => on_done.run(d),
                Err(e) => {
                    if let ApiError::Http { fields, .. } = &e {
                        server.try_set(fields.clone());
                    }
                    alert.try_set(Some(e.message()));
                }
            }
            busy.try_set(None);
        });
    };
    let text_input = move |field: &'static str,
                           label: &'static str,
                           get: fn(&IdentityChange) -> String,
                           set: fn(&mut IdentityChange, String)| {
        let name = format!("change.{field}");
        view! {
            <label class="form-field">
                <span class="form-label">{label}</span>
                <input
                    class="input"
                    name=name.clone()
                    prop:value=move || change.with(get)
                    on:input=move |ev| change.update(|c| set(c, event_target_value(&ev)))
                />
                {move || {
                    (error_of_dyn(submitted, local, server, &name))
                        .map(|m| view! { <span class="field-error" data-field=name.clone()>{m}</span> })
                }}
            </label>
        }
    };
    let select_input = move |field: &'static str,
                             label: &'static str,
                             table: &'static [(&'static str, &'static str)],
                             get: fn(&IdentityChange) -> String,
                             set: fn(&mut IdentityChange, String)| {
        let name = format!("change.{field}");
        let options = table
            .iter()
            .map(|(code, text)| view! { <option value=*code>{*text}</option> })
            .collect_view();
        view! {
            <label class="form-field">
                <span class="form-label">{label}</span>
                <select
                    class="input"
                    name=name.clone()
                    prop:value=move || change.with(get)
                    on:change=move |ev| change.update(|c| set(c, event_target_value(&ev)))
                >
                    {options}
                </select>
                {move || {
                    (error_of_dyn(submitted, local, server, &name))
                        .map(|m| view! { <span class="field-error" data-field=name.clone()>{m}</span> })
                }}
            </label>
        }
    };
    let change_fields = with_change.then(|| {
        view! {
            <fieldset class="problem-change">
                <legend>{s.pd_change_title}</legend>
                {text_input("name", s.pd_name, |c| c.name.clone(), |c, v| c.name = v)}
                {select_input("gender", s.pd_gender, GENDER.entries, |c| c.gender.clone(), |c, v| c.gender = v)}
                {text_input("birth_date", s.pd_birth, |c| c.birth_date.clone(), |c, v| c.birth_date = v)}
                {select_input("id_type", s.pd_id_type, ID_TYPE.entries, |c| c.id_type.clone(), |c, v| c.id_type = v)}
                {text_input("id_number", s.pd_id, |c| c.id_number.clone(), |c, v| c.id_number = v)}
            </fieldset>
        }
    });
    let title = allowed.label.clone();
    let keep_hint =
        (action == ProblemAction::Keep).then(|| view! { <p class="hint">{s.pd_keep_hint}</p> });
    view! {
        <form class="problem-action-form" id="problem-action-form" novalidate on:submit=submit>
            <h3>{title}</h3>
            {keep_hint}
            {change_fields}
            {with_reason
                .then(|| {
                    view! {
                        <label class="form-field">
                            <span class="form-label">{s.pd_reason}</span>
                            <textarea
                                class="input"
                                name="reason"
                                rows="3"
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            ></textarea>
                            {move || error_of("reason")().map(|m| view! { <span class="field-error" data-field="reason">{m}</span> })}
                        </label>
                    }
                })}
            {with_files
                .then(|| {
                    view! {
                        <label class="form-field">
                            <span class="form-label">{s.pd_files}</span>
                            <input
                                class="input"
                                type="file"
                                name="evidence"
                                multiple=true
                                accept="application/pdf,image/jpeg,image/png"
                                node_ref=files
                            />
                            {move || {
                                let missing = submitted.get()
                                    && files
                                        .get()
                                        .and_then(|i| i.files())
                                        .map(|l| l.length() == 0)
                                        .unwrap_or(true);
                                missing
                                    .then(|| s.pd_files_required.to_owned())
                                    .or_else(|| server.with(|e| field_error(e, "evidence")))
                                    .map(|m| view! { <span class="field-error" data-field="evidence">{m}</span> })
                            }}
                        </label>
                    }
                })}
            {move || alert.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <div class="button-row">
                <button type="submit" class="button button-primary" id="problem-action-submit" disabled=move || busy.get().is_some()>
                    {move || busy.get().unwrap_or(s.pd_submit)}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| on_cancel.run(())>
                    {s.pd_cancel}
                </button>
            </div>
        </form>
    }
    .into_any()
}

fn error_of_dyn(
    submitted: RwSignal<bool>,
    local: Memo<Vec<FieldError>>,
    server: RwSignal<Vec<FieldError>>,
    field: &str,
) -> Option<String> {
    let local = if submitted.get() {
        field_error(&local.get(), field)
    } else {
        None
    };
    local.or_else(|| server.with(|e| field_error(e, field)))
}
