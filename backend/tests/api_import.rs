//! Bulk registration through the API (批量注册), on SQLite and PostgreSQL: the template, an
//! upload of good and bad rows with its exact report, all-or-nothing (nothing written) and
//! valid-only (exactly the good rows, each a pending request with candidates, a submit action
//! and an audit entry), within-file duplicates, files that are not the template, jurisdiction.

mod common;

use std::time::Duration;

use axum::body::Body;
use common::{assert_error, spawn_app, Backend, TestApp};
use http::{Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use xueji_backend::business::registration::{import, xlsx};
use xueji_backend::entities::{audit_log, organisations, request_actions, requests};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::import::{columns, record_cells};
use xueji_shared::record::StudentRecord;

fn records(seed: u64, n: usize) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, xueji_backend::clock::today());
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "xuejiIMPORTb0undary";
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        let disp = match filename {
            Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_as(app: &TestApp, token: &str, kind: &str, bytes: &[u8]) -> common::Resp {
    let (ct, body) = multipart(&[
        ("kind", None, kind.as_bytes()),
        ("file", Some("学生名单.xlsx"), bytes),
    ]);
    let req = Request::post("/api/v1/imports")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", ct)
        .body(Body::from(body))
        .expect("req");
    app.raw(req).await
}

/// The body of a successful GET as bytes.
async fn download(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("infallible");
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], xlsx::MIME);
    res.into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

