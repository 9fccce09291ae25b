//! Exports the offices use: a table as CSV (UTF-8 with a byte-order mark, so Excel opens Chinese
//! text correctly) or XLSX, on the same operations that answer JSON, chosen by `?format=csv|xlsx`
//! or by `Accept: text/csv` / the XLSX media type. Each operation builds its [`Table`] from the
//! answer it already gives, so an export says exactly what the API says.

use axum::{
    extract::FromRequestParts,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use minsheng_domain::error::ErrorCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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

/// One cell.
pub enum Cell {
    Text(String),
    Int(i64),
    /// 是 or 否.
    Yes(bool),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<u32> for Cell {
    fn from(n: u32) -> Self {
        Cell::Int(n.into())
    }
}
impl From<i32> for Cell {
    fn from(n: i32) -> Self {
        Cell::Int(n.into())
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Yes(b)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A sheet: a title row, then rows.
pub struct Table {
    /// The worksheet's name (at most 31 characters).
    pub sheet: &'static str,
    /// The file name without extension, ASCII (`vote-<id>-results`).
    pub file: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Yes(b) => if *b { "是" } else { "否" }.to_owned(),
        Cell::Empty => String::new(),
    }
}

fn csv_bytes(t: &Table) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let internal = |e: csv::Error| -> ApiError {
        minsheng_domain::Error::Internal(format!("writing CSV: {e}")).into()
    };
    w.write_record(&t.headers).map_err(internal)?;
    for row in &t.rows {
        w.write_record(row.iter().map(text)).map_err(internal)?;
    }
    w.into_inner()
        .map_err(|e| minsheng_domain::Error::Internal(format!("writing CSV: {e}")).into())
}

fn xlsx_bytes(t: &Table) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
    let run = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(t.sheet)?;
        let bold = CellFormat::new().set_bold();
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    // Whole numbers up to 10^12 yuan are exact as spreadsheet numbers.
                    Cell::Int(n) => sheet.write_number(r, c, *n as f64)?,
                    Cell::Empty => sheet,
                    other => sheet.write_string(r, c, text(other))?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
        book.save_to_buffer()
    };
    run().map_err(|e| minsheng_domain::Error::Internal(format!("writing XLSX: {e}")).into())
}

/// The table as a file download in `format` (CSV or XLSX).
pub fn file(t: Table, format: Format) -> ApiResult<Response> {
    let (bytes, content_type, ext) = match format {
        Format::Csv => (csv_bytes(&t)?, CSV, "csv"),
        Format::Xlsx => (xlsx_bytes(&t)?, XLSX, "xlsx"),
        Format::Json => {
            return Err(
                minsheng_domain::Error::Internal("JSON is not a file export".into()).into(),
            );
        }
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}.{ext}\"", t.file)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
