//! Problem records (问题学籍) and the history of each student's numbers (学籍号变更记录).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000006_problems"
    }
}

#[derive(DeriveIden)]
enum Students {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Problems {
    Table,
    Id,
    ProvinceCode,
    Kind,
    StudentId,
    OtherStudentId,
    State,
    Detail,
    CreatedAt,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum StudentNumbers {
    Table,
    Id,
    StudentId,
    ProvinceCode,
    Number,
    Kind,
    AssignedAt,
    RetiredAt,
    Reason,
}

fn fk(
    name: &str,
    from: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, col)
        .to(Students::Table, Students::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Problems::Table)
                    .col(
                        ColumnDef::new(Problems::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Problems::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    // invalid_id | dup_with_id | dup_without_id
                    .col(ColumnDef::new(Problems::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Problems::StudentId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Problems::OtherStudentId)
                            .big_integer()
                            .null(),
                    )
                    // open | resolved
                    .col(ColumnDef::new(Problems::State).string_len(16).not_null())
                    .col(ColumnDef::new(Problems::Detail).text().null())
                    .col(
                        ColumnDef::new(Problems::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Problems::ResolvedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_problems_student",
                        Problems::Table,
                        Problems::StudentId,
                    ))
                    .foreign_key(&mut fk(
                        "fk_problems_other_student",
                        Problems::Table,
                        Problems::OtherStudentId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_problems_student")
                    .table(Problems::Table)
                    .col(Problems::StudentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StudentNumbers::Table)
                    .col(
                        ColumnDef::new(StudentNumbers::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(StudentNumbers::StudentId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentNumbers::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    // A number is never reused for another person.
                    .col(
                        ColumnDef::new(StudentNumbers::Number)
                            .string_len(19)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(StudentNumbers::Kind)
                            .string_len(1)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentNumbers::AssignedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StudentNumbers::RetiredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(StudentNumbers::Reason)
                            .string_len(64)
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        "fk_student_numbers_student",
                        StudentNumbers::Table,
                        StudentNumbers::StudentId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_student_numbers_student")
                    .table(StudentNumbers::Table)
                    .col(StudentNumbers::StudentId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StudentNumbers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Problems::Table).to_owned())
            .await
    }
}
