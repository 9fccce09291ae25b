//! The year report the standing committee reviews at year end (年度监督报告): every followed project
//! of a year with its baseline, where it stands ([`standing`](super::standing), measured as the
//! board measures), money spent, the problems raised and closed, and the grades of every published
//! rating round. One call, a fixed number of queries for the projects (the board's four, one for
//! the problems, two for the rounds) plus one result per published round, whatever the number of
//! projects.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{
    board::{BoardRow, rows_of},
    colour::ColourRule,
    problems::ProblemStatus,
};
use crate::{
    Actor,
    entities::{evaluation_projects, evaluations, problems, projects},
    error::Result,
    evaluations::{
        grade::{Counts, Grade},
        service as rating_service,
    },
    projects::status::Status,
    vocabulary::VoteStatus,
};

/// One published rating round of one project.
#[derive(Debug, Clone)]
pub struct ReportGrade {
    pub evaluation_id: Uuid,
    pub title: String,
    pub counts: Counts,
    /// (satisfied + basically satisfied) / ratings cast, per mille.
    pub satisfaction_permille: Option<u32>,
    pub grade: Grade,
}

/// One project's line of the report.
#[derive(Debug, Clone)]
pub struct ReportLine {
    /// The project, its frozen baseline and where it stands (final percent, money spent).
    pub row: BoardRow,
    pub problems_raised: u32,
    pub problems_closed: u32,
    /// Published rounds, oldest first: the last is the current grade.
    pub grades: Vec<ReportGrade>,
}

/// The year's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportTotals {
    pub projects: u32,
    pub completed: u32,
    pub budget_yuan: i64,
    pub spent_yuan: i64,
    pub problems_raised: u32,
    pub problems_closed: u32,
}

#[derive(Debug, Clone)]
pub struct YearReport {
    pub year: i32,
    /// Every year with a followed project, newest first.
    pub years: Vec<i32>,
    /// By department, then title.
    pub lines: Vec<ReportLine>,
    pub totals: ReportTotals,
}

const FOLLOWED: [Status; 3] = [Status::Adopted, Status::InProgress, Status::Completed];

/// The year report of `year` (default: the latest year with a followed project, else this year).
/// Admins only (`forbidden` for anyone else): it shows rounds' counts as the office reads them.
pub async fn year_report(
    db: &DatabaseConnection,
    actor: &Actor,
    year: Option<i32>,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<YearReport> {
    actor.require_admin()?;
    let followed: Vec<&str> = FOLLOWED.iter().map(|s| s.as_str()).collect();
    let mut years: Vec<i32> = projects::Entity::find()
        .filter(projects::Column::Status.is_in(followed.clone()))
        .select_only()
        .column(projects::Column::Year)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    years.sort_unstable_by(|a, b| b.cmp(a));
    let year = year
        .or_else(|| years.first().copied())
        .unwrap_or_else(|| today.year());
    let found = projects::Entity::find()
        .filter(projects::Column::Status.is_in(followed))
        .filter(projects::Column::Year.eq(year))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = found.iter().map(|p| p.id).collect();
    let mut rows = rows_of(db, found, rule, today).await?;
    rows.sort_by(|a, b| {
        (&a.baseline.department, &a.project.title).cmp(&(&b.baseline.department, &b.project.title))
    });

    // Problems raised and closed, one query.
    let mut raised: HashMap<Uuid, (u32, u32)> = HashMap::new();
    for (project_id, status) in problems::Entity::find()
        .filter(problems::Column::ProjectId.is_in(ids.clone()))
        .select_only()
        .column(problems::Column::ProjectId)
        .column(problems::Column::Status)
        .into_tuple::<(Uuid, ProblemStatus)>()
        .all(db)
        .await?
    {
        let e = raised.entry(project_id).or_default();
        e.0 += 1;
        if status == ProblemStatus::Closed {
            e.1 += 1;
        }
    }

    // The published rounds covering these projects, each counted once by the rating service.
    let round_ids: BTreeSet<Uuid> = evaluation_projects::Entity::find()
        .filter(evaluation_projects::Column::ProjectId.is_in(ids))
        .select_only()
        .column(evaluation_projects::Column::EvaluationId)
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rounds = evaluations::Entity::find()
        .filter(evaluations::Column::Id.is_in(round_ids))
        .filter(evaluations::Column::Status.eq(VoteStatus::Published))
        .order_by_asc(evaluations::Column::PublishedAt)
        .order_by_asc(evaluations::Column::Id)
        .all(db)
        .await?;
    let mut grades: HashMap<Uuid, Vec<ReportGrade>> = HashMap::new();
    for round in rounds {
        let r = rating_service::results(db, Some(actor), round.id).await?;
        for p in r.projects {
            grades.entry(p.project.id).or_default().push(ReportGrade {
                evaluation_id: round.id,
                title: round.title.clone(),
                counts: p.counts,
                satisfaction_permille: p.satisfaction_permille,
                grade: p.grade,
            });
        }
    }

    let mut totals = ReportTotals::default();
    let lines = rows
        .into_iter()
        .map(|row| {
            let (problems_raised, problems_closed) =
                raised.get(&row.project.id).copied().unwrap_or_default();
            totals.projects += 1;
            if row.project.status == Status::Completed {
                totals.completed += 1;
            }
            totals.budget_yuan += row.baseline.budget_yuan;
            totals.spent_yuan += row.standing.spent_yuan;
            totals.problems_raised += problems_raised;
            totals.problems_closed += problems_closed;
            ReportLine {
                grades: grades.remove(&row.project.id).unwrap_or_default(),
                row,
                problems_raised,
                problems_closed,
            }
        })
        .collect();
    Ok(YearReport {
        year,
        years,
        lines,
        totals,
    })
}
