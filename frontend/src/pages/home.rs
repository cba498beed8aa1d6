//! Home: the signed-in account and shortcuts to the modules.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{Api, ApiError};
use crate::auth::Session;
use crate::components::account_card::AccountCard;
use crate::i18n::t;
use crate::modules::modules;

/// Whether the shown account is fresh from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sync {
    Loading,
    Fresh,
    /// Kept the cached account; the message says why (network errors are shown by the banner).
    Cached(Option<String>),
}

#[component]
pub fn HomePage() -> impl IntoView {
    let s = t();
    let session = expect_context::<Session>();
    let api = expect_context::<Api>();
    let sync = RwSignal::new(Sync::Loading);

    // Show the cached account at once, then confirm it with the server.
    spawn_local(async move {
        let next = match api.me().await {
            Ok(_) => Sync::Fresh,
            Err(ApiError::Network) => Sync::Cached(None),
            Err(e) => Sync::Cached(Some(e.message())),
        };
        sync.try_set(next);
    });

    let shortcuts = move || {
        let role = session.account().map(|me| me.role);
        modules(s)
            .into_iter()
            .filter(|m| m.visible_to(role))
            .map(|m| {
                view! {
                    <li>
                        <A href=m.path attr:class="module-tile" attr:data-module=m.slug>
                            <span class="module-tile-title">{m.title}</span>
                            <span class="module-tile-desc">{m.description}</span>
                        </A>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div class="page home-page">
            <h1 class="page-title">{s.home_title}</h1>
            <p class="page-lead">{s.home_welcome}</p>
            {move || session.account().map(|me| view! { <AccountCard me=me/> })}
            <p class="sync-status" aria-live="polite">
                {move || match sync.get() {
                    Sync::Loading => Some(s.account_refreshing.to_owned()),
                    Sync::Fresh => None,
                    Sync::Cached(None) => Some(s.account_cached.to_owned()),
                    Sync::Cached(Some(message)) => Some(message),
                }}
            </p>
            <crate::engine::home::InboxBanner/>
            <section class="modules" aria-labelledby="modules-heading">
                <h2 id="modules-heading" class="section-title">{s.modules_heading}</h2>
                <ul class="module-grid">
                    {shortcuts}
                    {move || {
                        session
                            .account()
                            .filter(crate::business::problems::scan::can_view)
                            .map(|_| view! {
                                <li>
                                    <A href="/problems/scan" attr:class="module-tile" attr:data-module="scan">
                                        <span class="module-tile-title">{crate::business::problems::strings::t().scan_home_tile}</span>
                                        <span class="module-tile-desc">{crate::business::problems::strings::t().scan_home_tile_desc}</span>
                                    </A>
                                </li>
                            })
                    }}
                </ul>
            </section>
        </div>
    }
}
