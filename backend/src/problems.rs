//! Problem records (问题学籍): opening them (at registration, on identity changes, by the full
//! duplicate scan) and working them off — the data side of `xueji_shared::problem`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use xueji_shared::problem::{ProblemKind, ProblemState, SideState};

use crate::entities::problems;
use crate::error::AppResult;

/// Open a problem record about `student_id` (and, for a pair, `other`: the record it
/// duplicates). Both sides start open.
pub async fn open_problem<C: ConnectionTrait>(
    conn: &C,
    province_code: &str,
    kind: ProblemKind,
    student_id: i64,
    other: Option<i64>,
) -> AppResult<problems::Model> {
    Ok(problems::ActiveModel {
        province_code: Set(province_code.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        student_id: Set(student_id),
        other_student_id: Set(other),
        state: Set(ProblemState::Open.as_str().to_owned()),
        detail: Set(None),
        created_at: Set(Utc::now()),
        resolved_at: Set(None),
        a_state: Set(SideState::Open.as_str().to_owned()),
        b_state: Set(other.map(|_| SideState::Open.as_str().to_owned())),
        arbiter_org_id: Set(None),
        resolution: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}
