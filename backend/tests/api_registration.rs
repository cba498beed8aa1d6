//! Registration through the API: submit → school leader → county (→ city → province as the
//! province configured) → a student with a number; returns, resubmission, duplicate candidates,
//! refusals — on SQLite and PostgreSQL.

mod common;

use common::{assert_error, spawn_app, Backend, TestApp};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::record::StudentRecord;

fn record(seed: u64) -> StudentRecord {
    let mut spec = SynthSpec::new(seed, 1, 330106, xueji_backend::clock::today());
    spec.no_id_share = 0.0;
    spec.hmt_share = 0.0;
    generate(spec).expect("synth").remove(0)
}

async fn submit(app: &TestApp, who: &str, r: &StudentRecord) -> Value {
    let t = app.token(who).await;
    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "in_school", "record": r }),
            Some(&t),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body
}

async fn act(app: &TestApp, who: &str, id: i64, body: Value) -> common::Resp {
    let t = app.token(who).await;
    app.post(
        &format!("/api/v1/registrations/{id}/actions"),
        body,
        Some(&t),
    )
    .await
}

async fn todo(app: &TestApp, who: &str) -> Vec<i64> {
    let t = app.token(who).await;
    let r = app.get("/api/v1/registrations?todo=true", Some(&t)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|x| x["id"].as_i64())
        .collect()
}

