//! Working off problem records (问题学籍处理) through the API, on SQLite and PostgreSQL: the
//! three kinds, evidence, change (J → G), delete, returns, arbitration by the lowest common
//! superior, and the province-gated deletion of records with a formal number.

mod common;

use axum::body::Body;
use common::{assert_error, spawn_app, Backend, Resp, TestApp};
use http::{Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use xueji_backend::entities::{identity_claims, organisations, students};
use xueji_backend::student::{self as registration, Outcome};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::business::problems::problem::ProblemKind;
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::stage::Stage;

const XH1: &str = "3330106001"; // 杭州市西湖区求是小学 (hz-xh)
const HS1: &str = "3330203001"; // 宁波 nb-hs-1
const XH2: &str = "3330106002"; // 西湖区九年一贯制学校 (hz-xh)

async fn school(app: &TestApp, code: &str) -> organisations::Model {
    organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code))
        .one(app.db())
        .await
        .expect("q")
        .expect("school")
}

async fn register(app: &TestApp, code: &str, r: &StudentRecord) -> Outcome {
    let s = school(app, code).await;
    let mut rules = RecordRules::new(xueji_backend::clock::today());
    rules.school_stages = vec![Stage::Primary];
    let tx = app.state.begin_write().await.expect("tx");
    let out = registration::register(&*tx, &s, r, &rules)
        .await
        .expect("register");
    tx.commit().await.expect("commit");
    out
}

fn records(seed: u64, n: usize, no_id: bool) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, xueji_backend::clock::today());
    spec.no_id_share = if no_id { 1.0 } else { 0.0 };
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

async fn student(app: &TestApp, id: i64) -> students::Model {
    students::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("q")
        .expect("student")
}

async fn evidence(app: &TestApp, token: &str) -> String {
    let boundary = "xuejiBOUNDARYp";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"proof.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&common::pdf("household registration proof"));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/api/v1/evidence")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("req");
    let res = app.raw(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body["sha256"].as_str().expect("sha").to_owned()
}

async fn act(app: &TestApp, who: &str, id: i64, body: Value) -> Resp {
    let t = app.token(who).await;
    app.post(&format!("/api/v1/problems/{id}/actions"), body, Some(&t))
        .await
}

async fn ok(app: &TestApp, who: &str, id: i64, body: Value) -> Value {
    let res = act(app, who, id, body).await;
    assert_eq!(res.status, StatusCode::OK, "{who}: {}", res.text);
    res.body
}

