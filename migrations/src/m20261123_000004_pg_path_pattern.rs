//! PostgreSQL only: a `text_pattern_ops` index on `organisations.path`, so the jurisdiction
//! filter `path LIKE '/1/4/%'` is an index range scan under any database collation (a plain
//! b-tree serves LIKE only under the C collation). SQLite does not use an index for this LIKE
//! (its prefix optimisation needs a NOCASE column); the organisations table of a SQLite-sized
//! deployment is small enough to scan.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000004_pg_path_pattern"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE INDEX IF NOT EXISTS idx_organisations_path_pattern \
                     ON organisations (path text_pattern_ops)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP INDEX IF EXISTS idx_organisations_path_pattern")
                .await?;
        }
        Ok(())
    }
}
