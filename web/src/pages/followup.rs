//! The public's view of the year after the vote: the board of every followed project with its
//! colour and word, percent done against expected, department, budget and money spent; and one
//! project's record with its progress chart (SVG drawn here, no script), milestones, problems,
//! grades and timeline. Also the pieces the department's, the group's and the office's pages share.

use askama::Template;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use minsheng_domain::{
    evaluations::grade::Rating,
    followup::{
        board::{self, BoardColour, BoardFilter, BoardRow, ProjectRecord},
        colour::Colour,
        progress::period_end,
        standing::milestone_overdue,
        view::TimelineEntry,
    },
    vocabulary::{EscalationKind, InspectionKind, ProblemEventKind, ProblemStatus, Severity},
};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::{Msg, followup::FollowMsg},
    render::{Chrome, html, wan_yuan},
    session::{PageUser, Prefs},
};

/// The CSS key of a colour (`on_schedule`, ...), used for the chip and the bar.
pub fn colour_key(c: Colour) -> &'static str {
    c.as_str()
}

pub fn colour_word(f: &FollowMsg, c: Colour) -> &'static str {
    match c {
        Colour::OnSchedule => f.on_schedule,
        Colour::Behind => f.behind,
        Colour::SeriouslyBehind => f.seriously_behind,
        Colour::Completed => f.completed,
    }
}

pub fn severity_word(f: &FollowMsg, s: Severity) -> &'static str {
    match s {
        Severity::Low => f.sev_low,
        Severity::Medium => f.sev_medium,
        Severity::High => f.sev_high,
    }
}

pub fn problem_status_word(f: &FollowMsg, s: ProblemStatus) -> &'static str {
    match s {
        ProblemStatus::Open => f.p_open,
        ProblemStatus::Rectified => f.p_rectified,
        ProblemStatus::Closed => f.p_closed,
    }
}

pub fn inspection_word(f: &FollowMsg, k: InspectionKind) -> &'static str {
    match k {
        InspectionKind::Inspection => f.k_inspection,
        InspectionKind::Research => f.k_research,
        InspectionKind::Briefing => f.k_briefing,
        InspectionKind::SpecialInquiry => f.k_special_inquiry,
    }
}

pub fn escalation_word(f: &FollowMsg, k: EscalationKind) -> &'static str {
    match k {
        EscalationKind::Inquiry => f.e_inquiry,
        EscalationKind::Appointment => f.e_appointment,
        EscalationKind::Interpellation => f.e_interpellation,
        EscalationKind::SpecialInvestigation => f.e_special_investigation,
    }
}

pub fn event_word(f: &FollowMsg, k: ProblemEventKind) -> &'static str {
    match k {
        ProblemEventKind::Raised => f.ev_raised,
        ProblemEventKind::Rectified => f.ev_rectified,
        ProblemEventKind::Verified => f.ev_verified,
        ProblemEventKind::SentBack => f.ev_sent_back,
    }
}

pub fn grade_word(t: &Msg, r: Rating) -> &'static str {
    match r {
        Rating::Satisfied => t.satisfied,
        Rating::BasicallySatisfied => t.basically_satisfied,
        Rating::Unsatisfied => t.unsatisfied,
    }
}

/// One project as a board, desk or group list shows it.
pub struct RowView {
    pub id: String,
    pub title: String,
    pub department: String,
    pub budget: String,
    pub spent: String,
    pub colour: &'static str,
    pub word: &'static str,
    pub reported: bool,
    pub percent: u32,
    pub expected: u32,
    pub period: String,
    pub open_problems: u32,
    pub overdue_milestones: u32,
}

pub fn row_view(f: &FollowMsg, r: &BoardRow) -> RowView {
    let s = &r.standing;
    RowView {
        id: r.project.id.to_string(),
        title: r.project.title.clone(),
        department: r.baseline.department.clone(),
        budget: wan_yuan(r.baseline.budget_yuan),
        spent: wan_yuan(s.spent_yuan),
        colour: colour_key(s.assessment.colour),
        word: colour_word(f, s.assessment.colour),
        reported: s.reported,
        percent: s.percent_complete,
        expected: s.assessment.expected_percent,
        period: s.latest_period.clone().unwrap_or_default(),
        open_problems: s.open_problems,
        overdue_milestones: s.overdue_milestones,
    }
}

// ---------------------------------------------------------------------------------------------
// The board

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    colour: String,
    #[serde(default)]
    department: String,
}

struct CountChip {
    key: &'static str,
    word: &'static str,
    count: u32,
}

