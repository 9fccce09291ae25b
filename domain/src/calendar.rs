//! Working days (工作日) for the deadlines of deputies' suggestions (代表法 第五十一、五十二条;
//! the office's own rules count 交办 and 退回 in working days). Which days are worked changes every
//! year: the State Council's holiday schedule closes some weekdays and opens some weekend days in
//! exchange (调休), so the calendar is data the office enters (a CSV import is enough), not a rule
//! in code. A date the office has not entered is a working day from Monday to Friday.
//!
//! Dates are China Standard Time dates. A deadline "within n working days of d" is the n-th working
//! day after d: the day of receipt does not count, as in the law's counting of periods.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::{
    Actor, db,
    entities::calendar_days,
    error::{Error, ErrorCode, Result},
};

/// What the office entered for a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A weekday closed by the holiday schedule (法定节假日、放假调休).
    Holiday,
    /// A weekend day worked in exchange (调休上班).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// `holiday` / `休` / `放假`, or `workday` / `班` / `上班`.
    pub fn parse(s: &str) -> Option<DayKind> {
        match s.trim() {
            "holiday" | "休" | "放假" | "假" => Some(DayKind::Holiday),
            "workday" | "班" | "上班" | "补班" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// The office's entries for a span of dates, and the rule for the rest.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    entries: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        Calendar {
            entries: entries.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.entries.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `from` (`from` itself not counted); `from` when `n` is 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("dates before 2100 have a next day");
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `today` (not counted) up to and including `deadline`; negative when the
    /// deadline has passed (the working days since, counted the same way).
    pub fn working_days_left(&self, today: NaiveDate, deadline: NaiveDate) -> i64 {
        let (from, to, sign) = if deadline >= today {
            (today, deadline, 1)
        } else {
            (deadline, today, -1)
        };
        let mut n = 0i64;
        let mut d = from;
        while d < to {
            d = d.succ_opt().expect("dates before 2100 have a next day");
            if self.is_working_day(d) {
                n += 1;
            }
        }
        sign * n
    }
}

/// The date `months` calendar months after `from` (3 months from 31 January is 30 April): the
/// answer periods of a suggestion are counted in months, not working days.
pub fn add_months(from: NaiveDate, months: u32) -> NaiveDate {
    from.checked_add_months(chrono::Months::new(months))
        .expect("dates before 2100 plus a few months are dates")
}

/// The office's entries from `from` to `to`, inclusive.
pub async fn load(db: &impl ConnectionTrait, from: NaiveDate, to: NaiveDate) -> Result<Calendar> {
    let rows = calendar_days::Entity::find()
        .filter(calendar_days::Column::Day.between(from, to))
        .all(db)
        .await?;
    Ok(Calendar::new(rows.into_iter().filter_map(|r| {
        DayKind::parse(&r.kind).map(|k| (r.day, k))
    })))
}

/// The calendar around a date: its entries from a year before to two years after (every deadline
/// the suggestions count falls inside).
pub async fn around(db: &impl ConnectionTrait, d: NaiveDate) -> Result<Calendar> {
    let from = d - chrono::Duration::days(366);
    let to = d + chrono::Duration::days(2 * 366);
    load(db, from, to).await
}

/// One entry as the office keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub day: NaiveDate,
    pub kind: DayKind,
    /// 国庆节, 春节调休上班, ….
    pub name: String,
}

/// Reads a calendar CSV: `日期,类型,名称` (or `date,kind,name`), one row per date the holiday
/// schedule changes: `2025-10-01,休,国庆节`, `2025-09-28,班,国庆节调休上班`. A header row is
/// optional. Errors name the row (`invalid_csv`): a date that is not YYYY-MM-DD in 2000 to 2100, a
/// kind other than 休/班 (holiday/workday), a date twice, a holiday on a weekend or a workday on a
/// weekday (neither changes anything, so it is a typing slip).
pub fn parse_csv(text: &str) -> Result<Vec<Entry>> {
    let mut out: Vec<Entry> = Vec::new();
    let bad = |row: usize, why: String| {
        Error::invalid_field(
            ErrorCode::InvalidCsv,
            "calendar",
            format!("row {row}: {why}"),
        )
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| bad(row, format!("not CSV: {e}")))?;
        let cells: Vec<&str> = record.iter().collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if row == 1 && matches!(cells[0], "日期" | "date") {
            continue;
        }
        let day = NaiveDate::parse_from_str(cells[0], "%Y-%m-%d")
            .ok()
            .filter(|d| crate::bounds::date_in_range(*d))
            .ok_or_else(|| bad(row, format!("{:?} is not a date like 2025-10-01", cells[0])))?;
        let kind = cells
            .get(1)
            .and_then(|k| DayKind::parse(k))
            .ok_or_else(|| bad(row, "the kind is 休 (holiday) or 班 (workday)".into()))?;
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if (kind == DayKind::Holiday) == weekend {
            return Err(bad(
                row,
                format!(
                    "{day} is a {} already; enter only the days the schedule changes",
                    if weekend { "weekend day" } else { "weekday" }
                ),
            ));
        }
        if out.iter().any(|e| e.day == day) {
            return Err(bad(row, format!("{day} is entered twice")));
        }
        let name =
            crate::text::parse_long_text("name", cells.get(2).copied().unwrap_or(""), 50, false)
                .map_err(|_| bad(row, "the name has at most 50 characters".into()))?;
        out.push(Entry { day, kind, name });
    }
    if out.is_empty() {
        return Err(bad(0, "the file has no dates".into()));
    }
    Ok(out)
}

