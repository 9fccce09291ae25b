//! Helpers every service shares and that know no rule: a page of a listing, and the checked
//! one-line text of a form field.

use crate::error::ErrorCode;
use crate::error::{Error, Result};

/// One page of a listing and the total number of rows the filter matched.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// A required one-line text of at most `max` characters (counted as sent), trimmed.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String> {
    let t = raw.trim();
    if t.is_empty() || raw.chars().count() > max || t.chars().any(char::is_control) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidText,
            field,
            format!("{field} must be 1 to {max} characters on one line"),
        ));
    }
    Ok(t.to_owned())
}
