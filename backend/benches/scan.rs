//! Benchmark: the full duplicate scan (全量查重) over N students (default 1,000,000), on SQLite
//! and, with `XUEJI_BENCH_PG`, PostgreSQL. Prints students per second. Run by hand:
//!
//!     cargo bench -p xueji-backend --bench scan                        # SQLite, 1,000,000
//!     XUEJI_BENCH_STUDENTS=200000 cargo bench -p xueji-backend --bench scan
//!     XUEJI_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench …   # also PostgreSQL
//!
//! The students are synthetic (`xueji synth`, one province), inserted in bulk with their
//! identity claims, with legacy faults mixed in — per 1,000 students one wrong check
//! character, one second record of an ID without a claim, and one pair of records without ID
//! sharing name, gender and birth date. The first run finds them (and opens and audits a
//! problem record for each); the second run finds nothing new — the nightly steady state.

use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Statement, TransactionTrait,
};
use xueji_backend::business::problems::scan;
use xueji_backend::entities::problems;
use xueji_backend::state::AppState;
use xueji_backend::{db, synth};
use xueji_shared::business::problems::scan::ScanTrigger;
use xueji_shared::{codes::Gender, dedup};

fn esc(s: &str) -> String {
    s.replace('\'', "''")
}

/// The ID with a wrong check character.
fn wrong_check(id: &str) -> String {
    let mut bad = id.to_owned();
    if bad.len() == 18 {
        bad.replace_range(17.., if id.ends_with('0') { "1" } else { "0" });
    }
    bad
}

