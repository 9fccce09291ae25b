//! Deputies' suggestions (代表建议办理, `minsheng_domain::suggestions`) and the working-day calendar
//! their deadlines are counted on (`minsheng_domain::calendar`).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_suggestions"
    }
}

#[derive(DeriveIden)]
enum CalendarDays {
    Table,
    Day,
    Kind,
    Name,
}

#[derive(DeriveIden)]
enum Suggestions {
    Table,
    Id,
    Number,
    Kind,
    Title,
    Content,
    Status,
    LeadDeputyId,
    SubmittedOn,
    AssignBy,
    ReturnReason,
    LeadUnit,
    CoUnits,
    Broad,
    AssignedOn,
    AnswerDue,
    ExtensionReason,
    SecondAnswerDue,
    KeySupervision,
    Published,
    ProjectId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SuggestionSigners {
    Table,
    SuggestionId,
    DeputyId,
    Lead,
    ConfirmedAt,
}

#[derive(DeriveIden)]
enum SuggestionAnswers {
    Table,
    Id,
    SuggestionId,
    Round,
    ResultClass,
    Content,
    Official,
    Promises,
    AnsweredOn,
    AnsweredBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SuggestionFeedback {
    Table,
    SuggestionId,
    DeputyId,
    Round,
    Attitude,
    Result,
    Note,
    CreatedAt,
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
                .table(CalendarDays::Table)
                .col(date(CalendarDays::Day).primary_key())
                .col(string_len(CalendarDays::Kind, 16))
                .col(string_len(CalendarDays::Name, 50))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Suggestions::Table)
                .col(uuid(Suggestions::Id).primary_key())
                .col(big_integer(Suggestions::Number).unique_key())
                .col(string_len(Suggestions::Kind, 16))
                .col(string_len(Suggestions::Title, 200))
                .col(text(Suggestions::Content))
                .col(string_len(Suggestions::Status, 24))
                .col(uuid(Suggestions::LeadDeputyId))
                .col(date_null(Suggestions::SubmittedOn))
                .col(date_null(Suggestions::AssignBy))
                .col(string_len_null(Suggestions::ReturnReason, 500))
                .col(string_len_null(Suggestions::LeadUnit, 100))
                .col(text(Suggestions::CoUnits))
                .col(boolean(Suggestions::Broad))
                .col(date_null(Suggestions::AssignedOn))
                .col(date_null(Suggestions::AnswerDue))
                .col(string_len_null(Suggestions::ExtensionReason, 500))
                .col(date_null(Suggestions::SecondAnswerDue))
                .col(boolean(Suggestions::KeySupervision))
                .col(boolean(Suggestions::Published))
                .col(uuid_null(Suggestions::ProjectId))
                .col(timestamp_with_time_zone(Suggestions::CreatedAt))
                .col(timestamp_with_time_zone(Suggestions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Suggestions::Table, Suggestions::LeadDeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SuggestionSigners::Table)
                .col(uuid(SuggestionSigners::SuggestionId))
                .col(uuid(SuggestionSigners::DeputyId))
                .col(boolean(SuggestionSigners::Lead))
                .col(timestamp_with_time_zone_null(
                    SuggestionSigners::ConfirmedAt,
                ))
                .primary_key(
                    Index::create()
                        .col(SuggestionSigners::SuggestionId)
                        .col(SuggestionSigners::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SuggestionSigners::Table, SuggestionSigners::SuggestionId)
                        .to(Suggestions::Table, Suggestions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SuggestionSigners::Table, SuggestionSigners::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SuggestionAnswers::Table)
                .col(uuid(SuggestionAnswers::Id).primary_key())
                .col(uuid(SuggestionAnswers::SuggestionId))
                .col(integer(SuggestionAnswers::Round))
                .col(string_len(SuggestionAnswers::ResultClass, 1))
                .col(text(SuggestionAnswers::Content))
                .col(string_len(SuggestionAnswers::Official, 100))
                .col(text(SuggestionAnswers::Promises))
                .col(date(SuggestionAnswers::AnsweredOn))
                .col(uuid(SuggestionAnswers::AnsweredBy))
                .col(timestamp_with_time_zone(SuggestionAnswers::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SuggestionAnswers::Table, SuggestionAnswers::SuggestionId)
                        .to(Suggestions::Table, Suggestions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_suggestion_answers_round")
                .table(SuggestionAnswers::Table)
                .col(SuggestionAnswers::SuggestionId)
                .col(SuggestionAnswers::Round)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SuggestionFeedback::Table)
                .col(uuid(SuggestionFeedback::SuggestionId))
                .col(uuid(SuggestionFeedback::DeputyId))
                .col(integer(SuggestionFeedback::Round))
                .col(string_len(SuggestionFeedback::Attitude, 24))
                .col(string_len(SuggestionFeedback::Result, 24))
                .col(string_len(SuggestionFeedback::Note, 2000))
                .col(timestamp_with_time_zone(SuggestionFeedback::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(SuggestionFeedback::SuggestionId)
                        .col(SuggestionFeedback::DeputyId)
                        .col(SuggestionFeedback::Round),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SuggestionFeedback::Table, SuggestionFeedback::SuggestionId)
                        .to(Suggestions::Table, Suggestions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SuggestionFeedback::Table.into_iden(),
            SuggestionAnswers::Table.into_iden(),
            SuggestionSigners::Table.into_iden(),
            Suggestions::Table.into_iden(),
            CalendarDays::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
