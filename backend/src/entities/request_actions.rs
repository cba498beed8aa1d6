use sea_orm::entity::prelude::*;

/// One action on a request: submit, approve, return, reject, withdraw, resubmit, force.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    pub province_code: String,
    pub step: Option<i16>,
    pub action: String,
    pub actor_id: i64,
    pub actor_org_id: i64,
    pub reason: Option<String>,
    pub at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
