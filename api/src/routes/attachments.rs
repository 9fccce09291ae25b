//! Attachments (附件): photos and PDFs on progress reports, inspections and problem steps. Uploaded
//! as `multipart/form-data`; served with their type, `Content-Disposition`, `nosniff` and a CSP
//! that lets nothing in them run. The rules (who, how big, what is kept of a photo) are
//! `minsheng_domain::attachments`.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use minsheng_domain::{
    Error,
    attachments::{self, AttachmentMeta, Target},
    error::ErrorCode,
    vocabulary::AttachmentRecord,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{Auth, MaybeAuth},
    error::{ApiError, ApiResult},
    extract::ApiPath,
    routes::Page,
    state::AppState,
};

/// A file on a record, without its bytes.
#[derive(Serialize, ToSchema, Clone)]
pub struct AttachmentDto {
    pub id: Uuid,
    /// `progress_report`, `inspection` or `problem_step`.
    pub record_type: String,
    pub record_id: Uuid,
    /// The name it was uploaded with (no folder), ending in its type's extension.
    pub file_name: String,
    /// `image/jpeg`, `image/png` or `application/pdf`: from the file's bytes, not its name.
    pub content_type: String,
    /// Bytes of the stored file (a photo as re-encoded without metadata).
    pub size_bytes: i64,
    /// SHA-256 of the stored file, lowercase hex.
    pub sha256: String,
    /// Where to read the file (`GET`, public once the record is).
    pub url: String,
    /// A JPEG thumbnail, 320 pixels on the long side; `null` for a PDF.
    pub thumbnail_url: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<AttachmentMeta> for AttachmentDto {
    fn from(a: AttachmentMeta) -> Self {
        Self {
            id: a.id,
            record_type: a.record_kind.as_str().to_owned(),
            record_id: a.record_id,
            content_type: a.file_kind.content_type().to_owned(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
            url: format!("/api/v1/attachments/{}", a.id),
            thumbnail_url: a
                .has_thumbnail()
                .then(|| format!("/api/v1/attachments/{}/thumbnail", a.id)),
            created_at: a.created_at,
            file_name: a.file_name,
        }
    }
}

/// Takes a record's attachments out of a project's map, as DTOs.
pub fn take(map: &mut HashMap<Uuid, Vec<AttachmentMeta>>, record_id: Uuid) -> Vec<AttachmentDto> {
    map.remove(&record_id)
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// A file's bytes, for the OpenAPI document.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// The multipart body of an upload, for the OpenAPI document.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// `progress_report`, `inspection` or `problem_step` (a problem's step: its rectification,
    /// verification or sending back; the step's `id` is in the problem's `events`).
    record_type: String,
    record_id: Uuid,
    /// One or more files (repeat the part), at most 9 per record, each within
    /// `MINSHENG_ATTACHMENT_MAX_BYTES` (10 MB by default): JPEG, PNG or PDF, told by the bytes.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// Add photos (JPEG, PNG) or PDFs to a progress report, an inspection or a problem step. Photos
/// are decoded and stored re-encoded: upright, without EXIF (no location), at most 4096 pixels on
/// the long side. Roles: whoever may write the record — the responsible department (its progress
/// reports and rectifications), a member of a group following the project (inspections and the
/// group's problem steps).
#[utoipa::path(post, path = "/api/v1/attachments", tag = "follow-up", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Page<AttachmentDto>),
        (status = 409, description = "`project_completed`: a completed project's follow-up is closed", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file_too_large`, `unsupported_file_type` (the bytes are not JPEG, PNG or PDF), `unreadable_file`, `too_many_files`, `invalid_kind` (record_type), `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn upload(
    State(state): State<AppState>,
    Auth(actor): Auth,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Page<AttachmentDto>>)> {
    let form = form.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the files as multipart/form-data: record_type, record_id, then the file parts",
        )
    })?;
    let mut target = None;
    let form = minsheng_web::uploads::read_form(form, state.attachment_max_bytes, |fields| {
        let parsed = record_of(fields);
        if let Ok(t) = &parsed {
            target = Some(*t);
        }
        let (db, actor) = (state.db.clone(), actor.clone());
        async move {
            let (kind, id) = parsed?;
            attachments::check_writer(&db, &actor, Target::Record(kind, id)).await?;
            Ok(())
        }
    })
    .await?;
    if form.files.is_empty() {
        return Err(Error::invalid_field(
            ErrorCode::UnreadableFile,
            "file",
            "send at least one file in a part named `file`",
        )
        .into());
    }
    let (record_kind, record_id) = match target {
        Some(t) => t,
        None => record_of(&form)?,
    };
    let files = attachments::prepare_all(form.files, state.attachment_max_bytes).await?;
    let stored = attachments::attach(&state.db, &actor, record_kind, record_id, files).await?;
    Ok((
        StatusCode::CREATED,
        Json(Page::all(stored.into_iter().map(Into::into).collect())),
    ))
}

/// The record the upload names, from the fields sent before the files.
fn record_of(form: &minsheng_web::uploads::FilledForm) -> Result<(AttachmentRecord, Uuid), Error> {
    let kind = AttachmentRecord::parse(form.get("record_type")).ok_or_else(|| {
        Error::invalid_field(
            ErrorCode::InvalidKind,
            "record_type",
            "record_type is progress_report, inspection or problem_step, sent before the files",
        )
    })?;
    let id = form.get("record_id").trim().parse().map_err(|_| {
        Error::invalid_field(
            ErrorCode::InvalidBody,
            "record_id",
            "record_id is the record's UUID, sent before the files",
        )
    })?;
    Ok((kind, id))
}

/// The file itself. Photos are shown inline, PDFs downloaded; nothing in a file can run (`nosniff`,
/// a sandboxing CSP). Roles: any; Public once the record it belongs to is (its project adopted).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, description = "The file's bytes", content(
        (FileBytes = "image/jpeg"), (FileBytes = "image/png"), (FileBytes = "application/pdf")
    )),
))]
pub async fn download(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let served = attachments::read(&state.db, actor.as_ref(), id, false).await?;
    Ok(serve(served, false))
}

