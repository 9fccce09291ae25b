//! The status colour of an adopted project, computed from facts and never typed in (in the spirit of
//! Dazu's 五色督办). The thresholds are settings ([`ColourRule`]); the rule:
//!
//! - **completed**: the project is marked completed.
//! - **seriously behind** (red) when any of: progress trails the schedule by `serious_gap` points or
//!   more; the planned completion date has passed; `serious_overdue_milestones` or more milestones
//!   are overdue; an open problem is more than `serious_problem_overdue_days` past its deadline.
//! - **behind** (yellow) when any of: progress trails the schedule by `behind_gap` points or more; a
//!   milestone is overdue; an open problem is past its deadline.
//! - **on schedule** (green) otherwise.
//!
//! The schedule is linear from the baseline's start to its planned completion: halfway through the
//! time, 50 % is expected.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    OnSchedule,
    Behind,
    SeriouslyBehind,
    Completed,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::OnSchedule => "on_schedule",
            Colour::Behind => "behind",
            Colour::SeriouslyBehind => "seriously_behind",
            Colour::Completed => "completed",
        }
    }
}

/// The thresholds of the colour rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColourRule {
    /// Percentage points behind the linear schedule that make a project `behind`.
    pub behind_gap: u32,
    /// Percentage points behind that make it `seriously_behind`.
    pub serious_gap: u32,
    /// Overdue milestones that make it `seriously_behind`.
    pub serious_overdue_milestones: u32,
    /// Days an open problem may be past its deadline before the project is `seriously_behind`.
    pub serious_problem_overdue_days: i64,
}

impl Default for ColourRule {
    fn default() -> Self {
        Self {
            behind_gap: 10,
            serious_gap: 25,
            serious_overdue_milestones: 2,
            serious_problem_overdue_days: 30,
        }
    }
}

/// What the rule looks at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub completed: bool,
    pub started_on: NaiveDate,
    pub planned_completion: NaiveDate,
    pub today: NaiveDate,
    /// Latest reported percent complete (0 when nothing was reported).
    pub percent_complete: u32,
    pub overdue_milestones: u32,
    /// Deadlines of the problems still open (raised or sent back, not verified).
    pub open_problem_deadlines: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub colour: Colour,
    /// Percent the linear schedule expects today.
    pub expected_percent: u32,
    /// Expected minus actual, in points; negative when ahead.
    pub schedule_gap: i64,
    /// Why the colour is what it is, in words.
    pub reasons: Vec<String>,
}

/// Percent the schedule expects on `today`: 0 before the start, 100 from the planned completion.
pub fn expected_percent(started_on: NaiveDate, planned: NaiveDate, today: NaiveDate) -> u32 {
    if today >= planned {
        return 100;
    }
    if today <= started_on {
        return 0;
    }
    let total = (planned - started_on).num_days();
    let elapsed = (today - started_on).num_days();
    ((elapsed * 100) / total) as u32
}

