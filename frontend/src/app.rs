//! The app root: context, router and routes.

use leptos::prelude::*;
use leptos_router::components::{Outlet, ProtectedParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::api::Api;
use crate::auth::Session;
use crate::business::change::detail::ChangeDetailPage;
use crate::business::change::edit::StudentEditPage;
use crate::business::change::ChangesPage;
use crate::business::problems::detail::ProblemDetailPage;
use crate::business::problems::scan::ScanPage;
use crate::business::problems::ProblemsPage;
use crate::business::registration::detail::RegistrationDetailPage;
use crate::business::registration::RegistrationPage;
use crate::components::offline_banner::OfflineBanner;
use crate::components::shell::Shell;
use crate::engine::inbox::InboxPage;
use crate::engine::overdue::OverduePage;
use crate::i18n::t;
use crate::modules::by_slug;
use crate::net::NetStatus;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::module::ModulePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::password::PasswordPage;
use crate::pages::settings::accounts::AccountsPage;
use crate::pages::settings::audit::AuditLogPage;
use crate::pages::settings::calendar::CalendarPage;
use crate::pages::settings::caps::CapsPage;
use crate::pages::settings::classes::ClassesPage;
use crate::pages::settings::controlled_fields::ControlledFieldsPage;
use crate::pages::settings::orgs::OrgsPage;
use crate::pages::settings::password_policy::PasswordPolicyPage;
use crate::pages::settings::switches::SwitchesPage;
use crate::pages::settings::SettingsHub;
use crate::pages::students::card::StudentCardPage;
use crate::pages::students::StudentsPage;

#[component]
pub fn App() -> impl IntoView {
    let net = NetStatus::install();
    let session = Session::load();
    provide_context(net);
    provide_context(session);
    provide_context(Api::new(session, net));

    let signed_in = move || Some(session.signed_in());

    view! {
        <div id="app" class="app">
            <OfflineBanner/>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LoginPage/>
                    <ProtectedParentRoute
                        path=path!("")
                        condition=signed_in
                        redirect_path=|| "/login"
                        view=|| view! { <Shell><Outlet/></Shell> }
                    >
                        <Route path=path!("") view=HomePage/>
                        <Route path=path!("inbox") view=InboxPage/>
                        <Route path=path!("overdue") view=OverduePage/>
                        <Route path=path!("registration") view=RegistrationPage/>
                        <Route path=path!("registration/:id") view=RegistrationDetailPage/>
                        <Route path=path!("students") view=StudentsPage/>
                        <Route path=path!("students/:id") view=StudentCardPage/>
                        <Route path=path!("students/:id/edit") view=StudentEditPage/>
                        <Route path=path!("key-changes") view=ChangesPage/>
                        <Route path=path!("key-changes/:id") view=ChangeDetailPage/>
                        <Route path=path!("problems") view=ProblemsPage/>
                        <Route path=path!("problems/scan") view=ScanPage/>
                        <Route path=path!("problems/:id") view=ProblemDetailPage/>
                        <Route path=path!("changes") view=module("changes")/>
                        <Route path=path!("transfers") view=module("transfers")/>
                        <Route path=path!("graduation") view=module("graduation")/>
                        <Route path=path!("enrolment") view=module("enrolment")/>
                        <Route path=path!("statistics") view=module("statistics")/>
                        <Route path=path!("settings") view=SettingsHub/>
                        <Route path=path!("settings/orgs") view=OrgsPage/>
                        <Route path=path!("settings/accounts") view=AccountsPage/>
                        <Route path=path!("settings/audit") view=AuditLogPage/>
                        <Route path=path!("settings/caps") view=CapsPage/>
                        <Route path=path!("settings/controlled-fields") view=ControlledFieldsPage/>
                        <Route path=path!("settings/password-policy") view=PasswordPolicyPage/>
                        <Route path=path!("settings/switches") view=SwitchesPage/>
                        <Route path=path!("settings/calendar") view=CalendarPage/>
                        <Route path=path!("settings/classes") view=ClassesPage/>
                        <Route path=path!("password") view=PasswordPage/>
                    </ProtectedParentRoute>
                </Routes>
            </Router>
        </div>
    }
}

/// The view of a module's route.
fn module(slug: &'static str) -> impl Fn() -> AnyView + Clone + Send + 'static {
    move || match by_slug(t(), slug) {
        Some(module) => view! { <ModulePage module=module/> }.into_any(),
        None => view! { <NotFoundPage/> }.into_any(),
    }
}
