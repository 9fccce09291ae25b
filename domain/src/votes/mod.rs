//! The vote (票决): rules of a valid ballot, the tally, and the service that runs a vote from draft
//! to publication.

pub mod commitments;
pub mod oversight;
pub mod rules;
pub mod scrutiny;
pub mod service;
pub mod tally;
