//! The request engine through the API, on SQLite and PostgreSQL: one inbox for every business
//! (paged past 500 lines, oldest reachable), the 10-working-day deadlines over a province
//! calendar, the overdue list with counts one level down, forced intervention (every refusal
//! and the one acceptance), and exactly-once transitions under 50 simultaneous approvals.

mod common;

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use common::{assert_error, spawn_app, Backend, TestApp};
use http::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};
use xueji_backend::entities::{
    audit_log, calendar_days, request_actions, request_steps, requests, students,
};
use xueji_backend::synth::{generate, SynthSpec};
use xueji_shared::record::StudentRecord;

fn records(seed: u64, n: usize) -> Vec<StudentRecord> {
    let mut spec = SynthSpec::new(seed, n, 330106, xueji_backend::clock::today());
    spec.no_id_share = 0.0;
    spec.hmt_share = 0.0;
    generate(spec).expect("synth")
}

async fn submit(app: &TestApp, token: &str, r: &StudentRecord) -> i64 {
    let res = app
        .post(
            "/api/v1/registrations",
            json!({ "kind": "in_school", "record": r }),
            Some(token),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body["id"].as_i64().expect("id")
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

/// Every line of a queue, page by page.
async fn all_pages(app: &TestApp, token: &str, path: &str) -> (u64, Vec<Value>) {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    let total = loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=100&cursor={c}"),
            None => format!("{path}{sep}limit=100"),
        };
        let r = app.get(&url, Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let page = if r.body.get("page").is_some() {
            r.body["page"].clone()
        } else {
            r.body.clone()
        };
        out.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break page["total"].as_u64().expect("total"),
        }
    };
    (total, out)
}

/// The open-step tallies behind the overdue counts agree with the open steps.
async fn assert_tallies(app: &TestApp) {
    let off = xueji_backend::engine::tally::mismatches(app.db())
        .await
        .expect("tallies");
    assert!(
        off.is_empty(),
        "tallies differ from the open steps: {off:?}"
    );
}

/// Make the open steps of a request overdue: started 20 working days ago. (The deadline is
/// moved behind the engine's back, so its tallies are counted afresh.)
async fn make_overdue(app: &TestApp, request_id: i64) {
    assert_tallies(app).await;
    let past = Utc::now() - chrono::Duration::days(30);
    request_steps::Entity::update_many()
        .col_expr(request_steps::Column::StartedAt, Expr::value(past))
        .col_expr(
            request_steps::Column::DueAt,
            Expr::value(past + chrono::Duration::days(14)),
        )
        .filter(request_steps::Column::RequestId.eq(request_id))
        .filter(request_steps::Column::DoneAt.is_null())
        .exec(app.db())
        .await
        .expect("update");
    xueji_backend::engine::tally::rebuild(app.db())
        .await
        .expect("tallies");
}

