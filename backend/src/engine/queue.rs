//! The engine's queues, one indexed query each on the open steps of every business: the inbox
//! (待办: what waits for the caller's organisation and role), its counts for the home page, and
//! the overdue list of a jurisdiction with counts per organisation one level down. Paged by
//! keyset with the total, never capped and filtered in memory.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use xueji_shared::api_engine::{
    BusinessCount, BusinessKey, Cursor, InboxOrder, InboxSummary, OverdueCount, OverdueReport,
    StepRecord, WorkItem, WorkPage,
};
use xueji_shared::workflow::Action;

use crate::auth::Caller;
use crate::entities::{organisations, request_steps, requests, step_tallies};
use crate::error::{AppError, AppResult};
use crate::scope::Scope;

/// Lines per page unless the client asks for fewer (at most [`MAX_LIMIT`]).
pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;

/// What a queue page asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageQuery {
    pub business: Option<BusinessKey>,
    pub order: InboxOrder,
    pub cursor: Option<Cursor>,
    pub limit: u64,
}

fn at_micros(micros: i64) -> AppResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| AppError::field("cursor", "分页游标格式不正确，请从第一页重新打开"))
}

fn open_for(caller: &Caller) -> Select<request_steps::Entity> {
    request_steps::Entity::find()
        .filter(request_steps::Column::OrgId.eq(caller.org.id))
        .filter(request_steps::Column::Role.eq(caller.role.as_str()))
        .filter(request_steps::Column::DoneAt.is_null())
}

fn overdue_in(scope: &Scope, now: DateTime<Utc>) -> Select<request_steps::Entity> {
    request_steps::Entity::find()
        .filter(request_steps::Column::DoneAt.is_null())
        .filter(request_steps::Column::DueAt.lte(now))
        .filter(request_steps::Column::OrgPath.like(scope.path_prefix()))
}

fn with_business(
    select: Select<request_steps::Entity>,
    business: Option<BusinessKey>,
) -> Select<request_steps::Entity> {
    match business {
        Some(b) => select.filter(request_steps::Column::Business.eq(b.as_str())),
        None => select,
    }
}

/// Keyset paging on (`col`, id) in the given direction.
fn page_after(
    select: Select<request_steps::Entity>,
    col: request_steps::Column,
    descending: bool,
    cursor: Option<Cursor>,
) -> AppResult<Select<request_steps::Entity>> {
    let select = match cursor {
        Some(c) => {
            let t = at_micros(c.micros)?;
            let cond = if descending {
                Condition::any().add(col.lt(t)).add(
                    Condition::all()
                        .add(col.eq(t))
                        .add(request_steps::Column::Id.lt(c.id)),
                )
            } else {
                Condition::any().add(col.gt(t)).add(
                    Condition::all()
                        .add(col.eq(t))
                        .add(request_steps::Column::Id.gt(c.id)),
                )
            };
            select.filter(cond)
        }
        None => select,
    };
    // `done_at` first, though every line here has none: PostgreSQL does not take `done_at IS
    // NULL` as fixing the index's first column, so without it the order is not the index's
    // (`idx_request_steps_inbox`, `idx_request_steps_overdue`) and it sorts every open step of
    // the organisation or the subtree instead of reading the first page off the index.
    Ok(if descending {
        select
            .order_by_desc(request_steps::Column::DoneAt)
            .order_by_desc(col)
            .order_by_desc(request_steps::Column::Id)
    } else {
        select
            .order_by_asc(request_steps::Column::DoneAt)
            .order_by_asc(col)
            .order_by_asc(request_steps::Column::Id)
    })
}

async fn items<C: ConnectionTrait>(
    conn: &C,
    rows: &[request_steps::Model],
    now: DateTime<Utc>,
) -> AppResult<Vec<WorkItem>> {
    let mut org_ids: Vec<i64> = rows.iter().map(|r| r.org_id).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let names: HashMap<i64, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(org_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let objects: HashMap<i64, Option<i64>> = requests::Entity::find()
        .select_only()
        .column(requests::Column::Id)
        .column(requests::Column::ObjectId)
        .filter(requests::Column::Id.is_in(rows.iter().map(|r| r.request_id)))
        .into_tuple::<(i64, Option<i64>)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            let business = BusinessKey::parse(&r.business).unwrap_or(BusinessKey::Registration);
            WorkItem {
                step_id: r.id,
                request_id: r.request_id,
                business,
                business_label: business.label().to_owned(),
                subject: r.subject.clone(),
                step_label: r.label.clone(),
                org_id: r.org_id,
                org_name: names.get(&r.org_id).cloned().unwrap_or_default(),
                started_at: r.started_at.to_rfc3339(),
                due_at: r.due_at.to_rfc3339(),
                overdue: r.due_at <= now,
                link: business.link(r.request_id, objects.get(&r.request_id).copied().flatten()),
            }
        })
        .collect())
}

