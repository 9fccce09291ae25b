//! Projects, congress sessions with their roster, votes, and the two halves of a ballot: who voted
//! (`vote_participation`) and what was voted (`ballots`), kept apart so a secret ballot cannot be
//! traced to its deputy.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::create_unordered;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_votes"
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    Title,
    Summary,
    Category,
    Department,
    BudgetYuan,
    Year,
    Source,
    PlannedCompletion,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CongressSessions {
    Table,
    Id,
    Name,
    Year,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SessionRoster {
    Table,
    SessionId,
    DeputyId,
    Present,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    SessionId,
    Title,
    Method,
    Seats,
    ThresholdBase,
    Secret,
    Status,
    RunoffOf,
    RosterAtOpen,
    PresentAtOpen,
    PresentAtClose,
    OpenedAt,
    ClosedAt,
    PublishedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VoteCandidates {
    Table,
    VoteId,
    ProjectId,
    Position,
}

#[derive(DeriveIden)]
enum VoteParticipation {
    Table,
    VoteId,
    DeputyId,
}

#[derive(DeriveIden)]
enum Ballots {
    Table,
    VoteId,
    Receipt,
    DeputyId,
    Content,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Projects::Table)
                .col(pk_uuid(Projects::Id))
                .col(string(Projects::Title))
                .col(text(Projects::Summary))
                .col(string(Projects::Category))
                .col(string(Projects::Department))
                .col(big_integer(Projects::BudgetYuan))
                .col(integer(Projects::Year))
                .col(string(Projects::Source))
                .col(date_null(Projects::PlannedCompletion))
                .col(string(Projects::Status))
                .col(timestamp_with_time_zone(Projects::CreatedAt))
                .col(timestamp_with_time_zone(Projects::UpdatedAt))
                .check(Expr::col(Projects::BudgetYuan).gte(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_projects_year_status")
                .table(Projects::Table)
                .col(Projects::Year)
                .col(Projects::Status)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CongressSessions::Table)
                .col(pk_uuid(CongressSessions::Id))
                .col(string(CongressSessions::Name))
                .col(integer(CongressSessions::Year))
                .col(timestamp_with_time_zone(CongressSessions::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SessionRoster::Table)
                .col(uuid(SessionRoster::SessionId))
                .col(uuid(SessionRoster::DeputyId))
                .col(boolean(SessionRoster::Present))
                .primary_key(
                    Index::create()
                        .col(SessionRoster::SessionId)
                        .col(SessionRoster::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SessionRoster::Table, SessionRoster::SessionId)
                        .to(CongressSessions::Table, CongressSessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SessionRoster::Table, SessionRoster::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Votes::Table)
                .col(pk_uuid(Votes::Id))
                .col(uuid(Votes::SessionId))
                .col(string(Votes::Title))
                .col(string(Votes::Method))
                .col(integer(Votes::Seats))
                .col(string(Votes::ThresholdBase))
                .col(boolean(Votes::Secret))
                .col(string(Votes::Status))
                .col(uuid_null(Votes::RunoffOf))
                .col(integer_null(Votes::RosterAtOpen))
                .col(integer_null(Votes::PresentAtOpen))
                .col(integer_null(Votes::PresentAtClose))
                .col(timestamp_with_time_zone_null(Votes::OpenedAt))
                .col(timestamp_with_time_zone_null(Votes::ClosedAt))
                .col(timestamp_with_time_zone_null(Votes::PublishedAt))
                .col(timestamp_with_time_zone(Votes::CreatedAt))
                .check(Expr::col(Votes::Seats).gte(1))
                .foreign_key(
                    ForeignKey::create()
                        .from(Votes::Table, Votes::SessionId)
                        .to(CongressSessions::Table, CongressSessions::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VoteCandidates::Table)
                .col(uuid(VoteCandidates::VoteId))
                .col(uuid(VoteCandidates::ProjectId))
                .col(integer(VoteCandidates::Position))
                .primary_key(
                    Index::create()
                        .col(VoteCandidates::VoteId)
                        .col(VoteCandidates::ProjectId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteCandidates::Table, VoteCandidates::VoteId)
                        .to(Votes::Table, Votes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteCandidates::Table, VoteCandidates::ProjectId)
                        .to(Projects::Table, Projects::Id),
                )
                .to_owned(),
        )
        .await?;

        // One deputy, one ballot per vote: this primary key is the rule, not application code.
        create_unordered(
            m,
            Table::create()
                .table(VoteParticipation::Table)
                .col(uuid(VoteParticipation::VoteId))
                .col(uuid(VoteParticipation::DeputyId))
                .primary_key(
                    Index::create()
                        .col(VoteParticipation::VoteId)
                        .col(VoteParticipation::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteParticipation::Table, VoteParticipation::VoteId)
                        .to(Votes::Table, Votes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteParticipation::Table, VoteParticipation::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;

        // Keyed by a random receipt; `deputy_id` is filled only for a named (记名) vote.
        create_unordered(
            m,
            Table::create()
                .table(Ballots::Table)
                .col(uuid(Ballots::VoteId))
                .col(string(Ballots::Receipt))
                .col(uuid_null(Ballots::DeputyId))
                .col(text(Ballots::Content))
                .primary_key(Index::create().col(Ballots::VoteId).col(Ballots::Receipt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Ballots::Table, Ballots::VoteId)
                        .to(Votes::Table, Votes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Ballots::Table.into_iden(),
            VoteParticipation::Table.into_iden(),
            VoteCandidates::Table.into_iden(),
            Votes::Table.into_iden(),
            SessionRoster::Table.into_iden(),
            CongressSessions::Table.into_iden(),
            Projects::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
