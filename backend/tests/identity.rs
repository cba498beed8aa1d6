//! The national duplicate check: one claim per ID key, race-safe, on SQLite and PostgreSQL.

mod common;

use chrono::{NaiveDate, Utc};
use common::{spawn_app, Backend, TestApp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use xueji_backend::entities::{organisations, students};
use xueji_backend::student::identity::{self, Claim};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::dedup;
use xueji_shared::record::StudentRecord;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

async fn school(app: &TestApp, code: &str) -> organisations::Model {
    organisations::Entity::find()
        .filter(organisations::Column::Code.eq(code))
        .one(app.db())
        .await
        .expect("q")
        .expect("school")
}

/// Insert a student row for `record` with a temporary number `L…{n}`.
async fn insert(
    app: &TestApp,
    school: &organisations::Model,
    r: &StudentRecord,
    n: usize,
) -> students::Model {
    let birth = r.birth_date.expect("birth date");
    let now = Utc::now();
    students::ActiveModel {
        province_code: Set(school.province_code.clone()),
        school_id: Set(school.id),
        class_id: Set(None),
        student_number: Set(format!("L330106{n:012}")),
        number_kind: Set("L".into()),
        status: Set("active".into()),
        name: Set(r.name.clone()),
        gender: Set(r.gender.clone()),
        birth_date: Set(birth),
        id_type: Set(r.id_type.clone()),
        id_number: Set(Some(r.id_number.clone())),
        id_key: Set(dedup::id_key(&r.id_type, &r.id_number, today())),
        person_key: Set(format!(
            "person:{}:{}:{}",
            dedup::normalise_name(&r.name),
            r.gender,
            birth.format("%Y%m%d")
        )),
        record: Set(serde_json::to_string(r).expect("json")),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("student")
}

async fn simultaneous_registrations_of_one_id_leave_one_owner(b: Backend) {
    let app = spawn_app(b).await;
    let s = school(&app, "3330106001").await;
    let record = generate(SynthSpec::new(11, 1, 330106, today()))
        .expect("synth")
        .remove(0);
    let key = dedup::id_key(&record.id_type, &record.id_number, today()).expect("an ID");
    // Eight schools' registrars register the same child at the same moment.
    let mut ids = Vec::new();
    for n in 0..8 {
        ids.push(insert(&app, &s, &record, n).await.id);
    }
    let mut tasks = Vec::new();
    for id in ids.clone() {
        let state = app.state.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let tx = state.begin_write().await.expect("tx");
            let c = identity::claim(&*tx, &key, id, "330000")
                .await
                .expect("claim");
            tx.commit().await.expect("commit");
            (id, c)
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.expect("join"));
    }
    let winners: Vec<i64> = outcomes
        .iter()
        .filter(|(_, c)| *c == Claim::Won)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one owner: {outcomes:?}");
    for (id, c) in &outcomes {
        if *id != winners[0] {
            assert_eq!(
                *c,
                Claim::Taken { owner: winners[0] },
                "the others see the owner"
            );
        }
    }
    // Claiming again is idempotent for the owner, refused for anyone else.
    assert_eq!(
        identity::claim(app.db(), &key, winners[0], "330000")
            .await
            .expect("c"),
        Claim::Won
    );
    let other = ids
        .iter()
        .copied()
        .find(|i| *i != winners[0])
        .expect("other");
    assert_eq!(
        identity::claim(app.db(), &key, other, "330000")
            .await
            .expect("c"),
        Claim::Taken { owner: winners[0] }
    );
    // Only the owner can release; then the next claim wins.
    identity::release(app.db(), &key, other).await.expect("r");
    assert_eq!(
        identity::claim(app.db(), &key, other, "330000")
            .await
            .expect("c"),
        Claim::Taken { owner: winners[0] }
    );
    identity::release(app.db(), &key, winners[0])
        .await
        .expect("r");
    assert_eq!(
        identity::claim(app.db(), &key, other, "330000")
            .await
            .expect("c"),
        Claim::Won
    );
}
db_test!(
    simultaneous_registrations_of_one_id_leave_one_owner,
    simultaneous_registrations_of_one_id_leave_one_owner
);

async fn the_same_child_without_an_id_is_found_by_person_key(b: Backend) {
    let app = spawn_app(b).await;
    let s = school(&app, "3330106001").await;
    let mut records = generate(SynthSpec::new(5, 3, 330106, today())).expect("synth");
    // A second school registers the first child with the name written with full-width spaces.
    let mut twin = records[0].clone();
    twin.name = twin
        .name
        .chars()
        .flat_map(|c| [c, '\u{3000}'])
        .collect::<String>()
        .trim_end_matches('\u{3000}')
        .to_owned();
    records.push(twin);
    let mut rows = Vec::new();
    for (n, r) in records.iter().enumerate() {
        rows.push(insert(&app, &s, r, 100 + n).await);
    }
    let first = &rows[0];
    let matches = identity::person_matches(app.db(), &first.person_key, Some(first.id), 10)
        .await
        .expect("m");
    assert_eq!(matches, vec![rows[3].id], "the twin record, and only it");
    assert!(
        identity::person_matches(app.db(), &rows[1].person_key, Some(rows[1].id), 10)
            .await
            .expect("m")
            .is_empty()
    );
}
db_test!(
    the_same_child_without_an_id_is_found_by_person_key,
    the_same_child_without_an_id_is_found_by_person_key
);