async fn school_then_county_register_the_student(b: Backend) {
    let app = spawn_app(b).await;
    let r = record(101);
    let sub = submit(&app, "hz-xh-1-registrar", &r).await;
    let id = sub["id"].as_i64().expect("id");
    assert_eq!(sub["state"]["state"], "pending");
    assert_eq!(sub["next"]["level"], "school");
    assert_eq!(sub["next"]["role"], "leader");
    assert_eq!(sub["candidates"], json!([]));
    assert!(todo(&app, "hz-xh-1-leader").await.contains(&id));
    assert!(!todo(&app, "hz-xh-registrar").await.contains(&id));

    // Not their step.
    assert_error(
        &act(
            &app,
            "hz-xh-1-registrar",
            id,
            json!({ "action": "approve" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &act(&app, "hz-xh-registrar", id, json!({ "action": "approve" })).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // Another county can't even see it.
    assert_error(
        &act(&app, "nb-hs-registrar", id, json!({ "action": "approve" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let other = app.token("nb-hs-registrar").await;
    assert_error(
        &app.get(&format!("/api/v1/registrations/{id}"), Some(&other))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    let r1 = act(&app, "hz-xh-1-leader", id, json!({ "action": "approve" })).await;
    assert_eq!(r1.status, StatusCode::OK, "{}", r1.text);
    assert_eq!(r1.body["next"]["level"], "county");
    assert!(todo(&app, "hz-xh-registrar").await.contains(&id));
    let done = act(&app, "hz-xh-registrar", id, json!({ "action": "approve" })).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["state"]["state"], "completed");
    assert_eq!(done.body["student_number"], format!("G{}", r.id_number));
    let steps: Vec<_> = done.body["history"]
        .as_array()
        .expect("h")
        .iter()
        .map(|h| h["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(steps, ["submit", "approve", "approve"]);
    // Finished: nothing more to do.
    assert_error(
        &act(&app, "hz-xh-registrar", id, json!({ "action": "approve" })).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(!todo(&app, "hz-xh-registrar").await.contains(&id));
}
db_test!(
    school_then_county_register_the_student,
    school_then_county_register_the_student
);

async fn a_returned_registration_is_corrected_and_resubmitted(b: Backend) {
    let app = spawn_app(b).await;
    let r = record(202);
    let id = submit(&app, "hz-xh-1-registrar", &r).await["id"]
        .as_i64()
        .expect("id");
    act(&app, "hz-xh-1-leader", id, json!({ "action": "approve" })).await;
    // Returning needs a reason.
    let no_reason = act(&app, "hz-xh-registrar", id, json!({ "action": "return" })).await;
    assert_error(&no_reason, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(no_reason.body["error"]["fields"][0]["field"], "reason");
    let back = act(
        &app,
        "hz-xh-registrar",
        id,
        json!({ "action": "return", "reason": "家庭住址不完整" }),
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert_eq!(back.body["state"]["state"], "returned");
    assert!(todo(&app, "hz-xh-1-registrar").await.contains(&id));
    // The school fixes the record; a broken correction is refused naming the field.
    let mut broken = r.clone();
    broken.id_number.pop();
    let bad = act(
        &app,
        "hz-xh-1-registrar",
        id,
        json!({ "action": "resubmit", "record": broken }),
    )
    .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(bad.text.contains("record.id_number"), "{}", bad.text);
    let mut fixed = r.clone();
    fixed.current_address = format!("{}（已补全）", r.current_address);
    let again = act(
        &app,
        "hz-xh-1-registrar",
        id,
        json!({ "action": "resubmit", "record": fixed }),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["state"]["state"], "pending");
    assert!(again.body["record"]["current_address"]
        .as_str()
        .unwrap_or_default()
        .ends_with("（已补全）"));
    let reasons: Vec<_> = again.body["history"]
        .as_array()
        .expect("h")
        .iter()
        .filter_map(|h| h["reason"].as_str())
        .collect();
    assert_eq!(reasons, ["家庭住址不完整"]);
}
db_test!(
    a_returned_registration_is_corrected_and_resubmitted,
    a_returned_registration_is_corrected_and_resubmitted
);

async fn a_second_registration_of_the_same_child_shows_the_candidate_and_becomes_a_problem(
    b: Backend,
) {
    let app = spawn_app(b).await;
    let r = record(303);
    let first = submit(&app, "hz-xh-1-registrar", &r).await["id"]
        .as_i64()
        .expect("id");
    act(
        &app,
        "hz-xh-1-leader",
        first,
        json!({ "action": "approve" }),
    )
    .await;
    act(
        &app,
        "hz-xh-registrar",
        first,
        json!({ "action": "approve" }),
    )
    .await;

    let second = submit(&app, "nb-hs-1-registrar", &r).await;
    let c = &second["candidates"][0];
    assert_eq!(c["kind"], "dup_with_id");
    assert_eq!(c["school_name"], "杭州市西湖区求是小学");
    assert_eq!(c["student_number"], format!("G{}", r.id_number));
    let id = second["id"].as_i64().expect("id");
    act(&app, "nb-hs-1-leader", id, json!({ "action": "approve" })).await;
    let done = act(&app, "nb-hs-registrar", id, json!({ "action": "approve" })).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let n = done.body["student_number"].as_str().expect("number");
    assert!(n.starts_with("L330203"), "kept a temporary number: {n}");
}
db_test!(
    a_second_registration_of_the_same_child_shows_the_candidate_and_becomes_a_problem,
    a_second_registration_of_the_same_child_shows_the_candidate_and_becomes_a_problem
);

async fn only_school_registrars_submit_valid_records(b: Backend) {
    let app = spawn_app(b).await;
    let r = record(404);
    for who in ["hz-xh-1-leader", "hz-xh-registrar"] {
        let t = app.token(who).await;
        let res = app
            .post(
                "/api/v1/registrations",
                json!({ "kind": "in_school", "record": r }),
                Some(&t),
            )
            .await;
        assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
    }
    let t = app.token("hz-xh-1-admin").await;
    assert_error(
        &app.post(
            "/api/v1/registrations",
            json!({ "kind": "in_school", "record": r }),
            Some(&t),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let mut bad = r.clone();
    bad.name.clear();
    bad.birth_date = None;
    let t = app.token("hz-xh-1-registrar").await;
    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "in_school", "record": bad }),
            Some(&t),
        )
        .await;
    assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: Vec<_> = res.body["error"]["fields"]
        .as_array()
        .expect("f")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        fields.contains(&"record.name".to_owned())
            && fields.contains(&"record.birth_date".to_owned()),
        "{fields:?}"
    );
    assert_eq!(
        app.get("/api/v1/registrations", Some(&t)).await.body["total"],
        0,
        "nothing half-written"
    );
}
db_test!(
    only_school_registrars_submit_valid_records,
    only_school_registrars_submit_valid_records
);

async fn the_province_can_require_city_and_province_approval(b: Backend) {
    let app = spawn_app(b).await;
    let zj = app.token("zj-admin").await;
    let mut sw = app.get("/api/v1/config/switches", Some(&zj)).await.body["settings"].clone();
    sw["registration_up_to"] = json!("province");
    let put = app
        .call(Method::PUT, "/api/v1/config/switches", Some(sw), Some(&zj))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let id = submit(&app, "hz-xh-1-registrar", &record(505)).await["id"]
        .as_i64()
        .expect("id");
    for (who, next) in [
        ("hz-xh-1-leader", "county"),
        ("hz-xh-registrar", "city"),
        ("hz-registrar", "province"),
    ] {
        let r = act(&app, who, id, json!({ "action": "approve" })).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
        assert_eq!(r.body["next"]["level"], next, "after {who}");
    }
    let done = act(&app, "zj-registrar", id, json!({ "action": "approve" })).await;
    assert_eq!(done.body["state"]["state"], "completed", "{}", done.text);
}
db_test!(
    the_province_can_require_city_and_province_approval,
    the_province_can_require_city_and_province_approval
);

/// The province's time windows gate submission (在校生注册、小学新生注册、来华归国学生注册).
async fn registration_is_refused_outside_its_window(b: Backend) {
    let app = spawn_app(b).await;
    let zj = app.token("zj-admin").await;
    let today = xueji_backend::clock::today();
    let past = json!({ "start": (today - chrono::Days::new(60)).to_string(), "end": (today - chrono::Days::new(30)).to_string() });
    let mut sw = app.get("/api/v1/config/switches", Some(&zj)).await.body["settings"].clone();
    sw["windows"]["in_school_registration"] = past.clone();
    sw["windows"]["arrival_registration"] = past;
    let put = app
        .call(
            Method::PUT,
            "/api/v1/config/switches",
            Some(sw.clone()),
            Some(&zj),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let t = app.token("hz-xh-1-registrar").await;
    for kind in ["in_school", "arrival"] {
        let res = app
            .post(
                "/api/v1/registrations",
                json!({ "kind": kind, "record": record(606) }),
                Some(&t),
            )
            .await;
        let msg = assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
        assert!(msg.contains("不在开放时间内"), "{kind}: {msg}");
    }
    // Open again today: accepted.
    sw["windows"]["in_school_registration"] =
        json!({ "start": today.to_string(), "end": today.to_string() });
    let put = app
        .call(Method::PUT, "/api/v1/config/switches", Some(sw), Some(&zj))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    submit(&app, "hz-xh-1-registrar", &record(606)).await;
}
db_test!(
    registration_is_refused_outside_its_window,
    registration_is_refused_outside_its_window
);

/// 来华归国: the national lookup finds the child's existing record in another province's
/// school; a new record is refused; registering with the existing one moves it, number kept.
async fn an_arriving_student_reuses_the_existing_record(b: Backend) {
    let app = spawn_app(b).await;
    let r = record(707);
    let id = submit(&app, "hz-xh-1-registrar", &r).await["id"]
        .as_i64()
        .expect("id");
    for who in ["hz-xh-1-leader", "hz-xh-registrar"] {
        let res = act(&app, who, id, json!({ "action": "approve" })).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    let number = format!("G{}", r.id_number);

    // Ningbo looks the child up nationally (the record is outside its jurisdiction).
    let nb = app.token("nb-hs-1-registrar").await;
    let found = app
        .get(
            &format!(
                "/api/v1/students/lookup?id_type=1&id_number={}",
                r.id_number
            ),
            Some(&nb),
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(
        found.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        found.text
    );
    assert_eq!(found.body[0]["student_number"], number);
    assert_eq!(found.body[0]["school_name"], "杭州市西湖区求是小学");
    assert_eq!(found.body[0]["matched_by"], "id");
    let existing = found.body[0]["student_id"].as_i64().expect("id");
    let bad = app
        .get("/api/v1/students/lookup?id_type=1&id_number=123", Some(&nb))
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(bad.text.contains("\"id_number\""), "{}", bad.text);
    let none = app.get("/api/v1/students/lookup", Some(&nb)).await;
    assert_error(&none, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    for f in ["name", "gender", "birth_date"] {
        assert!(none.text.contains(&format!("\"{f}\"")), "{}", none.text);
    }
    let by_person = app
        .get(
            &format!(
                "/api/v1/students/lookup?name={}&gender={}&birth_date={}",
                urlencode(&r.name),
                r.gender,
                r.birth_date.map(|d| d.to_string()).unwrap_or_default()
            ),
            Some(&nb),
        )
        .await;
    assert_eq!(by_person.status, StatusCode::OK, "{}", by_person.text);

    // A second record for the same ID is refused; the existing one is only for arrivals.
    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "arrival", "record": r }),
            Some(&nb),
        )
        .await;
    let msg = assert_error(&res, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("使用已有学籍"), "{msg}");
    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "in_school", "record": r, "existing_student_id": existing }),
            Some(&nb),
        )
        .await;
    assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let mut other = record(708);
    other.name = r.name.clone();
    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "arrival", "record": other, "existing_student_id": existing }),
            Some(&nb),
        )
        .await;
    let msg = assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("不一致"), "{msg}");

    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "arrival", "record": r, "existing_student_id": existing }),
            Some(&nb),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_i64().expect("id");
    for who in ["nb-hs-1-leader", "nb-hs-registrar"] {
        let res = act(&app, who, id, json!({ "action": "approve" })).await;
        assert_eq!(res.status, StatusCode::OK, "{who}: {}", res.text);
    }
    let card = app
        .get(&format!("/api/v1/students/{existing}"), Some(&nb))
        .await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.text);
    assert_eq!(card.body["student_number"], number);
    assert_eq!(card.body["school"]["name"], "宁波市海曙区中心小学");
    // Hangzhou no longer holds the record; no problem record was opened.
    let hz = app.token("hz-xh-1-registrar").await;
    assert_eq!(
        app.get(&format!("/api/v1/students/{existing}"), Some(&hz))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/problems", Some(&nb)).await.body["total"],
        0
    );
}
db_test!(
    an_arriving_student_reuses_the_existing_record,
    an_arriving_student_reuses_the_existing_record
);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
