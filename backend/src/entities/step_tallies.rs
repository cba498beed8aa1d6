use sea_orm::entity::prelude::*;

/// How many open steps the organisation `child_id` (one level below `ancestor_id`, or the
/// ancestor itself) must take, per business and deadline; maintained by
/// `crate::engine::tally` in the transactions that open and close steps.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "step_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ancestor_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub due_at: ChronoDateTimeUtc,
    #[sea_orm(primary_key, auto_increment = false)]
    pub business: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub child_id: i64,
    pub open_steps: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
