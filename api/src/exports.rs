//! Exports the offices use: a table as CSV (UTF-8 with a byte-order mark, so Excel opens Chinese
//! text correctly) or XLSX, on the same operations that answer JSON, chosen by `?format=csv|xlsx`
//! or by `Accept: text/csv` / the XLSX media type. Each operation builds its [`Table`] from the
//! answer it already gives, so an export says exactly what the API says. The writers are
//! `minsheng_web::exports`, which the office pages' download links use too.

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
    response::Response,
};
use minsheng_domain::error::ErrorCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};

pub use minsheng_web::exports::{CSV, Cell, Table, XLSX};

/// What an operation answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

/// `?format=` of an operation that exports.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (the default), `csv` (UTF-8 with a byte-order mark) or `xlsx`. `Accept: text/csv`
    /// or the XLSX media type chooses the same when this is absent.
    #[param(inline)]
    pub format: Option<Format>,
}

/// The format a request asks for (extractor).
pub struct Export(pub Format);

impl<S: Send + Sync> FromRequestParts<S> for Export {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let format = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == "format")
            .map(|(_, v)| v.into_owned());
        if let Some(f) = format {
            return match f.as_str() {
                "json" => Ok(Export(Format::Json)),
                "csv" => Ok(Export(Format::Csv)),
                "xlsx" => Ok(Export(Format::Xlsx)),
                other => Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidQuery,
                    format!("format in the query: json, csv or xlsx, not {other:?}"),
                )
                .with_field("format", "json, csv or xlsx")),
            };
        }
        let accept = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(Export(if accept.contains("text/csv") {
            Format::Csv
        } else if accept.contains(XLSX) {
            Format::Xlsx
        } else {
            Format::Json
        }))
    }
}

/// The table as a file download in `format` (CSV or XLSX).
pub fn file(t: Table, format: Format) -> ApiResult<Response> {
    use minsheng_web::exports::FileKind;
    let kind = match format {
        Format::Csv => FileKind::Csv,
        Format::Xlsx => FileKind::Xlsx,
        Format::Json => {
            return Err(
                minsheng_domain::Error::Internal("JSON is not a file export".into()).into(),
            );
        }
    };
    minsheng_web::exports::file(&t, kind).map_err(|e| minsheng_domain::Error::Internal(e).into())
}
