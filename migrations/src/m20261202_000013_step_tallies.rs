//! Open-step tallies (issue 9, the overdue list): how many open steps each organisation one
//! level below an ancestor must take, per business and deadline. A step at `/p/c/k/s/` counts
//! once under each of its ancestors — (p, c), (c, k), (k, s) — and under its own organisation
//! (s, s). The overdue counts of a jurisdiction are then a sum over the rows of one ancestor
//! whose deadline has passed (a few hundred rows), instead of a count over every open step of
//! the subtree. The engine maintains the rows in the same transaction as the steps; the server
//! fills them at start-up from the open steps when the table is new (`engine::tally::backfill`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000013_step_tallies"
    }
}

#[derive(DeriveIden)]
enum RequestSteps {
    Table,
    Id,
    DoneAt,
    DueAt,
    OrgPath,
}

#[derive(DeriveIden)]
enum StepTallies {
    Table,
    AncestorId,
    ChildId,
    Business,
    DueAt,
    OpenSteps,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StepTallies::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(StepTallies::AncestorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StepTallies::DueAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StepTallies::Business)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StepTallies::ChildId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StepTallies::OpenSteps)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .primary_key(
                        Index::create()
                            .col(StepTallies::AncestorId)
                            .col(StepTallies::DueAt)
                            .col(StepTallies::Business)
                            .col(StepTallies::ChildId),
                    )
                    .to_owned(),
            )
            .await?;
        // The overdue list's page: open steps in deadline order with the id as tie-break (all
        // steps of a day share their deadline, 24:00 China time), the path for the subtree
        // filter read from the index. Replaces migration 12's (done_at, due_at, org_path), which
        // made the database sort a whole day's steps by id.
        manager
            .drop_index(
                Index::drop()
                    .name("idx_request_steps_due")
                    .table(RequestSteps::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_steps_overdue")
                    .table(RequestSteps::Table)
                    .col(RequestSteps::DoneAt)
                    .col(RequestSteps::DueAt)
                    .col(RequestSteps::Id)
                    .col(RequestSteps::OrgPath)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_request_steps_overdue")
                    .table(RequestSteps::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_steps_due")
                    .table(RequestSteps::Table)
                    .col(RequestSteps::DoneAt)
                    .col(RequestSteps::DueAt)
                    .col(RequestSteps::OrgPath)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(StepTallies::Table).to_owned())
            .await
    }
}