/// A photo's thumbnail (JPEG, 320 pixels on the long side). Roles: any; Public as the file is.
#[utoipa::path(get, path = "/api/v1/attachments/{id}/thumbnail", tag = "follow-up", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, description = "A JPEG", content_type = "image/jpeg", body = FileBytes),
    (status = 404, description = "`not_found`: no such attachment, or a PDF (no thumbnail)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn thumbnail(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let served = attachments::read(&state.db, actor.as_ref(), id, true).await?;
    Ok(serve(served, true))
}

fn serve(served: attachments::Served, thumbnail: bool) -> Response {
    let inline = thumbnail || served.meta.file_kind.is_photo();
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_fallback(&served.meta.file_name),
        percent_encode(&served.meta.file_name),
    );
    let mut resp = served.bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(served.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    // A stored file never changes (a new upload is a new id), and it is public once readable at
    // all; a private cache only, since who may read follows the project.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400, immutable"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", served.meta.sha256)) {
        h.insert(header::ETAG, v);
    }
    resp
}

/// The name with anything outside printable ASCII (and quotes, backslashes) as `_`, for clients
/// that do not read `filename*`.
fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 `value-chars`: unreserved characters as they are, every other byte as `%XX`.
fn percent_encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_in_the_header() {
        assert_eq!(ascii_fallback("整改照片 1.jpg"), "____ 1.jpg");
        assert_eq!(percent_encode("整改 1.jpg"), "%E6%95%B4%E6%94%B9%201.jpg");
        assert_eq!(ascii_fallback("a\"b\\c.pdf"), "a_b_c.pdf");
    }
}
