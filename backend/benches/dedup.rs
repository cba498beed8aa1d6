//! Benchmark: one registration's national duplicate check with N students present (issue 5:
//! p99 < 2 ms at 1,000,000). Prints its figures; run by hand:
//!
//!     cargo bench -p xueji-backend --bench dedup                       # SQLite, 1,000,000
//!     XUEJI_BENCH_STUDENTS=200000 cargo bench -p xueji-backend --bench dedup
//!     XUEJI_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench …   # also PostgreSQL
//!
//! The students are synthetic (`xueji synth`), inserted in bulk; the check is
//! `identity::claim` (a duplicate: the key is taken) and `identity::person_matches`, each inside
//! a transaction that is rolled back, timed one by one, after `ANALYZE` (PostgreSQL) or a WAL
//! checkpoint (SQLite) and a warm-up — the steady state a running system is in.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use xueji_backend::student::identity;
use xueji_backend::{db, synth};
use xueji_shared::{codes::Gender, dedup};

fn esc(s: &str) -> String {
    s.replace('\'', "''")
}

async fn load(conn: &DatabaseConnection, n: usize, today: NaiveDate) -> (Vec<String>, Vec<String>) {
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
    let mut spec = synth::SynthSpec::new(2026, n, 330106, today);
    spec.hmt_share = 0.0;
    let gen = synth::Synth::new(spec).expect("spec");
    let mut id_keys = Vec::new();
    let mut person_keys = Vec::new();
    let mut batch_students = Vec::with_capacity(1000);
    let mut batch_claims = Vec::with_capacity(1000);
    let started = Instant::now();
    for (i, r) in gen.enumerate() {
        let birth = r.birth_date.expect("birth");
        let gender = Gender::from_code(&r.gender).expect("gender");
        let person = dedup::person_key(&r.name, gender, birth);
        let key = if r.id_type == "Z" {
            None
        } else {
            dedup::id_key(&r.id_type, &r.id_number, today)
        };
        let number = if r.student_number.is_empty() {
            format!("B{:018}", i)
        } else {
            r.student_number.clone()
        };
        let sid = i as i64 + 1;
        batch_students.push(format!(
            "({sid}, '330000', {school_id}, '{}', 'G', 'active', '{}', '{}', '{}', '{}', {}, {}, '{}', '{{}}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            esc(&number),
            esc(&r.name),
            r.gender,
            birth,
            esc(&r.id_type),
            if r.id_number.is_empty() { "NULL".to_owned() } else { format!("'{}'", esc(&r.id_number)) },
            key.as_ref().map(|k| format!("'{}'", esc(k))).unwrap_or_else(|| "NULL".into()),
            esc(&person),
        ));
        if let Some(k) = &key {
            batch_claims.push(format!(
                "('{}', {sid}, '330000', '2026-01-01T00:00:00Z')",
                esc(k)
            ));
            if i % 97 == 0 {
                id_keys.push(k.clone());
            }
        }
        if i % 97 == 0 {
            person_keys.push(person);
        }
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
    (id_keys, person_keys)
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

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let q = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "{what}: {} checks, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target p99 < 2 ms: {})",
        samples.len(),
        q(0.5),
        q(0.99),
        q(1.0),
        if q(0.99) < 2.0 { "ok" } else { "MISSED" }
    );
}

async fn run(label: &str, conn: DatabaseConnection, n: usize) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    db::migrate(&conn).await.expect("migrate");
    println!("== {label}");
    let (id_keys, person_keys) = load(&conn, n, today).await;
    // Steady state, as in production: planner statistics after the bulk load (PostgreSQL), the
    // write-ahead log checkpointed (SQLite), then a warm-up that is not measured.
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
    for key in id_keys.iter().rev().take(500) {
        let tx = conn.begin().await.expect("tx");
        identity::claim(&tx, key, 2_000_000_000, "330000")
            .await
            .expect("warm-up");
        tx.rollback().await.expect("rollback");
    }
    for key in person_keys.iter().rev().take(500) {
        identity::person_matches(&conn, key, None, 10)
            .await
            .expect("warm-up");
    }
    let mut samples = Vec::new();
    for (i, key) in id_keys.iter().take(5000).enumerate() {
        let tx = conn.begin().await.expect("tx");
        let t = Instant::now();
        let c = identity::claim(&tx, key, 1_000_000_000 + i as i64, "330000")
            .await
            .expect("claim");
        samples.push(t.elapsed());
        assert!(matches!(c, identity::Claim::Taken { .. }), "a duplicate");
        tx.rollback().await.expect("rollback");
    }
    report(
        &format!("{label} duplicate check with ID (identity claim)"),
        samples,
    );
    let mut samples = Vec::new();
    for key in person_keys.iter().take(5000) {
        let t = Instant::now();
        let m = identity::person_matches(&conn, key, None, 10)
            .await
            .expect("probe");
        samples.push(t.elapsed());
        assert!(!m.is_empty());
    }
    report(
        &format!("{label} duplicate check without ID (person key)"),
        samples,
    );
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
    run("SQLite", db::connect(&url).await.expect("sqlite"), n).await;
    if let Ok(admin) = std::env::var("XUEJI_BENCH_PG") {
        let name = format!("xueji_bench_{}", std::process::id());
        let a = sea_orm::Database::connect(&admin).await.expect("pg admin");
        a.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create");
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap_or(admin.clone());
        let conn = db::connect(&format!("{base}/{name}")).await.expect("pg");
        run("PostgreSQL", conn.clone(), n).await;
        conn.close().await.ok();
        a.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .await
            .ok();
    }
}
