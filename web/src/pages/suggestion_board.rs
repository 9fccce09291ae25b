//! The 督办 lists (`/admin/suggestions/supervision`, `/dept/suggestions/supervision`): what the
//! office, or one unit, must chase — 重点督办 suggestions, those past a deadline, those due soon,
//! promises not kept. And the yearly report (`/admin/suggestions/report?year=`), one A4 document
//! the office prints. The rules are `minsheng_domain::suggestions::{supervision, report}`.

use askama::Template;
use axum::extract::{Query, State};
use chrono::Datelike;
use minsheng_domain::{
    suggestions::{UnitStats, View, report, supervision},
    vocabulary::Role,
};

use super::suggestions::{Item, item, kind_word, status_word, units_line};
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html},
    session::PageUser,
};

/// A promise not kept, as a line.
struct PromiseRow {
    number: i64,
    title: String,
    unit: String,
    what: String,
    by: String,
    /// "还有 N 天" or "已逾期 N 天".
    left: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "suggestion_board.html")]
struct BoardPage {
    c: Chrome,
    f: &'static FollowMsg,
    base: &'static str,
    /// Overdue, due soon, 重点督办: each heading with its items.
    sections: Vec<(&'static str, Vec<Item>)>,
    promises: Vec<PromiseRow>,
}

fn days(f: &FollowMsg, n: i64) -> String {
    if n < 0 {
        f.sg_days_late.replace("{n}", &(-n).to_string())
    } else {
        f.sg_days_left.replace("{n}", &n.to_string())
    }
}

/// `GET /admin/suggestions/supervision`, `/dept/suggestions/supervision`: the office's lists
/// cover every suggestion, a unit's those assigned to it. Roles: admin, department.
pub async fn board(State(state): State<WebState>, user: PageUser) -> PageResult {
    let f = user.prefs.lang.follow();
    // The domain refuses a deputy (403) before anything is read.
    let b = supervision::board(&state.db, &user.actor)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let (base, here) = if user.actor.role == Role::Admin {
        ("admin", "/admin/suggestions")
    } else {
        ("dept", "/dept/suggestions")
    };
    let items =
        |vs: Vec<View>| -> Vec<Item> { vs.into_iter().map(|v| item(f, &user, v)).collect() };
    Ok(html(&BoardPage {
        c: Chrome::for_user(&user, here),
        f,
        base,
        sections: vec![
            (f.sg_board_overdue, items(b.overdue)),
            (f.sg_board_soon, items(b.due_soon)),
            (f.sg_board_key, items(b.key)),
        ],
        promises: b
            .promises
            .into_iter()
            .map(|p| PromiseRow {
                number: p.number,
                title: p.title,
                unit: p.lead_unit.unwrap_or_default(),
                what: p.what,
                by: p.by.to_string(),
                left: days(f, p.days_left),
                late: p.days_left < 0,
            })
            .collect(),
    }))
}

/// A suggestion as the report lists it.
struct ReportRow {
    number: i64,
    kind: &'static str,
    title: String,
    lead: String,
    units: String,
    status: &'static str,
    class: String,
    key: bool,
}

#[derive(Template)]
#[template(path = "suggestion_report.html")]
struct ReportPage {
    c: Chrome,
    f: &'static FollowMsg,
    year: i32,
    years: Vec<i32>,
    date: String,
    summary: String,
    classes: String,
    units: Vec<UnitStats>,
    total: UnitStats,
    rows: Vec<ReportRow>,
}

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

/// `GET /admin/suggestions/report?year=`: the year's handling report, print-ready (this year
/// when the year is missing or not a year from 2000 to 2100). Roles: admin.
pub async fn year_report(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let f = user.prefs.lang.follow();
    let today = minsheng_domain::clock::today();
    let year = q
        .year
        .trim()
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year());
    let r = report::year_report(&state.db, &user.actor, year)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let t = &r.total;
    let summary = f
        .sg_report_summary
        .replace("{received}", &r.received.to_string())
        .replace("{returned}", &r.returned.to_string())
        .replace("{withdrawn}", &r.withdrawn.to_string())
        .replace("{assigned}", &t.assigned.to_string())
        .replace("{answered}", &t.answered.to_string())
        .replace("{on_time}", &t.on_time.to_string())
        .replace("{overdue}", &t.overdue.to_string())
        .replace("{key}", &r.key.to_string());
    let classes = f
        .sg_report_classes
        .replace("{a}", &t.classes[0].to_string())
        .replace("{b}", &t.classes[1].to_string())
        .replace("{c}", &t.classes[2].to_string())
        .replace("{d}", &t.classes[3].to_string())
        .replace("{s}", &t.results[0].to_string())
        .replace("{bs}", &t.results[1].to_string())
        .replace("{u}", &t.results[2].to_string());
    let rows = r
        .rows
        .iter()
        .map(|v| ReportRow {
            number: v.s.number,
            kind: kind_word(f, &v.s.kind),
            title: v.s.title.clone(),
            lead: v
                .signers
                .iter()
                .find(|s| s.lead)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            units: units_line(f, &v.s),
            status: status_word(f, v.status),
            class: v
                .answers
                .iter()
                .map(|a| a.result_class.clone())
                .collect::<Vec<_>>()
                .join(" → "),
            key: v.s.key_supervision,
        })
        .collect();
    Ok(html(&ReportPage {
        c: Chrome::for_user(&user, "/admin/suggestions"),
        f,
        year,
        years: (2000.max(today.year() - 4)..=today.year()).rev().collect(),
        date: today.to_string(),
        summary,
        classes,
        units: r.units,
        total: r.total,
        rows,
    }))
}
