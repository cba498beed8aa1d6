//! One module per page.

pub mod home;
pub mod login;
pub mod module;
pub mod not_found;
pub mod password;
pub mod settings;
pub mod students;
