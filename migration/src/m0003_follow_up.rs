//! Follow-up of adopted projects (baseline, milestones, progress, supervision groups, inspections,
//! problems and their rectification, escalations) and the satisfaction rating.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::create_unordered;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_follow_up"
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
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
enum CongressSessions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProjectBaselines {
    Table,
    ProjectId,
    BudgetYuan,
    Department,
    StartedOn,
    PlannedCompletion,
    FrozenAt,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    ProjectId,
    Title,
    DueOn,
    DoneOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProgressReports {
    Table,
    Id,
    ProjectId,
    Period,
    ReportedOn,
    PercentComplete,
    SpentYuan,
    Note,
    ReportedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SupervisionGroups {
    Table,
    Id,
    Name,
    Year,
    LeaderId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SupervisionGroupMembers {
    Table,
    GroupId,
    DeputyId,
}

#[derive(DeriveIden)]
enum SupervisionGroupProjects {
    Table,
    GroupId,
    ProjectId,
}

#[derive(DeriveIden)]
enum Inspections {
    Table,
    Id,
    ProjectId,
    Kind,
    HeldOn,
    Location,
    Participants,
    Findings,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Problems {
    Table,
    Id,
    ProjectId,
    Description,
    Severity,
    ResponsibleDepartment,
    Deadline,
    Status,
    RaisedBy,
    CreatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ProblemEvents {
    Table,
    Id,
    ProblemId,
    Kind,
    Note,
    ActorId,
    ActorRole,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Escalations {
    Table,
    Id,
    ProjectId,
    Kind,
    HeldOn,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    Id,
    SessionId,
    Title,
    ThresholdBase,
    Status,
    RosterAtOpen,
    PresentAtClose,
    OpenedAt,
    ClosedAt,
    PublishedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EvaluationProjects {
    Table,
    EvaluationId,
    ProjectId,
    Position,
}

#[derive(DeriveIden)]
enum EvaluationParticipation {
    Table,
    EvaluationId,
    DeputyId,
}

#[derive(DeriveIden)]
enum EvaluationBallots {
    Table,
    EvaluationId,
    Receipt,
    Content,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    m.create_index(Index::create().name(name).table(table).col(col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProjectBaselines::Table)
                .col(uuid(ProjectBaselines::ProjectId).primary_key())
                .col(big_integer(ProjectBaselines::BudgetYuan))
                .col(string(ProjectBaselines::Department))
                .col(date(ProjectBaselines::StartedOn))
                .col(date(ProjectBaselines::PlannedCompletion))
                .col(timestamp_with_time_zone(ProjectBaselines::FrozenAt))
                .foreign_key(&mut fk(
                    (ProjectBaselines::Table, ProjectBaselines::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Milestones::Table)
                .col(pk_uuid(Milestones::Id))
                .col(uuid(Milestones::ProjectId))
                .col(string(Milestones::Title))
                .col(date(Milestones::DueOn))
                .col(date_null(Milestones::DoneOn))
                .col(timestamp_with_time_zone(Milestones::CreatedAt))
                .foreign_key(&mut fk(
                    (Milestones::Table, Milestones::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_milestones_project",
            Milestones::Table,
            Milestones::ProjectId,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProgressReports::Table)
                .col(pk_uuid(ProgressReports::Id))
                .col(uuid(ProgressReports::ProjectId))
                .col(string(ProgressReports::Period))
                .col(date(ProgressReports::ReportedOn))
                .col(integer(ProgressReports::PercentComplete))
                .col(big_integer(ProgressReports::SpentYuan))
                .col(text(ProgressReports::Note))
                .col(uuid(ProgressReports::ReportedBy))
                .col(timestamp_with_time_zone(ProgressReports::CreatedAt))
                .check(Expr::col(ProgressReports::PercentComplete).between(0, 100))
                .check(Expr::col(ProgressReports::SpentYuan).gte(0))
                .foreign_key(&mut fk(
                    (ProgressReports::Table, ProgressReports::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .foreign_key(&mut fk(
                    (ProgressReports::Table, ProgressReports::ReportedBy),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_progress_project",
            ProgressReports::Table,
            ProgressReports::ProjectId,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SupervisionGroups::Table)
                .col(pk_uuid(SupervisionGroups::Id))
                .col(string(SupervisionGroups::Name))
                .col(integer(SupervisionGroups::Year))
                .col(uuid(SupervisionGroups::LeaderId))
                .col(timestamp_with_time_zone(SupervisionGroups::CreatedAt))
                .foreign_key(&mut fk(
                    (SupervisionGroups::Table, SupervisionGroups::LeaderId),
                    (Deputies::Table, Deputies::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SupervisionGroupMembers::Table)
                .col(uuid(SupervisionGroupMembers::GroupId))
                .col(uuid(SupervisionGroupMembers::DeputyId))
                .primary_key(
                    Index::create()
                        .col(SupervisionGroupMembers::GroupId)
                        .col(SupervisionGroupMembers::DeputyId),
                )
                .foreign_key(
                    &mut fk(
                        (
                            SupervisionGroupMembers::Table,
                            SupervisionGroupMembers::GroupId,
                        ),
                        (SupervisionGroups::Table, SupervisionGroups::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .foreign_key(&mut fk(
                    (
                        SupervisionGroupMembers::Table,
                        SupervisionGroupMembers::DeputyId,
                    ),
                    (Deputies::Table, Deputies::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SupervisionGroupProjects::Table)
                .col(uuid(SupervisionGroupProjects::GroupId))
                .col(uuid(SupervisionGroupProjects::ProjectId))
                .primary_key(
                    Index::create()
                        .col(SupervisionGroupProjects::GroupId)
                        .col(SupervisionGroupProjects::ProjectId),
                )
                .foreign_key(
                    &mut fk(
                        (
                            SupervisionGroupProjects::Table,
                            SupervisionGroupProjects::GroupId,
                        ),
                        (SupervisionGroups::Table, SupervisionGroups::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .foreign_key(&mut fk(
                    (
                        SupervisionGroupProjects::Table,
                        SupervisionGroupProjects::ProjectId,
                    ),
                    (Projects::Table, Projects::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Inspections::Table)
                .col(pk_uuid(Inspections::Id))
                .col(uuid(Inspections::ProjectId))
                .col(string(Inspections::Kind))
                .col(date(Inspections::HeldOn))
                .col(string(Inspections::Location))
                .col(text(Inspections::Participants))
                .col(text(Inspections::Findings))
                .col(uuid(Inspections::RecordedBy))
                .col(timestamp_with_time_zone(Inspections::CreatedAt))
                .foreign_key(&mut fk(
                    (Inspections::Table, Inspections::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .foreign_key(&mut fk(
                    (Inspections::Table, Inspections::RecordedBy),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_inspections_project",
            Inspections::Table,
            Inspections::ProjectId,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Problems::Table)
                .col(pk_uuid(Problems::Id))
                .col(uuid(Problems::ProjectId))
                .col(text(Problems::Description))
                .col(string(Problems::Severity))
                .col(string(Problems::ResponsibleDepartment))
                .col(date(Problems::Deadline))
                .col(string(Problems::Status))
                .col(uuid(Problems::RaisedBy))
                .col(timestamp_with_time_zone(Problems::CreatedAt))
                .col(timestamp_with_time_zone_null(Problems::ClosedAt))
                .foreign_key(&mut fk(
                    (Problems::Table, Problems::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .foreign_key(&mut fk(
                    (Problems::Table, Problems::RaisedBy),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_problems_project",
            Problems::Table,
            Problems::ProjectId,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProblemEvents::Table)
                .col(pk_uuid(ProblemEvents::Id))
                .col(uuid(ProblemEvents::ProblemId))
                .col(string(ProblemEvents::Kind))
                .col(text(ProblemEvents::Note))
                .col(uuid(ProblemEvents::ActorId))
                .col(string(ProblemEvents::ActorRole))
                .col(timestamp_with_time_zone(ProblemEvents::CreatedAt))
                .foreign_key(
                    &mut fk(
                        (ProblemEvents::Table, ProblemEvents::ProblemId),
                        (Problems::Table, Problems::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .foreign_key(&mut fk(
                    (ProblemEvents::Table, ProblemEvents::ActorId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_problem_events_problem",
            ProblemEvents::Table,
            ProblemEvents::ProblemId,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Escalations::Table)
                .col(pk_uuid(Escalations::Id))
                .col(uuid(Escalations::ProjectId))
                .col(string(Escalations::Kind))
                .col(date(Escalations::HeldOn))
                .col(text(Escalations::Note))
                .col(uuid(Escalations::RecordedBy))
                .col(timestamp_with_time_zone(Escalations::CreatedAt))
                .foreign_key(&mut fk(
                    (Escalations::Table, Escalations::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .foreign_key(&mut fk(
                    (Escalations::Table, Escalations::RecordedBy),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Evaluations::Table)
                .col(pk_uuid(Evaluations::Id))
                .col(uuid(Evaluations::SessionId))
                .col(string(Evaluations::Title))
                .col(string(Evaluations::ThresholdBase))
                .col(string(Evaluations::Status))
                .col(integer_null(Evaluations::RosterAtOpen))
                .col(integer_null(Evaluations::PresentAtClose))
                .col(timestamp_with_time_zone_null(Evaluations::OpenedAt))
                .col(timestamp_with_time_zone_null(Evaluations::ClosedAt))
                .col(timestamp_with_time_zone_null(Evaluations::PublishedAt))
                .col(timestamp_with_time_zone(Evaluations::CreatedAt))
                .foreign_key(&mut fk(
                    (Evaluations::Table, Evaluations::SessionId),
                    (CongressSessions::Table, CongressSessions::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EvaluationProjects::Table)
                .col(uuid(EvaluationProjects::EvaluationId))
                .col(uuid(EvaluationProjects::ProjectId))
                .col(integer(EvaluationProjects::Position))
                .primary_key(
                    Index::create()
                        .col(EvaluationProjects::EvaluationId)
                        .col(EvaluationProjects::ProjectId),
                )
                .foreign_key(
                    &mut fk(
                        (EvaluationProjects::Table, EvaluationProjects::EvaluationId),
                        (Evaluations::Table, Evaluations::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .foreign_key(&mut fk(
                    (EvaluationProjects::Table, EvaluationProjects::ProjectId),
                    (Projects::Table, Projects::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One rating ballot per deputy per evaluation, kept apart from the ballots as for votes.
        create_unordered(
            m,
            Table::create()
                .table(EvaluationParticipation::Table)
                .col(uuid(EvaluationParticipation::EvaluationId))
                .col(uuid(EvaluationParticipation::DeputyId))
                .primary_key(
                    Index::create()
                        .col(EvaluationParticipation::EvaluationId)
                        .col(EvaluationParticipation::DeputyId),
                )
                .foreign_key(
                    &mut fk(
                        (
                            EvaluationParticipation::Table,
                            EvaluationParticipation::EvaluationId,
                        ),
                        (Evaluations::Table, Evaluations::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .foreign_key(&mut fk(
                    (
                        EvaluationParticipation::Table,
                        EvaluationParticipation::DeputyId,
                    ),
                    (Deputies::Table, Deputies::Id),
                ))
                .to_owned(),
        )
        .await?;
        create_unordered(
            m,
            Table::create()
                .table(EvaluationBallots::Table)
                .col(uuid(EvaluationBallots::EvaluationId))
                .col(string(EvaluationBallots::Receipt))
                .col(text(EvaluationBallots::Content))
                .primary_key(
                    Index::create()
                        .col(EvaluationBallots::EvaluationId)
                        .col(EvaluationBallots::Receipt),
                )
                .foreign_key(
                    &mut fk(
                        (EvaluationBallots::Table, EvaluationBallots::EvaluationId),
                        (Evaluations::Table, Evaluations::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade)
                    .to_owned(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EvaluationBallots::Table.into_iden(),
            EvaluationParticipation::Table.into_iden(),
            EvaluationProjects::Table.into_iden(),
            Evaluations::Table.into_iden(),
            Escalations::Table.into_iden(),
            ProblemEvents::Table.into_iden(),
            Problems::Table.into_iden(),
            Inspections::Table.into_iden(),
            SupervisionGroupProjects::Table.into_iden(),
            SupervisionGroupMembers::Table.into_iden(),
            SupervisionGroups::Table.into_iden(),
            ProgressReports::Table.into_iden(),
            Milestones::Table.into_iden(),
            ProjectBaselines::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
