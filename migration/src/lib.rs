//! Minsheng's schema. Migrations carry their own DDL and never import the domain's entities, so an old
//! migration keeps meaning what it meant when it shipped. Every `up` has a working `down`.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m0001_accounts;
mod m0002_votes;
mod m0003_follow_up;
mod m0004_display_links;
mod m0005_vocabulary;
mod m0006_login_failures;
mod m0007_scrutiny;
mod m0008_attachments;
mod m0009_candidate_materials;
mod m0010_follow_up_version;
mod m0011_vote_commitments;
mod m0012_audit;
mod m0013_feed_and_webhooks;
mod m0014_suggestions;
mod m0015_suggestion_handling;
mod m0016_duty_record;
mod m0017_liaison_stations;
mod m0018_rating_subjects;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_accounts::Migration),
            Box::new(m0002_votes::Migration),
            Box::new(m0003_follow_up::Migration),
            Box::new(m0004_display_links::Migration),
            Box::new(m0005_vocabulary::Migration),
            Box::new(m0006_login_failures::Migration),
            Box::new(m0007_scrutiny::Migration),
            Box::new(m0008_attachments::Migration),
            Box::new(m0009_candidate_materials::Migration),
            Box::new(m0010_follow_up_version::Migration),
            Box::new(m0011_vote_commitments::Migration),
            Box::new(m0012_audit::Migration),
            Box::new(m0013_feed_and_webhooks::Migration),
            Box::new(m0014_suggestions::Migration),
            Box::new(m0015_suggestion_handling::Migration),
            Box::new(m0016_duty_record::Migration),
            Box::new(m0017_liaison_stations::Migration),
            Box::new(m0018_rating_subjects::Migration),
        ]
    }
}
