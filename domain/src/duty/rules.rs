//! The points each activity kind earns in a year (e.g. +3 per suggestion, +3 per inspection, −1 per
//! half day of leave), kept as data. Saving a year's rules makes a new version; the latest applies
//! to the whole year, and a snapshot names the version it used.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::ActivityKind;
use crate::{
    Actor, db,
    entities::{duty_rule_sets, duty_rules},
    error::{Error, ErrorCode, Result},
};

/// The most points (either sign) one occurrence may earn.
pub const MAX_POINTS: i32 = 100;

/// A year's rules as one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub year: i32,
    pub version: i32,
    /// Points per occurrence; a kind not named earns 0.
    pub points: BTreeMap<ActivityKind, i32>,
}

impl Rules {
    pub fn of(&self, kind: ActivityKind) -> i32 {
        self.points.get(&kind).copied().unwrap_or(0)
    }
}

/// The year's rules in force (the latest version), if the office has set any.
pub async fn current(db: &impl ConnectionTrait, year: i32) -> Result<Option<Rules>> {
    let Some(set) = duty_rule_sets::Entity::find()
        .filter(duty_rule_sets::Column::Year.eq(year))
        .order_by_desc(duty_rule_sets::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut points = BTreeMap::new();
    for r in duty_rules::Entity::find()
        .filter(duty_rules::Column::RuleSetId.eq(set.id))
        .all(db)
        .await?
    {
        points.insert(ActivityKind::parse("kind", &r.kind)?, r.points);
    }
    Ok(Some(Rules {
        year,
        version: set.version,
        points,
    }))
}

/// Saves the year's rules as a new version. Roles: admin. Errors: 422 `invalid_kind` (unknown, or
/// named twice), `invalid_points` (beyond ±100), `invalid_year`.
pub async fn set(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
    rules: &[(String, i32)],
) -> Result<Rules> {
    actor.require_admin()?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "a year from 2000 to 2100",
        ));
    }
    let mut points = BTreeMap::new();
    for (kind, p) in rules {
        let k = ActivityKind::parse("rules", kind)?;
        if !(-MAX_POINTS..=MAX_POINTS).contains(p) {
            return Err(Error::invalid_field(
                ErrorCode::InvalidPoints,
                "rules",
                format!("points per occurrence are from -{MAX_POINTS} to {MAX_POINTS}"),
            ));
        }
        if points.insert(k, *p).is_some() {
            return Err(Error::invalid_field(
                ErrorCode::InvalidKind,
                "rules",
                format!("{kind} is named twice"),
            ));
        }
    }
    let txn = db::begin_write(db).await?;
    let version = duty_rule_sets::Entity::find()
        .filter(duty_rule_sets::Column::Year.eq(year))
        .order_by_desc(duty_rule_sets::Column::Version)
        .one(&txn)
        .await?
        .map_or(1, |s| s.version + 1);
    let set = duty_rule_sets::ActiveModel {
        id: Set(Uuid::new_v4()),
        year: Set(year),
        version: Set(version),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for (k, p) in &points {
        duty_rules::ActiveModel {
            rule_set_id: Set(set.id),
            kind: Set(k.as_str().to_owned()),
            points: Set(*p),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("duty.rules", "duty_rules", set.id).with(json!({
            "year": year, "version": version,
            "points": points.iter().map(|(k, p)| (k.as_str(), *p)).collect::<BTreeMap<_, _>>(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(Rules {
        year,
        version,
        points,
    })
}