pub fn assess(f: &Facts, rule: &ColourRule) -> Assessment {
    let expected = expected_percent(f.started_on, f.planned_completion, f.today);
    let gap = i64::from(expected) - i64::from(f.percent_complete);
    if f.completed {
        return Assessment {
            colour: Colour::Completed,
            expected_percent: expected,
            schedule_gap: gap,
            reasons: vec![],
        };
    }
    let overdue_problems: Vec<i64> = f
        .open_problem_deadlines
        .iter()
        .map(|d| (f.today - *d).num_days())
        .filter(|days| *days > 0)
        .collect();
    let mut serious = Vec::new();
    if gap >= i64::from(rule.serious_gap) {
        serious.push(format!("{gap} points behind schedule"));
    }
    if f.today > f.planned_completion {
        serious.push(format!(
            "past the planned completion date at {} %",
            f.percent_complete
        ));
    }
    if f.overdue_milestones >= rule.serious_overdue_milestones {
        serious.push(format!("{} milestones overdue", f.overdue_milestones));
    }
    if overdue_problems
        .iter()
        .any(|d| *d > rule.serious_problem_overdue_days)
    {
        serious.push(format!(
            "a problem more than {} days past its deadline",
            rule.serious_problem_overdue_days
        ));
    }
    if !serious.is_empty() {
        return Assessment {
            colour: Colour::SeriouslyBehind,
            expected_percent: expected,
            schedule_gap: gap,
            reasons: serious,
        };
    }
    let mut behind = Vec::new();
    if gap >= i64::from(rule.behind_gap) {
        behind.push(format!("{gap} points behind schedule"));
    }
    if f.overdue_milestones > 0 {
        behind.push(format!("{} milestone(s) overdue", f.overdue_milestones));
    }
    if !overdue_problems.is_empty() {
        behind.push(format!(
            "{} open problem(s) past their deadline",
            overdue_problems.len()
        ));
    }
    let colour = if behind.is_empty() {
        Colour::OnSchedule
    } else {
        Colour::Behind
    };
    Assessment {
        colour,
        expected_percent: expected,
        schedule_gap: gap,
        reasons: behind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A project running 2027-01-01 → 2027-12-31 (364 days), checked on `today`.
    fn facts(today: &str, percent: u32) -> Facts {
        Facts {
            completed: false,
            started_on: d("2027-01-01"),
            planned_completion: d("2027-12-31"),
            today: d(today),
            percent_complete: percent,
            overdue_milestones: 0,
            open_problem_deadlines: vec![],
        }
    }

    fn colour(f: &Facts) -> Colour {
        assess(f, &ColourRule::default()).colour
    }

    #[test]
    fn expected_is_linear_and_clamped() {
        assert_eq!(
            expected_percent(d("2027-01-01"), d("2027-12-31"), d("2026-12-01")),
            0
        );
        assert_eq!(
            expected_percent(d("2027-01-01"), d("2027-12-31"), d("2027-01-01")),
            0
        );
        assert_eq!(
            expected_percent(d("2027-01-01"), d("2027-12-31"), d("2027-07-02")),
            50
        );
        assert_eq!(
            expected_percent(d("2027-01-01"), d("2027-12-31"), d("2027-12-31")),
            100
        );
        assert_eq!(
            expected_percent(d("2027-01-01"), d("2027-12-31"), d("2028-03-01")),
            100
        );
    }

    #[test]
    fn gap_boundaries() {
        // 2027-07-02: 50 % expected.
        assert_eq!(colour(&facts("2027-07-02", 50)), Colour::OnSchedule);
        assert_eq!(colour(&facts("2027-07-02", 41)), Colour::OnSchedule); // 9 points
        assert_eq!(colour(&facts("2027-07-02", 40)), Colour::Behind); // exactly 10
        assert_eq!(colour(&facts("2027-07-02", 26)), Colour::Behind); // 24
        assert_eq!(colour(&facts("2027-07-02", 25)), Colour::SeriouslyBehind); // exactly 25
        assert_eq!(colour(&facts("2027-07-02", 90)), Colour::OnSchedule); // ahead
    }

    #[test]
    fn planned_completion_boundary() {
        // On the planned date 100 % is expected: 95 % is 5 points behind, still on schedule.
        assert_eq!(colour(&facts("2027-12-31", 95)), Colour::OnSchedule);
        assert_eq!(colour(&facts("2028-01-01", 99)), Colour::SeriouslyBehind);
        let mut done = facts("2028-01-01", 100);
        done.completed = true;
        assert_eq!(colour(&done), Colour::Completed);
    }

    #[test]
    fn milestone_boundaries() {
        let mut f = facts("2027-07-02", 50);
        f.overdue_milestones = 1;
        assert_eq!(colour(&f), Colour::Behind);
        f.overdue_milestones = 2;
        assert_eq!(colour(&f), Colour::SeriouslyBehind);
    }

    #[test]
    fn problem_deadline_boundaries() {
        let mut f = facts("2027-07-02", 50);
        f.open_problem_deadlines = vec![d("2027-07-02")]; // due today: not late
        assert_eq!(colour(&f), Colour::OnSchedule);
        f.open_problem_deadlines = vec![d("2027-07-01")]; // one day late
        assert_eq!(colour(&f), Colour::Behind);
        f.open_problem_deadlines = vec![d("2027-06-02")]; // 30 days late
        assert_eq!(colour(&f), Colour::Behind);
        f.open_problem_deadlines = vec![d("2027-06-01")]; // 31 days late
        assert_eq!(colour(&f), Colour::SeriouslyBehind);
    }

    #[test]
    fn thresholds_are_settings() {
        let strict = ColourRule {
            behind_gap: 5,
            serious_gap: 8,
            ..ColourRule::default()
        };
        assert_eq!(
            assess(&facts("2027-07-02", 45), &strict).colour,
            Colour::Behind
        );
        assert_eq!(
            assess(&facts("2027-07-02", 42), &strict).colour,
            Colour::SeriouslyBehind
        );
    }
}