async fn inbox_pages_every_business_past_500(b: Backend) {
    let app = spawn_app(b).await;
    let reg = app.token("hz-xh-1-registrar").await;
    let recs = records(9001, 520);
    let mut ids = Vec::new();
    for r in &recs {
        ids.push(submit(&app, &reg, r).await);
    }
    let leader = app.token("hz-xh-1-leader").await;
    let (total, items) = all_pages(&app, &leader, "/api/v1/inbox?order=oldest").await;
    assert_eq!(total, 520);
    let seen: Vec<i64> = items
        .iter()
        .map(|i| i["request_id"].as_i64().expect("id"))
        .collect();
    // Every item exactly once, the oldest first: the first submission is reachable.
    assert_eq!(seen, ids);
    let first = &items[0];
    assert_eq!(first["business"], "registration");
    assert_eq!(first["step_label"], "学校核办");
    assert_eq!(first["subject"], recs[0].name.trim());
    assert_eq!(first["overdue"], false);
    assert_eq!(first["link"], format!("/registration/{}", ids[0]));
    assert!(first["due_at"].as_str().expect("due") > first["started_at"].as_str().expect("s"));
    // The registration queue pages the same way, newest first, the oldest reachable.
    let (total, lines) = all_pages(&app, &leader, "/api/v1/registrations?todo=true").await;
    assert_eq!(total, 520);
    let listed: Vec<i64> = lines
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(listed, ids.iter().rev().copied().collect::<Vec<_>>());
    assert!(lines.iter().all(|l| l["awaiting_me"] == true));
    let r = app
        .get("/api/v1/registrations?cursor=nope", Some(&leader))
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // Newest first is the reverse.
    let r = app.get("/api/v1/inbox?limit=3", Some(&leader)).await;
    assert_eq!(r.body["total"], 520);
    let newest: Vec<i64> = r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["request_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(newest, [ids[519], ids[518], ids[517]]);
    // Counts for the home page.
    let s = app.get("/api/v1/inbox/summary", Some(&leader)).await;
    assert_eq!(s.body, json!({ "waiting": 520, "overdue": 0 }));
    make_overdue(&app, ids[3]).await;
    let s = app.get("/api/v1/inbox/summary", Some(&leader)).await;
    assert_eq!(s.body, json!({ "waiting": 520, "overdue": 1 }));
    // The registrar has nothing waiting; the county neither, yet.
    let s = app.get("/api/v1/inbox/summary", Some(&reg)).await;
    assert_eq!(s.body["waiting"], 0);

    // A problem record joins the same inbox: the same child registered at two schools.
    let county = "hz-xh-registrar";
    for (school, id) in [("hz-xh-1", ids[0]), ("hz-xh-1", ids[1])] {
        let r = act(
            &app,
            &format!("{school}-leader"),
            id,
            json!({ "action": "approve" }),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = act(&app, county, id, json!({ "action": "approve" })).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let twin_school = app.token("hz-xh-2-registrar").await;
    let mut twin = recs[0].clone();
    twin.student_number.clear();
    let tid = submit(&app, &twin_school, &twin).await;
    let r = act(&app, "hz-xh-2-leader", tid, json!({ "action": "approve" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = act(&app, county, tid, json!({ "action": "approve" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for school in [&reg, &twin_school] {
        let r = app
            .get("/api/v1/inbox?business=problem", Some(school))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["total"], 1, "{}", r.text);
        let item = &r.body["items"][0];
        assert_eq!(item["business"], "problem");
        assert_eq!(item["step_label"], "学校处理问题学籍");
        assert!(item["link"]
            .as_str()
            .expect("link")
            .starts_with("/problems/"));
    }
    // Filtering by registration leaves it out; an unknown business is named.
    let r = app
        .get("/api/v1/inbox?business=registration", Some(&reg))
        .await;
    assert_eq!(r.body["total"], 0);
    let msg = assert_error(
        &app.get("/api/v1/inbox?business=transfer", Some(&reg)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
    assert!(msg.contains("transfer") || !msg.is_empty());
    let r = app.get("/api/v1/inbox?business=transfer", Some(&reg)).await;
    assert_eq!(r.body["error"]["fields"][0]["field"], "business");
    assert!(r.body["error"]["fields"][0]["message"]
        .as_str()
        .expect("m")
        .contains("transfer"));
    for bad in [
        "cursor=abc",
        "cursor=1_x",
        "order=sideways",
        "limit=0",
        "limit=1000",
    ] {
        let r = app.get(&format!("/api/v1/inbox?{bad}"), Some(&reg)).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    }
    // Administrators do no business.
    let admin = app.token("hz-xh-admin").await;
    assert_error(
        &app.get("/api/v1/inbox", Some(&admin)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_tallies(&app).await;
}
db_test!(
    inbox_pages_every_business_past_500,
    inbox_pages_every_business_past_500
);

/// The n-th working day after `from`, walking the days one by one (the test's own count).
fn nth_working_day(
    from: NaiveDate,
    n: u32,
    holidays: &[NaiveDate],
    makeup: &[NaiveDate],
) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d + Days::new(1);
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let working = makeup.contains(&d) || (!weekend && !holidays.contains(&d));
        if working {
            left -= 1;
        }
    }
    d
}

async fn deadlines_follow_the_province_calendar(b: Backend) {
    let app = spawn_app(b).await;
    let today = xueji_backend::clock::today();
    // A holiday week (Monday to Friday of next week) and a make-up Saturday after it.
    let mut monday = today + Days::new(1);
    while monday.weekday() != Weekday::Mon {
        monday = monday + Days::new(1);
    }
    let holidays: Vec<NaiveDate> = (0..5).map(|i| monday + Days::new(i)).collect();
    let makeup = vec![monday + Days::new(12)];
    assert_eq!(makeup[0].weekday(), Weekday::Sat);
    for (day, kind) in holidays
        .iter()
        .map(|d| (*d, "holiday"))
        .chain(makeup.iter().map(|d| (*d, "makeup_workday")))
    {
        calendar_days::ActiveModel {
            province_code: Set("330000".into()),
            day: Set(day),
            kind: Set(kind.into()),
            note: Set("测试".into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("day");
    }
    let reg = app.token("hz-xh-1-registrar").await;
    let id = submit(&app, &reg, &records(9100, 1)[0]).await;
    let step = request_steps::Entity::find()
        .filter(request_steps::Column::RequestId.eq(id))
        .one(app.db())
        .await
        .expect("q")
        .expect("step");
    let started_day = step
        .started_at
        .with_timezone(&xueji_backend::clock::cst())
        .date_naive();
    let last = nth_working_day(started_day, 10, &holidays, &makeup);
    let expected = xueji_backend::clock::cst()
        .from_local_datetime(&(last + Days::new(1)).and_hms_opt(0, 0, 0).expect("t"))
        .single()
        .expect("t")
        .with_timezone(&Utc);
    assert_eq!(step.due_at, expected);
    // The holiday week pushed the deadline at least a week past the plain count.
    let plain = nth_working_day(started_day, 10, &[], &[]);
    assert!(last > plain, "{last} vs {plain}");
    // The request page shows the current step with that deadline.
    let r = app
        .get(&format!("/api/v1/registrations/{id}"), Some(&reg))
        .await;
    let steps = r.body["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0]["label"], "学校核办");
    assert_eq!(steps[0]["done_at"], Value::Null);
    assert_eq!(
        steps[0]["due_at"].as_str().expect("due"),
        expected.to_rfc3339()
    );
    // After the leader's approval the first step is done (0 working days) and the county's open.
    let r = act(&app, "hz-xh-1-leader", id, json!({ "action": "approve" })).await;
    let steps = r.body["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["done_label"], "核办通过");
    assert_eq!(steps[0]["working_days"], 0);
    assert_eq!(steps[1]["label"], "区县教育行政部门核办");
    assert_eq!(steps[1]["org_name"], "杭州市西湖区教育局");
    assert_tallies(&app).await;
}
db_test!(
    deadlines_follow_the_province_calendar,
    deadlines_follow_the_province_calendar
);

async fn overdue_list_counts_one_level_down(b: Backend) {
    let app = spawn_app(b).await;
    let mut ids = Vec::new();
    let recs = records(9200, 6);
    // Two at 西湖区 school 1, one at 西湖区 school 2, one at 宁波海曙 school 1.
    for (i, who) in [
        "hz-xh-1-registrar",
        "hz-xh-1-registrar",
        "hz-xh-2-registrar",
        "nb-hs-1-registrar",
    ]
    .into_iter()
    .enumerate()
    {
        let t = app.token(who).await;
        ids.push(submit(&app, &t, &recs[i]).await);
    }
    // One of 西湖区 school 1's goes on to the county step.
    let r = act(
        &app,
        "hz-xh-1-leader",
        ids[1],
        json!({ "action": "approve" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Not overdue yet: empty lists.
    let prov = app.token("zj-registrar").await;
    let r = app.get("/api/v1/overdue", Some(&prov)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["page"]["total"], 0);
    for id in &ids {
        make_overdue(&app, *id).await;
    }
    let r = app.get("/api/v1/overdue", Some(&prov)).await;
    assert_eq!(r.body["page"]["total"], 4, "{}", r.text);
    let counts: Vec<(String, u64)> = r.body["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| {
            (
                c["org_name"].as_str().expect("n").to_owned(),
                c["total"].as_u64().expect("t"),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("杭州市教育局".to_owned(), 3),
            ("宁波市教育局".to_owned(), 1)
        ]
    );
    assert_eq!(
        r.body["counts"][0]["by_business"][0]["business"],
        "registration"
    );
    // The county sees its schools — and itself for its own step.
    let county = app.token("hz-xh-registrar").await;
    let r = app.get("/api/v1/overdue", Some(&county)).await;
    let mut counts: Vec<(String, u64)> = r.body["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| {
            (
                c["org_name"].as_str().expect("n").to_owned(),
                c["total"].as_u64().expect("t"),
            )
        })
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        [
            ("杭州市西湖区九年一贯制学校".to_owned(), 1),
            ("杭州市西湖区教育局".to_owned(), 1),
            ("杭州市西湖区求是小学".to_owned(), 1),
        ]
    );
    assert!(r.body["page"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["overdue"] == true));
    // Another county sees only its own; schools have no overdue list; paging and filter work.
    let other = app.token("nb-hs-registrar").await;
    let r = app.get("/api/v1/overdue", Some(&other)).await;
    assert_eq!(r.body["page"]["total"], 1);
    let school = app.token("hz-xh-1-registrar").await;
    assert_error(
        &app.get("/api/v1/overdue", Some(&school)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let (total, items) = all_pages(&app, &prov, "/api/v1/overdue?business=registration").await;
    assert_eq!((total, items.len()), (4, 4));
    let r = app
        .get("/api/v1/overdue?business=problem", Some(&prov))
        .await;
    assert_eq!(r.body["page"]["total"], 0);
    assert_tallies(&app).await;
}
db_test!(
    overdue_list_counts_one_level_down,
    overdue_list_counts_one_level_down
);

async fn forced_intervention_only_by_a_superior_on_an_overdue_step(b: Backend) {
    let app = spawn_app(b).await;
    let reg = app.token("hz-xh-1-registrar").await;
    let id = submit(&app, &reg, &records(9300, 1)[0]).await;
    let force = json!({ "action": "force", "reason": "区县超过10个工作日未核办" });
    // The school leader's step: the city registrar may not force it while it is not overdue.
    let r = act(&app, "hz-registrar", id, force.clone()).await;
    let msg = assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert!(msg.contains("10个工作日"), "{msg}");
    let r = act(&app, "hz-xh-1-leader", id, json!({ "action": "approve" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Now at the county; no force offered to anyone while it is not overdue.
    let r = app
        .get(
            &format!("/api/v1/registrations/{id}"),
            Some(&app.token("hz-registrar").await),
        )
        .await;
    assert!(!r.body["allowed_actions"]
        .as_array()
        .expect("a")
        .contains(&json!("force")));
    make_overdue(&app, id).await;
    // Without a reason.
    let r = act(&app, "hz-registrar", id, json!({ "action": "force" })).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let r = act(
        &app,
        "hz-registrar",
        id,
        json!({ "action": "force", "reason": "  " }),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // Not a superior: the county itself, a leader above, the school.
    for who in [
        "hz-xh-registrar",
        "hz-leader",
        "zj-leader",
        "hz-xh-1-registrar",
        "hz-xh-1-leader",
    ] {
        let r = act(&app, who, id, force.clone()).await;
        assert!(
            r.status == StatusCode::FORBIDDEN,
            "{who}: {} {}",
            r.status,
            r.text
        );
    }
    // A peer county and the other city cannot even see it.
    for who in ["hz-sc-registrar", "nb-registrar"] {
        let r = act(&app, who, id, force.clone()).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
    // The city registrar sees the offer and forces it.
    let city = app.token("hz-registrar").await;
    let r = app
        .get(&format!("/api/v1/registrations/{id}"), Some(&city))
        .await;
    assert_eq!(r.body["allowed_actions"], json!(["force"]));
    let r = act(&app, "hz-registrar", id, force.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["state"]["state"], "completed");
    let last = r.body["history"]
        .as_array()
        .expect("h")
        .last()
        .expect("last")
        .clone();
    assert_eq!(last["action"], "force");
    assert_eq!(last["action_label"], "强制干预");
    assert_eq!(last["reason"], "区县超过10个工作日未核办");
    assert_eq!(last["actor_org_name"], "杭州市教育局");
    let steps = r.body["steps"].as_array().expect("steps");
    assert_eq!(steps[1]["forced"], true);
    assert_eq!(steps[1]["done_label"], "强制干预");
    assert!(r.body["student_number"]
        .as_str()
        .expect("n")
        .starts_with('G'));
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("registration.act"))
        .filter(audit_log::Column::ObjectId.eq(id.to_string()))
        .all(app.db())
        .await
        .expect("audit");
    assert!(audited.iter().any(|e| e
        .after
        .as_deref()
        .is_some_and(|a| a.contains("\"forced\":true"))));

    // The applicant's own resubmission cannot be forced: a returned request.
    let id2 = submit(&app, &reg, &records(9301, 1)[0]).await;
    let r = act(
        &app,
        "hz-xh-1-leader",
        id2,
        json!({ "action": "return", "reason": "照片不清楚" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    make_overdue(&app, id2).await;
    let r = act(&app, "hz-xh-registrar", id2, force.clone()).await;
    assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert_tallies(&app).await;
}
db_test!(
    forced_intervention_only_by_a_superior_on_an_overdue_step,
    forced_intervention_only_by_a_superior_on_an_overdue_step
);

async fn fifty_simultaneous_approvals_apply_once(b: Backend) {
    let app = spawn_app(b).await;
    let reg = app.token("hz-xh-1-registrar").await;
    let r = &records(9400, 1)[0];
    let id = submit(&app, &reg, r).await;
    let res = act(&app, "hz-xh-1-leader", id, json!({ "action": "approve" })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let county = app.token("hz-xh-registrar").await;
    let path = format!("/api/v1/registrations/{id}/actions");
    let calls = (0..50).map(|_| {
        let app = &app;
        let county = &county;
        let path = &path;
        async move {
            app.post(path, json!({ "action": "approve" }), Some(county))
                .await
        }
    });
    let results = futures::future::join_all(calls).await;
    let ok = results
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let conflicts = results
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    let others: Vec<String> = results
        .iter()
        .filter(|r| r.status != StatusCode::OK && r.status != StatusCode::CONFLICT)
        .map(|r| format!("{} {}", r.status, r.text))
        .collect();
    assert_eq!((ok, conflicts), (1, 49), "{others:?}");
    // One approval, one effect, one audit entry.
    let approvals = request_actions::Entity::find()
        .filter(request_actions::Column::RequestId.eq(id))
        .filter(request_actions::Column::Action.eq("approve"))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(approvals, 2, "the leader's and one county approval");
    let made = students::Entity::find()
        .filter(students::Column::Name.eq(r.name.trim()))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(made, 1);
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("student.register"))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(entries, 1);
    let row = requests::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("q")
        .expect("row");
    assert_eq!(row.status, "completed");
    assert_eq!(row.version, 2);
    let open = request_steps::Entity::find()
        .filter(request_steps::Column::RequestId.eq(id))
        .filter(request_steps::Column::DoneAt.is_null())
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(open, 0);
    assert_tallies(&app).await;
}
db_test!(
    fifty_simultaneous_approvals_apply_once,
    fifty_simultaneous_approvals_apply_once
);

async fn upload_evidence(app: &TestApp, token: &str) -> String {
    let boundary = "xuejiBOUNDARYe";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"proof.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&common::pdf("household registration proof"));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = http::Request::post("/api/v1/evidence")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .expect("req");
    let res = app.raw(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body["sha256"].as_str().expect("sha").to_owned()
}

async fn forced_intervention_on_a_problem_record_step(b: Backend) {
    let app = spawn_app(b).await;
    let county = "hz-xh-registrar";
    let r = &records(9500, 1)[0];
    for school in ["hz-xh-1", "hz-xh-2"] {
        let t = app.token(&format!("{school}-registrar")).await;
        let id = submit(&app, &t, r).await;
        let res = act(
            &app,
            &format!("{school}-leader"),
            id,
            json!({ "action": "approve" }),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        let res = act(&app, county, id, json!({ "action": "approve" })).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    let school = app.token("hz-xh-2-registrar").await;
    let inbox = app
        .get("/api/v1/inbox?business=problem", Some(&school))
        .await;
    let link = inbox.body["items"][0]["link"]
        .as_str()
        .expect("link")
        .to_owned();
    let pid: i64 = link.rsplit('/').next().expect("id").parse().expect("id");
    let d = app
        .get(&format!("/api/v1/problems/{pid}"), Some(&school))
        .await;
    let side = d.body["sides"]
        .as_array()
        .expect("sides")
        .iter()
        .find(|s| s["in_scope"] == true)
        .expect("own side")["side"]
        .as_str()
        .expect("side")
        .to_owned();
    let other = if side == "a" { "b" } else { "a" };
    let sha = upload_evidence(&app, &school).await;
    let res = app
        .post(
            &format!("/api/v1/problems/{pid}/actions"),
            json!({ "side": side, "action": "evidence", "reason": "本校在读", "evidence": [sha] }),
            Some(&school),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // The side now waits for the county: in its inbox, with a deadline.
    let c = app.token(county).await;
    let inbox = app.get("/api/v1/inbox?business=problem", Some(&c)).await;
    assert_eq!(inbox.body["total"], 1, "{}", inbox.text);
    assert_eq!(inbox.body["items"][0]["step_label"], "主管教育部门核办");
    let force = |who: &'static str, body: Value| {
        let app = &app;
        async move {
            let t = app.token(who).await;
            app.post(&format!("/api/v1/problems/{pid}/force"), body, Some(&t))
                .await
        }
    };
    let reason = json!({ "side": side, "reason": "区县超期未核办佐证材料" });
    // Not overdue yet.
    let msg = assert_error(
        &force("hz-registrar", reason.clone()).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(msg.contains("10个工作日"), "{msg}");
    let request = requests::Entity::find()
        .filter(requests::Column::ObjectId.eq(pid))
        .one(app.db())
        .await
        .expect("q")
        .expect("request");
    make_overdue(&app, request.id).await;
    let d = app
        .get(
            &format!("/api/v1/problems/{pid}"),
            Some(&app.token("hz-registrar").await),
        )
        .await;
    assert_eq!(d.body["force_sides"], json!([side]));
    // Without a reason; by the county itself; by a leader; from a peer county or another city.
    assert_error(
        &force("hz-registrar", json!({ "side": side })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
    for who in ["hz-xh-registrar", "hz-leader"] {
        assert_error(
            &force(who, reason.clone()).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    for who in ["hz-sc-registrar", "nb-registrar"] {
        assert_error(
            &force(who, reason.clone()).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
    // The other side still waits for its school's own handling: never forced.
    assert_error(
        &force("hz-registrar", json!({ "side": other, "reason": "x" })).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let res = force("hz-registrar", reason.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let own = res.body["sides"]
        .as_array()
        .expect("sides")
        .iter()
        .find(|s| s["side"] == side.as_str())
        .expect("side")
        .clone();
    assert_eq!(own["state"], "upheld");
    let last = res.body["history"]
        .as_array()
        .expect("h")
        .last()
        .expect("last")
        .clone();
    assert_eq!(last["action"], "force");
    assert_eq!(last["action_label"], "强制干预");
    assert_eq!(last["reason"], "区县超期未核办佐证材料");
    assert_eq!(last["actor_org_name"], "杭州市教育局");
    assert!(
        res.body["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .any(|s| s["forced"] == true && s["label"] == "主管教育部门核办"),
        "{}",
        res.body["steps"]
    );
    // Nothing left for the county.
    let inbox = app.get("/api/v1/inbox?business=problem", Some(&c)).await;
    assert_eq!(inbox.body["total"], 0);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("problem.force"))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(audited, 1);
    assert_tallies(&app).await;
}
db_test!(
    forced_intervention_on_a_problem_record_step,
    forced_intervention_on_a_problem_record_step
);

/// A problem record's side registered at two schools, its school's evidence submitted: the
/// county's step is open. Returns (problem id, the side at 西湖区 school 2).
async fn problem_waiting_for_county(app: &TestApp, seed: u64) -> (i64, String) {
    let r = &records(seed, 1)[0];
    for school in ["hz-xh-1", "hz-xh-2"] {
        let t = app.token(&format!("{school}-registrar")).await;
        let id = submit(app, &t, r).await;
        for who in [format!("{school}-leader"), "hz-xh-registrar".to_owned()] {
            let res = act(app, &who, id, json!({ "action": "approve" })).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        }
    }
    let school = app.token("hz-xh-2-registrar").await;
    let inbox = app
        .get("/api/v1/inbox?business=problem", Some(&school))
        .await;
    let link = inbox.body["items"][0]["link"]
        .as_str()
        .expect("link")
        .to_owned();
    let pid: i64 = link.rsplit('/').next().expect("id").parse().expect("id");
    let d = app
        .get(&format!("/api/v1/problems/{pid}"), Some(&school))
        .await;
    let side = d.body["sides"]
        .as_array()
        .expect("sides")
        .iter()
        .find(|s| s["in_scope"] == true)
        .expect("own side")["side"]
        .as_str()
        .expect("side")
        .to_owned();
    let sha = upload_evidence(app, &school).await;
    let res = app
        .post(
            &format!("/api/v1/problems/{pid}/actions"),
            json!({ "side": side, "action": "evidence", "reason": "本校在读", "evidence": [sha] }),
            Some(&school),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    (pid, side)
}

async fn fifty_simultaneous_problem_approvals_apply_once(b: Backend) {
    let app = spawn_app(b).await;
    let (pid, side) = problem_waiting_for_county(&app, 9600).await;
    let county = app.token("hz-xh-registrar").await;
    let path = format!("/api/v1/problems/{pid}/actions");
    let body = json!({ "side": side, "action": "approve", "reason": "核实在读" });
    let calls = (0..50).map(|_| {
        let (app, county, path, body) = (&app, &county, &path, body.clone());
        async move { app.post(path, body, Some(county)).await }
    });
    let results = futures::future::join_all(calls).await;
    let ok = results
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let conflicts = results
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    let others: Vec<String> = results
        .iter()
        .filter(|r| r.status != StatusCode::OK && r.status != StatusCode::CONFLICT)
        .map(|r| format!("{} {}", r.status, r.text))
        .collect();
    assert_eq!((ok, conflicts), (1, 49), "{others:?}");
    // One approval in the record's history, one audit entry, the county's step closed once.
    let d = app
        .get(&format!("/api/v1/problems/{pid}"), Some(&county))
        .await;
    let approvals = d.body["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["action"] == "approve")
        .count();
    assert_eq!(approvals, 1, "{}", d.body["history"]);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("problem.act"))
        .filter(audit_log::Column::ActorId.is_not_null())
        .all(app.db())
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| {
            e.after
                .as_deref()
                .is_some_and(|a| a.contains("\"approve\""))
        })
        .count();
    assert_eq!(audited, 1);
    let request = requests::Entity::find()
        .filter(requests::Column::ObjectId.eq(pid))
        .one(app.db())
        .await
        .expect("q")
        .expect("request");
    let county_steps_done = request_steps::Entity::find()
        .filter(request_steps::Column::RequestId.eq(request.id))
        .filter(request_steps::Column::Label.eq("主管教育部门核办"))
        .filter(request_steps::Column::DoneAt.is_not_null())
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(county_steps_done, 1);
    assert_tallies(&app).await;
}
db_test!(
    fifty_simultaneous_problem_approvals_apply_once,
    fifty_simultaneous_problem_approvals_apply_once
);