/// Polls the job until it stops moving.
async fn wait(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..600 {
        let r = app.get(&format!("/api/v1/imports/{id}"), Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let s = r.body["status"].as_str().unwrap_or_default().to_owned();
        if s != "checking" && s != "importing" {
            return r.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import job {id} did not finish");
}

async fn upload_and_check(app: &TestApp, token: &str, bytes: &[u8]) -> Value {
    let r = upload_as(app, token, "in_school", bytes).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["status"], "checking");
    let id = r.body["id"].as_i64().expect("id");
    wait(app, token, id).await
}

/// Asks for job `id` to be imported in `mode` (`valid_only` | `all_or_nothing`).
async fn commit(app: &TestApp, token: &str, id: i64, mode: &str) -> common::Resp {
    app.post(
        &format!("/api/v1/imports/{id}/commit"),
        json!({ "mode": mode }),
        Some(token),
    )
    .await
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

async fn count_audit(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(app.db())
        .await
        .expect("count")
}

async fn the_template_round_trips_and_every_valid_row_becomes_a_request(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let r = app.get("/api/v1/imports/template.xlsx", Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], xlsx::MIME);
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .contains("filename*=UTF-8''"));
    // The downloaded template is the template: the header of every column, no rows.
    let bytes = download(&app, &t, "/api/v1/imports/template.xlsx").await;
    assert!(bytes.starts_with(b"PK\x03\x04"));
    struct Rows(usize);
    impl xlsx::RowSink for Rows {
        fn row(
            &mut self,
            _: &xueji_shared::import::HeaderMap,
            _: u32,
            _: &mut Vec<xueji_shared::import::Cell>,
        ) -> bool {
            self.0 += 1;
            true
        }
    }
    let mut n = Rows(0);
    let header = xlsx::read(&bytes, &mut n).expect("the template reads back");
    assert_eq!(header.positions, (0..columns().len()).collect::<Vec<_>>());
    assert_eq!(n.0, 0);

    // One of the students is already registered elsewhere: a national duplicate candidate.
    let recs = records(11, 12);
    let other = organisations::Entity::find()
        .filter(organisations::Column::Code.eq("3330203001"))
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let mut rules = xueji_shared::record::RecordRules::new(xueji_backend::clock::today());
    rules.school_stages = vec![xueji_shared::stage::Stage::Primary];
    let tx = app.state.begin_write().await.expect("tx");
    let existing = xueji_backend::student::register(&*tx, &other, &recs[4], &rules)
        .await
        .expect("register");
    tx.commit().await.expect("commit");

    let file = xlsx::filled(&recs.iter().map(record_cells).collect::<Vec<_>>()).expect("xlsx");
    let job = upload_and_check(&app, &t, &file).await;
    assert_eq!(job["status"], "checked", "{job}");
    assert_eq!(
        (&job["total_rows"], &job["valid_rows"], &job["invalid_rows"]),
        (&json!(12), &json!(12), &json!(0))
    );
    assert_eq!(job["report"], json!([]));
    assert_eq!(job["school_name"], "杭州市西湖区求是小学");
    let id = job["id"].as_i64().expect("id");

    let c = commit(&app, &t, id, "all_or_nothing").await;
    assert_eq!(c.status, StatusCode::ACCEPTED, "{}", c.text);
    assert_eq!(c.body["status"], "importing");
    let done = wait(&app, &t, id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["imported_rows"], 12);
    assert_eq!(done["mode"], "all_or_nothing");

    let school = school_id(&app, "3330106001").await;
    let rows = requests::Entity::find()
        .filter(requests::Column::SchoolId.eq(school))
        .all(app.db())
        .await
        .expect("requests");
    assert_eq!(rows.len(), 12);
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| {
            serde_json::from_str::<StudentRecord>(&r.payload)
                .expect("payload")
                .name
        })
        .collect();
    let mut expected: Vec<String> = recs.iter().map(|r| r.name.clone()).collect();
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    assert!(rows.iter().all(|r| r.status == "pending"
        && r.pending_level.as_deref() == Some("school")
        && r.pending_role.as_deref() == Some("leader")
        && r.kind == "in_school"));
    // Exactly as single submission: the candidate, the submit action, the audit entry.
    let dup = rows
        .iter()
        .find(|r| r.payload.contains(&recs[4].id_number))
        .expect("dup row");
    let cands: Value = serde_json::from_str(&dup.candidates).expect("json");
    assert_eq!(cands[0]["kind"], "dup_with_id");
    assert_eq!(
        cands[0]["student_number"],
        existing.student().student_number
    );
    assert_eq!(cands[0]["school_name"], "宁波市海曙区中心小学");
    assert_eq!(
        rows.iter().filter(|r| r.candidates != "[]").count(),
        1,
        "only that one"
    );
    let actions = request_actions::Entity::find()
        .filter(request_actions::Column::Action.eq("submit"))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(actions, 12);
    assert_eq!(count_audit(&app, "registration.submit").await, 12);
    assert_eq!(count_audit(&app, "import.upload").await, 1);
    assert_eq!(count_audit(&app, "import.commit").await, 1);
    assert_eq!(
        xueji_backend::audit::verify(app.db())
            .await
            .expect("verify"),
        vec![],
        "the audit chain is intact"
    );
    // The school's queue shows them; the leader can approve one like any other.
    let list = app.get("/api/v1/registrations", Some(&t)).await;
    assert_eq!(list.body["total"], 12, "{}", list.text);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(12));
    let leader = app.token("hz-xh-1-leader").await;
    let approve = app
        .post(
            &format!("/api/v1/registrations/{}/actions", rows[0].id),
            json!({ "action": "approve" }),
            Some(&leader),
        )
        .await;
    assert_eq!(approve.status, StatusCode::OK, "{}", approve.text);
    // A finished job can't be committed again.
    assert_error(
        &commit(&app, &t, id, "valid_only").await,
        StatusCode::CONFLICT,
        "conflict",
    );
    // The bulk insert counted its first steps in the overdue tallies.
    let off = xueji_backend::engine::tally::mismatches(app.db())
        .await
        .expect("tallies");
    assert!(off.is_empty(), "{off:?}");
    assert!(
        xueji_backend::entities::step_tallies::Entity::find()
            .count(app.db())
            .await
            .expect("count")
            > 0
    );
}
db_test!(
    the_template_round_trips_and_every_valid_row_becomes_a_request,
    the_template_round_trips_and_every_valid_row_becomes_a_request
);

