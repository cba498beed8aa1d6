use sea_orm::entity::prelude::*;

/// A problem record (问题学籍): invalid ID, duplicate with ID, duplicate without ID.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problems")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: String,
    pub kind: String,
    pub student_id: i64,
    pub other_student_id: Option<i64>,
    pub state: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    pub resolved_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
