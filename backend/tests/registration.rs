//! The effect of an approved registration: L number, national duplicate check, formal number or
//! problem record — on SQLite and PostgreSQL.

mod common;

use chrono::NaiveDate;
use common::{spawn_app, Backend, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use xueji_backend::entities::{organisations, student_numbers};
use xueji_backend::error::AppError;
use xueji_backend::student::{
    self as registration, Outcome, PROBLEM_DUP_WITHOUT_ID, PROBLEM_DUP_WITH_ID,
};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::record::{RecordRules, StudentRecord};
use xueji_shared::stage::Stage;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn rules() -> RecordRules {
    let mut r = RecordRules::new(today());
    r.school_stages = vec![Stage::Primary];
    r
}

async fn school(app: &TestApp, code: &str) -> organisations::Model {
    organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code))
        .one(app.db())
        .await
        .expect("q")
        .expect("school")
}

fn records(seed: u64, n: usize, no_id_share: f64) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, today());
    spec.no_id_share = no_id_share;
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

async fn register(
    app: &TestApp,
    school: &organisations::Model,
    r: &StudentRecord,
) -> Result<Outcome, AppError> {
    let tx = app.state.begin_write().await.expect("tx");
    let out = registration::register(&*tx, school, r, &rules()).await;
    if out.is_ok() {
        tx.commit().await.expect("commit");
    }
    out
}

async fn an_id_holder_gets_a_g_number_and_a_second_registration_a_problem(b: Backend) {
    let app = spawn_app(b).await;
    let xh = school(&app, "3330106001").await;
    let other = school(&app, "3330203001").await;
    let r = records(21, 1, 0.0).remove(0);

    let first = register(&app, &xh, &r).await.expect("register");
    let Outcome::Formal { student } = &first else {
        panic!("expected a formal number: {first:?}")
    };
    assert_eq!(student.student_number, format!("G{}", r.id_number));
    assert_eq!(student.number_kind, "G");
    let stored: StudentRecord = serde_json::from_str(&student.record).expect("json");
    assert_eq!(stored.student_number, student.student_number);
    // History: the L number (retired) then the G number.
    let hist = student_numbers::Entity::find()
        .filter(student_numbers::Column::StudentId.eq(student.id))
        .order_by_asc(student_numbers::Column::Id)
        .all(app.db())
        .await
        .expect("history");
    assert_eq!(hist.len(), 2);
    assert!(hist[0].number.starts_with("L330106") && hist[0].retired_at.is_some());
    assert_eq!(hist[1].number, student.student_number);
    assert!(hist[1].retired_at.is_none());

    // Another county's school registers the same child: a duplicate with ID.
    let second = register(&app, &other, &r).await.expect("register");
    let Outcome::Problem {
        student: dup,
        problem,
    } = &second
    else {
        panic!("expected a problem: {second:?}")
    };
    assert_eq!(problem.kind, PROBLEM_DUP_WITH_ID);
    assert_eq!(problem.other_student_id, Some(student.id));
    assert_eq!(problem.state, "open");
    assert_eq!(dup.number_kind, "L");
    assert!(dup.student_number.starts_with("L330203"));
}
db_test!(
    an_id_holder_gets_a_g_number_and_a_second_registration_a_problem,
    an_id_holder_gets_a_g_number_and_a_second_registration_a_problem
);

async fn a_child_without_an_id_gets_a_j_number_and_a_twin_record_a_problem(b: Backend) {
    let app = spawn_app(b).await;
    let xh = school(&app, "3330106001").await;
    let mut without = records(33, 40, 1.0);
    let r = without.remove(0);
    assert_eq!(r.id_type, "Z", "synth made a record without an ID");
    let out = register(&app, &xh, &r).await.expect("register");
    let Outcome::Formal { student } = &out else {
        panic!("{out:?}")
    };
    assert_eq!(student.number_kind, "J");
    let j = &student.student_number;
    assert!(
        j.starts_with(&format!(
            "J330106{}",
            r.birth_date.expect("b").format("%Y%m%d")
        )),
        "{j}"
    );
    // The same child again, the name typed with a middle dot and spaces.
    let mut twin = r.clone();
    twin.name = format!(
        " {} ",
        r.name
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join("·")
    );
    let out = register(&app, &xh, &twin).await.expect("register");
    let Outcome::Problem { problem, .. } = &out else {
        panic!("{out:?}")
    };
    assert_eq!(problem.kind, PROBLEM_DUP_WITHOUT_ID);
    assert_eq!(problem.other_student_id, Some(student.id));
    // Other children without ID get distinct J numbers.
    let mut numbers = std::collections::HashSet::new();
    for r in without.iter().take(10) {
        if let Outcome::Formal { student } = register(&app, &xh, r).await.expect("register") {
            assert!(numbers.insert(student.student_number.clone()));
        }
    }
    assert!(numbers.len() >= 9);
}
db_test!(
    a_child_without_an_id_gets_a_j_number_and_a_twin_record_a_problem,
    a_child_without_an_id_gets_a_j_number_and_a_twin_record_a_problem
);

async fn an_invalid_record_is_refused_with_every_field_and_nothing_written(b: Backend) {
    let app = spawn_app(b).await;
    let xh = school(&app, "3330106001").await;
    let mut r = records(41, 1, 0.0).remove(0);
    // Wrong check character, and no name.
    let last = r.id_number.pop().expect("char");
    r.id_number.push(if last == '0' { '1' } else { '0' });
    r.name.clear();
    match register(&app, &xh, &r).await {
        Err(AppError::Validation(fields)) => {
            let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
            assert!(
                names.contains(&"id_number") && names.contains(&"name"),
                "{names:?}"
            );
            let msg = &fields
                .iter()
                .find(|f| f.field == "id_number")
                .expect("id")
                .message;
            assert!(msg.contains("校验码"), "{msg}");
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
    let n = xueji_backend::entities::students::Entity::find()
        .all(app.db())
        .await
        .expect("q")
        .len();
    assert_eq!(n, 0);
}
db_test!(
    an_invalid_record_is_refused_with_every_field_and_nothing_written,
    an_invalid_record_is_refused_with_every_field_and_nothing_written
);

async fn simultaneous_registrations_end_with_one_record_and_problems(b: Backend) {
    let app = spawn_app(b).await;
    let r = records(55, 1, 0.0).remove(0);
    let codes = ["3330106001", "3330102001", "3330203001", "3330212001"];
    let mut schools = Vec::new();
    for c in codes {
        schools.push(school(&app, c).await);
    }
    let mut tasks = Vec::new();
    for s in schools {
        let state = app.state.clone();
        let r = r.clone();
        tasks.push(tokio::spawn(async move {
            let tx = state.begin_write().await.expect("tx");
            let out = registration::register(&*tx, &s, &r, &rules())
                .await
                .expect("register");
            tx.commit().await.expect("commit");
            out
        }));
    }
    let mut formal = 0;
    let mut problems = 0;
    for t in tasks {
        match t.await.expect("join") {
            Outcome::Formal { .. } => formal += 1,
            Outcome::Problem { problem, .. } => {
                assert_eq!(problem.kind, PROBLEM_DUP_WITH_ID);
                problems += 1;
            }
        }
    }
    assert_eq!(
        (formal, problems),
        (1, 3),
        "one record owns the ID; the others are problem records"
    );
}
db_test!(
    simultaneous_registrations_end_with_one_record_and_problems,
    simultaneous_registrations_end_with_one_record_and_problems
);
