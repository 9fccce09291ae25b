//! Reading a `multipart/form-data` body that carries files: the pages' forms with photos and the
//! API's upload. The body is read part by part and refused as soon as a file passes the size the
//! office set, so an oversized upload is never held whole in memory; text fields are short.
//! (These routes lift the service's general body limit: this reader is their limit.)

use axum::extract::{Multipart, multipart::Field};
use minsheng_domain::{
    Error,
    attachments::{MAX_PER_RECORD, Upload},
    error::ErrorCode,
};

/// The most bytes one text field of a form may carry.
const MAX_FIELD_BYTES: usize = 64 * 1024;
/// The most parts a form may carry besides its files.
const MAX_FIELDS: usize = 64;

/// A form's text fields (in order) and its files.
#[derive(Default)]
pub struct FilledForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl FilledForm {
    /// The last value of a text field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The text fields as a JSON object of strings, for deserialising into a form struct.
    pub fn as_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (k, v) in &self.fields {
            map.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
        serde_json::Value::Object(map)
    }
}

fn malformed(e: impl std::fmt::Display) -> Error {
    Error::invalid(
        ErrorCode::InvalidBody,
        format!("the form could not be read as multipart/form-data: {e}"),
    )
}

/// Reads the whole form. A part with a file name is a file; `max_file_bytes` bounds each file.
/// Errors (all `Error::Invalid`): `invalid_body` for a broken body or an over-long text field;
/// `file_too_large`; `too_many_files` past [`MAX_PER_RECORD`] (an empty file field, as a browser
/// sends when nothing was chosen, does not count).
pub async fn read_form(form: Multipart, max_file_bytes: usize) -> Result<FilledForm, Error> {
    match read_form_keeping(form, max_file_bytes).await {
        (filled, None) => Ok(filled),
        (_, Some(e)) => Err(e),
    }
}

/// As [`read_form`], but a refusal comes with every field read before it, so a page can show the
/// form again with what was typed.
pub async fn read_form_keeping(
    form: Multipart,
    max_file_bytes: usize,
) -> (FilledForm, Option<Error>) {
    let mut out = FilledForm::default();
    let fault = read_into(form, max_file_bytes, &mut out).await.err();
    (out, fault)
}

async fn read_into(
    mut form: Multipart,
    max_file_bytes: usize,
    out: &mut FilledForm,
) -> Result<(), Error> {
    while let Some(part) = form.next_field().await.map_err(malformed)? {
        let name = part.name().unwrap_or("").to_owned();
        match part.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = read_limited(part, max_file_bytes, true).await?;
                if bytes.is_empty() && file_name.is_empty() {
                    continue;
                }
                if out.files.len() == MAX_PER_RECORD {
                    return Err(Error::invalid_field(
                        ErrorCode::TooManyFiles,
                        "file",
                        format!("a record carries at most {MAX_PER_RECORD} files"),
                    ));
                }
                out.files.push(Upload { file_name, bytes });
            }
            None => {
                if out.fields.len() == MAX_FIELDS {
                    return Err(malformed("too many fields"));
                }
                let bytes = read_limited(part, MAX_FIELD_BYTES, false).await?;
                let text = String::from_utf8(bytes).map_err(malformed)?;
                out.fields.push((name, text));
            }
        }
    }
    Ok(())
}

async fn read_limited(mut part: Field<'_>, max: usize, file: bool) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > max {
            return Err(if file {
                Error::invalid_field(
                    ErrorCode::FileTooLarge,
                    "file",
                    format!(
                        "a file may have at most {max} bytes ({} MB)",
                        max / (1024 * 1024)
                    ),
                )
            } else {
                malformed("a text field is too long")
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
