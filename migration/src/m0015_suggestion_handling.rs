//! The rest of a suggestion's handling: a unit's requests to send it back or extend its deadline
//! (the office decides), co-units' opinions to the lead unit, promises marked kept, the signers'
//! agreement to withdraw it, and the official who leads its 督办.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_suggestion_handling"
    }
}

#[derive(DeriveIden)]
enum Suggestions {
    Table,
    Id,
    Supervisor,
}

#[derive(DeriveIden)]
enum SuggestionSigners {
    Table,
    WithdrawAgreed,
}

#[derive(DeriveIden)]
enum SuggestionAnswers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SuggestionRequests {
    Table,
    Id,
    SuggestionId,
    Kind,
    Unit,
    Reason,
    Until,
    Status,
    DecisionNote,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum SuggestionOpinions {
    Table,
    SuggestionId,
    Unit,
    Content,
    GivenOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SuggestionPromisesKept {
    Table,
    AnswerId,
    Idx,
    KeptOn,
    Note,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Suggestions::Table)
                .add_column(string_len_null(Suggestions::Supervisor, 100))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(SuggestionSigners::Table)
                .add_column(boolean(SuggestionSigners::WithdrawAgreed).default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SuggestionRequests::Table)
                .col(uuid(SuggestionRequests::Id).primary_key())
                .col(uuid(SuggestionRequests::SuggestionId))
                .col(string_len(SuggestionRequests::Kind, 16))
                .col(string_len(SuggestionRequests::Unit, 100))
                .col(string_len(SuggestionRequests::Reason, 500))
                .col(date_null(SuggestionRequests::Until))
                .col(string_len(SuggestionRequests::Status, 16))
                .col(string_len_null(SuggestionRequests::DecisionNote, 500))
                .col(timestamp_with_time_zone(SuggestionRequests::CreatedAt))
                .col(timestamp_with_time_zone_null(SuggestionRequests::DecidedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SuggestionRequests::Table, SuggestionRequests::SuggestionId)
                        .to(Suggestions::Table, Suggestions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("suggestion_requests_by_suggestion")
                .table(SuggestionRequests::Table)
                .col(SuggestionRequests::SuggestionId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SuggestionOpinions::Table)
                .col(uuid(SuggestionOpinions::SuggestionId))
                .col(string_len(SuggestionOpinions::Unit, 100))
                .col(text(SuggestionOpinions::Content))
                .col(date(SuggestionOpinions::GivenOn))
                .col(timestamp_with_time_zone(SuggestionOpinions::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(SuggestionOpinions::SuggestionId)
                        .col(SuggestionOpinions::Unit),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SuggestionOpinions::Table, SuggestionOpinions::SuggestionId)
                        .to(Suggestions::Table, Suggestions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SuggestionPromisesKept::Table)
                .col(uuid(SuggestionPromisesKept::AnswerId))
                .col(integer(SuggestionPromisesKept::Idx))
                .col(date(SuggestionPromisesKept::KeptOn))
                .col(string_len(SuggestionPromisesKept::Note, 500))
                .col(timestamp_with_time_zone(SuggestionPromisesKept::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(SuggestionPromisesKept::AnswerId)
                        .col(SuggestionPromisesKept::Idx),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            SuggestionPromisesKept::Table,
                            SuggestionPromisesKept::AnswerId,
                        )
                        .to(SuggestionAnswers::Table, SuggestionAnswers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SuggestionPromisesKept::Table.into_iden(),
            SuggestionOpinions::Table.into_iden(),
            SuggestionRequests::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(SuggestionSigners::Table)
                .drop_column(SuggestionSigners::WithdrawAgreed)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Suggestions::Table)
                .drop_column(Suggestions::Supervisor)
                .to_owned(),
        )
        .await
    }
}
