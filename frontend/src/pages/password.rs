//! 修改密码 (`/password`): the signed-in account changes its own password. The shell routes here
//! whenever the server requires a change (reset by an administrator, expired, a loan that ended).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use xueji_shared::account::PasswordPolicy;
use xueji_shared::api::{ChangePassword, FieldError};

use crate::api::Api;
use crate::auth::Session;
use crate::components::form::{FormAlert, FormNotice, FormState, SubmitButton, TextField};
use crate::i18n::{fill, t};

/// Every problem with the form: the shared rule the server runs (`ChangePassword::validate`:
/// a current password, the province's policy, new ≠ current), and a confirmation that matches.
pub fn password_problems(
    policy: &PasswordPolicy,
    username: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> Vec<FieldError> {
    let s = t();
    let req = xueji_shared::api::ChangePassword {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
    };
    let mut f = req.validate(policy, username);
    if confirm != new {
        f.push(FieldError::new("confirm_password", s.password_mismatch));
    }
    f
}

const FIELDS: [&str; 3] = ["current_password", "new_password", "confirm_password"];

#[component]
pub fn PasswordPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let policy = RwSignal::new(PasswordPolicy::default());
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let forced = move || session.password_change_required();

    spawn_local(async move {
        // A user who must change the password may be refused this too: keep the default policy
        // then (the server re-checks the new password anyway).
        if let Ok(p) = api.password_policy().await {
            policy.try_set(p);
        }
    });

    let username = move || session.account().map(|me| me.username).unwrap_or_default();
    let problems = Memo::new(move |_| {
        policy
            .with(|p| password_problems(p, &username(), &current.get(), &new.get(), &confirm.get()))
    });
    let err = move |field: &'static str| form.error(field, problems);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        if !form.begin(&problems.get_untracked()) {
            return;
        }
        let req = ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let was_forced = session.password_change_required();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api.change_password(&req).await {
                Ok(_) => {
                    form.succeed();
                    current.try_set(String::new());
                    new.try_set(String::new());
                    confirm.try_set(String::new());
                    notice.try_set(Some(s.password_done.to_owned()));
                    if was_forced {
                        navigate("/", Default::default());
                    }
                }
                Err(e) => form.fail(&e, &FIELDS),
            }
        });
    };

    let hint = move || {
        fill(
            s.account_password_hint,
            &[("min", &policy.get().min_length.to_string())],
        )
    };
    view! {
        <div class="page password-page" data-page="password">
            <h1 class="page-title">{s.password_title}</h1>
            <p class="page-lead">{s.password_lead}</p>
            {move || {
                forced()
                    .then(|| {
                        view! {
                            <div id="password-forced" class="alert alert-warn" role="status">
                                {s.password_forced}
                            </div>
                        }
                    })
            }}
            <FormNotice message=notice/>
            <form id="password-form" class="card form-card narrow-form" on:submit=on_submit novalidate>
                <FormAlert message=form.alert/>
                // Lets password managers tie the new password to the account.
                <input
                    type="text"
                    name="username"
                    class="visually-hidden"
                    autocomplete="username"
                    tabindex="-1"
                    aria-hidden="true"
                    readonly
                    prop:value=username
                />
                <TextField
                    name="current_password"
                    label=s.password_current
                    input_type="password"
                    autocomplete="current-password"
                    value=current
                    form=form
                    error=err("current_password")
                />
                <TextField
                    name="new_password"
                    label=s.password_new
                    input_type="password"
                    autocomplete="new-password"
                    value=new
                    form=form
                    error=err("new_password")
                >
                    <span class="form-hint">{hint}</span>
                </TextField>
                <TextField
                    name="confirm_password"
                    label=s.password_confirm
                    input_type="password"
                    autocomplete="new-password"
                    value=confirm
                    form=form
                    error=err("confirm_password")
                />
                <SubmitButton
                    form=form
                    id="password-submit"
                    class="button-block"
                    label=s.password_submit
                />
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields with a problem, each once.
    fn fields(f: Vec<FieldError>) -> Vec<String> {
        let mut names: Vec<String> = f.into_iter().map(|e| e.field).collect();
        names.dedup();
        names
    }

    #[test]
    fn the_policy_and_the_confirmation_are_checked() {
        let p = PasswordPolicy::default();
        assert!(
            password_problems(&p, "u1", "Xueji@2026", "Newpass#2026", "Newpass#2026").is_empty()
        );
        assert_eq!(
            fields(password_problems(&p, "u1", "", "short", "other")),
            ["current_password", "new_password", "confirm_password"]
        );
        // The same password again is refused before sending, as the server would.
        assert_eq!(
            fields(password_problems(
                &p,
                "u1",
                "Same#Pass2026",
                "Same#Pass2026",
                "Same#Pass2026"
            )),
            ["new_password"]
        );
        // The policy's rule that the password must not contain the username.
        assert_eq!(
            fields(password_problems(
                &p,
                "wang01",
                "x",
                "Wang01-2026",
                "Wang01-2026"
            )),
            ["new_password"]
        );
    }
}
