//! Organisations, accounts, refresh tokens and the audit log.
//!
//! Every business table carries `province_code` so the data can later be sharded by province
//! (Citus) without changing keys.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_core"
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    ParentId,
    Level,
    Code,
    Name,
    ProvinceCode,
    Path,
    RegionCode,
    Stages,
    Address,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    PasswordHash,
    DisplayName,
    OrgId,
    Role,
    ProvinceCode,
    Disabled,
    FailedLogins,
    LockedUntil,
    PasswordChangedAt,
    MustChangePassword,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    AccountId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorOrgId,
    ProvinceCode,
    ClientIp,
    Action,
    ObjectType,
    ObjectId,
    Before,
    After,
    PrevHash,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(
                        ColumnDef::new(Organisations::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Organisations::ParentId).big_integer().null())
                    .col(ColumnDef::new(Organisations::Level).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Organisations::Code)
                            .string_len(32)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Organisations::Name).string_len(128).not_null())
                    .col(
                        ColumnDef::new(Organisations::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    // Materialised path of ancestor ids, "/1/4/17/": a subtree is one indexed
                    // prefix match, on SQLite and PostgreSQL alike.
                    .col(ColumnDef::new(Organisations::Path).string_len(255).not_null())
                    .col(ColumnDef::new(Organisations::RegionCode).string_len(12).null())
                    .col(ColumnDef::new(Organisations::Stages).string_len(64).null())
                    .col(ColumnDef::new(Organisations::Address).string_len(255).null())
                    .col(
                        ColumnDef::new(Organisations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organisations::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organisations_parent")
                            .from(Organisations::Table, Organisations::ParentId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organisations_path")
                    .table(Organisations::Table)
                    .col(Organisations::Path)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organisations_parent")
                    .table(Organisations::Table)
                    .col(Organisations::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(
                        ColumnDef::new(Accounts::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Accounts::Username)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Accounts::PasswordHash).string_len(255).not_null())
                    .col(ColumnDef::new(Accounts::DisplayName).string_len(64).not_null())
                    .col(ColumnDef::new(Accounts::OrgId).big_integer().not_null())
                    .col(ColumnDef::new(Accounts::Role).string_len(16).not_null())
                    .col(ColumnDef::new(Accounts::ProvinceCode).string_len(6).not_null())
                    .col(
                        ColumnDef::new(Accounts::Disabled)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Accounts::FailedLogins)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Accounts::LockedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Accounts::PasswordChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Accounts::MustChangePassword)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Accounts::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Accounts::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_accounts_org")
                            .from(Accounts::Table, Accounts::OrgId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_accounts_org")
                    .table(Accounts::Table)
                    .col(Accounts::OrgId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(
                        ColumnDef::new(RefreshTokens::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RefreshTokens::AccountId).big_integer().not_null())
                    // SHA-256 of the opaque token; the token itself is never stored.
                    .col(
                        ColumnDef::new(RefreshTokens::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(RefreshTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RefreshTokens::UsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RefreshTokens::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RefreshTokens::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_account")
                            .from(RefreshTokens::Table, RefreshTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_tokens_account")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(
                        ColumnDef::new(AuditLog::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditLog::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::ActorId).big_integer().null())
                    .col(ColumnDef::new(AuditLog::ActorOrgId).big_integer().null())
                    // The audit log is one hash chain per province ("000000" for national actions), so
                    // appends in different provinces never wait for each other.
                    .col(ColumnDef::new(AuditLog::ProvinceCode).string_len(6).not_null())
                    .col(ColumnDef::new(AuditLog::ClientIp).string_len(64).null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::ObjectType).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::ObjectId).string_len(64).null())
                    .col(ColumnDef::new(AuditLog::Before).text().null())
                    .col(ColumnDef::new(AuditLog::After).text().null())
                    .col(ColumnDef::new(AuditLog::PrevHash).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Hash).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_actor_org")
                    .table(AuditLog::Table)
                    .col(AuditLog::ActorOrgId)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_chain")
                    .table(AuditLog::Table)
                    .col(AuditLog::ProvinceCode)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Accounts::Table.into_iden(),
            Organisations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