/// `?cursor=` and `?limit=` of an id-ordered list (newest first): the cursor, and the limit
/// (default [`DEFAULT_LIMIT`], 1–[`MAX_LIMIT`]); malformed → 422 naming the parameter.
pub fn cursor_and_limit(
    cursor: Option<&str>,
    limit: Option<u64>,
) -> AppResult<(Option<Cursor>, u64)> {
    let mut fields = Vec::new();
    let cursor = match cursor {
        None | Some("") => None,
        Some(c) => match Cursor::parse(c) {
            Ok(c) => Some(c),
            Err(e) => {
                fields.push(e);
                None
            }
        },
    };
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(n @ 1..=MAX_LIMIT) => n,
        Some(_) => {
            fields.push(xueji_shared::api::FieldError::new(
                "limit",
                "每页条数须在 1 到 100 之间",
            ));
            DEFAULT_LIMIT
        }
    };
    if fields.is_empty() {
        Ok((cursor, limit))
    } else {
        Err(AppError::Validation(fields))
    }
}

/// The cursor after the line with this id (id-ordered lists).
pub fn id_cursor(id: i64) -> String {
    Cursor { micros: 0, id }.encode()
}

/// `SELECT request_id FROM request_steps WHERE <open step of the caller's organisation and role>
/// AND business = …`: for lists that show only what waits for the caller.
pub fn open_request_ids(
    caller: &Caller,
    business: BusinessKey,
) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(request_steps::Column::RequestId)
        .from(request_steps::Entity)
        .and_where(request_steps::Column::OrgId.eq(caller.org.id))
        .and_where(request_steps::Column::Role.eq(caller.role.as_str()))
        .and_where(request_steps::Column::DoneAt.is_null())
        .and_where(request_steps::Column::Business.eq(business.as_str()))
        .to_owned()
}

/// Which of these requests have an open step of the caller's organisation and role.
pub async fn waiting_for<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    request_ids: impl IntoIterator<Item = i64>,
) -> AppResult<std::collections::HashSet<i64>> {
    Ok(open_for(caller)
        .select_only()
        .column(request_steps::Column::RequestId)
        .filter(request_steps::Column::RequestId.is_in(request_ids))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

fn limit_of(q: &PageQuery) -> u64 {
    match q.limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    }
}

/// Which time a queue is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Started,
    Due,
}

async fn page<C: ConnectionTrait>(
    conn: &C,
    base: Select<request_steps::Entity>,
    sort: SortBy,
    descending: bool,
    q: &PageQuery,
    now: DateTime<Utc>,
    total: Option<u64>,
) -> AppResult<WorkPage> {
    let total = match total {
        Some(t) => t,
        None => base.clone().count(conn).await?,
    };
    let limit = limit_of(q);
    let col = match sort {
        SortBy::Started => request_steps::Column::StartedAt,
        SortBy::Due => request_steps::Column::DueAt,
    };
    let mut rows = page_after(base, col, descending, q.cursor)?
        .limit(limit + 1)
        .all(conn)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = match rows.last() {
        Some(last) if more => {
            let t = match sort {
                SortBy::Due => last.due_at,
                SortBy::Started => last.started_at,
            };
            Some(
                Cursor {
                    micros: t.timestamp_micros(),
                    id: last.id,
                }
                .encode(),
            )
        }
        _ => None,
    };
    Ok(WorkPage {
        total,
        items: items(conn, &rows, now).await?,
        next_cursor,
    })
}

/// The caller's inbox: open steps of its organisation and role, across businesses.
pub async fn inbox<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    q: &PageQuery,
) -> AppResult<WorkPage> {
    let base = with_business(open_for(caller), q.business);
    page(
        conn,
        base,
        SortBy::Started,
        q.order == InboxOrder::Newest,
        q,
        super::now(),
        None,
    )
    .await
}

/// How many steps wait for the caller, and how many of them are overdue.
pub async fn summary<C: ConnectionTrait>(conn: &C, caller: &Caller) -> AppResult<InboxSummary> {
    let waiting = open_for(caller).count(conn).await?;
    let overdue = open_for(caller)
        .filter(request_steps::Column::DueAt.lte(super::now()))
        .count(conn)
        .await?;
    Ok(InboxSummary { waiting, overdue })
}

