use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "students")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub province_code: String,
    pub school_id: i64,
    pub class_id: Option<i64>,
    #[sea_orm(unique)]
    pub student_number: String,
    pub number_kind: String,
    pub status: String,
    pub name: String,
    pub gender: String,
    pub birth_date: Date,
    pub id_type: String,
    pub id_number: Option<String>,
    pub id_key: Option<String>,
    pub person_key: String,
    #[sea_orm(column_type = "Text")]
    pub record: String,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// Stage and cohort (school year the cohort entered grade 1 of the stage): the grade of any
    /// school year follows from them (`crate::student::grades`). `None` for an unknown grade.
    pub stage: Option<String>,
    pub cohort: Option<i32>,
    /// 班级 as on the record.
    pub class_name: Option<String>,
    /// Incremented by every edit of the record (学籍维护, an approved change); edits and change
    /// requests are made against a version.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
