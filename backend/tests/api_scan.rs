//! The full duplicate scan (全量查重) through the API, on SQLite and PostgreSQL: legacy students
//! written straight into the tables (as imported or pre-system data would be, bypassing the
//! identity claims), a scan started by hand, polled to its end, and exactly the expected
//! problem records; a second run opens nothing; who may start and see runs; one run at a time.

mod common;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use common::{assert_error, spawn_app, Backend, TestApp};
use http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};
use xueji_backend::business::problems::scan;
use xueji_backend::entities::{
    audit_log, identity_claims, organisations, problems, scan_runs, students,
};
use xueji_backend::error::AppError;
use xueji_shared::business::problems::problem::ProblemKind;
use xueji_shared::business::problems::scan::ScanTrigger;
use xueji_shared::citizen_id::compose;
use xueji_shared::codes::Gender;
use xueji_shared::dedup;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn today() -> NaiveDate {
    xueji_backend::clock::today()
}

/// A valid citizen ID for a child born on `birth` (odd sequence: a boy).
fn id_for(birth: NaiveDate, seq: u16) -> String {
    compose(330106, birth, seq, today())
        .expect("id")
        .as_str()
        .to_owned()
}

struct Seed<'a> {
    province: &'a str,
    name: &'a str,
    gender: Gender,
    birth: NaiveDate,
    id_type: &'a str,
    id_number: Option<&'a str>,
    status: &'a str,
    /// Claim the ID key (as registration does); legacy duplicates hold none.
    claim: bool,
}

impl Default for Seed<'_> {
    fn default() -> Self {
        Seed {
            province: "330000",
            name: "王小明",
            gender: Gender::Male,
            birth: d(2016, 3, 5),
            id_type: "1",
            id_number: None,
            status: "active",
            claim: true,
        }
    }
}

async fn school_id(app: &TestApp, code: &str) -> i64 {
    organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code))
        .one(app.db())
        .await
        .expect("q")
        .expect("school")
        .id
}

