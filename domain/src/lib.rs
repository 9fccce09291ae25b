//! Minsheng's rules: who may do what, the vote and its tally, and the services that load, decide and
//! store. Nothing here knows about HTTP; the `api` crate maps these types to requests and responses.

pub mod accounts;
pub mod actor;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod ballot_box;
pub mod bounds;
pub mod calendar;
pub mod clock;
pub mod csv_text;
pub mod db;
pub mod demo;
pub mod deputy_desk;
pub mod display;
pub mod duty;
pub mod entities;
pub mod error;
pub mod evaluations;
pub mod feed;
pub mod followup;
pub mod login_state;
pub mod page_sessions;
pub mod passwords;
pub mod projects;
pub mod recovery;
pub mod sessions;
pub mod stations;
pub mod suggestions;
pub mod text;
pub mod throttle;
pub mod tokens;
pub mod vocabulary;
pub mod votes;
pub mod webhooks;

pub use actor::{Actor, Role};
pub use error::{Error, FieldError, Result};
