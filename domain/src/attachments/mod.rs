//! Attachments (附件): photos (JPEG, PNG) and PDFs on progress reports, inspections and problem
//! steps (a rectification's 整改 photos above all).
//!
//! - **Who may attach**: whoever may write the record — the responsible department on its progress
//!   reports and rectifications; a member of a supervision group following the project on its
//!   inspections and on the group's steps (raising, verifying, sending back). Never on a completed
//!   project ([`crate::followup::access::writable_project`]).
//! - **Who may read**: whoever may read the project's follow-up — the public once the project is
//!   adopted ([`crate::followup::access::readable_project`]). An attachment is public exactly when
//!   the record it belongs to is.
//! - **What is stored**: what [`file::prepare`] keeps — the type from the bytes, photos re-encoded
//!   without their EXIF, a thumbnail; at most [`MAX_PER_RECORD`] files per record, each within the
//!   size the office sets (`MINSHENG_ATTACHMENT_MAX_BYTES`). In the database, so every node serves
//!   the same files.

pub mod file;

use std::{collections::HashMap, sync::LazyLock};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DerivePartialModel, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::Semaphore;
use uuid::Uuid;

pub use self::file::{PreparedFile, Upload, prepare};
use crate::{
    Actor, db,
    entities::{attachments, inspections, problem_events, problems, progress_reports},
    error::{Error, ErrorCode, Result},
    followup::access::{
        followed_project, is_department, readable_project, require_department,
        require_group_member, writable_project,
    },
    vocabulary::{AttachmentRecord, FileKind, ProblemEventKind},
};

/// The most files one record carries (nine photos: what a phone's picker and WeChat allow).
pub const MAX_PER_RECORD: usize = 9;

/// An attachment without its bytes: what lists show.
#[derive(Debug, Clone, PartialEq, Eq, DerivePartialModel)]
#[sea_orm(entity = "attachments::Entity")]
pub struct AttachmentMeta {
    pub id: Uuid,
    pub project_id: Uuid,
    pub record_kind: AttachmentRecord,
    pub record_id: Uuid,
    pub file_name: String,
    pub file_kind: FileKind,
    /// Bytes of the stored content.
    pub size_bytes: i64,
    /// SHA-256 of the stored content, lowercase hex.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl AttachmentMeta {
    /// Photos have a thumbnail; PDFs do not.
    pub fn has_thumbnail(&self) -> bool {
        self.file_kind.is_photo()
    }
}

/// Decoding and encoding photos is CPU work on the blocking pool; two at a time keeps a burst of
/// uploads from taking every core and the memory of many decodes at once.
static PHOTO_WORK: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));

/// Checks and cleans the uploads of one record ([`file::prepare`] each, off the async workers). A
/// form's empty file field (no name, no bytes) is skipped. Errors: `too_many_files` over
/// [`MAX_PER_RECORD`], and each file's own refusal.
pub async fn prepare_all(uploads: Vec<Upload>, max_bytes: usize) -> Result<Vec<PreparedFile>> {
    let uploads: Vec<Upload> = uploads
        .into_iter()
        .filter(|u| !(u.bytes.is_empty() && u.file_name.trim().is_empty()))
        .collect();
    too_many(uploads.len())?;
    let mut out = Vec::with_capacity(uploads.len());
    for u in uploads {
        let _permit = PHOTO_WORK
            .acquire()
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        out.push(
            tokio::task::spawn_blocking(move || prepare(u, max_bytes))
                .await
                .map_err(|e| Error::Internal(e.to_string()))??,
        );
    }
    Ok(out)
}

fn too_many(n: usize) -> Result<()> {
    if n > MAX_PER_RECORD {
        return Err(Error::invalid_field(
            ErrorCode::TooManyFiles,
            "file",
            format!("a record carries at most {MAX_PER_RECORD} files"),
        ));
    }
    Ok(())
}

/// Stores prepared files on a record inside the caller's transaction (the record is being
/// written in it, so its permission is already checked).
pub(crate) async fn store(
    txn: &DatabaseTransaction,
    actor: &Actor,
    project_id: Uuid,
    record_kind: AttachmentRecord,
    record_id: Uuid,
    files: Vec<PreparedFile>,
) -> Result<Vec<AttachmentMeta>> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let existing = attachments::Entity::find()
        .filter(attachments::Column::RecordId.eq(record_id))
        .count(txn)
        .await? as usize;
    too_many(existing + files.len())?;
    let mut out = Vec::with_capacity(files.len());
    let now = Utc::now();
    for (i, f) in files.into_iter().enumerate() {
        let row = attachments::ActiveModel {
            id: Set(Uuid::new_v4()),
            project_id: Set(project_id),
            record_kind: Set(record_kind),
            record_id: Set(record_id),
            position: Set((existing + i) as i16),
            file_name: Set(f.file_name),
            file_kind: Set(f.kind),
            size_bytes: Set(f.content.len() as i64),
            sha256: Set(f.sha256),
            content: Set(f.content),
            thumbnail: Set(f.thumbnail),
            uploaded_by: Set(actor.account_id),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        out.push(AttachmentMeta {
            id: row.id,
            project_id: row.project_id,
            record_kind: row.record_kind,
            record_id: row.record_id,
            file_name: row.file_name,
            file_kind: row.file_kind,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            created_at: row.created_at,
        });
    }
    Ok(out)
}

/// What files are about to be added to: a record already written, or the record a form is about
/// to write.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A progress report, inspection or problem step already stored.
    Record(AttachmentRecord, Uuid),
    /// A new progress report on this project.
    NewProgress(Uuid),
    /// A new inspection of this project.
    NewInspection(Uuid),
    /// A new step on this problem: its rectification (the department's) when `rectification`,
    /// else a verification or sending back (the group's).
    NewStep { problem: Uuid, rectification: bool },
}

