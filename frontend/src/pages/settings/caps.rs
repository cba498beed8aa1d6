//! 班额设置 (`/settings/caps`): per stage, the caps set above (read-only), the own cap with its
//! lock (province, city and county administrators), and the effective cap with the level it
//! comes from. The shared rules check the input as it is typed; the server says the same.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api::FieldError;
use xueji_shared::api_config::{CapsView, StageCaps, UpdateCap};
use xueji_shared::org::Level;

use crate::api::Api;
use crate::components::form::{
    CheckField, FormAlert, FormNotice, FormState, SubmitButton, TextField,
};
use crate::i18n::{fill, t};
use crate::pages::settings::config_util::{me, parse_opt, set_by};
use crate::pages::settings::BackToSettings;

/// "45人（来自地市级·杭州市教育局）", or "未设置班额上限".
pub fn effective_text(sc: &StageCaps) -> String {
    let s = t();
    match (sc.effective, sc.effective_level) {
        (Some(cap), Some(level)) => fill(
            s.caps_effective_value,
            &[
                ("cap", &cap.to_string()),
                ("level", level.label()),
                ("org", sc.effective_org_name.as_deref().unwrap_or("")),
            ],
        ),
        _ => s.caps_no_cap.to_owned(),
    }
}

/// The problems with the typed cap (shared rules; a non-number is refused first).
pub fn cap_problems(sc: &StageCaps, level: Level, text: &str, locked: bool) -> Vec<FieldError> {
    match parse_opt::<u16>(text) {
        None => vec![FieldError::new("cap", t().cfg_number_invalid)],
        Some(cap) => UpdateCap {
            stage: sc.stage,
            cap,
            locked,
        }
        .validate(level, &sc.above_settings()),
    }
}

