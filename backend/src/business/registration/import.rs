//! Bulk registration (批量注册): checking an uploaded template and turning its valid rows into
//! registration requests exactly as single submission does (pending the approval chain, with
//! the national duplicate candidates, a `submit` action and an audit entry each).
//!
//! - **Check** ([`start_check`]): a background task streams the file ([`crate::business::registration::xlsx::read`]),
//!   checks every row with the shared rules ([`xueji_shared::import`]) and within-file
//!   duplicates, writes the progress to the job every few hundred milliseconds, and stores the
//!   per-row report. Nothing but the job row is written.
//! - **Commit** ([`start_commit`] → [`import_rows`]): the file is read and checked again (the
//!   rules may have changed since), and — in ONE write transaction — each chunk of valid rows
//!   gets its duplicate candidates (batched `IN (…)` probes), its requests (multi-row insert with
//!   ids allocated up front), its `submit` actions and its audit entries
//!   ([`audit::append_many`]). Reading and checking run on a blocking thread while the async
//!   side writes the previous chunk. `all_or_nothing` writes nothing when any row is invalid;
//!   a failure rolls everything back. Either way the job says what happened.
//!
//! Job progress and status updates are bookkeeping of the job itself and are not audited; the
//! upload, the commit (one entry per created request plus `import.commit`) and the cancel are.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::api_import::{ImportMode, ImportStatus};
use xueji_shared::api_registration::{DuplicateCandidate, RegistrationKind};
use xueji_shared::codes::{Gender, ID_TYPE_OTHER};
use xueji_shared::dedup;
use xueji_shared::import::{self, Cell, Duplicates, HeaderMap, ImportRowError};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::workflow::{Business, State};

use crate::audit::{self, Actor, Entry};
use crate::business::registration::xlsx;
use crate::engine;
use crate::entities::{
    identity_claims, import_jobs, organisations, request_actions, request_steps, requests, students,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::student;

/// Rows per chunk: per multi-row insert and per batch of duplicate probes.
pub const CHUNK: usize = 1000;
/// Keys per `IN (…)` probe.
const PROBE: usize = 500;

/// Rows read so far and the estimated total, shared with the task that records progress.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU32,
    pub total: AtomicU32,
}

/// The outcome of reading and checking a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOutcome {
    pub total: u32,
    pub valid: u32,
    pub invalid: u32,
    /// Every problem, by row.
    pub report: Vec<ImportRowError>,
}

/// A chunk of valid rows (row number and record) and the number of invalid rows so far.
pub type Chunk = (Vec<(u32, StudentRecord)>, u32);

/// Rows handed from the reading thread to the checking thread.
const BATCH: usize = 256;

struct Scanner<'a> {
    rules: &'a RecordRules,
    progress: &'a Progress,
    dups: Duplicates,
    out: ScanOutcome,
    chunk: Vec<(u32, StudentRecord)>,
    sink: &'a mut (dyn FnMut(Chunk) -> bool + Send),
    stopped: bool,
}

impl Scanner<'_> {
    fn row(&mut self, header: &HeaderMap, row: u32, cells: &[Cell]) {
        let parsed = import::parse_row(header, row, cells);
        let mut errors = import::check_row(&parsed, header, cells, self.rules);
        if let Some(dup) = self.dups.check(row, &parsed.record, self.rules.today) {
            errors.push(dup);
        }
        self.out.total += 1;
        if errors.is_empty() {
            self.out.valid += 1;
            if !self.stopped {
                self.chunk.push((row, parsed.record));
            }
        } else {
            self.out.invalid += 1;
            self.out.report.extend(errors);
        }
        if self.chunk.len() >= CHUNK {
            self.flush();
        }
        self.progress.done.store(self.out.total, Ordering::Relaxed);
    }

    fn flush(&mut self) {
        let rows = std::mem::take(&mut self.chunk);
        if !self.stopped && !(self.sink)((rows, self.out.invalid)) {
            // The receiver is gone: keep checking (for the report) without collecting rows.
            self.stopped = true;
        }
    }
}

