//! The baseline frozen at adoption, milestones (节点) and progress reports.

use crate::error::ErrorCode;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::access::{require_admin_or_department, require_department, writable_project};
use crate::{
    Actor, db,
    entities::{milestones, progress_reports, project_baselines, projects},
    error::{Error, Result},
    projects::status::Status,
    text::parse_text,
};

/// Freezes budget, department and planned completion of newly adopted projects, as of `today`.
/// Called inside the transaction that publishes the vote.
pub async fn freeze_baselines(
    db: &impl ConnectionTrait,
    project_ids: &[Uuid],
    today: NaiveDate,
) -> Result<()> {
    for p in projects::Entity::find()
        .filter(projects::Column::Id.is_in(project_ids.to_vec()))
        .all(db)
        .await?
    {
        if project_baselines::Entity::find_by_id(p.id)
            .one(db)
            .await?
            .is_some()
        {
            continue;
        }
        let planned = p
            .planned_completion
            .or_else(|| NaiveDate::from_ymd_opt(p.year, 12, 31))
            .unwrap_or(today);
        project_baselines::ActiveModel {
            project_id: Set(p.id),
            budget_yuan: Set(p.budget_yuan),
            department: Set(p.department),
            started_on: Set(today.min(planned)),
            planned_completion: Set(planned),
            frozen_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub struct NewMilestone {
    pub title: String,
    pub due_on: NaiveDate,
}

pub async fn add_milestone(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    m: NewMilestone,
) -> Result<milestones::Model> {
    let txn = db::begin_write(db).await?;
    let project = writable_project(&txn, project_id).await?;
    require_admin_or_department(&txn, actor, &project).await?;
    let created = milestones::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        title: Set(parse_text("title", &m.title, 200)?),
        due_on: Set(m.due_on),
        done_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("milestone.add", "project", project_id).with(serde_json::json!({
            "milestone_id": created.id, "title": created.title, "due_on": created.due_on,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

#[derive(Default)]
pub struct MilestoneChange {
    pub title: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// `Some(None)` clears the done date.
    pub done_on: Option<Option<NaiveDate>>,
}

pub async fn update_milestone(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    c: MilestoneChange,
) -> Result<milestones::Model> {
    let txn = db::begin_write(db).await?;
    let m = milestones::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("milestone"))?;
    let project = writable_project(&txn, m.project_id).await?;
    require_admin_or_department(&txn, actor, &project).await?;
    let was_done = m.done_on.is_some();
    let mut row: milestones::ActiveModel = m.into();
    if let Some(t) = &c.title {
        row.title = Set(parse_text("title", t, 200)?);
    }
    if let Some(d) = c.due_on {
        row.due_on = Set(d);
    }
    if let Some(done) = c.done_on {
        row.done_on = Set(done);
    }
    let updated = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("milestone.update", "project", updated.project_id).with(
            serde_json::json!({
                "milestone_id": id, "title": updated.title, "due_on": updated.due_on,
                "done_on": updated.done_on,
            }),
        ),
    )
    .await?;
    if let (false, Some(done_on)) = (was_done, updated.done_on) {
        crate::feed::emit(
            &txn,
            crate::feed::Change::new(
                crate::vocabulary::EventType::MilestoneReached,
                "milestone",
                id,
            )
            .project(updated.project_id)
            .with(serde_json::json!({
                "title": updated.title, "due_on": updated.due_on, "done_on": done_on,
            })),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(updated)
}

pub async fn milestones_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Vec<milestones::Model>> {
    Ok(milestones::Entity::find()
        .filter(milestones::Column::ProjectId.eq(project_id))
        .order_by_asc(milestones::Column::DueOn)
        .order_by_asc(milestones::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The last day of a reporting period: `2027-05` (a month), `2027-Q2` (a quarter), `2027-H1` (a
/// half year) or `2027` (a year). `None` for anything else. Reports are ordered by this date, so
/// a report filed late for an earlier period takes its place in the history instead of becoming
/// the current state.
pub fn period_end(period: &str) -> Option<NaiveDate> {
    let (year, rest) = match period.split_once('-') {
        Some((y, r)) => (y, Some(r)),
        None => (period, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let last_month = match rest {
        None => 12,
        Some(r) if r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()) => {
            let m: u32 = r.parse().ok()?;
            (1..=12).contains(&m).then_some(m)?
        }
        Some(r) => match r.as_bytes() {
            [b'Q', q @ b'1'..=b'4'] => u32::from(q - b'0') * 3,
            [b'H', h @ b'1'..=b'2'] => u32::from(h - b'0') * 6,
            _ => return None,
        },
    };
    let first_of_next = if last_month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, last_month + 1, 1)?
    };
    first_of_next.pred_opt()
}

/// Checks a report's period ([`period_end`] names the forms).
pub fn parse_period(period: &str) -> Result<String> {
    if period_end(period).is_none() {
        return Err(Error::invalid_field(
            ErrorCode::InvalidPeriod,
            "period",
            "the period is a month (2027-05), a quarter (2027-Q2), a half year (2027-H1) or a year (2027)",
        ));
    }
    Ok(period.to_owned())
}

/// Sorts reports into history order: by the end of their period, then by filing time. A stored
/// period in no known form (written before periods were checked) sorts first.
pub fn sort_reports(reports: &mut [progress_reports::Model]) {
    reports.sort_by_key(|r| (period_end(&r.period), r.created_at, r.id));
}

pub struct NewProgress {
    /// The period reported on: `2027-05`, `2027-Q2`, `2027-H1` or `2027`.
    pub period: String,
    pub percent_complete: i32,
    pub spent_yuan: i64,
    pub note: String,
    /// Photos or PDFs, stored with the report in one transaction ([`crate::attachments`]).
    pub attachments: Vec<crate::attachments::PreparedFile>,
}

/// A progress report by the project's responsible department. The first one moves an adopted
/// project to `in_progress`.
pub async fn report_progress(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    r: NewProgress,
) -> Result<progress_reports::Model> {
    let txn = db::begin_write(db).await?;
    let project = writable_project(&txn, project_id).await?;
    require_department(&txn, actor, &project).await?;
    if !(0..=100).contains(&r.percent_complete) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidPercent,
            "percent_complete",
            "percent complete is 0 to 100",
        ));
    }
    crate::bounds::parse_yuan("spent_yuan", ErrorCode::InvalidAmount, r.spent_yuan)?;
    let note = crate::text::parse_long_text("note", &r.note, 5000, false)?;
    let period = parse_period(&r.period)?;
    let today = crate::clock::today();
    let report = progress_reports::ActiveModel {
        id: Set(Uuid::new_v4()),
        project_id: Set(project_id),
        period: Set(period),
        reported_on: Set(today),
        percent_complete: Set(r.percent_complete),
        spent_yuan: Set(r.spent_yuan),
        note: Set(note),
        reported_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::attachments::store(
        &txn,
        actor,
        project_id,
        crate::vocabulary::AttachmentRecord::ProgressReport,
        report.id,
        r.attachments,
    )
    .await?;
    if project.status == Status::Adopted {
        let mut row: projects::ActiveModel = project.into();
        row.status = Set(Status::InProgress);
        row.updated_at = Set(Utc::now());
        row.update(&txn).await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("progress.report", "project", project_id).with(
            serde_json::json!({
                "report_id": report.id, "period": report.period,
                "percent_complete": report.percent_complete, "spent_yuan": report.spent_yuan,
            }),
        ),
    )
    .await?;
    crate::feed::emit(
        &txn,
        crate::feed::Change::new(
            crate::vocabulary::EventType::ProgressReported,
            "progress_report",
            report.id,
        )
        .project(project_id)
        .with(serde_json::json!({
            "period": report.period, "percent_complete": report.percent_complete,
            "spent_yuan": report.spent_yuan, "reported_on": report.reported_on,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// A project's reports in history order ([`sort_reports`]): the last is its current state.
pub async fn reports_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Vec<progress_reports::Model>> {
    let mut reports = progress_reports::Entity::find()
        .filter(progress_reports::Column::ProjectId.eq(project_id))
        .all(db)
        .await?;
    sort_reports(&mut reports);
    Ok(reports)
}

/// The report of the latest period (the last filed of them when several cover it), if any.
pub async fn latest_report(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<Option<progress_reports::Model>> {
    Ok(reports_of(db, project_id).await?.pop())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_ends() {
        assert_eq!(period_end("2027-05"), Some(d(2027, 5, 31)));
        assert_eq!(period_end("2028-02"), Some(d(2028, 2, 29)));
        assert_eq!(period_end("2027-12"), Some(d(2027, 12, 31)));
        assert_eq!(period_end("2027-Q2"), Some(d(2027, 6, 30)));
        assert_eq!(period_end("2027-Q4"), Some(d(2027, 12, 31)));
        assert_eq!(period_end("2027-H1"), Some(d(2027, 6, 30)));
        assert_eq!(period_end("2027"), Some(d(2027, 12, 31)));
        for bad in [
            "",
            "2027-13",
            "2027-00",
            "2027-5",
            "2027-Q5",
            "2027-H3",
            "27-05",
            "2027年5月",
            "2027-05-01",
            "x027",
        ] {
            assert_eq!(period_end(bad), None, "{bad}");
            assert!(parse_period(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_period("2027-Q1").unwrap(), "2027-Q1");
        assert!(
            parse_period(" 2027-Q1").is_err(),
            "as the published pattern says"
        );
    }

    #[test]
    fn a_late_report_for_an_earlier_period_is_history() {
        let report = |period: &str, percent: i32, filed: i64| progress_reports::Model {
            id: Uuid::new_v4(),
            project_id: Uuid::nil(),
            period: period.to_owned(),
            reported_on: d(2027, 7, 1),
            percent_complete: percent,
            spent_yuan: 0,
            note: String::new(),
            reported_by: Uuid::nil(),
            created_at: Utc.timestamp_opt(1_800_000_000 + filed, 0).unwrap(),
        };
        let mut reports = vec![
            report("2027-05", 30, 1),
            report("2027-06", 50, 2),
            report("2027-04", 20, 3),
        ];
        sort_reports(&mut reports);
        let order: Vec<&str> = reports.iter().map(|r| r.period.as_str()).collect();
        assert_eq!(order, ["2027-04", "2027-05", "2027-06"]);
        // Two reports ending the same day: the later filed is current.
        reports.push(report("2027-Q2", 55, 4));
        reports.push(report("legacy", 99, 5));
        sort_reports(&mut reports);
        assert_eq!(reports.last().unwrap().percent_complete, 55);
        assert_eq!(reports[0].period, "legacy");
    }
}
