//! The in-app 404 page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::Session;
use crate::components::shell::Shell;
use crate::i18n::t;

/// Route fallback: inside the shell when signed in, on its own otherwise.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let session = expect_context::<Session>();
    move || {
        if session.signed_in() {
            view! {
                <Shell>
                    <NotFound signed_in=true/>
                </Shell>
            }
            .into_any()
        } else {
            view! {
                <div class="bare-page">
                    <NotFound signed_in=false/>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn NotFound(signed_in: bool) -> impl IntoView {
    let s = t();
    let (href, label) = if signed_in {
        ("/", s.not_found_back)
    } else {
        ("/login", s.not_found_to_login)
    };
    view! {
        <div id="not-found" class="page not-found">
            <p class="not-found-code" aria-hidden="true">"404"</p>
            <h1 class="page-title">{s.not_found_title}</h1>
            <p class="page-lead">{s.not_found_message}</p>
            <A href=href attr:class="button button-primary">
                {label}
            </A>
        </div>
    }
}
