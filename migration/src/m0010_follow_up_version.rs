//! One counter that every follow-up write raises (`followup::access::writable_project`), so a node
//! that keeps a copy of the public board can tell, with one small query, whether it is stale.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_follow_up_version"
    }
}

#[derive(DeriveIden)]
enum FollowUpVersion {
    Table,
    Id,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FollowUpVersion::Table)
                .col(integer(FollowUpVersion::Id).primary_key())
                .col(big_integer(FollowUpVersion::Version))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(FollowUpVersion::Table)
                .columns([FollowUpVersion::Id, FollowUpVersion::Version])
                .values_panic([1.into(), 0.into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FollowUpVersion::Table).to_owned())
            .await
    }
}
