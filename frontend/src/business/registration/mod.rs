//! 学籍注册 (`/registration`): a school registrar's form (`#registration-form`, validated as it
//! is typed with the shared `StudentRecord::validate_all`, kept as a draft in localStorage) and
//! the school's requests; approvers' 待办 queue and their jurisdiction's requests; a note for
//! administrators. Bulk registration by spreadsheet is [`import`]. The detail page is in
//! [`detail`].

pub mod api;
pub mod arrival;
pub mod detail;
pub mod import;
pub mod strings;

use gloo_storage::{LocalStorage, Storage};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::api::Me;
use xueji_shared::business::registration::api_registration::{
    DuplicateCandidate, RegistrationInfo, RegistrationKind, RegistrationSummary, SubmitRegistration,
};
use xueji_shared::org::{Level, Role};
use xueji_shared::stage::Stage;

use crate::api::Api;
use crate::auth::Session;
use crate::business::registration::strings::t;
use crate::i18n::fill;
use crate::record::form::{
    load_stages, registration_rules_signal, today, RecordFields, RecordModel,
};
use crate::record::logic::{blank_record, draft_from_str, draft_to_string, form_errors, DRAFT_KEY};

fn load_draft() -> Option<(RegistrationKind, serde_json::Value)> {
    let stored: serde_json::Value = LocalStorage::get(DRAFT_KEY).ok()?;
    draft_from_str(&stored.to_string())
}

fn save_draft(kind: RegistrationKind, record: &serde_json::Value) {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&draft_to_string(kind, record)) {
        let _ = LocalStorage::set(DRAFT_KEY, v);
    }
}

fn clear_draft() {
    LocalStorage::delete(DRAFT_KEY);
}

const KINDS: [RegistrationKind; 3] = [
    RegistrationKind::InSchool,
    RegistrationKind::Grade1,
    RegistrationKind::Arrival,
];

#[component]
pub fn RegistrationPage() -> impl IntoView {
    let s = t();
    let me = untrack(|| expect_context::<Session>().account());
    let body = match me {
        Some(me) if me.role == Role::Admin => view! {
            <section class="card reg-admin-note" role="note">
                <p>{s.reg_admin_note}</p>
            </section>
        }
        .into_any(),
        Some(me) if me.role == Role::Registrar && me.org.level == Level::School => {
            view! { <SchoolView me=me/> }.into_any()
        }
        Some(_) => view! { <ApproverView/> }.into_any(),
        None => ().into_any(),
    };
    view! {
        <div class="page registration-page">
            <h1 class="page-title">{s.reg_title}</h1>
            {body}
        </div>
    }
}

