use sea_orm::entity::prelude::*;

/// A problem record (问题学籍): invalid ID, duplicate with ID, duplicate without ID; state
/// `open | arbitration | resolved` (`xueji_shared::business::problems::problem::ProblemState`).
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
    /// `xueji_shared::business::problems::problem::SideState` of the student's side.
    pub a_state: String,
    /// The other student's side (pairs only).
    pub b_state: Option<String>,
    /// Arbitration: the lowest common superior of the two authorities.
    pub arbiter_org_id: Option<i64>,
    /// How it was resolved (Chinese, for the queue and the card).
    #[sea_orm(column_type = "Text", nullable)]
    pub resolution: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
