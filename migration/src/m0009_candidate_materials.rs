//! What each candidate stood as when the vote was published: title, category, department and
//! budget, kept on `vote_candidates`. A project sent back to the reserve may be edited to stand
//! again next year; the published results and bulletin keep showing what the deputies voted on,
//! and so never change once published. Votes published before this migration get the materials
//! their projects have now.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_candidate_materials"
    }
}

#[derive(DeriveIden)]
enum VoteCandidates {
    Table,
    Title,
    Category,
    Department,
    BudgetYuan,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            string_len_null(VoteCandidates::Title, 200),
            string_len_null(VoteCandidates::Category, 100),
            string_len_null(VoteCandidates::Department, 100),
            big_integer_null(VoteCandidates::BudgetYuan),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(VoteCandidates::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE vote_candidates SET \
                 title = (SELECT p.title FROM projects p WHERE p.id = vote_candidates.project_id), \
                 category = (SELECT p.category FROM projects p WHERE p.id = vote_candidates.project_id), \
                 department = (SELECT p.department FROM projects p WHERE p.id = vote_candidates.project_id), \
                 budget_yuan = (SELECT p.budget_yuan FROM projects p WHERE p.id = vote_candidates.project_id) \
                 WHERE vote_id IN (SELECT id FROM votes WHERE status = 'published')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            VoteCandidates::Title,
            VoteCandidates::Category,
            VoteCandidates::Department,
            VoteCandidates::BudgetYuan,
        ] {
            m.alter_table(
                Table::alter()
                    .table(VoteCandidates::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
