//! What everyone reads about an adopted project: the follow-up summary (progress against the
//! baseline, status colour, open problems, latest grade) and the timeline of everything that
//! happened, in date order. Public once the project is adopted; nothing about accounts is in it
//! beyond the role that took a step.

use crate::error::ErrorCode;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::{
    access::followed_project,
    colour::{Assessment, ColourRule},
    problems::{ProblemStatus, escalations_of, inspections_of, problems_of},
    progress::{latest_report, milestones_of, reports_of},
    standing::{baseline_or_project, standing},
};
use crate::{
    entities::{progress_reports, project_baselines, projects},
    error::Result,
    evaluations::service::{GradeRecord, grades_of},
    vocabulary::ProblemEventKind,
};

#[derive(Debug, Clone)]
pub struct FollowUp {
    pub project: projects::Model,
    pub baseline: project_baselines::Model,
    pub latest_report: Option<progress_reports::Model>,
    pub assessment: Assessment,
    /// Money spent minus the budget share the reported progress has earned (positive: spending
    /// ahead of progress).
    pub budget_variance_yuan: i64,
    /// Days past the planned completion (0 when not past it or completed).
    pub days_overdue: i64,
    pub overdue_milestones: u32,
    pub open_problems: u32,
    /// Every published rating round of this project, oldest first.
    pub grades: Vec<GradeRecord>,
}

pub async fn follow_up(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<FollowUp> {
    let project = followed_project(db, project_id).await?;
    let baseline = baseline_or_project(
        &project,
        project_baselines::Entity::find_by_id(project_id)
            .one(db)
            .await?,
    );
    let latest_report = latest_report(db, project_id).await?;
    let milestones = milestones_of(db, project_id).await?;
    let open: Vec<NaiveDate> = problems_of(db, project_id)
        .await?
        .iter()
        .filter(|p| p.problem.status != ProblemStatus::Closed)
        .map(|p| p.problem.deadline)
        .collect();
    let s = standing(
        &project,
        &baseline,
        latest_report.as_ref(),
        &milestones,
        open,
        rule,
        today,
    );
    Ok(FollowUp {
        grades: grades_of(db, project_id).await?,
        budget_variance_yuan: s.budget_variance_yuan,
        days_overdue: s.days_overdue,
        overdue_milestones: s.overdue_milestones,
        open_problems: s.open_problems,
        project,
        baseline,
        latest_report,
        assessment: s.assessment,
    })
}

/// One thing that happened to a project.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    /// `adopted`, `milestone_due`, `milestone_done`, `progress`, `inspection`, `problem_raised`,
    /// `problem_rectified`, `problem_sent_back`, `problem_verified`, `escalation`, `rating`.
    pub kind: &'static str,
    pub summary: String,
    /// The milestone, report, inspection, problem, escalation or rating this entry is about.
    pub reference: Uuid,
    /// The role that took the step, where one did.
    pub by_role: Option<String>,
    /// Orders entries of one day.
    at: DateTime<Utc>,
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

fn entry(
    date: NaiveDate,
    at: DateTime<Utc>,
    kind: &'static str,
    summary: String,
    reference: Uuid,
    by_role: Option<&str>,
) -> TimelineEntry {
    TimelineEntry {
        date,
        kind,
        summary,
        reference,
        by_role: by_role.map(str::to_owned),
        at,
    }
}

pub async fn timeline(db: &impl ConnectionTrait, project_id: Uuid) -> Result<Vec<TimelineEntry>> {
    let project = followed_project(db, project_id).await?;
    let mut out = Vec::new();
    if let Some(b) = project_baselines::Entity::find_by_id(project_id)
        .one(db)
        .await?
    {
        out.push(entry(
            crate::clock::china_date(b.frozen_at),
            b.frozen_at,
            "adopted",
            format!(
                "adopted; baseline {} yuan, {}, planned completion {}",
                b.budget_yuan, b.department, b.planned_completion
            ),
            project.id,
            Some("admin"),
        ));
    }
    for m in milestones_of(db, project_id).await? {
        out.push(entry(
            m.due_on,
            midnight(m.due_on),
            "milestone_due",
            format!("milestone due: {}", m.title),
            m.id,
            None,
        ));
        if let Some(done) = m.done_on {
            out.push(entry(
                done,
                midnight(done),
                "milestone_done",
                format!("milestone done: {}", m.title),
                m.id,
                None,
            ));
        }
    }
    for r in reports_of(db, project_id).await? {
        let summary = format!(
            "{}: {} % complete, {} yuan spent. {}",
            r.period, r.percent_complete, r.spent_yuan, r.note
        );
        out.push(entry(
            r.reported_on,
            r.created_at,
            "progress",
            summary.trim().to_owned(),
            r.id,
            Some("department"),
        ));
    }
    for i in inspections_of(db, project_id).await? {
        let summary = format!("{} at {}: {}", i.kind, i.location, i.findings);
        out.push(entry(
            i.held_on,
            midnight(i.held_on),
            "inspection",
            summary,
            i.id,
            Some("deputy"),
        ));
    }
    for p in problems_of(db, project_id).await? {
        for e in &p.events {
            let kind = match e.kind {
                ProblemEventKind::Raised => "problem_raised",
                ProblemEventKind::Rectified => "problem_rectified",
                ProblemEventKind::SentBack => "problem_sent_back",
                ProblemEventKind::Verified => "problem_verified",
            };
            let summary = if e.kind == ProblemEventKind::Raised {
                format!(
                    "[{}] {} (responsible: {}, deadline {})",
                    p.problem.severity,
                    e.note,
                    p.problem.responsible_department,
                    p.problem.deadline
                )
            } else {
                e.note.clone()
            };
            out.push(entry(
                crate::clock::china_date(e.created_at),
                e.created_at,
                kind,
                summary,
                p.problem.id,
                Some(e.actor_role.as_str()),
            ));
        }
    }
    for e in escalations_of(db, project_id).await? {
        out.push(entry(
            e.held_on,
            midnight(e.held_on),
            "escalation",
            format!("{}: {}", e.kind, e.note),
            e.id,
            Some("admin"),
        ));
    }
    for g in grades_of(db, project_id).await? {
        let summary = format!(
            "rated {} ({} / {} / {})",
            g.grade_str(),
            g.counts.satisfied,
            g.counts.basically_satisfied,
            g.counts.unsatisfied
        );
        out.push(entry(
            crate::clock::china_date(g.published_at),
            g.published_at,
            "rating",
            summary,
            g.evaluation_id,
            Some("deputy"),
        ));
    }
    out.sort_by_key(|e| (e.date, e.at, e.reference));
    Ok(out)
}

/// Whether the project may be marked completed: 100 % reported and no problem left open.
pub async fn check_completion(db: &impl ConnectionTrait, project_id: Uuid) -> Result<()> {
    let problems = problems_of(db, project_id).await?;
    if problems
        .iter()
        .any(|p| p.problem.status != ProblemStatus::Closed)
    {
        return Err(crate::Error::conflict(
            ErrorCode::OpenProblems,
            "a project with open problems cannot be marked completed",
        ));
    }
    let percent = latest_report(db, project_id)
        .await?
        .map(|r| r.percent_complete)
        .unwrap_or(0);
    if percent < 100 {
        return Err(crate::Error::conflict(
            ErrorCode::NotFinished,
            format!("the latest progress report says {percent} %, not 100 %"),
        ));
    }
    Ok(())
}
