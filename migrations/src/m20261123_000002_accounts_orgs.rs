//! Classes of schools, password loans, and the per-province password policy.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_accounts_orgs"
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Classes {
    Table,
    Id,
    SchoolId,
    ProvinceCode,
    Stage,
    Grade,
    Name,
    HeadTeacher,
    Capacity,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PasswordLoans {
    Table,
    Id,
    AccountId,
    ProvinceCode,
    LentTo,
    Reason,
    Until,
    RecordedBy,
    RecordedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum PasswordPolicies {
    Table,
    ProvinceCode,
    MinLength,
    ExpiryDays,
    LockoutThreshold,
    LockoutMinutes,
    UpdatedAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Classes::Table)
                    .col(
                        ColumnDef::new(Classes::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Classes::SchoolId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Classes::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Classes::Stage).string_len(16).not_null())
                    .col(ColumnDef::new(Classes::Grade).small_integer().not_null())
                    .col(ColumnDef::new(Classes::Name).string_len(64).not_null())
                    .col(ColumnDef::new(Classes::HeadTeacher).string_len(64).null())
                    .col(ColumnDef::new(Classes::Capacity).integer().not_null())
                    .col(ts(Classes::CreatedAt))
                    .col(ts(Classes::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_classes_school")
                            .from(Classes::Table, Classes::SchoolId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_classes_school_stage_grade_name")
                    .table(Classes::Table)
                    .col(Classes::SchoolId)
                    .col(Classes::Stage)
                    .col(Classes::Grade)
                    .col(Classes::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordLoans::Table)
                    .col(
                        ColumnDef::new(PasswordLoans::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PasswordLoans::AccountId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordLoans::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordLoans::LentTo)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordLoans::Reason)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(PasswordLoans::Until).date().not_null())
                    .col(
                        ColumnDef::new(PasswordLoans::RecordedBy)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ts(PasswordLoans::RecordedAt))
                    // Set when the owner changes the password after the loan.
                    .col(
                        ColumnDef::new(PasswordLoans::EndedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_loans_account")
                            .from(PasswordLoans::Table, PasswordLoans::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_password_loans_account")
                    .table(PasswordLoans::Table)
                    .col(PasswordLoans::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordPolicies::Table)
                    .col(
                        ColumnDef::new(PasswordPolicies::ProvinceCode)
                            .string_len(6)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PasswordPolicies::MinLength)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordPolicies::ExpiryDays)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordPolicies::LockoutThreshold)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordPolicies::LockoutMinutes)
                            .integer()
                            .not_null(),
                    )
                    .col(ts(PasswordPolicies::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PasswordPolicies::Table.into_iden(),
            PasswordLoans::Table.into_iden(),
            Classes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
