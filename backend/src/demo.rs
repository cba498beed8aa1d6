//! Demo data: the ministry, one province with 2 cities, 4 counties and 12 schools across the
//! stages, and accounts for every role in every organisation. All demo accounts share the
//! password [`DEMO_PASSWORD`]; the README lists them. Seeded only into an empty database.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::json;
use xueji_shared::org::{Level, Role, SchoolKind};
use xueji_shared::stage::Stage;

use crate::audit::{self, Actor, Entry};
use crate::auth::Caller;
use crate::entities::{accounts, classes, organisations};
use crate::error::AppResult;
use crate::state::AppState;

pub const DEMO_PASSWORD: &str = "Xueji@2026";

/// One demo organisation: account slug, code, name, level, stages (schools), parent slug.
struct Org {
    slug: &'static str,
    code: &'static str,
    name: &'static str,
    level: Level,
    stages: Option<&'static str>,
    parent: Option<&'static str>,
}

const fn org(
    slug: &'static str,
    code: &'static str,
    name: &'static str,
    level: Level,
    stages: Option<&'static str>,
    parent: Option<&'static str>,
) -> Org {
    Org {
        slug,
        code,
        name,
        level,
        stages,
        parent,
    }
}

use Level::*;

const ORGS: &[Org] = &[
    org("moe", "000000", "教育部", Ministry, None, None),
    org("zj", "330000", "浙江省教育厅", Province, None, Some("moe")),
    org("hz", "330100", "杭州市教育局", City, None, Some("zj")),
    org("nb", "330200", "宁波市教育局", City, None, Some("zj")),
    org(
        "hz-sc",
        "330102",
        "杭州市上城区教育局",
        County,
        None,
        Some("hz"),
    ),
    org(
        "hz-xh",
        "330106",
        "杭州市西湖区教育局",
        County,
        None,
        Some("hz"),
    ),
    org(
        "nb-hs",
        "330203",
        "宁波市海曙区教育局",
        County,
        None,
        Some("nb"),
    ),
    org(
        "nb-yz",
        "330212",
        "宁波市鄞州区教育局",
        County,
        None,
        Some("nb"),
    ),
    org(
        "hz-sc-1",
        "3330102001",
        "杭州市上城区实验小学",
        School,
        Some("primary"),
        Some("hz-sc"),
    ),
    org(
        "hz-sc-2",
        "3330102002",
        "杭州市上城区第一初级中学",
        School,
        Some("junior"),
        Some("hz-sc"),
    ),
    org(
        "hz-sc-3",
        "3330102003",
        "杭州市上城区高级中学",
        School,
        Some("senior"),
        Some("hz-sc"),
    ),
    org(
        "hz-xh-1",
        "3330106001",
        "杭州市西湖区求是小学",
        School,
        Some("primary"),
        Some("hz-xh"),
    ),
    org(
        "hz-xh-2",
        "3330106002",
        "杭州市西湖区九年一贯制学校",
        School,
        Some("nine_year"),
        Some("hz-xh"),
    ),
    org(
        "hz-xh-3",
        "3330106003",
        "杭州市西湖区完全中学",
        School,
        Some("complete"),
        Some("hz-xh"),
    ),
    org(
        "nb-hs-1",
        "3330203001",
        "宁波市海曙区中心小学",
        School,
        Some("primary"),
        Some("nb-hs"),
    ),
    org(
        "nb-hs-2",
        "3330203002",
        "宁波市海曙区实验初级中学",
        School,
        Some("junior"),
        Some("nb-hs"),
    ),
    org(
        "nb-hs-3",
        "3330203003",
        "宁波市海曙区十二年一贯制学校",
        School,
        Some("twelve_year"),
        Some("nb-hs"),
    ),
    org(
        "nb-yz-1",
        "3330212001",
        "宁波市鄞州区东湖小学",
        School,
        Some("primary"),
        Some("nb-yz"),
    ),
    org(
        "nb-yz-2",
        "3330212002",
        "宁波市鄞州区第二初级中学",
        School,
        Some("junior"),
        Some("nb-yz"),
    ),
    org(
        "nb-yz-3",
        "3330212003",
        "宁波市鄞州区高级中学",
        School,
        Some("senior"),
        Some("nb-yz"),
    ),
];

