//! Attachments (附件): a photo or PDF on a progress report, an inspection or a problem step, with
//! its thumbnail. The content is stored as it will be served (photos re-encoded without metadata).

use sea_orm::entity::prelude::*;

use crate::vocabulary::{AttachmentRecord, FileKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub record_kind: AttachmentRecord,
    pub record_id: Uuid,
    /// Its place among the record's files (0, 1, …), in the order they were sent.
    pub position: i16,
    pub file_name: String,
    pub file_kind: FileKind,
    pub size_bytes: i64,
    pub sha256: String,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    #[sea_orm(column_type = "Blob", nullable)]
    pub thumbnail: Option<Vec<u8>>,
    pub uploaded_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
