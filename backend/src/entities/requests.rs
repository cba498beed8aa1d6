use sea_orm::entity::prelude::*;

/// A request of any business running through the request engine (`crate::engine`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: String,
    /// JSON of `workflow::Business` (the chain, fixed at submission).
    pub business: String,
    pub kind: String,
    /// The applicant's organisation (a school, or for a problem record the first side's school).
    pub school_id: i64,
    /// JSON of `workflow::State`.
    pub state: String,
    /// pending | returned | completed | rejected | withdrawn
    pub status: String,
    pub pending_level: Option<String>,
    pub pending_role: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    #[sea_orm(column_type = "Text")]
    pub candidates: String,
    pub student_id: Option<i64>,
    pub created_by: i64,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// The other party: the sending school of a transfer, the graduating school of a
    /// cross-province enrolment, the second school of a duplicate pair.
    pub counterpart_org_id: Option<i64>,
    /// The lowest common superior that arbitrates.
    pub arbiter_org_id: Option<i64>,
    /// The domain object the request is about, when it lives in its own table (problem id).
    pub object_id: Option<i64>,
    /// The line shown in the inbox (the student's name, …).
    pub subject: String,
    /// Incremented by every transition; transitions are conditional on it.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
