//! The yearly report (代表建议办理情况报告): the year's suggestions in figures, per lead unit, and
//! one line each, for the office to print and lay before the standing committee.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{Status, UnitStats, View, statistics, view};
use crate::{
    Actor,
    entities::suggestions,
    error::{Error, Result},
};

/// One year's figures.
#[derive(Debug, Clone)]
pub struct YearReport {
    pub year: i32,
    /// Received (every signer confirmed, or sent on) in the year.
    pub received: u32,
    pub returned: u32,
    pub withdrawn: u32,
    /// The units' figures and their sum (`unit` empty in the sum).
    pub units: Vec<UnitStats>,
    pub total: UnitStats,
    /// 重点督办 suggestions.
    pub key: u32,
    /// Every suggestion received in the year, by number.
    pub rows: Vec<View>,
}

/// The report for `year` (China Standard Time). Roles: admin.
pub async fn year_report(db: &DatabaseConnection, actor: &Actor, year: i32) -> Result<YearReport> {
    let units = statistics(db, actor, year).await?;
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Error::not_found("year"))?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::not_found("year"))?,
    );
    let mut rows = Vec::new();
    for s in suggestions::Entity::find()
        .filter(suggestions::Column::SubmittedOn.between(from, to))
        .order_by_asc(suggestions::Column::Number)
        .all(db)
        .await?
    {
        rows.push(view(db, s).await?);
    }
    let count = |st: Status| rows.iter().filter(|v| v.status == st).count() as u32;
    let mut total = UnitStats::default();
    for u in &units {
        total.assigned += u.assigned;
        total.answered += u.answered;
        total.on_time += u.on_time;
        total.overdue += u.overdue;
        for i in 0..4 {
            total.classes[i] += u.classes[i];
        }
        for i in 0..3 {
            total.results[i] += u.results[i];
        }
    }
    Ok(YearReport {
        year,
        received: rows.len() as u32,
        returned: count(Status::Returned),
        withdrawn: count(Status::Withdrawn),
        key: rows.iter().filter(|v| v.s.key_supervision).count() as u32,
        units,
        total,
        rows,
    })
}
