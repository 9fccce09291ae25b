//! Publication commitments on each vote (see `minsheng_domain::votes::commitments`): digests of
//! the roster and the candidate list recorded when the vote opens, of the receipts and of the
//! full ballots when it closes.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_vote_commitments"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Votes {
    Table,
    RosterSha256,
    CandidatesSha256,
    ReceiptsSha256,
    BallotsSha256,
}

const COLUMNS: [Votes; 4] = [
    Votes::RosterSha256,
    Votes::CandidatesSha256,
    Votes::ReceiptsSha256,
    Votes::BallotsSha256,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Votes::Table)
                    .add_column(string_len_null(col, 64))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Votes::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
