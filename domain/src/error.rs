//! Business outcomes as one error type. Each carries a stable machine-readable `code` that the API
//! passes through to clients unchanged; nothing here knows about HTTP.

use sea_orm::DbErr;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No credentials, or credentials that are not valid any more.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    /// The caller is known but may not do this.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    /// The request is well-formed but conflicts with the current state.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The request content breaks a rule.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        fields: Vec<FieldError>,
    },
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many attempts, retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Declares [`ErrorCode`]: the variants, their strings, `ALL`, `as_str` and `parse`.
macro_rules! error_codes {
    ($($variant:ident = $code:literal,)+) => {
        /// Every stable machine-readable `code` a problem document can carry, as one enum, so the
        /// compiler holds the list and the OpenAPI document publishes it (schema `ErrorCode`) for
        /// clients to switch on. The strings never change once shipped; a new outcome gets a new
        /// code. Codes from the HTTP layer (`invalid_body`, `method_not_allowed`, ...) are here too,
        /// as words only: this crate still knows nothing about HTTP.
        ///
        /// Rating rounds answer with the `vote_*` codes (`vote_not_open`, `vote_not_draft`,
        /// `vote_not_closed`) and `already_voted`, `results_not_published`: a rating round is a
        /// ballot box like a vote, and clients already switch on these codes for both.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)+
        }

        impl ErrorCode {
            /// Every code, in alphabetical order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as clients see it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// The code a string names, if it is one.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($code => Some(ErrorCode::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    AccountDisabled = "account_disabled",
    ActivityRequired = "activity_required",
    AlreadyExists = "already_exists",
    AlreadyVoted = "already_voted",
    Busy = "busy",
    CandidateInOtherVote = "candidate_in_other_vote",
    CannotDisableSelf = "cannot_disable_self",
    CorrectionNotPending = "correction_not_pending",
    CorrectionPending = "correction_pending",
    DepartmentNotAllowed = "department_not_allowed",
    DepartmentRequired = "department_required",
    DuplicateCandidate = "duplicate_candidate",
    DuplicateColumn = "duplicate_column",
    DuplicateDeputyCode = "duplicate_deputy_code",
    DuplicateMark = "duplicate_mark",
    EmptyCsv = "empty_csv",
    ExtensionUsed = "extension_used",
    FeedbackGiven = "feedback_given",
    FileTooLarge = "file_too_large",
    Forbidden = "forbidden",
    IncompleteBallot = "incomplete_ballot",
    InternalError = "internal_error",
    InvalidAmount = "invalid_amount",
    InvalidBody = "invalid_body",
    InvalidBudget = "invalid_budget",
    InvalidCount = "invalid_count",
    InvalidCredentials = "invalid_credentials",
    InvalidCsv = "invalid_csv",
    InvalidDate = "invalid_date",
    InvalidDeputyCode = "invalid_deputy_code",
    InvalidEncoding = "invalid_encoding",
    InvalidEventType = "invalid_event_type",
    InvalidKind = "invalid_kind",
    InvalidPathParameter = "invalid_path_parameter",
    InvalidPercent = "invalid_percent",
    InvalidPeriod = "invalid_period",
    InvalidPoints = "invalid_points",
    InvalidProjects = "invalid_projects",
    InvalidQuarter = "invalid_quarter",
    InvalidQuery = "invalid_query",
    InvalidRefreshToken = "invalid_refresh_token",
    InvalidSeats = "invalid_seats",
    InvalidSource = "invalid_source",
    InvalidStatusChange = "invalid_status_change",
    InvalidText = "invalid_text",
    InvalidThresholdBase = "invalid_threshold_base",
    InvalidToken = "invalid_token",
    InvalidUrl = "invalid_url",
    InvalidUsername = "invalid_username",
    InvalidYear = "invalid_year",
    MalformedJson = "malformed_json",
    MethodNotAllowed = "method_not_allowed",
    MissingColumn = "missing_column",
    MissingToken = "missing_token",
    NoRunoffNeeded = "no_runoff_needed",
    NotADepartmentAccount = "not_a_department_account",
    NotADeputy = "not_a_deputy",
    NotAnAdmin = "not_an_admin",
    NotCoUnit = "not_co_unit",
    NotEnoughCandidates = "not_enough_candidates",
    NotEntitled = "not_entitled",
    NotFinished = "not_finished",
    NotFound = "not_found",
    NotGroupMember = "not_group_member",
    NotLeadUnit = "not_lead_unit",
    NotOnRoster = "not_on_roster",
    NotPresent = "not_present",
    NotReady = "not_ready",
    NotResponsibleDepartment = "not_responsible_department",
    OpenProblems = "open_problems",
    OpinionNotOpen = "opinion_not_open",
    PasswordChangeRequired = "password_change_required",
    PasswordTooLong = "password_too_long",
    PasswordUnchanged = "password_unchanged",
    PayloadTooLarge = "payload_too_large",
    ProblemNotOpen = "problem_not_open",
    ProblemNotRectified = "problem_not_rectified",
    ProjectCompleted = "project_completed",
    ProjectFrozen = "project_frozen",
    ProjectInVote = "project_in_vote",
    ProjectNotAdopted = "project_not_adopted",
    ProjectNotEligible = "project_not_eligible",
    PromiseKept = "promise_kept",
    QuorumNotMet = "quorum_not_met",
    RefreshTokenReused = "refresh_token_reused",
    RequestNotPending = "request_not_pending",
    RequestPending = "request_pending",
    RequestTooLate = "request_too_late",
    ResultsNotPublished = "results_not_published",
    RosterLocked = "roster_locked",
    RunoffCandidatesFixed = "runoff_candidates_fixed",
    RunoffExists = "runoff_exists",
    SessionEnded = "session_ended",
    SessionRevoked = "session_revoked",
    SnapshotExists = "snapshot_exists",
    SubjectNotUnsatisfied = "subject_not_unsatisfied",
    SuggestionNotAnswered = "suggestion_not_answered",
    SuggestionNotAssigned = "suggestion_not_assigned",
    SuggestionNotAwaitingAnswer = "suggestion_not_awaiting_answer",
    SuggestionNotCosigning = "suggestion_not_cosigning",
    SuggestionNotSubmitted = "suggestion_not_submitted",
    SuggestionNotWithdrawable = "suggestion_not_withdrawable",
    TooManyAttempts = "too_many_attempts",
    TooManyFiles = "too_many_files",
    TooManyMarks = "too_many_marks",
    TooManyRows = "too_many_rows",
    UnknownCandidate = "unknown_candidate",
    UnknownColumn = "unknown_column",
    UnknownDeputy = "unknown_deputy",
    UnknownLine = "unknown_line",
    UnknownProject = "unknown_project",
    UnknownPromise = "unknown_promise",
    UnknownReceptionDay = "unknown_reception_day",
    UnknownStation = "unknown_station",
    UnknownSubject = "unknown_subject",
    UnreadableBody = "unreadable_body",
    UnreadableFile = "unreadable_file",
    UnsupportedFileType = "unsupported_file_type",
    UnsupportedMediaType = "unsupported_media_type",
    UseDeputiesEndpoint = "use_deputies_endpoint",
    UsernameTaken = "username_taken",
    VoteNotClosed = "vote_not_closed",
    VoteNotDraft = "vote_not_draft",
    VoteNotOpen = "vote_not_open",
    WeakPassword = "weak_password",
    WebhookDisabled = "webhook_disabled",
    WrongBallotForm = "wrong_ballot_form",
    WrongPassword = "wrong_password",
}

/// What a constructor of [`Error`] accepts as its code: an [`ErrorCode`], or, for code written
/// before the enum, a string, which the API checks against [`ErrorCode::ALL`] and a test holds to
/// the list.
pub trait IntoCode {
    fn into_code(self) -> &'static str;
}

impl IntoCode for ErrorCode {
    fn into_code(self) -> &'static str {
        self.as_str()
    }
}

