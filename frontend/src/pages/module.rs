//! A business module that is not built yet: its title and an honest empty state.

use leptos::prelude::*;

use crate::i18n::t;
use crate::modules::Module;

#[component]
pub fn ModulePage(module: Module) -> impl IntoView {
    let s = t();
    view! {
        <div class="page module-page" data-module=module.slug>
            <h1 class="page-title">{module.title}</h1>
            <p class="page-lead">{module.description}</p>
            <section class="card empty-state">
                <div class="empty-state-mark" aria-hidden="true"></div>
                <h2 class="empty-state-title">{s.module_coming_soon}</h2>
                <p class="empty-state-hint">{s.module_coming_soon_hint}</p>
            </section>
        </div>
    }
}
