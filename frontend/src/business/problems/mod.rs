//! 问题学籍 (`/problems`, registrars and leaders): the queue of problem records concerning
//! students of the jurisdiction — both schools of a duplicate pair and their authorities see
//! it — in two tabs, 待处理 (open and awaiting arbitration) and 已解决. Each line
//! (`#problem-list [data-problem-id]`) names the kind, the student, its number and school, and
//! the other side of a pair; a number links to its student card when that student is in the
//! caller's jurisdiction. [`ProblemList`] renders the lines; a detail page (`/problems/{id}`,
//! with the handling actions) can link each line through its `data-problem-id`.

pub mod api;
pub mod detail;
pub mod scan;
pub mod strings;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::business::problems::api_problems::ProblemSummary;
use xueji_shared::org::Role;

use crate::api::Api;
use crate::auth::Session;
use crate::business::problems::strings::t;
use crate::pages::settings::{browser_offset_minutes, local_time};
use crate::pages::students::card::problem_state_label;

/// A student number, linked to its card when the caller may open it.
fn number_link(id: Option<i64>, number: String, in_scope: bool) -> AnyView {
    match id {
        Some(id) if in_scope => view! {
            <A href=format!("/students/{id}") attr:class="student-number problem-card-link">
                {number}
            </A>
        }
        .into_any(),
        _ => view! {
            <span class="student-number">{number}</span>
            <span class="problem-out">{t().prob_out_of_scope}</span>
        }
        .into_any(),
    }
}

/// The lines of the problem-record queue.
#[component]
pub fn ProblemList(items: Vec<ProblemSummary>, empty: &'static str) -> impl IntoView {
    let s = t();
    if items.is_empty() {
        return view! { <p class="empty-note" id="problems-empty">{empty}</p> }.into_any();
    }
    let offset = browser_offset_minutes();
    let rows = items
        .into_iter()
        .map(|p| {
            let state = if p.state_label.is_empty() {
                problem_state_label(&p.state)
            } else {
                p.state_label.clone()
            };
            let state_class = if p.state == "resolved" {
                "badge badge-muted"
            } else {
                "badge badge-warn"
            };
            let student_label = if p.other_student_id.is_some() {
                s.prob_later
            } else {
                s.prob_student
            };
            let other = p.other_student_number.clone().map(|n| {
                view! {
                    <div class="problem-side problem-other">
                        <span class="problem-side-label">{s.prob_other}</span>
                        {p.other_name.clone().map(|n| view! { <span class="problem-name">{n}</span> })}
                        {number_link(p.other_student_id, n, p.other_in_scope)}
                        <span class="problem-school">{p.other_school_name.clone().unwrap_or_default()}</span>
                    </div>
                }
            });
            // The caller's own side first.
            let own_first = !p.student_in_scope && p.other_in_scope;
            view! {
                <li class="card problem-row" class:own-first=own_first data-problem-id=p.id.to_string() data-kind=p.kind.clone()>
                    <div class="problem-head">
                        <span class="problem-kind">{p.kind_label.clone()}</span>
                        <span class=state_class>{state}</span>
                    </div>
                    <div class="problem-side problem-student">
                        <span class="problem-side-label">{student_label}</span>
                        <span class="problem-name">{p.name.clone()}</span>
                        {number_link(Some(p.student_id), p.student_number.clone(), p.student_in_scope)}
                        <span class="problem-school">{p.school_name.clone()}</span>
                    </div>
                    {other}
                    <p class="problem-found">
                        {s.prob_found} " " {local_time(&p.created_at, offset)}
                    </p>
                    {p.awaiting_me.then(|| view! { <span class="badge badge-todo">{s.prob_awaiting_me}</span> })}
                    <A href=format!("/problems/{}", p.id) attr:class="button button-small problem-open">
                        {s.prob_open}
                    </A>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="problem-list" id="problem-list">{rows}</ul> }.into_any()
}

#[component]
pub fn ProblemsPage() -> impl IntoView {
    let s = t();
    let me = untrack(|| expect_context::<Session>().account());
    let body = match me {
        Some(me) if me.role == Role::Admin => view! {
            <section class="card" role="note" id="problems-admin-note">
                <p>{s.prob_admin_note}</p>
            </section>
        }
        .into_any(),
        Some(_) => view! { <ProblemQueue/> }.into_any(),
        None => ().into_any(),
    };
    view! {
        <div class="page problems-page" data-page="problems">
            <h1 class="page-title">{s.prob_title}</h1>
            <p class="page-lead">{s.prob_lead}</p>
            {body}
        </div>
    }
}

#[component]
fn ProblemQueue() -> impl IntoView {
    use crate::engine::strings as es;
    let s = t();
    let api = expect_context::<Api>();
    let resolved = RwSignal::new(false);
    let items = RwSignal::new(None::<Vec<ProblemSummary>>);
    let total = RwSignal::new(0u64);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        let r = resolved.get_untracked();
        spawn_local(async move {
            match api.problems(r, cursor.as_deref()).await {
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
        resolved.track();
        items.set(None);
        load(None);
    });
    let tab = move |id: &'static str, label: &'static str, value: bool| {
        view! {
            <button
                id=id
                class="tab"
                type="button"
                role="tab"
                aria-selected=move || (resolved.get() == value).to_string()
                on:click=move |_| resolved.set(value)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="tabs" role="tablist">
            {tab("problems-tab-open", s.prob_tab_open, false)}
            {tab("problems-tab-resolved", s.prob_tab_resolved, true)}
        </div>
        {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
        {move || match items.get() {
            None => view! { <p class="empty-note">{crate::i18n::t().common_loading}</p> }.into_any(),
            Some(list) => {
                let empty = if resolved.get_untracked() {
                    s.prob_empty_resolved
                } else {
                    s.prob_empty_open
                };
                view! {
                    {(total.get() > 0).then(|| view! {
                        <p class="inbox-total" id="problems-total">{format!("{} {} {}", es::INBOX_TOTAL, total.get(), es::INBOX_TOTAL_UNIT)}</p>
                    })}
                    <ProblemList items=list empty=empty/>
                }
                .into_any()
            }
        }}
        {move || next.get().map(|c| view! {
            <button type="button" class="button button-quiet" id="problems-more" on:click=move |_| load(Some(c.clone()))>
                {es::MORE}
            </button>
        })}
    }
}
