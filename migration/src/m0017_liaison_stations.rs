//! Liaison stations (代表联络站, 地方组织法 第六十条): the stations, the deputies attached, reception
//! days with the deputies on duty, and the opinions citizens leave there (their contact details
//! kept private; a code lets them look up the answer), and the suggestion or project proposal an
//! opinion became.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0017_liaison_stations"
    }
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Stations {
    Table,
    Id,
    Name,
    Address,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StationDeputies {
    Table,
    StationId,
    DeputyId,
}

#[derive(DeriveIden)]
enum ReceptionDays {
    Table,
    Id,
    StationId,
    Day,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReceptionDuty {
    Table,
    ReceptionDayId,
    DeputyId,
}

#[derive(DeriveIden)]
enum StationOpinions {
    Table,
    Id,
    StationId,
    ReceptionDayId,
    Code,
    CitizenName,
    Contact,
    Content,
    Status,
    Answer,
    PassedTo,
    SuggestionId,
    ProjectId,
    RecordedBy,
    CreatedAt,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Stations::Table)
                .col(uuid(Stations::Id).primary_key())
                .col(string_len(Stations::Name, 100).unique_key())
                .col(string_len(Stations::Address, 200))
                .col(string_len(Stations::Kind, 16))
                .col(timestamp_with_time_zone(Stations::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StationDeputies::Table)
                .col(uuid(StationDeputies::StationId))
                .col(uuid(StationDeputies::DeputyId))
                .primary_key(
                    Index::create()
                        .col(StationDeputies::StationId)
                        .col(StationDeputies::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(StationDeputies::Table, StationDeputies::StationId)
                        .to(Stations::Table, Stations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(StationDeputies::Table, StationDeputies::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReceptionDays::Table)
                .col(uuid(ReceptionDays::Id).primary_key())
                .col(uuid(ReceptionDays::StationId))
                .col(date(ReceptionDays::Day))
                .col(string_len(ReceptionDays::Note, 500))
                .col(timestamp_with_time_zone(ReceptionDays::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReceptionDays::Table, ReceptionDays::StationId)
                        .to(Stations::Table, Stations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("reception_days_station_day")
                .table(ReceptionDays::Table)
                .col(ReceptionDays::StationId)
                .col(ReceptionDays::Day)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReceptionDuty::Table)
                .col(uuid(ReceptionDuty::ReceptionDayId))
                .col(uuid(ReceptionDuty::DeputyId))
                .primary_key(
                    Index::create()
                        .col(ReceptionDuty::ReceptionDayId)
                        .col(ReceptionDuty::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReceptionDuty::Table, ReceptionDuty::ReceptionDayId)
                        .to(ReceptionDays::Table, ReceptionDays::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReceptionDuty::Table, ReceptionDuty::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StationOpinions::Table)
                .col(uuid(StationOpinions::Id).primary_key())
                .col(uuid(StationOpinions::StationId))
                .col(uuid_null(StationOpinions::ReceptionDayId))
                .col(string_len(StationOpinions::Code, 16).unique_key())
                .col(string_len(StationOpinions::CitizenName, 50))
                .col(string_len(StationOpinions::Contact, 100))
                .col(text(StationOpinions::Content))
                .col(string_len(StationOpinions::Status, 16))
                .col(text_null(StationOpinions::Answer))
                .col(string_len_null(StationOpinions::PassedTo, 100))
                .col(uuid_null(StationOpinions::SuggestionId))
                .col(uuid_null(StationOpinions::ProjectId))
                .col(uuid(StationOpinions::RecordedBy))
                .col(timestamp_with_time_zone(StationOpinions::CreatedAt))
                .col(timestamp_with_time_zone_null(StationOpinions::AnsweredAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(StationOpinions::Table, StationOpinions::StationId)
                        .to(Stations::Table, Stations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(StationOpinions::Table, StationOpinions::ReceptionDayId)
                        .to(ReceptionDays::Table, ReceptionDays::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            StationOpinions::Table.into_iden(),
            ReceptionDuty::Table.into_iden(),
            ReceptionDays::Table.into_iden(),
            StationDeputies::Table.into_iden(),
            Stations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
