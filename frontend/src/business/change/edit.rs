//! 学籍维护 (`/students/{id}/edit`): the registration form's sections, prefilled with the
//! record and validated as it is typed by the shared rules. As the user edits, the same
//! `controlled::classify_edit` the server runs says whether the save is direct or needs approval
//! (`#edit-route`: the controlled fields changed, with the proof to attach — `#change-file`,
//! `#change-camera` on phones — and the reason). Saving (`#edit-save`) goes to the card or, for a
//! change request, to its page.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use xueji_shared::api::FieldError;
use xueji_shared::business::change::api_change::{
    ChangeActionInput, ChangeInfo, EditContext, EditOutcome, EditStudent,
};
use xueji_shared::business::change::edit::{self as change, FieldChange, ProofKind, ProofRef};
use xueji_shared::controlled::{classify_edit, EditRoute};
use xueji_shared::record::StudentRecord;
use xueji_shared::stage::Stage;
use xueji_shared::workflow::{Action, State};

use super::strings as s;
use crate::api::{Api, ApiError};
use crate::i18n::fill;
use crate::record::form::{load_stages, rules_signal, RecordFields, RecordModel};
use crate::record::logic::{form_errors, to_record, to_value};

#[component]
pub fn StudentEditPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let ctx = RwSignal::new(None::<EditContext>);
    let load_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id.get();
        spawn_local(async move {
            match api.edit_context(id).await {
                Ok(c) => {
                    ctx.try_set(Some(c));
                }
                Err(e) => {
                    load_error.try_set(Some(e.message()));
                }
            }
        });
    });
    view! {
        <div class="page registration-page student-edit-page" data-page="student-edit">
            <A href=move || format!("/students/{}", id.get()) attr:class="back-link">{s::BACK_TO_CARD}</A>
            <h1 class="page-title">{s::EDIT_TITLE}</h1>
            <p class="page-lead">{s::EDIT_LEAD}</p>
            {move || load_error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || ctx.get().map(|c| view! { <EditForm ctx=c/> })}
        </div>
    }
}