async fn mixed_rows_give_the_exact_report_and_nothing_is_half_written(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let recs = records(21, 10);
    // Rows 3, 5, 7, 9 are spoiled: a wrong ID check character, no name, an unknown ethnic
    // group, a copy of row 2.
    let rows = import::sample_rows(&recs, 4);
    let file = xlsx::filled(&rows).expect("xlsx");
    let job = upload_and_check(&app, &t, &file).await;
    assert_eq!(job["status"], "checked", "{job}");
    assert_eq!(
        (&job["total_rows"], &job["valid_rows"], &job["invalid_rows"]),
        (&json!(10), &json!(6), &json!(4))
    );
    let bad_id = &rows[1][columns()
        .iter()
        .position(|c| c.field == "id_number")
        .expect("col")];
    let right_last = recs[1].id_number.chars().last().expect("last");
    let report: Vec<(i64, String, String, String)> = job["report"]
        .as_array()
        .expect("report")
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap_or_default(),
                e["label"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
                e["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        report,
        vec![
            (
                3,
                "身份证件号".to_owned(),
                format!(
                    "公民身份号码校验码错误：第18位应为“{right_last}”，而不是“{}”",
                    bad_id.chars().last().unwrap_or_default()
                ),
                bad_id.clone()
            ),
            (
                3,
                "全国学籍号".to_owned(),
                "G字头学籍号应为“G”加本人居民身份证号".to_owned(),
                recs[1].student_number.clone()
            ),
            (5, "姓名".to_owned(), "请填写姓名".to_owned(), String::new()),
            (
                7,
                "民族".to_owned(),
                "民族“火星族”不在代码表中（见“代码说明”表）".to_owned(),
                "火星族".to_owned()
            ),
            (
                9,
                "身份证件号".to_owned(),
                "与第2行的身份证件号重复（同一学生只能填写一行）".to_owned(),
                recs[0].id_number.clone()
            ),
        ]
    );
    assert_eq!(job["report_total"], 5);
    let id = job["id"].as_i64().expect("id");

    // The report downloads as a workbook with one line per problem under its header.
    let rep = download(&app, &t, &format!("/api/v1/imports/{id}/report.xlsx")).await;
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(rep)).expect("report opens");
    let range = wb.worksheet_range("校验报告").expect("sheet");
    let lines: Vec<Vec<String>> = range
        .rows()
        .skip(2)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2], ["5", "姓名", "请填写姓名", ""]);

    // All or nothing: refused with the count, and nothing is written.
    let school = school_id(&app, "3330106001").await;
    let refused = commit(&app, &t, id, "all_or_nothing").await;
    let msg = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("有 4 行不符合要求"), "{msg}");
    assert_eq!(refused.body["error"]["fields"][0]["field"], "mode");
    assert_eq!(
        import::count_requests(app.db(), school)
            .await
            .expect("count"),
        0
    );
    assert_eq!(count_audit(&app, "registration.submit").await, 0);
    assert_eq!(wait(&app, &t, id).await["status"], "checked");

    // Valid rows only: exactly the six good rows (2, 4, 6, 8, 10, 11).
    let c = commit(&app, &t, id, "valid_only").await;
    assert_eq!(c.status, StatusCode::ACCEPTED, "{}", c.text);
    let done = wait(&app, &t, id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["imported_rows"], 6);
    let rows_in = requests::Entity::find()
        .filter(requests::Column::SchoolId.eq(school))
        .all(app.db())
        .await
        .expect("requests");
    let mut got: Vec<String> = rows_in
        .iter()
        .map(|r| {
            serde_json::from_str::<StudentRecord>(&r.payload)
                .expect("payload")
                .id_number
        })
        .collect();
    got.sort();
    let mut want: Vec<String> = [0usize, 2, 4, 6, 8, 9]
        .iter()
        .map(|&i| recs[i].id_number.clone())
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(count_audit(&app, "registration.submit").await, 6);
    let audited: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("registration.submit"))
        .all(app.db())
        .await
        .expect("audit")
        .into_iter()
        .filter_map(|a| a.object_id)
        .collect();
    let mut ids: Vec<String> = rows_in.iter().map(|r| r.id.to_string()).collect();
    ids.sort();
    let mut audited_sorted = audited.clone();
    audited_sorted.sort();
    assert_eq!(audited_sorted, ids, "one audit entry per created request");
    assert_eq!(
        xueji_backend::audit::verify(app.db())
            .await
            .expect("verify"),
        vec![]
    );
}
db_test!(
    mixed_rows_give_the_exact_report_and_nothing_is_half_written,
    mixed_rows_give_the_exact_report_and_nothing_is_half_written
);

