//! Deputies' duty record and points (履职档案 / 积分): the points each activity kind earns, set per
//! year and versioned; activities the office records itself (training, 代表小组, reporting to
//! voters) and leave from a session; deputies' correction requests; quarterly snapshots.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_duty_record"
    }
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CongressSessions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DutyRuleSets {
    Table,
    Id,
    Year,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DutyRules {
    Table,
    RuleSetId,
    Kind,
    Points,
}

#[derive(DeriveIden)]
enum DutyActivities {
    Table,
    Id,
    DeputyId,
    Kind,
    HeldOn,
    Title,
    Evidence,
    CorrectionId,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SessionLeave {
    Table,
    SessionId,
    DeputyId,
    HalfDays,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DutyCorrections {
    Table,
    Id,
    DeputyId,
    Year,
    Kind,
    LineKey,
    Reason,
    Status,
    DecisionNote,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum DutySnapshots {
    Table,
    Id,
    Year,
    Quarter,
    AsOf,
    RuleVersion,
    Published,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DutySnapshotRows {
    Table,
    SnapshotId,
    DeputyId,
    Total,
    Lines,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DutyRuleSets::Table)
                .col(uuid(DutyRuleSets::Id).primary_key())
                .col(integer(DutyRuleSets::Year))
                .col(integer(DutyRuleSets::Version))
                .col(timestamp_with_time_zone(DutyRuleSets::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("duty_rule_sets_year_version")
                .table(DutyRuleSets::Table)
                .col(DutyRuleSets::Year)
                .col(DutyRuleSets::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DutyRules::Table)
                .col(uuid(DutyRules::RuleSetId))
                .col(string_len(DutyRules::Kind, 32))
                .col(integer(DutyRules::Points))
                .primary_key(
                    Index::create()
                        .col(DutyRules::RuleSetId)
                        .col(DutyRules::Kind),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DutyRules::Table, DutyRules::RuleSetId)
                        .to(DutyRuleSets::Table, DutyRuleSets::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DutyCorrections::Table)
                .col(uuid(DutyCorrections::Id).primary_key())
                .col(uuid(DutyCorrections::DeputyId))
                .col(integer(DutyCorrections::Year))
                .col(string_len(DutyCorrections::Kind, 16))
                .col(string_len_null(DutyCorrections::LineKey, 80))
                .col(string_len(DutyCorrections::Reason, 1000))
                .col(string_len(DutyCorrections::Status, 16))
                .col(string_len_null(DutyCorrections::DecisionNote, 500))
                .col(timestamp_with_time_zone(DutyCorrections::CreatedAt))
                .col(timestamp_with_time_zone_null(DutyCorrections::DecidedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DutyCorrections::Table, DutyCorrections::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DutyActivities::Table)
                .col(uuid(DutyActivities::Id).primary_key())
                .col(uuid(DutyActivities::DeputyId))
                .col(string_len(DutyActivities::Kind, 32))
                .col(date(DutyActivities::HeldOn))
                .col(string_len(DutyActivities::Title, 200))
                .col(string_len(DutyActivities::Evidence, 1000))
                .col(uuid_null(DutyActivities::CorrectionId))
                .col(uuid(DutyActivities::RecordedBy))
                .col(timestamp_with_time_zone(DutyActivities::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DutyActivities::Table, DutyActivities::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DutyActivities::Table, DutyActivities::CorrectionId)
                        .to(DutyCorrections::Table, DutyCorrections::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("duty_activities_by_deputy")
                .table(DutyActivities::Table)
                .col(DutyActivities::DeputyId)
                .col(DutyActivities::HeldOn)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SessionLeave::Table)
                .col(uuid(SessionLeave::SessionId))
                .col(uuid(SessionLeave::DeputyId))
                .col(integer(SessionLeave::HalfDays))
                .col(string_len(SessionLeave::Reason, 500))
                .col(timestamp_with_time_zone(SessionLeave::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(SessionLeave::SessionId)
                        .col(SessionLeave::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SessionLeave::Table, SessionLeave::SessionId)
                        .to(CongressSessions::Table, CongressSessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SessionLeave::Table, SessionLeave::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DutySnapshots::Table)
                .col(uuid(DutySnapshots::Id).primary_key())
                .col(integer(DutySnapshots::Year))
                .col(integer(DutySnapshots::Quarter))
                .col(date(DutySnapshots::AsOf))
                .col(integer_null(DutySnapshots::RuleVersion))
                .col(boolean(DutySnapshots::Published))
                .col(timestamp_with_time_zone(DutySnapshots::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("duty_snapshots_year_quarter")
                .table(DutySnapshots::Table)
                .col(DutySnapshots::Year)
                .col(DutySnapshots::Quarter)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DutySnapshotRows::Table)
                .col(uuid(DutySnapshotRows::SnapshotId))
                .col(uuid(DutySnapshotRows::DeputyId))
                .col(integer(DutySnapshotRows::Total))
                .col(text(DutySnapshotRows::Lines))
                .primary_key(
                    Index::create()
                        .col(DutySnapshotRows::SnapshotId)
                        .col(DutySnapshotRows::DeputyId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DutySnapshotRows::Table, DutySnapshotRows::SnapshotId)
                        .to(DutySnapshots::Table, DutySnapshots::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            DutySnapshotRows::Table.into_iden(),
            DutySnapshots::Table.into_iden(),
            SessionLeave::Table.into_iden(),
            DutyActivities::Table.into_iden(),
            DutyCorrections::Table.into_iden(),
            DutyRules::Table.into_iden(),
            DutyRuleSets::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