/// Rows of cells (row number, cells) read under one header.
type Batch = (Arc<HeaderMap>, Vec<(u32, Vec<Cell>)>);

/// The reading side: rows of cells, in batches, to the checking thread.
struct Batcher<'a> {
    send: std::sync::mpsc::SyncSender<Batch>,
    header: Option<Arc<HeaderMap>>,
    batch: Vec<(u32, Vec<Cell>)>,
    progress: &'a Progress,
}

impl Batcher<'_> {
    fn send(&mut self) -> bool {
        let (Some(h), false) = (&self.header, self.batch.is_empty()) else {
            return true;
        };
        let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.send.send((h.clone(), rows)).is_ok()
    }
}

impl xlsx::RowSink for Batcher<'_> {
    fn total(&mut self, rows: u32) {
        self.progress.total.store(rows, Ordering::Relaxed);
    }

    fn row(&mut self, header: &HeaderMap, row: u32, cells: &mut Vec<Cell>) -> bool {
        if self.header.is_none() {
            self.header = Some(Arc::new(header.clone()));
        }
        self.batch.push((row, std::mem::take(cells)));
        self.batch.len() < BATCH || self.send()
    }
}

/// Reads and checks every row of an upload; valid rows go to `sink` in chunks of [`CHUNK`]
/// as they are checked (`sink` returning `false` stops the chunks, not the checking). `Err`:
/// the Chinese reason the file cannot be used. Reading (unzip, XML) and checking (parse,
/// rules, duplicates) run on two threads.
pub fn scan(
    bytes: &[u8],
    rules: &RecordRules,
    progress: &Progress,
    sink: &mut (dyn FnMut(Chunk) -> bool + Send),
) -> Result<ScanOutcome, String> {
    let (send, recv) = std::sync::mpsc::sync_channel::<Batch>(8);
    std::thread::scope(|scope| {
        let checker = scope.spawn(move || {
            let mut s = Scanner {
                rules,
                progress,
                dups: Duplicates::new(),
                out: ScanOutcome::default(),
                chunk: Vec::with_capacity(CHUNK),
                sink,
                stopped: false,
            };
            for (header, rows) in recv {
                for (row, cells) in rows {
                    s.row(&header, row, &cells);
                }
            }
            s.flush();
            s.out
        });
        let mut b = Batcher {
            send,
            header: None,
            batch: Vec::with_capacity(BATCH),
            progress,
        };
        let read = xlsx::read(bytes, &mut b);
        b.send();
        drop(b);
        let out = checker
            .join()
            .map_err(|_| "校验时发生内部错误".to_owned())?;
        read?;
        progress.total.store(out.total, Ordering::Relaxed);
        Ok(out)
    })
}

/// Who submits the imported registrations: the school, the registrar, the chain.
#[derive(Debug, Clone)]
pub struct Submitter {
    pub school: organisations::Model,
    pub account_id: i64,
    pub actor: Actor,
    pub kind: RegistrationKind,
    pub business: Business,
    /// The import job, named in each audit entry.
    pub job_id: Option<i64>,
}

