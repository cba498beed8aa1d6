//! The card with the signed-in account, its organisation and role.

use leptos::prelude::*;
use xueji_shared::api::Me;

use crate::i18n::t;

#[component]
pub fn AccountCard(me: Me) -> impl IntoView {
    let s = t();
    let rows = [
        ("display_name", s.field_display_name, me.display_name),
        ("username", s.field_username, me.username),
        ("org_name", s.field_org_name, me.org.name),
        ("org_code", s.field_org_code, me.org.code),
        (
            "org_level",
            s.field_org_level,
            me.org.level.label().to_owned(),
        ),
        ("role", s.field_role, me.role.label().to_owned()),
    ];
    view! {
        <section id="account-card" class="card account-card" aria-labelledby="account-card-title">
            <h2 id="account-card-title" class="card-title">{s.account_card_title}</h2>
            <dl class="fields">
                {rows
                    .into_iter()
                    .map(|(key, label, value)| {
                        view! {
                            <div class="field" data-field=key>
                                <dt>{label}</dt>
                                <dd>{value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}
