//! Subjects a rating round rates besides projects (履职评议): an official's performance report, a
//! department's special work report, the handling of suggestions; each round lists its subjects
//! as it lists its projects, and an unsatisfied subject carries its rectification.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0018_rating_subjects"
    }
}

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RatingSubjects {
    Table,
    Id,
    Kind,
    Name,
    Post,
    Unit,
    Year,
    OralOn,
    WrittenReport,
    Rectification,
    RectifiedOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EvaluationSubjects {
    Table,
    EvaluationId,
    SubjectId,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RatingSubjects::Table)
                .col(uuid(RatingSubjects::Id).primary_key())
                .col(string_len(RatingSubjects::Kind, 24))
                .col(string_len(RatingSubjects::Name, 200))
                .col(string_len(RatingSubjects::Post, 100))
                .col(string_len(RatingSubjects::Unit, 100))
                .col(integer(RatingSubjects::Year))
                .col(date_null(RatingSubjects::OralOn))
                .col(text(RatingSubjects::WrittenReport))
                .col(text_null(RatingSubjects::Rectification))
                .col(date_null(RatingSubjects::RectifiedOn))
                .col(timestamp_with_time_zone(RatingSubjects::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EvaluationSubjects::Table)
                .col(uuid(EvaluationSubjects::EvaluationId))
                .col(uuid(EvaluationSubjects::SubjectId))
                .col(integer(EvaluationSubjects::Position))
                .primary_key(
                    Index::create()
                        .col(EvaluationSubjects::EvaluationId)
                        .col(EvaluationSubjects::SubjectId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EvaluationSubjects::Table, EvaluationSubjects::EvaluationId)
                        .to(Evaluations::Table, Evaluations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EvaluationSubjects::Table, EvaluationSubjects::SubjectId)
                        .to(RatingSubjects::Table, RatingSubjects::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EvaluationSubjects::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RatingSubjects::Table).to_owned())
            .await
    }
}
