//! 受控字段 (`/settings/controlled-fields`): the identity fields (always controlled), the sets
//! of the authorities above (read-only), this authority's own set (editable by its
//! administrator) and the effective set for the schools below.

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api_config::{field_label, ControlledFieldsView, UpdateControlledFields};
use xueji_shared::record::FIELDS;

use crate::api::Api;
use crate::components::form::{
    CheckField, FieldErrorText, FormAlert, FormNotice, FormState, SubmitButton,
};
use crate::i18n::t;
use crate::pages::settings::config_util::{me, set_by};
use crate::pages::settings::BackToSettings;

/// "民族、户口所在地", or "无".
pub fn labels(fields: &[String]) -> String {
    if fields.is_empty() {
        return t().cfg_none.to_owned();
    }
    fields
        .iter()
        .map(|f| field_label(f))
        .collect::<Vec<_>>()
        .join("、")
}

#[component]
pub fn ControlledFieldsPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let data = RwSignal::new(None::<ControlledFieldsView>);
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let org_id = me().map(|m| m.org.id);
    if let Some(id) = org_id {
        spawn_local(async move {
            match api.controlled_fields(id).await {
                Ok(v) => {
                    chosen.try_set(v.own.iter().cloned().collect());
                    data.try_set(Some(v));
                }
                Err(e) => {
                    form.alert.try_set(Some(e.message()));
                }
            }
        });
    }
    let level = move || data.with(|d| d.as_ref().map(|d| d.level));
    let local = Memo::new(move |_| match level() {
        Some(l) => UpdateControlledFields {
            fields: chosen.get().into_iter().collect(),
        }
        .validate(l),
        None => vec![],
    });
    let err = form.error("fields", local);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = org_id else { return };
        if !form.begin(&local.get_untracked()) {
            return;
        }
        let req = UpdateControlledFields {
            fields: chosen.get_untracked().into_iter().collect(),
        };
        notice.set(None);
        spawn_local(async move {
            match api.update_controlled_fields(id, &req).await {
                Ok(v) => {
                    form.succeed();
                    notice.try_set(Some(t().cfg_saved.to_owned()));
                    data.try_set(Some(v));
                }
                Err(e) => form.fail(&e, &["fields"]),
            }
        });
    };
    let body = move || {
        let Some(v) = data.get() else {
            return view! { <p class="empty-note">{s.cfg_loading}</p> }.into_any();
        };
        let above = v
            .above
            .iter()
            .map(|l| {
                view! {
                    <li class="cf-level" data-level=l.level.as_str()>
                        <span class="cap-chain-who">{set_by(l.level, &l.org_name)}</span>
                        <span class="cf-fields">{labels(&l.fields)}</span>
                    </li>
                }
            })
            .collect_view();
        let own = if v.editable {
            let boxes = FIELDS
                .iter()
                .filter(|f| !v.identity.iter().any(|i| i == f.field))
                .map(|f| {
                    let name = f.field;
                    view! {
                        <CheckField
                            name="fields"
                            value=name
                            label=f.label
                            checked=move || chosen.with(|c| c.contains(name))
                            on_change=move |on: bool| {
                                chosen.update(|c| {
                                    if on {
                                        c.insert(name.to_owned());
                                    } else {
                                        c.remove(name);
                                    }
                                });
                                form.touch("fields");
                            }
                        />
                    }
                })
                .collect_view();
            view! {
                <form class="card" on:submit=on_submit novalidate>
                    <h2 class="card-title">{s.cf_own}</h2>
                    <FormAlert message=form.alert/>
                    <div class="check-grid">{boxes}</div>
                    <FieldErrorText field="fields" message=err/>
                    <div class="button-row">
                        <SubmitButton form=form/>
                    </div>
                </form>
            }
            .into_any()
        } else {
            view! {
                <section class="card">
                    <h2 class="card-title">{s.cf_own}</h2>
                    <p>{labels(&v.own)}</p>
                    <p class="form-hint">{s.cfg_read_only}</p>
                </section>
            }
            .into_any()
        };
        view! {
            <p class="config-org">{set_by(v.level, &v.org_name)}</p>
            <section class="card">
                <h2 class="card-title">{s.cf_identity}</h2>
                <p>{labels(&v.identity)}</p>
            </section>
            <section class="card">
                <h2 class="card-title">{s.cf_above}</h2>
                <ul class="cap-chain">{above}</ul>
            </section>
            {own}
            <section class="card">
                <h2 class="card-title">{s.cf_effective}</h2>
                <p class="cf-effective">{labels(&v.effective)}</p>
            </section>
        }
        .into_any()
    };
    view! {
        <div class="page settings-page config-page" data-page="controlled-fields">
            <BackToSettings/>
            <h1 class="page-title">{s.cf_title}</h1>
            <p class="page-lead">{s.cf_lead}</p>
            <FormNotice message=notice/>
            {body}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_labels() {
        assert_eq!(
            labels(&["ethnic_group".to_owned(), "name".to_owned()]),
            "民族、姓名"
        );
        assert_eq!(labels(&[]), t().cfg_none);
    }
}
