//! Tables the offices download: CSV (UTF-8 with a byte-order mark, so Excel opens Chinese text
//! correctly) and XLSX. Shared by the API's exports (`?format=csv|xlsx`) and the office pages'
//! download links.

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A spreadsheet file kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
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

/// A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return before one) gets a leading `'`, so a note typed as `=HYPERLINK(…)` is shown, not run
/// (OWASP's advice for CSV files). Numbers are written as numbers.
fn csv_cell(c: &Cell) -> String {
    let s = text(c);
    match c {
        Cell::Text(_) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        _ => s,
    }
}

fn csv_bytes(t: &Table) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let internal = |e: csv::Error| format!("writing CSV: {e}");
    w.write_record(&t.headers).map_err(internal)?;
    for row in &t.rows {
        w.write_record(row.iter().map(csv_cell)).map_err(internal)?;
    }
    w.into_inner().map_err(|e| format!("writing CSV: {e}"))
}

fn xlsx_bytes(t: &Table) -> Result<Vec<u8>, String> {
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
    run().map_err(|e| format!("writing XLSX: {e}"))
}

/// The table as a file download; an error only if the writer fails (in words, for the log).
pub fn file(t: &Table, kind: FileKind) -> Result<Response, String> {
    let (bytes, content_type, ext) = match kind {
        FileKind::Csv => (csv_bytes(t)?, CSV, "csv"),
        FileKind::Xlsx => (xlsx_bytes(t)?, XLSX, "xlsx"),
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}.{ext}\"", t.file)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// A session's roster with attendance (出席情况表), one row per deputy: code, name, delegation,
/// present. The API's roster export and the office page's download give this same table.
pub fn attendance(
    session_id: uuid::Uuid,
    roster: &[minsheng_domain::sessions::RosterEntry],
) -> Table {
    Table {
        sheet: "出席情况",
        file: format!("session-{session_id}-attendance"),
        headers: vec!["代表编号", "姓名", "代表团", "出席"],
        rows: roster
            .iter()
            .map(|e| {
                vec![
                    e.deputy.deputy_code.as_str().into(),
                    e.deputy.name.as_str().into(),
                    e.deputy.delegation.as_str().into(),
                    e.present.into(),
                ]
            })
            .collect(),
    }
}
