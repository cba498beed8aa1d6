use sea_orm::entity::prelude::*;

/// One step an organisation must take on a request, with its 10-working-day deadline; open
/// while `done_at` is empty.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_steps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    pub province_code: String,
    /// The business key (`registration`, `problem`, …; `crate::engine::BusinessKey`).
    pub business: String,
    /// The chain's step index, when the business has a chain.
    pub step: Option<i16>,
    pub label: String,
    /// `applicant | counterpart | arbiter`, or the side `a | b` of a problem record.
    pub side: String,
    /// The organisation that must act, and its materialised path.
    pub org_id: i64,
    pub org_path: String,
    pub level: String,
    pub role: String,
    pub subject: String,
    pub started_at: ChronoDateTimeUtc,
    pub due_at: ChronoDateTimeUtc,
    pub done_at: Option<ChronoDateTimeUtc>,
    pub done_action: Option<String>,
    pub done_by: Option<i64>,
    /// Done by 强制干预.
    pub forced: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
