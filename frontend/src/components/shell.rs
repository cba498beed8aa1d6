//! The signed-in layout: top bar, navigation and the page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::Api;
use crate::auth::Session;
use crate::components::nav::Nav;
use crate::i18n::t;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let s = t();
    let menu_open = RwSignal::new(false);
    force_password_change();

    view! {
        <div class="shell">
            <header class="top-bar">
                <button
                    id="menu-toggle"
                    class="menu-toggle"
                    type="button"
                    aria-controls="main-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    aria-label=move || if menu_open.get() { s.menu_close } else { s.menu_open }
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    <span class="menu-icon" aria-hidden="true"></span>
                </button>
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">{s.brand_mark}</span>
                    <span class="brand-name">{s.app_short_name}</span>
                </A>
                <div class="top-bar-spacer"></div>
                <AccountChip/>
                <A href="/password" attr:id="password-link" attr:class="button button-quiet top-bar-link">
                    {s.password_link}
                </A>
                <LogoutButton/>
            </header>
            <div class="shell-body">
                <Nav open=menu_open/>
                <main id="main" class="main">
                    {children()}
                </main>
            </div>
        </div>
    }
}

/// While the server requires a password change (`Me.password_change_required`, or a 403
/// `password_change_required` from any call), every page of the shell routes to `/password`.
fn force_password_change() {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if session.password_change_required() && location.pathname.get() != "/password" {
            navigate("/password", NavigateOptions::default());
        }
    });
}

/// The signed-in person's name and role, in the top bar (hidden on phones).
#[component]
fn AccountChip() -> impl IntoView {
    let session = expect_context::<Session>();
    move || {
        session.account().map(|me| {
            view! {
                <span id="account-chip" class="account-chip">
                    <span class="account-chip-name">{me.display_name}</span>
                    <span class="account-chip-role">{me.role.label()}</span>
                </span>
            }
        })
    }
}

#[component]
fn LogoutButton() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let pending = RwSignal::new(false);
    let on_click = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            api.logout().await;
            // The protected routes now redirect to the sign-in page.
            pending.try_set(false);
        });
    };
    view! {
        <button
            id="logout"
            class="button button-quiet logout"
            type="button"
            disabled=move || pending.get()
            on:click=on_click
        >
            {move || if pending.get() { s.logging_out } else { s.logout }}
        </button>
    }
}
