//! xueji server library: the binary in `main.rs` and the integration tests both build the app
//! from here.

/// mimalloc rather than glibc's malloc for the server, its tests and benchmarks: reading an
/// import allocates millions of small strings, and glibc's free/consolidate took a fifth of
/// the import's CPU in a profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod app;
pub mod audit;
pub mod audit_anchor;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod evidence;
pub mod evidence_check;
pub mod grades;
pub mod identity;
pub mod import;
pub mod passwords;
pub mod problems;
pub mod ratelimit;
pub mod registration;
pub mod routes;
pub mod scan;
pub mod scope;
pub mod settings;
pub mod state;
pub mod synth;
pub mod xlsx;
pub mod xlsx_bounds;
