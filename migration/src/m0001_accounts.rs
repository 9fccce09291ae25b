//! Accounts, deputies, refresh tokens and the per-account login throttle.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_accounts"
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    DisplayName,
    Role,
    Department,
    PasswordHash,
    MustChangePassword,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
    AccountId,
    DeputyCode,
    Name,
    Delegation,
    CreatedAt,
}

/// Failed logins per username (its SHA-256, so unknown names are throttled alike and nothing typed
/// at the login prompt is stored in clear).
#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    UsernameDigest,
    Failures,
    WindowStart,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    AccountId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(pk_uuid(Accounts::Id))
                .col(string_uniq(Accounts::Username))
                .col(string(Accounts::DisplayName))
                .col(string(Accounts::Role))
                .col(string_null(Accounts::Department))
                .col(string(Accounts::PasswordHash))
                .col(boolean(Accounts::MustChangePassword))
                .col(boolean(Accounts::Disabled))
                .col(timestamp_with_time_zone(Accounts::CreatedAt))
                .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                .check(Expr::col(Accounts::Role).is_in(["admin", "deputy", "department"]))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Deputies::Table)
                .col(pk_uuid(Deputies::Id))
                .col(uuid_uniq(Deputies::AccountId))
                .col(string_uniq(Deputies::DeputyCode))
                .col(string(Deputies::Name))
                .col(string(Deputies::Delegation))
                .col(timestamp_with_time_zone(Deputies::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Deputies::Table, Deputies::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(pk_uuid(RefreshTokens::Id))
                .col(uuid(RefreshTokens::AccountId))
                .col(uuid(RefreshTokens::FamilyId))
                .col(string_uniq(RefreshTokens::TokenHash))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RefreshTokens::Table, RefreshTokens::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_family")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::FamilyId)
                .to_owned(),
        )
        .await?;
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
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_account")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::AccountId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RefreshTokens::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Deputies::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Accounts::Table).to_owned())
            .await
    }
}