/// Enters the office's dates, replacing what was entered for each. Roles: admin.
pub async fn import(db: &DatabaseConnection, actor: &Actor, entries: Vec<Entry>) -> Result<usize> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let n = entries.len();
    for e in &entries {
        calendar_days::Entity::delete_by_id(e.day)
            .exec(&txn)
            .await?;
        calendar_days::ActiveModel {
            day: Set(e.day),
            kind: Set(e.kind.as_str().to_owned()),
            name: Set(e.name.clone()),
        }
        .insert(&txn)
        .await?;
    }
    let first = entries.iter().map(|e| e.day).min();
    let last = entries.iter().map(|e| e.day).max();
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("calendar.import", "calendar", "working-days")
            .with(serde_json::json!({"days": n, "from": first, "to": last})),
    )
    .await?;
    txn.commit().await?;
    Ok(n)
}

/// The entries of a year, in date order. Roles: any logged-in.
pub async fn year(db: &impl ConnectionTrait, year: i32) -> Result<Vec<Entry>> {
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Error::not_found("year"))?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::not_found("year"))?,
    );
    Ok(calendar_days::Entity::find()
        .filter(calendar_days::Column::Day.between(from, to))
        .order_by_asc(calendar_days::Column::Day)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            DayKind::parse(&r.kind).map(|kind| Entry {
                day: r.day,
                kind,
                name: r.name,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The 2025 National Day and Mid-Autumn holiday: 1 to 8 October off, Sunday 28 September and
    /// Saturday 11 October worked (国务院办公厅 2024年11月 通知).
    fn national_day_2025() -> Calendar {
        let csv = "日期,类型,名称\n\
                   2025-09-28,班,国庆节、中秋节调休上班\n\
                   2025-10-01,休,国庆节\n2025-10-02,休,国庆节\n2025-10-03,休,国庆节\n\
                   2025-10-06,休,中秋节\n2025-10-07,休,国庆节\n2025-10-08,休,国庆节\n\
                   2025-10-11,班,国庆节、中秋节调休上班\n";
        Calendar::new(parse_csv(csv).unwrap().into_iter().map(|e| (e.day, e.kind)))
    }

    #[test]
    fn seven_working_days_from_the_friday_before_national_day() {
        let c = national_day_2025();
        // Received Friday 26 September: Sun 28 (worked), Mon 29, Tue 30, then Thu 9, Fri 10,
        // Sat 11 (worked), Mon 13 October.
        assert_eq!(c.add_working_days(d("2025-09-26"), 7), d("2025-10-13"));
        // Without the office's dates the same count ends on a plain weekday rule.
        assert_eq!(
            Calendar::default().add_working_days(d("2025-09-26"), 7),
            d("2025-10-07")
        );
        assert!(c.is_working_day(d("2025-09-28")));
        assert!(!c.is_working_day(d("2025-10-06")));
        assert_eq!(c.working_days_left(d("2025-09-26"), d("2025-10-13")), 7);
        assert_eq!(c.working_days_left(d("2025-10-14"), d("2025-10-13")), -1);
    }

    #[test]
    fn months_end_on_the_month_s_last_day_when_shorter() {
        assert_eq!(add_months(d("2026-01-31"), 3), d("2026-04-30"));
        assert_eq!(add_months(d("2025-11-30"), 3), d("2026-02-28"));
        assert_eq!(add_months(d("2026-03-10"), 6), d("2026-09-10"));
    }

    #[test]
    fn slips_in_the_file_are_named_by_row() {
        for (csv, says) in [
            ("2025-10-01,休,国庆节\n2025-10-01,休,国庆节", "row 2"),
            ("2025-10-04,休,周六", "weekend day"),
            ("2025-10-09,班,周四", "weekday"),
            ("2025/10/01,休", "not a date"),
            ("2025-10-01,放个假", "休 (holiday) or 班"),
            ("日期,类型,名称\n", "no dates"),
        ] {
            let err = parse_csv(csv).unwrap_err().to_string();
            assert!(err.contains(says), "{csv:?}: {err}");
        }
    }
}
