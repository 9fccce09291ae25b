//! The words the schema stores: statuses, methods, threshold bases, kinds, roles, sources. Each is
//! an enum that the entities use as their column type (sea-orm `DeriveActiveEnum`, so the stored
//! strings are the ones the API has always shown), and migration `m0005_vocabulary` holds the same
//! lists as CHECK constraints. Reading a value outside the list is an error, never a default: a
//! stored word the code does not know means the database and the code disagree.
//!
//! The rules about these words (which status may follow which, what a threshold base counts) live
//! with their areas, e.g. [`crate::projects::status`]; this module only names them.

use sea_orm::entity::prelude::*;

use crate::error::{Error, Result};

/// Declares a stored vocabulary: the enum, its stored strings, `as_str`, `parse` (taking anything
/// string-like, so `Role::parse(&row.role)` reads the same whether the column is typed or text),
/// `ALL`, and `AsRef<str>`.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $( $(#[$vmeta])* #[sea_orm(string_value = $value)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and published) string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $value, )+
                }
            }

            /// The value a stored or sent string names, if any.
            pub fn parse_str(s: &str) -> Option<Self> {
                match s {
                    $( $value => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// The stored strings, for messages and CHECK constraints.
            pub fn words() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The project lifecycle (see [`crate::projects::status`] for its moves).
    pub enum ProjectStatus {
        /// 征集 / 筛选: proposed, not yet on a ballot.
        Proposed = "proposed",
        /// 候选项目: on the candidate list of an undecided vote.
        Candidate = "candidate",
        /// 正式项目: adopted by a published vote.
        Adopted = "adopted",
        /// 储备库: stood in a vote and was not adopted.
        Reserve = "reserve",
        /// 实施: the department is delivering it.
        InProgress = "in_progress",
        /// Delivered, with no problem left open.
        Completed = "completed",
    }
}

vocabulary! {
    /// Where a proposal came from (征集).
    pub enum Source {
        Deputy = "deputy",
        Public = "public",
        Department = "department",
    }
}

vocabulary! {
    /// The round lifecycle a vote and a rating round share: draft → open → closed → published.
    pub enum VoteStatus {
        Draft = "draft",
        Open = "open",
        Closed = "closed",
        Published = "published",
    }
}

vocabulary! {
    /// How deputies mark a ballot (a per-vote setting).
    pub enum Method {
        /// 代表勾选: mark at most `seats` candidates; a mark is a yes.
        ChooseUpToN = "choose_up_to_n",
        /// 赞成/反对/弃权 per candidate, with at most `seats` yes marks.
        YesNoAbstain = "yes_no_abstain",
    }
}

vocabulary! {
    /// What the pass threshold is a majority of (a per-vote setting, fixed when the vote opens).
    pub enum ThresholdBase {
        /// 全体代表的过半数: more than half of the deputies in office (the law's default).
        AllDeputies = "all_deputies",
        /// More than half of the deputies present.
        Present = "present",
        /// More than half of the ballots cast.
        BallotsCast = "ballots_cast",
        /// No threshold: plain ranking; a candidate needs at least one yes.
        None = "none",
    }
}

vocabulary! {
    /// Where a problem (问题) stands in the three lists 问题 → 责任 → 整改.
    pub enum ProblemStatus {
        /// Raised, or sent back after a rectification: waiting for the department.
        Open = "open",
        /// The department answered; waiting for the group to verify.
        Rectified = "rectified",
        /// Verified by the group.
        Closed = "closed",
    }
}

vocabulary! {
    /// How serious a problem is.
    pub enum Severity {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

vocabulary! {
    /// What happened to a problem, one row per step.
    pub enum ProblemEventKind {
        /// An inspection raised it.
        Raised = "raised",
        /// The department reported its rectification (整改).
        Rectified = "rectified",
        /// The group verified the rectification and closed the problem.
        Verified = "verified",
        /// The group found the rectification insufficient; the problem is open again.
        SentBack = "sent_back",
    }
}

vocabulary! {
    /// 视察 / 调研 / 听取汇报 / 专题询问.
    pub enum InspectionKind {
        Inspection = "inspection",
        Research = "research",
        Briefing = "briefing",
        SpecialInquiry = "special_inquiry",
    }
}

vocabulary! {
    /// 询问 / 约见 / 质询 / 特定问题调查, when a project stalls.
    pub enum EscalationKind {
        Inquiry = "inquiry",
        Appointment = "appointment",
        Interpellation = "interpellation",
        SpecialInvestigation = "special_investigation",
    }
}

vocabulary! {
    /// What the office did to a deputy's account while a vote was open (recorded per vote, shown
    /// with its results): the moves that would let someone else cast the deputy's ballot.
    pub enum OversightKind {
        /// An admin reset the password (the office then knows a password that works).
        PasswordReset = "password_reset",
        /// An admin disabled the account.
        Disabled = "disabled",
        /// The office marked the deputy present (报到 on their behalf).
        MarkedPresent = "marked_present",
        /// The office marked the deputy absent.
        MarkedAbsent = "marked_absent",
    }
}

vocabulary! {
    /// The kind of record an attachment (附件) belongs to.
    pub enum AttachmentRecord {
        /// A department's progress report.
        ProgressReport = "progress_report",
        /// A supervision group's inspection.
        Inspection = "inspection",
        /// A step on a problem: its rectification (整改), verification or sending back.
        ProblemStep = "problem_step",
    }
}

vocabulary! {
    /// What an attachment is, as its bytes say (never its name).
    pub enum FileKind {
        Jpeg = "jpeg",
        Png = "png",
        Pdf = "pdf",
    }
}

vocabulary! {
    /// What an account may do.
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        /// The congress office (人大常委会办公室 / 大会秘书处).
        Admin = "admin",
        /// 人大代表.
        Deputy = "deputy",
        /// 责任单位 staff.
        Department = "department",
    }
}

/// `parse` for the words read from requests and forms: `None` when the word is unknown.
macro_rules! option_parse {
    ($($name:ident),+) => {
        $(
            impl $name {
                /// The value a string names, if any.
                pub fn parse<S: AsRef<str> + ?Sized>(s: &S) -> Option<Self> {
                    Self::parse_str(s.as_ref())
                }
            }
        )+
    };
}

option_parse!(
    ProjectStatus,
    Source,
    Method,
    ThresholdBase,
    ProblemStatus,
    Severity,
    ProblemEventKind,
    InspectionKind,
    EscalationKind,
    AttachmentRecord,
    Role
);

impl VoteStatus {
    /// The status a stored string names; an unknown one is an internal error (the database and
    /// the code disagree), never a default.
    pub fn parse<S: AsRef<str> + ?Sized>(s: &S) -> Result<Self> {
        let s = s.as_ref();
        Self::parse_str(s).ok_or_else(|| Error::Internal(format!("unknown vote status {s}")))
    }
}

vocabulary! {
    /// What happened, as `object.past_tense`: the change feed's event types ([`crate::feed`]).
    pub enum EventType {
        VoteDrafted = "vote.drafted",
        VoteOpened = "vote.opened",
        VoteClosed = "vote.closed",
        VotePublished = "vote.published",
        EvaluationDrafted = "evaluation.drafted",
        EvaluationOpened = "evaluation.opened",
        EvaluationClosed = "evaluation.closed",
        EvaluationPublished = "evaluation.published",
        ProjectProposed = "project.proposed",
        ProjectAdopted = "project.adopted",
        ProjectCompleted = "project.completed",
        ProjectColourChanged = "project.colour_changed",
        ProgressReported = "progress.reported",
        MilestoneReached = "milestone.reached",
        InspectionRecorded = "inspection.recorded",
        ProblemRaised = "problem.raised",
        ProblemRectified = "problem.rectified",
        ProblemReopened = "problem.reopened",
        ProblemClosed = "problem.closed",
        EscalationRecorded = "escalation.recorded",
        SuggestionReceived = "suggestion.received",
        SuggestionAssigned = "suggestion.assigned",
        SuggestionAnswered = "suggestion.answered",
        SuggestionPublished = "suggestion.published",
        SuggestionUnpublished = "suggestion.unpublished",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_strings_round_trip() {
        for s in ProjectStatus::ALL {
            assert_eq!(ProjectStatus::parse_str(s.as_str()), Some(*s));
            assert_eq!(s.to_value(), s.as_str());
            assert_eq!(
                ProjectStatus::try_from_value(&s.as_str().to_owned()).ok(),
                Some(*s)
            );
        }
        assert_eq!(Role::words(), ["admin", "deputy", "department"]);
        assert!(VoteStatus::try_from_value(&"opened".to_owned()).is_err());
        assert_eq!(
            ThresholdBase::parse_str("present"),
            Some(ThresholdBase::Present)
        );
    }
}
