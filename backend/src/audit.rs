//! The audit log: every write appends an entry in the same transaction.
//!
//! Entries form one hash chain per province: each entry's hash covers its content and the
//! previous entry's hash, so an edited row breaks its own hash and a deleted row breaks the
//! link of the row after it. [`verify`] walks the chains.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use sha2::{Digest, Sha256};

use crate::entities::audit_log;
use crate::error::AppResult;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Chain used for actions with no province (the ministry, anonymous failures).
pub const NATIONAL: &str = "000000";

/// Who did it and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub org_id: Option<i64>,
    pub province_code: Option<String>,
    pub client_ip: Option<String>,
}

/// What was done.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[allow(clippy::too_many_arguments)]
fn content_hash(
    prev_hash: &str,
    at: &DateTime<Utc>,
    actor_id: Option<i64>,
    actor_org_id: Option<i64>,
    province_code: &str,
    client_ip: Option<&str>,
    action: &str,
    object_type: &str,
    object_id: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let opt = |v: Option<&str>| v.map(|s| format!("+{s}")).unwrap_or_else(|| "-".into());
    let fields = [
        prev_hash.to_owned(),
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        opt(actor_id.map(|v| v.to_string()).as_deref()),
        opt(actor_org_id.map(|v| v.to_string()).as_deref()),
        province_code.to_owned(),
        opt(client_ip),
        action.to_owned(),
        object_type.to_owned(),
        opt(object_id),
        opt(before),
        opt(after),
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Lock the province's chain (PostgreSQL; SQLite writers are serialised) and read its head.
async fn chain_head<C: ConnectionTrait>(conn: &C, province: &str) -> AppResult<String> {
    if conn.get_database_backend() == DbBackend::Postgres {
        // Serialise appends to one province's chain across all server instances.
        let key: i64 = 0x5855_4a49_0000_0000 + province.parse::<i64>().unwrap_or(0);
        conn.execute(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::ProvinceCode.eq(province))
        .order_by_desc(audit_log::Column::Id)
        .limit(1)
        .one(conn)
        .await?
        .map(|m| m.hash)
        .unwrap_or_else(|| GENESIS.to_owned()))
}

/// Append an entry inside the caller's write transaction.
pub async fn append<C: ConnectionTrait>(conn: &C, actor: &Actor, entry: Entry) -> AppResult<()> {
    let province = actor
        .province_code
        .clone()
        .unwrap_or_else(|| NATIONAL.to_owned());
    let prev_hash = chain_head(conn, &province).await?;
    let at = Utc::now().trunc_subsecs(6);
    let before = entry.before.map(|v| v.to_string());
    let after = entry.after.map(|v| v.to_string());
    let hash = content_hash(
        &prev_hash,
        &at,
        actor.account_id,
        actor.org_id,
        &province,
        actor.client_ip.as_deref(),
        entry.action,
        entry.object_type,
        entry.object_id.as_deref(),
        before.as_deref(),
        after.as_deref(),
    );
    audit_log::ActiveModel {
        at: Set(at),
        actor_id: Set(actor.account_id),
        actor_org_id: Set(actor.org_id),
        province_code: Set(province),
        client_ip: Set(actor.client_ip.clone()),
        action: Set(entry.action.to_owned()),
        object_type: Set(entry.object_type.to_owned()),
        object_id: Set(entry.object_id),
        before: Set(before),
        after: Set(after),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Append many entries of one actor, in order, inside the caller's write transaction: one
/// chain lock and head look-up, the hashes chained in memory, ids allocated in order
/// ([`crate::db::allocate_ids`]) and multi-row inserts. The chain is exactly as if each entry
/// had been appended with [`append`] (bulk registration: one entry per created request).
pub async fn append_many<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    entries: Vec<Entry>,
) -> AppResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let province = actor
        .province_code
        .clone()
        .unwrap_or_else(|| NATIONAL.to_owned());
    let mut prev_hash = chain_head(conn, &province).await?;
    let ids = crate::db::allocate_ids(conn, "audit_log", entries.len()).await?;
    let at = Utc::now().trunc_subsecs(6);
    let mut rows = Vec::with_capacity(entries.len());
    for (entry, id) in entries.into_iter().zip(ids) {
        let before = entry.before.map(|v| v.to_string());
        let after = entry.after.map(|v| v.to_string());
        let hash = content_hash(
            &prev_hash,
            &at,
            actor.account_id,
            actor.org_id,
            &province,
            actor.client_ip.as_deref(),
            entry.action,
            entry.object_type,
            entry.object_id.as_deref(),
            before.as_deref(),
            after.as_deref(),
        );
        rows.push(audit_log::Model {
            id,
            at,
            actor_id: actor.account_id,
            actor_org_id: actor.org_id,
            province_code: province.clone(),
            client_ip: actor.client_ip.clone(),
            action: entry.action.to_owned(),
            object_type: entry.object_type.to_owned(),
            object_id: entry.object_id,
            before,
            after,
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        });
    }
    if conn.get_database_backend() == DbBackend::Postgres {
        // One JSON parameter per 1000 entries (see `db::pg_insert_json`).
        const COLUMNS: [(&str, &str); 13] = [
            ("id", "bigint"),
            ("at", "timestamptz"),
            ("actor_id", "bigint"),
            ("actor_org_id", "bigint"),
            ("province_code", "text"),
            ("client_ip", "text"),
            ("action", "text"),
            ("object_type", "text"),
            ("object_id", "text"),
            ("before", "text"),
            ("after", "text"),
            ("prev_hash", "text"),
            ("hash", "text"),
        ];
        for chunk in rows.chunks(1000) {
            crate::db::pg_insert_json(conn, "audit_log", &COLUMNS, chunk).await?;
        }
        return Ok(());
    }
    // 13 columns: 1000 rows stay below SQLite's 32 766 bound parameters.
    let mut rows = rows
        .into_iter()
        .map(|m| audit_log::ActiveModel::from(m).reset_all())
        .peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(1000).collect();
        audit_log::Entity::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// A break in a chain: the entry at which verification failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub province_code: String,
    pub entry_id: i64,
    pub reason: &'static str,
}

/// Verify every chain; returns the breaks found (empty when the log is intact).
pub async fn verify<C: ConnectionTrait>(conn: &C) -> AppResult<Vec<ChainBreak>> {
    let mut breaks = Vec::new();
    let mut last: std::collections::HashMap<String, String> = Default::default();
    let mut after_id = 0i64;
    loop {
        let page = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after_id))
            .order_by_asc(audit_log::Column::Id)
            .limit(1000)
            .all(conn)
            .await?;
        let Some(tail) = page.last() else { break };
        after_id = tail.id;
        for row in page {
            let expected_prev = last
                .get(&row.province_code)
                .cloned()
                .unwrap_or_else(|| GENESIS.to_owned());
            if row.prev_hash != expected_prev {
                breaks.push(ChainBreak {
                    province_code: row.province_code.clone(),
                    entry_id: row.id,
                    reason: "前一条记录缺失或被改动（链接断开）",
                });
            }
            let recomputed = content_hash(
                &row.prev_hash,
                &row.at,
                row.actor_id,
                row.actor_org_id,
                &row.province_code,
                row.client_ip.as_deref(),
                &row.action,
                &row.object_type,
                row.object_id.as_deref(),
                row.before.as_deref(),
                row.after.as_deref(),
            );
            if recomputed != row.hash {
                breaks.push(ChainBreak {
                    province_code: row.province_code.clone(),
                    entry_id: row.id,
                    reason: "记录内容被改动（哈希不符）",
                });
            }
            last.insert(row.province_code.clone(), row.hash.clone());
        }
    }
    Ok(breaks)
}

