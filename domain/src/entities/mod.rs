//! sea-orm entities: the shape of each table, with no behaviour.

pub mod accounts;
pub mod ballots;
pub mod congress_sessions;
pub mod deputies;
pub mod projects;
pub mod refresh_tokens;
pub mod session_roster;
pub mod vote_candidates;
pub mod vote_participation;
pub mod votes;
