//! Navigation: home plus one link per business module.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::Session;
use crate::i18n::t;
use crate::modules::modules;

#[component]
pub fn Nav(
    /// Whether the (phone-size) navigation drawer is open.
    open: RwSignal<bool>,
) -> impl IntoView {
    let s = t();
    let session = expect_context::<Session>();
    let links = move || {
        let role = session.account().map(|me| me.role);
        modules(s)
            .into_iter()
            .filter(|m| m.visible_to(role))
            .map(|m| {
                view! {
                    <li>
                        <A href=m.path attr:class="nav-link" attr:data-module=m.slug>
                            {m.title}
                        </A>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <nav
            id="main-nav"
            class="main-nav"
            class:open=move || open.get()
            aria-label=s.nav_label
        >
            // Any click on a link closes the phone drawer.
            <ul on:click=move |_| open.set(false)>
                <li>
                    <A href="/" exact=true attr:class="nav-link" attr:data-module="home">
                        {s.nav_home}
                    </A>
                </li>
                {move || {
                    session
                        .account()
                        .filter(|me| me.role.does_business())
                        .map(|_| view! {
                            <li>
                                <A href="/inbox" attr:class="nav-link" attr:data-module="inbox">
                                    {crate::engine::strings::INBOX_TITLE}
                                </A>
                            </li>
                        })
                }}
                {links}
            </ul>
        </nav>
    }
}
