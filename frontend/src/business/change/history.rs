//! The history section of the 学籍卡 (`#card-history`): field edits saved directly and approved
//! changes, old → new, with who and when, and the number changes they caused; the student's
//! change requests; and the 编辑 action for the registrar of the student's school.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::business::change::api_change::HistoryEntry;
use xueji_shared::org::{Level, Role};

use super::strings as s;
use crate::api::Api;
use crate::auth::Session;
use crate::i18n::fill;
use crate::pages::settings::{browser_offset_minutes, local_time};

/// The 编辑 button of the card: only the school's registrar edits (the server decides too).
#[component]
pub fn EditButton(student_id: i64, school_id: i64) -> impl IntoView {
    let me = untrack(|| expect_context::<Session>().account());
    me.filter(|m| m.role == Role::Registrar && m.org.level == Level::School && m.org.id == school_id)
        .map(|_| {
            view! {
                <A href=format!("/students/{student_id}/edit") attr:class="button button-primary button-small" attr:id="card-edit">
                    {s::EDIT_BUTTON}
                </A>
            }
        })
}

fn entry_view(e: HistoryEntry, offset: i32) -> impl IntoView {
    let changes = e
        .changes
        .into_iter()
        .map(|c| {
            view! {
                <li data-field=c.field.clone()>
                    <span class="history-label">{c.label}</span> "："
                    <span class="diff-old">{c.old_text}</span> " → "
                    <span class="diff-new">{c.new_text}</span>
                </li>
            }
        })
        .collect_view();
    let request = e.request_id.map(|r| {
        view! { " · " <A href=format!("/key-changes/{r}")>{format!("{} {r}", s::REQUEST)}</A> }
    });
    view! {
        <li class="history-entry" data-kind=e.kind.clone()>
            <div class="history-head">
                <strong>{e.kind_label}</strong>
                " · " {e.actor_org_name} " " {e.actor_name}
                " · " <span class="hint">{local_time(&e.at, offset)}</span>
                {request}
            </div>
            <ul class="history-changes">{changes}</ul>
        </li>
    }
}

/// The history and change requests of one student.
#[component]
pub fn StudentHistory(student_id: i64) -> impl IntoView {
    let api = expect_context::<Api>();
    let offset = browser_offset_minutes();
    let items = RwSignal::new(None::<Vec<HistoryEntry>>);
    let total = RwSignal::new(0u64);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        spawn_local(async move {
            match api.student_history(student_id, cursor.as_deref()).await {
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
        <section class="card" id="card-history">
            <h2 class="card-title">{s::CARD_HISTORY}</h2>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || items.get().map(|list| {
                if list.is_empty() {
                    view! { <p class="empty-note" id="card-history-none">{s::CARD_HISTORY_NONE}</p> }.into_any()
                } else {
                    let rows = list.into_iter().map(|e| entry_view(e, offset)).collect_view();
                    view! {
                        <p class="hint">{fill(s::TOTAL, &[("n", &total.get().to_string())])}</p>
                        <ol class="history-list">{rows}</ol>
                    }
                    .into_any()
                }
            })}
            {move || next.get().map(|c| view! {
                <button type="button" class="button button-quiet no-print" on:click=move |_| load(Some(c.clone()))>
                    {s::MORE}
                </button>
            })}
        </section>
        <div class="no-print">
            {super::list_section("card-changes", s::CARD_REQUESTS, s::EMPTY, false, Some(student_id))}
        </div>
    }
}
