//! 系统配置: the hub with one tile per configuration page, and the pages themselves.

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod classes;
// system configuration pages
pub mod caps;
pub mod config_util;
pub mod controlled_fields;
pub mod orgs;
pub mod password_policy;
pub mod switches;

use chrono::{DateTime, FixedOffset, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::A;
use xueji_shared::org::Role;

use crate::auth::Session;
use crate::i18n::{t, Strings};

/// One tile of the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub path: &'static str,
    /// Stable identifier, `data-tile` in the markup.
    pub slug: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

/// The tiles a role may use, in menu order. The server refuses the rest anyway (403): this only
/// keeps entries a role can't use out of sight.
pub fn tiles(s: &Strings, role: Role) -> Vec<Tile> {
    let admin = role == Role::Admin;
    let all = [
        // Everyone browses the organisation tree of their jurisdiction (read-only unless admin).
        (
            true,
            "/settings/orgs",
            "orgs",
            s.tile_orgs,
            s.tile_orgs_desc,
        ),
        (
            admin,
            "/settings/accounts",
            "accounts",
            s.tile_accounts,
            s.tile_accounts_desc,
        ),
        (
            matches!(role, Role::Admin | Role::Leader),
            "/settings/audit",
            "audit",
            s.tile_audit,
            s.tile_audit_desc,
        ),
        (
            admin,
            "/settings/caps",
            "caps",
            s.tile_caps,
            s.tile_caps_desc,
        ),
        (
            admin,
            "/settings/controlled-fields",
            "controlled-fields",
            s.tile_controlled_fields,
            s.tile_controlled_fields_desc,
        ),
        (
            admin,
            "/settings/switches",
            "switches",
            s.tile_switches,
            s.tile_switches_desc,
        ),
        (
            admin,
            "/settings/calendar",
            "calendar",
            s.tile_calendar,
            s.tile_calendar_desc,
        ),
        (
            admin,
            "/settings/password-policy",
            "password-policy",
            s.tile_password_policy,
            s.tile_password_policy_desc,
        ),
        (
            admin,
            "/settings/classes",
            "classes",
            s.tile_classes,
            s.tile_classes_desc,
        ),
    ];
    all.into_iter()
        .filter(|(visible, ..)| *visible)
        .map(|(_, path, slug, title, description)| Tile {
            path,
            slug,
            title,
            description,
        })
        .collect()
}

/// `/settings`: the hub.
#[component]
pub fn SettingsHub() -> impl IntoView {
    let s = t();
    let session = expect_context::<Session>();
    let list = move || {
        let role = session.account().map(|me| me.role)?;
        let items = tiles(s, role)
            .into_iter()
            .map(|tile| {
                view! {
                    <li>
                        <A href=tile.path attr:class="module-tile" attr:data-tile=tile.slug>
                            <span class="module-tile-title">{tile.title}</span>
                            <span class="module-tile-desc">{tile.description}</span>
                        </A>
                    </li>
                }
            })
            .collect_view();
        Some(view! { <ul class="module-grid settings-grid">{items}</ul> })
    };
    view! {
        <div class="page settings-page" data-module="settings">
            <h1 class="page-title">{s.module_settings}</h1>
            <p class="page-lead">{s.settings_lead}</p>
            {list}
        </div>
    }
}

/// The "back to 系统配置" link above each settings page.
#[component]
pub fn BackToSettings() -> impl IntoView {
    view! {
        <A href="/settings" attr:class="back-link">
            {t().settings_back}
        </A>
    }
}

/// The signed-in role (tracked).
pub fn current_role() -> Option<Role> {
    expect_context::<Session>().account().map(|me| me.role)
}

/// Today in the browser's time zone (the browser's clock; the server re-checks dates).
pub fn today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_millis() -> i64 {
    js_sys::Date::now() as i64
}

/// Whether an RFC 3339 instant is after `now_millis` (e.g. an account still locked).
pub fn is_after(instant: Option<&str>, now_millis: i64) -> bool {
    instant
        .and_then(|i| DateTime::parse_from_rfc3339(i).ok())
        .is_some_and(|i| i.timestamp_millis() > now_millis)
}

/// Minutes east of UTC of the browser's time zone (Beijing: 480).
pub fn browser_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// An RFC 3339 instant shown as `YYYY-MM-DD HH:MM` at the given offset (minutes east of UTC);
/// the raw text when it does not parse.
pub fn local_time(instant: &str, offset_minutes: i32) -> String {
    match (
        DateTime::parse_from_rfc3339(instant),
        FixedOffset::east_opt(offset_minutes * 60),
    ) {
        (Ok(at), Some(tz)) => at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        _ => instant.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::ZH;

    fn slugs(role: Role) -> Vec<&'static str> {
        tiles(&ZH, role).into_iter().map(|t| t.slug).collect()
    }

    #[test]
    fn tiles_follow_the_role() {
        assert_eq!(slugs(Role::Registrar), ["orgs"]);
        assert_eq!(slugs(Role::Leader), ["orgs", "audit"]);
        assert_eq!(
            slugs(Role::Admin),
            [
                "orgs",
                "accounts",
                "audit",
                "caps",
                "controlled-fields",
                "switches",
                "calendar",
                "password-policy",
                "classes"
            ]
        );
        for tile in tiles(&ZH, Role::Admin) {
            assert_eq!(tile.path, format!("/settings/{}", tile.slug));
        }
    }

    #[test]
    fn instants() {
        let at = "2026-11-23T08:30:00+08:00";
        let ms = DateTime::parse_from_rfc3339(at)
            .expect("instant")
            .timestamp_millis();
        assert!(is_after(Some(at), ms - 1));
        assert!(!is_after(Some(at), ms));
        assert!(!is_after(None, 0));
        assert!(!is_after(Some("garbage"), 0));
        assert_eq!(local_time(at, 480), "2026-11-23 08:30");
        assert_eq!(local_time("2026-11-23T18:26:00Z", 480), "2026-11-24 02:26");
        assert_eq!(
            local_time("2026-11-23T18:26:00+00:00", 0),
            "2026-11-23 18:26"
        );
        assert_eq!(local_time("garbage", 480), "garbage");
    }
}
