use sea_orm::entity::prelude::*;

/// Every number a student has held (L → G/J, J → G), never reused.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student_numbers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub student_id: i64,
    pub province_code: String,
    #[sea_orm(unique)]
    pub number: String,
    pub kind: String,
    pub assigned_at: ChronoDateTimeUtc,
    pub retired_at: Option<ChronoDateTimeUtc>,
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
