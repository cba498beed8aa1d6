//! Runs of the full duplicate scan (全量查重): started nightly or by hand, with their progress
//! and what they found.
//!
//! Only one run may be running at a time, across every server instance: a running run holds
//! `running_slot = 1`, a unique column (finished runs set it to NULL, and NULLs never collide,
//! on SQLite and PostgreSQL alike), so a second start fails its insert. `heartbeat_at` moves with
//! every chunk; a running run whose heartbeat stopped (its instance died) is marked failed by
//! the next start.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_scans"
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ScanRuns {
    Table,
    Id,
    ProvinceCode,
    TriggerKind,
    State,
    Total,
    Done,
    FoundInvalidId,
    FoundDupWithId,
    FoundDupWithoutId,
    StartedBy,
    StartedAt,
    FinishedAt,
    HeartbeatAt,
    Cursor,
    RunningSlot,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let count = |c: ScanRuns| {
            ColumnDef::new(c)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(ScanRuns::Table)
                    .col(
                        ColumnDef::new(ScanRuns::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    // The province scanned; NULL: the whole country.
                    .col(ColumnDef::new(ScanRuns::ProvinceCode).string_len(6).null())
                    // manual | nightly
                    .col(
                        ColumnDef::new(ScanRuns::TriggerKind)
                            .string_len(16)
                            .not_null(),
                    )
                    // running | done | failed
                    .col(ColumnDef::new(ScanRuns::State).string_len(16).not_null())
                    .col(count(ScanRuns::Total))
                    .col(count(ScanRuns::Done))
                    .col(count(ScanRuns::FoundInvalidId))
                    .col(count(ScanRuns::FoundDupWithId))
                    .col(count(ScanRuns::FoundDupWithoutId))
                    .col(ColumnDef::new(ScanRuns::StartedBy).big_integer().null())
                    .col(
                        ColumnDef::new(ScanRuns::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ScanRuns::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ScanRuns::HeartbeatAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    // The last student id checked: the walk goes in id order.
                    .col(count(ScanRuns::Cursor))
                    .col(
                        ColumnDef::new(ScanRuns::RunningSlot)
                            .small_integer()
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(ScanRuns::Error).text().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scan_runs_started_by")
                            .from(ScanRuns::Table, ScanRuns::StartedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scan_runs_province")
                    .table(ScanRuns::Table)
                    .col(ScanRuns::ProvinceCode)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScanRuns::Table).to_owned())
            .await
    }
}