async fn load(conn: &DatabaseConnection, n: usize, today: NaiveDate) {
    conn.execute_unprepared(
        "INSERT INTO organisations (parent_id, level, code, name, province_code, path, region_code, stages, address, created_at, updated_at) \
         VALUES (NULL, 'school', '3330106999', '基准测试学校', '330000', '/1/', '330106', 'primary', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .await
    .expect("school");
    let school_id: i64 = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            "SELECT MAX(id) AS id FROM organisations",
        ))
        .await
        .expect("q")
        .and_then(|r| r.try_get::<i64>("", "id").ok())
        .expect("school id");
    let mut spec = synth::SynthSpec::new(2027, n, 330106, today);
    spec.hmt_share = 0.0;
    let gen = synth::Synth::new(spec).expect("spec");
    let mut batch_students = Vec::with_capacity(1000);
    let mut batch_claims = Vec::with_capacity(1000);
    let mut previous: Option<xueji_shared::record::StudentRecord> = None;
    let started = Instant::now();
    for (i, mut r) in gen.enumerate() {
        let mut claim = true;
        match i % 1000 {
            // A wrong check character.
            250 if r.id_type == "1" => r.id_number = wrong_check(&r.id_number),
            // The previous student (with ID) recorded a second time, without a claim: legacy.
            500 => {
                if let Some(p) = previous.clone() {
                    r = p;
                    claim = false;
                }
            }
            // A student without ID, then a second record of that child.
            749 => {
                r.id_type = "Z".into();
                r.id_number = String::new();
            }
            750 => {
                if let Some(p) = previous.clone() {
                    r = p;
                }
            }
            _ => {}
        }
        let birth = r.birth_date.expect("birth");
        let gender = Gender::from_code(&r.gender).expect("gender");
        let person = dedup::person_key(&r.name, gender, birth);
        let key = if r.id_type == "Z" {
            None
        } else {
            dedup::id_key(&r.id_type, &r.id_number, today)
        };
        let id_number = dedup::normalise_id_number(&r.id_number);
        let number = format!("B{:018}", i);
        let sid = i as i64 + 1;
        batch_students.push(format!(
            "({sid}, '330000', {school_id}, '{}', 'G', 'active', '{}', '{}', '{}', '{}', {}, {}, '{}', '{{}}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            esc(&number),
            esc(&r.name),
            r.gender,
            birth,
            esc(&r.id_type),
            if id_number.is_empty() { "NULL".to_owned() } else { format!("'{}'", esc(&id_number)) },
            key.as_ref().map(|k| format!("'{}'", esc(k))).unwrap_or_else(|| "NULL".into()),
            esc(&person),
        ));
        if let (true, Some(k)) = (claim, &key) {
            batch_claims.push(format!(
                "('{}', {sid}, '330000', '2026-01-01T00:00:00Z')",
                esc(k)
            ));
        }
        previous = Some(r);
        if batch_students.len() == 1000 {
            flush(conn, &mut batch_students, &mut batch_claims).await;
        }
        if (i + 1) % 200_000 == 0 {
            eprintln!(
                "  loaded {} students ({:.0}/s)",
                i + 1,
                (i + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    flush(conn, &mut batch_students, &mut batch_claims).await;
    println!(
        "loaded {n} students and their identity claims in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn flush(conn: &DatabaseConnection, students: &mut Vec<String>, claims: &mut Vec<String>) {
    if students.is_empty() {
        return;
    }
    let tx = conn.begin().await.expect("tx");
    tx.execute_unprepared(&format!(
        "INSERT INTO students (id, province_code, school_id, student_number, number_kind, status, name, gender, birth_date, id_type, id_number, id_key, person_key, record, created_at, updated_at) VALUES {}",
        students.join(",")
    ))
    .await
    .expect("students");
    if !claims.is_empty() {
        tx.execute_unprepared(&format!(
            "INSERT INTO identity_claims (id_key, student_id, province_code, claimed_at) VALUES {}",
            claims.join(",")
        ))
        .await
        .expect("claims");
    }
    tx.commit().await.expect("commit");
    students.clear();
    claims.clear();
}

async fn timed_run(label: &str, what: &str, state: &AppState, province: Option<&str>) {
    let t = Instant::now();
    let run = scan::start(
        state,
        ScanTrigger::Manual,
        province.map(str::to_owned),
        None,
    )
    .await
    .expect("start");
    let run = scan::run(state, run.id).await.expect("run");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{label} {what}: {} students in {:.1} s = {:.0} students/s; opened {} invalid ID, {} duplicate with ID, {} duplicate without ID",
        run.done,
        secs,
        run.done as f64 / secs,
        run.found_invalid_id,
        run.found_dup_with_id,
        run.found_dup_without_id,
    );
}

async fn bench(label: &str, conn: DatabaseConnection, n: usize) {
    let today = xueji_backend::clock::today();
    db::migrate(&conn).await.expect("migrate");
    println!("== {label}");
    load(&conn, n, today).await;
    match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            conn.execute_unprepared("ANALYZE students; ANALYZE identity_claims")
                .await
                .expect("analyze");
        }
        _ => {
            conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("checkpoint");
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(
        conn.clone(),
        b"bench-secret-bench-secret-bench-secret!",
        false,
        dir.path().join("dist"),
        dir.path().join("data"),
    );
    timed_run(
        label,
        "first scan (finds and opens the faults)",
        &state,
        Some("330000"),
    )
    .await;
    let opened = problems::Entity::find().count(&conn).await.expect("count");
    timed_run(label, "second scan (nothing new)", &state, None).await;
    let after = problems::Entity::find().count(&conn).await.expect("count");
    assert_eq!(opened, after, "the second scan opened nothing");
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("XUEJI_BENCH_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    bench("SQLite", db::connect(&url).await.expect("sqlite"), n).await;
    if let Ok(admin) = std::env::var("XUEJI_BENCH_PG") {
        let name = format!("xueji_bench_scan_{}", std::process::id());
        let a = sea_orm::Database::connect(&admin).await.expect("pg admin");
        a.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create");
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or(admin.clone());
        let conn = db::connect(&format!("{base}/{name}")).await.expect("pg");
        bench("PostgreSQL", conn.clone(), n).await;
        conn.close().await.ok();
        a.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .await
            .ok();
    }
}