fn side_states(detail: &Value) -> Vec<String> {
    detail["sides"]
        .as_array()
        .expect("sides")
        .iter()
        .map(|s| s["state"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn allowed(detail: &Value) -> Vec<String> {
    detail["allowed"]
        .as_array()
        .expect("allowed")
        .iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["side"].as_str().unwrap_or(""),
                a["action"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// A duplicate with ID in Hangzhou and Ningbo: both authorities uphold their record, the
/// province (their lowest common superior) arbitrates and keeps the Ningbo record, which takes
/// over the G number; the Hangzhou record is deleted.
async fn duplicate_with_id_goes_to_the_common_superior(b: Backend) {
    let app = spawn_app(b).await;
    let r = records(81, 1, false).remove(0);
    let first = register(&app, XH1, &r).await.student().clone();
    assert_eq!(first.number_kind, "G");
    let Outcome::Problem {
        student: dup,
        problem,
    } = register(&app, HS1, &r).await
    else {
        panic!("expected a problem record")
    };
    let id = problem.id;

    // Each school sees what it may do on its own side only.
    let t = app.token("nb-hs-1-registrar").await;
    let d = app.get(&format!("/api/v1/problems/{id}"), Some(&t)).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["kind"], "dup_with_id");
    assert_eq!(side_states(&d.body), ["open", "open"]);
    assert_eq!(allowed(&d.body), ["a:evidence", "a:change", "a:delete"]);
    assert_eq!(d.body["sides"][1]["in_scope"], false);
    let t = app.token("hz-xh-1-registrar").await;
    let d = app.get(&format!("/api/v1/problems/{id}"), Some(&t)).await;
    // The G record can't be deleted by its school.
    assert_eq!(allowed(&d.body), ["b:evidence", "b:change"]);
    let todo = app.get("/api/v1/problems?todo=true", Some(&t)).await;
    assert_eq!(todo.body["items"][0]["awaiting_me"], true, "{}", todo.text);

    // Bad input: no reason, no files, unknown file; the wrong side; the wrong actor.
    let res = act(
        &app,
        "nb-hs-1-registrar",
        id,
        json!({ "side": "a", "action": "evidence" }),
    )
    .await;
    let msg = assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(
        msg.contains("说明") || res.text.contains("佐证时须填写说明"),
        "{}",
        res.text
    );
    assert!(res.text.contains("\"evidence\""), "{}", res.text);
    let res = act(
        &app,
        "nb-hs-1-registrar",
        id,
        json!({ "side": "a", "action": "evidence", "reason": "户籍证明", "evidence": ["0".repeat(64)] }),
    )
    .await;
    assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(res.text.contains("evidence[0]"), "{}", res.text);
    let nb_file = evidence(&app, &app.token("nb-hs-1-registrar").await).await;
    let res = act(
        &app,
        "nb-hs-1-registrar",
        id,
        json!({ "side": "b", "action": "evidence", "reason": "x", "evidence": [nb_file] }),
    )
    .await;
    assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
    let res = act(
        &app,
        "nb-hs-registrar",
        id,
        json!({ "side": "a", "action": "approve" }),
    )
    .await;
    assert_error(&res, StatusCode::CONFLICT, "conflict");

    // Ningbo: evidence, its county returns it once, evidence again, upheld.
    let evid = json!({ "side": "a", "action": "evidence", "reason": "派出所户籍证明：本校学生身份无误", "evidence": [nb_file] });
    let d = ok(&app, "nb-hs-1-registrar", id, evid.clone()).await;
    assert_eq!(side_states(&d), ["claimed", "open"]);
    let res = act(
        &app,
        "nb-hs-registrar",
        id,
        json!({ "side": "a", "action": "return" }),
    )
    .await;
    assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let d = ok(
        &app,
        "nb-hs-registrar",
        id,
        json!({ "side": "a", "action": "return", "reason": "证明不清晰" }),
    )
    .await;
    assert_eq!(side_states(&d), ["open", "open"]);
    ok(&app, "nb-hs-1-registrar", id, evid).await;
    // The Hangzhou county is not Ningbo's authority.
    let res = act(
        &app,
        "hz-xh-registrar",
        id,
        json!({ "side": "a", "action": "approve" }),
    )
    .await;
    assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
    let d = ok(
        &app,
        "nb-hs-registrar",
        id,
        json!({ "side": "a", "action": "approve" }),
    )
    .await;
    assert_eq!(side_states(&d), ["upheld", "open"]);
    assert_eq!(d["state"], "open");

    // Hangzhou upholds its own record too: arbitration by the province.
    let hz_file = evidence(&app, &app.token("hz-xh-1-registrar").await).await;
    ok(&app, "hz-xh-1-registrar", id, json!({ "side": "b", "action": "evidence", "reason": "本校学生在读", "evidence": [hz_file] })).await;
    let d = ok(
        &app,
        "hz-xh-registrar",
        id,
        json!({ "side": "b", "action": "approve" }),
    )
    .await;
    assert_eq!(d["state"], "arbitration");
    assert_eq!(d["arbiter_name"], "浙江省教育厅");
    assert!(allowed(&d).is_empty());
    let res = act(
        &app,
        "hz-registrar",
        id,
        json!({ "side": "a", "action": "keep" }),
    )
    .await;
    assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
    let res = act(
        &app,
        "nb-hs-1-registrar",
        id,
        json!({ "side": "a", "action": "delete", "reason": "x" }),
    )
    .await;
    assert_error(&res, StatusCode::CONFLICT, "conflict");
    let t = app.token("zj-registrar").await;
    let todo = app.get("/api/v1/problems?todo=true", Some(&t)).await;
    assert_eq!(
        todo.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        todo.text
    );
    assert_eq!(todo.body["total"], 1);
    let d = app.get(&format!("/api/v1/problems/{id}"), Some(&t)).await;
    assert_eq!(allowed(&d.body), ["a:keep", "b:keep"]);
    let d = ok(
        &app,
        "zj-registrar",
        id,
        json!({ "side": "a", "action": "keep" }),
    )
    .await;
    assert_eq!(d["state"], "resolved");
    assert_eq!(side_states(&d), ["upheld", "left"]);
    assert!(
        d["resolution"].as_str().unwrap_or("").contains("仲裁"),
        "{d}"
    );

    // Ningbo keeps the person's G number; the Hangzhou record is deleted and falls back to L.
    let kept = student(&app, dup.id).await;
    assert_eq!(kept.student_number, first.student_number);
    assert_eq!(kept.number_kind, "G");
    let gone = student(&app, first.id).await;
    assert_eq!(gone.status, "deleted");
    assert_eq!(gone.number_kind, "L");
    let claim = identity_claims::Entity::find_by_id(kept.id_key.clone().expect("key"))
        .one(app.db())
        .await
        .expect("q")
        .expect("claim");
    assert_eq!(claim.student_id, kept.id);
    // The card keeps the history; the evidence is downloadable inside the jurisdiction only.
    let t = app.token("nb-hs-1-registrar").await;
    let card = app
        .get(&format!("/api/v1/students/{}", kept.id), Some(&t))
        .await;
    let numbers: Vec<&str> = card.body["numbers"]
        .as_array()
        .expect("numbers")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert_eq!(numbers, ["L", "G"], "{}", card.text);
    let d = app.get(&format!("/api/v1/problems/{id}"), Some(&t)).await;
    let sha = d.body["history"][0]["evidence"][0]
        .as_str()
        .expect("sha")
        .to_owned();
    let file = app
        .get(&format!("/api/v1/problems/{id}/evidence/{sha}"), Some(&t))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.text.starts_with("%PDF"));
    let other = app.token("nb-yz-registrar").await;
    assert_eq!(
        app.get(
            &format!("/api/v1/problems/{id}/evidence/{sha}"),
            Some(&other)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/problems/{id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Every action is audited.
    let audited = xueji_backend::entities::audit_log::Entity::find()
        .filter(xueji_backend::entities::audit_log::Column::Action.eq("problem.act"))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(audited, 7);
}
db_test!(
    duplicate_with_id_goes_to_the_common_superior,
    duplicate_with_id_goes_to_the_common_superior
);

/// The school of the temporary record deletes it (with its authority's approval): the problem
/// is resolved, the G record is untouched.
async fn deleting_the_duplicate_resolves_it(b: Backend) {
    let app = spawn_app(b).await;
    let r = records(82, 1, false).remove(0);
    let first = register(&app, XH1, &r).await.student().clone();
    let Outcome::Problem {
        student: dup,
        problem,
    } = register(&app, XH2, &r).await
    else {
        panic!("expected a problem record")
    };
    let d = ok(
        &app,
        "hz-xh-2-registrar",
        problem.id,
        json!({ "side": "a", "action": "delete", "reason": "重复注册" }),
    )
    .await;
    assert_eq!(side_states(&d), ["delete_requested", "open"]);
    let d = ok(
        &app,
        "hz-xh-registrar",
        problem.id,
        json!({ "side": "a", "action": "approve" }),
    )
    .await;
    assert_eq!(d["state"], "resolved");
    assert_eq!(student(&app, dup.id).await.status, "deleted");
    let kept = student(&app, first.id).await;
    assert_eq!(
        (kept.status.as_str(), kept.student_number.as_str()),
        ("active", first.student_number.as_str())
    );
    let t = app.token("hz-xh-registrar").await;
    assert_eq!(app.get("/api/v1/problems", Some(&t)).await.body["total"], 0);
    let resolved = app.get("/api/v1/problems?state=resolved", Some(&t)).await;
    assert_eq!(resolved.body["items"][0]["state_label"], "已解决");
    assert_error(
        &app.get("/api/v1/problems?state=maybe", Some(&t)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
}
db_test!(
    deleting_the_duplicate_resolves_it,
    deleting_the_duplicate_resolves_it
);

/// Two children without an ID share name, gender and birth date: both pass once their
/// evidence is approved, and the temporary one gets its J number. Then one of them receives a
/// citizen ID through a change: J becomes G, the J number stays in its history.
async fn duplicate_without_id_both_pass_and_j_becomes_g(b: Backend) {
    let app = spawn_app(b).await;
    let r = records(83, 1, true).remove(0);
    assert_eq!(r.id_type, "Z", "synth made a record without ID");
    let first = register(&app, XH1, &r).await.student().clone();
    assert_eq!(first.number_kind, "J");
    let Outcome::Problem {
        student: dup,
        problem,
    } = register(&app, HS1, &r).await
    else {
        panic!("expected a problem record")
    };
    assert_eq!(problem.kind, ProblemKind::DupWithoutId.as_str());
    let id = problem.id;
    let nb_file = evidence(&app, &app.token("nb-hs-1-registrar").await).await;
    let hz_file = evidence(&app, &app.token("hz-xh-1-registrar").await).await;
    ok(&app, "nb-hs-1-registrar", id, json!({ "side": "a", "action": "evidence", "reason": "出生医学证明", "evidence": [nb_file] })).await;
    ok(
        &app,
        "nb-hs-registrar",
        id,
        json!({ "side": "a", "action": "approve" }),
    )
    .await;
    ok(&app, "hz-xh-1-registrar", id, json!({ "side": "b", "action": "evidence", "reason": "出生医学证明", "evidence": [hz_file.clone()] })).await;
    let d = ok(
        &app,
        "hz-xh-registrar",
        id,
        json!({ "side": "b", "action": "approve" }),
    )
    .await;
    assert_eq!(d["state"], "resolved");
    assert_eq!(
        d["resolution"],
        "双方主管部门核办通过佐证材料，均为正常学籍"
    );
    let passed = student(&app, dup.id).await;
    assert_eq!(passed.number_kind, "J", "{}", passed.student_number);
    assert_ne!(passed.student_number, first.student_number);

    // A problem about the Hangzhou child: its school changes its identity to a valid citizen
    // ID. Bad change input is named field by field.
    let tx = app.state.begin_write().await.expect("tx");
    let p = xueji_backend::student::open_problem(
        &*tx,
        "330000",
        ProblemKind::InvalidId,
        first.id,
        None,
    )
    .await
    .expect("open");
    tx.commit().await.expect("commit");
    let with_id = records(84, 1, false).remove(0);
    let change = json!({
        "name": r.name, "gender": with_id.gender, "birth_date": with_id.birth_date.map(|d| d.to_string()),
        "id_type": "1", "id_number": with_id.id_number,
    });
    let mut wrong = change.clone();
    wrong["id_number"] = json!(format!("{}X", &with_id.id_number[..17]));
    if wrong["id_number"] == change["id_number"] {
        wrong["id_number"] = json!(format!("{}0", &with_id.id_number[..17]));
    }
    wrong["birth_date"] = json!("2020-13-01");
    let res = act(&app, "hz-xh-1-registrar", p.id, json!({ "side": "a", "action": "change", "reason": "补录身份证号", "evidence": [hz_file.clone()], "change": wrong })).await;
    assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(res.text.contains("change.birth_date"), "{}", res.text);
    assert!(res.text.contains("change.id_number"), "{}", res.text);
    let d = ok(&app, "hz-xh-1-registrar", p.id, json!({ "side": "a", "action": "change", "reason": "补录身份证号", "evidence": [hz_file], "change": change })).await;
    assert_eq!(side_states(&d), ["change_requested"]);
    assert_eq!(d["history"][0]["change"]["id_number"], with_id.id_number);
    let d = ok(
        &app,
        "hz-xh-registrar",
        p.id,
        json!({ "side": "a", "action": "approve" }),
    )
    .await;
    assert_eq!(d["state"], "resolved");
    let g = student(&app, first.id).await;
    assert_eq!(g.number_kind, "G");
    assert_eq!(g.student_number, format!("G{}", with_id.id_number));
    let t = app.token("hz-xh-1-registrar").await;
    let card = app
        .get(&format!("/api/v1/students/{}", first.id), Some(&t))
        .await;
    let history: Vec<(String, bool)> = card.body["numbers"]
        .as_array()
        .expect("numbers")
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap_or("").to_owned(),
                n["retired_at"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [("L".into(), false), ("J".into(), false), ("G".into(), true)],
        "{}",
        card.text
    );
    assert_eq!(card.body["record"]["id_number"], with_id.id_number);
    // The new ID is claimed: registering it again elsewhere is a duplicate.
    let mut again = with_id.clone();
    again.name = r.name.clone();
    let out = register(&app, HS1, &again).await;
    assert!(matches!(out, Outcome::Problem { .. }), "{out:?}");
}
db_test!(
    duplicate_without_id_both_pass_and_j_becomes_g,
    duplicate_without_id_both_pass_and_j_becomes_g
);

/// Deleting records: a temporary one by its authority; a formal one only by the province,
/// with evidence, when the province's switch is on.
async fn formal_records_are_deleted_only_by_the_province(b: Backend) {
    let app = spawn_app(b).await;
    let rs = records(85, 2, false);
    let g = register(&app, XH1, &rs[0]).await.student().clone();
    let Outcome::Problem { student: l, .. } = register(&app, HS1, &rs[0]).await else {
        panic!("expected a problem record")
    };
    let path = |id: i64| format!("/api/v1/students/{id}/deletion");
    let body = json!({ "reason": "重复注册" });

    // Temporary record: its school can't, its county can (a reason is required).
    let school = app.token("nb-hs-1-registrar").await;
    assert_error(
        &app.post(&path(l.id), body.clone(), Some(&school)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let county = app.token("nb-hs-registrar").await;
    assert_error(
        &app.post(&path(l.id), json!({ "reason": " " }), Some(&county))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
    let res = app.post(&path(l.id), body.clone(), Some(&county)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["status"], "deleted");
    assert_error(
        &app.post(&path(l.id), body.clone(), Some(&county)).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    // Its problem record is resolved with it.
    let t = app.token("hz-xh-1-registrar").await;
    assert_eq!(app.get("/api/v1/problems", Some(&t)).await.body["total"], 0);

    // Formal record: the county can't; the province can't while the switch is off.
    let county = app.token("hz-xh-registrar").await;
    let res = app.post(&path(g.id), body.clone(), Some(&county)).await;
    let msg = assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
    assert!(msg.contains("省级"), "{msg}");
    let province = app.token("zj-registrar").await;
    let res = app.post(&path(g.id), body.clone(), Some(&province)).await;
    let msg = assert_error(&res, StatusCode::FORBIDDEN, "forbidden");
    assert!(msg.contains("未开启"), "{msg}");
    let admin = app.token("zj-admin").await;
    let mut switches =
        app.get("/api/v1/config/switches", Some(&admin)).await.body["settings"].clone();
    switches["delete_with_formal_number"] = json!(true);
    let res = app
        .call(
            http::Method::PUT,
            "/api/v1/config/switches",
            Some(switches),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // Evidence is required.
    let res = app.post(&path(g.id), body.clone(), Some(&province)).await;
    assert_error(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(res.text.contains("\"evidence\""), "{}", res.text);
    let file = evidence(&app, &province).await;
    let res = app
        .post(
            &path(g.id),
            json!({ "reason": "经核实为虚假学籍", "evidence": [file] }),
            Some(&province),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let gone = student(&app, g.id).await;
    assert_eq!(gone.status, "deleted");
    assert_eq!(
        identity_claims::Entity::find()
            .filter(identity_claims::Column::StudentId.eq(g.id))
            .count(app.db())
            .await
            .expect("count"),
        0
    );
    // Another province's registrar doesn't even see the record.
    let other = app.token("nb-hs-1-registrar").await;
    assert_eq!(
        app.post(&path(rs.len() as i64 + 100), body, Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
db_test!(
    formal_records_are_deleted_only_by_the_province,
    formal_records_are_deleted_only_by_the_province
);
