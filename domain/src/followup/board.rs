//! The year's board (Dazu's 五色督办 made public) and the desks built the same way: every followed
//! project with its [`Standing`], loaded in a fixed number of queries whatever the number of
//! projects (projects, baselines, reports, milestones, open problems: one query each), and one
//! project's whole record for its page.
//!
//! The board is public: it lists only adopted, in-progress and completed projects. A department's
//! desk lists its own projects and the problems it must answer; a supervision group member's desk
//! lists the member's groups and their projects.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{
    access::{is_department, is_group_member, readable_project},
    colour::{Colour, ColourRule},
    problems::{ProblemStatus, ProblemView, escalations_of, inspections_of, problems_of},
    progress::{milestones_of, reports_of, sort_reports},
    standing::{Standing, baseline_or_project, milestone_overdue, standing},
    view::{FollowUp, TimelineEntry, follow_up, timeline},
};
use crate::{
    Actor, Role,
    entities::{
        escalations, inspections, milestones, problems, progress_reports, project_baselines,
        projects, supervision_group_members, supervision_group_projects, supervision_groups,
    },
    error::{Error, Result},
    projects::status::Status,
};

/// The statuses the public follows.
const FOLLOWED: [Status; 3] = [Status::Adopted, Status::InProgress, Status::Completed];

fn followed_words() -> Vec<&'static str> {
    FOLLOWED.iter().map(|s| s.as_str()).collect()
}

/// One project on a board or desk.
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub project: projects::Model,
    pub baseline: project_baselines::Model,
    pub standing: Standing,
}

/// What a board can be narrowed to: a colour, or the projects with no report yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardColour {
    Colour(Colour),
    /// 尚未报告: no progress report filed yet.
    NotReported,
}

impl BoardColour {
    /// `on_schedule`, `behind`, `seriously_behind`, `completed` or `not_reported`.
    pub fn parse(s: &str) -> Option<BoardColour> {
        Some(match s {
            "on_schedule" => BoardColour::Colour(Colour::OnSchedule),
            "behind" => BoardColour::Colour(Colour::Behind),
            "seriously_behind" => BoardColour::Colour(Colour::SeriouslyBehind),
            "completed" => BoardColour::Colour(Colour::Completed),
            "not_reported" => BoardColour::NotReported,
            _ => return None,
        })
    }