/// Write a student row directly, as legacy data would be.
async fn seed(app: &TestApp, school: i64, s: Seed<'_>) -> i64 {
    let n = students::Entity::find()
        .count(app.db())
        .await
        .expect("count");
    let id_key = s
        .id_number
        .and_then(|num| dedup::id_key(s.id_type, num, today()));
    let now = Utc::now();
    let row = students::ActiveModel {
        province_code: Set(s.province.to_owned()),
        school_id: Set(school),
        class_id: Set(None),
        student_number: Set(format!("T{:018}", n + 1)),
        number_kind: Set("L".into()),
        status: Set(s.status.to_owned()),
        name: Set(s.name.to_owned()),
        gender: Set(s.gender.code().to_owned()),
        birth_date: Set(s.birth),
        id_type: Set(s.id_type.to_owned()),
        id_number: Set(s.id_number.map(dedup::normalise_id_number)),
        id_key: Set(id_key.clone()),
        person_key: Set(dedup::person_key(s.name, s.gender, s.birth)),
        record: Set("{}".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("student");
    if let (true, Some(key)) = (s.claim, id_key) {
        identity_claims::ActiveModel {
            id_key: Set(key),
            student_id: Set(row.id),
            province_code: Set(s.province.to_owned()),
            claimed_at: Set(now),
        }
        .insert(app.db())
        .await
        .expect("claim");
    }
    row.id
}

async fn wait_done(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..600 {
        let r = app.get(&format!("/api/v1/scans/{id}"), Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        if r.body["state"] != "running" {
            return r.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("scan {id} did not finish");
}

async fn start(app: &TestApp, token: &str) -> Value {
    let r = post_empty(app, "/api/v1/scans", token).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    r.body
}

/// (kind, student, other) of every problem record, in id order.
async fn problem_rows(app: &TestApp) -> Vec<(String, i64, Option<i64>)> {
    problems::Entity::find()
        .order_by_asc(problems::Column::Id)
        .all(app.db())
        .await
        .expect("problems")
        .into_iter()
        .map(|p| (p.kind, p.student_id, p.other_student_id))
        .collect()
}

async fn post_empty(app: &TestApp, path: &str, token: &str) -> common::Resp {
    app.call(http::Method::POST, path, None, Some(token)).await
}

/// The ID with a wrong check character.
fn wrong_check(id: &str) -> String {
    let mut bad = id.to_owned();
    bad.replace_range(17.., if id.ends_with('0') { "1" } else { "0" });
    bad
}

async fn scan_finds_exactly_the_problems(b: Backend) {
    let app = spawn_app(b).await;
    let xh1 = school_id(&app, "3330106001").await;
    let yz1 = school_id(&app, "3330212001").await;
    let born = d(2016, 3, 5);

    // Clean: a valid claimed ID, a child without ID, a child with an ID who shares name,
    // gender and birth date with a child without one (not a no-ID duplicate: one has an ID).
    let clean_id = id_for(born, 11);
    seed(
        &app,
        xh1,
        Seed {
            id_number: Some(&clean_id),
            ..Default::default()
        },
    )
    .await;
    seed(
        &app,
        xh1,
        Seed {
            name: "李无证",
            id_type: "Z",
            ..Default::default()
        },
    )
    .await;
    let shared_id = id_for(born, 13);
    seed(
        &app,
        yz1,
        Seed {
            name: "张同名",
            id_number: Some(&shared_id),
            ..Default::default()
        },
    )
    .await;
    seed(
        &app,
        yz1,
        Seed {
            name: "张同名",
            id_type: "Z",
            ..Default::default()
        },
    )
    .await;

    // Invalid ID: wrong check character.
    let bad = wrong_check(&id_for(born, 15));
    let invalid = seed(
        &app,
        xh1,
        Seed {
            name: "赵错号",
            id_number: Some(&bad),
            ..Default::default()
        },
    )
    .await;
    // Another wrong ID whose earlier problem was upheld with public-security proof: left alone.
    let mut bad2 = id_for(born, 17);
    bad2.replace_range(6..14, "20161305");
    let upheld = seed(
        &app,
        xh1,
        Seed {
            name: "钱有证明",
            id_number: Some(&bad2),
            ..Default::default()
        },
    )
    .await;
    {
        let p = xueji_backend::student::open_problem(
            app.db(),
            "330000",
            ProblemKind::InvalidId,
            upheld,
            None,
        )
        .await
        .expect("problem");
        let mut am = p.into_active_model();
        am.state = Set("resolved".into());
        am.a_state = Set("upheld".into());
        am.update(app.db()).await.expect("resolve");
    }

    // Duplicate with ID: two legacy records of one ID (the second holds no claim), and a
    // graduate with that ID too (not active: skipped).
    let dup_id = id_for(born, 19);
    let owner = seed(
        &app,
        xh1,
        Seed {
            name: "孙重号",
            id_number: Some(&dup_id),
            ..Default::default()
        },
    )
    .await;
    let copy = seed(
        &app,
        yz1,
        Seed {
            name: "孙重号",
            id_number: Some(&dup_id),
            claim: false,
            ..Default::default()
        },
    )
    .await;
    seed(
        &app,
        yz1,
        Seed {
            name: "孙重号",
            id_number: Some(&dup_id),
            claim: false,
            status: "graduated",
            ..Default::default()
        },
    )
    .await;
    // A student of another province owns an ID a Zhejiang student also holds: national.
    let cross_id = id_for(born, 21);
    let outsider = seed(
        &app,
        xh1,
        Seed {
            province: "440000",
            name: "周跨省",
            id_number: Some(&cross_id),
            ..Default::default()
        },
    )
    .await;
    let ours = seed(
        &app,
        yz1,
        Seed {
            name: "周跨省",
            id_number: Some(&cross_id),
            claim: false,
            ..Default::default()
        },
    )
    .await;
    // Another province's own invalid ID: not Zhejiang's to find.
    let outsider_bad = seed(
        &app,
        xh1,
        Seed {
            province: "440000",
            name: "吴外省",
            id_number: Some(&wrong_check(&id_for(born, 23))),
            ..Default::default()
        },
    )
    .await;

    // Duplicates without ID: three twins by key; registration already paired the third with
    // the second, so only the second gets a new record (paired with the earliest).
    let twin = |name| Seed {
        name,
        gender: Gender::Female,
        id_type: "Z",
        ..Default::default()
    };
    let t1 = seed(&app, xh1, twin("郑·小雨")).await;
    let t2 = seed(&app, yz1, twin("郑小雨")).await;
    let t3 = seed(&app, yz1, twin("郑 小雨")).await;
    xueji_backend::student::open_problem(
        app.db(),
        "330000",
        ProblemKind::DupWithoutId,
        t3,
        Some(t2),
    )
    .await
    .expect("problem");

    let before = problem_rows(&app).await;
    assert_eq!(before.len(), 2);
    let active_zj = students::Entity::find()
        .filter(students::Column::ProvinceCode.eq("330000"))
        .filter(students::Column::Status.eq("active"))
        .count(app.db())
        .await
        .expect("count");

    let zj = app.token("zj-registrar").await;
    let run = start(&app, &zj).await;
    assert_eq!(run["state"], "running");
    assert_eq!(run["trigger"], "manual");
    assert_eq!(run["province_code"], "330000");
    assert_eq!(run["scope_name"], "浙江省教育厅");
    assert_eq!(run["started_by"], "zj-registrar");
    assert_eq!(run["total"], active_zj);
    let id = run["id"].as_i64().expect("id");
    let done = wait_done(&app, &zj, id).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["done"], active_zj);
    assert_eq!(done["total"], active_zj);
    assert_eq!(done["percent"], 100);
    assert_eq!(done["found_invalid_id"], 1, "{done}");
    assert_eq!(done["found_dup_with_id"], 2, "{done}");
    assert_eq!(done["found_dup_without_id"], 1, "{done}");
    assert!(done["finished_at"].is_string());

    let after = problem_rows(&app).await;
    let new: Vec<_> = after[before.len()..].to_vec();
    let mut expected = vec![
        ("invalid_id".to_owned(), invalid, None),
        ("dup_with_id".to_owned(), copy, Some(owner)),
        ("dup_with_id".to_owned(), ours, Some(outsider)),
        ("dup_without_id".to_owned(), t2, Some(t1)),
    ];
    let mut got = new.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    // Each found record is audited with the scan's id; the run's start and end too.
    let found = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("problem.found"))
        .all(app.db())
        .await
        .expect("audit");
    assert_eq!(found.len(), 4);
    for a in &found {
        let after: Value =
            serde_json::from_str(a.after.as_deref().unwrap_or("null")).expect("json");
        assert_eq!(after["scan_id"], id);
        assert_eq!(a.actor_id, Some(run_starter(&app, id).await));
    }
    let invalid_entry = found
        .iter()
        .find(|a| {
            a.after
                .as_deref()
                .unwrap_or_default()
                .contains("invalid_id")
        })
        .expect("invalid entry");
    assert!(invalid_entry
        .after
        .as_deref()
        .unwrap_or_default()
        .contains("校验"));
    for action in ["scan.start", "scan.finish"] {
        assert_eq!(
            audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq(action))
                .count(app.db())
                .await
                .expect("audit"),
            1,
            "{action}"
        );
    }
    assert!(xueji_backend::audit::verify(app.db())
        .await
        .expect("verify")
        .is_empty());

    // Again: nothing new.
    let again = start(&app, &zj).await;
    let again = wait_done(&app, &zj, again["id"].as_i64().expect("id")).await;
    assert_eq!(again["state"], "done");
    assert_eq!(again["found_invalid_id"], 0);
    assert_eq!(again["found_dup_with_id"], 0);
    assert_eq!(again["found_dup_without_id"], 0);
    assert_eq!(problem_rows(&app).await, after);

    // The ministry scans the country: only the other province's wrong ID is new.
    let moe = app.token("moe-registrar").await;
    let national = start(&app, &moe).await;
    assert_eq!(national["province_code"], Value::Null);
    assert_eq!(national["scope_name"], "全国");
    let national = wait_done(&app, &moe, national["id"].as_i64().expect("id")).await;
    assert_eq!(national["found_invalid_id"], 1, "{national}");
    assert_eq!(national["found_dup_with_id"], 0);
    assert_eq!(national["found_dup_without_id"], 0);
    let last = problem_rows(&app).await;
    assert_eq!(last.len(), after.len() + 1);
    assert_eq!(
        last.last(),
        Some(&("invalid_id".to_owned(), outsider_bad, None))
    );

    // Lists: newest first; the province sees its own runs, not the national one.
    let list = app.get("/api/v1/scans", Some(&zj)).await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<i64> = list
        .body
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![again["id"].as_i64().expect("id"), id]);
    let all = app.get("/api/v1/scans", Some(&moe)).await;
    assert_eq!(all.body.as_array().expect("list").len(), 3);
}
db_test!(
    scan_finds_exactly_the_problems,
    scan_finds_exactly_the_problems
);

async fn run_starter(app: &TestApp, id: i64) -> i64 {
    scan_runs::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("q")
        .and_then(|r| r.started_by)
        .expect("started by")
}

async fn who_may_start_and_see_scans(b: Backend) {
    let app = spawn_app(b).await;
    for user in [
        "hz-xh-1-registrar",
        "hz-xh-registrar",
        "hz-registrar",
        "zj-leader",
        "moe-leader",
    ] {
        let t = app.token(user).await;
        let r = post_empty(&app, "/api/v1/scans", &t).await;
        let msg = assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
        assert!(msg.contains("学籍管理员"), "{user}: {msg}");
    }
    let admin = app.token("zj-admin").await;
    assert_error(
        &post_empty(&app, "/api/v1/scans", &admin).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &app.get("/api/v1/scans", Some(&admin)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let county = app.token("hz-xh-registrar").await;
    assert_error(
        &app.get("/api/v1/scans", Some(&county)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &app.get("/api/v1/scans/1", Some(&county)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // Another province's run: invisible to Zhejiang (404), visible to the ministry.
    let now = Utc::now();
    let theirs = scan_runs::ActiveModel {
        province_code: Set(Some("440000".into())),
        trigger_kind: Set("nightly".into()),
        state: Set("done".into()),
        total: Set(10),
        done: Set(10),
        found_invalid_id: Set(0),
        found_dup_with_id: Set(0),
        found_dup_without_id: Set(0),
        started_by: Set(None),
        started_at: Set(now),
        finished_at: Set(Some(now)),
        heartbeat_at: Set(now),
        cursor: Set(0),
        running_slot: Set(None),
        error: Set(None),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("run");
    let zj_leader = app.token("zj-leader").await;
    assert_error(
        &app.get(&format!("/api/v1/scans/{}", theirs.id), Some(&zj_leader))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(
        app.get("/api/v1/scans", Some(&zj_leader)).await.body,
        json!([])
    );
    let moe = app.token("moe-leader").await;
    let r = app
        .get(&format!("/api/v1/scans/{}", theirs.id), Some(&moe))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["trigger_label"], "夜间自动");
    assert_eq!(r.body["started_by"], Value::Null);
    assert_error(
        &app.get("/api/v1/scans/999999", Some(&moe)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &app.get("/api/v1/scans/abc", Some(&moe)).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}
db_test!(who_may_start_and_see_scans, who_may_start_and_see_scans);

async fn one_run_at_a_time(b: Backend) {
    let app = spawn_app(b).await;
    // A run in progress elsewhere (another instance): a second start is refused.
    let now = Utc::now();
    let busy = scan_runs::ActiveModel {
        province_code: Set(None),
        trigger_kind: Set("nightly".into()),
        state: Set("running".into()),
        total: Set(1000),
        done: Set(200),
        found_invalid_id: Set(0),
        found_dup_with_id: Set(0),
        found_dup_without_id: Set(0),
        started_by: Set(None),
        started_at: Set(now),
        finished_at: Set(None),
        heartbeat_at: Set(now),
        cursor: Set(200),
        running_slot: Set(Some(1)),
        error: Set(None),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("run");
    let zj = app.token("zj-registrar").await;
    let msg = assert_error(
        &post_empty(&app, "/api/v1/scans", &zj).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(msg.contains("已有查重任务正在运行"), "{msg}");
    assert!(msg.contains("全国"), "{msg}");
    // The table itself refuses a second running run, whatever the code does.
    let mut second = busy.clone().into_active_model();
    second.id = sea_orm::ActiveValue::NotSet;
    let refused = second
        .insert(app.db())
        .await
        .expect_err("second running run");
    // …with the error `scan::start` turns into a 409 when two starts pass its check at once.
    assert!(
        matches!(
            refused.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{refused:?}"
    );

    // Its instance died: the heartbeat stopped. The next start (of another scope) takes the
    // run over and resumes it at once (409: it is running again), instead of failing it.
    let mut am = busy.into_active_model();
    am.heartbeat_at = Set(now - chrono::Duration::minutes(30));
    let busy = am.update(app.db()).await.expect("stale");
    let msg = assert_error(
        &post_empty(&app, "/api/v1/scans", &zj).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(msg.contains("已有查重任务正在运行"), "{msg}");
    let mut resumed = None;
    for _ in 0..600 {
        let r = scan_runs::Entity::find_by_id(busy.id)
            .one(app.db())
            .await
            .expect("q")
            .expect("run");
        if r.running_slot.is_none() {
            resumed = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let resumed = resumed.expect("the resumed run ends");
    assert_eq!(resumed.state, "done");
    assert_eq!(resumed.owner.as_deref(), Some(app.state.instance.as_str()));
    assert!(resumed.done >= 200, "{resumed:?}");
    let run = start(&app, &zj).await;
    let run = wait_done(&app, &zj, run["id"].as_i64().expect("id")).await;
    assert_eq!(run["state"], "done");

    // Simultaneous starts (started, not yet driven): exactly one wins, on both databases —
    // through the check or, when both pass it, through the unique slot.
    for _ in 0..5 {
        let state = &app.state;
        let (a, b2) = tokio::join!(
            tokio::spawn({
                let state = state.clone();
                async move {
                    scan::start(&state, ScanTrigger::Manual, Some("330000".into()), None).await
                }
            }),
            tokio::spawn({
                let state = state.clone();
                async move { scan::start(&state, ScanTrigger::Nightly, None, None).await }
            }),
        );
        let (a, b2) = (a.expect("join"), b2.expect("join"));
        let (winner, loser) = match (a, b2) {
            (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
            other => panic!("exactly one start must win: {other:?}"),
        };
        assert!(
            matches!(&loser, AppError::Conflict(m) if m.contains("已有查重任务正在运行")),
            "{loser:?}"
        );
        let end = scan::run(state, winner.id).await.expect("run");
        assert_eq!(end.state, "done");
    }
    assert_eq!(
        scan_runs::Entity::find()
            .filter(scan_runs::Column::RunningSlot.is_not_null())
            .count(app.db())
            .await
            .expect("count"),
        0
    );
}
db_test!(one_run_at_a_time, one_run_at_a_time);

/// Issue 10, defect 8: a run whose instance died goes on from its cursor — the students before
/// it are not walked again — when the next start of its scope comes (at once, not after five
/// minutes), and the take-over is audited.
async fn an_interrupted_run_resumes_from_its_cursor(b: Backend) {
    let app = spawn_app(b).await;
    let xh1 = school_id(&app, "3330106001").await;
    let mut ids = Vec::new();
    for (name, bad_id) in [("甲一", "123"), ("乙二", "456"), ("丙三", "789")] {
        ids.push(
            seed(
                &app,
                xh1,
                Seed {
                    name,
                    id_number: Some(bad_id),
                    claim: false,
                    ..Default::default()
                },
            )
            .await,
        );
    }
    let long_ago = Utc::now() - chrono::Duration::seconds(60);
    let dead = scan_runs::ActiveModel {
        province_code: Set(None),
        trigger_kind: Set("nightly".into()),
        state: Set("running".into()),
        total: Set(3),
        done: Set(2),
        found_invalid_id: Set(0),
        found_dup_with_id: Set(0),
        found_dup_without_id: Set(0),
        started_by: Set(None),
        started_at: Set(long_ago),
        finished_at: Set(None),
        heartbeat_at: Set(long_ago),
        cursor: Set(ids[1]),
        running_slot: Set(Some(1)),
        error: Set(None),
        owner: Set(Some("a-dead-instance".into())),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("run");
    let moe = app.token("moe-registrar").await;
    let r = post_empty(&app, "/api/v1/scans", &moe).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["id"], dead.id, "the interrupted run itself goes on");
    let end = wait_done(&app, &moe, dead.id).await;
    assert_eq!(end["state"], "done", "{end}");
    assert_eq!(end["done"], 3, "{end}");
    // Only the student after the cursor was walked.
    let rows = problem_rows(&app).await;
    assert_eq!(rows, [("invalid_id".to_owned(), ids[2], None)]);
    let resumes = xueji_backend::entities::audit_log::Entity::find()
        .filter(xueji_backend::entities::audit_log::Column::Action.eq("scan.resume"))
        .count(app.db())
        .await
        .expect("audit");
    assert_eq!(resumes, 1);

    // A run whose instance is alive (fresh heartbeat) is not taken over.
    let alive = scan_runs::ActiveModel {
        province_code: Set(None),
        trigger_kind: Set("nightly".into()),
        state: Set("running".into()),
        total: Set(3),
        done: Set(0),
        found_invalid_id: Set(0),
        found_dup_with_id: Set(0),
        found_dup_without_id: Set(0),
        started_by: Set(None),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        heartbeat_at: Set(Utc::now()),
        cursor: Set(0),
        running_slot: Set(Some(1)),
        error: Set(None),
        owner: Set(Some("another-live-instance".into())),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("run");
    assert_error(
        &post_empty(&app, "/api/v1/scans", &moe).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(scan::take_over_stale(&app.state)
        .await
        .expect("q")
        .is_none());
    let still = scan_runs::Entity::find_by_id(alive.id)
        .one(app.db())
        .await
        .expect("q")
        .expect("run");
    assert_eq!(still.owner.as_deref(), Some("another-live-instance"));
}
db_test!(
    an_interrupted_run_resumes_from_its_cursor,
    an_interrupted_run_resumes_from_its_cursor
);

/// Issue 10: of several instances trying to take over one interrupted run at once, exactly
/// one wins (a conditional update).
async fn one_instance_takes_over(b: Backend) {
    let app = spawn_app(b).await;
    let long_ago = Utc::now() - chrono::Duration::seconds(60);
    let dead = scan_runs::ActiveModel {
        province_code: Set(None),
        trigger_kind: Set("nightly".into()),
        state: Set("running".into()),
        total: Set(0),
        done: Set(0),
        found_invalid_id: Set(0),
        found_dup_with_id: Set(0),
        found_dup_without_id: Set(0),
        started_by: Set(None),
        started_at: Set(long_ago),
        finished_at: Set(None),
        heartbeat_at: Set(long_ago),
        cursor: Set(0),
        running_slot: Set(Some(1)),
        error: Set(None),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("run");
    let dir = tempfile::tempdir().expect("dir");
    let instances: Vec<_> = (0..4)
        .map(|_| {
            xueji_backend::state::AppState::new(
                app.db().clone(),
                b"test-secret-test-secret-test-secret!",
                false,
                dir.path().join("dist"),
                dir.path().join("data"),
            )
        })
        .collect();
    let tasks: Vec<_> = instances
        .iter()
        .cloned()
        .map(|s| tokio::spawn(async move { scan::take_over_stale(&s).await.expect("take over") }))
        .collect();
    let mut winners = Vec::new();
    for t in tasks {
        if let Some(run) = t.await.expect("join") {
            winners.push(run.owner);
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let row = scan_runs::Entity::find_by_id(dead.id)
        .one(app.db())
        .await
        .expect("q")
        .expect("run");
    assert_eq!(row.owner, winners[0]);
    assert!(instances
        .iter()
        .any(|s| Some(s.instance.as_str()) == row.owner.as_deref()));
}
db_test!(one_instance_takes_over, one_instance_takes_over);
