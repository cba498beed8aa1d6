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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
