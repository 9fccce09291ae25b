//! What dates the API takes: calendar dates of the years 2000 to 2100 (a project, a milestone, an
//! inspection or a deadline outside them is a typing slip, and year 0000 or 9999 breaks clients
//! and reports). Used as `deserialize_with` on request fields, so a date out of range is refused
//! while the body is read (422, naming the field) like any other malformed date; the published
//! schema says the same with a pattern. Money is bounded in the domain
//! ([`minsheng_domain::bounds::MAX_YUAN`]).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

/// The schema pattern of a date the API takes: `YYYY-MM-DD` in the years 2000 to 2100.
pub const DATE_PATTERN: &str = "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

fn check<E: serde::de::Error>(d: NaiveDate) -> Result<NaiveDate, E> {
    let (lo, hi) = minsheng_domain::bounds::YEARS;
    if (lo..=hi).contains(&d.year()) {
        Ok(d)
    } else {
        Err(E::custom(format!(
            "expected a date in the years {lo} to {hi}, got {d}"
        )))
    }
}

/// A date in the years 2000 to 2100.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    check(NaiveDate::deserialize(d)?)
}

/// An optional date in the years 2000 to 2100.
pub fn date_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<NaiveDate>::deserialize(d)?.map(check).transpose()
}

/// An optional year, 2000 to 2100 (a query's `year`).
pub fn year_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let (lo, hi) = minsheng_domain::bounds::YEARS;
    match Option::<i32>::deserialize(d)? {
        Some(y) if !(lo..=hi).contains(&y) => Err(serde::de::Error::custom(format!(
            "expected a year from {lo} to {hi}, got {y}"
        ))),
        other => Ok(other),
    }
}

/// A date that may be sent as `null` to clear it (`Some(None)`); absent is `None` (with
/// `#[serde(default)]`).
pub fn date_present<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<NaiveDate>>, D::Error> {
    date_opt(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct T {
        #[serde(deserialize_with = "date")]
        d: NaiveDate,
    }

    #[test]
    fn years_2000_to_2100_only() {
        for ok in ["2000-01-01", "2027-12-31", "2100-12-31"] {
            let t = serde_json::from_str::<T>(&format!(r#"{{"d":"{ok}"}}"#)).unwrap();
            assert_eq!(t.d.to_string(), ok);
        }
        for bad in ["1999-12-31", "2101-01-01", "0000-01-01", "9999-12-31"] {
            let e = serde_json::from_str::<T>(&format!(r#"{{"d":"{bad}"}}"#)).unwrap_err();
            assert!(e.to_string().contains("2000 to 2100"), "{e}");
        }
    }
}
