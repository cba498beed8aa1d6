//! The national duplicate check (全国查重) for students with an ID.
//!
//! Every person owns at most one student record nationally. Ownership of a normalised ID key
//! (`xueji_shared::dedup::id_key`) is a row of `identity_claims`, whose primary key is the ID
//! key: registering claims it with one insert, so the check is one index probe, and of two
//! simultaneous registrations of the same ID exactly one wins — on PostgreSQL the second insert
//! waits for the first transaction and then finds the row; on SQLite writers are serialised.
//! The loser becomes a problem record (问题学籍, duplicate with ID) linking both students.
//!
//! Students without an ID are matched on `students.person_key` (normalised name + gender +
//! birth date), also one index probe; such pairs may both pass after evidence.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use crate::entities::{identity_claims, students};
use crate::error::AppResult;

/// The outcome of claiming an ID key for a student.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The student now owns the key (or already did).
    Won,
    /// Another student owns it: a duplicate with ID.
    Taken { owner: i64 },
}

/// Claim `id_key` for `student_id` inside the caller's write transaction.
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    id_key: &str,
    student_id: i64,
    province_code: &str,
) -> AppResult<Claim> {
    let inserted = identity_claims::Entity::insert(identity_claims::ActiveModel {
        id_key: Set(id_key.to_owned()),
        student_id: Set(student_id),
        province_code: Set(province_code.to_owned()),
        claimed_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(identity_claims::Column::IdKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    if inserted == 1 {
        return Ok(Claim::Won);
    }
    let owner = identity_claims::Entity::find_by_id(id_key.to_owned())
        .one(conn)
        .await?
        .map(|c| c.student_id);
    Ok(match owner {
        Some(owner) if owner == student_id => Claim::Won,
        Some(owner) => Claim::Taken { owner },
        // Released between our insert and our read: try once more.
        None => Box::pin(claim(conn, id_key, student_id, province_code)).await?,
    })
}

/// Give up a claim (the record was deleted or its ID changed); only the owner's claim goes.
pub async fn release<C: ConnectionTrait>(conn: &C, id_key: &str, student_id: i64) -> AppResult<()> {
    identity_claims::Entity::delete_many()
        .filter(identity_claims::Column::IdKey.eq(id_key))
        .filter(identity_claims::Column::StudentId.eq(student_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Students other than `except` with the same person key (no-ID duplicates), at most `limit`.
pub async fn person_matches<C: ConnectionTrait>(
    conn: &C,
    person_key: &str,
    except: Option<i64>,
    limit: u64,
) -> AppResult<Vec<i64>> {
    let mut q = students::Entity::find()
        .select_only()
        .column(students::Column::Id)
        .filter(students::Column::PersonKey.eq(person_key))
        .filter(students::Column::Status.ne(super::STATUS_DELETED));
    if let Some(id) = except {
        q = q.filter(students::Column::Id.ne(id));
    }
    Ok(q.limit(limit).into_tuple::<i64>().all(conn).await?)
}