/// The overdue steps of the caller's jurisdiction, oldest deadline first, with counts per
/// organisation one level down (a county sees its schools, a province its cities) and per
/// business.
pub async fn overdue<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    q: &PageQuery,
) -> AppResult<OverdueReport> {
    let now = super::now();
    let base = with_business(overdue_in(scope, now), q.business);
    // The counts from the tallies (`super::tally`): the rows of this jurisdiction whose
    // deadline has passed, per organisation one level down and business.
    let mut tallies = step_tallies::Entity::find()
        .select_only()
        .column(step_tallies::Column::ChildId)
        .column(step_tallies::Column::Business)
        // PostgreSQL's SUM of a bigint is numeric: cast back.
        .column_as(
            Expr::expr(Func::cast_as(
                Func::sum(Expr::col(step_tallies::Column::OpenSteps)),
                Alias::new("bigint"),
            )),
            "n",
        )
        .filter(step_tallies::Column::AncestorId.eq(scope.org_id()))
        .filter(step_tallies::Column::DueAt.lte(now));
    if let Some(b) = q.business {
        tallies = tallies.filter(step_tallies::Column::Business.eq(b.as_str()));
    }
    let grouped: Vec<(i64, String, i64)> = tallies
        .group_by(step_tallies::Column::ChildId)
        .group_by(step_tallies::Column::Business)
        .into_tuple()
        .all(conn)
        .await?;
    let mut per: BTreeMap<i64, BTreeMap<&'static str, u64>> = BTreeMap::new();
    for (child, business, n) in &grouped {
        let (Some(b), Ok(n)) = (BusinessKey::parse(business), u64::try_from(*n)) else {
            continue;
        };
        if n > 0 {
            *per.entry(*child)
                .or_default()
                .entry(b.as_str())
                .or_default() += n;
        }
    }
    let names: HashMap<i64, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(per.keys().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut counts: Vec<OverdueCount> = per
        .into_iter()
        .map(|(org_id, by)| OverdueCount {
            org_id,
            org_name: names.get(&org_id).cloned().unwrap_or_default(),
            total: by.values().sum(),
            by_business: BusinessKey::ALL
                .into_iter()
                .filter_map(|b| {
                    by.get(b.as_str()).map(|n| BusinessCount {
                        business: b,
                        label: b.label().to_owned(),
                        count: *n,
                    })
                })
                .collect(),
        })
        .collect();
    counts.sort_by(|a, b| b.total.cmp(&a.total).then(a.org_name.cmp(&b.org_name)));
    let total = counts.iter().map(|c| c.total).sum();
    let page = page(conn, base, SortBy::Due, false, q, now, Some(total)).await?;
    Ok(OverdueReport { counts, page })
}

/// Every step of a request, in order, with how long it took and its deadline.
/// `business_label` names the business's own closing actions (those that are not chain
/// actions), for the history.
pub async fn steps_of<C: ConnectionTrait>(
    conn: &C,
    request: &requests::Model,
    business_label: fn(&str) -> Option<&'static str>,
) -> AppResult<Vec<StepRecord>> {
    let rows = request_steps::Entity::find()
        .filter(request_steps::Column::RequestId.eq(request.id))
        .order_by_asc(request_steps::Column::Id)
        .all(conn)
        .await?;
    let names: HashMap<i64, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|r| r.org_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let cal = super::clock::calendar(conn, &request.province_code).await?;
    let now = super::now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let until = r.done_at.unwrap_or(now);
            StepRecord {
                label: r.label.clone(),
                org_name: names.get(&r.org_id).cloned().unwrap_or_default(),
                started_at: r.started_at.to_rfc3339(),
                due_at: r.due_at.to_rfc3339(),
                done_at: r.done_at.map(|t| t.to_rfc3339()),
                done_label: r
                    .done_action
                    .as_deref()
                    .map(|a| action_label(a, business_label)),
                forced: r.forced,
                working_days: super::clock::working_days(&cal, r.started_at, until),
                overdue: until >= r.due_at,
            }
        })
        .collect())
}

/// The label of a step's closing action: a chain action's, else the business's own
/// (`business_label`, e.g. a problem record's 提交证明材料), else the wire name.
fn action_label(a: &str, business_label: fn(&str) -> Option<&'static str>) -> String {
    serde_json::from_value::<Action>(serde_json::Value::String(a.to_owned()))
        .map(|x| x.label().to_owned())
        .ok()
        .or_else(|| business_label(a).map(str::to_owned))
        .unwrap_or_else(|| a.to_owned())
}

/// For businesses whose actions are all chain actions.
pub fn no_business_labels(_: &str) -> Option<&'static str> {
    None
}
