//! Small helpers shared by the system-configuration pages (caps, controlled fields, switches,
//! calendar, password policy, classes).

use leptos::prelude::*;
use xueji_shared::api::{FieldError, Me};
use xueji_shared::org::Level;

use crate::auth::Session;
use crate::i18n::{fill, t};

/// The signed-in account, read once (untracked).
pub fn me() -> Option<Me> {
    untrack(|| expect_context::<Session>().account())
}

/// An optional whole number typed into a field: empty → `Some(None)`; not a number → `None`.
pub fn parse_opt<T: std::str::FromStr>(text: &str) -> Option<Option<T>> {
    let text = text.trim();
    if text.is_empty() {
        Some(None)
    } else {
        text.parse().ok().map(Some)
    }
}

/// A required whole number, or the field error for it.
pub fn parse_num<T: std::str::FromStr>(field: &str, text: &str) -> Result<T, FieldError> {
    text.trim()
        .parse()
        .map_err(|_| FieldError::new(field, t().cfg_number_invalid))
}

/// "区县级（杭州市西湖区教育局）".
pub fn set_by(level: Level, org: &str) -> String {
    fill(t().cfg_set_by, &[("level", level.label()), ("org", org)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_opt::<u16>(" "), Some(None));
        assert_eq!(parse_opt::<u16>("45"), Some(Some(45)));
        assert!(parse_opt::<u16>("4x").is_none());
        assert!(parse_opt::<u16>("-1").is_none());
        assert_eq!(parse_num::<u8>("f", "8"), Ok(8));
        assert_eq!(parse_num::<u8>("f", "x").unwrap_err().field, "f");
        assert_eq!(
            set_by(Level::City, "杭州市教育局"),
            "地市级（杭州市教育局）设置"
        );
    }
}
