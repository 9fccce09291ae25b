//! The change feed (`minsheng_domain::feed`) and webhooks (`minsheng_domain::webhooks`): the feed's
//! events with their cursor, kept on the audit chain's head row so one lock orders both; the
//! office's webhook endpoints, one delivery per endpoint and event (queued here, so a restart keeps
//! it), and every attempt.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_feed_and_webhooks"
    }
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    FeedSeq,
}

#[derive(DeriveIden)]
enum FeedEvents {
    Table,
    Seq,
    At,
    EventType,
    ObjectKind,
    ObjectId,
    ProjectId,
    Public,
    Data,
}

/// The status colour last announced on the feed, per project: a change against it is an event.
#[derive(DeriveIden)]
enum ProjectColours {
    Table,
    ProjectId,
    Colour,
    ChangedAt,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    Url,
    EventTypes,
    Secret,
    Description,
    Enabled,
    DisabledReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    EventSeq,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastStatusCode,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    At,
    StatusCode,
    Error,
    DurationMs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditHead::Table)
                .add_column(big_integer(AuditHead::FeedSeq).default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(FeedEvents::Table)
                .col(big_integer(FeedEvents::Seq).primary_key())
                .col(timestamp_with_time_zone(FeedEvents::At))
                .col(string_len(FeedEvents::EventType, 48))
                .col(string_len(FeedEvents::ObjectKind, 32))
                .col(uuid(FeedEvents::ObjectId))
                .col(uuid_null(FeedEvents::ProjectId))
                .col(boolean(FeedEvents::Public))
                .col(text(FeedEvents::Data))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProjectColours::Table)
                .col(uuid(ProjectColours::ProjectId).primary_key())
                .col(string_len(ProjectColours::Colour, 24))
                .col(timestamp_with_time_zone(ProjectColours::ChangedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookEndpoints::Table)
                .col(uuid(WebhookEndpoints::Id).primary_key())
                .col(string_len(WebhookEndpoints::Url, 2000))
                .col(text(WebhookEndpoints::EventTypes))
                .col(string_len(WebhookEndpoints::Secret, 100))
                .col(string_len(WebhookEndpoints::Description, 200))
                .col(boolean(WebhookEndpoints::Enabled))
                .col(string_len_null(WebhookEndpoints::DisabledReason, 500))
                .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(uuid(WebhookDeliveries::Id).primary_key())
                .col(uuid(WebhookDeliveries::EndpointId))
                .col(big_integer(WebhookDeliveries::EventSeq))
                .col(string_len(WebhookDeliveries::Status, 16))
                .col(integer(WebhookDeliveries::Attempts))
                .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                .col(timestamp_with_time_zone_null(
                    WebhookDeliveries::LockedUntil,
                ))
                .col(integer_null(WebhookDeliveries::LastStatusCode))
                .col(string_len_null(WebhookDeliveries::LastError, 500))
                .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                .col(timestamp_with_time_zone(WebhookDeliveries::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookDeliveries::Table, WebhookDeliveries::EndpointId)
                        .to(WebhookEndpoints::Table, WebhookEndpoints::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookDeliveries::Table, WebhookDeliveries::EventSeq)
                        .to(FeedEvents::Table, FeedEvents::Seq),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookAttempts::Table)
                .col(uuid(WebhookAttempts::Id).primary_key())
                .col(uuid(WebhookAttempts::DeliveryId))
                .col(timestamp_with_time_zone(WebhookAttempts::At))
                .col(integer_null(WebhookAttempts::StatusCode))
                .col(string_len_null(WebhookAttempts::Error, 500))
                .col(integer(WebhookAttempts::DurationMs))
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                        .to(WebhookDeliveries::Table, WebhookDeliveries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_attempts_delivery")
                .table(WebhookAttempts::Table)
                .col(WebhookAttempts::DeliveryId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
            ProjectColours::Table.into_iden(),
            FeedEvents::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(AuditHead::Table)
                .drop_column(AuditHead::FeedSeq)
                .to_owned(),
        )
        .await
    }
}
