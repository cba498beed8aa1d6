//! Bulk registration of a sheet in the national student-status system's layout (全国学籍系统
//! 导入模板), on SQLite and PostgreSQL: recognised by its header row, cells with the form's
//! labels, a label matching no code reported with the row, the field and the allowed values,
//! the valid rows imported as they would be from xueji's own template; a national header with a
//! column missing is refused naming it.

mod common;

use std::time::Duration;

use axum::body::Body;
use common::{assert_error, spawn_app, Backend, TestApp};
use http::{Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use xueji_backend::business::registration::xlsx;
use xueji_backend::entities::{organisations, requests};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::import::{self, Layout};
use xueji_shared::record::StudentRecord;

fn records(seed: u64, n: usize) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, xueji_backend::clock::today());
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> common::Resp {
    let boundary = "xuejiNATIONALb0undary";
    let mut body = Vec::new();
    for (name, filename, data) in [
        ("kind", None, b"in_school".as_slice()),
        ("file", Some("全国学籍导出.xlsx"), bytes),
    ] {
        let disp = match filename {
            Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::post("/api/v1/imports")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("req");
    app.raw(req).await
}

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

async fn a_national_sheet_with_the_forms_labels_is_imported(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let recs = records(21, 8);
    let mut rows: Vec<Vec<String>> = recs
        .iter()
        .map(|r| import::record_cells_in(Layout::National, r))
        .collect();
    let cols = import::columns_of(Layout::National);
    let at = |label: &str| cols.iter().position(|c| c.label == label).expect(label);
    // The cells carry the form's labels, as the national system exports them.
    assert_eq!(
        rows[0][at("性别")],
        if recs[0].gender == "1" { "男" } else { "女" }
    );
    assert_eq!(rows[0][at("是否独生子女")].len(), "是".len());
    // Row 4 of the sheet: an 入学方式 no table has.
    rows[2][at("入学方式")] = "派位".into();
    let file = xlsx::filled_in(Layout::National, &rows).expect("xlsx");

    let r = upload(&app, &t, &file).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.body["id"].as_i64().expect("id");
    let job = wait(&app, &t, id).await;
    assert_eq!(job["status"], "checked", "{job}");
    assert_eq!(
        (&job["total_rows"], &job["valid_rows"], &job["invalid_rows"]),
        (&json!(8), &json!(7), &json!(1)),
        "{job}"
    );
    let line = &job["report"][0];
    assert_eq!(line["row"], 4, "{job}");
    assert_eq!(line["label"], "入学方式", "{job}");
    assert_eq!(line["value"], "派位", "{job}");
    let m = line["message"].as_str().unwrap_or_default();
    assert!(
        m.starts_with("入学方式“派位”不在代码表中，应为：11 就近入学、12 义务教育阶段其他、21"),
        "{m}"
    );

    let c = app
        .post(
            &format!("/api/v1/imports/{id}/commit"),
            json!({ "mode": "valid_only" }),
            Some(&t),
        )
        .await;
    assert_eq!(c.status, StatusCode::ACCEPTED, "{}", c.text);
    let done = wait(&app, &t, id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["imported_rows"], 7);

    let school = organisations::Entity::find()
        .filter(organisations::Column::Code.eq("3330106001"))
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let stored: Vec<StudentRecord> = requests::Entity::find()
        .filter(requests::Column::SchoolId.eq(school.id))
        .all(app.db())
        .await
        .expect("requests")
        .iter()
        .map(|r| serde_json::from_str(&r.payload).expect("payload"))
        .collect();
    assert_eq!(stored.len(), 7);
    // Each imported record is the synthetic record, field for field.
    for (i, r) in recs.iter().enumerate() {
        let found = stored.iter().any(|s| s == r);
        assert_eq!(found, i != 2, "record {i}");
    }
}
db_test!(
    a_national_sheet_with_the_forms_labels_is_imported,
    a_national_sheet_with_the_forms_labels_is_imported
);

async fn a_national_header_with_a_column_missing_is_refused_naming_it(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let mut header = import::header_cells(Layout::National);
    header.retain(|h| h != "班级号");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in header.iter().enumerate() {
        ws.write_string(0, i as u16, h).expect("write");
    }
    let bytes = wb.save_to_buffer().expect("xlsx");
    let r = upload(&app, &t, &bytes).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(
        r.body["error"]["fields"][0]["message"], "不是全国学籍系统的导入模板：缺少列「班级号」",
        "{}",
        r.text
    );
}
db_test!(
    a_national_header_with_a_column_missing_is_refused_naming_it,
    a_national_header_with_a_column_missing_is_refused_naming_it
);

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

/// The rows of a downloaded sheet, through the reader the import uses.
fn rows_of(bytes: &[u8]) -> (Layout, Vec<StudentRecord>) {
    struct Rows(Vec<StudentRecord>);
    impl xlsx::RowSink for Rows {
        fn row(&mut self, h: &import::HeaderMap, row: u32, cells: &mut Vec<import::Cell>) -> bool {
            let parsed = import::parse_row(h, row, cells);
            assert!(parsed.errors.is_empty(), "row {row}: {:?}", parsed.errors);
            self.0.push(parsed.record);
            true
        }
    }
    let mut rows = Rows(Vec::new());
    let header = xlsx::read(bytes, &mut rows).expect("read");
    (header.layout, rows.0)
}

async fn the_roll_is_exported_in_either_layout_and_reads_back(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    // The national template: its header row, recognised by the upload.
    let template = download(&app, &t, "/api/v1/imports/template.xlsx?layout=national").await;
    let first = xueji_backend::business::registration::xlsx_header::first_row(
        &template,
        import::DATA_SHEET,
    )
    .expect("read")
    .expect("row 1");
    assert_eq!(first, import::header_cells(Layout::National));
    assert!(xlsx::recognise(&template).is_ok());
    let bad = app
        .get("/api/v1/imports/template.xlsx?layout=excel", Some(&t))
        .await;
    let msg = assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("未知的表格格式"), "{msg}");
    // Three students registered at the school, one at another county's.
    let school = organisations::Entity::find()
        .filter(organisations::Column::Code.eq("3330106001"))
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let other = organisations::Entity::find()
        .filter(organisations::Column::Code.eq("3330203001"))
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let kind = xueji_shared::api_registration::RegistrationKind::InSchool;
    let recs = records(31, 4);
    for (i, r) in recs.iter().enumerate() {
        let at = if i < 3 { &school } else { &other };
        let rules = xueji_backend::student::rules_for(app.db(), at, kind)
            .await
            .expect("rules");
        xueji_backend::student::register(app.db(), at, r, &rules)
            .await
            .expect("register");
    }
    for (layout, query) in [(Layout::Xueji, ""), (Layout::National, "&layout=national")] {
        let bytes = download(
            &app,
            &t,
            &format!(
                "/api/v1/students/export.xlsx?school_id={}{query}",
                school.id
            ),
        )
        .await;
        let (read_as, back) = rows_of(&bytes);
        assert_eq!(read_as, layout);
        assert_eq!(back.len(), 3, "{layout:?}");
        // Nothing lost: each exported record reads back as the registered one (its number
        // assigned at registration aside).
        for r in &recs[..3] {
            assert!(
                back.iter().any(|b| {
                    let mut b = b.clone();
                    b.student_number = r.student_number.clone();
                    &b == r
                }),
                "{layout:?}: {} not read back",
                r.name
            );
        }
    }
    // The county's whole roll: only its own schools' students.
    let county = app.token("hz-xh-registrar").await;
    let (_, all) = rows_of(&download(&app, &county, "/api/v1/students/export.xlsx").await);
    assert_eq!(all.len(), 3);
    // Another county's school: 404; a bad layout: 422; administrators do no business.
    let r = app
        .get(
            &format!("/api/v1/students/export.xlsx?school_id={}", other.id),
            Some(&t),
        )
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let r = app
        .get("/api/v1/students/export.xlsx?layout=csv", Some(&t))
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let admin = app.token("hz-xh-1-admin").await;
    let r = app.get("/api/v1/students/export.xlsx", Some(&admin)).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
}
db_test!(
    the_roll_is_exported_in_either_layout_and_reads_back,
    the_roll_is_exported_in_either_layout_and_reads_back
);
