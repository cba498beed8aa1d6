//! Login rate limiting (issue 10): fixed windows counted in the database (`login_attempts`,
//! migration 100001), so the limit holds across any number of server instances. One atomic
//! upsert per bucket and attempt — no read-modify-write race. The rows are bookkeeping like a
//! job's progress: they are not business data and are not audited.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// At most `max` attempts per `window_secs` in one bucket.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

/// Sign-in attempts for one username (existing or not — both are answered the same way).
pub const PER_ACCOUNT: Limit = Limit {
    max: 20,
    window_secs: 60,
};

/// Sign-in attempts from one client address (a school behind one NAT signs in many teachers).
pub const PER_CLIENT: Limit = Limit {
    max: 120,
    window_secs: 60,
};

pub const TOO_MANY: &str = "请求过于频繁，请稍后再试";

/// Count one event in `bucket`'s current window of `window_secs`: the events in the window so
/// far (this one included) and the window's start (Unix seconds).
pub async fn count<C: ConnectionTrait>(
    conn: &C,
    bucket: &str,
    window_secs: i64,
    now: i64,
) -> AppResult<(i64, i64)> {
    let backend = conn.get_database_backend();
    let p = if backend == DbBackend::Postgres {
        "$"
    } else {
        "?"
    };
    // In an UPDATE every right-hand side sees the old row, on both databases.
    let sql = format!(
        "INSERT INTO login_attempts (bucket, window_start, hits) VALUES ({p}1, {p}2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
           hits = CASE WHEN login_attempts.window_start <= {p}3 THEN 1 \
                  ELSE login_attempts.hits + 1 END, \
           window_start = CASE WHEN login_attempts.window_start <= {p}3 THEN {p}2 \
                  ELSE login_attempts.window_start END \
         RETURNING hits, window_start"
    );
    let bucket: String = bucket.chars().take(200).collect();
    let row = conn
        .query_one(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into(), now.into(), (now - window_secs).into()],
        ))
        .await?
        .ok_or_else(|| AppError::Internal("login_attempts upsert returned nothing".into()))?;
    let hits: i64 = row
        .try_get::<i32>("", "hits")
        .map(i64::from)
        .or_else(|_| row.try_get::<i64>("", "hits"))?;
    let start: i64 = row.try_get("", "window_start")?;
    Ok((hits, start))
}

/// Count one attempt in `bucket`; `Some(seconds)` when the bucket is over its limit (the
/// attempt must be refused, retry after that many seconds).
pub async fn hit<C: ConnectionTrait>(
    conn: &C,
    bucket: &str,
    limit: Limit,
    now: i64,
) -> AppResult<Option<i64>> {
    let (hits, start) = count(conn, bucket, limit.window_secs, now).await?;
    Ok((hits > limit.max).then(|| (start + limit.window_secs - now).max(1)))
}

/// Count a sign-in attempt against the client's and the username's buckets; 429 with
/// `Retry-After` when either is over its limit. Old windows are swept now and then.
pub async fn check_login(
    state: &AppState,
    client_ip: Option<&str>,
    username: &str,
) -> AppResult<()> {
    let now = chrono::Utc::now().timestamp();
    let tx = state.begin_write().await?;
    let mut retry = hit(&*tx, &format!("user:{username}"), PER_ACCOUNT, now).await?;
    if let Some(ip) = client_ip {
        let by_ip = hit(&*tx, &format!("ip:{ip}"), PER_CLIENT, now).await?;
        retry = retry.max(by_ip);
    }
    if now % 64 == 0 {
        let backend = tx.get_database_backend();
        let p = if backend == DbBackend::Postgres {
            "$1"
        } else {
            "?1"
        };
        tx.execute(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM login_attempts WHERE window_start < {p}"),
            [(now - 3600).into()],
        ))
        .await?;
    }
    tx.commit().await?;
    match retry {
        Some(seconds) => Err(AppError::RateLimited {
            message: TOO_MANY.into(),
            retry_after: seconds,
        }),
        None => Ok(()),
    }
}
