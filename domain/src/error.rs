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

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unauthenticated {
            code,
            message: message.into(),
        }
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::NotFound {
            code: "not_found",
            message: format!("{what} not found"),
        }
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }
    /// A validation failure on one named field.
    pub fn invalid_field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Invalid {
            code,
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
