//! Migration 14 brings stored records to the national form's codes (issue 15): a student's
//! record and an open registration request's record written with the old codes read back with
//! the form's, on SQLite and PostgreSQL; records already on the new codes stay as they are.

mod common;

use common::{spawn_app, Backend};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use xueji_backend::entities::{organisations, requests, students};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_migrations::MigratorTrait;
use xueji_shared::record::StudentRecord;

fn aged(mut r: StudentRecord) -> StudentRecord {
    r.political_status = "14".into();
    r.health_status = "1".into();
    r.entry_mode = "3".into();
    r.student_source = "3".into();
    r
}

async fn old_codes_become_the_forms(b: Backend) {
    let app = spawn_app(b).await;
    let school = organisations::Entity::find()
        .filter(organisations::Column::Code.eq("3330106001"))
        .one(app.db())
        .await
        .expect("q")
        .expect("school");
    let mut spec = SynthSpec::new(77, 3, 330106, xueji_backend::clock::today());
    spec.hmt_share = 0.0;
    let recs = generate(spec).expect("synth");
    let rules = xueji_backend::student::rules_for(
        app.db(),
        &school,
        xueji_shared::business::registration::api_registration::RegistrationKind::InSchool,
    )
    .await
    .expect("rules");
    let mut ids = Vec::new();
    for r in &recs[..2] {
        xueji_backend::student::register(app.db(), &school, r, &rules)
            .await
            .expect("register");
        let s = students::Entity::find()
            .filter(students::Column::Name.eq(r.name.trim()))
            .one(app.db())
            .await
            .expect("q")
            .expect("student");
        ids.push(s.id);
    }
    // The first student's record and an open request's record as an older version wrote them.
    let s = students::Entity::find_by_id(ids[0])
        .one(app.db())
        .await
        .expect("q")
        .expect("s");
    let old: StudentRecord = aged(serde_json::from_str(&s.record).expect("record"));
    let untouched_before = students::Entity::find_by_id(ids[1])
        .one(app.db())
        .await
        .expect("q")
        .expect("s")
        .record;
    let mut am: students::ActiveModel = s.into();
    am.record = Set(serde_json::to_string(&old).expect("json"));
    am.update(app.db()).await.expect("update");
    let reg = app.token("hz-xh-1-registrar").await;
    let r = app
        .post(
            "/api/v1/registrations",
            serde_json::json!({ "kind": "in_school", "record": recs[2] }),
            Some(&reg),
        )
        .await;
    assert_eq!(r.status, http::StatusCode::CREATED, "{}", r.text);
    let rid = r.body["id"].as_i64().expect("id");
    let row = requests::Entity::find_by_id(rid)
        .one(app.db())
        .await
        .expect("q")
        .expect("request");
    let mut am: requests::ActiveModel = row.into();
    am.payload = Set(serde_json::to_string(&aged(recs[2].clone())).expect("json"));
    am.update(app.db()).await.expect("update");
    // Run migration 14 again, as on a database that predates it (rolling back it and every
    // later one).
    let names: Vec<String> = xueji_migrations::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == "m20261202_000014_form_codes")
        .expect("migration 14");
    xueji_migrations::Migrator::down(app.db(), Some(u32::try_from(names.len() - at).expect("n")))
        .await
        .expect("down");
    xueji_migrations::Migrator::up(app.db(), None)
        .await
        .expect("up");
    let s = students::Entity::find_by_id(ids[0])
        .one(app.db())
        .await
        .expect("q")
        .expect("s");
    let now: StudentRecord = serde_json::from_str(&s.record).expect("record");
    assert_eq!(
        (
            now.political_status.as_str(),
            now.health_status.as_str(),
            now.student_source.as_str()
        ),
        ("13", "10", "9")
    );
    assert_eq!(
        now.entry_mode,
        if now.grade.starts_with('3') {
            "21"
        } else {
            "11"
        }
    );
    let p: StudentRecord = serde_json::from_str(
        &requests::Entity::find_by_id(rid)
            .one(app.db())
            .await
            .expect("q")
            .expect("r")
            .payload,
    )
    .expect("payload");
    assert_eq!(p.political_status, "13");
    assert_eq!(p.health_status, "10");
    // A record on the form's codes is not rewritten.
    let after = students::Entity::find_by_id(ids[1])
        .one(app.db())
        .await
        .expect("q")
        .expect("s")
        .record;
    assert_eq!(after, untouched_before);
}
db_test!(old_codes_become_the_forms, old_codes_become_the_forms);
