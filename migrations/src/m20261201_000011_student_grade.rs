//! Where a student sits (年级、班级), for finding students by grade and class.
//!
//! The grade is not stored as such: all non-graduating students move up one grade nationally
//! at 24:00 on 10 August (`xueji_shared::stage`), so a stored grade would be wrong a year later.
//! What is stored is the stage (`primary | junior | senior`) and the cohort — the school year in
//! which the student's cohort entered grade 1 of that stage — from which the grade of any
//! school year follows. The class name is the record's 班级. Rows registered before this
//! migration are filled from their record and their registration date.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000011_student_grade"
    }
}

#[derive(DeriveIden)]
enum Students {
    Table,
    SchoolId,
    Stage,
    Cohort,
    ClassName,
}

/// Stage and cohort of a national grade code (`11`–`16`, `21`–`24`, `31`–`33`) for a student
/// registered on `day` (its business date, `YYYY-MM-DD`).
fn placement(grade: &str, day: &str) -> Option<(&'static str, i32)> {
    let b = grade.as_bytes();
    if b.len() != 2 {
        return None;
    }
    let (stage, max) = match b[0] {
        b'1' => ("primary", 6),
        b'2' => ("junior", 4),
        b'3' => ("senior", 3),
        _ => return None,
    };
    let year = i32::from(b[1].checked_sub(b'0')?);
    if !(1..=max).contains(&year) {
        return None;
    }
    // The school year starts on 11 August (the promotion at 24:00 on 10 August).
    let y: i32 = day.get(..4)?.parse().ok()?;
    let md = day.get(5..10)?;
    let school_year = if md > "08-10" { y } else { y - 1 };
    Some((stage, school_year - year + 1))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            ColumnDef::new(Students::Stage)
                .string_len(8)
                .null()
                .to_owned(),
            ColumnDef::new(Students::Cohort).integer().null().to_owned(),
            ColumnDef::new(Students::ClassName)
                .string_len(30)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Students::Table)
                        .add_column(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_students_school_grade_class")
                    .table(Students::Table)
                    .col(Students::SchoolId)
                    .col(Students::Stage)
                    .col(Students::Cohort)
                    .col(Students::ClassName)
                    .to_owned(),
            )
            .await?;

        // Fill the rows registered before, in batches by id.
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let pg = backend == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        let (select, update) = if pg {
            (
                "SELECT id, record::json->>'grade' AS grade, record::json->>'class_name' AS class_name, \
                 to_char((created_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD') AS day \
                 FROM students WHERE id > $1 ORDER BY id LIMIT 1000",
                "UPDATE students SET stage = $1, cohort = $2, class_name = $3 WHERE id = $4",
            )
        } else {
            (
                "SELECT id, json_extract(record, '$.grade') AS grade, \
                 json_extract(record, '$.class_name') AS class_name, \
                 date(substr(created_at, 1, 19), '+8 hours') AS day \
                 FROM students WHERE id > ? ORDER BY id LIMIT 1000",
                "UPDATE students SET stage = ?, cohort = ?, class_name = ? WHERE id = ?",
            )
        };
        let mut last = 0i64;
        loop {
            let rows = db
                .query_all(Statement::from_sql_and_values(
                    backend,
                    select,
                    [last.into()],
                ))
                .await?;
            let Some(end) = rows.last() else { break };
            last = end.try_get::<i64>("", "id")?;
            for row in rows {
                let id: i64 = row.try_get("", "id")?;
                let grade: Option<String> = row.try_get("", "grade")?;
                let class: Option<String> = row.try_get("", "class_name")?;
                let day: Option<String> = row.try_get("", "day")?;
                let place = grade
                    .as_deref()
                    .zip(day.as_deref())
                    .and_then(|(g, d)| placement(g, d));
                let class = class
                    .map(|c| c.trim().chars().take(30).collect::<String>())
                    .filter(|c| !c.is_empty());
                db.execute(Statement::from_sql_and_values(
                    backend,
                    update,
                    [
                        place.map(|p| p.0.to_owned()).into(),
                        place.map(|p| p.1).into(),
                        class.into(),
                        id.into(),
                    ],
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_students_school_grade_class")
                    .table(Students::Table)
                    .to_owned(),
            )
            .await?;
        for col in [Students::ClassName, Students::Cohort, Students::Stage] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Students::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::placement;

    #[test]
    fn cohort_follows_the_school_year_of_registration() {
        // Registered in grade 3 of primary on 1 March 2026 (school year 2025): entered 2023.
        assert_eq!(placement("13", "2026-03-01"), Some(("primary", 2023)));
        // On 11 August a new school year begins.
        assert_eq!(placement("13", "2026-08-10"), Some(("primary", 2023)));
        assert_eq!(placement("13", "2026-08-11"), Some(("primary", 2024)));
        assert_eq!(placement("24", "2026-09-01"), Some(("junior", 2023)));
        assert_eq!(placement("31", "2026-09-01"), Some(("senior", 2026)));
        for bad in ["", "1", "17", "25", "34", "41", "1a", "133"] {
            assert_eq!(placement(bad, "2026-09-01"), None, "{bad}");
        }
        assert_eq!(placement("13", "garbage"), None);
    }
}
