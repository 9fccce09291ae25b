//! What the scrutineers (监票人) see and what the public does not. A secret vote's full ballots go to
//! the scrutineers the office names for that vote (`vote_scrutineers`), not to the public, unless
//! the vote was set before opening to publish them (`votes.publish_ballots`). And what the office
//! did to accounts while a vote was open — password resets, disables, attendance marks — is kept
//! per vote (`vote_oversight_events`: which account, what, when; never a ballot), so the
//! scrutineers see whether anyone could have voted in a deputy's place.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_scrutiny"
    }
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    PublishBallots,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum VoteScrutineers {
    Table,
    VoteId,
    DeputyId,
}

#[derive(DeriveIden)]
enum VoteOversightEvents {
    Table,
    Id,
    VoteId,
    AccountId,
    Kind,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Votes::Table)
                .add_column(boolean(Votes::PublishBallots).default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VoteScrutineers::Table)
                .col(uuid(VoteScrutineers::VoteId))
                .col(uuid(VoteScrutineers::DeputyId))
                .primary_key(
                    Index::create()
                        .col(VoteScrutineers::VoteId)
                        .col(VoteScrutineers::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteScrutineers::Table, VoteScrutineers::VoteId)
                        .to(Votes::Table, Votes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteScrutineers::Table, VoteScrutineers::DeputyId)
                        .to(Deputies::Table, Deputies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VoteOversightEvents::Table)
                .col(uuid(VoteOversightEvents::Id).primary_key())
                .col(uuid(VoteOversightEvents::VoteId))
                .col(uuid(VoteOversightEvents::AccountId))
                .col(string_len(VoteOversightEvents::Kind, 32))
                .col(timestamp_with_time_zone(VoteOversightEvents::At))
                .check(Expr::col(VoteOversightEvents::Kind).is_in([
                    "password_reset",
                    "disabled",
                    "marked_present",
                    "marked_absent",
                ]))
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteOversightEvents::Table, VoteOversightEvents::VoteId)
                        .to(Votes::Table, Votes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(VoteOversightEvents::Table, VoteOversightEvents::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_vote_oversight_events_vote")
                .table(VoteOversightEvents::Table)
                .col(VoteOversightEvents::VoteId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VoteOversightEvents::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(VoteScrutineers::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Votes::Table)
                .drop_column(Votes::PublishBallots)
                .to_owned(),
        )
        .await
    }
}
