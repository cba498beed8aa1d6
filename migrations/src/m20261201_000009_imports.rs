//! Bulk registration jobs (批量注册): one row per uploaded spreadsheet — its school, the stored
//! file (content-addressed under the data directory), the state of checking and importing, the
//! progress, the counts and the per-row report (JSON of `xueji_shared::import::ImportRowError`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000009_imports"
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ImportJobs {
    Table,
    Id,
    ProvinceCode,
    SchoolId,
    Kind,
    Status,
    FileSha256,
    FileName,
    FileSize,
    TotalRows,
    RowsDone,
    ValidRows,
    InvalidRows,
    ImportedRows,
    Mode,
    Message,
    Report,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let count = |c: ImportJobs| ColumnDef::new(c).integer().not_null().default(0).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(ImportJobs::Table)
                    .col(
                        ColumnDef::new(ImportJobs::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::SchoolId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ImportJobs::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(ImportJobs::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(ImportJobs::FileSha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::FileName)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::FileSize)
                            .big_integer()
                            .not_null(),
                    )
                    .col(count(ImportJobs::TotalRows))
                    .col(count(ImportJobs::RowsDone))
                    .col(count(ImportJobs::ValidRows))
                    .col(count(ImportJobs::InvalidRows))
                    .col(count(ImportJobs::ImportedRows))
                    .col(ColumnDef::new(ImportJobs::Mode).string_len(16).null())
                    .col(ColumnDef::new(ImportJobs::Message).text().null())
                    .col(ColumnDef::new(ImportJobs::Report).text().not_null())
                    .col(
                        ColumnDef::new(ImportJobs::CreatedBy)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_jobs_school")
                            .from(ImportJobs::Table, ImportJobs::SchoolId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_import_jobs_school")
                    .table(ImportJobs::Table)
                    .col(ImportJobs::SchoolId)
                    .col(ImportJobs::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportJobs::Table).to_owned())
            .await
    }
}
