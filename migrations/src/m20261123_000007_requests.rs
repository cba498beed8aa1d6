//! Requests (业务申请) that run through an approval chain, and every action taken on them.
//!
//! A request keeps the chain it was submitted under (`business`, JSON of
//! `xueji_shared::workflow::Business`) and its state (`state`, JSON of `workflow::State`);
//! `status`, `pending_level` and `pending_role` are derived from them for the approvers' queues.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000007_requests"
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
    ProvinceCode,
    Business,
    Kind,
    SchoolId,
    State,
    Status,
    PendingLevel,
    PendingRole,
    Payload,
    Candidates,
    StudentId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RequestActions {
    Table,
    Id,
    RequestId,
    ProvinceCode,
    Step,
    Action,
    ActorId,
    ActorOrgId,
    Reason,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Requests::Table)
                    .col(
                        ColumnDef::new(Requests::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Requests::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Requests::Business)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Requests::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(Requests::SchoolId).big_integer().not_null())
                    .col(ColumnDef::new(Requests::State).string_len(64).not_null())
                    .col(ColumnDef::new(Requests::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Requests::PendingLevel).string_len(16).null())
                    .col(ColumnDef::new(Requests::PendingRole).string_len(16).null())
                    .col(ColumnDef::new(Requests::Payload).text().not_null())
                    .col(ColumnDef::new(Requests::Candidates).text().not_null())
                    .col(ColumnDef::new(Requests::StudentId).big_integer().null())
                    .col(ColumnDef::new(Requests::CreatedBy).big_integer().not_null())
                    .col(
                        ColumnDef::new(Requests::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Requests::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requests_school")
                            .from(Requests::Table, Requests::SchoolId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_queue")
                    .table(Requests::Table)
                    .col(Requests::Status)
                    .col(Requests::PendingLevel)
                    .col(Requests::PendingRole)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_school")
                    .table(Requests::Table)
                    .col(Requests::SchoolId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestActions::Table)
                    .col(
                        ColumnDef::new(RequestActions::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RequestActions::RequestId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestActions::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RequestActions::Step).small_integer().null())
                    .col(
                        ColumnDef::new(RequestActions::Action)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestActions::ActorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestActions::ActorOrgId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RequestActions::Reason)
                            .string_len(500)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RequestActions::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_request_actions_request")
                            .from(RequestActions::Table, RequestActions::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_actions_request")
                    .table(RequestActions::Table)
                    .col(RequestActions::RequestId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RequestActions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Requests::Table).to_owned())
            .await
    }
}
