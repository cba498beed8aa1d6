use sea_orm::entity::prelude::*;

/// One action on a side of a problem record: evidence, change, delete, approve, return, keep.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problem_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub problem_id: i64,
    pub province_code: String,
    /// `a` (the problem's student) or `b` (the other student of a pair).
    pub side: String,
    pub action: String,
    pub actor_id: i64,
    pub actor_org_id: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    /// JSON array of evidence SHA-256s.
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    /// JSON `IdentityChange` of a `change`.
    #[sea_orm(column_type = "Text", nullable)]
    pub change: Option<String>,
    pub at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
