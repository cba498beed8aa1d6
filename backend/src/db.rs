//! Database connection: SQLite (default, one file, WAL, synchronous=FULL, foreign keys on) or
//! PostgreSQL, chosen by the URL. Migrations run here on start-up.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use xueji_migrations::Migrator;
use xueji_migrations::MigratorTrait;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| DbErr::Custom(format!("invalid SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = opts.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbErr::Custom(format!("cannot create {parent:?}: {e}")))?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e)))?;
        Ok(sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
    } else {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(32)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        Database::connect(opts).await
    }
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Readiness probe: one round trip.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

pub fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// `n` fresh ids of `table` (an auto-increment `id` column), ascending, for multi-row inserts
/// that need the ids of their rows (and an order: the audit chain). Call inside the write
/// transaction that inserts them. PostgreSQL: `nextval` of the column's sequence, so
/// concurrent inserts never collide. SQLite: above the largest id ever given (AUTOINCREMENT's
/// `sqlite_sequence` included); writers are serialised, so nobody else takes them meanwhile.
pub async fn allocate_ids<C: ConnectionTrait>(
    conn: &C,
    table: &'static str,
    n: usize,
) -> Result<Vec<i64>, DbErr> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        let rows = conn
            .query_all(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1)"
                ),
                [(n as i64).into()],
            ))
            .await?;
        let mut ids = rows
            .iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect::<Result<Vec<_>, _>>()?;
        ids.sort_unstable();
        return Ok(ids);
    }
    let has_seq = conn
        .query_one(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'",
        ))
        .await?
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0)
        > 0;
    let seq = if has_seq {
        format!(
            " UNION ALL SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = '{table}'"
        )
    } else {
        String::new()
    };
    let top = conn
        .query_one(Statement::from_string(
            backend,
            format!(
                "SELECT MAX(v) AS top FROM (SELECT COALESCE(MAX(id), 0) AS v FROM {table}{seq})"
            ),
        ))
        .await?
        .and_then(|r| r.try_get::<i64>("", "top").ok())
        .unwrap_or(0);
    Ok((1..=n as i64).map(|i| top + i).collect())
}

/// PostgreSQL: inserts many rows as ONE JSON parameter expanded by `json_to_recordset`, which
/// PostgreSQL takes much faster than a multi-row `VALUES` with thousands of bound parameters.
/// `columns`: each column's name (also the rows' JSON key) and SQL type; `rows` serialise to a
/// JSON array of objects with those keys. Used for the many small rows a bulk registration adds
/// beside its requests (submit actions, audit entries); SQLite keeps multi-row inserts.
pub async fn pg_insert_json<C: ConnectionTrait, R: serde::Serialize>(
    conn: &C,
    table: &str,
    columns: &[(&str, &str)],
    rows: &[R],
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let names = columns
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let typed = columns
        .iter()
        .map(|(n, t)| format!("\"{n}\" {t}"))
        .collect::<Vec<_>>()
        .join(", ");
    let json = serde_json::to_string(rows).map_err(|e| DbErr::Custom(e.to_string()))?;
    conn.execute(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM json_to_recordset($1::json) AS x({typed})"
        ),
        [json.into()],
    ))
    .await?;
    Ok(())
}