impl IntoCode for &'static str {
    fn into_code(self) -> &'static str {
        self
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn unauthenticated(code: impl IntoCode, message: impl Into<String>) -> Self {
        Self::Unauthenticated {
            code: code.into_code(),
            message: message.into(),
        }
    }
    pub fn forbidden(code: impl IntoCode, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code: code.into_code(),
            message: message.into(),
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::NotFound {
            code: ErrorCode::NotFound.as_str(),
            message: format!("{what} not found"),
        }
    }
    pub fn conflict(code: impl IntoCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code: code.into_code(),
            message: message.into(),
        }
    }
    pub fn invalid(code: impl IntoCode, message: impl Into<String>) -> Self {
        Self::Invalid {
            code: code.into_code(),
            message: message.into(),
            fields: Vec::new(),
        }
    }
    /// A validation failure on one named field.
    pub fn invalid_field(code: impl IntoCode, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Invalid {
            code: code.into_code(),
            fields: vec![FieldError {
                field: field.to_owned(),
                message: message.clone(),
            }],
            message,
        }
    }

    /// True for a failure that a fresh attempt of the same transaction may not hit: a serialization
    /// failure or deadlock on PostgreSQL, a busy database on SQLite.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Db(e) => crate::db::is_retryable(e),
            _ => false,
        }
    }
}
