//! Helpers every service shares: a page of a listing, and the one text rule every field follows.
//!
//! The text rule, the same on SQLite and PostgreSQL (which refuses U+0000 outright), checked on
//! every character sent (spaces around are trimmed after): no control characters, except
//! newline, carriage return and tab in multi-line text; and in one-line names and titles no
//! bidirectional overrides or invisible characters, which would let a project title reorder or
//! hide itself on a ballot. The published schema states the same rule as a pattern
//! (`minsheng_api::openapi::text_patterns`).

use crate::error::ErrorCode;
use crate::error::{Error, Result};

/// One page of a listing and the total number of rows the filter matched.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// Characters that change the order or the visibility of text without being seen: the
/// bidirectional embeddings, overrides and isolates, zero-width spaces and joiners, the word
/// joiner and the byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// A required one-line text of at most `max` characters (counted as sent), trimmed: a name, a
/// title. Refused (`invalid_text`) when empty, too long, or holding a control character, a
/// bidirectional override or an invisible character.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String> {
    let t = raw.trim();
    if t.is_empty()
        || raw.chars().count() > max
        || raw
            .chars()
            .any(|c| c.is_control() || is_invisible_format(c))
    {
        return Err(Error::invalid_field(
            ErrorCode::InvalidText,
            field,
            format!(
                "{field} must be 1 to {max} characters on one line, without control or invisible characters"
            ),
        ));
    }
    Ok(t.to_owned())
}

/// A multi-line text of at most `max` characters (counted as sent), trimmed: a summary, a note,
/// findings. Empty is allowed when `required` is false. Refused (`invalid_text`) when holding
/// U+0000 or a control character other than newline, carriage return and tab.
pub fn parse_long_text(field: &str, raw: &str, max: usize, required: bool) -> Result<String> {
    let t = raw.trim();
    if (required && t.is_empty())
        || raw.chars().count() > max
        || raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::invalid_field(
            ErrorCode::InvalidText,
            field,
            format!(
                "{field} must be {} to {max} characters, without control characters other than line breaks and tabs",
                if required { 1 } else { 0 }
            ),
        ));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_field() {
        assert_eq!(parse_text("t", "  城区改造 ", 10).unwrap(), "城区改造");
        for bad in [
            "a\u{0}b",
            "a\nb",
            "a\u{7}b",
            "abc\u{202E}gnp.exe",
            "a\u{200B}b",
            "\u{FEFF}a",
            "",
            "   ",
        ] {
            assert!(parse_text("t", bad, 100).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_long_text("n", "第一行\n第二行\t完", 100, true).unwrap(),
            "第一行\n第二行\t完"
        );
        assert!(parse_long_text("n", "a\u{0}b", 100, true).is_err());
        assert!(parse_long_text("n", "a\u{1b}[31m", 100, true).is_err());
        assert!(parse_long_text("n", "", 100, true).is_err());
        assert_eq!(parse_long_text("n", "", 100, false).unwrap(), "");
        assert!(parse_long_text("n", &"字".repeat(101), 100, false).is_err());
    }
}
