//! 学籍维护 and 关键信息变更 (seed 001 第二章 1): the edit page of a record ([`edit`]), the change
//! requests' list (`/key-changes`) and page ([`detail`]), and the history on the 学籍卡
//! ([`history`]).

pub mod api;
pub mod detail;
pub mod edit;
pub mod history;
pub mod strings;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::business::change::api_change::ChangeSummary;
use xueji_shared::org::Role;

use crate::api::Api;
use crate::auth::Session;
use crate::i18n::fill;
use strings as s;

fn rows(items: Vec<ChangeSummary>, empty: &'static str) -> AnyView {
    if items.is_empty() {
        return view! { <p class="reg-empty">{empty}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|r| {
            let mine = r
                .awaiting_me
                .then(|| view! { <span class="badge badge-ok">{s::TODO}</span> });
            view! {
                <li class="reg-row" data-change-id=r.id>
                    <A href=format!("/key-changes/{}", r.id) attr:class="reg-row-link">
                        <span class="reg-row-name">{r.student_name}</span>
                        <span class="reg-row-state badge badge-muted">{r.state_label}</span>
                        <span class="reg-row-id">{r.fields.join("、")}</span>
                        <span class="reg-row-school">{r.school_name}</span>
                        <span class="badges">{mine}</span>
                    </A>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="reg-list">{rows}</ul> }.into_any()
}

/// A list of change requests fed page by page ("加载更多"), with the total.
pub fn list_section(
    id: &'static str,
    title: &'static str,
    empty: &'static str,
    todo: bool,
    student_id: Option<i64>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let items = RwSignal::new(None::<Vec<ChangeSummary>>);
    let total = RwSignal::new(0u64);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        spawn_local(async move {
            match api.changes(todo, student_id, cursor.as_deref()).await {
                Ok(page) => {
                    if cursor.is_none() {
                        items.try_set(Some(page.items));
                    } else {
                        items.try_update(|v| v.get_or_insert_with(Vec::new).extend(page.items));
                    }
                    total.try_set(page.total);
                    next.try_set(page.next_cursor);
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };
    load(None);
    view! {
        <section class="card reg-list-card" id=id>
            <h2 class="card-title">{title}</h2>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || match items.get() {
                None => view! { <p class="reg-empty">"…"</p> }.into_any(),
                Some(list) => view! {
                    {(total.get() > 0).then(|| view! {
                        <p class="inbox-total">{fill(s::TOTAL, &[("n", &total.get().to_string())])}</p>
                    })}
                    {rows(list, empty)}
                }
                .into_any(),
            }}
            {move || next.get().map(|c| view! {
                <button type="button" class="button button-quiet reg-more" on:click=move |_| load(Some(c.clone()))>
                    {s::MORE}
                </button>
            })}
        </section>
    }
}

/// `/key-changes`: what waits for the caller, and every request of the jurisdiction.
#[component]
pub fn ChangesPage() -> impl IntoView {
    let me = untrack(|| expect_context::<Session>().account());
    let admin = me.is_some_and(|m| m.role == Role::Admin);
    view! {
        <div class="page registration-page changes-page" data-page="key-changes">
            <h1 class="page-title">{s::LIST_TITLE}</h1>
            <p class="page-lead">{s::LIST_LEAD}</p>
            {(!admin).then(|| view! {
                <div class="reg-columns">
                    {list_section("change-todo", s::TODO, s::TODO_EMPTY, true, None)}
                    {list_section("change-all", s::ALL, s::EMPTY, false, None)}
                </div>
            })}
        </div>
    }
}
