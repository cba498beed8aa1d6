use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: String,
    pub province_code: String,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<ChronoDateTimeUtc>,
    pub password_changed_at: ChronoDateTimeUtc,
    pub must_change_password: bool,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
