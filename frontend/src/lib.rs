//! xueji browser client (Leptos 0.8, client-side rendered).
//!
//! - [`app`]: router and routes; [`pages`]: one module per page; [`components`]: the shell.
//! - [`api`]: the one typed client of `/api/v1`; [`auth`]: tokens and the signed-in account.
//! - [`net`]: online/offline state; [`i18n`]: every user-visible string; [`modules`]: the menu.

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