/// Chinese description of an action, for people reading the log.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "system.seed_demo" => "初始化演示数据",
        "auth.login" => "登录",
        "auth.login_failed" => "登录失败",
        "auth.locked" => "密码连续错误，账号锁定",
        "auth.refresh" => "续期登录",
        "auth.refresh_reuse" => "刷新令牌被重复使用，结束全部会话",
        "auth.logout" => "退出登录",
        "org.create" => "新增机构",
        "org.update" => "修改机构",
        "account.create" => "新增账号",
        "account.update" => "修改账号",
        "account.unlock" => "解锁账号",
        "account.reset_password" => "重置密码",
        "account.password_loan" => "登记密码出借",
        "account.password_change" => "修改密码",
        "registration.submit" => "提交学籍注册",
        "registration.act" => "办理学籍注册",
        "student.register" => "注册学籍，分配正式学籍号",
        "student.register_problem" => "注册学籍，发现问题学籍",
        "student.delete" => "删除学籍",
        "evidence.upload" => "上传证明材料",
        "problem.act" => "办理问题学籍",
        a if a.starts_with("config.") => "修改系统配置",
        a if a.starts_with("class.") => "维护班级",
        "scan.start" => "发起全量查重",
        "scan.finish" => "全量查重完成",
        "scan.fail" => "全量查重未完成",
        "problem.found" => "查重发现问题学籍",
        a if a.starts_with("import.") => "批量注册",
        _ => "其他操作",
    }
}
