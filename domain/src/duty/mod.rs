//! Deputies' duty record and points (履职档案 / 积分管理; 代表法 第五十八条 asks congresses to record
//! and publish deputies' duties).
//!
//! - The **record** ([`record`]) is gathered from what Minsheng already holds — session attendance
//!   and leave, taking part in votes and rating rounds (participation only, never the ballot),
//!   inspections with a supervision group, suggestions led and co-signed, reception days at a
//!   liaison station — plus the activities the office records with evidence ([`office`]).
//! - **Points** follow the rules the office sets per activity kind and year ([`rules`]), kept as
//!   data and versioned; the latest version of the year applies to all of the year's lines.
//! - A deputy asks for a **correction** (错、重、漏) with a reason; the office accepts or refuses
//!   with a reason ([`corrections`]). Both are kept.
//! - **Quarterly snapshots** (季度亮分, [`snapshots`]): each deputy's total and lines frozen on a
//!   date, public once the office publishes them.

pub mod corrections;
pub mod office;
pub mod record;
pub mod rules;
pub mod snapshots;

use crate::error::{Error, ErrorCode, Result};

/// What a line of the record is. Each earns the points its rule gives, per occurrence (leave: per
/// half day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActivityKind {
    /// Present at a session (出席会议): checked in, or marked present by the office.
    SessionAttended,
    /// Leave from a session (请假), per half day.
    SessionLeave,
    /// Absent from a session without leave (缺席).
    SessionAbsent,
    /// Took part in a vote (参加票决).
    Vote,
    /// Took part in a rating round (参加满意度测评).
    Rating,
    /// An inspection with a supervision group (视察调研).
    Inspection,
    /// Led a suggestion (领衔建议).
    SuggestionLed,
    /// Co-signed a suggestion (附议建议).
    SuggestionCosigned,
    /// On duty on a liaison station's reception day (联络站接待).
    ReceptionDay,
    /// Training (履职学习培训), recorded by the office.
    Training,
    /// A 代表小组 activity, recorded by the office.
    GroupActivity,
    /// Reporting to voters (向选民述职), recorded by the office.
    VoterReport,
    /// Another duty, recorded by the office.
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 13] = [
        ActivityKind::SessionAttended,
        ActivityKind::SessionLeave,
        ActivityKind::SessionAbsent,
        ActivityKind::Vote,
        ActivityKind::Rating,
        ActivityKind::Inspection,
        ActivityKind::SuggestionLed,
        ActivityKind::SuggestionCosigned,
        ActivityKind::ReceptionDay,
        ActivityKind::Training,
        ActivityKind::GroupActivity,
        ActivityKind::VoterReport,
        ActivityKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::SessionAttended => "session_attended",
            ActivityKind::SessionLeave => "session_leave",
            ActivityKind::SessionAbsent => "session_absent",
            ActivityKind::Vote => "vote",
            ActivityKind::Rating => "rating",
            ActivityKind::Inspection => "inspection",
            ActivityKind::SuggestionLed => "suggestion_led",
            ActivityKind::SuggestionCosigned => "suggestion_cosigned",
            ActivityKind::ReceptionDay => "reception_day",
            ActivityKind::Training => "training",
            ActivityKind::GroupActivity => "group_activity",
            ActivityKind::VoterReport => "voter_report",
            ActivityKind::Other => "other",
        }
    }

    /// The kind a word names. Errors: `invalid_kind`, naming `field`.
    pub fn parse(field: &str, s: &str) -> Result<ActivityKind> {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::invalid_field(
                    ErrorCode::InvalidKind,
                    field,
                    format!("{s:?} is not an activity kind"),
                )
            })
    }

    /// Kinds the office records by hand (the others come from what Minsheng holds; a missed
    /// inspection or reception day is added by hand too).
    pub fn recorded_by_office(self) -> bool {
        matches!(
            self,
            ActivityKind::Inspection
                | ActivityKind::ReceptionDay
                | ActivityKind::Training
                | ActivityKind::GroupActivity
                | ActivityKind::VoterReport
                | ActivityKind::Other
        )
    }
}
