//! Every error leaves the service as RFC 9457 `application/problem+json` with a stable `code`.
//! Domain errors, extractor rejections, unknown paths and methods all come through here. A 5xx logs
//! its cause and tells the client only that something went wrong inside.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use minsheng_domain::Error;
use minsheng_domain::error::{ErrorCode, IntoCode};
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
    /// Stable machine-readable code, e.g. `already_voted`, `quorum_not_met`, `invalid_body`: one
    /// of the `ErrorCode` schema's values, for clients to switch on.
    #[schema(value_type = ErrorCodeSchema)]
    pub code: String,
    /// Per-field messages for validation errors; empty otherwise.
    pub errors: Vec<ProblemField>,
}

/// The `ErrorCode` schema: every code a problem document can carry, built from
/// [`ErrorCode::ALL`] so the published list is the compiled one.
pub struct ErrorCodeSchema;

impl utoipa::PartialSchema for ErrorCodeSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A problem's stable machine-readable code. New codes may be added; a shipped code \
                 never changes meaning. Rating rounds answer with the vote_* codes (vote_not_open, \
                 vote_not_draft, vote_not_closed), already_voted and results_not_published, as \
                 votes do.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl ToSchema for ErrorCodeSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ErrorCode")
    }
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
    /// A problem with one of the published codes. A string code must be one of [`ErrorCode::ALL`]
    /// (checked in debug builds, so every test run holds the code to the published list).
    pub fn new(status: StatusCode, code: impl IntoCode, detail: impl Into<String>) -> Self {
        let code = code.into_code();
        debug_assert!(
            ErrorCode::parse(code).is_some(),
            "error code {code} is not listed in ErrorCode"
        );
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
            ErrorCode::InternalError,
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
                    ErrorCode::TooManyAttempts,
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
                    ErrorCode::Busy,
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
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such resource",
    )
}

/// Known path, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this method is not allowed on this path",
    )
}

#[cfg(test)]
mod tests {
    use axum::{body::to_bytes, response::IntoResponse};

    use super::*;

    /// String literals given as codes to the domain's error constructors, in every crate that
    /// builds them (the constructors still take a string for code written before `ErrorCode`).
    fn literal_codes(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                literal_codes(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for ctor in [
                "Error::unauthenticated(",
                "Error::forbidden(",
                "Error::conflict(",
                "Error::invalid(",
                "Error::invalid_field(",
            ] {
                for (i, _) in text.match_indices(ctor) {
                    let rest = text[i + ctor.len()..].trim_start();
                    if let Some(lit) = rest.strip_prefix('"') {
                        let code: String = lit.chars().take_while(|&c| c != '"').collect();
                        if !code.is_empty()
                            && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        {
                            out.push((path.display().to_string(), code));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_code_is_listed_once_and_published() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{} listed twice", c.as_str());
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        for krate in ["domain/src", "api/src", "web/src"] {
            literal_codes(&root.join(krate), &mut found);
        }
        let unknown: Vec<String> = found
            .into_iter()
            .filter(|(_, code)| ErrorCode::parse(code).is_none())
            .map(|(file, code)| format!("{code} in {file}"))
            .collect();
        assert!(
            unknown.is_empty(),
            "codes not in ErrorCode (add them to domain/src/error.rs): {unknown:?}"
        );
        let schema =
            serde_json::to_value(<ErrorCodeSchema as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(
            schema["enum"].as_array().map(Vec::len),
            Some(ErrorCode::ALL.len())
        );
    }

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
