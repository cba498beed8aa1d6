//! 管理功能设置 (`/settings/switches`): the province's status changes per stage, grade-1
//! registration and age control, deletion of records with a formal number, and the business
//! windows. Province administrators edit; lower levels read.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api::FieldError;
use xueji_shared::api_config::{BusinessWindows, DateWindow, ProvinceSwitches, SwitchesView};
use xueji_shared::stage::{Stage, StatusChange};

use crate::api::Api;
use crate::components::form::{
    Binding, CheckField, FieldErrorText, FormAlert, FormNotice, FormState, SubmitButton, TextField,
};
use crate::i18n::t;
use crate::pages::settings::config_util::parse_num;
use crate::pages::settings::BackToSettings;

/// The typed text of the number and date fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    pub min_age: String,
    pub max_age: String,
    pub cutoff_month: String,
    pub cutoff_day: String,
    /// (start, end) per window, in [`BusinessWindows::entries`] order.
    pub windows: [(String, String); 6],
}

impl Texts {
    pub fn of(s: &ProvinceSwitches) -> Self {
        let a = &s.grade1_age;
        let w = s.windows.entries().map(|(_, _, w)| {
            w.map(|w| (w.start.to_string(), w.end.to_string()))
                .unwrap_or_default()
        });
        Texts {
            min_age: a.min_age.to_string(),
            max_age: a.max_age.to_string(),
            cutoff_month: a.cutoff_month.to_string(),
            cutoff_day: a.cutoff_day.to_string(),
            windows: w,
        }
    }
}

/// The settings as typed, or every problem (the shared rules after the parsing).
pub fn build(base: &ProvinceSwitches, texts: &Texts) -> Result<ProvinceSwitches, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = base.clone();
    let mut num = |field: &str, text: &str, fallback: u8| {
        parse_num::<u8>(field, text).unwrap_or_else(|e| {
            errors.push(e);
            fallback
        })
    };
    out.grade1_age.min_age = num("grade1_age.min_age", &texts.min_age, 6);
    out.grade1_age.max_age = num("grade1_age.max_age", &texts.max_age, 7);
    out.grade1_age.cutoff_month = num("grade1_age.cutoff_month", &texts.cutoff_month, 8);
    out.grade1_age.cutoff_day = num("grade1_age.cutoff_day", &texts.cutoff_day, 31);
    let mut windows = BusinessWindows::default();
    for ((name, _, _), (start, end)) in base.windows.entries().iter().zip(&texts.windows) {
        let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
        match (start.trim().is_empty(), end.trim().is_empty()) {
            (true, true) => {}
            _ => match (date(start), date(end)) {
                (Some(start), Some(end)) => windows.set(name, Some(DateWindow { start, end })),
                _ => errors.push(FieldError::new(
                    format!("windows.{name}.end"),
                    t().sw_window_incomplete,
                )),
            },
        }
    }
    out.windows = windows;
    let bounds: Vec<FieldError> = out
        .validate()
        .into_iter()
        .filter(|f| !errors.iter().any(|e| e.field == f.field))
        .collect();
    errors.extend(bounds);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One stage's set of allowed changes, or (any other key) the authority-approval set.
fn change_set<'a>(c: &'a mut ProvinceSwitches, key: &str) -> &'a mut BTreeSet<StatusChange> {
    match key {
        "primary" => &mut c.status_changes.primary,
        "junior" => &mut c.status_changes.junior,
        "senior" => &mut c.status_changes.senior,
        _ => &mut c.status_changes.authority_approval,
    }
}

const WINDOW_FIELDS: [&str; 6] = [
    "windows.in_school_registration.end",
    "windows.grade1_registration.end",
    "windows.arrival_registration.end",
    "windows.graduation.end",
    "windows.promotion.end",
    "windows.enrolment.end",
];