#[component]
pub fn CapsPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let data = RwSignal::new(None::<CapsView>);
    let alert = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    if let Some(me) = me() {
        let id = me.org.id;
        spawn_local(async move {
            match api.caps(id).await {
                Ok(v) => {
                    data.try_set(Some(v));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    }
    let body = move || {
        let Some(v) = data.get() else {
            return view! { <p class="empty-note">{s.cfg_loading}</p> }.into_any();
        };
        let heading = set_by(v.level, &v.org_name);
        let cards = v
            .stages
            .iter()
            .cloned()
            .map(|sc| {
                view! {
                    <StageCard
                        sc=sc
                        org_id=v.org_id
                        level=v.level
                        editable=v.editable
                        data=data
                        notice=notice
                    />
                }
            })
            .collect_view();
        view! {
            <p class="config-org">{heading}</p>
            <div class="config-grid">{cards}</div>
        }
        .into_any()
    };
    view! {
        <div class="page settings-page config-page" data-page="caps">
            <BackToSettings/>
            <h1 class="page-title">{s.caps_title}</h1>
            <p class="page-lead">{s.caps_lead}</p>
            <FormAlert message=alert/>
            <FormNotice message=notice/>
            {body}
        </div>
    }
}

#[component]
fn StageCard(
    sc: StageCaps,
    org_id: i64,
    level: Level,
    editable: bool,
    data: RwSignal<Option<CapsView>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let stage = sc.stage;
    let effective = effective_text(&sc);
    let chain = sc
        .above
        .iter()
        .map(|c| {
            let value = c
                .cap
                .map(|cap| fill(s.caps_people, &[("cap", &cap.to_string())]))
                .unwrap_or_else(|| s.cfg_unset.to_owned());
            let lock = c
                .locked
                .then(|| view! { <span class="badge badge-warn">{s.caps_locked_badge}</span> });
            view! {
                <li class="cap-chain-row" data-level=c.level.as_str()>
                    <span class="cap-chain-who">{set_by(c.level, &c.org_name)}</span>
                    <span class="cap-chain-value">{value}</span>
                    {lock}
                </li>
            }
        })
        .collect_view();
    let locked_note = sc.locked_by.map(|by| {
        view! {
            <p class="alert alert-warn cap-locked" data-locked-by=by.as_str()>
                {fill(s.caps_locked_by, &[("level", by.label())])}
            </p>
        }
    });
    let limit = sc.limit().map(|(cap, by)| {
        fill(
            s.caps_limit,
            &[("cap", &cap.to_string()), ("level", by.label())],
        )
    });

    // The own setting: a form for the organisation's administrator, otherwise read-only.
    let own = sc.own.clone().map(|own| {
        if !editable || sc.locked_by.is_some() {
            let value = own
                .cap
                .map(|cap| fill(s.caps_people, &[("cap", &cap.to_string())]))
                .unwrap_or_else(|| s.cfg_unset.to_owned());
            let lock = own
                .locked
                .then(|| view! { <span class="badge badge-warn">{s.caps_locked_badge}</span> });
            return view! {
                <p class="cap-own-readonly">
                    <span class="form-label">{s.caps_own}</span>
                    " "
                    <span>{value}</span>
                    {lock}
                </p>
            }
            .into_any();
        }
        let form = FormState::new();
        let text = RwSignal::new(own.cap.map(|c| c.to_string()).unwrap_or_default());
        let locked = RwSignal::new(own.locked);
        let sc2 = sc.clone();
        let local = Memo::new(move |_| cap_problems(&sc2, level, &text.get(), locked.get()));
        let err = move |field: &'static str| form.error(field, local);
        let on_submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            if !form.begin(&local.get_untracked()) {
                return;
            }
            let req = UpdateCap {
                stage,
                cap: parse_opt::<u16>(&text.get_untracked()).flatten(),
                locked: locked.get_untracked(),
            };
            notice.set(None);
            spawn_local(async move {
                match api.update_cap(org_id, &req).await {
                    Ok(v) => {
                        form.succeed();
                        notice.try_set(Some(t().cfg_saved.to_owned()));
                        data.try_set(Some(v));
                    }
                    Err(e) => form.fail(&e, &["cap", "locked"]),
                }
            });
        };
        view! {
            <form class="cap-form" on:submit=on_submit novalidate>
                <FormAlert message=form.alert/>
                <TextField
                    name="cap"
                    label=s.caps_cap_label
                    inputmode="numeric"
                    autocomplete="off"
                    placeholder=s.caps_cap_placeholder
                    value=text
                    form=form
                    error=err("cap")
                >
                    {limit.clone().map(|l| view! { <span class="form-hint">{l}</span> })}
                </TextField>
                <CheckField
                    name="locked"
                    label=s.caps_lock_label
                    checked=locked
                    on_change=move |on: bool| {
                        locked.set(on);
                        form.touch("locked");
                    }
                />
                <div class="button-row">
                    <SubmitButton form=form/>
                </div>
            </form>
        }
        .into_any()
    });

    view! {
        <section class="card cap-card" data-stage=stage.as_str()>
            <h2 class="card-title">{stage.label()}</h2>
            <div class="cap-effective">
                <span class="form-label">{s.caps_effective}</span>
                <strong class="cap-effective-value" data-effective="">{effective}</strong>
            </div>
            {(!sc.above.is_empty())
                .then(|| {
                    view! {
                        <h3 class="section-title">{s.caps_above}</h3>
                        <ul class="cap-chain">{chain}</ul>
                    }
                })}
            {locked_note}
            {own}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xueji_shared::api_config::LevelCap;
    use xueji_shared::stage::Stage;

    fn sc() -> StageCaps {
        StageCaps {
            stage: Stage::Primary,
            above: vec![LevelCap {
                org_id: 3,
                org_name: "杭州市教育局".into(),
                level: Level::City,
                cap: Some(45),
                locked: false,
            }],
            own: None,
            effective: Some(45),
            effective_level: Some(Level::City),
            effective_org_name: Some("杭州市教育局".into()),
            locked_by: None,
        }
    }

    #[test]
    fn effective_and_problems() {
        assert_eq!(effective_text(&sc()), "45人（来自地市级·杭州市教育局）");
        let mut none = sc();
        none.effective = None;
        assert_eq!(effective_text(&none), t().caps_no_cap);
        assert!(cap_problems(&sc(), Level::County, "45", false).is_empty());
        assert!(cap_problems(&sc(), Level::County, "", false).is_empty());
        let p = cap_problems(&sc(), Level::County, "50", false);
        assert!(p[0].message.contains("45人"), "{}", p[0].message);
        assert_eq!(
            cap_problems(&sc(), Level::County, "abc", false)[0].field,
            "cap"
        );
    }
}
