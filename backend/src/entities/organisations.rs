use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: String,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub province_code: String,
    /// Ancestor ids including its own, e.g. "/1/4/17/".
    pub path: String,
    pub region_code: Option<String>,
    pub stages: Option<String>,
    pub address: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
