//! Anchors of the audit chains (issue 10, defect 6). The hash chain of a province shows an
//! edited row and a row deleted from the middle, but not its newest rows cut off: the shorter
//! chain is intact. So the server periodically appends, for every province whose chain has
//! grown, a checkpoint — the chain's head (id and hash) and its length — to a file beside the
//! data (`<data dir>/audit-anchors.jsonl`, one JSON object a line, append only), out of reach
//! of a database account that can rewrite the log. `xueji audit-verify` checks the newest
//! anchor of every province against the database: the anchored head must still be there with
//! its hash, and the chain up to it must still have the anchored length.
//!
//! What it does not prove: rows written after the newest anchor (at most one anchoring
//! interval) can still be cut unnoticed; someone who can write both the database and the
//! anchor file can rewrite both; a lost anchor file only loses the check (verification says so).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::audit::ChainBreak;
use crate::entities::audit_log;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How often `xueji serve` anchors the chains.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// One checkpoint of one province's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub at: String,
    pub province_code: String,
    pub count: u64,
    pub head_id: i64,
    pub head_hash: String,
}

pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("audit-anchors.jsonl")
}

#[derive(Debug, FromQueryResult)]
struct Head {
    province_code: String,
    count: i64,
    head_id: i64,
}

/// The head of every chain now.
async fn heads<C: ConnectionTrait>(conn: &C) -> AppResult<Vec<Anchor>> {
    let rows = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::ProvinceCode)
        .column_as(audit_log::Column::Id.count(), "count")
        .column_as(audit_log::Column::Id.max(), "head_id")
        .group_by(audit_log::Column::ProvinceCode)
        .into_model::<Head>()
        .all(conn)
        .await?;
    let mut out = Vec::new();
    let at = Utc::now().to_rfc3339();
    for h in rows {
        let Some(row) = audit_log::Entity::find_by_id(h.head_id).one(conn).await? else {
            continue;
        };
        out.push(Anchor {
            at: at.clone(),
            province_code: h.province_code,
            count: u64::try_from(h.count).unwrap_or(0),
            head_id: h.head_id,
            head_hash: row.hash,
        });
    }
    Ok(out)
}

/// The anchors in the file (none when it does not exist); a line that does not parse is an
/// error (the file was tampered with or damaged).
pub fn read(path: &Path) -> Result<Vec<Anchor>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("无法读取审计锚点文件 {}：{e}", path.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|_| format!("审计锚点文件第 {} 行损坏：{}", i + 1, path.display()))
        })
        .collect()
}

fn newest(anchors: Vec<Anchor>) -> BTreeMap<String, Anchor> {
    let mut by_province = BTreeMap::new();
    for a in anchors {
        let newer = by_province
            .get(&a.province_code)
            .is_none_or(|old: &Anchor| a.head_id >= old.head_id);
        if newer {
            by_province.insert(a.province_code.clone(), a);
        }
    }
    by_province
}

/// Append an anchor for every chain that grew since its newest anchor; returns how many.
pub async fn checkpoint<C: ConnectionTrait>(conn: &C, path: &Path) -> AppResult<usize> {
    let known = newest(read(path).map_err(AppError::Internal)?);
    let fresh: Vec<Anchor> = heads(conn)
        .await?
        .into_iter()
        .filter(|h| {
            known
                .get(&h.province_code)
                .is_none_or(|k| k.head_id != h.head_id)
        })
        .collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    let mut lines = String::new();
    for a in &fresh {
        lines.push_str(&serde_json::to_string(a).map_err(AppError::internal)?);
        lines.push('\n');
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(AppError::internal)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(AppError::internal)?;
    f.write_all(lines.as_bytes()).map_err(AppError::internal)?;
    f.sync_all().map_err(AppError::internal)?;
    Ok(fresh.len())
}

/// Compare the newest anchor of every province with the database.
pub async fn verify<C: ConnectionTrait>(conn: &C, path: &Path) -> AppResult<Vec<ChainBreak>> {
    let anchors = newest(read(path).map_err(AppError::Internal)?);
    let mut breaks = Vec::new();
    for (province, a) in anchors {
        let head = audit_log::Entity::find_by_id(a.head_id).one(conn).await?;
        let intact_head = head
            .as_ref()
            .is_some_and(|h| h.province_code == province && h.hash == a.head_hash);
        if !intact_head {
            breaks.push(ChainBreak {
                province_code: province,
                entry_id: a.head_id,
                reason: "锚点记录的链尾已不在审计日志中（最新的记录被删除或改动）",
            });
            continue;
        }
        let count = audit_log::Entity::find()
            .filter(audit_log::Column::ProvinceCode.eq(province.clone()))
            .filter(audit_log::Column::Id.lte(a.head_id))
            .count(conn)
            .await?;
        if count != a.count {
            breaks.push(ChainBreak {
                province_code: province,
                entry_id: a.head_id,
                reason: "锚点之前的记录条数与锚点不符（记录被删除）",
            });
        }
    }
    Ok(breaks)
}

/// Anchor the chains every [`EVERY`] (and once at start).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let path = path_in(&state.data_dir);
        loop {
            if let Err(e) = checkpoint(&state.db, &path).await {
                tracing::warn!(error = %e, "audit anchoring failed");
            }
            tokio::time::sleep(EVERY).await;
        }
    })
}
