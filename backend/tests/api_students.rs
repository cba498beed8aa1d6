//! Finding students of the jurisdiction and reading the student card, on SQLite and PostgreSQL.

mod common;

use common::{assert_error, spawn_app, Backend, TestApp};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use xueji_backend::entities::organisations;
use xueji_backend::registration::{self, Outcome};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::stage::Stage;

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

fn records(seed: u64, n: usize) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, xueji_backend::clock::today());
    spec.no_id_share = 0.0;
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["student_number"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn search_and_card_stay_in_the_jurisdiction(b: Backend) {
    let app = spawn_app(b).await;
    let rs = records(61, 4);
    let mut ours = Vec::new();
    for r in &rs[..3] {
        ours.push(register(&app, "3330106001", r).await.student().clone());
    }
    let theirs = register(&app, "3330203001", &rs[3]).await.student().clone();
    // The first child registered again in Ningbo: a duplicate with ID.
    let dup = register(&app, "3330203001", &rs[0]).await;
    let Outcome::Problem {
        student: dup_student,
        ..
    } = &dup
    else {
        panic!("{dup:?}")
    };

    let school_reg = app.token("hz-xh-1-registrar").await;
    let page = app.get("/api/v1/students", Some(&school_reg)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.body["total"], 3);
    assert!(!page.text.contains(&theirs.student_number));
    let province = app.token("zj-leader").await;
    assert_eq!(
        app.get("/api/v1/students", Some(&province)).await.body["total"],
        5
    );

    // By number, by ID number, by part of the name.
    let by_number = app
        .get(
            &format!(
                "/api/v1/students?q={}",
                ours[1].student_number.to_lowercase()
            ),
            Some(&school_reg),
        )
        .await;
    assert_eq!(numbers(&by_number.body), [ours[1].student_number.clone()]);
    let by_id = app
        .get(
            &format!("/api/v1/students?q={}", rs[2].id_number),
            Some(&school_reg),
        )
        .await;
    assert_eq!(numbers(&by_id.body), [ours[2].student_number.clone()]);
    let given: String = rs[1].name.chars().skip(1).collect();
    let by_name = app
        .get(
            &format!("/api/v1/students?q={}", urlencode(&given)),
            Some(&school_reg),
        )
        .await;
    assert!(
        numbers(&by_name.body).contains(&ours[1].student_number),
        "{}",
        by_name.text
    );

    // Problem flag.
    let nb = app.token("nb-hs-registrar").await;
    let flagged = app.get("/api/v1/students?problem=true", Some(&nb)).await;
    assert_eq!(
        numbers(&flagged.body),
        vec![dup_student.student_number.clone()]
    );
    assert_eq!(flagged.body["items"][0]["has_problem"], true);
    let clean = app.get("/api/v1/students?problem=false", Some(&nb)).await;
    assert_eq!(numbers(&clean.body), vec![theirs.student_number.clone()]);

    // The card: the record, the numbers held, the problem naming both sides.
    let card = app
        .get(&format!("/api/v1/students/{}", dup_student.id), Some(&nb))
        .await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.text);
    assert_eq!(card.body["number_kind"], "L");
    assert_eq!(card.body["record"]["name"], rs[0].name);
    assert_eq!(card.body["problems"][0]["kind"], "dup_with_id");
    assert_eq!(
        card.body["problems"][0]["other_student_number"],
        ours[0].student_number
    );
    assert_eq!(
        card.body["problems"][0]["other_school_name"],
        "杭州市西湖区求是小学"
    );
    let ours_card = app
        .get(
            &format!("/api/v1/students/{}", ours[0].id),
            Some(&school_reg),
        )
        .await;
    let hist: Vec<_> = ours_card.body["numbers"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(hist, ["L", "G"]);
    assert_eq!(
        ours_card.body["number_kind_label"],
        "正式学籍号（身份证号）"
    );

    // Outside the jurisdiction: 404; administrators: no business.
    assert_error(
        &app.get(
            &format!("/api/v1/students/{}", theirs.id),
            Some(&school_reg),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let other_school = school(&app, "3330203001").await;
    assert_error(
        &app.get(
            &format!("/api/v1/students?school_id={}", other_school.id),
            Some(&school_reg),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let admin = app.token("hz-xh-1-admin").await;
    assert_error(
        &app.get("/api/v1/students", Some(&admin)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}
db_test!(
    search_and_card_stay_in_the_jurisdiction,
    search_and_card_stay_in_the_jurisdiction
);

async fn both_sides_of_a_duplicate_see_the_problem(b: Backend) {
    let app = spawn_app(b).await;
    let r = records(71, 1).remove(0);
    let first = register(&app, "3330106001", &r).await.student().clone();
    let dup = register(&app, "3330203001", &r).await;
    let Outcome::Problem { student, problem } = &dup else {
        panic!("{dup:?}")
    };
    for who in [
        "hz-xh-1-registrar",
        "hz-xh-leader",
        "nb-hs-1-registrar",
        "nb-hs-registrar",
        "zj-registrar",
    ] {
        let t = app.token(who).await;
        let res = app.get("/api/v1/problems", Some(&t)).await;
        assert_eq!(res.status, StatusCode::OK, "{who}: {}", res.text);
        let list = res.body.as_array().expect("list");
        assert_eq!(list.len(), 1, "{who} sees the pair: {}", res.text);
        assert_eq!(list[0]["id"], problem.id);
        assert_eq!(list[0]["kind"], "dup_with_id");
        assert_eq!(list[0]["student_number"], student.student_number);
        assert_eq!(list[0]["other_student_number"], first.student_number);
        assert_eq!(list[0]["other_school_name"], "杭州市西湖区求是小学");
    }
    // A county with neither school sees nothing; resolved ones are a separate list.
    let t = app.token("nb-yz-registrar").await;
    assert_eq!(
        app.get("/api/v1/problems", Some(&t)).await.body,
        serde_json::json!([])
    );
    let t = app.token("nb-hs-registrar").await;
    assert_eq!(
        app.get("/api/v1/problems?state=resolved", Some(&t))
            .await
            .body,
        serde_json::json!([])
    );
    let admin = app.token("nb-hs-admin").await;
    assert_error(
        &app.get("/api/v1/problems", Some(&admin)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}
db_test!(
    both_sides_of_a_duplicate_see_the_problem,
    both_sides_of_a_duplicate_see_the_problem
);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
