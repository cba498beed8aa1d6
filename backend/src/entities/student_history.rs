use sea_orm::entity::prelude::*;

/// One edit of a student record (学籍维护 saved directly, or an approved 关键信息变更) or a
/// number change it caused, with who and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub student_id: i64,
    pub province_code: String,
    /// `edit` | `change` | `number`
    pub kind: String,
    /// The change request, for `change` (and the `number` entry it caused).
    pub request_id: Option<i64>,
    /// JSON of `Vec<xueji_shared::business::change::edit::FieldChange>`.
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    pub actor_id: i64,
    pub actor_org_id: i64,
    pub at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