async fn files_that_are_not_the_template_are_refused_with_the_reason(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let field_error = |r: &common::Resp| {
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        r.body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // A PDF named .xlsx.
    let m = field_error(&upload_as(&app, &t, "in_school", b"%PDF-1.4 hello").await);
    assert!(m.contains(".xlsx"), "{m}");
    // A zip that is no workbook.
    let m = field_error(&upload_as(&app, &t, "in_school", b"PK\x03\x04garbage").await);
    assert!(m.contains("无法打开"), "{m}");
    // Another spreadsheet.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in ["学号", "姓名", "成绩"].iter().enumerate() {
        ws.write_string(0, i as u16, *h).expect("write");
    }
    let other = wb.save_to_buffer().expect("xlsx");
    let m = field_error(&upload_as(&app, &t, "in_school", &other).await);
    assert!(
        m.starts_with("不是本系统的导入模板：缺少列「姓名拼音」「曾用名」「性别」"),
        "{m}"
    );
    // The template with one column renamed.
    let mut header: Vec<String> = columns().iter().map(|c| c.header()).collect();
    header[5] = "出生地点".into();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in header.iter().enumerate() {
        ws.write_string(0, i as u16, h).expect("write");
    }
    let renamed = wb.save_to_buffer().expect("xlsx");
    let m = field_error(&upload_as(&app, &t, "in_school", &renamed).await);
    assert_eq!(m, "不是本系统的导入模板：缺少列「出生地」");
    // Empty, oversized, no file, a kind that can't be imported.
    let m = field_error(&upload_as(&app, &t, "in_school", b"").await);
    assert_eq!(m, "文件为空");
    let big = [b"PK\x03\x04".as_slice(), &vec![0u8; 51 * 1024 * 1024]].concat();
    let r = upload_as(&app, &t, "in_school", &big).await;
    let m = assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(m.contains("50 MB"), "{m}");
    let (ct, body) = multipart(&[("kind", None, b"in_school")]);
    let r = app
        .raw(
            Request::post("/api/v1/imports")
                .header("authorization", format!("Bearer {t}"))
                .header("content-type", ct)
                .body(Body::from(body))
                .expect("req"),
        )
        .await;
    assert_eq!(field_error(&r), "请选择要上传的文件");
    let file = xlsx::filled(&[record_cells(&records(31, 1)[0])]).expect("xlsx");
    let r = upload_as(&app, &t, "arrival", &file).await;
    assert_eq!(r.body["error"]["fields"][0]["field"], "kind");
    // Nothing was stored as a job.
    let list = app.get("/api/v1/imports", Some(&t)).await;
    assert_eq!(list.body, json!([]), "{}", list.text);
    assert_eq!(count_audit(&app, "import.upload").await, 0);
}
db_test!(
    files_that_are_not_the_template_are_refused_with_the_reason,
    files_that_are_not_the_template_are_refused_with_the_reason
);

