//! Stored records to the national form's codes (issue 15): every student's record and every
//! open registration request's record, rewritten by `xueji_shared::code_upgrade::upgrade`
//! (政治面貌 14 → 13, 健康状况 1/2/3/6 → 10/20/30/50, 入学方式 by stage, 学生来源 3 → 9, 残疾类型 9 → 8,
//! 关系 5 → 9; only codes the new tables do not have, so a record already on the new codes is
//! left untouched). In batches of 500 by id. A deployment step, not a user's act: it writes no
//! audit entries (the audit log records who did what; this changes how a value is spelt, not
//! what it means), and the migration table records that it ran.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use xueji_shared::record::StudentRecord;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000014_form_codes"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Students {
    Table,
    Id,
    Record,
}

#[derive(DeriveIden, Clone, Copy)]
enum Requests {
    Table,
    Id,
    Payload,
    Status,
    Kind,
}

const BATCH: u64 = 500;

/// Upgrade the JSON record in `col` of every row of `table` the condition selects.
async fn upgrade_all(
    manager: &SchemaManager<'_>,
    table: impl Iden + Copy + 'static,
    id: impl Iden + Copy + 'static,
    col: impl Iden + Copy + 'static,
    cond: Condition,
) -> Result<u64, DbErr> {
    let conn = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut last = 0i64;
    let mut changed = 0u64;
    loop {
        let select = Query::select()
            .column(id)
            .column(col)
            .from(table)
            .cond_where(cond.clone().add(Expr::col(id).gt(last)))
            .order_by(id, Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = conn.query_all(backend.build(&select)).await?;
        if rows.is_empty() {
            return Ok(changed);
        }
        for row in &rows {
            let row_id: i64 = row.try_get("", &id.to_string())?;
            let text: String = row.try_get("", &col.to_string())?;
            last = row_id;
            // A payload that is not a record (another business) is not touched.
            let Ok(mut record) = serde_json::from_str::<StudentRecord>(&text) else {
                continue;
            };
            if !xueji_shared::code_upgrade::upgrade(&mut record) {
                continue;
            }
            let json = serde_json::to_string(&record).map_err(|e| DbErr::Custom(e.to_string()))?;
            let update = Query::update()
                .table(table)
                .value(col, json)
                .and_where(Expr::col(id).eq(row_id))
                .to_owned();
            let (sql, values) = match backend {
                sea_orm_migration::sea_orm::DbBackend::Postgres => {
                    update.build(PostgresQueryBuilder)
                }
                _ => update.build(SqliteQueryBuilder),
            };
            conn.execute(Statement::from_sql_and_values(backend, sql, values))
                .await?;
            changed += 1;
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        upgrade_all(
            manager,
            Students::Table,
            Students::Id,
            Students::Record,
            Condition::all(),
        )
        .await?;
        // Open registration requests hold the record to be registered.
        upgrade_all(
            manager,
            Requests::Table,
            Requests::Id,
            Requests::Payload,
            Condition::all()
                .add(Expr::col(Requests::Status).is_in(["pending", "returned"]))
                .add(Expr::col(Requests::Kind).is_in(["in_school", "grade1", "arrival"])),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The old codes are not restored: they were never the form's.
        Ok(())
    }
}
