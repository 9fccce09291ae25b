//! The ranges numbers and dates must fall in: what a county's livelihood projects can be, not what
//! a 64-bit integer or a calendar can hold. A JavaScript client holds integers exactly only up to
//! 2^53 − 1, so an amount beyond these bounds would be a typing slip that silently changes on the
//! way to a browser.

use crate::error::{Error, ErrorCode, Result};

/// The largest amount of money a field takes, in yuan: 10^12 (一万亿元), beyond any county's or
/// province's yearly budget and well inside 2^53.
pub const MAX_YUAN: i64 = 1_000_000_000_000;

/// The years a date may fall in (inclusive).
pub const YEARS: (i32, i32) = (2000, 2100);

/// Whether a date falls in [`YEARS`].
pub fn date_in_range(d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (YEARS.0..=YEARS.1).contains(&d.year())
}

/// A date typed as `YYYY-MM-DD` (surrounding spaces ignored) in [`YEARS`], or `None`: the one
/// rule for dates typed on the pages.
pub fn parse_date(raw: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| date_in_range(*d))
}

/// An amount of whole yuan from 0 to [`MAX_YUAN`], or `code` naming `field`.
pub fn parse_yuan(field: &str, code: ErrorCode, yuan: i64) -> Result<i64> {
    if (0..=MAX_YUAN).contains(&yuan) {
        Ok(yuan)
    } else {
        Err(Error::invalid_field(
            code,
            field,
            format!("{field} is a whole number of yuan from 0 to {MAX_YUAN} (10^12)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_in_the_years_2000_to_2100() {
        assert!(parse_date(" 2027-05-31 ").is_some());
        assert!(parse_date("2100-12-31").is_some());
        for bad in [
            "1999-12-31",
            "2101-01-01",
            "0000-01-01",
            "9999-12-31",
            "2027-02-30",
            "27-5-1",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn amounts_from_zero_to_ten_to_the_twelfth() {
        for ok in [0, 1, MAX_YUAN] {
            assert_eq!(
                parse_yuan("budget_yuan", ErrorCode::InvalidBudget, ok).unwrap(),
                ok
            );
        }
        for bad in [-1, MAX_YUAN + 1, i64::MAX, i64::MIN] {
            assert!(parse_yuan("budget_yuan", ErrorCode::InvalidBudget, bad).is_err());
        }
    }
}
