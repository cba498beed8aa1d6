use sea_orm::entity::prelude::*;

/// One row per person nationally: which student record owns a normalised ID key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_key: String,
    pub student_id: i64,
    pub province_code: String,
    pub claimed_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
