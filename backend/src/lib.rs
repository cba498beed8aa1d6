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
pub mod business;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod engine;
pub mod entities;
pub mod error;
pub mod evidence;
pub mod evidence_check;
pub mod extract;
pub mod passwords;
pub mod ratelimit;
pub mod routes;
pub mod scope;
pub mod settings;
pub mod state;
pub mod student;
pub mod synth;
