//! Benchmark: bulk registration of N students (issue 5: the import path runs at ≥ 0.5× the rate
//! of a plain bulk insert of the same rows into the same database). Prints its figures; run by
//! hand:
//!
//!     cargo bench -p xueji-backend --bench import                  # 100,000 rows, SQLite + PostgreSQL
//!     XUEJI_BENCH_ROWS=20000 cargo bench -p xueji-backend --bench import
//!     XUEJI_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres … # PostgreSQL server (the default;
//!                                                                  # `none` skips it)
//!
//! The rows are synthetic (`xueji synth`), written into a filled import template in memory
//! before timing. Measured in the same run, on the same (fresh) database:
//! - **plain**: the same records as registration-request rows (payload JSON, the pending
//!   state) inserted with multi-row INSERTs in one transaction — `import::insert_requests`,
//!   the very function the import path uses;
//! - **import**: `import::import_rows` from the .xlsx bytes — read and check every row with the
//!   shared rules and within-file duplicates, the national duplicate check (batched probes),
//!   the requests, their `submit` actions and one audit entry each, in one transaction.
//!
//! Between the two the requests table is emptied, so both insert into the same table state.

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use xueji_backend::business::registration::import::{self, Submitter};
use xueji_backend::business::registration::xlsx;
use xueji_backend::entities::organisations;
use xueji_backend::{audit, db, synth};
use xueji_shared::api_import::ImportMode;
use xueji_shared::api_registration::RegistrationKind;
use xueji_shared::import::record_cells;
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::stage::Stage;
use xueji_shared::workflow::{Business, RegistrationLevel};

async fn school(conn: &DatabaseConnection) -> organisations::Model {
    conn.execute_unprepared(
        "INSERT INTO organisations (parent_id, level, code, name, province_code, path, region_code, stages, address, created_at, updated_at) \
         VALUES (NULL, 'school', '3330106998', '导入基准测试学校', '330000', '/1/', '330106', 'primary', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .await
    .expect("school");
    let id: i64 = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            "SELECT MAX(id) AS id FROM organisations",
        ))
        .await
        .expect("q")
        .and_then(|r| r.try_get::<i64>("", "id").ok())
        .expect("school id");
    use sea_orm::EntityTrait;
    organisations::Entity::find_by_id(id)
        .one(conn)
        .await
        .expect("q")
        .expect("school")
}

async fn empty_requests(conn: &DatabaseConnection) {
    conn.execute_unprepared("DELETE FROM request_actions")
        .await
        .expect("delete");
    conn.execute_unprepared("DELETE FROM requests")
        .await
        .expect("delete");
    conn.execute_unprepared("DELETE FROM audit_log")
        .await
        .expect("delete");
    settle(conn).await;
}

async fn settle(conn: &DatabaseConnection) {
    match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            conn.execute_unprepared("VACUUM ANALYZE requests")
                .await
                .expect("vacuum");
        }
        _ => {
            conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("checkpoint");
        }
    }
}

async fn plain(conn: &DatabaseConnection, sub: &Submitter, records: &[StudentRecord]) -> f64 {
    let started = Instant::now();
    let tx = conn.begin().await.expect("tx");
    let ids = db::allocate_ids(&tx, "requests", records.len())
        .await
        .expect("ids");
    let now = Utc::now();
    let rows = records
        .iter()
        .zip(ids)
        .map(|(r, id)| import::request_row(sub, id, r, &[], now).expect("row"))
        .collect();
    import::insert_requests(&tx, rows).await.expect("insert");
    tx.commit().await.expect("commit");
    started.elapsed().as_secs_f64()
}

/// For the record: the import's database work alone (candidates, requests, actions, audit) on
/// records already read and checked.
async fn database_only(
    conn: &DatabaseConnection,
    sub: &Submitter,
    records: &[StudentRecord],
) -> f64 {
    let rows: Vec<(u32, StudentRecord)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i as u32 + 2, r.clone()))
        .collect();
    let started = Instant::now();
    let tx = conn.begin().await.expect("tx");
    for chunk in rows.chunks(import::CHUNK) {
        import::insert_chunk(&tx, sub, chunk).await.expect("chunk");
    }
    tx.commit().await.expect("commit");
    started.elapsed().as_secs_f64()
}

async fn import_path(
    conn: &DatabaseConnection,
    sub: &Submitter,
    bytes: &Arc<Vec<u8>>,
    rules: &RecordRules,
    n: usize,
) -> f64 {
    let started = Instant::now();
    let tx = conn.begin().await.expect("tx");
    let out = import::import_rows(
        &tx,
        sub,
        bytes.clone(),
        rules.clone(),
        ImportMode::AllOrNothing,
    )
    .await
    .expect("import")
    .expect("readable");
    assert!(out.write, "every row valid: {:?}", out.scan.report.first());
    assert_eq!(out.created.len(), n);
    tx.commit().await.expect("commit");
    started.elapsed().as_secs_f64()
}

