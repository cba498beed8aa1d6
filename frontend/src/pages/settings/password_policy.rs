//! 密码策略 (`/settings/password-policy`): the province's minimum length, expiry, lockout
//! threshold and lockout minutes; province administrators edit, everybody else reads.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::account::PasswordPolicy;
use xueji_shared::api::FieldError;
use xueji_shared::api_config::PasswordPolicyView;

use crate::api::Api;
use crate::components::form::{Binding, FormAlert, FormNotice, FormState, SubmitButton, TextField};
use crate::i18n::t;
use crate::pages::settings::config_util::parse_num;
use crate::pages::settings::BackToSettings;

const FIELDS: [&str; 4] = [
    "min_length",
    "expiry_days",
    "lockout_threshold",
    "lockout_minutes",
];

/// The typed values as a policy, or the problems (non-numbers, then the shared bounds).
pub fn policy_from(texts: &[String; 4]) -> Result<PasswordPolicy, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut num = |i: usize| -> u16 {
        parse_num::<u16>(FIELDS[i], &texts[i]).unwrap_or_else(|e| {
            errors.push(e);
            0
        })
    };
    let (a, b, c, d) = (num(0), num(1), num(2), num(3));
    let policy = PasswordPolicy {
        min_length: u8::try_from(a).unwrap_or(u8::MAX),
        expiry_days: b,
        lockout_threshold: u8::try_from(c).unwrap_or(u8::MAX),
        lockout_minutes: d,
    };
    let bounds: Vec<FieldError> = policy
        .validate()
        .into_iter()
        .filter(|f| !errors.iter().any(|e| e.field == f.field))
        .collect();
    errors.extend(bounds);
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

#[component]
pub fn PasswordPolicyPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let data = RwSignal::new(None::<PasswordPolicyView>);
    let texts = RwSignal::new(<[String; 4]>::default());
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let fill_from = move |p: &PasswordPolicy| {
        texts.set([
            p.min_length.to_string(),
            p.expiry_days.to_string(),
            p.lockout_threshold.to_string(),
            p.lockout_minutes.to_string(),
        ]);
    };
    spawn_local(async move {
        match api.config_password_policy().await {
            Ok(v) => {
                fill_from(&v.policy);
                data.try_set(Some(v));
            }
            Err(e) => {
                form.alert.try_set(Some(e.message()));
            }
        }
    });
    let local = Memo::new(move |_| policy_from(&texts.get()).err().unwrap_or_default());
    let err = move |field: &'static str| form.error(field, local);
    let editable = move || data.with(|d| d.as_ref().is_some_and(|d| d.editable));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&local.get_untracked()) {
            return;
        }
        let Ok(policy) = policy_from(&texts.get_untracked()) else {
            return;
        };
        notice.set(None);
        spawn_local(async move {
            match api.update_password_policy(&policy).await {
                Ok(v) => {
                    form.succeed();
                    notice.try_set(Some(t().cfg_saved.to_owned()));
                    data.try_set(Some(v));
                }
                Err(e) => form.fail(&e, &FIELDS),
            }
        });
    };
    let labels = [
        s.pp_min_length,
        s.pp_expiry_days,
        s.pp_lockout_threshold,
        s.pp_lockout_minutes,
    ];
    let inputs = (0..4)
        .map(|i| {
            view! {
                <TextField
                    name=FIELDS[i]
                    label=labels[i]
                    inputmode="numeric"
                    autocomplete="off"
                    disabled=Signal::derive(move || !editable())
                    value=Binding::new(
                        move || texts.with(|t| t[i].clone()),
                        move |v| texts.update(|t| t[i] = v),
                    )
                    form=form
                    error=err(FIELDS[i])
                />
            }
        })
        .collect_view();
    view! {
        <div class="page settings-page config-page" data-page="password-policy">
            <BackToSettings/>
            <h1 class="page-title">{s.pp_title}</h1>
            <p class="page-lead">{s.pp_lead}</p>
            <FormNotice message=notice/>
            <form class="card form-card narrow-form" on:submit=on_submit novalidate>
                <FormAlert message=form.alert/>
                {move || {
                    data.with(|d| match d {
                        None => Some(s.cfg_loading),
                        Some(d) if d.is_default => Some(s.cfg_default_note),
                        Some(d) if !d.editable => Some(s.cfg_read_only),
                        _ => None,
                    })
                        .map(|m| view! { <p class="form-hint">{m}</p> })
                }}
                {inputs}
                <Show when=editable>
                    <div class="button-row">
                        <SubmitButton form=form/>
                    </div>
                </Show>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: [&str; 4]) -> [String; 4] {
        v.map(str::to_owned)
    }

    #[test]
    fn typed_policy() {
        assert_eq!(
            policy_from(&texts(["12", "60", "3", "30"])),
            Ok(PasswordPolicy {
                min_length: 12,
                expiry_days: 60,
                lockout_threshold: 3,
                lockout_minutes: 30
            })
        );
        let e = policy_from(&texts(["x", "60", "50", "30"])).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["min_length", "lockout_threshold"]);
    }
}
