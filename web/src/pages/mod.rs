//! Page handlers, one module per audience.

pub mod admin;
pub mod audit;
pub mod casting;
pub mod deputy;
pub mod desks;
pub mod duty;
pub mod followup;
pub mod login;
pub mod materials;
pub mod office;
pub mod oversight;
pub mod public;
pub mod rating;
pub mod screen;
pub mod stations;
pub mod subjects;
pub mod suggestion_board;
pub mod suggestions;
pub mod webhooks;

use serde::Deserialize;

/// The form token every page POST carries.
#[derive(Debug, Deserialize)]
pub struct TokenOnly {
    #[serde(default)]
    pub csrf: String,
}

/// The value of one field in a form read as pairs (fields that repeat, like `selections`).
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// As [`field`], empty when the form has no such field (what a form shows again after a
/// refusal, and what a domain check then refuses as missing).
pub fn typed<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    field(pairs, name).unwrap_or("")
}
