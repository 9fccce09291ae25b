//! A refusal or failure shown as a page: one sentence in the visitor's language, never a stack of
//! codes. Server faults are logged with their cause and shown as "nothing was changed".

use askama::Template;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use minsheng_domain::Error;

use crate::{
    render::{Chrome, html},
    session::Prefs,
};

#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: &'static str,
    pub prefs: Prefs,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    message: &'static str,
}

impl PageError {
    pub fn new(status: StatusCode, message: &'static str, prefs: Prefs) -> Self {
        Self {
            status,
            message,
            prefs,
        }
    }

    pub fn from_domain(e: Error, prefs: Prefs) -> Self {
        let t = prefs.lang.msg();
        let (status, code) = match &e {
            Error::NotFound { code, .. } => (StatusCode::NOT_FOUND, *code),
            Error::Forbidden { code, .. } => (StatusCode::FORBIDDEN, *code),
            Error::Unauthenticated { code, .. } => (StatusCode::UNAUTHORIZED, *code),
            Error::Conflict { code, .. } => (StatusCode::CONFLICT, *code),
            Error::Invalid { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            Error::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            Error::Db(_) | Error::Internal(_) => {
                tracing::error!(error = %e, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
            }
        };
        Self::new(status, t.for_code(code), prefs)
    }

    pub fn not_found(prefs: Prefs) -> Self {
        Self::new(StatusCode::NOT_FOUND, prefs.lang.msg().not_found, prefs)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            c: Chrome::public(self.prefs, "/"),
            message: self.message,
        };
        let mut resp = html(&page);
        *resp.status_mut() = self.status;
        resp
    }
}

/// Pages answer `Result<Response, PageError>`.
pub type PageResult = Result<Response, PageError>;
