//! The home page's line above the module tiles: how many items wait for the signed-in account
//! and how many of them are overdue, each a link into the inbox (authorities: the overdue list).

use leptos::prelude::*;
use leptos_router::components::A;
use xueji_shared::org::Level;

use super::strings as s;
use crate::api::Api;
use crate::auth::Session;

#[component]
pub fn InboxBanner() -> impl IntoView {
    let api = expect_context::<Api>();
    let session = expect_context::<Session>();
    let does_business = untrack(|| session.account()).is_some_and(|me| me.role.does_business());
    let authority = untrack(|| session.account()).is_some_and(|me| me.org.level != Level::School);
    let summary = LocalResource::new(move || async move {
        if does_business {
            api.inbox_summary().await.ok()
        } else {
            None
        }
    });
    move || {
        summary.get().flatten().map(|sum| {
            let overdue_href = if authority { "/overdue" } else { "/inbox" };
            view! {
                <section class="card inbox-banner" id="inbox-banner" aria-label=s::INBOX_TITLE>
                    <A href="/inbox" attr:class="inbox-banner-link" attr:id="inbox-waiting">
                        <strong class="inbox-count">{sum.waiting}</strong> " " {s::HOME_WAITING}
                    </A>
                    <A href=overdue_href attr:class="inbox-banner-link" attr:data-overdue=(sum.overdue > 0).to_string() attr:id="inbox-overdue">
                        <strong class="inbox-count">{sum.overdue}</strong> " " {s::HOME_OVERDUE}
                    </A>
                </section>
            }
        })
    }
}
