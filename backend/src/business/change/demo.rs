//! Demo change requests (`XUEJI_DEMO_BUSINESS`): at 西湖区求是小学 two students' name changes
//! with a 户籍证明 — one waiting for the school leader, one for the county — so that both find a
//! 关键信息变更 in their inbox.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use xueji_shared::api_engine::BusinessKey;
use xueji_shared::business::change::edit::{self as change, ProofKind, ProofRef};
use xueji_shared::workflow::{Action, Business};

use super::routes::{subject_of, Payload, KIND};
use crate::auth::Caller;
use crate::engine;
use crate::entities::{accounts, organisations, students};
use crate::error::{AppError, AppResult};
use crate::evidence::EvidenceStore;
use crate::student::edit;

/// A small genuine one-page PDF standing for the scanned certificate.
fn certificate() -> Vec<u8> {
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ];
    let mut out = b"%PDF-1.4\n% demo household registration certificate\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).into_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).into_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .into_bytes(),
    );
    out
}

async fn caller<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    org: &organisations::Model,
) -> AppResult<Caller> {
    let account = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo account {username}")))?;
    let (role, level) = crate::auth::role_and_level(&account, org)?;
    Ok(Caller {
        account,
        org: org.clone(),
        role,
        level,
        client_ip: None,
        password_change_required: false,
    })
}

/// Seed the demo change requests; returns how many were made.
pub async fn seed<C: ConnectionTrait>(conn: &C, store: &EvidenceStore) -> AppResult<usize> {
    let Some(school) = organisations::Entity::find()
        .filter(organisations::Column::Code.eq("3330106001"))
        .one(conn)
        .await?
    else {
        return Ok(0);
    };
    let registrar = caller(conn, "hz-xh-1-registrar", &school).await?;
    let leader = caller(conn, "hz-xh-1-leader", &school).await?;
    let controlled = crate::settings::controlled_for_school(conn, &school).await?;
    let rows = students::Entity::find()
        .filter(students::Column::SchoolId.eq(school.id))
        .filter(students::Column::Status.eq("active"))
        .filter(students::Column::NumberKind.eq("G"))
        .order_by_asc(students::Column::Id)
        .limit(2)
        .all(conn)
        .await?;
    let sha = store.put_raw(&certificate()).await?;
    let mut made = 0;
    for (i, s) in rows.iter().enumerate() {
        let before = edit::stored_record(s)?;
        let mut after = before.clone();
        after.name = ["王子涵", "李雨桐"][i % 2].to_owned();
        if after.name == before.name {
            continue;
        }
        let changes = change::diff(&before, &after, &controlled);
        let payload = Payload {
            base_version: s.version,
            changes,
            evidence: vec![ProofRef {
                sha256: sha.clone(),
                kind: ProofKind::Household,
            }],
            reason: Some("户籍登记姓名已变更".into()),
        };
        let row = engine::submit(
            conn,
            &registrar,
            engine::NewRequest {
                key: BusinessKey::Change,
                business: Business::KeyFieldChange,
                kind: KIND.to_owned(),
                applicant: school.clone(),
                counterpart: None,
                arbiter: None,
                object_id: None,
                subject: subject_of(&s.name, &payload.changes),
                payload: serde_json::to_string(&payload).map_err(AppError::internal)?,
                candidates: "[]".into(),
                student_id: Some(s.id),
            },
        )
        .await?;
        if i == 1 {
            engine::transition(
                conn,
                &leader,
                &row,
                BusinessKey::Change,
                Action::Approve,
                None,
            )
            .await?;
        }
        made += 1;
    }
    Ok(made)
}
