use sea_orm::entity::prelude::*;

/// A bulk registration job (批量注册): an uploaded spreadsheet, its checking and importing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: String,
    pub school_id: i64,
    /// `in_school` | `grade1`
    pub kind: String,
    /// checking | checked | importing | done | failed | cancelled
    pub status: String,
    /// The stored file (content address under `<data dir>/imports/`).
    pub file_sha256: String,
    pub file_name: String,
    pub file_size: i64,
    pub total_rows: i32,
    pub rows_done: i32,
    pub valid_rows: i32,
    pub invalid_rows: i32,
    pub imported_rows: i32,
    /// `valid_only` | `all_or_nothing`, once committed.
    pub mode: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    /// JSON array of `xueji_shared::business::registration::import::ImportRowError`, by row.
    #[sea_orm(column_type = "Text")]
    pub report: String,
    pub created_by: i64,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