/// Whether `actor` may add files to `target`: checked before any file is read or decoded, so a
/// refused upload costs the service nothing (the write itself checks again). Returns the project.
/// Errors: 404 for an unknown record or problem; 403 `not_responsible_department` /
/// `not_group_member`; 409 `project_not_adopted` / `project_completed`.
pub async fn check_writer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    target: Target,
) -> Result<Uuid> {
    let completed = |p: &crate::entities::projects::Model| -> Result<()> {
        if crate::projects::status::of(p)? == crate::projects::status::Status::Completed {
            return Err(Error::conflict(
                ErrorCode::ProjectCompleted,
                "the project is completed; its follow-up record is closed",
            ));
        }
        Ok(())
    };
    let department_of = |project_id: Uuid| async move {
        let p = followed_project(db, project_id).await?;
        completed(&p)?;
        require_department(db, actor, &p).await?;
        Ok::<Uuid, Error>(project_id)
    };
    let member_of = |project_id: Uuid| async move {
        let p = followed_project(db, project_id).await?;
        completed(&p)?;
        require_group_member(db, actor, project_id).await?;
        Ok::<Uuid, Error>(project_id)
    };
    let step_on = |problem_id: Uuid, rectify: bool| async move {
        let problem = problems::Entity::find_by_id(problem_id)
            .one(db)
            .await?
            .ok_or_else(|| Error::not_found("problem"))?;
        if rectify {
            let p = followed_project(db, problem.project_id).await?;
            completed(&p)?;
            if !is_department(actor, &problem.responsible_department) {
                return Err(Error::forbidden(
                    ErrorCode::NotResponsibleDepartment,
                    format!(
                        "only {} adds files to its rectification",
                        problem.responsible_department
                    ),
                ));
            }
            Ok(problem.project_id)
        } else {
            member_of(problem.project_id).await
        }
    };
    match target {
        Target::NewProgress(project) => department_of(project).await,
        Target::NewInspection(project) => member_of(project).await,
        Target::NewStep {
            problem,
            rectification,
        } => step_on(problem, rectification).await,
        Target::Record(AttachmentRecord::ProgressReport, id) => {
            let r = progress_reports::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found("progress report"))?;
            department_of(r.project_id).await
        }
        Target::Record(AttachmentRecord::Inspection, id) => {
            let i = inspections::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found("inspection"))?;
            member_of(i.project_id).await
        }
        Target::Record(AttachmentRecord::ProblemStep, id) => {
            let step = problem_events::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| Error::not_found("problem step"))?;
            step_on(step.problem_id, step.kind == ProblemEventKind::Rectified).await
        }
    }
}

/// Adds files to a record already written, as whoever may write that record (see the module's
/// rules). Errors: 404 when the record does not exist; 403 `not_responsible_department` /
/// `not_group_member`; 409 `project_completed`; 422 `too_many_files`.
pub async fn attach(
    db: &DatabaseConnection,
    actor: &Actor,
    record_kind: AttachmentRecord,
    record_id: Uuid,
    files: Vec<PreparedFile>,
) -> Result<Vec<AttachmentMeta>> {
    let txn = db::begin_write(db).await?;
    let project_id = check_writer(&txn, actor, Target::Record(record_kind, record_id)).await?;
    // Locked, as every follow-up write is, against a completion at the same moment.
    writable_project(&txn, project_id).await?;
    let stored = store(&txn, actor, project_id, record_kind, record_id, files).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("attachment.add", "project", project_id).with(serde_json::json!({
            "record_kind": record_kind.as_str(), "record_id": record_id,
            "attachment_ids": stored.iter().map(|a| a.id).collect::<Vec<_>>(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(stored)
}

/// Every attachment of a project's records, by record id, each record's in the order sent.
pub async fn of_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> Result<HashMap<Uuid, Vec<AttachmentMeta>>> {
    let rows: Vec<AttachmentMeta> = attachments::Entity::find()
        .filter(attachments::Column::ProjectId.eq(project_id))
        .order_by_asc(attachments::Column::RecordId)
        .order_by_asc(attachments::Column::Position)
        .into_partial_model()
        .all(db)
        .await?;
    let mut by_record: HashMap<Uuid, Vec<AttachmentMeta>> = HashMap::new();
    for a in rows {
        by_record.entry(a.record_id).or_default().push(a);
    }
    Ok(by_record)
}

/// One attachment's bytes, as stored or as its thumbnail.
pub struct Served {
    pub meta: AttachmentMeta,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// An attachment (or its thumbnail) for whoever may read its project's follow-up. Errors: 404 for
/// an unknown id, a PDF's thumbnail, or a project the caller may not see; 409
/// `project_not_adopted` as for the follow-up itself.
pub async fn read(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: Uuid,
    thumbnail: bool,
) -> Result<Served> {
    let meta: AttachmentMeta = attachments::Entity::find_by_id(id)
        .into_partial_model()
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("attachment"))?;
    readable_project(db, actor, meta.project_id).await?;
    let column = if thumbnail {
        attachments::Column::Thumbnail
    } else {
        attachments::Column::Content
    };
    let bytes: Option<Option<Vec<u8>>> = attachments::Entity::find_by_id(id)
        .select_only()
        .column(column)
        .into_tuple()
        .one(db)
        .await?;
    let bytes = bytes
        .flatten()
        .ok_or_else(|| Error::not_found("thumbnail"))?;
    let content_type = if thumbnail {
        "image/jpeg"
    } else {
        meta.file_kind.content_type()
    };
    Ok(Served {
        meta,
        content_type,
        bytes,
    })
}
