//! Problem-record handling (问题学籍处理): the state of each side of a problem record, the
//! arbiter of a pair (the lowest common superior of the two authorities), and every action
//! taken on it — evidence files, requested identity changes, deletions, approvals, returns and
//! arbitration (`xueji_shared::problem`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000008_problem_handling"
    }
}

#[derive(DeriveIden)]
enum Problems {
    Table,
    Id,
    AState,
    BState,
    ArbiterOrgId,
    Resolution,
}

#[derive(DeriveIden)]
enum ProblemActions {
    Table,
    Id,
    ProblemId,
    ProvinceCode,
    Side,
    Action,
    ActorId,
    ActorOrgId,
    Reason,
    Evidence,
    Change,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            ColumnDef::new(Problems::AState)
                .string_len(16)
                .not_null()
                .default("open")
                .to_owned(),
            ColumnDef::new(Problems::BState)
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new(Problems::ArbiterOrgId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Problems::Resolution)
                .text()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Problems::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        // Pairs recorded before this migration: the second side starts open too.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE problems SET b_state = 'open' WHERE other_student_id IS NOT NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_problems_other_student")
                    .table(Problems::Table)
                    .col(Alias::new("other_student_id"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProblemActions::Table)
                    .col(
                        ColumnDef::new(ProblemActions::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ProblemActions::ProblemId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProblemActions::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    // a | b
                    .col(
                        ColumnDef::new(ProblemActions::Side)
                            .string_len(1)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProblemActions::Action)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProblemActions::ActorId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProblemActions::ActorOrgId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ProblemActions::Reason).text().null())
                    // JSON array of evidence SHA-256s.
                    .col(
                        ColumnDef::new(ProblemActions::Evidence)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    // JSON of xueji_shared::problem::IdentityChange, for `change`.
                    .col(ColumnDef::new(ProblemActions::Change).text().null())
                    .col(
                        ColumnDef::new(ProblemActions::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_problem_actions_problem")
                            .from(ProblemActions::Table, ProblemActions::ProblemId)
                            .to(Problems::Table, Problems::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_problem_actions_problem")
                    .table(ProblemActions::Table)
                    .col(ProblemActions::ProblemId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProblemActions::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_problems_other_student")
                    .table(Problems::Table)
                    .to_owned(),
            )
            .await?;
        for col in [
            Problems::AState,
            Problems::BState,
            Problems::ArbiterOrgId,
            Problems::Resolution,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Problems::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
