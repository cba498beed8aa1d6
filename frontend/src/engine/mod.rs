//! The request engine in the browser, the same for every business: the to-do inbox (待办,
//! `/inbox`), the overdue list of a jurisdiction (超期, `/overdue`), the home page's counts, and
//! the steps of one request with their 10-working-day deadlines ([`steps::StepTimeline`]), and
//! the one page of a request of any business ([`request_page::RequestPage`]).
//! Its API calls are in [`api`], its strings in [`strings`]; nothing here imports a business.

pub mod api;
pub mod home;
pub mod inbox;
pub mod overdue;
pub mod request_page;
pub mod steps;
pub mod strings;
