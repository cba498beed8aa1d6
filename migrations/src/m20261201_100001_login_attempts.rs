//! Login rate limiting (issue 10): one row per bucket (`ip:<address>` or `user:<username>`)
//! holding the current fixed window — its start (Unix seconds) and the attempts in it. The
//! state lives in the database so that the limit holds across server instances.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_100001_login_attempts"
    }
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Bucket,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(
                        ColumnDef::new(LoginAttempts::Bucket)
                            .string_len(200)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LoginAttempts::WindowStart)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(LoginAttempts::Hits).integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempts_window")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::WindowStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginAttempts::Table).to_owned())
            .await
    }
}