#[derive(Template)]
#[template(path = "fu_board.html")]
struct BoardPage {
    c: Chrome,
    f: &'static FollowMsg,
    year: i32,
    years: Vec<i32>,
    departments: Vec<String>,
    colour: String,
    department: String,
    chips: Vec<CountChip>,
    total: u32,
    rows: Vec<RowView>,
}

/// `GET /projects?year=&colour=&department=`: public.
pub async fn board_page(
    State(state): State<WebState>,
    prefs: Prefs,
    Query(q): Query<BoardQuery>,
) -> PageResult {
    let filter = BoardFilter {
        colour: BoardColour::parse(&q.colour),
        department: Some(q.department.trim().to_owned()).filter(|d| !d.is_empty()),
    };
    let b = board::board(
        &state.db,
        q.year.trim().parse().ok(),
        &filter,
        &state.colour_rule,
        minsheng_domain::clock::today(),
    )
    .await
    .map_err(|e| PageError::from_domain(e, prefs))?;
    let f = prefs.lang.follow();
    let k = b.counts;
    let chips = vec![
        CountChip {
            key: "seriously_behind",
            word: f.seriously_behind,
            count: k.seriously_behind,
        },
        CountChip {
            key: "behind",
            word: f.behind,
            count: k.behind,
        },
        CountChip {
            key: "on_schedule",
            word: f.on_schedule,
            count: k.on_schedule,
        },
        CountChip {
            key: "completed",
            word: f.completed,
            count: k.completed,
        },
        CountChip {
            key: "not_reported",
            word: f.not_reported,
            count: k.not_reported,
        },
    ];
    let here = format!("/projects?year={}", b.year);
    Ok(html(&BoardPage {
        c: Chrome::public(prefs, &here),
        f,
        year: b.year,
        years: b.years,
        departments: b.departments,
        colour: filter.colour.map(|_| q.colour.clone()).unwrap_or_default(),
        department: filter.department.unwrap_or_default(),
        chips,
        total: k.total,
        rows: b.rows.iter().map(|r| row_view(f, r)).collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// One project's record

/// The progress chart: actual percent by period against the linear plan, milestones marked,
/// drawn as SVG with presentation attributes only (the CSP forbids inline styles).
pub struct Chart {
    pub width: i64,
    pub height: i64,
    /// `x1,y1 x2,y2 …` of the plan.
    pub plan: String,
    /// `x,y …` of the reports.
    pub actual: String,
    pub points: Vec<ChartPoint>,
    pub milestones: Vec<ChartMilestone>,
    pub today_x: Option<i64>,
    pub x_left: i64,
    pub x_right: i64,
    pub y_top: i64,
    pub y_mid: i64,
    pub y_bottom: i64,
    pub start_label: String,
    pub end_label: String,
}

pub struct ChartPoint {
    pub x: i64,
    pub y: i64,
    pub label: String,
}

pub struct ChartMilestone {
    pub x: i64,
    /// `reached`, `overdue` or `pending`.
    pub state: &'static str,
    pub label: String,
}

const LEFT: i64 = 48;
const RIGHT: i64 = 16;
const TOP: i64 = 16;
const BOTTOM: i64 = 36;

pub fn chart(rec: &ProjectRecord, today: NaiveDate) -> Chart {
    let (width, height) = (640, 260);
    let b = &rec.follow_up.baseline;
    let start = b.started_on;
    let ends = rec
        .reports
        .iter()
        .filter_map(|r| period_end(&r.period))
        .chain(rec.milestones.iter().map(|m| m.due_on))
        .chain([
            b.planned_completion,
            today.min(b.planned_completion + chrono::Duration::days(60)),
        ]);
    let end = ends
        .max()
        .unwrap_or(b.planned_completion)
        .max(start + chrono::Duration::days(1));
    let span = (end - start).num_days().max(1);
    let plot_w = width - LEFT - RIGHT;
    let plot_h = height - TOP - BOTTOM;
    let x = |d: NaiveDate| LEFT + ((d - start).num_days().clamp(0, span) * plot_w) / span;
    let y = |pct: i64| TOP + plot_h - (pct.clamp(0, 100) * plot_h) / 100;
    let mut plan = format!(
        "{},{} {},{}",
        x(start),
        y(0),
        x(b.planned_completion),
        y(100)
    );
    if end > b.planned_completion {
        plan.push_str(&format!(" {},{}", x(end), y(100)));
    }
    let points: Vec<ChartPoint> = rec
        .reports
        .iter()
        .filter_map(|r| {
            let d = period_end(&r.period)?;
            Some(ChartPoint {
                x: x(d),
                y: y(i64::from(r.percent_complete)),
                label: format!("{} {}%", r.period, r.percent_complete),
            })
        })
        .collect();
    let actual = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let milestones = rec
        .milestones
        .iter()
        .map(|m| ChartMilestone {
            x: x(m.due_on),
            state: if m.done_on.is_some() {
                "reached"
            } else if milestone_overdue(m, today) {
                "overdue"
            } else {
                "pending"
            },
            label: format!("{} {}", m.due_on, m.title),
        })
        .collect();
    Chart {
        width,
        height,
        plan,
        actual,
        points,
        milestones,
        today_x: (today >= start && today <= end).then(|| x(today)),
        x_left: LEFT,
        x_right: width - RIGHT,
        y_top: y(100),
        y_mid: y(50),
        y_bottom: y(0),
        start_label: start.to_string(),
        end_label: end.to_string(),
    }
}

pub struct MilestoneView {
    pub id: String,
    pub title: String,
    pub due_on: String,
    pub done_on: String,
    /// `reached`, `overdue` or `pending`.
    pub state: &'static str,
    pub word: &'static str,
}

pub struct EventView {
    pub date: String,
    pub word: &'static str,
    pub note: String,
    pub files: Vec<FileView>,
}

/// A photo or PDF as the pages show it: a thumbnail that opens the photo, or the PDF's name.
#[derive(Clone)]
pub struct FileView {
    pub url: String,
    /// The thumbnail's address; `None` for a PDF.
    pub thumb: Option<String>,
    pub name: String,
    /// What it belongs to and when, for the public gallery ("视察 2027-05-12").
    pub caption: String,
}

fn files_of(
    rec: &ProjectRecord,
    record_id: uuid::Uuid,
    caption: impl Fn() -> String,
) -> Vec<FileView> {
    rec.attachments
        .get(&record_id)
        .map(|list| {
            list.iter()
                .map(|a| FileView {
                    url: format!("/api/v1/attachments/{}", a.id),
                    thumb: a
                        .has_thumbnail()
                        .then(|| format!("/api/v1/attachments/{}/thumbnail", a.id)),
                    name: a.file_name.clone(),
                    caption: caption(),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub struct ProblemViewRow {
    pub id: String,
    pub description: String,
    pub severity: &'static str,
    pub department: String,
    pub deadline: String,
    pub overdue: bool,
    /// `open`, `rectified` or `closed`.
    pub status: &'static str,
    pub status_word: &'static str,
    pub events: Vec<EventView>,
}

pub struct GradeView {
    pub title: String,
    pub counts: String,
    pub rate: String,
    pub word: &'static str,
}

pub struct TimelineView {
    pub date: String,
    pub sentence: String,
}

pub struct InspectionView {
    pub date: String,
    pub kind: &'static str,
    pub location: String,
    pub findings: String,
    pub files: Vec<FileView>,
}

pub struct ReportView {
    pub period: String,
    pub percent: u32,
    pub spent: String,
    pub note: String,
    pub files: Vec<FileView>,
}

/// A project's record as every audience's page shows it.
pub struct RecordView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub colour: &'static str,
    pub word: &'static str,
    pub reported: bool,
    pub percent: u32,
    pub expected: u32,
    pub department: String,
    pub budget: String,
    pub started_on: String,
    pub planned: String,
    pub spent: String,
    pub variance: String,
    /// `ahead`, `behind` or `even`.
    pub variance_sign: &'static str,
    pub days_overdue: i64,
    pub chart: Chart,
    pub milestones: Vec<MilestoneView>,
    pub problems: Vec<ProblemViewRow>,
    pub grades: Vec<GradeView>,
    pub inspections: Vec<InspectionView>,
    pub timeline: Vec<TimelineView>,
    pub reports: Vec<ReportView>,
    /// Every photo and PDF of the record, newest first (the public page's gallery).
    pub gallery: Vec<FileView>,
}

fn sentence(t: &Msg, f: &FollowMsg, rec: &ProjectRecord, e: &TimelineEntry) -> String {
    // Numbers stand apart from their units in both languages ("120 万元").
    let gap = " ";
    match e.kind {
        "adopted" => {
            let b = &rec.follow_up.baseline;
            format!(
                "{}{gap}{}{gap}{}，{}，{}{gap}{}",
                f.t_adopted,
                wan_yuan(b.budget_yuan),
                t.wan_yuan,
                b.department,
                f.t_planned,
                b.planned_completion
            )
        }
        "milestone_due" | "milestone_done" => {
            let title = rec
                .milestones
                .iter()
                .find(|m| m.id == e.reference)
                .map(|m| m.title.clone())
                .unwrap_or_default();
            let lead = if e.kind == "milestone_due" {
                f.t_milestone_due
            } else {
                f.t_milestone_done
            };
            format!("{lead}{title}")
        }
        "progress" => match rec.reports.iter().find(|r| r.id == e.reference) {
            Some(r) => format!(
                "{}{} {}% {}，{}{gap}{}{gap}{}。{}",
                f.t_progress,
                r.period,
                r.percent_complete,
                f.t_complete,
                f.t_spent,
                wan_yuan(r.spent_yuan),
                t.wan_yuan,
                r.note
            )
            .trim()
            .to_owned(),
            None => e.summary.clone(),
        },
        "inspection" => match rec.inspections.iter().find(|i| i.id == e.reference) {
            Some(i) => format!(
                "{}（{}）：{}",
                inspection_word(f, i.kind),
                i.location,
                i.findings
            ),
            None => e.summary.clone(),
        },
        "problem_raised" | "problem_rectified" | "problem_sent_back" | "problem_verified" => {
            let lead = match e.kind {
                "problem_raised" => f.t_problem_raised,
                "problem_rectified" => f.t_problem_rectified,
                "problem_sent_back" => f.t_problem_sent_back,
                _ => f.t_problem_verified,
            };
            match rec.problems.iter().find(|p| p.problem.id == e.reference) {
                Some(p) if e.kind == "problem_raised" => format!(
                    "{lead}{}（{}，{}{gap}{}，{}{gap}{}）",
                    p.problem.description,
                    severity_word(f, p.problem.severity),
                    f.responsible,
                    p.problem.responsible_department,
                    f.deadline,
                    p.problem.deadline
                ),
                _ => format!("{lead}{}", e.summary),
            }
        }
        "escalation" => match rec.escalations.iter().find(|x| x.id == e.reference) {
            Some(x) => format!(
                "{}{}：{}",
                f.t_escalation,
                escalation_word(f, x.kind),
                x.note
            ),
            None => e.summary.clone(),
        },
        "rating" => match rec
            .follow_up
            .grades
            .iter()
            .find(|g| g.evaluation_id == e.reference)
        {
            Some(g) => format!(
                "{}{}（{} / {} / {}）",
                f.t_rating,
                grade_word(t, g.grade),
                g.counts.satisfied,
                g.counts.basically_satisfied,
                g.counts.unsatisfied
            ),
            None => e.summary.clone(),
        },
        _ => e.summary.clone(),
    }
}

pub fn record_view(t: &Msg, f: &FollowMsg, rec: &ProjectRecord, today: NaiveDate) -> RecordView {
    let fu = &rec.follow_up;
    let latest = fu.latest_report.as_ref();
    let variance = fu.budget_variance_yuan;
    RecordView {
        id: fu.project.id.to_string(),
        title: fu.project.title.clone(),
        summary: fu.project.summary.clone(),
        colour: colour_key(fu.assessment.colour),
        word: colour_word(f, fu.assessment.colour),
        reported: rec.reported,
        percent: latest.map(|r| r.percent_complete as u32).unwrap_or(0),
        expected: fu.assessment.expected_percent,
        department: fu.baseline.department.clone(),
        budget: wan_yuan(fu.baseline.budget_yuan),
        started_on: fu.baseline.started_on.to_string(),
        planned: fu.baseline.planned_completion.to_string(),
        spent: wan_yuan(latest.map(|r| r.spent_yuan).unwrap_or(0)),
        variance: wan_yuan(variance.abs()),
        variance_sign: match variance {
            v if v > 0 => "ahead",
            v if v < 0 => "behind",
            _ => "even",
        },
        days_overdue: fu.days_overdue,
        chart: chart(rec, today),
        milestones: rec
            .milestones
            .iter()
            .map(|m| {
                let (state, word) = if m.done_on.is_some() {
                    ("reached", f.reached)
                } else if milestone_overdue(m, today) {
                    ("overdue", f.overdue)
                } else {
                    ("pending", f.pending)
                };
                MilestoneView {
                    id: m.id.to_string(),
                    title: m.title.clone(),
                    due_on: m.due_on.to_string(),
                    done_on: m.done_on.map(|d| d.to_string()).unwrap_or_default(),
                    state,
                    word,
                }
            })
            .collect(),
        problems: rec
            .problems
            .iter()
            .map(|p| ProblemViewRow {
                id: p.problem.id.to_string(),
                description: p.problem.description.clone(),
                severity: severity_word(f, p.problem.severity),
                department: p.problem.responsible_department.clone(),
                deadline: p.problem.deadline.to_string(),
                overdue: p.problem.status != ProblemStatus::Closed && p.problem.deadline < today,
                status: p.problem.status.as_str(),
                status_word: problem_status_word(f, p.problem.status),
                events: p
                    .events
                    .iter()
                    .map(|e| {
                        let date = minsheng_domain::clock::china_date(e.created_at).to_string();
                        let word = event_word(f, e.kind);
                        EventView {
                            files: files_of(rec, e.id, || format!("{word} {date}")),
                            date,
                            word,
                            note: e.note.clone(),
                        }
                    })
                    .collect(),
            })
            .collect(),
        grades: fu
            .grades
            .iter()
            .map(|g| GradeView {
                title: g.title.clone(),
                counts: format!(
                    "{} / {} / {}",
                    g.counts.satisfied, g.counts.basically_satisfied, g.counts.unsatisfied
                ),
                rate: g
                    .counts
                    .satisfaction_permille()
                    .map(|p| format!("{}.{}%", p / 10, p % 10))
                    .unwrap_or_else(|| "—".into()),
                word: grade_word(t, g.grade),
            })
            .collect(),
        inspections: rec
            .inspections
            .iter()
            .map(|i| InspectionView {
                date: i.held_on.to_string(),
                kind: inspection_word(f, i.kind),
                location: i.location.clone(),
                findings: i.findings.clone(),
                files: files_of(rec, i.id, || {
                    format!("{} {}", inspection_word(f, i.kind), i.held_on)
                }),
            })
            .collect(),
        timeline: rec
            .timeline
            .iter()
            .map(|e| TimelineView {
                date: e.date.to_string(),
                sentence: sentence(t, f, rec, e),
            })
            .collect(),
        reports: rec
            .reports
            .iter()
            .rev()
            .map(|r| ReportView {
                period: r.period.clone(),
                percent: r.percent_complete as u32,
                spent: wan_yuan(r.spent_yuan),
                note: r.note.clone(),
                files: files_of(rec, r.id, || format!("{} {}", f.reports, r.period)),
            })
            .collect(),
        gallery: Vec::new(),
    }
    .with_gallery()
}

impl RecordView {
    /// Gathers every file shown on the record, newest record first, into the gallery.
    fn with_gallery(mut self) -> Self {
        let mut all: Vec<(String, &FileView)> = Vec::new();
        for r in &self.reports {
            all.extend(r.files.iter().map(|x| (String::new(), x)));
        }
        for i in &self.inspections {
            all.extend(i.files.iter().map(|x| (i.date.clone(), x)));
        }
        for p in &self.problems {
            for e in &p.events {
                all.extend(e.files.iter().map(|x| (e.date.clone(), x)));
            }
        }
        // Reports carry a period, not a date: they come after dated records of the same list.
        all.sort_by(|a, b| b.0.cmp(&a.0));
        self.gallery = all.into_iter().map(|(_, x)| x.clone()).collect();
        self
    }
}

#[derive(Template)]
#[template(path = "fu_project.html")]
struct ProjectPage {
    c: Chrome,
    f: &'static FollowMsg,
    r: RecordView,
    /// The published deputies' suggestions it came from: number and title.
    origins: Vec<(i64, String)>,
}

/// `GET /projects/{id}`: public once the project is adopted (404 before, for everyone here: the
/// page does not tell a visitor more than the public board does).
pub async fn project_page(
    State(state): State<WebState>,
    prefs: Prefs,
    user: Option<PageUser>,
    Path(id): Path<Uuid>,
) -> PageResult {
    let today = minsheng_domain::clock::today();
    let rec = board::project_record(
        &state.db,
        user.as_ref().map(|u| &u.actor),
        id,
        &state.colour_rule,
        today,
    )
    .await
    .map_err(|e| match &e {
        // Say why, as the API does: the published results name the project, the page explains.
        minsheng_domain::Error::Conflict { code, .. }
            if *code == minsheng_domain::error::ErrorCode::ProjectNotAdopted.as_str() =>
        {
            PageError::new(
                axum::http::StatusCode::CONFLICT,
                prefs.lang.follow().not_followed,
                prefs,
            )
        }
        _ => PageError::from_domain(e, prefs),
    })?;
    let (t, f) = (prefs.lang.msg(), prefs.lang.follow());
    let here = format!("/projects/{id}");
    let c = match &user {
        Some(u) => Chrome::for_user(u, &here),
        None => Chrome::public(prefs, &here),
    };
    let origins = minsheng_domain::suggestions::of_project(&state.db, id)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    Ok(html(&ProjectPage {
        c,
        f,
        r: record_view(t, f, &rec, today),
        origins,
    }))
}
