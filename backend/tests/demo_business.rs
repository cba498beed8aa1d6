//! The demo business (`XUEJI_DEMO_BUSINESS`, on with the README's start command), on SQLite and
//! PostgreSQL: students in every grade of every demo school, open registration requests at
//! several steps in every school leader's and county's inbox, some overdue, problem records —
//! so that a newcomer signed in as any business account finds something to do.

mod common;

use std::collections::BTreeSet;

use common::{spawn_app, Backend};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use xueji_backend::entities::{organisations, problems, students};
use xueji_shared::org::SchoolKind;
use xueji_shared::stage::{Grade, StageLengths};

async fn demo_business_gives_every_account_something_to_do(b: Backend) {
    let app = spawn_app(b).await;
    let c = xueji_backend::demo::seed_business(&app.state)
        .await
        .expect("seed");
    assert!(c.students > 0 && c.requests > 0 && c.overdue > 0, "{c:?}");
    let today = xueji_backend::clock::today();
    let lengths = StageLengths::default();
    let schools = organisations::Entity::find()
        .filter(organisations::Column::Level.eq("school"))
        .all(app.db())
        .await
        .expect("schools");
    assert_eq!(schools.len(), 12);
    for school in &schools {
        let kind = SchoolKind::parse(school.stages.as_deref().unwrap_or_default()).expect("kind");
        let rows = students::Entity::find()
            .filter(students::Column::SchoolId.eq(school.id))
            .all(app.db())
            .await
            .expect("students");
        let mut have = BTreeSet::new();
        for s in &rows {
            let (code, _) =
                xueji_backend::student::grades::current(s.stage.as_deref(), s.cohort, today);
            have.extend(code);
        }
        for &stage in kind.stages() {
            for y in 1..=lengths.years(stage) {
                let code = Grade { stage, year: y }.code();
                assert!(
                    have.contains(&code),
                    "{} lacks grade {code}: {have:?}",
                    school.name
                );
            }
        }
    }
    // Every school leader and every county registrar has items waiting; some are overdue.
    let mut overdue = 0;
    for who in [
        "hz-sc-1-leader",
        "hz-xh-2-leader",
        "nb-yz-3-leader",
        "hz-sc-registrar",
        "hz-xh-registrar",
        "nb-hs-registrar",
        "nb-yz-registrar",
        "hz-xh-1-registrar",
    ] {
        let t = app.token(who).await;
        let r = app.get("/api/v1/inbox/summary", Some(&t)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(
            r.body["waiting"].as_u64().expect("n") > 0,
            "{who}: {}",
            r.text
        );
        overdue += r.body["overdue"].as_u64().expect("n");
    }
    assert!(overdue > 0);
    // The province sees overdue steps, counted per city.
    let t = app.token("zj-registrar").await;
    let r = app.get("/api/v1/overdue", Some(&t)).await;
    assert!(
        r.body["page"]["total"].as_u64().expect("n") > 0,
        "{}",
        r.text
    );
    assert!(!r.body["counts"].as_array().expect("counts").is_empty());
    // The counts agree with the overdue steps themselves.
    let summed: u64 = r.body["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| c["total"].as_u64().expect("n"))
        .sum();
    assert_eq!(summed, overdue, "{}", r.text);
    let off = xueji_backend::engine::tally::mismatches(app.db())
        .await
        .expect("tallies");
    assert!(off.is_empty(), "{off:?}");
    let kinds: BTreeSet<String> = problems::Entity::find()
        .all(app.db())
        .await
        .expect("problems")
        .into_iter()
        .map(|p| p.kind)
        .collect();
    assert_eq!(
        kinds,
        ["dup_with_id", "dup_without_id", "invalid_id"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    // Key-field change requests: one at the school leader, one at the county.
    for who in ["hz-xh-1-leader", "hz-xh-registrar"] {
        let t = app.token(who).await;
        let r = app.get("/api/v1/inbox?business=change", Some(&t)).await;
        assert_eq!(r.body["total"], 1, "{who}: {}", r.text);
        let link = r.body["items"][0]["link"]
            .as_str()
            .expect("link")
            .to_owned();
        let id = link.rsplit('/').next().expect("id");
        let d = app.get(&format!("/api/v1/changes/{id}"), Some(&t)).await;
        assert_eq!(d.body["allowed_actions"][0], "approve", "{}", d.text);
        assert_eq!(d.body["changes"][0]["field"], "name");
    }
}
db_test!(
    demo_business_gives_every_account_something_to_do,
    demo_business_gives_every_account_something_to_do
);
