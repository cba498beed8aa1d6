//! Students (学籍) and the national identity claims behind the duplicate check (查重).
//!
//! `identity_claims` holds one row per person nationally, keyed by the normalised ID key
//! (`xueji_shared::dedup::id_key`). Registering a student claims the key with one primary-key
//! insert: the duplicate check is one index probe, and of two simultaneous registrations of the
//! same ID exactly one wins — the other becomes a problem record, never a second silent record.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000005_students"
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Students {
    Table,
    Id,
    ProvinceCode,
    SchoolId,
    ClassId,
    StudentNumber,
    NumberKind,
    Status,
    Name,
    Gender,
    BirthDate,
    IdType,
    IdNumber,
    IdKey,
    PersonKey,
    Record,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IdentityClaims {
    Table,
    IdKey,
    StudentId,
    ProvinceCode,
    ClaimedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Students::Table)
                    .col(
                        ColumnDef::new(Students::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Students::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Students::SchoolId).big_integer().not_null())
                    .col(ColumnDef::new(Students::ClassId).big_integer().null())
                    // The current national student number (G/J), or a temporary L number.
                    .col(
                        ColumnDef::new(Students::StudentNumber)
                            .string_len(19)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Students::NumberKind)
                            .string_len(1)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Students::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Students::Name).string_len(64).not_null())
                    .col(ColumnDef::new(Students::Gender).string_len(1).not_null())
                    .col(ColumnDef::new(Students::BirthDate).date().not_null())
                    .col(ColumnDef::new(Students::IdType).string_len(2).not_null())
                    .col(ColumnDef::new(Students::IdNumber).string_len(32).null())
                    .col(ColumnDef::new(Students::IdKey).string_len(64).null())
                    .col(
                        ColumnDef::new(Students::PersonKey)
                            .string_len(128)
                            .not_null(),
                    )
                    // The whole basic-information form (xueji_shared::record::StudentRecord), JSON.
                    .col(ColumnDef::new(Students::Record).text().not_null())
                    .col(
                        ColumnDef::new(Students::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Students::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_students_school")
                            .from(Students::Table, Students::SchoolId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_students_school", Students::SchoolId),
            ("idx_students_id_key", Students::IdKey),
            ("idx_students_person_key", Students::PersonKey),
            ("idx_students_province", Students::ProvinceCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Students::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(IdentityClaims::Table)
                    .col(
                        ColumnDef::new(IdentityClaims::IdKey)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(IdentityClaims::StudentId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IdentityClaims::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IdentityClaims::ClaimedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_identity_claims_student")
                            .from(IdentityClaims::Table, IdentityClaims::StudentId)
                            .to(Students::Table, Students::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdentityClaims::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Students::Table).to_owned())
            .await
    }
}