/// Demo accounts as (username, password, organisation name, role), for the README and tests.
pub fn demo_accounts() -> Vec<(String, &'static str, &'static str, Role)> {
    ORGS.iter()
        .flat_map(|o| {
            Role::ALL.into_iter().map(move |r| {
                (
                    format!("{}-{}", o.slug, r.as_str()),
                    DEMO_PASSWORD,
                    o.name,
                    r,
                )
            })
        })
        .collect()
}

/// Seed the demo data if the database has no organisation yet. Returns whether it seeded.
pub async fn seed_if_empty(state: &AppState) -> AppResult<bool> {
    let tx = state.begin_write().await?;
    if organisations::Entity::find().count(&*tx).await? > 0 {
        return Ok(false);
    }
    // One hash for all demo accounts (same password): seeding stays fast in debug builds.
    let hash = state.passwords.hash(DEMO_PASSWORD.to_owned()).await?;
    let now = Utc::now();
    let mut ids: std::collections::HashMap<&str, (i64, String, String)> = Default::default();
    let mut account_count = 0;
    let mut class_count = 0;
    for o in ORGS {
        let (parent_id, parent_path) = match o.parent.and_then(|p| ids.get(p)) {
            Some((id, path, _)) => (Some(*id), path.clone()),
            None => (None, "/".to_owned()),
        };
        let province_code = match o.level {
            Ministry => "000000".to_owned(),
            Province => o.code.to_owned(),
            _ => o
                .parent
                .and_then(|p| ids.get(p))
                .map(|(_, _, prov)| prov.clone())
                .unwrap_or_else(|| "000000".to_owned()),
        };
        let region = match o.level {
            Ministry => None,
            School => Some(o.code[1..7].to_owned()),
            _ => Some(o.code.to_owned()),
        };
        let inserted = organisations::ActiveModel {
            parent_id: Set(parent_id),
            level: Set(o.level.as_str().to_owned()),
            code: Set(o.code.to_owned()),
            name: Set(o.name.to_owned()),
            province_code: Set(province_code.clone()),
            path: Set(String::new()),
            region_code: Set(region),
            stages: Set(o.stages.map(str::to_owned)),
            address: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        let path = format!("{parent_path}{}/", inserted.id);
        let mut am: organisations::ActiveModel = inserted.clone().into();
        am.path = Set(path.clone());
        am.update(&*tx).await?;
        ids.insert(o.slug, (inserted.id, path, province_code.clone()));
        if let Some(kind) = o.stages.and_then(SchoolKind::parse) {
            class_count += seed_classes(&*tx, inserted.id, &province_code, kind).await?;
        }

        for role in Role::ALL {
            accounts::ActiveModel {
                username: Set(format!("{}-{}", o.slug, role.as_str())),
                password_hash: Set(hash.clone()),
                display_name: Set(format!("{}{}", o.name, role.label())),
                org_id: Set(inserted.id),
                role: Set(role.as_str().to_owned()),
                province_code: Set(province_code.clone()),
                disabled: Set(false),
                failed_logins: Set(0),
                locked_until: Set(None),
                password_changed_at: Set(now),
                must_change_password: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
            account_count += 1;
        }
    }
    audit::append(
        &*tx,
        &Actor::default(),
        Entry {
            action: "system.seed_demo",
            object_type: "system",
            object_id: None,
            before: None,
            after: Some(json!({
                "organisations": ORGS.len(),
                "accounts": account_count,
                "classes": class_count,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Every grade of every stage the school teaches, two classes each (一班, 二班), with a head
/// teacher and a capacity under the national guidance (primary 45, secondary 50).
async fn seed_classes<C: sea_orm::ConnectionTrait>(
    conn: &C,
    school_id: i64,
    province_code: &str,
    kind: SchoolKind,
) -> AppResult<usize> {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "周"];
    let now = Utc::now();
    let mut n = 0;
    for &stage in kind.stages() {
        let (grades, capacity) = match stage {
            Stage::Primary => (6, 45),
            Stage::Junior => (3, 50),
            Stage::Senior => (3, 50),
        };
        for grade in 1..=grades {
            for (i, name) in ["一班", "二班"].iter().enumerate() {
                let teacher = format!(
                    "{}老师",
                    SURNAMES[(grade as usize * 2 + i) % SURNAMES.len()]
                );
                classes::ActiveModel {
                    school_id: Set(school_id),
                    province_code: Set(province_code.to_owned()),
                    stage: Set(stage.as_str().to_owned()),
                    grade: Set(grade),
                    name: Set((*name).to_owned()),
                    head_teacher: Set(Some(teacher)),
                    capacity: Set(capacity),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// What [`seed_business`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BusinessCounts {
    pub students: usize,
    pub requests: usize,
    pub overdue: usize,
    pub problems: usize,
}

fn demo_caller(account: accounts::Model, org: organisations::Model) -> AppResult<Caller> {
    let (role, level) = crate::auth::role_and_level(&account, &org)?;
    Ok(Caller {
        account,
        org,
        role,
        level,
        client_ip: None,
        password_change_required: false,
    })
}

/// Demo business so that every demo account finds something to do: three students in every
/// grade of every demo school (from `synth`, registered with formal numbers), per school three
/// open registration requests — one at the school leader's step, one at the county's, one
/// returned to the school — the county steps of the first city's schools overdue, and problem
/// records: a duplicate with ID across the two cities (arbitrated by the province once both
/// uphold), a duplicate without ID within a county, and an invalid ID. Seeded once, with the
/// demo organisations; one audit entry says what was made.
pub async fn seed_business(state: &AppState) -> AppResult<BusinessCounts> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    use xueji_shared::api_engine::BusinessKey;
    use xueji_shared::business::registration::api_registration::RegistrationKind;
    use xueji_shared::stage::Grade;
    use xueji_shared::workflow::{Action, Business, RegistrationLevel};

    let today = crate::clock::today();
    let tx = state.begin_write().await?;
    let schools = organisations::Entity::find()
        .filter(organisations::Column::Level.eq("school"))
        .order_by_asc(organisations::Column::Id)
        .all(&*tx)
        .await?;
    let account = |username: String| {
        let tx = &tx;
        async move {
            accounts::Entity::find()
                .filter(accounts::Column::Username.eq(username.clone()))
                .one(&**tx)
                .await?
                .ok_or_else(|| crate::error::AppError::Internal(format!("demo account {username}")))
        }
    };
    let slug_of = |code: &str| {
        ORGS.iter()
            .find(|o| o.code == code)
            .map(|o| o.slug)
            .unwrap_or_default()
    };
    let mut counts = BusinessCounts::default();
    let mut first_records = Vec::new();
    for (n, school) in schools.iter().enumerate() {
        let Some(kind) = crate::settings::school_kind(school) else {
            continue;
        };
        let county: u32 = school
            .region_code
            .as_deref()
            .and_then(|r| r.get(..6))
            .and_then(|r| r.parse().ok())
            .unwrap_or(330106);
        let rules = crate::student::rules_for(&*tx, school, RegistrationKind::InSchool).await?;
        let lengths = xueji_shared::stage::StageLengths::default();
        let mut seed = 70_000 + 1_000 * n as u64;
        for &stage in kind.stages() {
            for year in 1..=lengths.years(stage) {
                seed += 1;
                let mut spec = crate::synth::SynthSpec::new(seed, 3, county, today);
                spec.stages = kind.stages().to_vec();
                spec.grade_weights = vec![(Grade { stage, year }, 1)];
                spec.hmt_share = 0.0;
                for record in crate::synth::generate(spec)
                    .map_err(|e| crate::error::AppError::Internal(e.to_string()))?
                {
                    crate::student::register(&*tx, school, &record, &rules).await?;
                    counts.students += 1;
                }
            }
        }
        // Open registration requests at three steps.
        let slug = slug_of(&school.code);
        let registrar = demo_caller(account(format!("{slug}-registrar")).await?, school.clone())?;
        let leader = demo_caller(account(format!("{slug}-leader")).await?, school.clone())?;
        let county_org = match school.parent_id {
            Some(p) => organisations::Entity::find_by_id(p).one(&*tx).await?,
            None => None,
        };
        let county_caller = match &county_org {
            Some(c) => Some(demo_caller(
                account(format!("{}-registrar", slug_of(&c.code))).await?,
                c.clone(),
            )?),
            None => None,
        };
        let mut spec = crate::synth::SynthSpec::new(90_000 + n as u64, 3, county, today);
        spec.stages = kind.stages().to_vec();
        spec.hmt_share = 0.0;
        spec.no_id_share = 0.0;
        let pending = crate::synth::generate(spec)
            .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
        for (i, record) in pending.iter().enumerate() {
            let row = crate::engine::submit(
                &*tx,
                &registrar,
                crate::engine::NewRequest {
                    key: BusinessKey::Registration,
                    business: Business::Registration {
                        up_to: RegistrationLevel::County,
                    },
                    kind: RegistrationKind::InSchool.as_str().to_owned(),
                    applicant: school.clone(),
                    counterpart: None,
                    arbiter: None,
                    object_id: None,
                    subject: record.name.trim().to_owned(),
                    payload: serde_json::to_string(record)
                        .map_err(crate::error::AppError::internal)?,
                    candidates: "[]".into(),
                    student_id: None,
                },
            )
            .await?;
            counts.requests += 1;
            if i == 0 {
                continue;
            }
            let at_county = crate::engine::transition(
                &*tx,
                &leader,
                &row,
                BusinessKey::Registration,
                Action::Approve,
                None,
            )
            .await?
            .row;
            if i == 2 {
                if let Some(c) = &county_caller {
                    crate::engine::transition(
                        &*tx,
                        c,
                        &at_county,
                        BusinessKey::Registration,
                        Action::Return,
                        Some("请核对家庭住址与户口所在地".into()),
                    )
                    .await?;
                }
            } else if n % 2 == 0 {
                // Left at the county for 20 days: overdue against the 10-working-day clock.
                let past = Utc::now() - chrono::Duration::days(20);
                let cal = crate::engine::clock::calendar(&*tx, &school.province_code).await?;
                use sea_orm::sea_query::Expr;
                crate::entities::request_steps::Entity::update_many()
                    .col_expr(
                        crate::entities::request_steps::Column::StartedAt,
                        Expr::value(past),
                    )
                    .col_expr(
                        crate::entities::request_steps::Column::DueAt,
                        Expr::value(crate::engine::clock::due_at(&cal, past)),
                    )
                    .filter(crate::entities::request_steps::Column::RequestId.eq(at_county.id))
                    .filter(crate::entities::request_steps::Column::DoneAt.is_null())
                    .exec(&*tx)
                    .await?;
                counts.overdue += 1;
            }
        }
        first_records.push((school.clone(), rules, pending));
    }
    // Problem records: the same child registered in Hangzhou and in Ningbo (duplicate with ID),
    // a child without ID registered twice in one county (duplicate without ID).
    let find = |code: &str| first_records.iter().find(|(s, _, _)| s.code == code);
    if let (Some((a, a_rules, recs)), Some((b, b_rules, _))) =
        (find("3330106001"), find("3330203001"))
    {
        let record = &recs[0];
        crate::student::register(&*tx, a, record, a_rules).await?;
        crate::student::register(&*tx, b, record, b_rules).await?;
        counts.problems += 1;
    }
    if let (Some((a, a_rules, _)), Some((b, b_rules, _))) = (find("3330106001"), find("3330106002"))
    {
        let mut spec = crate::synth::SynthSpec::new(99_001, 1, 330106, today);
        spec.no_id_share = 1.0;
        spec.hmt_share = 0.0;
        let record = crate::synth::generate(spec)
            .map_err(|e| crate::error::AppError::Internal(e.to_string()))?
            .remove(0);
        crate::student::register(&*tx, a, &record, a_rules).await?;
        crate::student::register(&*tx, b, &record, b_rules).await?;
        counts.problems += 1;
    }
    // An ID the national lookup could not confirm (身份证件号码校验未通过), at a Ningbo school.
    if let Some(s) = crate::entities::students::Entity::find()
        .filter(crate::entities::students::Column::NumberKind.eq("G"))
        .order_by_desc(crate::entities::students::Column::Id)
        .one(&*tx)
        .await?
    {
        crate::student::open_problem(
            &*tx,
            &s.province_code,
            xueji_shared::business::problems::problem::ProblemKind::InvalidId,
            s.id,
            None,
        )
        .await?;
        counts.problems += 1;
    }
    // Key-field change requests: one at the school leader's step, one at the county's.
    counts.requests += crate::business::change::demo::seed(&*tx, &state.evidence).await?;
    audit::append(
        &*tx,
        &Actor::default(),
        Entry {
            action: "system.seed_demo_business",
            object_type: "system",
            object_id: None,
            before: None,
            after: Some(json!({
                "students": counts.students,
                "requests": counts.requests,
                "overdue": counts.overdue,
                "problems": counts.problems,
            })),
        },
    )
    .await?;
    // Some deadlines were moved into the past above: count the open steps afresh.
    crate::engine::tally::rebuild(&*tx).await?;
    tx.commit().await?;
    Ok(counts)
}