async fn run(
    label: &str,
    conn: DatabaseConnection,
    records: &[StudentRecord],
    bytes: &Arc<Vec<u8>>,
    today: NaiveDate,
) {
    db::migrate(&conn).await.expect("migrate");
    let school = school(&conn).await;
    let sub = Submitter {
        school: school.clone(),
        account_id: 1,
        actor: audit::Actor {
            account_id: Some(1),
            org_id: Some(school.id),
            province_code: Some(school.province_code.clone()),
            client_ip: None,
        },
        kind: RegistrationKind::InSchool,
        business: Business::Registration {
            up_to: RegistrationLevel::County,
        },
        job_id: None,
    };
    let mut rules = RecordRules::new(today);
    rules.school_stages = vec![Stage::Primary];
    rules.grade1_min_age = Some(6);
    let n = records.len();
    println!("== {label}: {n} rows");
    // Warm-up (not measured): a small batch through both paths.
    let warm = (n / 50).clamp(1, 2000);
    plain(&conn, &sub, &records[..warm]).await;
    empty_requests(&conn).await;
    let t_plain = plain(&conn, &sub, records).await;
    empty_requests(&conn).await;
    let t_db = database_only(&conn, &sub, records).await;
    empty_requests(&conn).await;
    let t_import = import_path(&conn, &sub, bytes, &rules, n).await;
    let breaks = audit::verify(&conn).await.expect("verify");
    assert!(breaks.is_empty(), "audit chain intact");
    let (a, b) = (n as f64 / t_plain, n as f64 / t_import);
    let ratio = b / a;
    println!("{label} plain bulk insert:  {a:>9.0} rows/s ({t_plain:.2} s)");
    println!(
        "{label}   of which database work alone: {:>9.0} rows/s ({t_db:.2} s)",
        n as f64 / t_db
    );
    println!("{label} import path:        {b:>9.0} rows/s ({t_import:.2} s)");
    println!(
        "{label} ratio import/plain: {ratio:.2} (target ≥ 0.5: {})",
        if ratio >= 0.5 { "ok" } else { "MISSED" }
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("XUEJI_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let today = xueji_backend::clock::today();
    let started = Instant::now();
    let mut spec = synth::SynthSpec::new(2026, n, 330106, today);
    spec.hmt_share = 0.0;
    let mut records = synth::generate(spec).expect("synth");
    // Synthetic children without an ID may share name, gender and birth date with another
    // child: within one file that is refused (a suspected duplicate); leave them out.
    let mut dups = xueji_shared::import::Duplicates::new();
    records.retain(|r| dups.check(0, r, today).is_none());
    let n = records.len();
    let cells: Vec<Vec<String>> = records.iter().map(record_cells).collect();
    let bytes = Arc::new(xlsx::filled(&cells).expect("xlsx"));
    drop(cells);
    println!(
        "prepared {n} synthetic rows as a filled template: {:.1} MB in {:.1} s",
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // For the record: where the time of reading goes, without a database.
    struct Sink<F: FnMut(&xueji_shared::import::HeaderMap, u32, &[xueji_shared::import::Cell])>(F);
    impl<F: FnMut(&xueji_shared::import::HeaderMap, u32, &[xueji_shared::import::Cell])>
        xlsx::RowSink for Sink<F>
    {
        fn row(
            &mut self,
            h: &xueji_shared::import::HeaderMap,
            r: u32,
            c: &mut Vec<xueji_shared::import::Cell>,
        ) -> bool {
            (self.0)(h, r, c);
            true
        }
    }
    let t = Instant::now();
    xlsx::read(&bytes, &mut Sink(|_, _, _| {})).expect("read");
    println!("  read cells only: {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    xlsx::read(
        &bytes,
        &mut Sink(|h, r, c| {
            std::hint::black_box(xueji_shared::import::parse_row(h, r, c));
        }),
    )
    .expect("read");
    println!("  read and parse rows: {:.2} s", t.elapsed().as_secs_f64());

    let mut rules = RecordRules::new(today);
    rules.school_stages = vec![Stage::Primary];
    rules.grade1_min_age = Some(6);
    let t = Instant::now();
    let progress = import::Progress::default();
    let scanned = import::scan(&bytes, &rules, &progress, &mut |_| true).expect("scan");
    assert_eq!(scanned.valid as usize, n, "{:?}", scanned.report.first());
    println!(
        "read and check only (no database): {:.0} rows/s ({:.2} s)",
        n as f64 / t.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    run(
        "SQLite",
        db::connect(&url).await.expect("sqlite"),
        &records,
        &bytes,
        today,
    )
    .await;

    let admin = std::env::var("XUEJI_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if admin == "none" {
        return;
    }
    let Ok(a) = sea_orm::Database::connect(&admin).await else {
        println!("PostgreSQL: no server at {admin}, skipped");
        return;
    };
    let name = format!("xueji_bench_import_{}", std::process::id());
    a.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create");
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .unwrap_or(admin.clone());
    let conn = db::connect(&format!("{base}/{name}")).await.expect("pg");
    run("PostgreSQL", conn.clone(), &records, &bytes, today).await;
    conn.close().await.ok();
    a.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .ok();
}