async fn jobs_belong_to_their_school_and_cancel_writes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let file =
        xlsx::filled(&records(41, 3).iter().map(record_cells).collect::<Vec<_>>()).expect("xlsx");
    let job = upload_and_check(&app, &t, &file).await;
    let id = job["id"].as_i64().expect("id");
    let path = format!("/api/v1/imports/{id}");
    // Another school's registrar and another county: as if it did not exist.
    for who in ["hz-xh-2-registrar", "nb-hs-registrar", "hz-sc-leader"] {
        let o = app.token(who).await;
        assert_error(
            &app.get(&path, Some(&o)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        assert_error(
            &commit(&app, &o, id, "valid_only").await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    // The county reads it but neither uploads nor imports; the school leader doesn't import.
    let county = app.token("hz-xh-registrar").await;
    assert_eq!(app.get(&path, Some(&county)).await.status, StatusCode::OK);
    assert_error(
        &upload_as(&app, &county, "in_school", &file).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    for who in ["hz-xh-registrar", "hz-xh-1-leader"] {
        let o = app.token(who).await;
        assert_error(
            &commit(&app, &o, id, "valid_only").await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    let admin = app.token("hz-xh-1-admin").await;
    assert_error(
        &app.get(&path, Some(&admin)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Cancel: nothing goes in, and it can't be imported afterwards.
    let c = app
        .post(&format!("{path}/cancel"), json!({}), Some(&t))
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["status"], "cancelled");
    assert_error(
        &commit(&app, &t, id, "valid_only").await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let school = school_id(&app, "3330106001").await;
    assert_eq!(
        import::count_requests(app.db(), school)
            .await
            .expect("count"),
        0
    );
    assert_eq!(count_audit(&app, "import.cancel").await, 1);
    // Grade-1 registration in bulk follows the province's switch like single submission.
    let g1 = upload_as(&app, &t, "grade1", &file).await;
    let sw = app.get("/api/v1/config/switches", Some(&t)).await.body["settings"]
        ["grade1_registration_open"]
        .as_bool()
        .unwrap_or(false);
    if sw {
        assert_eq!(g1.status, StatusCode::ACCEPTED, "{}", g1.text);
    } else {
        assert_error(&g1, StatusCode::FORBIDDEN, "forbidden");
    }
}
db_test!(
    jobs_belong_to_their_school_and_cancel_writes_nothing,
    jobs_belong_to_their_school_and_cancel_writes_nothing
);

/// Sets a job's status and last touch directly, as a server that stopped mid-way leaves it.
async fn leave_job(app: &TestApp, id: i64, status: &str, ago: chrono::Duration) {
    use sea_orm::sea_query::Expr;
    xueji_backend::entities::import_jobs::Entity::update_many()
        .col_expr(
            xueji_backend::entities::import_jobs::Column::Status,
            Expr::value(status),
        )
        .col_expr(
            xueji_backend::entities::import_jobs::Column::UpdatedAt,
            Expr::value(chrono::Utc::now() - ago),
        )
        .filter(xueji_backend::entities::import_jobs::Column::Id.eq(id))
        .exec(app.db())
        .await
        .expect("update");
}

async fn jobs_interrupted_by_a_server_stop_are_recovered(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let file =
        xlsx::filled(&records(57, 5).iter().map(record_cells).collect::<Vec<_>>()).expect("xlsx");
    let job = upload_and_check(&app, &t, &file).await;
    assert_eq!(job["valid_rows"], 5, "{job}");
    let id = job["id"].as_i64().expect("id");
    let path = format!("/api/v1/imports/{id}");
    let cutoff = || chrono::Utc::now() - import::STALE_AFTER;
    let hour = chrono::Duration::hours(1);

    // A check still writing its progress is live: left alone.
    leave_job(&app, id, "checking", chrono::Duration::zero()).await;
    let r = import::recover(&app.state, cutoff())
        .await
        .expect("recover");
    assert_eq!(r, import::Recovered::default());
    assert_eq!(app.get(&path, Some(&t)).await.body["status"], "checking");

    // A check silent for an hour died with its server: checked again from the stored file.
    leave_job(&app, id, "checking", hour).await;
    let r = import::recover(&app.state, cutoff())
        .await
        .expect("recover");
    assert_eq!(r.rechecked, 1, "{r:?}");
    let again = wait(&app, &t, id).await;
    assert_eq!(again["status"], "checked", "{again}");
    assert_eq!(
        (&again["total_rows"], &again["valid_rows"]),
        (&json!(5), &json!(5))
    );
    // A second pass finds nothing more to do.
    let r = import::recover(&app.state, cutoff())
        .await
        .expect("recover");
    assert_eq!(r, import::Recovered::default());

    // An import whose server stopped wrote nothing (one transaction): back to checked, with a
    // message, and it can be imported again.
    leave_job(&app, id, "importing", hour).await;
    let r = import::recover(&app.state, cutoff())
        .await
        .expect("recover");
    assert_eq!(r.reset, 1, "{r:?}");
    let j = app.get(&path, Some(&t)).await.body;
    assert_eq!(j["status"], "checked", "{j}");
    assert!(
        j["message"]
            .as_str()
            .unwrap_or_default()
            .contains("未写入任何记录"),
        "{j}"
    );
    let school = school_id(&app, "3330106001").await;
    assert_eq!(
        import::count_requests(app.db(), school).await.expect("n"),
        0
    );
    let c = commit(&app, &t, id, "valid_only").await;
    assert_eq!(c.status, StatusCode::ACCEPTED, "{}", c.text);
    let done = wait(&app, &t, id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(
        import::count_requests(app.db(), school).await.expect("n"),
        5
    );

    // A stored file that is gone: the interrupted check fails with the reason.
    let file2 =
        xlsx::filled(&records(58, 2).iter().map(record_cells).collect::<Vec<_>>()).expect("xlsx");
    let job2 = upload_and_check(&app, &t, &file2).await;
    let id2 = job2["id"].as_i64().expect("id");
    let sha = xueji_backend::entities::import_jobs::Entity::find_by_id(id2)
        .one(app.db())
        .await
        .expect("q")
        .expect("job")
        .file_sha256;
    let stored = app.state.imports.path_of(&sha);
    std::fs::remove_file(&stored).expect("remove the stored file");
    leave_job(&app, id2, "checking", hour).await;
    let r = import::recover(&app.state, cutoff())
        .await
        .expect("recover");
    assert_eq!(r.failed, 1, "{r:?}");
    let j = app
        .get(&format!("/api/v1/imports/{id2}"), Some(&t))
        .await
        .body;
    assert_eq!(j["status"], "failed", "{j}");
    assert!(
        j["message"]
            .as_str()
            .unwrap_or_default()
            .contains("重新上传"),
        "{j}"
    );
}
db_test!(
    jobs_interrupted_by_a_server_stop_are_recovered,
    jobs_interrupted_by_a_server_stop_are_recovered
);
