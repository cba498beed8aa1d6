//! Open-step tallies for the overdue list (`step_tallies`, migration 13).
//!
//! A step of the organisation at `/p/c/k/s/` counts once under each ancestor with the child on
//! its way down — (p, c), (c, k), (k, s) — and once under its own organisation (s, s), per
//! business and deadline. "How many steps are overdue in my jurisdiction, per organisation one
//! level down and per business" is then a sum over one ancestor's rows whose deadline has
//! passed: a few hundred rows for a province, whatever its millions of open steps. No sweep is
//! needed when a deadline passes, because a deadline is a stored instant that the query
//! compares with now.
//!
//! The rows change in the transaction that opens or closes the steps ([`apply`]), aggregated
//! per key and written in key order, so two transactions never wait for each other's rows in
//! opposite orders (no deadlock on PostgreSQL). [`rebuild`] recomputes them from the open
//! steps (start-up backfill, demo data, benchmarks); [`mismatches`] compares the two (tests).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};

use crate::entities::{request_steps, step_tallies};
use crate::error::{AppError, AppResult};

/// One step opened (+1) or closed (−1) at an organisation path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    pub org_path: String,
    pub business: String,
    pub due_at: DateTime<Utc>,
    pub n: i64,
}

impl Delta {
    /// A step that opens.
    pub fn opened(step: &request_steps::ActiveModel) -> AppResult<Delta> {
        let (Some(org_path), Some(business), Some(due_at)) = (
            step.org_path.try_as_ref(),
            step.business.try_as_ref(),
            step.due_at.try_as_ref(),
        ) else {
            return Err(AppError::internal(
                "step without organisation, business or deadline",
            ));
        };
        Ok(Delta {
            org_path: org_path.clone(),
            business: business.clone(),
            due_at: *due_at,
            n: 1,
        })
    }

    /// A step that closes.
    pub fn closed(step: &request_steps::Model) -> Delta {
        Delta {
            org_path: step.org_path.clone(),
            business: step.business.clone(),
            due_at: step.due_at,
            n: -1,
        }
    }
}

type Key = (i64, DateTime<Utc>, String, i64);

/// (ancestor, child) pairs of a path: each ancestor with the next organisation down, and the
/// organisation itself with itself.
fn pairs(path: &str) -> AppResult<Vec<(i64, i64)>> {
    let ids = path
        .split('/')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| AppError::internal(format!("malformed organisation path {path:?}")))?;
    Ok(ids
        .iter()
        .enumerate()
        .map(|(i, a)| (*a, ids.get(i + 1).copied().unwrap_or(*a)))
        .collect())
}

fn keyed(deltas: impl IntoIterator<Item = Delta>) -> AppResult<BTreeMap<Key, i64>> {
    let mut by: BTreeMap<Key, i64> = BTreeMap::new();
    for d in deltas {
        for (ancestor, child) in pairs(&d.org_path)? {
            *by.entry((ancestor, d.due_at, d.business.clone(), child))
                .or_default() += d.n;
        }
    }
    by.retain(|_, n| *n != 0);
    Ok(by)
}

/// Rows per statement (each row has five parameters; SQLite allows 32 766).
const CHUNK: usize = 500;

/// Add the deltas to the tallies, inside the caller's transaction.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    deltas: impl IntoIterator<Item = Delta>,
) -> AppResult<()> {
    write(conn, keyed(deltas)?).await
}

