//! sea-orm entities: the shape of each table, with no behaviour.

pub mod accounts;
pub mod ballots;
pub mod congress_sessions;
pub mod deputies;
pub mod display_links;
pub mod escalations;
pub mod evaluation_ballots;
pub mod evaluation_participation;
pub mod evaluation_projects;
pub mod evaluations;
pub mod inspections;
pub mod login_throttle;
pub mod milestones;
pub mod problem_events;
pub mod problems;
pub mod progress_reports;
pub mod project_baselines;
pub mod projects;
pub mod refresh_tokens;
pub mod session_roster;
pub mod supervision_group_members;
pub mod supervision_group_projects;
pub mod supervision_groups;
pub mod vote_candidates;
pub mod vote_participation;
pub mod votes;
