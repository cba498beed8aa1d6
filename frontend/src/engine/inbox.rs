//! 待办 (`/inbox`): everything waiting for the caller's organisation and role across every
//! business, newest or oldest first, filterable by business, each line with its deadline and
//! an overdue badge; pages by cursor ("加载更多"), with the total.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::api_engine::{BusinessKey, InboxOrder, WorkItem, WorkPage};

use super::strings as s;
use crate::api::{Api, ApiError};
use crate::pages::settings::{browser_offset_minutes, local_time};

/// The lines of a queue (inbox or overdue list).
#[component]
pub fn WorkList(items: Vec<WorkItem>, show_org: bool) -> impl IntoView {
    let offset = browser_offset_minutes();
    items
        .into_iter()
        .map(|i| {
            let overdue = i.overdue;
            view! {
                <li class="card work-row" class:work-overdue=overdue data-business=i.business.as_str()
                    data-request-id=i.request_id.to_string()>
                    <div class="work-head">
                        <span class="badge">{i.business_label.clone()}</span>
                        <span class="work-subject">{i.subject.clone()}</span>
                        {overdue.then(|| view! { <span class="badge badge-warn overdue-badge">{s::OVERDUE_BADGE}</span> })}
                    </div>
                    <p class="work-step">
                        {i.step_label.clone()}
                        {show_org.then(|| view! { " · " <span class="work-org">{i.org_name.clone()}</span> })}
                    </p>
                    <p class="work-meta">
                        <span>{s::STARTED} " " {local_time(&i.started_at, offset)}</span>
                        " · "
                        <span class="work-due">{s::DUE} " " {local_time(&i.due_at, offset)}</span>
                    </p>
                    <A href=i.link.clone() attr:class="button button-small work-open">{s::OPEN}</A>
                </li>
            }
        })
        .collect_view()
}

/// A business filter `<select>` bound to `business`.
#[component]
pub fn BusinessFilter(business: RwSignal<Option<BusinessKey>>, id: &'static str) -> impl IntoView {
    view! {
        <select id=id class="input input-inline" on:change=move |ev| {
            business.set(BusinessKey::parse(&event_target_value(&ev)));
        }>
            <option value="">{s::FILTER_ALL}</option>
            {BusinessKey::ALL
                .into_iter()
                .map(|b| view! { <option value=b.as_str()>{b.label()}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let business = RwSignal::new(None::<BusinessKey>);
    let order = RwSignal::new(InboxOrder::Newest);
    let items = RwSignal::new(Vec::<WorkItem>::new());
    let total = RwSignal::new(None::<u64>);
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);

    let load = move |cursor: Option<String>| {
        let (b, o) = (business.get_untracked(), order.get_untracked());
        loading.set(true);
        spawn_local(async move {
            let r: Result<WorkPage, ApiError> = api.inbox(b, o, cursor.as_deref()).await;
            match r {
                Ok(page) => {
                    if cursor.is_none() {
                        items.try_set(page.items);
                    } else {
                        items.try_update(|v| v.extend(page.items));
                    }
                    total.try_set(Some(page.total));
                    next.try_set(page.next_cursor);
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
            loading.try_set(false);
        });
    };
    Effect::new(move |_| {
        business.track();
        order.track();
        load(None);
    });

    view! {
        <div class="page inbox-page" data-page="inbox">
            <h1 class="page-title">{s::INBOX_TITLE}</h1>
            <p class="page-lead">{s::INBOX_LEAD}</p>
            <div class="toolbar">
                <BusinessFilter business=business id="inbox-business"/>
                <select id="inbox-order" class="input input-inline" on:change=move |ev| {
                    order.set(if event_target_value(&ev) == "oldest" { InboxOrder::Oldest } else { InboxOrder::Newest });
                }>
                    <option value="newest">{s::ORDER_NEWEST}</option>
                    <option value="oldest">{s::ORDER_OLDEST}</option>
                </select>
                <span class="inbox-total" id="inbox-total">
                    {move || total.get().map(|n| format!("{} {n} {}", s::INBOX_TOTAL, s::INBOX_TOTAL_UNIT))}
                </span>
            </div>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || (total.get() == Some(0)).then(|| view! { <p class="empty-note" id="inbox-empty">{s::INBOX_EMPTY}</p> })}
            <ul class="work-list" id="inbox-list">
                {move || view! { <WorkList items=items.get() show_org=false/> }}
            </ul>
            {move || next.get().map(|c| view! {
                <button type="button" class="button button-quiet" id="inbox-more"
                    disabled=move || loading.get()
                    on:click=move |_| load(Some(c.clone()))>
                    {s::MORE}
                </button>
            })}
        </div>
    }
}
