use sea_orm::entity::prelude::*;

/// A run of the full duplicate scan (全量查重): scope (a province, or NULL for the country),
/// trigger `manual | nightly`, state `running | done | failed` (`xueji_shared::business::problems::scan`), progress
/// and what it found. `running_slot` is 1 while running (unique: one run at a time).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scan_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: Option<String>,
    pub trigger_kind: String,
    pub state: String,
    pub total: i64,
    pub done: i64,
    pub found_invalid_id: i64,
    pub found_dup_with_id: i64,
    pub found_dup_without_id: i64,
    pub started_by: Option<i64>,
    pub started_at: ChronoDateTimeUtc,
    pub finished_at: Option<ChronoDateTimeUtc>,
    pub heartbeat_at: ChronoDateTimeUtc,
    /// The last student id checked.
    pub cursor: i64,
    #[sea_orm(unique)]
    pub running_slot: Option<i16>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// The server instance driving the run (`AppState::instance`); NULL for runs from before
    /// migration 100002.
    pub owner: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
