//! Attachments (附件): photos and PDFs on progress reports, inspections and problem steps, stored in
//! the database so every node serves the same files. The record an attachment belongs to is named
//! by its kind and id (three tables, so no foreign key on `record_id`); its project is kept beside
//! it, because whether the file may be read is whether that project's follow-up may be.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_attachments"
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ProjectId,
    RecordKind,
    RecordId,
    Position,
    FileName,
    FileKind,
    SizeBytes,
    Sha256,
    Content,
    Thumbnail,
    UploadedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(uuid(Attachments::Id).primary_key())
                .col(uuid(Attachments::ProjectId))
                .col(string_len(Attachments::RecordKind, 32))
                .col(uuid(Attachments::RecordId))
                .col(small_integer(Attachments::Position))
                .col(string_len(Attachments::FileName, 200))
                .col(string_len(Attachments::FileKind, 8))
                .col(big_integer(Attachments::SizeBytes))
                .col(string_len(Attachments::Sha256, 64))
                .col(blob(Attachments::Content))
                .col(blob_null(Attachments::Thumbnail))
                .col(uuid(Attachments::UploadedBy))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .check(Expr::col(Attachments::RecordKind).is_in([
                    "progress_report",
                    "inspection",
                    "problem_step",
                ]))
                .check(Expr::col(Attachments::FileKind).is_in(["jpeg", "png", "pdf"]))
                .foreign_key(
                    ForeignKey::create()
                        .from(Attachments::Table, Attachments::ProjectId)
                        .to(Projects::Table, Projects::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Attachments::Table, Attachments::UploadedBy)
                        .to(Accounts::Table, Accounts::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_attachments_record")
                .table(Attachments::Table)
                .col(Attachments::RecordId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_attachments_project")
                .table(Attachments::Table)
                .col(Attachments::ProjectId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await
    }
}
