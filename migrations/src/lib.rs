//! Database schema migrations (sea-orm-migration). They run at server start-up and through
//! `xueji migrate`. Each migration is written once for both SQLite and PostgreSQL through
//! sea-query's schema builder.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_core;
mod m20261123_000002_accounts_orgs;
mod m20261123_000003_config;
mod m20261123_000004_pg_path_pattern;
mod m20261123_000005_students;
mod m20261123_000006_problems;
mod m20261123_000007_requests;
mod m20261201_000008_problem_handling;
mod m20261201_000009_imports;
mod m20261201_000010_scans;
mod m20261201_000011_student_grade;
mod m20261201_000012_engine;
mod m20261201_100001_login_attempts;
mod m20261201_100002_scan_owner;
mod m20261202_000013_step_tallies;
mod m20261202_000014_form_codes;
mod m20261202_200001_student_versions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_core::Migration),
            Box::new(m20261123_000002_accounts_orgs::Migration),
            Box::new(m20261123_000003_config::Migration),
            Box::new(m20261123_000004_pg_path_pattern::Migration),
            Box::new(m20261123_000005_students::Migration),
            Box::new(m20261123_000006_problems::Migration),
            Box::new(m20261123_000007_requests::Migration),
            Box::new(m20261201_000008_problem_handling::Migration),
            Box::new(m20261201_000009_imports::Migration),
            Box::new(m20261201_000010_scans::Migration),
            Box::new(m20261201_000011_student_grade::Migration),
            Box::new(m20261201_000012_engine::Migration),
            Box::new(m20261201_100001_login_attempts::Migration),
            Box::new(m20261201_100002_scan_owner::Migration),
            Box::new(m20261202_000013_step_tallies::Migration),
            Box::new(m20261202_000014_form_codes::Migration),
            Box::new(m20261202_200001_student_versions::Migration),
        ]
    }
}
