//! Benchmark: the request engine's queues with 1,000,000 open requests spread over a province's
//! 100 counties and 10,000 schools (issue 9: p99 < 20 ms each). Prints p50/p99/max per query and
//! database; run by hand:
//!
//!     cargo bench -p xueji-backend --bench engine                      # SQLite, 1,000,000
//!     XUEJI_BENCH_REQUESTS=200000 cargo bench -p xueji-backend --bench engine
//!     XUEJI_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench …   # also PostgreSQL
//!
//! Half the requests wait at their school leader's step, half at their county's; the steps
//! started over the last 30 days with the 10-working-day deadline, so about half are overdue.
//! Measured: a county registrar's first inbox page (with its total), a school leader's, and the
//! province's overdue list (counts per city and the first page). No sweep is needed: a step is
//! overdue when its stored deadline has passed, which the queries compare directly.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use xueji_backend::auth::Caller;
use xueji_backend::db;
use xueji_backend::engine::queue::{self, PageQuery};
use xueji_backend::engine::tally;
use xueji_backend::entities::{accounts, organisations};
use xueji_shared::org::{Level, Role};

const CITIES: i64 = 10;
const COUNTIES_PER_CITY: i64 = 10;
const SCHOOLS_PER_COUNTY: i64 = 100;

/// A timestamp as the database driver writes it (SQLite: RFC 3339 text, which the queries
/// compare as text; PostgreSQL parses it).
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

struct Ids {
    province: i64,
    county: Vec<i64>,
    school: Vec<(i64, i64)>,
}

fn path_of(ids: &[i64]) -> String {
    let mut p = String::from("/");
    for i in ids {
        p.push_str(&format!("{i}/"));
    }
    p
}

async fn exec(conn: &DatabaseConnection, sql: String) {
    conn.execute_unprepared(&sql).await.expect("sql");
}

