//! 超期事项 (`/overdue`, authorities): every step of the jurisdiction past its 10-working-day
//! deadline, counted per organisation one level down and per business, then listed oldest
//! deadline first; each line opens its request, where a superior registrar may force it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api_engine::{BusinessKey, OverdueCount, WorkItem};

use super::inbox::{BusinessFilter, WorkList};
use super::strings as s;
use crate::api::Api;

#[component]
pub fn OverduePage() -> impl IntoView {
    let api = expect_context::<Api>();
    let business = RwSignal::new(None::<BusinessKey>);
    let counts = RwSignal::new(Vec::<OverdueCount>::new());
    let items = RwSignal::new(Vec::<WorkItem>::new());
    let total = RwSignal::new(None::<u64>);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    let load = move |cursor: Option<String>| {
        let b = business.get_untracked();
        spawn_local(async move {
            match api.overdue(b, cursor.as_deref()).await {
                Ok(r) => {
                    if cursor.is_none() {
                        counts.try_set(r.counts);
                        items.try_set(r.page.items);
                    } else {
                        items.try_update(|v| v.extend(r.page.items));
                    }
                    total.try_set(Some(r.page.total));
                    next.try_set(r.page.next_cursor);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };
    Effect::new(move |_| {
        business.track();
        load(None);
    });

    let table = move || {
        let rows = counts.get();
        (!rows.is_empty()).then(|| {
            let body = rows
                .into_iter()
                .map(|c| {
                    let by = c
                        .by_business
                        .iter()
                        .map(|b| format!("{} {}", b.label, b.count))
                        .collect::<Vec<_>>()
                        .join("，");
                    view! {
                        <tr data-org-id=c.org_id.to_string()>
                            <td>{c.org_name.clone()}</td>
                            <td class="num overdue-count">{c.total}</td>
                            <td>{by}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="card" aria-labelledby="overdue-by-org">
                    <h2 id="overdue-by-org" class="section-title">{s::OVERDUE_BY_ORG}</h2>
                    <table class="table" id="overdue-counts">
                        <thead><tr><th>{s::OVERDUE_ORG}</th><th>{s::OVERDUE_COUNT}</th><th>{s::FILTER_ALL}</th></tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </section>
            }
        })
    };

    view! {
        <div class="page overdue-page" data-page="overdue">
            <h1 class="page-title">{s::OVERDUE_TITLE}</h1>
            <p class="page-lead">{s::OVERDUE_LEAD}</p>
            <div class="toolbar">
                <BusinessFilter business=business id="overdue-business"/>
                <span class="inbox-total" id="overdue-total">
                    {move || total.get().map(|n| format!("{} {n} {}", s::INBOX_TOTAL, s::INBOX_TOTAL_UNIT))}
                </span>
            </div>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {table}
            {move || (total.get() == Some(0)).then(|| view! { <p class="empty-note" id="overdue-empty">{s::OVERDUE_EMPTY}</p> })}
            <ul class="work-list" id="overdue-list">
                {move || view! { <WorkList items=items.get() show_org=true/> }}
            </ul>
            {move || next.get().map(|c| view! {
                <button type="button" class="button button-quiet" id="overdue-more"
                    on:click=move |_| load(Some(c.clone()))>
                    {s::MORE}
                </button>
            })}
        </div>
    }
}
