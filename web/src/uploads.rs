//! Reading a `multipart/form-data` body that carries files: the pages' forms with photos and the
//! API's upload. The body is read part by part and refused as soon as a file passes the size the
//! office set, so an oversized upload is never held whole in memory; text fields are short.
//! (These routes lift the service's general body limit: this reader is their limit.)

use std::{future::Future, sync::LazyLock};

use axum::extract::{Multipart, multipart::Field};
use minsheng_domain::{
    Error,
    attachments::{MAX_PER_RECORD, Upload},
    error::ErrorCode,
};
use tokio::sync::Semaphore;

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
///
/// `may_send_files` runs once, at the first file, with the fields read so far: it says whether
/// the sender may add files at all, so a refused upload is turned away before any of its bytes are
/// read (forms put their text fields first).
pub async fn read_form<G, Fut>(
    form: Multipart,
    max_file_bytes: usize,
    may_send_files: G,
) -> Result<FilledForm, Error>
where
    G: FnOnce(&FilledForm) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    match read_form_keeping(form, max_file_bytes, may_send_files).await {
        (filled, None) => Ok(filled),
        (_, Some(e)) => Err(e),
    }
}

/// As [`read_form`], but a refusal comes with every field read before it, so a page can show the
/// form again with what was typed.
pub async fn read_form_keeping<G, Fut>(
    form: Multipart,
    max_file_bytes: usize,
    may_send_files: G,
) -> (FilledForm, Option<Error>)
where
    G: FnOnce(&FilledForm) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let mut out = FilledForm::default();
    let fault = read_into(form, max_file_bytes, may_send_files, &mut out)
        .await
        .err();
    (out, fault)
}

/// Uploads whose files are being received at once, in the whole process: with at most 9 files of
/// the configured size each, this bounds the memory uploads can hold.
static RECEIVING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(4));

async fn read_into<G, Fut>(
    mut form: Multipart,
    max_file_bytes: usize,
    may_send_files: G,
    out: &mut FilledForm,
) -> Result<(), Error>
where
    G: FnOnce(&FilledForm) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let mut gate = Some(may_send_files);
    let mut permit = None;
    while let Some(part) = form.next_field().await.map_err(malformed)? {
        let name = part.name().unwrap_or("").to_owned();
        match part.file_name().map(str::to_owned) {
            // Files come in parts named `file`; any other part with a file name is not read.
            Some(_) if name != "file" => continue,
            Some(file_name) => {
                if let Some(gate) = gate.take() {
                    gate(out).await?;
                }
                if permit.is_none() {
                    permit = Some(
                        RECEIVING
                            .acquire()
                            .await
                            .map_err(|e| Error::Internal(e.to_string()))?,
                    );
                }
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