#[component]
pub fn SwitchesPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let data = RwSignal::new(None::<SwitchesView>);
    let current = RwSignal::new(ProvinceSwitches::default());
    let texts = RwSignal::new(Texts::default());
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api.switches().await {
            Ok(v) => {
                texts.try_set(Texts::of(&v.settings));
                current.try_set(v.settings.clone());
                data.try_set(Some(v));
            }
            Err(e) => {
                form.alert.try_set(Some(e.message()));
            }
        }
    });
    let editable = move || data.with(|d| d.as_ref().is_some_and(|d| d.editable));
    let local =
        Memo::new(move |_| current.with(|c| texts.with(|t| build(c, t).err().unwrap_or_default())));
    let err = move |field: &'static str| form.error(field, local);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&local.get_untracked()) {
            return;
        }
        let Ok(req) = build(&current.get_untracked(), &texts.get_untracked()) else {
            return;
        };
        notice.set(None);
        spawn_local(async move {
            match api.update_switches(&req).await {
                Ok(v) => {
                    form.succeed();
                    notice.try_set(Some(t().cfg_saved.to_owned()));
                    current.try_set(v.settings.clone());
                    data.try_set(Some(v));
                }
                Err(e) => {
                    let mut fields = vec!["status_changes.primary", "status_changes.junior"];
                    fields.extend([
                        "grade1_age.min_age",
                        "grade1_age.max_age",
                        "grade1_age.cutoff_month",
                        "grade1_age.cutoff_day",
                    ]);
                    fields.extend(WINDOW_FIELDS);
                    form.fail(&e, &fields)
                }
            }
        });
    };

    // A checkbox bound to a part of the settings.
    let check = move |name: String,
                      label: &'static str,
                      get: fn(&ProvinceSwitches) -> bool,
                      set: fn(&mut ProvinceSwitches, bool)| {
        view! {
            <CheckField
                name=name
                label=label
                disabled=Signal::derive(move || !editable())
                checked=move || current.with(get)
                on_change=move |on: bool| current.update(|c| set(c, on))
            />
        }
    };
    // A status change in one stage's set (or the authority-approval set).
    let change_box = move |key: &'static str, change: StatusChange| {
        view! {
            <CheckField
                name=format!("status_changes.{key}")
                value=format!("{change:?}")
                label=change.label()
                disabled=Signal::derive(move || !editable())
                checked=move || current.with(|c| change_set(&mut c.clone(), key).contains(&change))
                on_change=move |on: bool| {
                    current.update(|c| {
                        let set = change_set(c, key);
                        if on {
                            set.insert(change);
                        } else {
                            set.remove(&change);
                        }
                    });
                    form.touch(&format!("status_changes.{key}"));
                }
            />
        }
    };
    let stages = Stage::ALL
        .into_iter()
        .map(|stage| {
            let key = stage.as_str();
            let boxes = StatusChange::ALL
                .into_iter()
                .map(|c| change_box(key, c))
                .collect_view();
            let field: &'static str = match stage {
                Stage::Primary => "status_changes.primary",
                Stage::Junior => "status_changes.junior",
                Stage::Senior => "status_changes.senior",
            };
            view! {
                <h3 class="section-title">{stage.label()}</h3>
                <div class="check-grid" data-stage=key>{boxes}</div>
                <FieldErrorText field=field message=err(field)/>
            }
        })
        .collect_view();
    let authority = StatusChange::ALL
        .into_iter()
        .map(|c| change_box("authority_approval", c))
        .collect_view();
    let number = move |field: &'static str,
                       label: &'static str,
                       get: fn(&Texts) -> String,
                       set: fn(&mut Texts, String)| {
        view! {
            <TextField
                name=field
                label=label
                inputmode="numeric"
                autocomplete="off"
                disabled=Signal::derive(move || !editable())
                value=Binding::new(move || texts.with(get), move |v| texts.update(|t| set(t, v)))
                form=form
                error=err(field)
            />
        }
    };
    let windows = ProvinceSwitches::default()
        .windows
        .entries()
        .into_iter()
        .enumerate()
        .map(|(i, (name, label, _))| {
            let field = WINDOW_FIELDS[i];
            let date_input = move |end: bool| {
                view! {
                    <label class="form-field">
                        <span class="form-label">
                            {if end { s.sw_window_end } else { s.sw_window_start }}
                        </span>
                        <input
                            class="input"
                            type="date"
                            name=format!("windows.{name}.{}", if end { "end" } else { "start" })
                            disabled=move || !editable()
                            prop:value=move || {
                                texts.with(|t| if end { t.windows[i].1.clone() } else { t.windows[i].0.clone() })
                            }
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                texts.update(|t| if end { t.windows[i].1 = v } else { t.windows[i].0 = v });
                                form.touch(field);
                            }
                        />
                    </label>
                }
            };
            view! {
                <fieldset class="window-field" data-window=name>
                    <legend class="form-label">{label}</legend>
                    <div class="config-row">{date_input(false)} {date_input(true)}</div>
                    <FieldErrorText field=field message=err(field)/>
                </fieldset>
            }
        })
        .collect_view();

    view! {
        <div class="page settings-page config-page" data-page="switches">
            <BackToSettings/>
            <h1 class="page-title">{s.sw_title}</h1>
            <p class="page-lead">{s.sw_lead}</p>
            <FormNotice message=notice/>
            <form class="switches-form" on:submit=on_submit novalidate>
                <FormAlert message=form.alert/>
                {move || {
                    data.with(|d| match d {
                        None => Some(s.cfg_loading),
                        Some(d) if !d.editable => Some(s.cfg_read_only),
                        Some(d) if d.is_default => Some(s.cfg_default_note),
                        _ => None,
                    })
                        .map(|m| view! { <p class="form-hint">{m}</p> })
                }}
                <section class="card">
                    <h2 class="card-title">{s.sw_status_changes}</h2>
                    {stages}
                    <h3 class="section-title">{s.sw_authority}</h3>
                    <div class="check-grid">{authority}</div>
                </section>
                <section class="card">
                    <h2 class="card-title">{s.sw_switches}</h2>
                    {check(
                        "grade1_registration_open".into(),
                        s.sw_grade1_open,
                        |c| c.grade1_registration_open,
                        |c, v| c.grade1_registration_open = v,
                    )}
                    {check(
                        "delete_with_formal_number".into(),
                        s.sw_delete_formal,
                        |c| c.delete_with_formal_number,
                        |c, v| c.delete_with_formal_number = v,
                    )}
                </section>
                <section class="card">
                    <h2 class="card-title">{s.sw_age}</h2>
                    {check(
                        "grade1_age.enabled".into(),
                        s.sw_age_enabled,
                        |c| c.grade1_age.enabled,
                        |c, v| c.grade1_age.enabled = v,
                    )}
                    <div class="config-row">
                        {number("grade1_age.min_age", s.sw_min_age, |t| t.min_age.clone(), |t, v| t.min_age = v)}
                        {number("grade1_age.max_age", s.sw_max_age, |t| t.max_age.clone(), |t, v| t.max_age = v)}
                        {number(
                            "grade1_age.cutoff_month",
                            s.sw_cutoff_month,
                            |t| t.cutoff_month.clone(),
                            |t, v| t.cutoff_month = v,
                        )}
                        {number(
                            "grade1_age.cutoff_day",
                            s.sw_cutoff_day,
                            |t| t.cutoff_day.clone(),
                            |t, v| t.cutoff_day = v,
                        )}
                    </div>
                </section>
                <section class="card">
                    <h2 class="card-title">{s.sw_windows}</h2>
                    <p class="form-hint">{s.sw_windows_hint}</p>
                    {windows}
                </section>
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

    #[test]
    fn typed_windows_and_ages() {
        let base = ProvinceSwitches::default();
        let mut texts = Texts::of(&base);
        assert_eq!(build(&base, &texts), Ok(base.clone()));
        texts.windows[3] = ("2026-07-30".into(), "2026-05-01".into());
        texts.windows[5] = ("2026-06-01".into(), String::new());
        texts.min_age = "x".into();
        let fields: Vec<String> = build(&base, &texts)
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            [
                "grade1_age.min_age",
                "windows.enrolment.end",
                "windows.graduation.end"
            ]
        );
    }
}
