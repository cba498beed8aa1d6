//! The request engine (业务申请引擎): every business's requests in one store.
//!
//! `requests` gains the parties (the applicant's organisation stays `school_id`; the other side
//! of a transfer or a cross-province enrolment is `counterpart_org_id`; the lowest common
//! superior that arbitrates is `arbiter_org_id`), the domain object a request is about when it
//! lives in its own table (`object_id`: the problem record of a 问题学籍处理), the line shown in
//! the inbox (`subject`) and a `version` that every transition increments with a conditional
//! update, so that of simultaneous actions on one step exactly one applies.
//!
//! `request_steps` holds one row per step an organisation must take (the 10-working-day clock,
//! seed 000): who (organisation, its path, level, role, side), since when, due when, and — once
//! done — when, how and by whom (`forced` for 强制干预). The inbox ("waiting for me"), the overdue
//! list of a jurisdiction and every step's duration are queries on it. Open steps of requests
//! that existed before this migration are created by the server at start-up
//! (`engine::backfill`), since the step's organisation and due date need the chain and the
//! province's calendar.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000012_engine"
    }
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
    CounterpartOrgId,
    ArbiterOrgId,
    ObjectId,
    Subject,
    Version,
}

#[derive(DeriveIden)]
enum RequestSteps {
    Table,
    Id,
    RequestId,
    ProvinceCode,
    Business,
    Step,
    Label,
    Side,
    OrgId,
    OrgPath,
    Level,
    Role,
    Subject,
    StartedAt,
    DueAt,
    DoneAt,
    DoneAction,
    DoneBy,
    Forced,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            ColumnDef::new(Requests::CounterpartOrgId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Requests::ArbiterOrgId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Requests::ObjectId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Requests::Subject)
                .string_len(200)
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(Requests::Version)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Requests::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_counterpart")
                    .table(Requests::Table)
                    .col(Requests::CounterpartOrgId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_object")
                    .table(Requests::Table)
                    .col(Requests::ObjectId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RequestSteps::Table)
                    .col(
                        ColumnDef::new(RequestSteps::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::RequestId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::Business)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RequestSteps::Step).small_integer().null())
                    .col(
                        ColumnDef::new(RequestSteps::Label)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RequestSteps::Side).string_len(16).not_null())
                    .col(ColumnDef::new(RequestSteps::OrgId).big_integer().not_null())
                    .col(
                        ColumnDef::new(RequestSteps::OrgPath)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::Level)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RequestSteps::Role).string_len(16).not_null())
                    .col(
                        ColumnDef::new(RequestSteps::Subject)
                            .string_len(200)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::StartedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::DueAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::DoneAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RequestSteps::DoneAction)
                            .string_len(16)
                            .null(),
                    )
                    .col(ColumnDef::new(RequestSteps::DoneBy).big_integer().null())
                    .col(
                        ColumnDef::new(RequestSteps::Forced)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_request_steps_request")
                            .from(RequestSteps::Table, RequestSteps::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The inbox: open steps of one organisation and role, oldest or newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_request_steps_inbox")
                    .table(RequestSteps::Table)
                    .col(RequestSteps::OrgId)
                    .col(RequestSteps::Role)
                    .col(RequestSteps::DoneAt)
                    .col(RequestSteps::StartedAt)
                    .col(RequestSteps::Id)
                    .to_owned(),
            )
            .await?;
        // Overdue in a jurisdiction: open steps by due date, then the subtree's path prefix.
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
            .create_index(
                Index::create()
                    .name("idx_request_steps_request")
                    .table(RequestSteps::Table)
                    .col(RequestSteps::RequestId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RequestSteps::Table).to_owned())
            .await?;
        for name in ["idx_requests_counterpart", "idx_requests_object"] {
            manager
                .drop_index(Index::drop().name(name).table(Requests::Table).to_owned())
                .await?;
        }
        for col in [
            Requests::CounterpartOrgId,
            Requests::ArbiterOrgId,
            Requests::ObjectId,
            Requests::Subject,
            Requests::Version,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Requests::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
