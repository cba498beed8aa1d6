//! 学籍维护 and 关键信息变更 (issue 12, seed 001 第二章 1): every student record gets a version
//! (`students.version`, incremented by every edit, so an edit made from a stale form is refused
//! and a change request knows the version it was made against); `student_history` keeps every
//! field edit of a record — saved directly or through an approved change request — with who
//! and when, and the number changes those edits caused; and a partial unique index keeps at
//! most one open key-field change request per student, on both databases, under concurrency.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_200001_student_versions"
    }
}

#[derive(DeriveIden)]
enum Students {
    Table,
    Version,
}

#[derive(DeriveIden)]
enum StudentHistory {
    Table,
    Id,
    StudentId,
    ProvinceCode,
    Kind,
    RequestId,
    Changes,
    ActorId,
    ActorOrgId,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Students::Table)
                    .add_column(
                        ColumnDef::new(Students::Version)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudentHistory::Table)
                    .col(
                        ColumnDef::new(StudentHistory::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(StudentHistory::StudentId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentHistory::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    // edit (学籍维护) | change (关键信息变更, approved) | number (学籍号变更)
                    .col(
                        ColumnDef::new(StudentHistory::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentHistory::RequestId)
                            .big_integer()
                            .null(),
                    )
                    // JSON: Vec<xueji_shared::change::FieldChange>
                    .col(ColumnDef::new(StudentHistory::Changes).text().not_null())
                    .col(
                        ColumnDef::new(StudentHistory::ActorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentHistory::ActorOrgId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentHistory::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_student_history_student")
                    .table(StudentHistory::Table)
                    .col(StudentHistory::StudentId)
                    .col(StudentHistory::Id)
                    .to_owned(),
            )
            .await?;
        // At most one open change request per student (the same SQL on SQLite and PostgreSQL).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_requests_open_change ON requests (student_id) \
                 WHERE kind = 'change' AND status IN ('pending', 'returned')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS uq_requests_open_change")
            .await?;
        manager
            .drop_table(Table::drop().table(StudentHistory::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Students::Table)
                    .drop_column(Students::Version)
                    .to_owned(),
            )
            .await
    }
}