/// The duplicate candidates of a request.
pub fn candidates_view(candidates: Vec<DuplicateCandidate>) -> impl IntoView {
    let s = t();
    (!candidates.is_empty()).then(|| {
        let rows = candidates
            .into_iter()
            .map(|c| {
                let kind = match c.kind.as_str() {
                    "dup_with_id" => s.reg_dup_with_id.to_owned(),
                    "dup_without_id" => s.reg_dup_without_id.to_owned(),
                    _ => c.kind.clone(),
                };
                view! {
                    <tr class="reg-candidate">
                        <td data-label=s.reg_cand_kind>{kind}</td>
                        <td data-label=s.reg_cand_number>{c.student_number}</td>
                        <td data-label=s.reg_cand_name>{c.name}</td>
                        <td data-label=s.reg_cand_school>{c.school_name}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card reg-candidates" id="registration-candidates">
                <h2 class="card-title">{s.reg_candidates}</h2>
                <div class="table-wrap">
                    <table class="reg-table">
                        <thead>
                            <tr>
                                <th>{s.reg_cand_kind}</th>
                                <th>{s.reg_cand_number}</th>
                                <th>{s.reg_cand_name}</th>
                                <th>{s.reg_cand_school}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    })
}

fn next_label(info: &RegistrationInfo) -> String {
    info.next
        .as_ref()
        .map_or_else(|| t().reg_next_none.to_owned(), |n| n.label.clone())
}

/// A list of requests; each row is `[data-request-id=ID]` linking to its detail.
fn request_list(items: Vec<RegistrationSummary>, empty: &'static str) -> AnyView {
    let s = t();
    if items.is_empty() {
        return view! { <p class="reg-empty">{empty}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|r| {
            let href = format!("/registration/{}", r.id);
            let dup = r
                .has_candidates
                .then(|| view! { <span class="badge badge-warn">{s.reg_has_candidates}</span> });
            let mine = r
                .awaiting_me
                .then(|| view! { <span class="badge badge-ok">{s.reg_awaiting_me}</span> });
            view! {
                <li class="reg-row" data-request-id=r.id>
                    <A href=href attr:class="reg-row-link">
                        <span class="reg-row-name">{r.name}</span>
                        <span class="reg-row-state badge badge-muted">{r.state_label}</span>
                        <span class="reg-row-id">{r.id_number}</span>
                        <span class="reg-row-school">{r.school_name}</span>
                        <span class="reg-row-kind">{r.kind.label()}</span>
                        <span class="badges">{dup}{mine}</span>
                    </A>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="reg-list">{rows}</ul> }.into_any()
}

/// A list section fed by `GET /registrations[?todo=true]` page by page ("加载更多"), with the
/// total; refetched from the first page when `reload` changes.
fn list_section(
    id: &'static str,
    title: &'static str,
    empty: &'static str,
    todo: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    use crate::engine::strings as es;
    let api = expect_context::<Api>();
    let items = RwSignal::new(None::<Vec<RegistrationSummary>>);
    let total = RwSignal::new(0u64);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        spawn_local(async move {
            match api.registrations(todo, cursor.as_deref()).await {
                Ok(page) => {
                    if cursor.is_none() {
                        items.try_set(Some(page.items));
                    } else {
                        items.try_update(|v| v.get_or_insert_with(Vec::new).extend(page.items));
                    }
                    total.try_set(page.total);
                    next.try_set(page.next_cursor);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };
    Effect::new(move |_| {
        reload.track();
        load(None);
    });
    view! {
        <section class="card reg-list-card" id=id>
            <h2 class="card-title">{title}</h2>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || match items.get() {
                None => view! { <p class="reg-empty">{crate::i18n::t().common_loading}</p> }.into_any(),
                Some(list) => view! {
                    {(total.get() > 0).then(|| view! {
                        <p class="inbox-total">{format!("{} {} {}", es::INBOX_TOTAL, total.get(), es::INBOX_TOTAL_UNIT)}</p>
                    })}
                    {request_list(list, empty)}
                }
                .into_any(),
            }}
            {move || next.get().map(|c| view! {
                <button type="button" class="button button-quiet reg-more" on:click=move |_| load(Some(c.clone()))>
                    {es::MORE}
                </button>
            })}
        </section>
    }
}

#[component]
fn ApproverView() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    view! {
        <p class="page-lead">{s.reg_lead_approver}</p>
        <div class="reg-columns">
            {list_section("registration-todo", s.reg_todo, s.reg_todo_empty, true, reload)}
            {list_section("registration-all", s.reg_all, s.reg_empty, false, reload)}
        </div>
    }
}

/// The outcome of a submission.
fn result_view(info: RegistrationInfo) -> impl IntoView {
    let s = t();
    let href = format!("/registration/{}", info.id);
    let next = next_label(&info);
    view! {
        <section class="card reg-result" id="registration-result" data-request-id=info.id>
            <div class="alert alert-success" role="status">{s.reg_submitted}</div>
            <dl class="reg-dl">
                <div class="reg-dl-row">
                    <dt>{s.reg_state}</dt>
                    <dd data-field="state">{info.state_label.clone()}</dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s.reg_next}</dt>
                    <dd data-field="next">{next}</dd>
                </div>
            </dl>
            {candidates_view(info.candidates.clone())}
            <A href=href attr:class="button button-secondary">{s.reg_open_detail}</A>
        </section>
    }
}

#[component]
fn SchoolView(me: Me) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let stages = RwSignal::new(Vec::<Stage>::new());
    load_stages(api, me.org.id, stages);
    let (kind0, record0) = load_draft().unwrap_or((RegistrationKind::InSchool, blank_record()));
    let kind = RwSignal::new(kind0);
    // The province's switches: the grade-1 age control and the registration windows.
    let switches = RwSignal::new(None::<xueji_shared::api_config::ProvinceSwitches>);
    spawn_local(async move {
        if let Ok(v) = api.switches().await {
            switches.try_set(Some(v.settings));
        }
    });
    let rules = registration_rules_signal(stages, kind, switches);
    // 来华归国: the existing record chosen from the national lookup, if any.
    let chosen =
        RwSignal::new(None::<xueji_shared::business::registration::api_registration::ArrivalMatch>);
    let closed = Signal::derive(move || {
        switches.with(|sw| {
            sw.as_ref().and_then(|sw| {
                xueji_shared::business::registration::api_registration::registration_open(
                    kind.get(),
                    sw,
                    today(),
                )
                .err()
            })
        })
    });
    let model = RecordModel::new(record0, rules);
    let alert = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let result = RwSignal::new(None::<RegistrationInfo>);
    let reload = RwSignal::new(0u32);

    // The draft follows every edit until it is submitted.
    Effect::new(move |_| {
        let k = kind.get();
        model.record.with(|r| {
            if *r == blank_record() && k == RegistrationKind::InSchool {
                clear_draft();
            } else {
                save_draft(k, r);
            }
        });
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        model.submitted.set(true);
        if let Some(reason) = closed.get_untracked() {
            alert.set(Some(reason));
            return;
        }
        let problems = model.local.get_untracked().len();
        if problems > 0 {
            alert.set(Some(fill(
                s.reg_fix_errors,
                &[("n", &problems.to_string())],
            )));
            return;
        }
        alert.set(None);
        pending.set(true);
        let req = SubmitRegistration {
            kind: kind.get_untracked(),
            record: model.value(),
            existing_student_id: if kind.get_untracked() == RegistrationKind::Arrival {
                chosen.get_untracked().map(|m| m.student_id)
            } else {
                None
            },
        };
        spawn_local(async move {
            match api.submit_registration(&req).await {
                Ok(info) => {
                    clear_draft();
                    model.reset(blank_record());
                    kind.try_set(RegistrationKind::InSchool);
                    result.try_set(Some(info));
                    reload.try_update(|n| *n += 1);
                    chosen.try_set(None);
                }
                Err(e) => {
                    if let crate::api::ApiError::Http { fields, .. } = &e {
                        model.server.try_set(form_errors(fields));
                    }
                    alert.try_set(Some(e.message()));
                }
            }
            pending.try_set(false);
        });
    };

    let clear = move |_| {
        clear_draft();
        kind.set(RegistrationKind::InSchool);
        model.reset(blank_record());
        alert.set(None);
    };

    let kind_options = KINDS
        .into_iter()
        .map(|k| {
            view! {
                <option value=k.as_str() selected=move || kind.get() == k>{k.label()}</option>
            }
        })
        .collect_view();

    view! {
        <p class="page-lead">{s.reg_lead_school}</p>
        <div class="reg-columns">
            <div class="reg-form-col">
                <import::ImportPanel on_done=Callback::new(move |_| reload.update(|n| *n += 1))/>
                {move || result.get().map(result_view)}
                <form id="registration-form" class="reg-form" novalidate on:submit=on_submit>
                    <h2 class="reg-form-title">{s.reg_new}</h2>
                    <label class="form-field">
                        <span class="form-label">{s.reg_kind}</span>
                        <select
                            class="input"
                            id="registration-kind"
                            name="kind"
                            on:change=move |ev| {
                                if let Some(k) = RegistrationKind::parse(&event_target_value(&ev)) {
                                    kind.set(k);
                                }
                            }
                        >
                            {kind_options}
                        </select>
                    </label>
                    {move || {
                        closed
                            .get()
                            .map(|m| {
                                view! {
                                    <div class="alert alert-warn" id="registration-closed" role="status">
                                        {m}
                                    </div>
                                }
                            })
                    }}
                    <Show when=move || kind.get() == RegistrationKind::Arrival>
                        <arrival::ArrivalLookupPanel record=model.record chosen=chosen/>
                    </Show>
                    <RecordFields model=model stages=stages/>
                    {move || {
                        alert
                            .get()
                            .map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })
                    }}
                    <p class="reg-draft-note">{s.reg_draft_note}</p>
                    <div class="button-row reg-form-actions">
                        <button
                            type="submit"
                            id="registration-submit"
                            class="button button-primary"
                            disabled=move || pending.get() || closed.get().is_some()
                        >
                            {move || if pending.get() { s.reg_submitting } else { s.reg_submit }}
                        </button>
                        <button
                            type="button"
                            id="registration-clear-draft"
                            class="button button-quiet"
                            on:click=clear
                        >
                            {s.reg_clear_draft}
                        </button>
                    </div>
                </form>
            </div>
            {list_section("registration-list", s.reg_list, s.reg_empty, false, reload)}
        </div>
    }
}
