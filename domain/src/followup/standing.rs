//! Where one adopted project stands against its baseline, from facts already loaded: the colour
//! rule's assessment, the latest percent and money spent, budget variance, days overdue, overdue
//! milestones and open problems. Pure: the per-project follow-up ([`super::view::follow_up`]) and
//! the year's board ([`super::board`]) load their facts their own way (one project, or a whole
//! year in a fixed number of queries) and both measure with this one function.

use chrono::NaiveDate;

use super::colour::{Assessment, ColourRule, Facts, assess};
use crate::{
    entities::{milestones, progress_reports, project_baselines, projects},
    projects::status::Status,
};

/// A project's standing on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub assessment: Assessment,
    /// Whether the department has filed any progress report. Without one the percent below is 0
    /// by default, not a measurement: pages say 尚未报告 instead.
    pub reported: bool,
    /// Latest reported percent complete (0 when nothing was reported).
    pub percent_complete: u32,
    /// Money spent by the latest report, in yuan (0 when nothing was reported).
    pub spent_yuan: i64,
    /// The latest report's period (`2027-05`, `2027-Q2`, ...), if any.
    pub latest_period: Option<String>,
    /// Money spent minus the budget share the reported progress has earned, in yuan (positive:
    /// spending ahead of progress).
    pub budget_variance_yuan: i64,
    /// Days past the planned completion (0 when not past it or completed).
    pub days_overdue: i64,
    pub overdue_milestones: u32,
    pub open_problems: u32,
}

/// The baseline frozen at adoption; for a project adopted before baselines were frozen, one made
/// from its materials (its year from 1 January, planned completion or 31 December).
pub fn baseline_or_project(
    p: &projects::Model,
    b: Option<project_baselines::Model>,
) -> project_baselines::Model {
    b.unwrap_or_else(|| {
        let planned = p
            .planned_completion
            .or_else(|| NaiveDate::from_ymd_opt(p.year, 12, 31))
            .unwrap_or_default();
        project_baselines::Model {
            project_id: p.id,
            budget_yuan: p.budget_yuan,
            department: p.department.clone(),
            started_on: NaiveDate::from_ymd_opt(p.year, 1, 1).unwrap_or(planned),
            planned_completion: planned,
            frozen_at: p.updated_at,
        }
    })
}

/// A milestone is overdue when it is not reached and its due date has passed.
pub fn milestone_overdue(m: &milestones::Model, today: NaiveDate) -> bool {
    m.done_on.is_none() && m.due_on < today
}

/// Measures a project. `latest` is the report of its latest period ([`super::progress::sort_reports`]
/// decides which); `open_problem_deadlines` the deadlines of problems not yet verified.
pub fn standing(
    project: &projects::Model,
    baseline: &project_baselines::Model,
    latest: Option<&progress_reports::Model>,
    milestones: &[milestones::Model],
    open_problem_deadlines: Vec<NaiveDate>,
    rule: &ColourRule,
    today: NaiveDate,
) -> Standing {
    let overdue_milestones = milestones
        .iter()
        .filter(|m| milestone_overdue(m, today))
        .count() as u32;
    let percent = latest.map(|r| r.percent_complete as u32).unwrap_or(0);
    let spent = latest.map(|r| r.spent_yuan).unwrap_or(0);
    let completed = project.status == Status::Completed;
    let open_problems = open_problem_deadlines.len() as u32;
    let assessment = assess(
        &Facts {
            completed,
            started_on: baseline.started_on,
            planned_completion: baseline.planned_completion,
            today,
            percent_complete: percent,
            overdue_milestones,
            open_problem_deadlines,
        },
        rule,
    );
    let earned = baseline.budget_yuan.saturating_mul(i64::from(percent)) / 100;
    let days_overdue = if completed {
        0
    } else {
        (today - baseline.planned_completion).num_days().max(0)
    };
    Standing {
        assessment,
        reported: latest.is_some(),
        percent_complete: percent,
        spent_yuan: spent,
        latest_period: latest.map(|r| r.period.clone()),
        budget_variance_yuan: spent - earned,
        days_overdue,
        overdue_milestones,
        open_problems,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;
    use crate::followup::colour::Colour;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn project(status: &str) -> projects::Model {
        projects::Model {
            id: Uuid::nil(),
            title: "t".into(),
            summary: String::new(),
            category: String::new(),
            department: "县住建局".into(),
            budget_yuan: 1_000_000,
            year: 2027,
            source: crate::vocabulary::Source::Public,
            planned_completion: Some(d("2027-12-31")),
            status: crate::vocabulary::ProjectStatus::parse_str(status).expect("a status word"),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn report(percent: i32, spent: i64) -> progress_reports::Model {
        progress_reports::Model {
            id: Uuid::nil(),
            project_id: Uuid::nil(),
            period: "2027-06".into(),
            reported_on: d("2027-07-01"),
            percent_complete: percent,
            spent_yuan: spent,
            note: String::new(),
            reported_by: Uuid::nil(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn unreported_is_not_a_measured_zero() {
        let p = project("adopted");
        let b = baseline_or_project(&p, None);
        let s = standing(
            &p,
            &b,
            None,
            &[],
            vec![],
            &ColourRule::default(),
            d("2027-01-10"),
        );
        assert!(!s.reported);
        assert_eq!(s.percent_complete, 0);
        assert_eq!(s.latest_period, None);
        let r = report(40, 500_000);
        let s = standing(
            &p,
            &b,
            Some(&r),
            &[],
            vec![],
            &ColourRule::default(),
            d("2027-07-02"),
        );
        assert!(s.reported);
        assert_eq!(s.assessment.colour, Colour::Behind);
        // 40 % of 1,000,000 earned; 500,000 spent: 100,000 ahead of progress.
        assert_eq!(s.budget_variance_yuan, 100_000);
    }

    #[test]
    fn overdue_milestones_and_days() {
        let p = project("in_progress");
        let b = baseline_or_project(&p, None);
        let m = |due: &str, done: Option<&str>| milestones::Model {
            id: Uuid::new_v4(),
            project_id: Uuid::nil(),
            title: "m".into(),
            due_on: d(due),
            done_on: done.map(d),
            created_at: Utc::now(),
        };
        let ms = [
            m("2028-01-01", None),
            m("2027-12-01", Some("2027-11-30")),
            m("2027-12-31", None),
        ];
        let s = standing(
            &p,
            &b,
            None,
            &ms,
            vec![],
            &ColourRule::default(),
            d("2028-01-01"),
        );
        assert_eq!(s.overdue_milestones, 1, "due today is not overdue yet");
        assert_eq!(s.days_overdue, 1);
        let done = project("completed");
        let s = standing(
            &done,
            &b,
            None,
            &ms,
            vec![],
            &ColourRule::default(),
            d("2028-01-01"),
        );
        assert_eq!(s.days_overdue, 0);
        assert_eq!(s.assessment.colour, Colour::Completed);
    }
}
