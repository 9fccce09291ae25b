//! Follow-up (监督) of adopted projects: the frozen baseline, milestones and progress reported by the
//! responsible department, supervision groups with their inspections and problems, escalations, the
//! computed status colour, and the public timeline.

pub mod access;
pub mod announce;
pub mod board;
pub mod colour;
pub mod groups;
pub mod problems;
pub mod progress;
pub mod report;
pub mod standing;
pub mod view;