async fn load(conn: &DatabaseConnection, n: usize) -> Ids {
    let now = Utc::now();
    let mut orgs = Vec::new();
    let province = 1_000_000i64;
    let org = |id: i64, parent: Option<i64>, level: &str, code: String, path: String| {
        format!(
            "({id}, {}, '{level}', '{code}', '基准{code}', '330000', '{path}', '330106', {}, NULL, '{t}', '{t}')",
            parent.map(|p| p.to_string()).unwrap_or("NULL".into()),
            if level == "school" { "'primary'" } else { "NULL" },
            t = ts(now),
        )
    };
    orgs.push(org(
        province,
        None,
        "province",
        "BP0000".into(),
        path_of(&[province]),
    ));
    let mut ids = Ids {
        province,
        county: Vec::new(),
        school: Vec::new(),
    };
    for c in 0..CITIES {
        let city = province + 1 + c;
        orgs.push(org(
            city,
            Some(province),
            "city",
            format!("BC{c:02}"),
            path_of(&[province, city]),
        ));
        for k in 0..COUNTIES_PER_CITY {
            let county = province + 100 + c * COUNTIES_PER_CITY + k;
            ids.county.push(county);
            orgs.push(org(
                county,
                Some(city),
                "county",
                format!("BX{c:02}{k:02}"),
                path_of(&[province, city, county]),
            ));
            for s in 0..SCHOOLS_PER_COUNTY {
                let school =
                    province + 1_000 + (c * COUNTIES_PER_CITY + k) * SCHOOLS_PER_COUNTY + s;
                ids.school.push((school, county));
                orgs.push(org(
                    school,
                    Some(county),
                    "school",
                    format!("BS{c:02}{k:02}{s:03}"),
                    path_of(&[province, city, county, school]),
                ));
            }
        }
    }
    for chunk in orgs.chunks(1000) {
        exec(conn, format!(
            "INSERT INTO organisations (id, parent_id, level, code, name, province_code, path, region_code, stages, address, created_at, updated_at) VALUES {}",
            chunk.join(",")
        ))
        .await;
    }
    let path: std::collections::HashMap<i64, String> = {
        let mut m = std::collections::HashMap::new();
        for &(school, county) in &ids.school {
            let city = province + 1 + (county - province - 100) / COUNTIES_PER_CITY;
            m.insert(school, path_of(&[province, city, county, school]));
            m.insert(county, path_of(&[province, city, county]));
        }
        m
    };
    let cal = xueji_backend::engine::clock::calendar(conn, "330000")
        .await
        .expect("calendar");
    let started = Instant::now();
    let mut reqs = Vec::with_capacity(1000);
    let mut steps = Vec::with_capacity(1000);
    for i in 0..n {
        let (school, county) = ids.school[i % ids.school.len()];
        let id = i as i64 + 1;
        let at = now - chrono::Duration::seconds(((i * 2_591) % (30 * 86_400)) as i64);
        // The engine's deadline: 24:00 China time of the 10th working day after the start day.
        let due = xueji_backend::engine::clock::due_at(&cal, at);
        let at_county = i % 2 == 1;
        let (org, level, role, label) = if at_county {
            (county, "county", "registrar", "区县教育行政部门核办")
        } else {
            (school, "school", "leader", "学校核办")
        };
        reqs.push(format!(
            "({id}, '330000', '{{\"business\":\"registration\",\"up_to\":\"county\"}}', 'in_school', {school}, '{{\"state\":\"pending\",\"step\":{}}}', 'pending', '{level}', '{role}', '{{}}', '[]', NULL, 1, '{t}', '{t}', NULL, NULL, NULL, '学生{id}', {})",
            u8::from(at_county),
            u8::from(at_county),
            t = ts(at),
        ));
        steps.push(format!(
            "({id}, '330000', 'registration', {}, '{label}', 'applicant', {org}, '{}', '{level}', '{role}', '学生{id}', '{}', '{}', NULL, NULL, NULL, {})",
            u8::from(at_county),
            path[&org],
            ts(at),
            ts(due),
            if conn.get_database_backend() == sea_orm::DbBackend::Postgres { "false" } else { "0" },
        ));
        if reqs.len() == 1000 {
            flush(conn, &mut reqs, &mut steps).await;
        }
        if (i + 1) % 200_000 == 0 {
            eprintln!(
                "  loaded {} requests ({:.0}/s)",
                i + 1,
                (i + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    flush(conn, &mut reqs, &mut steps).await;
    println!(
        "loaded {n} open requests and their steps in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ids
}

async fn flush(conn: &DatabaseConnection, reqs: &mut Vec<String>, steps: &mut Vec<String>) {
    if reqs.is_empty() {
        return;
    }
    let tx = conn.begin().await.expect("tx");
    tx.execute_unprepared(&format!(
        "INSERT INTO requests (id, province_code, business, kind, school_id, state, status, pending_level, pending_role, payload, candidates, student_id, created_by, created_at, updated_at, counterpart_org_id, arbiter_org_id, object_id, subject, version) VALUES {}",
        reqs.join(",")
    ))
    .await
    .expect("requests");
    tx.execute_unprepared(&format!(
        "INSERT INTO request_steps (request_id, province_code, business, step, label, side, org_id, org_path, level, role, subject, started_at, due_at, done_at, done_action, done_by, forced) VALUES {}",
        steps.join(",")
    ))
    .await
    .expect("steps");
    tx.commit().await.expect("commit");
    reqs.clear();
    steps.clear();
}

async fn caller(conn: &DatabaseConnection, org_id: i64, role: Role) -> Caller {
    use sea_orm::EntityTrait;
    let org = organisations::Entity::find_by_id(org_id)
        .one(conn)
        .await
        .expect("q")
        .expect("org");
    let level = Level::parse(&org.level).expect("level");
    let now = Utc::now();
    Caller {
        account: accounts::Model {
            id: 1,
            username: "bench".into(),
            password_hash: String::new(),
            display_name: "bench".into(),
            org_id,
            role: role.as_str().into(),
            province_code: "330000".into(),
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            password_changed_at: now,
            must_change_password: false,
            created_at: now,
            updated_at: now,
        },
        org,
        role,
        level,
        client_ip: None,
        password_change_required: false,
    }
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let q = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "{what}: {} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 < 20 ms: {})",
        samples.len(),
        q(0.5),
        q(0.99),
        q(1.0),
        if q(0.99) < 20.0 { "ok" } else { "MISSED" }
    );
}

async fn run(label: &str, conn: DatabaseConnection, n: usize) {
    db::migrate(&conn).await.expect("migrate");
    println!("== {label}");
    let ids = load(&conn, n).await;
    // The overdue counts come from the open-step tallies (engine::tally), which the engine keeps
    // in the transactions that open and close steps; the bulk load above wrote steps directly,
    // so they are counted once here — the same work as the start-up backfill of an old database.
    let t = Instant::now();
    let tx = conn.begin().await.expect("tx");
    tally::rebuild(&tx).await.expect("tallies");
    tx.commit().await.expect("commit");
    println!(
        "tallies of {n} open steps rebuilt in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    match conn.get_database_backend() {
        sea_orm::DbBackend::Postgres => exec(&conn, "ANALYZE".into()).await,
        _ => {
            exec(&conn, "ANALYZE".into()).await;
            exec(&conn, "PRAGMA wal_checkpoint(TRUNCATE)".into()).await;
        }
    }
    let page = PageQuery::default();
    // County registrars' first inbox page (total included).
    let mut samples = Vec::new();
    for (i, county) in ids.county.iter().cycle().take(300).enumerate() {
        let c = caller(&conn, *county, Role::Registrar).await;
        let t = Instant::now();
        let p = queue::inbox(&conn, &c, &page).await.expect("inbox");
        if i >= 20 {
            samples.push(t.elapsed());
        }
        assert!(p.total > 0 && !p.items.is_empty());
    }
    report(&format!("{label} county inbox, first page"), samples);
    // School leaders' first inbox page.
    let mut samples = Vec::new();
    for (i, (school, _)) in ids.school.iter().step_by(38).take(300).enumerate() {
        let c = caller(&conn, *school, Role::Leader).await;
        let t = Instant::now();
        let p = queue::inbox(&conn, &c, &page).await.expect("inbox");
        if i >= 20 {
            samples.push(t.elapsed());
        }
        assert!(p.total > 0);
    }
    report(&format!("{label} school inbox, first page"), samples);
    // The province's overdue list: counts per city and the first page.
    let prov = caller(&conn, ids.province, Role::Registrar).await;
    let mut samples = Vec::new();
    let mut total = 0;
    for i in 0..40 {
        let t = Instant::now();
        let r = queue::overdue(&conn, &prov.scope(), &page)
            .await
            .expect("overdue");
        if i >= 5 {
            samples.push(t.elapsed());
        }
        total = r.page.total;
        assert_eq!(r.counts.len() as i64, CITIES);
    }
    println!("{label} province overdue steps: {total}");
    report(&format!("{label} province overdue list"), samples);
    // The same count straight from the steps, once: the tallies agree with it.
    let t = Instant::now();
    let counted = {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use xueji_backend::entities::request_steps;
        request_steps::Entity::find()
            .filter(request_steps::Column::DoneAt.is_null())
            .filter(request_steps::Column::DueAt.lte(Utc::now()))
            .count(&conn)
            .await
            .expect("count")
    };
    println!(
        "{label} overdue steps counted from the steps: {counted} in {:.0} ms (the tallies: {total})",
        t.elapsed().as_secs_f64() * 1000.0
    );
    assert!(
        counted.abs_diff(total) <= counted / 1000 + 10,
        "tallies disagree"
    );
    // A county's overdue list (counts per school and the first page).
    let mut samples = Vec::new();
    for (i, county) in ids.county.iter().cycle().take(120).enumerate() {
        let c = caller(&conn, *county, Role::Registrar).await;
        let t = Instant::now();
        let r = queue::overdue(&conn, &c.scope(), &page)
            .await
            .expect("overdue");
        if i >= 20 {
            samples.push(t.elapsed());
        }
        assert!(r.page.total > 0);
    }
    report(&format!("{label} county overdue list"), samples);
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("XUEJI_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    if std::env::var("XUEJI_BENCH_SQLITE").as_deref() != Ok("none") {
        run("SQLite", db::connect(&url).await.expect("sqlite"), n).await;
    }
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
        // XUEJI_BENCH_KEEP=1 leaves the database for EXPLAIN.
        if std::env::var("XUEJI_BENCH_KEEP").is_ok() {
            println!("kept database {name}");
        } else {
            a.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
                .await
                .ok();
        }
    }
}
