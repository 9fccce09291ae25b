//! Status colours on the change feed ([`crate::feed`]). A project's colour follows from its reports, milestones and
//! problems *and from the calendar* (a deadline passing turns it without any write), so it is not
//! announced by the writes: each node compares the colours of the board with those last announced
//! (`project_colours`) about once a minute, and announces each change once, whichever node sees it
//! first (the comparison is repeated under the feed's lock before anything is written).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use crate::{
    db,
    entities::{audit_head, project_colours, projects},
    error::Result,
    followup::{board, colour::ColourRule},
    projects::status::Status,
    vocabulary::EventType,
};

/// Each followed project's colour today, by the office's rule.
async fn current(
    db: &impl ConnectionTrait,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<Vec<(projects::Model, &'static str)>> {
    let followed = projects::Entity::find()
        .filter(projects::Column::Status.is_in([
            Status::Adopted.as_str(),
            Status::InProgress.as_str(),
            Status::Completed.as_str(),
        ]))
        .all(db)
        .await?;
    Ok(board::rows_of(db, followed, rule, today)
        .await?
        .into_iter()
        .map(|r| (r.project, r.standing.assessment.colour.as_str()))
        .collect())
}

async fn announced(db: &impl ConnectionTrait) -> Result<HashMap<Uuid, String>> {
    Ok(project_colours::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.project_id, c.colour))
        .collect())
}

fn changed<'a>(
    now: &'a [(projects::Model, &'static str)],
    known: &HashMap<Uuid, String>,
) -> Vec<&'a (projects::Model, &'static str)> {
    now.iter()
        .filter(|(p, c)| known.get(&p.id).map(String::as_str) != Some(*c))
        .collect()
}

/// Announces every colour that differs from the last one announced (a project's first colour
/// too), as `project.colour_changed` with `from` (null the first time) and `to`. Returns how many.
pub async fn announce_changes(
    db: &DatabaseConnection,
    rule: &ColourRule,
    today: NaiveDate,
) -> Result<usize> {
    // Read first without a lock: most minutes nothing has changed and nothing is written.
    if changed(&current(db, rule, today).await?, &announced(db).await?).is_empty() {
        return Ok(0);
    }
    let txn = db::begin_write(db).await?;
    // The feed's lock: another node doing the same waits here, then finds nothing left to do.
    db::find_locked::<audit_head::Entity>(&txn, 1).await?;
    let now = current(&txn, rule, today).await?;
    let known = announced(&txn).await?;
    let changes = changed(&now, &known);
    for (p, colour) in &changes {
        let from = known.get(&p.id).cloned();
        crate::feed::emit(
            &txn,
            crate::feed::Change::new(EventType::ProjectColourChanged, "project", p.id)
                .project(p.id)
                .with(serde_json::json!({"title": p.title, "from": from, "to": colour})),
        )
        .await?;
        let row = project_colours::ActiveModel {
            project_id: Set(p.id),
            colour: Set((*colour).to_owned()),
            changed_at: Set(Utc::now()),
        };
        if from.is_some() {
            row.update(&txn).await?;
        } else {
            row.insert(&txn).await?;
        }
    }
    let n = changes.len();
    txn.commit().await?;
    Ok(n)
}
