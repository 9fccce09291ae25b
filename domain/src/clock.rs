//! Calendar dates as the congresses keep them: China Standard Time (UTC+8, no daylight saving).
//! Instants are stored in UTC; a date (a report's day, a deadline passed, a timeline entry) is the
//! date in Beijing, so a report filed at 07:00 local time is not dated the day before.

use chrono::{DateTime, Duration, NaiveDate, Utc};

const CHINA_OFFSET_HOURS: i64 = 8;

/// The calendar date in China at this instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(CHINA_OFFSET_HOURS)).date_naive()
}

/// Today in China.
pub fn today() -> NaiveDate {
    china_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_midnight_is_utc_four_pm() {
        let before: DateTime<Utc> = "2027-03-31T15:59:59Z".parse().unwrap();
        let after: DateTime<Utc> = "2027-03-31T16:00:00Z".parse().unwrap();
        assert_eq!(china_date(before).to_string(), "2027-03-31");
        assert_eq!(china_date(after).to_string(), "2027-04-01");
    }
}