/// The national duplicate candidates of many records at once — the same answer as
/// single submission's check, with one `IN (…)` probe per [`PROBE`] keys.
pub async fn candidates_many<C: ConnectionTrait>(
    conn: &C,
    records: &[&StudentRecord],
) -> AppResult<Vec<Vec<DuplicateCandidate>>> {
    let today = crate::clock::today();
    enum Key {
        Id(String),
        Person(String),
        None,
    }
    let keys: Vec<Key> = records
        .iter()
        .map(|r| {
            let has_id = r.id_type != ID_TYPE_OTHER && !r.id_number.trim().is_empty();
            if has_id {
                dedup::id_key(&r.id_type, &r.id_number, today).map_or(Key::None, Key::Id)
            } else if let (Some(b), Some(g)) = (r.birth_date, Gender::from_code(&r.gender)) {
                Key::Person(dedup::person_key(&r.name, g, b))
            } else {
                Key::None
            }
        })
        .collect();
    let id_keys: Vec<String> = keys
        .iter()
        .filter_map(|k| match k {
            Key::Id(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let person_keys: Vec<String> = keys
        .iter()
        .filter_map(|k| match k {
            Key::Person(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let mut claims: HashMap<String, i64> = HashMap::new();
    for part in id_keys.chunks(PROBE) {
        for c in identity_claims::Entity::find()
            .filter(identity_claims::Column::IdKey.is_in(part.iter().cloned()))
            .all(conn)
            .await?
        {
            claims.insert(c.id_key, c.student_id);
        }
    }
    let mut by_id: HashMap<i64, students::Model> = HashMap::new();
    let claimed: Vec<i64> = claims.values().copied().collect();
    for part in claimed.chunks(PROBE) {
        for s in students::Entity::find()
            .filter(students::Column::Id.is_in(part.iter().copied()))
            .all(conn)
            .await?
        {
            by_id.insert(s.id, s);
        }
    }
    let mut by_person: HashMap<String, Vec<students::Model>> = HashMap::new();
    for part in person_keys.chunks(PROBE) {
        for s in students::Entity::find()
            .filter(students::Column::PersonKey.is_in(part.iter().cloned()))
            .all(conn)
            .await?
        {
            let list = by_person.entry(s.person_key.clone()).or_default();
            if list.len() < 10 {
                list.push(s);
            }
        }
    }
    let school_ids: Vec<i64> = by_id
        .values()
        .chain(by_person.values().flatten())
        .map(|s| s.school_id)
        .collect();
    let schools: HashMap<i64, String> = if school_ids.is_empty() {
        HashMap::new()
    } else {
        organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(school_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    };
    let cand = |kind: &str, s: &students::Model| DuplicateCandidate {
        kind: kind.to_owned(),
        student_number: s.student_number.clone(),
        name: s.name.clone(),
        school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
    };
    Ok(keys
        .iter()
        .map(|k| match k {
            Key::Id(key) => claims
                .get(key)
                .and_then(|id| by_id.get(id))
                .map(|s| vec![cand(student::PROBLEM_DUP_WITH_ID, s)])
                .unwrap_or_default(),
            Key::Person(key) => by_person
                .get(key)
                .map(|list| {
                    list.iter()
                        .map(|s| cand(student::PROBLEM_DUP_WITHOUT_ID, s))
                        .collect()
                })
                .unwrap_or_default(),
            Key::None => Vec::new(),
        })
        .collect())
}

/// Multi-row insert of request rows (ids set), in chunks of [`CHUNK`]. The plain bulk insert
/// the benchmark compares the import path with is this function.
pub async fn insert_requests<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<requests::ActiveModel>,
) -> AppResult<()> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        requests::Entity::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// A new registration request as single submission creates it (`engine::NewRequest`).
pub fn request_row(
    sub: &Submitter,
    id: i64,
    record: &StudentRecord,
    candidates: &[DuplicateCandidate],
    now: chrono::DateTime<Utc>,
) -> AppResult<requests::ActiveModel> {
    let mut row = engine::NewRequest {
        key: BusinessKey::Registration,
        business: sub.business,
        kind: sub.kind.as_str().to_owned(),
        applicant: sub.school.clone(),
        counterpart: None,
        arbiter: None,
        object_id: None,
        subject: record.name.trim().to_owned(),
        payload: serde_json::to_string(record).map_err(AppError::internal)?,
        candidates: serde_json::to_string(candidates).map_err(AppError::internal)?,
        student_id: None,
    }
    .row(sub.account_id, now)?;
    row.id = Set(id);
    Ok(row)
}

/// Writes one chunk of valid rows as registration requests: candidates, requests, `submit`
/// actions, audit entries. Returns the new request ids.
pub async fn insert_chunk<C: ConnectionTrait>(
    conn: &C,
    sub: &Submitter,
    rows: &[(u32, StudentRecord)],
) -> AppResult<Vec<i64>> {
    let records: Vec<&StudentRecord> = rows.iter().map(|(_, r)| r).collect();
    let found = candidates_many(conn, &records).await?;
    let ids = crate::db::allocate_ids(conn, "requests", rows.len()).await?;
    let now = engine::now();
    // Every request's first step (the school leader's) and its deadline, the same for the chunk.
    let first = engine::chain_assignment(
        conn,
        &engine::Parties {
            applicant: sub.school.clone(),
            counterpart: None,
            arbiter: None,
        },
        &sub.business.chain(),
        State::START,
    )
    .await?;
    let cal = engine::clock::calendar(conn, &sub.school.province_code).await?;
    let mut steps = Vec::with_capacity(rows.len());
    let mut reqs = Vec::with_capacity(rows.len());
    let mut entries = Vec::with_capacity(rows.len());
    for (((row, record), cands), id) in rows.iter().zip(&found).zip(&ids) {
        reqs.push(request_row(sub, *id, record, cands, now)?);
        if let Some(a) = &first {
            steps.push(engine::new_step(
                *id,
                &sub.school.province_code,
                record.name.trim(),
                BusinessKey::Registration,
                a,
                &cal,
                now,
            ));
        }
        entries.push(Entry {
            action: "registration.submit",
            object_type: "request",
            object_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "kind": sub.kind,
                "name": record.name,
                "candidates": cands.len(),
                "import_job": sub.job_id,
                "row": row,
            })),
        });
    }
    insert_requests(conn, reqs).await?;
    let tallied = steps
        .iter()
        .map(engine::tally::Delta::opened)
        .collect::<AppResult<Vec<_>>>()?;
    engine::tally::apply(conn, tallied).await?;
    let mut steps = steps.into_iter().peekable();
    while steps.peek().is_some() {
        let chunk: Vec<_> = steps.by_ref().take(CHUNK).collect();
        request_steps::Entity::insert_many(chunk)
            .exec_without_returning(conn)
            .await?;
    }
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // The same rows as one JSON parameter (see `db::pg_insert_json`).
        #[derive(serde::Serialize)]
        struct ActionRow<'a> {
            request_id: i64,
            province_code: &'a str,
            action: &'static str,
            actor_id: i64,
            actor_org_id: i64,
            at: chrono::DateTime<Utc>,
        }
        let rows: Vec<ActionRow> = ids
            .iter()
            .map(|&request_id| ActionRow {
                request_id,
                province_code: &sub.school.province_code,
                action: "submit",
                actor_id: sub.account_id,
                actor_org_id: sub.school.id,
                at: now,
            })
            .collect();
        crate::db::pg_insert_json(
            conn,
            "request_actions",
            &[
                ("request_id", "bigint"),
                ("province_code", "text"),
                ("action", "text"),
                ("actor_id", "bigint"),
                ("actor_org_id", "bigint"),
                ("at", "timestamptz"),
            ],
            &rows,
        )
        .await?;
    } else {
        let actions = ids.iter().map(|&id| request_actions::ActiveModel {
            request_id: Set(id),
            province_code: Set(sub.school.province_code.clone()),
            step: Set(None),
            action: Set("submit".to_owned()),
            actor_id: Set(sub.account_id),
            actor_org_id: Set(sub.school.id),
            reason: Set(None),
            at: Set(now),
            ..Default::default()
        });
        request_actions::Entity::insert_many(actions)
            .exec_without_returning(conn)
            .await?;
    }
    audit::append_many(conn, &sub.actor, entries).await?;
    Ok(ids)
}

/// What [`import_rows`] did.
#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    pub scan: ScanOutcome,
    /// The requests created (empty when nothing may be written).
    pub created: Vec<i64>,
    /// Whether the transaction should be committed: false for `all_or_nothing` with an
    /// invalid row, or when no row is valid.
    pub write: bool,
}

