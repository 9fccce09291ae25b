//! The audit log: one row per state change, hash-chained (`minsheng_domain::audit`), and the head
//! of the chain, one row that every append locks so that several nodes append to one chain.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_audit"
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Seq,
    At,
    AccountId,
    Role,
    Action,
    ObjectKind,
    ObjectId,
    Detail,
    PrevSha256,
    Sha256,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Sha256,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(big_integer(AuditEvents::Seq).primary_key())
                .col(string_len(AuditEvents::At, 40))
                .col(uuid_null(AuditEvents::AccountId))
                .col(string_len_null(AuditEvents::Role, 16))
                .col(string_len(AuditEvents::Action, 64))
                .col(string_len(AuditEvents::ObjectKind, 32))
                .col(string_len_null(AuditEvents::ObjectId, 64))
                .col(text(AuditEvents::Detail))
                .col(string_len(AuditEvents::PrevSha256, 64))
                .col(string_len(AuditEvents::Sha256, 64))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_audit_object", AuditEvents::ObjectId),
            ("idx_audit_account", AuditEvents::AccountId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(AuditEvents::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string_len(AuditHead::Sha256, 64))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Sha256])
                .values_panic([1.into(), 0.into(), "0".repeat(64).into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditHead::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
