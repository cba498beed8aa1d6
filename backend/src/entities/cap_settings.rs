use sea_orm::entity::prelude::*;

/// One organisation's own class-size cap (班额) for one stage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cap_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub province_code: String,
    /// `Stage::as_str()`.
    pub stage: String,
    pub cap: Option<i32>,
    /// 不允许下级修改.
    pub locked: bool,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
