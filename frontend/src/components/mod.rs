//! Building blocks of the shell.

pub mod account_card;
pub mod form;
pub mod nav;
pub mod offline_banner;
pub mod shell;
