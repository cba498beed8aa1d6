//! The jurisdiction matrix: for every endpoint, every role at every level, and objects inside
//! and outside the caller's subtree, the expected status — and nothing from outside the
//! subtree in any successful response. New endpoints join `cases()`.
//!
//! Run alone with `cargo test jurisdiction`.

mod common;

use std::collections::HashMap;

use chrono::Utc;
use common::{spawn_app, Backend, TestApp};
use http::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use xueji_backend::entities::{accounts, organisations};

/// Callers: every role at every level, along one branch of the tree.
const CALLER_ORGS: [&str; 5] = ["moe", "zj", "hz", "hz-xh", "hz-xh-1"];
const ROLES: [&str; 3] = ["admin", "leader", "registrar"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Where {
    Inside,
    Outside,
}

struct Org {
    id: i64,
    code: String,
    name: String,
    path: String,
    parent_id: Option<i64>,
    level: String,
}

struct World {
    orgs: HashMap<String, Org>,         // by code
    victims: HashMap<i64, i64>,         // org id → victim account id
    classes: HashMap<i64, i64>,         // school id → one of its classes
    switches: Value,                    // the province's current switches, to PUT back
    requests: HashMap<i64, i64>, // school id → a registration request pending at the school leader
    students: HashMap<i64, i64>, // school id → a registered student
    imports: HashMap<i64, (i64, i64)>, // school id → import jobs (checked with a bad row, cancelled)
    problems: HashMap<i64, i64>,       // school id → an open problem record about its student
    changes: HashMap<i64, (i64, i64)>, // school id → (student, its key-field change request pending at the school leader)
    change_requests: HashMap<i64, i64>, // school id → that change request
    scans: (i64, i64),                 // finished scan runs: Zhejiang's, another province's
}

impl World {
    fn by_code(&self, code: &str) -> &Org {
        &self.orgs[code]
    }
}

async fn world(app: &TestApp) -> World {
    let rows = organisations::Entity::find()
        .all(app.db())
        .await
        .expect("orgs");
    let template = accounts::Entity::find()
        .filter(accounts::Column::Username.eq("moe-admin"))
        .one(app.db())
        .await
        .expect("q")
        .expect("moe-admin");
    let mut victims = HashMap::new();
    let now = Utc::now();
    for o in &rows {
        let a = accounts::ActiveModel {
            username: Set(format!("victim-{}", o.code)),
            password_hash: Set(template.password_hash.clone()),
            display_name: Set("受测账号".into()),
            org_id: Set(o.id),
            role: Set("registrar".into()),
            province_code: Set(o.province_code.clone()),
            disabled: Set(false),
            failed_logins: Set(0),
            locked_until: Set(None),
            password_changed_at: Set(now),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("victim");
        victims.insert(o.id, a.id);
    }
    let mut classes = HashMap::new();
    for c in xueji_backend::entities::classes::Entity::find()
        .all(app.db())
        .await
        .expect("classes")
    {
        classes.entry(c.school_id).or_insert(c.id);
    }
    let zj = app.token("zj-admin").await;
    let switches = app.get("/api/v1/config/switches", Some(&zj)).await.body["settings"].clone();
    assert!(switches.is_object(), "switches view");
    let mut requests = HashMap::new();
    for (n, (slug, code)) in [("hz-xh-1", "3330106001"), ("nb-hs-1", "3330203001")]
        .into_iter()
        .enumerate()
    {
        let spec = xueji_backend::synth::SynthSpec::new(
            900 + n as u64,
            1,
            330106,
            xueji_backend::clock::today(),
        );
        let record = xueji_backend::synth::generate(spec)
            .expect("synth")
            .remove(0);
        let t = app.token(&format!("{slug}-registrar")).await;
        let r = app
            .post(
                "/api/v1/registrations",
                json!({ "kind": "in_school", "record": record }),
                Some(&t),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let school_id = rows.iter().find(|o| o.code == code).expect("school").id;
        requests.insert(school_id, r.body["id"].as_i64().expect("id"));
    }
    // Every open step overdue, so that the overdue lists have lines in both jurisdictions.
    xueji_backend::entities::request_steps::Entity::update_many()
        .col_expr(
            xueji_backend::entities::request_steps::Column::DueAt,
            sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::days(1)),
        )
        .exec(app.db())
        .await
        .expect("overdue");
    let mut students = HashMap::new();
    for (n, code) in ["3330106001", "3330203001"].into_iter().enumerate() {
        let school = organisations::Entity::find()
            .filter(organisations::Column::Code.eq(code))
            .one(app.db())
            .await
            .expect("q")
            .expect("school");
        let spec = xueji_backend::synth::SynthSpec::new(
            950 + n as u64,
            1,
            330106,
            xueji_backend::clock::today(),
        );
        let record = xueji_backend::synth::generate(spec)
            .expect("synth")
            .remove(0);
        let mut rules = xueji_shared::record::RecordRules::new(xueji_backend::clock::today());
        rules.school_stages = vec![xueji_shared::stage::Stage::Primary];
        let tx = app.state.begin_write().await.expect("tx");
        let out = xueji_backend::student::register(&*tx, &school, &record, &rules)
            .await
            .expect("register");
        tx.commit().await.expect("commit");
        students.insert(school.id, out.student().id);
    }
    let mut scans = Vec::new();
    for province in ["330000", "440000"] {
        let now = Utc::now();
        let run = xueji_backend::entities::scan_runs::ActiveModel {
            province_code: Set(Some(province.into())),
            trigger_kind: Set("nightly".into()),
            state: Set("done".into()),
            total: Set(0),
            done: Set(0),
            found_invalid_id: Set(0),
            found_dup_with_id: Set(0),
            found_dup_without_id: Set(0),
            started_by: Set(None),
            started_at: Set(now),
            finished_at: Set(Some(now)),
            heartbeat_at: Set(now),
            cursor: Set(0),
            running_slot: Set(None),
            error: Set(None),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("scan run");
        scans.push(run.id);
    }
    let mut problems = HashMap::new();
    for (school, student) in &students {
        let tx = app.state.begin_write().await.expect("tx");
        let p = xueji_backend::student::open_problem(
            &*tx,
            "330000",
            xueji_shared::business::problems::problem::ProblemKind::InvalidId,
            *student,
            None,
        )
        .await
        .expect("problem");
        tx.commit().await.expect("commit");
        problems.insert(*school, p.id);
    }
    let mut changes = HashMap::new();
    for (n, (slug, code)) in [("hz-xh-1", "3330106001"), ("nb-hs-1", "3330203001")]
        .into_iter()
        .enumerate()
    {
        let school = rows.iter().find(|o| o.code == code).expect("school");
        let spec = xueji_backend::synth::SynthSpec::new(
            960 + n as u64,
            1,
            330106,
            xueji_backend::clock::today(),
        );
        let record = xueji_backend::synth::generate(spec)
            .expect("synth")
            .remove(0);
        let mut rules = xueji_shared::record::RecordRules::new(xueji_backend::clock::today());
        rules.school_stages = vec![xueji_shared::stage::Stage::Primary];
        let tx = app.state.begin_write().await.expect("tx");
        let student = xueji_backend::student::register(&*tx, school, &record, &rules)
            .await
            .expect("register")
            .student()
            .clone();
        tx.commit().await.expect("commit");
        let t = app.token(&format!("{slug}-registrar")).await;
        let sha = upload_evidence(app, &t, slug).await;
        let r = app
            .call(
                Method::PATCH,
                &format!("/api/v1/students/{}", student.id),
                Some(json!({
                    "version": student.version,
                    "record": { "name": "改名测试" },
                    "evidence": [{ "sha256": sha, "kind": "household" }],
                })),
                Some(&t),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        changes.insert(
            school.id,
            (student.id, r.body["change"]["id"].as_i64().expect("id")),
        );
    }
    let mut imports = HashMap::new();
    for (n, (slug, code)) in [("hz-xh-1", "3330106001"), ("nb-hs-1", "3330203001")]
        .into_iter()
        .enumerate()
    {
        let t = app.token(&format!("{slug}-registrar")).await;
        let recs = xueji_backend::synth::generate(xueji_backend::synth::SynthSpec::new(
            980 + n as u64,
            2,
            330106,
            xueji_backend::clock::today(),
        ))
        .expect("synth");
        let file = xueji_backend::business::registration::xlsx::filled(
            &xueji_backend::business::registration::import::sample_rows(&recs, 1),
        )
        .expect("xlsx");
        let mut jobs = Vec::new();
        for _ in 0..2 {
            let r = upload_import(app, &t, &file).await;
            assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
            let id = r.body["id"].as_i64().expect("id");
            for _ in 0..400 {
                let j = app.get(&format!("/api/v1/imports/{id}"), Some(&t)).await;
                if j.body["status"] != "checking" {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            jobs.push(id);
        }
        let c = app
            .post(
                &format!("/api/v1/imports/{}/cancel", jobs[1]),
                json!({}),
                Some(&t),
            )
            .await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.text);
        let school_id = rows.iter().find(|o| o.code == code).expect("school").id;
        imports.insert(school_id, (jobs[0], jobs[1]));
    }
    World {
        change_requests: changes.iter().map(|(k, (_, r))| (*k, *r)).collect(),
        changes,
        imports,
        classes,
        students,
        problems,
        scans: (scans[0], scans[1]),
        requests,
        switches,
        orgs: rows
            .into_iter()
            .map(|o| {
                (
                    o.code.clone(),
                    Org {
                        id: o.id,
                        code: o.code,
                        name: o.name,
                        path: o.path,
                        parent_id: o.parent_id,
                        level: o.level,
                    },
                )
            })
            .collect(),
        victims,
    }
}

async fn upload_evidence(app: &TestApp, token: &str, note: &str) -> String {
    let boundary = "matrixEvid3nceB0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend(common::pdf(note));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let req = http::Request::post("/api/v1/evidence")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .expect("req");
    let r = app.raw(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["sha256"].as_str().expect("sha").to_owned()
}

async fn upload_import(app: &TestApp, token: &str, file: &[u8]) -> common::Resp {
    let boundary = "matrixImp0rtB0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nin_school\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = http::Request::post("/api/v1/imports")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .expect("req");
    app.raw(req).await
}

struct Caller {
    username: String,
    role: &'static str,
    org_code: String,
    token: String,
}

const SLUG_CODES: [(&str, &str); 5] = [
    ("moe", "000000"),
    ("zj", "330000"),
    ("hz", "330100"),
    ("hz-xh", "330106"),
    ("hz-xh-1", "3330106001"),
];

/// A school and a county inside the caller's subtree, and outside it (None: there is none).
fn targets(w: &World, me: &Org, level: &str, wh: Where) -> Option<&'static str> {
    let inside = |code: &str| w.by_code(code).path.starts_with(&me.path);
    let candidates: &[&'static str] = match level {
        "school" => &["3330106001", "3330102001", "3330203001"],
        _ => &["330106", "330102", "330203"],
    };
    candidates.iter().copied().find(|c| match wh {
        Where::Inside => inside(c),
        Where::Outside => !inside(c),
    })
}

/// A business on the request engine, as the matrix sees it: its lists, one request of each
/// school of the world, the action the matrix tries on it and who may take it. A business joins
/// the matrix with one entry in [`engine_businesses`]; its inbox and overdue filters, its lists,
/// its request page and its action are then checked for every caller inside and outside.
struct EngineBusiness<'a> {
    /// The `BusinessKey` (`?business=`).
    key: &'static str,
    /// Its lists: any business role gets 200 (scoped: the leak check applies).
    lists: &'static [&'static str],
    /// A request's page and action, `{id}` for the object.
    get: &'static str,
    act: &'static str,
    act_body: Value,
    /// Sub-resources of a request that an inside caller finds absent (404), outside too.
    object_paths: &'static [(&'static str, &'static str)],
    /// School id → its object in the world.
    objects: &'a HashMap<i64, i64>,
    /// What an inside business caller gets for the action (administrators 403, outside 404).
    act_inside: fn(&Caller, &Org, &Org) -> StatusCode,
}

fn engine_businesses(w: &World) -> Vec<EngineBusiness<'_>> {
    vec![
        EngineBusiness {
            key: "registration",
            lists: &["/api/v1/registrations", "/api/v1/registrations?todo=true"],
            get: "/api/v1/registrations/{id}",
            act: "/api/v1/registrations/{id}/actions",
            act_body: json!({ "action": "approve" }),
            object_paths: &[],
            objects: &w.requests,
            // Pending at the school leader: only that leader may approve.
            act_inside: |c, me, _school| {
                if c.role == "leader" && me.level == "school" {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                }
            },
        },
        EngineBusiness {
            key: "problem",
            lists: &["/api/v1/problems"],
            get: "/api/v1/problems/{id}",
            act: "/api/v1/problems/{id}/actions",
            act_body: json!({ "side": "a", "action": "approve" }),
            object_paths: &[(
                "evidence (not referenced)",
                "/api/v1/problems/{id}/evidence/0000000000000000000000000000000000000000000000000000000000000000",
            )],
            objects: &w.problems,
            // Nothing to approve yet: its authority hears 409, everyone else inside 403.
            act_inside: |c, me, school| {
                if c.role == "registrar" && school.parent_id == Some(me.id) {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::FORBIDDEN
                }
            },
        },
        EngineBusiness {
            key: "change",
            lists: &["/api/v1/changes", "/api/v1/changes?todo=true&limit=5"],
            get: "/api/v1/changes/{id}",
            act: "/api/v1/changes/{id}/actions",
            act_body: json!({ "action": "resubmit" }),
            object_paths: &[(
                "evidence (not attached)",
                "/api/v1/changes/{id}/evidence/0000000000000000000000000000000000000000000000000000000000000000",
            )],
            objects: &w.change_requests,
            // Pending at the school leader: only its school's registrar may resubmit, and hears
            // 409 (it is not returned); everyone else inside 403.
            act_inside: |c, me, school| {
                if c.role == "registrar" && school.id == me.id {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::FORBIDDEN
                }
            },
        },
    ]
}

/// A case name built at run time (the matrix is a test: the few bytes stay).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
    expect: StatusCode,
}

fn cases(w: &World, c: &Caller, seq: &mut u32) -> Vec<Case> {
    let me = w.by_code(&c.org_code);
    let admin = c.role == "admin";
    let level = me.level.as_str();
    let admin_if = |ok: bool| {
        if admin && ok {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        }
    };
    let mut out = vec![
        Case {
            name: "switches",
            method: Method::GET,
            path: "/api/v1/config/switches".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "switches update",
            method: Method::PUT,
            path: "/api/v1/config/switches".into(),
            body: Some(w.switches.clone()),
            expect: admin_if(level == "province"),
        },
        Case {
            name: "calendar",
            method: Method::GET,
            path: "/api/v1/config/calendar?year=2026".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "calendar update",
            method: Method::PUT,
            path: "/api/v1/config/calendar".into(),
            body: Some(json!({ "year": 2027, "days": [] })),
            expect: admin_if(level == "ministry" || level == "province"),
        },
        Case {
            name: "password policy",
            method: Method::GET,
            path: "/api/v1/config/password-policy".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "password policy update",
            method: Method::PUT,
            path: "/api/v1/config/password-policy".into(),
            body: Some(
                json!({ "min_length": 8, "expiry_days": 90, "lockout_threshold": 5, "lockout_minutes": 15 }),
            ),
            expect: admin_if(level == "province"),
        },
        Case {
            name: "own caps update",
            method: Method::PUT,
            path: format!("/api/v1/orgs/{}/caps", me.id),
            body: Some(json!({ "stage": "primary", "cap": 45, "locked": false })),
            expect: admin_if(matches!(level, "province" | "city" | "county")),
        },
        Case {
            name: "own controlled fields update",
            method: Method::PUT,
            path: format!("/api/v1/orgs/{}/controlled-fields", me.id),
            body: Some(json!({ "fields": [] })),
            expect: admin_if(level != "school"),
        },
        Case {
            name: "me",
            method: Method::GET,
            path: "/api/v1/me".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "policy",
            method: Method::GET,
            path: "/api/v1/password-policy".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "org root",
            method: Method::GET,
            path: "/api/v1/orgs".into(),
            body: None,
            expect: StatusCode::OK,
        },
        // A search for every other school by a common word returns only the subtree's.
        Case {
            name: "org search",
            method: Method::GET,
            path: "/api/v1/orgs?q=%E5%AD%A6".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "org search code",
            method: Method::GET,
            path: "/api/v1/orgs?q=333".into(),
            body: None,
            expect: StatusCode::OK,
        },
        Case {
            name: "audit",
            method: Method::GET,
            path: "/api/v1/audit?per_page=200".into(),
            body: None,
            expect: if c.role == "registrar" {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        Case {
            name: "audit verify",
            method: Method::GET,
            path: "/api/v1/audit/verify".into(),
            body: None,
            expect: if admin {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            },
        },
        Case {
            name: "students",
            method: Method::GET,
            path: "/api/v1/students?per_page=200".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        // Country-wide by design (来华归国): business roles only; without criteria, 422.
        Case {
            name: "arrival lookup",
            method: Method::GET,
            path: "/api/v1/students/lookup".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
        },
        Case {
            name: "students filtered",
            method: Method::GET,
            path: "/api/v1/students?grade=13&status=active&problem=false&per_page=200".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        Case {
            name: "registration submit",
            method: Method::POST,
            path: "/api/v1/registrations".into(),
            body: Some(json!({
                "kind": "in_school",
                "record": xueji_backend::synth::generate(xueji_backend::synth::SynthSpec::new(7000 + *seq as u64, 1, 330106, xueji_backend::clock::today())).expect("synth").remove(0),
            })),
            expect: if c.role == "registrar" && level == "school" {
                StatusCode::CREATED
            } else {
                StatusCode::FORBIDDEN
            },
        },
        Case {
            name: "students exported",
            method: Method::GET,
            path: "/api/v1/students/export.xlsx".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        Case {
            name: "national template",
            method: Method::GET,
            path: "/api/v1/imports/template.xlsx?layout=national".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        Case {
            name: "imports",
            method: Method::GET,
            path: "/api/v1/imports".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        Case {
            name: "import template",
            method: Method::GET,
            path: "/api/v1/imports/template.xlsx".into(),
            body: None,
            expect: if admin {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        },
        Case {
            name: "accounts default",
            method: Method::GET,
            path: "/api/v1/accounts".into(),
            body: None,
            expect: if admin {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            },
        },
    ];
    for wh in [Where::Inside, Where::Outside] {
        let read = |found: bool| {
            if found {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        };
        if let Some(code) = targets(w, me, "school", wh) {
            let school = w.by_code(code);
            let inside = wh == Where::Inside;
            out.push(Case {
                name: "org get",
                method: Method::GET,
                path: format!("/api/v1/orgs/{}", school.id),
                body: None,
                expect: read(inside),
            });
            out.push(Case {
                name: "org children",
                method: Method::GET,
                path: format!("/api/v1/orgs?parent_id={}", school.id),
                body: None,
                expect: read(inside),
            });
            let below = inside && school.id != me.id;
            out.push(Case {
                name: "org update",
                method: Method::PUT,
                path: format!("/api/v1/orgs/{}", school.id),
                body: Some(json!({ "name": school.name, "school_kind": "primary" })),
                expect: if !admin {
                    StatusCode::FORBIDDEN
                } else if !inside {
                    StatusCode::NOT_FOUND
                } else if below {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                },
            });
            // Accounts of that school: managed by its own admin and its county's admin.
            let manages = inside && (school.id == me.id || school.parent_id == Some(me.id));
            let acct = if !admin {
                StatusCode::FORBIDDEN
            } else if !inside {
                StatusCode::NOT_FOUND
            } else if manages {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            out.push(Case {
                name: "accounts of org",
                method: Method::GET,
                path: format!("/api/v1/accounts?org_id={}", school.id),
                body: None,
                expect: acct,
            });
            let victim = w.victims[&school.id];
            out.push(Case {
                name: "account update",
                method: Method::PATCH,
                path: format!("/api/v1/accounts/{victim}"),
                body: Some(json!({ "display_name": "受测账号" })),
                expect: acct,
            });
            out.push(Case {
                name: "account unlock",
                method: Method::POST,
                path: format!("/api/v1/accounts/{victim}/unlock"),
                body: None,
                expect: acct,
            });
            out.push(Case {
                name: "account reset",
                method: Method::POST,
                path: format!("/api/v1/accounts/{victim}/reset-password"),
                body: Some(json!({ "new_password": "Reset#2026x" })),
                expect: acct,
            });
            out.push(Case {
                name: "account loan",
                method: Method::POST,
                path: format!("/api/v1/accounts/{victim}/loan"),
                body: Some(json!({ "lent_to": "代录老师", "reason": "期末录入", "until": (xueji_backend::clock::today() + chrono::Duration::days(3)).to_string() })),
                expect: acct,
            });
            out.push(Case {
                name: "caps get",
                method: Method::GET,
                path: format!("/api/v1/orgs/{}/caps", school.id),
                body: None,
                expect: read(inside),
            });
            out.push(Case {
                name: "controlled get",
                method: Method::GET,
                path: format!("/api/v1/orgs/{}/controlled-fields", school.id),
                body: None,
                expect: read(inside),
            });
            out.push(Case {
                name: "classes get",
                method: Method::GET,
                path: format!("/api/v1/orgs/{}/classes", school.id),
                body: None,
                expect: read(inside),
            });
            // A school's own caps are never set by anyone; outside → 404 for administrators.
            let not_own = if !admin {
                StatusCode::FORBIDDEN
            } else if !inside {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            };
            if school.id != me.id {
                out.push(Case {
                    name: "school caps update",
                    method: Method::PUT,
                    path: format!("/api/v1/orgs/{}/caps", school.id),
                    body: Some(json!({ "stage": "primary", "cap": 45 })),
                    expect: not_own,
                });
                out.push(Case {
                    name: "school controlled update",
                    method: Method::PUT,
                    path: format!("/api/v1/orgs/{}/controlled-fields", school.id),
                    body: Some(json!({ "fields": [] })),
                    expect: not_own,
                });
            }
            let class_write = if !admin {
                StatusCode::FORBIDDEN
            } else if !inside {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            let business_read = if admin {
                StatusCode::FORBIDDEN
            } else {
                read(inside)
            };
            out.push(Case {
                name: "students of school",
                method: Method::GET,
                path: format!("/api/v1/students?school_id={}", school.id),
                body: None,
                expect: business_read,
            });
            out.push(Case {
                name: "students of school exported",
                method: Method::GET,
                path: format!(
                    "/api/v1/students/export.xlsx?school_id={}&layout=national",
                    school.id
                ),
                body: None,
                expect: business_read,
            });
            out.push(Case {
                name: "students of class",
                method: Method::GET,
                path: format!("/api/v1/students?class_id={}", w.classes[&school.id]),
                body: None,
                expect: business_read,
            });
            if let Some(student) = w.students.get(&school.id) {
                let business_read = if admin {
                    StatusCode::FORBIDDEN
                } else {
                    read(inside)
                };
                out.push(Case {
                    name: "student card",
                    method: Method::GET,
                    path: format!("/api/v1/students/{student}"),
                    body: None,
                    expect: business_read,
                });
                // A formal record: only the province, with the switch on and evidence.
                out.push(Case {
                    name: "student deletion",
                    method: Method::POST,
                    path: format!("/api/v1/students/{student}/deletion"),
                    body: Some(json!({ "reason": "" })),
                    expect: if admin || inside {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    },
                });
            }
            if let Some(&(student, _)) = w.changes.get(&school.id) {
                let business_read = if admin {
                    StatusCode::FORBIDDEN
                } else {
                    read(inside)
                };
                for (name, path) in [
                    (
                        "student edit context",
                        format!("/api/v1/students/{student}/edit"),
                    ),
                    (
                        "student history",
                        format!("/api/v1/students/{student}/history"),
                    ),
                    (
                        "changes of student",
                        format!("/api/v1/changes?student_id={student}"),
                    ),
                ] {
                    out.push(Case {
                        name,
                        method: Method::GET,
                        path,
                        body: None,
                        expect: if name == "changes of student" && !admin {
                            // A list: outside the jurisdiction it is empty, not 404.
                            StatusCode::OK
                        } else {
                            business_read
                        },
                    });
                }
                // Only the registrar of the student's school edits (an empty edit: 422);
                // everyone else inside 403.
                let editor = c.role == "registrar" && school.id == me.id;
                let own = |ok: StatusCode| {
                    if admin {
                        StatusCode::FORBIDDEN
                    } else if !inside {
                        StatusCode::NOT_FOUND
                    } else if editor {
                        ok
                    } else {
                        StatusCode::FORBIDDEN
                    }
                };
                for method in [Method::PATCH, Method::PUT] {
                    out.push(Case {
                        name: "student edit",
                        method,
                        path: format!("/api/v1/students/{student}"),
                        body: Some(json!({ "version": 0, "record": {} })),
                        expect: own(StatusCode::UNPROCESSABLE_ENTITY),
                    });
                }
            }
            // Every business on the request engine: its request page and its action.
            for b in engine_businesses(w) {
                let Some(id) = b.objects.get(&school.id) else {
                    continue;
                };
                out.push(Case {
                    name: leak(format!("{} get", b.key)),
                    method: Method::GET,
                    path: b.get.replace("{id}", &id.to_string()),
                    body: None,
                    expect: if admin {
                        StatusCode::FORBIDDEN
                    } else {
                        read(inside)
                    },
                });
                out.push(Case {
                    name: leak(format!("{} act", b.key)),
                    method: Method::POST,
                    path: b.act.replace("{id}", &id.to_string()),
                    body: Some(b.act_body.clone()),
                    expect: if admin {
                        StatusCode::FORBIDDEN
                    } else if !inside {
                        StatusCode::NOT_FOUND
                    } else {
                        (b.act_inside)(c, me, school)
                    },
                });
                for (name, path) in b.object_paths {
                    out.push(Case {
                        name: leak(format!("{} {name}", b.key)),
                        method: Method::GET,
                        path: path.replace("{id}", &id.to_string()),
                        body: None,
                        expect: if admin {
                            StatusCode::FORBIDDEN
                        } else {
                            StatusCode::NOT_FOUND
                        },
                    });
                }
            }
            if let Some(&(checked, cancelled)) = w.imports.get(&school.id) {
                let business_read = if admin {
                    StatusCode::FORBIDDEN
                } else {
                    read(inside)
                };
                out.push(Case {
                    name: "import get",
                    method: Method::GET,
                    path: format!("/api/v1/imports/{checked}"),
                    body: None,
                    expect: business_read,
                });
                out.push(Case {
                    name: "import report",
                    method: Method::GET,
                    path: format!("/api/v1/imports/{checked}/report.xlsx"),
                    body: None,
                    expect: business_read,
                });
                // Only the school's registrar decides; the refusals leave the jobs as they are
                // (all-or-nothing with a bad row: 422; cancelling a cancelled job: 409).
                let owner = c.role == "registrar" && school.id == me.id;
                let decide = |ok: StatusCode| {
                    if admin {
                        StatusCode::FORBIDDEN
                    } else if !inside {
                        StatusCode::NOT_FOUND
                    } else if owner {
                        ok
                    } else {
                        StatusCode::FORBIDDEN
                    }
                };
                out.push(Case {
                    name: "import commit",
                    method: Method::POST,
                    path: format!("/api/v1/imports/{checked}/commit"),
                    body: Some(json!({ "mode": "all_or_nothing" })),
                    expect: decide(StatusCode::UNPROCESSABLE_ENTITY),
                });
                out.push(Case {
                    name: "import cancel",
                    method: Method::POST,
                    path: format!("/api/v1/imports/{cancelled}/cancel"),
                    body: None,
                    expect: decide(StatusCode::CONFLICT),
                });
            }
            *seq += 1;
            out.push(Case {
                name: "class create",
                method: Method::POST,
                path: format!("/api/v1/orgs/{}/classes", school.id),
                body: Some(json!({ "stage": "primary", "grade": 1, "name": format!("矩阵{seq}班"), "capacity": 30 })),
                expect: if class_write == StatusCode::OK { StatusCode::CREATED } else { class_write },
            });
            *seq += 1;
            out.push(Case {
                name: "class update",
                method: Method::PUT,
                path: format!("/api/v1/classes/{}", w.classes[&school.id]),
                body: Some(json!({ "stage": "primary", "grade": 1, "name": format!("矩阵{seq}班"), "capacity": 30, "head_teacher": "王老师" })),
                expect: class_write,
            });
            *seq += 1;
            out.push(Case {
                name: "account create",
                method: Method::POST,
                path: "/api/v1/accounts".into(),
                body: Some(json!({ "username": format!("new-{}-{}", c.username, seq), "display_name": "新账号", "role": "registrar", "org_id": school.id, "password": "Initial#2026" })),
                expect: if acct == StatusCode::OK { StatusCode::CREATED } else { acct },
            });
        }
        if let Some(code) = targets(w, me, "county", wh) {
            let county = w.by_code(code);
            let inside = wh == Where::Inside;
            out.push(Case {
                name: "students under county",
                method: Method::GET,
                path: format!("/api/v1/students?org_id={}", county.id),
                body: None,
                expect: if admin {
                    StatusCode::FORBIDDEN
                } else if inside {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                },
            });
            *seq += 1;
            out.push(Case {
                name: "org create under county",
                method: Method::POST,
                path: "/api/v1/orgs".into(),
                body: Some(json!({ "parent_id": county.id, "code": format!("39{:08}", seq), "name": "新建测试学校", "school_kind": "primary" })),
                expect: if !admin { StatusCode::FORBIDDEN } else if !inside { StatusCode::NOT_FOUND } else { StatusCode::CREATED },
            });
        }
    }
    // The request engine's queues: every business role has an inbox; authorities (not schools)
    // have the overdue list of their jurisdiction; administrators do no business. Each business
    // adds its lists, and its filtered inbox and overdue list.
    let business = if admin {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    for b in engine_businesses(w) {
        for path in b.lists {
            out.push(Case {
                name: leak(format!("{} list {path}", b.key)),
                method: Method::GET,
                path: (*path).into(),
                body: None,
                expect: business,
            });
        }
        out.push(Case {
            name: leak(format!("{} inbox", b.key)),
            method: Method::GET,
            path: format!("/api/v1/inbox?business={}", b.key),
            body: None,
            expect: business,
        });
        out.push(Case {
            name: leak(format!("{} overdue", b.key)),
            method: Method::GET,
            path: format!("/api/v1/overdue?business={}", b.key),
            body: None,
            expect: if admin || level == "school" {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            },
        });
    }
    for (name, path) in [
        ("inbox", "/api/v1/inbox"),
        ("inbox oldest", "/api/v1/inbox?order=oldest&limit=5"),
        ("inbox summary", "/api/v1/inbox/summary"),
    ] {
        out.push(Case {
            name,
            method: Method::GET,
            path: path.into(),
            body: None,
            expect: business,
        });
    }
    out.push(Case {
        name: "overdue",
        method: Method::GET,
        path: "/api/v1/overdue".into(),
        body: None,
        expect: if admin || level == "school" {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        },
    });
    // The full duplicate scan: province and ministry registrars start one (national for the
    // ministry); they and their leaders see their runs; another province's run is 404.
    let scan_level = !admin && matches!(level, "ministry" | "province");
    out.push(Case {
        name: "scans",
        method: Method::GET,
        path: "/api/v1/scans".into(),
        body: None,
        expect: if scan_level {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        },
    });
    for (run, theirs) in [(w.scans.0, false), (w.scans.1, true)] {
        out.push(Case {
            name: "scan get",
            method: Method::GET,
            path: format!("/api/v1/scans/{run}"),
            body: None,
            expect: if !scan_level {
                StatusCode::FORBIDDEN
            } else if theirs && level == "province" {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            },
        });
    }
    out.push(Case {
        name: "scan start",
        method: Method::POST,
        path: "/api/v1/scans".into(),
        body: None,
        expect: if scan_level && c.role == "registrar" {
            StatusCode::ACCEPTED
        } else {
            StatusCode::FORBIDDEN
        },
    });
    out
}

/// Strings that identify organisations and accounts of other jurisdictions: neither in the
/// caller's subtree nor one of its superiors (whose names a lower level sees where a setting is
/// inherited from them).
fn outside_markers(w: &World, me: &Org) -> Vec<String> {
    w.orgs
        .values()
        .filter(|o| !o.path.starts_with(&me.path) && !me.path.starts_with(&o.path))
        .flat_map(|o| {
            let mut v = vec![o.name.clone(), format!("victim-{}", o.code)];
            if o.level == "school" {
                v.push(o.code.clone());
            }
            v
        })
        .collect()
}

async fn jurisdiction_matrix(b: Backend) {
    let app = spawn_app(b).await;
    let w = world(&app).await;
    let mut callers = Vec::new();
    for (slug, code) in SLUG_CODES {
        assert!(CALLER_ORGS.contains(&slug));
        for role in ROLES {
            let username = format!("{slug}-{role}");
            let token = app.token(&username).await;
            callers.push(Caller {
                username,
                role,
                org_code: code.to_owned(),
                token,
            });
        }
    }
    // Every business of the engine is in the matrix.
    let mut keys: Vec<&str> = engine_businesses(&w).iter().map(|b| b.key).collect();
    let mut all: Vec<&str> = xueji_shared::api_engine::BusinessKey::ALL
        .iter()
        .map(|b| b.as_str())
        .collect();
    keys.sort_unstable();
    all.sort_unstable();
    assert_eq!(keys, all, "a business of the engine without matrix rows");
    let mut seq = 0;
    let mut failures = Vec::new();
    let mut checked = 0;
    for c in &callers {
        let me = w.by_code(&c.org_code);
        let markers = outside_markers(&w, me);
        for case in cases(&w, c, &mut seq) {
            let r = app
                .call(
                    case.method.clone(),
                    &case.path,
                    case.body.clone(),
                    Some(&c.token),
                )
                .await;
            checked += 1;
            if r.status != case.expect {
                failures.push(format!(
                    "{} {} {} {}: expected {}, got {} {}",
                    c.username, case.name, case.method, case.path, case.expect, r.status, r.text
                ));
                continue;
            }
            if r.status.is_success() {
                for m in &markers {
                    if r.text.contains(m.as_str()) {
                        failures.push(format!(
                            "{} {} {}: response leaks outside object {m:?}",
                            c.username, case.method, case.path
                        ));
                    }
                }
            }
        }
    }
    // Multipart: evidence upload (business roles only).
    for c in &callers {
        let boundary = "matrixB0undary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
        )
        .into_bytes();
        body.extend(common::pdf(&c.username));
        body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        let req = http::Request::post("/api/v1/evidence")
            .header("authorization", format!("Bearer {}", c.token))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body))
            .expect("req");
        let r = app.raw(req).await;
        checked += 1;
        let expect = if c.role == "admin" {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::CREATED
        };
        if r.status != expect {
            failures.push(format!(
                "{} evidence upload: expected {expect}, got {} {}",
                c.username, r.status, r.text
            ));
        }
    }
    // Multipart: import upload (school registrars only).
    let file = xueji_backend::business::registration::xlsx::filled(&[
        xueji_shared::business::registration::import::record_cells(
            &xueji_backend::synth::generate(xueji_backend::synth::SynthSpec::new(
                990,
                1,
                330106,
                xueji_backend::clock::today(),
            ))
            .expect("synth")[0],
        ),
    ])
    .expect("xlsx");
    for c in &callers {
        let r = upload_import(&app, &c.token, &file).await;
        checked += 1;
        let me = w.by_code(&c.org_code);
        let expect = if c.role == "registrar" && me.level == "school" {
            StatusCode::ACCEPTED
        } else {
            StatusCode::FORBIDDEN
        };
        if r.status != expect {
            failures.push(format!(
                "{} import upload: expected {expect}, got {} {}",
                c.username, r.status, r.text
            ));
        }
    }
    assert!(checked > 200, "matrix too small: {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
db_test!(jurisdiction_matrix, jurisdiction_matrix);
