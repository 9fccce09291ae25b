//! Failed logins counted per account *and* client address, keyed by an HMAC with a server key, so
//! one person cannot lock a deputy out from elsewhere and the table reveals no usernames (nor a
//! password typed into the username field). Replaces `login_throttle`, which counted per username
//! under an unsalted SHA-256.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_login_failures"
    }
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Key,
    AccountKey,
    Failures,
    LastFailure,
}

#[derive(DeriveIden)]
enum ServerKeys {
    Table,
    Name,
    Secret,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    UsernameDigest,
    Failures,
    WindowStart,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ServerKeys::Table)
                .col(string_len(ServerKeys::Name, 64).primary_key())
                .col(string_len(ServerKeys::Secret, 128))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(string_len(LoginFailures::Key, 64).primary_key())
                .col(string_len(LoginFailures::AccountKey, 64))
                .col(integer(LoginFailures::Failures))
                .col(timestamp_with_time_zone(LoginFailures::LastFailure))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_login_failures_account", LoginFailures::AccountKey),
            ("idx_login_failures_last", LoginFailures::LastFailure),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(LoginFailures::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string(LoginThrottle::UsernameDigest).primary_key())
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStart))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_login_throttle_window")
                .table(LoginThrottle::Table)
                .col(LoginThrottle::WindowStart)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ServerKeys::Table).to_owned())
            .await
    }
}