    fn matches(self, row: &BoardRow) -> bool {
        match self {
            BoardColour::Colour(c) => row.standing.assessment.colour == c,
            BoardColour::NotReported => !row.standing.reported,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub colour: Option<BoardColour>,
    /// The responsible department (exact name).
    pub department: Option<String>,
}

/// Projects per colour. Every project has exactly one colour; `not_reported` counts across them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColourCounts {
    pub on_schedule: u32,
    pub behind: u32,
    pub seriously_behind: u32,
    pub completed: u32,
    pub not_reported: u32,
    pub total: u32,
}

impl ColourCounts {
    fn add(&mut self, row: &BoardRow) {
        match row.standing.assessment.colour {
            Colour::OnSchedule => self.on_schedule += 1,
            Colour::Behind => self.behind += 1,
            Colour::SeriouslyBehind => self.seriously_behind += 1,
            Colour::Completed => self.completed += 1,
        }
        if !row.standing.reported {
            self.not_reported += 1;
        }
        self.total += 1;
    }
}

#[derive(Debug, Clone)]
pub struct Board {
    pub year: i32,
    /// Every year with a followed project, newest first.
    pub years: Vec<i32>,
    /// The responsible departments of the year, by name.
    pub departments: Vec<String>,
    /// Counts of the year, narrowed by department but not by colour (the colour filter's choices).
    pub counts: ColourCounts,
    /// The projects that pass the filter: most urgent first (seriously behind, behind, on
    /// schedule, completed), then by title.
    pub rows: Vec<BoardRow>,
}

fn urgency(c: Colour) -> u8 {
    match c {
        Colour::SeriouslyBehind => 0,
        Colour::Behind => 1,
        Colour::OnSchedule => 2,
        Colour::Completed => 3,
    }
}

/// Measures `projects` with a fixed number of queries (four, whatever their number).
pub async fn rows_of(
    db: &impl ConnectionTrait,
    projects: Vec<projects::Model>,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<Vec<BoardRow>> {
    if projects.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
    let mut baselines: HashMap<Uuid, project_baselines::Model> = project_baselines::Entity::find()
        .filter(project_baselines::Column::ProjectId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.project_id, b))
        .collect();
    let mut reports: HashMap<Uuid, Vec<progress_reports::Model>> = HashMap::new();
    for r in progress_reports::Entity::find()
        .filter(progress_reports::Column::ProjectId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        reports.entry(r.project_id).or_default().push(r);
    }
    let mut milestones: HashMap<Uuid, Vec<milestones::Model>> = HashMap::new();
    for m in milestones::Entity::find()
        .filter(milestones::Column::ProjectId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        milestones.entry(m.project_id).or_default().push(m);
    }
    let mut open: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
    for (project_id, deadline) in problems::Entity::find()
        .filter(problems::Column::ProjectId.is_in(ids))
        .filter(problems::Column::Status.ne(ProblemStatus::Closed))
        .select_only()
        .column(problems::Column::ProjectId)
        .column(problems::Column::Deadline)
        .into_tuple::<(Uuid, NaiveDate)>()
        .all(db)
        .await?
    {
        open.entry(project_id).or_default().push(deadline);
    }
    Ok(projects
        .into_iter()
        .map(|p| {
            let baseline = baseline_or_project(&p, baselines.remove(&p.id));
            let mut rs = reports.remove(&p.id).unwrap_or_default();
            sort_reports(&mut rs);
            let s = standing(
                &p,
                &baseline,
                rs.last(),
                milestones.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
                open.remove(&p.id).unwrap_or_default(),
                rule,
                today,
            );
            BoardRow {
                project: p,
                baseline,
                standing: s,
            }
        })
        .collect())
}

fn sort_urgent_first(rows: &mut [BoardRow]) {
    rows.sort_by(|a, b| {
        (urgency(a.standing.assessment.colour), &a.project.title)
            .cmp(&(urgency(b.standing.assessment.colour), &b.project.title))
    });
}

/// The board of `year` (default: the latest year with a followed project, else this year), for
/// anyone. Six queries whatever the number of projects.
pub async fn board(
    db: &impl ConnectionTrait,
    year: Option<i32>,
    filter: &BoardFilter,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<Board> {
    let mut years: Vec<i32> = projects::Entity::find()
        .filter(projects::Column::Status.is_in(followed_words()))
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
    let projects = projects::Entity::find()
        .filter(projects::Column::Status.is_in(followed_words()))
        .filter(projects::Column::Year.eq(year))
        .all(db)
        .await?;
    let all = rows_of(db, projects, rule, today).await?;
    let departments: Vec<String> = all
        .iter()
        .map(|r| r.baseline.department.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut counts = ColourCounts::default();
    let mut rows: Vec<BoardRow> = all
        .into_iter()
        .filter(|r| {
            filter
                .department
                .as_ref()
                .is_none_or(|d| &r.baseline.department == d)
        })
        .inspect(|r| counts.add(r))
        .filter(|r| filter.colour.is_none_or(|c| c.matches(r)))
        .collect();
    sort_urgent_first(&mut rows);
    Ok(Board {
        year,
        years,
        departments,
        counts,
        rows,
    })
}

/// A problem with the project it is on.
#[derive(Debug, Clone)]
pub struct ProblemOnProject {
    pub problem: problems::Model,
    pub project_id: Uuid,
    pub project_title: String,
}

/// A milestone with the project it is on.
#[derive(Debug, Clone)]
pub struct MilestoneOnProject {
    pub milestone: milestones::Model,
    pub project_title: String,
}

/// What a department (责任单位) works on.
#[derive(Debug, Clone)]
pub struct DepartmentDesk {
    pub department: String,
    /// Its projects still followed, most urgent first.
    pub rows: Vec<BoardRow>,
    /// Milestones past due and not reached, oldest due first.
    pub overdue_milestones: Vec<MilestoneOnProject>,
    /// Problems it is responsible for that are not yet verified, nearest deadline first.
    pub open_problems: Vec<ProblemOnProject>,
}

/// The department's desk. Errors: `forbidden` for anyone but a department account.
pub async fn department_desk(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<DepartmentDesk> {
    let department = match (actor.role, &actor.department) {
        (Role::Department, Some(d)) => d.clone(),
        _ => {
            return Err(Error::forbidden(
                "forbidden",
                "the department desk is for department accounts",
            ));
        }
    };
    // The baseline's department is the project's, frozen at adoption (materials cannot change).
    let projects = projects::Entity::find()
        .filter(projects::Column::Status.is_in(followed_words()))
        .filter(projects::Column::Department.eq(department.as_str()))
        .all(db)
        .await?;
    let titles: HashMap<Uuid, String> = projects.iter().map(|p| (p.id, p.title.clone())).collect();
    let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
    let mut rows = rows_of(db, projects, rule, today).await?;
    rows.retain(|r| r.baseline.department == department);
    sort_urgent_first(&mut rows);
    let mut overdue_milestones: Vec<MilestoneOnProject> = milestones::Entity::find()
        .filter(milestones::Column::ProjectId.is_in(ids))
        .filter(milestones::Column::DoneOn.is_null())
        .filter(milestones::Column::DueOn.lt(today))
        .order_by_asc(milestones::Column::DueOn)
        .all(db)
        .await?
        .into_iter()
        .filter(|m| milestone_overdue(m, today))
        .filter_map(|m| {
            Some(MilestoneOnProject {
                project_title: titles.get(&m.project_id)?.clone(),
                milestone: m,
            })
        })
        .collect();
    overdue_milestones.sort_by_key(|m| m.milestone.due_on);
    let open = problems::Entity::find()
        .filter(problems::Column::ResponsibleDepartment.eq(department.as_str()))
        .filter(problems::Column::Status.ne(ProblemStatus::Closed))
        .order_by_asc(problems::Column::Deadline)
        .order_by_asc(problems::Column::CreatedAt)
        .all(db)
        .await?;
    let mut open_titles = titles.clone();
    let missing: Vec<Uuid> = open
        .iter()
        .map(|p| p.project_id)
        .filter(|id| !open_titles.contains_key(id))
        .collect();
    if !missing.is_empty() {
        for p in projects::Entity::find()
            .filter(projects::Column::Id.is_in(missing))
            .all(db)
            .await?
        {
            open_titles.insert(p.id, p.title);
        }
    }
    let open_problems = open
        .into_iter()
        .map(|p| ProblemOnProject {
            project_id: p.project_id,
            project_title: open_titles.get(&p.project_id).cloned().unwrap_or_default(),
            problem: p,
        })
        .collect();
    Ok(DepartmentDesk {
        department,
        rows,
        overdue_milestones,
        open_problems,
    })
}

/// One supervision group with its projects measured.
#[derive(Debug, Clone)]
pub struct GroupRows {
    pub group: supervision_groups::Model,
    pub rows: Vec<BoardRow>,
}

/// The supervision groups a deputy belongs to, newest year first, each with its projects.
/// Errors: `not_a_deputy` for an account without a deputy.
pub async fn member_desk(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<Vec<GroupRows>> {
    let deputy_id = actor.require_deputy()?;
    let group_ids: Vec<Uuid> = supervision_group_members::Entity::find()
        .filter(supervision_group_members::Column::DeputyId.eq(deputy_id))
        .select_only()
        .column(supervision_group_members::Column::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    if group_ids.is_empty() {
        return Ok(vec![]);
    }
    let groups = supervision_groups::Entity::find()
        .filter(supervision_groups::Column::Id.is_in(group_ids.clone()))
        .order_by_desc(supervision_groups::Column::Year)
        .order_by_asc(supervision_groups::Column::Name)
        .all(db)
        .await?;
    let links: Vec<(Uuid, Uuid)> = supervision_group_projects::Entity::find()
        .filter(supervision_group_projects::Column::GroupId.is_in(group_ids))
        .select_only()
        .column(supervision_group_projects::Column::GroupId)
        .column(supervision_group_projects::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?;
    let project_ids: Vec<Uuid> = links
        .iter()
        .map(|(_, p)| *p)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let projects = projects::Entity::find()
        .filter(projects::Column::Id.is_in(project_ids))
        .filter(projects::Column::Status.is_in(followed_words()))
        .all(db)
        .await?;
    let rows: HashMap<Uuid, BoardRow> = rows_of(db, projects, rule, today)
        .await?
        .into_iter()
        .map(|r| (r.project.id, r))
        .collect();
    Ok(groups
        .into_iter()
        .map(|g| {
            let mut rs: Vec<BoardRow> = links
                .iter()
                .filter(|(gid, _)| *gid == g.id)
                .filter_map(|(_, p)| rows.get(p).cloned())
                .collect();
            sort_urgent_first(&mut rs);
            GroupRows { group: g, rows: rs }
        })
        .collect())
}

/// What the public board is made of, as one comparable value: the follow-up counter every
/// follow-up write raises and the latest change to any project (publication, completion). A copy
/// of the board built for a day is right while this value is the same. One query.
pub async fn board_version(db: &impl ConnectionTrait) -> Result<String> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT (SELECT version FROM follow_up_version WHERE id = 1) AS v, \
             (SELECT CAST(MAX(updated_at) AS TEXT) FROM projects) AS p",
        ))
        .await?
        .ok_or_else(|| Error::Internal("the follow-up version row is missing".into()))?;
    let v: i64 = row.try_get("", "v")?;
    let p: Option<String> = row.try_get("", "p")?;
    Ok(format!("{v}/{}", p.unwrap_or_default()))
}

/// What the visitor may do on a project's record (the matrix in [`super::access`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordRights {
    /// The responsible department: progress, milestones, rectifications.
    pub department: bool,
    /// A member of a group following the project: inspections, problems, verification.
    pub member: bool,
    /// The congress office: milestones, escalations.
    pub admin: bool,
    /// The record still takes writes (the project is not completed).
    pub writable: bool,
}

/// Everything about one followed project, for its page.
#[derive(Debug, Clone)]
pub struct ProjectRecord {
    pub follow_up: FollowUp,
    /// Whether any progress report was filed (else the percent is no measurement).
    pub reported: bool,
    /// Reports in history order: the last is the current state.
    pub reports: Vec<progress_reports::Model>,
    pub milestones: Vec<milestones::Model>,
    pub problems: Vec<ProblemView>,
    pub inspections: Vec<inspections::Model>,
    pub escalations: Vec<escalations::Model>,
    pub timeline: Vec<TimelineEntry>,
    /// Photos and PDFs by the id of the report, inspection or problem step they belong to.
    pub attachments: std::collections::HashMap<Uuid, Vec<crate::attachments::AttachmentMeta>>,
    pub rights: RecordRights,
}

/// A project's whole record: public once adopted. Before, 409 `project_not_adopted` saying why to
/// logged-in callers, and to the public for a project in the reserve; 404 to the public otherwise.
pub async fn project_record(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    project_id: Uuid,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<ProjectRecord> {
    readable_project(db, actor, project_id).await?;
    let follow_up = follow_up(db, project_id, rule, today).await?;
    let rights = match actor {
        None => RecordRights::default(),
        Some(a) => RecordRights {
            department: is_department(a, &follow_up.baseline.department),
            member: match a.deputy_id {
                Some(d) => is_group_member(db, d, project_id).await?,
                None => false,
            },
            admin: a.role == Role::Admin,
            writable: follow_up.project.status != Status::Completed,
        },
    };
    Ok(ProjectRecord {
        reported: follow_up.latest_report.is_some(),
        reports: reports_of(db, project_id).await?,
        milestones: milestones_of(db, project_id).await?,
        problems: problems_of(db, project_id).await?,
        inspections: inspections_of(db, project_id).await?,
        escalations: escalations_of(db, project_id).await?,
        timeline: timeline(db, project_id).await?,
        attachments: crate::attachments::of_project(db, project_id).await?,
        follow_up,
        rights,
    })
}

/// Which desk a project's record is opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// The responsible department's.
    Department,
    /// A supervision group member's.
    Group,
}

/// A project's record opened to work on it: refused unless the visitor is the responsible
/// department (`not_responsible_department`) or a member of a group following the project
/// (`not_group_member`), as the desk requires.
pub async fn work_record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    desk: Desk,
    project_id: Uuid,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<ProjectRecord> {
    let rec = project_record(db, Some(actor), project_id, rule, today).await?;
    match desk {
        Desk::Department if !rec.rights.department => Err(Error::forbidden(
            "not_responsible_department",
            format!(
                "only {} works on this project",
                rec.follow_up.baseline.department
            ),
        )),
        Desk::Group if !rec.rights.member => Err(Error::forbidden(
            "not_group_member",
            "only members of a supervision group following this project may do this",
        )),
        _ => Ok(rec),
    }
}