/// The fields' labels, joined.
fn labels(changes: &[FieldChange], pick: impl Fn(&FieldChange) -> bool) -> String {
    changes
        .iter()
        .filter(|c| pick(c))
        .map(|c| c.label.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

fn files_of(input: NodeRef<leptos::html::Input>) -> Vec<web_sys::File> {
    input
        .get_untracked()
        .and_then(|i| i.files())
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default()
}

#[component]
fn EditForm(ctx: EditContext) -> impl IntoView {
    let api = expect_context::<Api>();
    let navigate = use_navigate();
    let student_id = ctx.student_id;
    if !ctx.editable {
        let reason = ctx
            .reason
            .clone()
            .unwrap_or_else(|| s::NOT_EDITABLE.to_owned());
        return view! {
            <div class="alert alert-warn" role="alert" id="edit-refused">{reason}</div>
        }
        .into_any();
    }
    let open_id = ctx.open_change;
    let open_change = move || {
        open_id.map(|cid| {
            view! {
                <div class="alert alert-warn" role="note" id="edit-open-change">
                    {s::OPEN_CHANGE} " "
                    <A href=format!("/key-changes/{cid}")>{format!("{} {cid}", s::VIEW)}</A>
                </div>
            }
        })
    };
    let stages = RwSignal::new(Vec::<Stage>::new());
    load_stages(api, ctx.school_id, stages);
    let before: StudentRecord = ctx.record.clone();
    let controlled: BTreeSet<String> = ctx.controlled.iter().cloned().collect();
    let model = RecordModel::new(to_value(&before), rules_signal(stages));
    let version = ctx.version;
    // A returned change request of this student: the form starts from the record with its
    // changes, and saving resubmits it (corrected) instead of starting another one.
    let returned = RwSignal::new(None::<ChangeInfo>);
    if let Some(cid) = ctx.open_change {
        let before = before.clone();
        spawn_local(async move {
            if let Ok(info) = api.change(cid).await {
                let is_returned = matches!(info.state, State::Returned { .. })
                    && info.allowed_actions.contains(&Action::Resubmit);
                if is_returned {
                    if let Some(with) = change::apply(&before, &info.changes) {
                        model.record.try_set(to_value(&with));
                    }
                    returned.try_set(Some(info));
                }
            }
        });
    }
    let returned_view = move || {
        returned.get().map(|info| {
            let why = info
                .history
                .iter()
                .rev()
                .find(|h| h.action == "return")
                .and_then(|h| h.reason.clone())
                .unwrap_or_default();
            view! {
                <div class="alert alert-warn" role="note" id="edit-returned">{s::RETURNED_EDIT} {why}</div>
            }
        })
    };

    // The verdict as the user types: the same rule the server applies.
    let b2 = before.clone();
    let c2 = controlled.clone();
    let verdict = Memo::new(move |_| {
        let after = model.record.with(to_record);
        let route = classify_edit(&b2, &after, &c2, false).ok().map(|d| d.route);
        let changes = change::diff(&b2, &after, &c2);
        let changed: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        let refused = change::check_editable(&changed);
        (route, changes, refused)
    });
    let needs_household =
        Memo::new(move |_| verdict.with(|(_, c, _)| change::needs_household_proof(c)));
    let proof_kind = RwSignal::new(ProofKind::Household);
    let reason = RwSignal::new(String::new());
    let files = NodeRef::<leptos::html::Input>::new();
    let camera = NodeRef::<leptos::html::Input>::new();
    let chosen = RwSignal::new(0usize);
    let proof_error = RwSignal::new(None::<String>);
    let alert = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<&'static str>);

    let count_files = move || {
        chosen.set(files_of(files).len() + files_of(camera).len());
        proof_error.set(None);
    };

    let route_view = move || {
        let (route, changes, refused) = verdict.get();
        let refused_view = (!refused.is_empty()).then(|| {
            let items = refused
                .into_iter()
                .map(|f| view! { <li data-field=f.field.clone()>{f.message}</li> })
                .collect_view();
            view! { <ul class="alert alert-error edit-refused-fields">{items}</ul> }
        });
        let body = match route {
            None => view! { <p class="hint" data-route="none">{s::NO_CHANGE}</p> }.into_any(),
            Some(EditRoute::Direct) => view! {
                <p data-route="direct">{s::DIRECT} <strong>{labels(&changes, |_| true)}</strong></p>
            }
            .into_any(),
            Some(EditRoute::ChangeRequest { household_proof }) => {
                let ride = labels(&changes, |c| !c.controlled);
                view! {
                    <div data-route="change_request">
                        <p>{s::NEEDS_APPROVAL} <strong id="edit-controlled">{labels(&changes, |c| c.controlled)}</strong></p>
                        {(!ride.is_empty()).then(|| view! { <p class="hint">{s::RIDES_ALONG} {ride}</p> })}
                        {household_proof.then(|| view! { <p class="alert alert-warn" role="note">{s::HOUSEHOLD_HINT}</p> })}
                    </div>
                }
                .into_any()
            }
        };
        view! {
            <section class="card edit-route" id="edit-route">
                {body}
                {refused_view}
            </section>
        }
    };

    let is_request = Memo::new(move |_| {
        verdict.with(|(r, _, _)| matches!(r, Some(EditRoute::ChangeRequest { .. })))
    });
    Effect::new(move |_| {
        proof_kind.set(if needs_household.get() {
            ProofKind::Household
        } else {
            ProofKind::Other
        });
    });

    let proof_view = move || {
        is_request.get().then(|| {
            view! {
                <section class="card edit-proof" id="edit-proof">
                    <h2 class="card-title">{s::PROOF}</h2>
                    <label class="form-field">
                        <span class="form-label">{s::PROOF_KIND}</span>
                        <select
                            class="input"
                            id="change-proof-kind"
                            on:change=move |ev| {
                                proof_kind.set(if event_target_value(&ev) == "other" { ProofKind::Other } else { ProofKind::Household });
                            }
                        >
                            <option value="household" selected=move || proof_kind.get() == ProofKind::Household>{ProofKind::Household.label()}</option>
                            <option value="other" selected=move || proof_kind.get() == ProofKind::Other>{ProofKind::Other.label()}</option>
                        </select>
                    </label>
                    <label class="form-field">
                        <span class="form-label">{s::PROOF_FILES}</span>
                        <input
                            type="file"
                            class="input"
                            id="change-file"
                            multiple
                            accept="application/pdf,image/jpeg,image/png"
                            node_ref=files
                            on:change=move |_| count_files()
                        />
                    </label>
                    <label class="form-field edit-camera">
                        <span class="form-label">{s::PROOF_CAMERA}</span>
                        <input
                            type="file"
                            class="input"
                            id="change-camera"
                            accept="image/jpeg,image/png"
                            capture="environment"
                            node_ref=camera
                            on:change=move |_| count_files()
                        />
                    </label>
                    {move || returned.with(Option::is_some).then(|| view! { <p class="hint">{s::PROOF_KEEP}</p> })}
                    {move || proof_error.get().map(|m| view! { <p class="field-error" data-field="evidence">{m}</p> })}
                    <label class="form-field">
                        <span class="form-label">{s::REASON}</span>
                        <textarea
                            class="input"
                            id="change-reason"
                            rows="2"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                </section>
            }
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        model.submitted.set(true);
        let n = model.local.get_untracked().len();
        if n > 0 {
            alert.set(Some(fill(s::FIX_ERRORS, &[("n", &n.to_string())])));
            return;
        }
        let (route, _, refused) = verdict.get_untracked();
        if let Some(f) = refused.first() {
            alert.set(Some(f.message.clone()));
            return;
        }
        let Some(route) = route else {
            alert.set(Some(s::NO_CHANGE.to_owned()));
            return;
        };
        let mut chosen_files = files_of(files);
        chosen_files.extend(files_of(camera));
        let request = matches!(route, EditRoute::ChangeRequest { .. });
        let resubmit = returned.get_untracked().map(|i| i.id);
        if request && chosen_files.is_empty() && resubmit.is_none() {
            proof_error.set(Some(s::PROOF_REQUIRED.to_owned()));
            return;
        }
        alert.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let mut evidence = Vec::new();
            if request {
                busy.try_set(Some(s::UPLOADING));
                let kind = proof_kind.get_untracked();
                for f in &chosen_files {
                    match api.upload_evidence(f).await {
                        Ok(info) => evidence.push(ProofRef {
                            sha256: info.sha256,
                            kind,
                        }),
                        Err(e) => {
                            alert.try_set(Some(format!("{}：{}", f.name(), e.message())));
                            busy.try_set(None);
                            return;
                        }
                    }
                }
            }
            busy.try_set(Some(s::SAVING));
            if let Some(cid) = resubmit {
                let input = ChangeActionInput {
                    action: Action::Resubmit,
                    reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
                    record: Some(to_value(&model.value())),
                    evidence: (!evidence.is_empty()).then_some(evidence),
                };
                match api.change_action(cid, &input).await {
                    Ok(_) => navigate(&format!("/key-changes/{cid}"), Default::default()),
                    Err(e) => {
                        if let ApiError::Http { fields, .. } = &e {
                            model.server.try_set(form_errors(fields));
                        }
                        alert.try_set(Some(e.message()));
                        busy.try_set(None);
                    }
                }
                return;
            }
            let req = EditStudent {
                version,
                record: to_value(&model.value()),
                evidence,
                reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
            };
            match api.edit_student(student_id, &req).await {
                Ok(EditOutcome::Saved { .. }) => {
                    navigate(
                        &format!("/students/{student_id}?saved=1"),
                        Default::default(),
                    );
                }
                Ok(EditOutcome::Requested { change }) => {
                    navigate(&format!("/key-changes/{}", change.id), Default::default());
                }
                Err(e) => {
                    if let ApiError::Http { fields, .. } = &e {
                        model.server.try_set(form_errors(fields));
                        let proof: Vec<&FieldError> = fields
                            .iter()
                            .filter(|f| f.field.starts_with("evidence"))
                            .collect();
                        if let Some(f) = proof.first() {
                            proof_error.try_set(Some(f.message.clone()));
                        }
                    }
                    alert.try_set(Some(e.message()));
                    busy.try_set(None);
                }
            }
        });
    };

    view! {
        {move || returned.with(Option::is_none).then(open_change)}
        {returned_view}
        <form id="student-edit-form" class="reg-form" novalidate on:submit=submit>
            <RecordFields model=model stages=stages/>
            {route_view}
            {proof_view}
            {move || alert.get().map(|m| view! { <div class="alert alert-error" role="alert" id="edit-alert">{m}</div> })}
            <div class="button-row reg-form-actions edit-actions">
                <button type="submit" id="edit-save" class="button button-primary" disabled=move || busy.get().is_some()>
                    {move || match busy.get() {
                        Some(b) => b,
                        None if returned.with(Option::is_some) => s::RESUBMIT,
                        None if is_request.get() => s::SUBMIT_CHANGE,
                        None => s::SAVE,
                    }}
                </button>
                {move || is_request.get().then(|| view! {
                    <span class="hint" id="edit-needs">
                        {s::NEEDS_SHORT} {verdict.with(|(_, c, _)| labels(c, |x| x.controlled))}
                    </span>
                })}
                <A href=format!("/students/{student_id}") attr:class="button button-quiet">{s::BACK_TO_CARD}</A>
            </div>
        </form>
    }
    .into_any()
}
