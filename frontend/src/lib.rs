//! xueji browser client (Leptos 0.8, client-side rendered).
//!
//! - [`app`]: router and routes; [`pages`]: one module per page; [`components`]: the shell.
//! - [`api`]: the one typed client of `/api/v1`; [`auth`]: tokens and the signed-in account.
//! - [`net`]: online/offline state; [`modules`]: the menu.
//! - [`engine`]: the request engine's pages; [`record`]: the student record's form and view;
//!   [`business`]: one folder per business (its pages, API calls and strings).
//! - Strings: [`i18n`] holds the platform's and the table mechanism; each business, the engine,
//!   the record and the student pages keep their own `strings.rs`.

pub mod api;
pub mod app;
pub mod auth;
pub mod business;
pub mod components;
pub mod engine;
pub mod i18n;
pub mod modules;
pub mod net;
pub mod pages;
pub mod record;

use wasm_bindgen::prelude::*;

/// Id of the loading screen that `index.html` paints before the wasm starts.
pub const BOOT_ELEMENT_ID: &str = "boot";

/// Entry point, run by `init()` of the wasm-bindgen output: mounts the app to `<body>` and then
/// removes the loading screen.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    if let Some(boot) = leptos::prelude::document().get_element_by_id(BOOT_ELEMENT_ID) {
        boot.remove();
    }
}

#[cfg(test)]
mod tests {
    /// Every string table of the client, for the checks across tables.
    fn tables() -> Vec<Vec<(&'static str, &'static str)>> {
        vec![
            crate::i18n::ZH.entries(),
            crate::record::strings::ZH.entries(),
            crate::pages::students::strings::ZH.entries(),
            crate::business::registration::strings::ZH.entries(),
            crate::business::problems::strings::ZH.entries(),
        ]
    }

    #[test]
    fn no_string_name_is_in_two_tables() {
        let mut seen = std::collections::HashSet::new();
        for (name, _) in tables().into_iter().flatten() {
            assert!(seen.insert(name), "{name} is in two tables");
        }
    }
}
