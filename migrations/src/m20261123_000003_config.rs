//! System configuration (系统配置, seed 001 第四章): class-size caps per organisation and stage,
//! controlled fields per authority, the province switches, and the working-day calendar
//! (national days set by the ministry, additions by provinces). Every table carries
//! `province_code` ("000000" for the ministry's own rows).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000003_config"
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CapSettings {
    Table,
    Id,
    OrgId,
    ProvinceCode,
    Stage,
    Cap,
    Locked,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ControlledFields {
    Table,
    Id,
    OrgId,
    ProvinceCode,
    Field,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProvinceSwitches {
    Table,
    ProvinceCode,
    Settings,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CalendarDays {
    Table,
    Id,
    ProvinceCode,
    Day,
    Kind,
    Note,
    CreatedAt,
}

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn id(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per (organisation, stage) that set a cap or a lock.
        manager
            .create_table(
                Table::create()
                    .table(CapSettings::Table)
                    .col(id(CapSettings::Id))
                    .col(ColumnDef::new(CapSettings::OrgId).big_integer().not_null())
                    .col(
                        ColumnDef::new(CapSettings::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CapSettings::Stage).string_len(16).not_null())
                    .col(ColumnDef::new(CapSettings::Cap).integer().null())
                    .col(ColumnDef::new(CapSettings::Locked).boolean().not_null())
                    .col(ts(CapSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cap_settings_org")
                            .from(CapSettings::Table, CapSettings::OrgId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_cap_settings_org_stage")
                    .table(CapSettings::Table)
                    .col(CapSettings::OrgId)
                    .col(CapSettings::Stage)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // One row per (authority, field) the authority controls.
        manager
            .create_table(
                Table::create()
                    .table(ControlledFields::Table)
                    .col(id(ControlledFields::Id))
                    .col(
                        ColumnDef::new(ControlledFields::OrgId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ControlledFields::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ControlledFields::Field)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ts(ControlledFields::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_controlled_fields_org")
                            .from(ControlledFields::Table, ControlledFields::OrgId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_controlled_fields_org_field")
                    .table(ControlledFields::Table)
                    .col(ControlledFields::OrgId)
                    .col(ControlledFields::Field)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // One row per province that changed the national defaults; `settings` is the JSON of
        // `xueji_shared::api_config::ProvinceSwitches`.
        manager
            .create_table(
                Table::create()
                    .table(ProvinceSwitches::Table)
                    .col(
                        ColumnDef::new(ProvinceSwitches::ProvinceCode)
                            .string_len(6)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ProvinceSwitches::Settings).text().not_null())
                    .col(ts(ProvinceSwitches::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        // Holidays and make-up working days: province "000000" = national (the ministry).
        manager
            .create_table(
                Table::create()
                    .table(CalendarDays::Table)
                    .col(id(CalendarDays::Id))
                    .col(
                        ColumnDef::new(CalendarDays::ProvinceCode)
                            .string_len(6)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CalendarDays::Day).date().not_null())
                    .col(ColumnDef::new(CalendarDays::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(CalendarDays::Note).string_len(64).not_null())
                    .col(ts(CalendarDays::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_calendar_days_province_day")
                    .table(CalendarDays::Table)
                    .col(CalendarDays::ProvinceCode)
                    .col(CalendarDays::Day)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CalendarDays::Table.into_iden(),
            ProvinceSwitches::Table.into_iden(),
            ControlledFields::Table.into_iden(),
            CapSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
