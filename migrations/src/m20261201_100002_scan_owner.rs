//! The instance driving a duplicate scan run (issue 10, defect 8): `scan_runs.owner` is the
//! id of the server instance that drives it, which beats the run's heartbeat every few
//! seconds. When the beats stop (the instance died) another instance takes the run over with
//! one conditional update and resumes it from its cursor.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_100002_scan_owner"
    }
}

#[derive(DeriveIden)]
enum ScanRuns {
    Table,
    Owner,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ScanRuns::Table)
                    .add_column(ColumnDef::new(ScanRuns::Owner).string_len(64).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ScanRuns::Table)
                    .drop_column(ScanRuns::Owner)
                    .to_owned(),
            )
            .await
    }
}
