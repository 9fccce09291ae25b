//! Display links (大屏链接): read-only links the congress office gives the hall's projector. Only the
//! SHA-256 of the token is stored, so a database leak does not leak working links.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_display_links"
    }
}

#[derive(DeriveIden)]
enum DisplayLinks {
    Table,
    TokenDigest,
    SessionId,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum CongressSessions {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DisplayLinks::Table)
                .col(string_len(DisplayLinks::TokenDigest, 64).primary_key())
                .col(uuid(DisplayLinks::SessionId))
                .col(timestamp_with_time_zone(DisplayLinks::CreatedAt))
                .col(timestamp_with_time_zone_null(DisplayLinks::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DisplayLinks::Table, DisplayLinks::SessionId)
                        .to(CongressSessions::Table, CongressSessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("display_links_session")
                .table(DisplayLinks::Table)
                .col(DisplayLinks::SessionId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DisplayLinks::Table).to_owned())
            .await
    }
}
