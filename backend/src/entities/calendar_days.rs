use sea_orm::entity::prelude::*;

/// A holiday or make-up working day; `province_code` "000000" = national (set by the ministry).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_days")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: String,
    pub day: Date,
    /// `holiday` or `makeup_workday`.
    pub kind: String,
    pub note: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