/// The import path: read and check the file on a blocking thread while writing each chunk of
/// valid rows into `tx`. `Ok(Err(reason))`: the file cannot be used. The caller commits `tx`
/// when [`ImportOutcome::write`] and rolls it back otherwise.
pub async fn import_rows(
    tx: &DatabaseTransaction,
    sub: &Submitter,
    bytes: Arc<Vec<u8>>,
    rules: RecordRules,
    mode: ImportMode,
) -> AppResult<Result<ImportOutcome, String>> {
    let (send, mut recv) = tokio::sync::mpsc::channel::<Chunk>(2);
    let reader = tokio::task::spawn_blocking(move || {
        let progress = Progress::default();
        scan(&bytes, &rules, &progress, &mut |chunk| {
            send.blocking_send(chunk).is_ok()
        })
    });
    let mut created = Vec::new();
    let mut refused = false;
    let mut failure = None;
    while let Some((rows, invalid)) = recv.recv().await {
        if mode == ImportMode::AllOrNothing && invalid > 0 {
            refused = true;
        }
        if refused || rows.is_empty() {
            continue;
        }
        match insert_chunk(tx, sub, &rows).await {
            Ok(ids) => created.extend(ids),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    drop(recv);
    let scanned = reader.await.map_err(AppError::internal)?;
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(scanned.map(|scan| {
        let refused = mode == ImportMode::AllOrNothing && scan.invalid > 0;
        let write = !refused && !created.is_empty();
        ImportOutcome {
            scan,
            created: if write { created } else { Vec::new() },
            write,
        }
    }))
}

// ───────────────────────────── jobs ─────────────────────────────

async fn set_progress(state: &AppState, job_id: i64, p: &Progress) -> AppResult<()> {
    let tx = state.begin_write().await?;
    import_jobs::Entity::update_many()
        .col_expr(
            import_jobs::Column::RowsDone,
            Expr::value(p.done.load(Ordering::Relaxed) as i32),
        )
        .col_expr(
            import_jobs::Column::TotalRows,
            Expr::value(p.total.load(Ordering::Relaxed) as i32),
        )
        .col_expr(import_jobs::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(import_jobs::Column::Id.eq(job_id))
        .filter(import_jobs::Column::Status.eq(ImportStatus::Checking.as_str()))
        .exec(&*tx)
        .await?;
    tx.commit().await
}

/// Moves a job from `from` to its outcome (only if it is still in `from`: a cancelled job
/// stays cancelled). Returns whether it moved.
async fn finish<C: ConnectionTrait>(
    conn: &C,
    job_id: i64,
    from: ImportStatus,
    to: ImportStatus,
    scan: Option<&ScanOutcome>,
    message: Option<String>,
) -> AppResult<bool> {
    let mut q = import_jobs::Entity::update_many()
        .col_expr(import_jobs::Column::Status, Expr::value(to.as_str()))
        .col_expr(import_jobs::Column::Message, Expr::value(message))
        .col_expr(import_jobs::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(s) = scan {
        let report = serde_json::to_string(&s.report).map_err(AppError::internal)?;
        q = q
            .col_expr(import_jobs::Column::TotalRows, Expr::value(s.total as i32))
            .col_expr(import_jobs::Column::RowsDone, Expr::value(s.total as i32))
            .col_expr(import_jobs::Column::ValidRows, Expr::value(s.valid as i32))
            .col_expr(
                import_jobs::Column::InvalidRows,
                Expr::value(s.invalid as i32),
            )
            .col_expr(import_jobs::Column::Report, Expr::value(report));
    }
    let res = q
        .filter(import_jobs::Column::Id.eq(job_id))
        .filter(import_jobs::Column::Status.eq(from.as_str()))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The checks running in this process: [`recover`] leaves them alone even when their progress
/// could not be written for a while (on SQLite a long import holds the one write lock).
static LIVE_CHECKS: std::sync::Mutex<Vec<i64>> = std::sync::Mutex::new(Vec::new());

fn live_check(job_id: i64, live: bool) {
    if let Ok(mut l) = LIVE_CHECKS.lock() {
        l.retain(|&j| j != job_id);
        if live {
            l.push(job_id);
        }
    }
}

fn is_live_check(job_id: i64) -> bool {
    LIVE_CHECKS.lock().is_ok_and(|l| l.contains(&job_id))
}

/// Checks an uploaded file in the background: progress while reading, then the report.
pub fn start_check(state: AppState, job_id: i64, bytes: Arc<Vec<u8>>, rules: RecordRules) {
    live_check(job_id, true);
    tokio::spawn(async move {
        let result = check_job(&state, job_id, bytes, rules).await;
        live_check(job_id, false);
        if let Err(e) = result {
            tracing::error!(job_id, error = %e, "import check failed");
            if let Ok(tx) = state.begin_write().await {
                let _ = finish(
                    &*tx,
                    job_id,
                    ImportStatus::Checking,
                    ImportStatus::Failed,
                    None,
                    Some("校验失败（服务器内部错误），请重新上传".into()),
                )
                .await;
                let _ = tx.commit().await;
            }
        }
    });
}

async fn check_job(
    state: &AppState,
    job_id: i64,
    bytes: Arc<Vec<u8>>,
    rules: RecordRules,
) -> AppResult<()> {
    let progress = Arc::new(Progress::default());
    let p = progress.clone();
    let mut reader = tokio::task::spawn_blocking(move || scan(&bytes, &rules, &p, &mut |_| true));
    let result = loop {
        tokio::select! {
            r = &mut reader => break r.map_err(AppError::internal)?,
            _ = tokio::time::sleep(Duration::from_millis(300)) => {
                set_progress(state, job_id, &progress).await?;
            }
        }
    };
    // No longer live before the outcome is visible: whoever sees the outcome sees it ended.
    live_check(job_id, false);
    let tx = state.begin_write().await?;
    match result {
        Ok(scan) => {
            finish(
                &*tx,
                job_id,
                ImportStatus::Checking,
                ImportStatus::Checked,
                Some(&scan),
                None,
            )
            .await?
        }
        Err(reason) => {
            finish(
                &*tx,
                job_id,
                ImportStatus::Checking,
                ImportStatus::Failed,
                None,
                Some(reason),
            )
            .await?
        }
    };
    tx.commit().await
}

/// Commits a checked job in the background (the job is already `importing`).
pub fn start_commit(
    state: AppState,
    job: import_jobs::Model,
    sub: Submitter,
    rules: RecordRules,
    mode: ImportMode,
) {
    tokio::spawn(async move {
        let job_id = job.id;
        if let Err(e) = commit_job(&state, job, &sub, rules, mode).await {
            tracing::error!(job_id, error = %e, "import commit failed");
            if let Ok(tx) = state.begin_write().await {
                let _ = finish(
                    &*tx,
                    job_id,
                    ImportStatus::Importing,
                    ImportStatus::Checked,
                    None,
                    Some("导入失败（服务器内部错误），未写入任何记录，可以重试".into()),
                )
                .await;
                let _ = tx.commit().await;
            }
        }
    });
}

async fn commit_job(
    state: &AppState,
    job: import_jobs::Model,
    sub: &Submitter,
    rules: RecordRules,
    mode: ImportMode,
) -> AppResult<()> {
    let bytes = state
        .imports
        .get(&job.file_sha256)
        .await?
        .ok_or_else(|| AppError::Internal(format!("import file of job {} missing", job.id)))?;
    let tx = state.begin_write().await?;
    // Touch the job inside the transaction: on PostgreSQL this locks its row until the import
    // commits or rolls back, so [`recover`] on any server waits for a live import instead of
    // resetting it. A job no longer `importing` (reset meanwhile) is left alone.
    let mine = import_jobs::Entity::update_many()
        .col_expr(import_jobs::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(import_jobs::Column::Id.eq(job.id))
        .filter(import_jobs::Column::Status.eq(ImportStatus::Importing.as_str()))
        .exec(&*tx)
        .await?;
    if mine.rows_affected != 1 {
        return Ok(());
    }
    let outcome = import_rows(&tx, sub, Arc::new(bytes), rules, mode).await?;
    match outcome {
        Ok(o) if o.write => {
            import_jobs::Entity::update_many()
                .col_expr(
                    import_jobs::Column::ImportedRows,
                    Expr::value(o.created.len() as i32),
                )
                .filter(import_jobs::Column::Id.eq(job.id))
                .exec(&*tx)
                .await?;
            finish(
                &*tx,
                job.id,
                ImportStatus::Importing,
                ImportStatus::Done,
                Some(&o.scan),
                None,
            )
            .await?;
            audit::append(
                &*tx,
                &sub.actor,
                Entry {
                    action: "import.commit",
                    object_type: "import_job",
                    object_id: Some(job.id.to_string()),
                    before: None,
                    after: Some(json!({
                        "mode": mode.as_str(),
                        "created": o.created.len(),
                        "invalid_rows": o.scan.invalid,
                        "first_request": o.created.first(),
                        "last_request": o.created.last(),
                    })),
                },
            )
            .await?;
            tx.commit().await
        }
        Ok(o) => {
            drop(tx);
            let message = if o.scan.invalid > 0 && mode == ImportMode::AllOrNothing {
                format!(
                    "重新校验发现有 {} 行不符合要求，按“全部正确才导入”未写入任何记录",
                    o.scan.invalid
                )
            } else {
                "重新校验后没有有效记录，未写入任何记录".to_owned()
            };
            let tx = state.begin_write().await?;
            finish(
                &*tx,
                job.id,
                ImportStatus::Importing,
                ImportStatus::Checked,
                Some(&o.scan),
                Some(message),
            )
            .await?;
            tx.commit().await
        }
        Err(reason) => {
            drop(tx);
            let tx = state.begin_write().await?;
            finish(
                &*tx,
                job.id,
                ImportStatus::Importing,
                ImportStatus::Failed,
                None,
                Some(reason),
            )
            .await?;
            tx.commit().await
        }
    }
}

// ───────────────────────────── recovery ─────────────────────────────

/// A job in `checking` whose progress has not been written for this long is taken for dead
/// (a live check writes it every 300 ms); so is a job in `importing` claimed this long ago.
pub const STALE_AFTER: Duration = Duration::from_secs(30);

/// What [`recover`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Jobs whose interrupted check was started again.
    pub rechecked: u64,
    /// Jobs whose interrupted import was rolled back, returned to `checked`.
    pub reset: u64,
    /// Jobs whose file is gone, now `failed`.
    pub failed: u64,
}

/// Picks up the import jobs a stopped server left behind (last touched before `stale_before`):
/// a check is started again from the stored file (the job claims it first, so one server
/// does it); an import, whose single transaction died with the server and wrote nothing, goes
/// back to `checked` with a message saying so, to be committed again. On PostgreSQL a live
/// import holds its job row locked (see [`commit_job`]), so resetting it waits and then finds
/// it no longer `importing`.
pub async fn recover(
    state: &AppState,
    stale_before: chrono::DateTime<Utc>,
) -> AppResult<Recovered> {
    let mut out = Recovered::default();
    let stale = |status: ImportStatus| {
        import_jobs::Entity::find()
            .filter(import_jobs::Column::Status.eq(status.as_str()))
            .filter(import_jobs::Column::UpdatedAt.lt(stale_before))
            .all(&state.db)
    };
    for job in stale(ImportStatus::Checking).await? {
        if is_live_check(job.id) {
            continue;
        }
        let tx = state.begin_write().await?;
        let claimed = import_jobs::Entity::update_many()
            .col_expr(import_jobs::Column::RowsDone, Expr::value(0))
            .col_expr(import_jobs::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(import_jobs::Column::Id.eq(job.id))
            .filter(import_jobs::Column::Status.eq(ImportStatus::Checking.as_str()))
            .filter(import_jobs::Column::UpdatedAt.lt(stale_before))
            .exec(&*tx)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let school = organisations::Entity::find_by_id(job.school_id)
            .one(&*tx)
            .await?;
        let kind = RegistrationKind::parse(&job.kind);
        let bytes = state.imports.get(&job.file_sha256).await?;
        let (Some(school), Some(kind), Some(bytes)) = (school, kind, bytes) else {
            finish(
                &*tx,
                job.id,
                ImportStatus::Checking,
                ImportStatus::Failed,
                None,
                Some("校验因服务器重启中断，且上传的文件已无法读取，请重新上传".into()),
            )
            .await?;
            tx.commit().await?;
            out.failed += 1;
            continue;
        };
        let rules = crate::student::rules_for(&*tx, &school, kind).await?;
        tx.commit().await?;
        tracing::warn!(
            job_id = job.id,
            "import check interrupted by a server stop; started again"
        );
        start_check(state.clone(), job.id, Arc::new(bytes), rules);
        out.rechecked += 1;
    }
    for job in stale(ImportStatus::Importing).await? {
        let tx = state.begin_write().await?;
        let moved = finish(
            &*tx,
            job.id,
            ImportStatus::Importing,
            ImportStatus::Checked,
            None,
            Some("导入因服务器重启中断，未写入任何记录，可以重新导入".into()),
        )
        .await?;
        tx.commit().await?;
        if moved {
            tracing::warn!(
                job_id = job.id,
                "import interrupted by a server stop; nothing written, back to checked"
            );
            out.reset += 1;
        }
    }
    Ok(out)
}

/// Runs [`recover`] now and every [`STALE_AFTER`], for as long as the server runs.
pub fn spawn_recovery(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let cutoff = Utc::now() - STALE_AFTER;
            if let Err(e) = recover(&state, cutoff).await {
                tracing::error!(error = %e, "recovering import jobs failed");
            }
            tokio::time::sleep(STALE_AFTER).await;
        }
    })
}

/// Claims a checked job for committing: `checked` → `importing`, only once.
pub async fn claim_for_commit<C: ConnectionTrait>(
    conn: &C,
    job_id: i64,
    mode: ImportMode,
) -> AppResult<bool> {
    let res = import_jobs::Entity::update_many()
        .col_expr(
            import_jobs::Column::Status,
            Expr::value(ImportStatus::Importing.as_str()),
        )
        .col_expr(import_jobs::Column::Mode, Expr::value(mode.as_str()))
        .col_expr(import_jobs::Column::Message, Expr::value(None::<String>))
        .col_expr(import_jobs::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(import_jobs::Column::Id.eq(job_id))
        .filter(import_jobs::Column::Status.eq(ImportStatus::Checked.as_str()))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Number of requests of a school (tests and the benchmark count with it).
pub async fn count_requests<C: ConnectionTrait>(conn: &C, school_id: i64) -> AppResult<u64> {
    Ok(requests::Entity::find()
        .select_only()
        .column_as(requests::Column::Id.count(), "n")
        .filter(requests::Column::SchoolId.eq(school_id))
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .unwrap_or(0) as u64)
}

/// Rows of a sample import file: `records` as template rows, with `bad` of them (every second
/// row from the second on) spoiled in turn by a wrong ID check character, a missing name, an
/// unknown ethnic group, or a copy of the first row. For `xueji import-sample`, tests and demos.
pub fn sample_rows(records: &[StudentRecord], bad: usize) -> Vec<Vec<String>> {
    let col = |f: &str| import::columns().iter().position(|c| c.field == f);
    let mut rows: Vec<Vec<String>> = records.iter().map(import::record_cells).collect();
    let first = rows.first().cloned();
    let mut spoiled = 0;
    let mut i = 1;
    while spoiled < bad && i < rows.len() {
        let row = &mut rows[i];
        match spoiled % 4 {
            0 => {
                if let Some(c) = col("id_number") {
                    let id = &mut row[c];
                    if let Some(last) = id.pop() {
                        id.push(if last == '1' { '2' } else { '1' });
                    }
                }
            }
            1 => {
                if let Some(c) = col("name") {
                    row[c].clear();
                }
            }
            2 => {
                if let Some(c) = col("ethnic_group") {
                    row[c] = "火星族".into();
                }
            }
            _ => {
                if let Some(f) = &first {
                    *row = f.clone();
                }
            }
        }
        spoiled += 1;
        i += 2;
    }
    rows
}
