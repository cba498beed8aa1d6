use sea_orm::entity::prelude::*;

/// A request running through an approval chain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: String,
    /// JSON of `workflow::Business` (the chain, fixed at submission).
    pub business: String,
    pub kind: String,
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
