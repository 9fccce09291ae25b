//! Every error leaves the service as RFC 9457 `application/problem+json` with a stable `code`.
//! Domain errors, extractor rejections, unknown paths and methods all come through here. A 5xx logs
//! its cause and tells the client only that something went wrong inside.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use minsheng_domain::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// A field that failed validation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:minsheng:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `already_voted`, `quorum_not_met`, `invalid_body`.
    pub code: String,
    /// Per-field messages for validation errors; empty otherwise.
    pub errors: Vec<ProblemField>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub detail: String,
    pub errors: Vec<ProblemField>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_field(mut self, field: &str, message: impl Into<String>) -> Self {
        self.errors.push(ProblemField {
            field: field.to_owned(),
            message: message.into(),
        });
        self
    }

    fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Unauthenticated { code, message } => {
                Self::new(StatusCode::UNAUTHORIZED, code, message)
            }
            Error::Forbidden { code, message } => Self::new(StatusCode::FORBIDDEN, code, message),
            Error::NotFound { code, message } => Self::new(StatusCode::NOT_FOUND, code, message),
            Error::Conflict { code, message } => Self::new(StatusCode::CONFLICT, code, message),
            Error::Invalid {
                code,
                message,
                fields,
            } => {
                let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
                err.errors = fields
                    .into_iter()
                    .map(|f| ProblemField {
                        field: f.field,
                        message: f.message,
                    })
                    .collect();
                err
            }
            Error::TooManyAttempts { retry_after_secs } => {
                let mut err = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    format!(
                        "too many failed logins for this account; retry after {retry_after_secs} s"
                    ),
                );
                err.retry_after = Some(retry_after_secs);
                err
            }
            Error::Db(db) if minsheng_domain::db::is_retryable(&db) => {
                tracing::warn!(error = %db, "database busy after retries");
                let mut err = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the service is busy; try again",
                );
                err.retry_after = Some(1);
                err
            }
            Error::Db(db) => Self::internal(&db),
            Error::Internal(msg) => Self::internal(&msg),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error").to_owned();
        let body = Problem {
            type_: format!("urn:minsheng:problem:{}", self.code),
            title,
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code,
            errors: self.errors,
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Unknown path.
pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
}

/// Known path, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this method is not allowed on this path",
    )
}

#[cfg(test)]
mod tests {
    use axum::{body::to_bytes, response::IntoResponse};

    use super::*;

    #[tokio::test]
    async fn a_5xx_tells_the_client_nothing_internal() {
        let err: ApiError =
            Error::Internal("connection string postgres://user:secret@db".into()).into();
        let resp = err.into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            resp.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body =
            String::from_utf8(to_bytes(resp.into_body(), 4096).await.unwrap().to_vec()).unwrap();
        assert!(
            !body.contains("secret") && !body.contains("postgres"),
            "{body}"
        );
        assert!(body.contains("\"code\":\"internal_error\""), "{body}");
    }

    #[tokio::test]
    async fn too_many_attempts_says_when_to_retry() {
        let resp = ApiError::from(Error::TooManyAttempts {
            retry_after_secs: 42,
        })
        .into_response();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "42");
    }
}