/// Add each key's count to its row (created at 0), in key order.
async fn write<C: ConnectionTrait>(conn: &C, by: BTreeMap<Key, i64>) -> AppResult<()> {
    let mut rows = by.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<step_tallies::ActiveModel> = rows
            .by_ref()
            .take(CHUNK)
            .map(
                |((ancestor_id, due_at, business, child_id), n)| step_tallies::ActiveModel {
                    ancestor_id: Set(ancestor_id),
                    due_at: Set(due_at),
                    business: Set(business),
                    child_id: Set(child_id),
                    open_steps: Set(n),
                },
            )
            .collect();
        step_tallies::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([
                    step_tallies::Column::AncestorId,
                    step_tallies::Column::DueAt,
                    step_tallies::Column::Business,
                    step_tallies::Column::ChildId,
                ])
                .value(
                    step_tallies::Column::OpenSteps,
                    Expr::col((step_tallies::Entity, step_tallies::Column::OpenSteps))
                        .add(Expr::cust("excluded.open_steps")),
                )
                .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The tallies the open steps imply, counted afresh.
async fn expected<C: ConnectionTrait>(conn: &C) -> AppResult<BTreeMap<Key, i64>> {
    let grouped: Vec<(String, String, DateTime<Utc>, i64)> = request_steps::Entity::find()
        .select_only()
        .column(request_steps::Column::OrgPath)
        .column(request_steps::Column::Business)
        .column(request_steps::Column::DueAt)
        .column_as(request_steps::Column::Id.count(), "n")
        .filter(request_steps::Column::DoneAt.is_null())
        .group_by(request_steps::Column::OrgPath)
        .group_by(request_steps::Column::Business)
        .group_by(request_steps::Column::DueAt)
        .into_tuple()
        .all(conn)
        .await?;
    keyed(
        grouped
            .into_iter()
            .map(|(org_path, business, due_at, n)| Delta {
                org_path,
                business,
                due_at,
                n,
            }),
    )
}

/// Recompute every tally from the open steps (inside the caller's transaction).
pub async fn rebuild<C: ConnectionTrait>(conn: &C) -> AppResult<()> {
    step_tallies::Entity::delete_many().exec(conn).await?;
    write(conn, expected(conn).await?).await
}

/// Fill the tallies of a database whose steps predate them (start-up). Idempotent: does
/// nothing once any tally exists or when no step is open.
pub async fn backfill<C: ConnectionTrait>(conn: &C) -> AppResult<bool> {
    if step_tallies::Entity::find().count(conn).await? > 0 {
        return Ok(false);
    }
    let open = request_steps::Entity::find()
        .filter(request_steps::Column::DoneAt.is_null())
        .count(conn)
        .await?;
    if open == 0 {
        return Ok(false);
    }
    rebuild(conn).await?;
    Ok(true)
}

/// Where the stored tallies differ from the open steps: `(ancestor, child, business, due,
/// stored, expected)` (empty when they agree). For tests.
pub async fn mismatches<C: ConnectionTrait>(
    conn: &C,
) -> AppResult<Vec<(i64, i64, String, DateTime<Utc>, i64, i64)>> {
    let want = expected(conn).await?;
    let mut have: BTreeMap<Key, i64> = step_tallies::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter(|r| r.open_steps != 0)
        .map(|r| {
            (
                (r.ancestor_id, r.due_at, r.business, r.child_id),
                r.open_steps,
            )
        })
        .collect();
    let mut out = Vec::new();
    for (k, n) in &want {
        let got = have.remove(k).unwrap_or(0);
        if got != *n {
            out.push((k.0, k.3, k.2.clone(), k.1, got, *n));
        }
    }
    for (k, got) in have {
        out.push((k.0, k.3, k.2, k.1, got, 0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_counts_under_each_ancestor_and_itself() {
        assert_eq!(
            pairs("/1/4/17/230/").ok(),
            Some(vec![(1, 4), (4, 17), (17, 230), (230, 230)])
        );
        assert_eq!(pairs("/9/").ok(), Some(vec![(9, 9)]));
        assert!(pairs("/1/x/").is_err());
    }

    #[test]
    fn opening_and_closing_the_same_step_cancels_out() {
        let due = Utc::now();
        let d = |n| Delta {
            org_path: "/1/4/17/".into(),
            business: "registration".into(),
            due_at: due,
            n,
        };
        assert!(keyed([d(1), d(-1)]).map(|m| m.is_empty()).unwrap_or(false));
        let two = keyed([d(1), d(1)]).unwrap_or_default();
        assert_eq!(two.len(), 3);
        assert!(two.values().all(|n| *n == 2));
    }
}
