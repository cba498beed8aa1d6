//! The sign-in page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use xueji_shared::api::LoginRequest;

use crate::api::Api;
use crate::auth::Session;
use crate::i18n::t;

#[component]
pub fn LoginPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let session = expect_context::<Session>();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    // Signed in (now, or already when the page opened): go home.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.signed_in() {
            navigate("/", Default::default());
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let req = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        // The same rule the server applies (xueji_shared), checked before anything is sent.
        let problems = req.validate();
        if !problems.is_empty() {
            let joined: Vec<String> = problems.into_iter().map(|f| f.message).collect();
            error.set(Some(joined.join("；")));
            return;
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let result = api.login(&req).await;
            pending.try_set(false);
            if let Err(e) = result {
                password.try_set(String::new());
                error.try_set(Some(e.message()));
            }
        });
    };

    view! {
        <div class="login-page">
            <div class="login-panel">
                <div class="login-brand">
                    <span class="brand-mark brand-mark-large" aria-hidden="true">{s.brand_mark}</span>
                    <p class="login-app-name">{s.app_name}</p>
                </div>
                <form id="login-form" class="card login-card" on:submit=on_submit novalidate>
                    <h1 class="login-title">{s.login_title}</h1>
                    <p class="login-subtitle">{s.login_subtitle}</p>
                    {move || {
                        error
                            .get()
                            .map(|message| {
                                view! {
                                    <div id="login-error" class="alert alert-error" role="alert">
                                        {message}
                                    </div>
                                }
                            })
                    }}
                    <label class="form-field">
                        <span class="form-label">{s.login_username}</span>
                        <input
                            class="input"
                            type="text"
                            name="username"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            placeholder=s.login_username_placeholder
                            prop:value=move || username.get()
                            on:input=move |ev| username.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="form-field">
                        <span class="form-label">{s.login_password}</span>
                        <input
                            class="input"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                            placeholder=s.login_password_placeholder
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </label>
                    <button
                        id="login-submit"
                        class="button button-primary button-block"
                        type="submit"
                        disabled=move || pending.get()
                        aria-busy=move || pending.get().to_string()
                    >
                        {move || if pending.get() { s.login_submitting } else { s.login_submit }}
                    </button>
                </form>
                <p class="login-footer">{s.login_footer}</p>
            </div>
        </div>
    }
}
