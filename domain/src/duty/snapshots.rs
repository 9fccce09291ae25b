//! Quarterly snapshots (季度亮分): every deputy's total and lines for the year up to the quarter's
//! end (or today, for a quarter not yet over), frozen as they were when taken, with the rules'
//! version. Later activities and corrections change the live record, never a snapshot. Public once
//! the office publishes it.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ActivityKind, record};
use crate::{
    Actor, db,
    entities::{deputies, duty_snapshot_rows, duty_snapshots},
    error::{Error, ErrorCode, Result},
    vocabulary::Role,
};

/// One deputy's frozen quarter.
#[derive(Debug, Clone)]
pub struct Row {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    pub total: i32,
    pub lines: Vec<record::Line>,
}

/// A snapshot with its rows (by deputy code).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub meta: duty_snapshots::Model,
    pub rows: Vec<Row>,
}

fn quarter_end(year: i32, quarter: i32) -> Option<NaiveDate> {
    let (m, d) = match quarter {
        1 => (3, 31),
        2 => (6, 30),
        3 => (9, 30),
        4 => (12, 31),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, m, d)
}

fn line_json(l: &record::Line) -> Value {
    json!({"key": l.key, "kind": l.kind.as_str(), "on": l.on, "title": l.title,
           "count": l.count, "points": l.points, "excluded": l.excluded})
}

fn line_of(v: &Value) -> Option<record::Line> {
    Some(record::Line {
        key: v["key"].as_str()?.to_owned(),
        kind: ActivityKind::parse("kind", v["kind"].as_str()?).ok()?,
        on: v["on"].as_str()?.parse().ok()?,
        title: v["title"].as_str()?.to_owned(),
        count: v["count"].as_i64()? as i32,
        points: v["points"].as_i64()? as i32,
        excluded: v["excluded"].as_str().map(str::to_owned),
    })
}

/// Takes the snapshot of `quarter` (1–4) of `year` for every deputy; taken again before it is
/// published, it replaces the earlier one (a quarter still running is taken as of today). Roles:
/// admin. Errors: 409 `snapshot_exists` (published); 422 `invalid_quarter` (not 1–4, or a
/// quarter not yet begun), `invalid_year`.
pub async fn take(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
    quarter: i32,
) -> Result<Snapshot> {
    actor.require_admin()?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "a year from 2000 to 2100",
        ));
    }
    let today = crate::clock::today();
    let end = quarter_end(year, quarter).ok_or_else(|| {
        Error::invalid_field(ErrorCode::InvalidQuarter, "quarter", "a quarter is 1 to 4")
    })?;
    let start = NaiveDate::from_ymd_opt(year, (quarter as u32 - 1) * 3 + 1, 1)
        .ok_or_else(|| Error::not_found("year"))?;
    if start > today {
        return Err(Error::invalid_field(
            ErrorCode::InvalidQuarter,
            "quarter",
            "a quarter is shown once it has begun",
        ));
    }
    let as_of = end.min(today);
    let txn = db::begin_write(db).await?;
    if let Some(earlier) = duty_snapshots::Entity::find()
        .filter(duty_snapshots::Column::Year.eq(year))
        .filter(duty_snapshots::Column::Quarter.eq(quarter))
        .one(&txn)
        .await?
    {
        if earlier.published {
            return Err(Error::conflict(
                ErrorCode::SnapshotExists,
                "this quarter's snapshot has been published",
            ));
        }
        duty_snapshot_rows::Entity::delete_many()
            .filter(duty_snapshot_rows::Column::SnapshotId.eq(earlier.id))
            .exec(&txn)
            .await?;
        duty_snapshots::Entity::delete_by_id(earlier.id)
            .exec(&txn)
            .await?;
    }
    let records = record::gather(&txn, year, Some(as_of), None).await?;
    let version = super::rules::current(&txn, year).await?.map(|r| r.version);
    let meta = duty_snapshots::ActiveModel {
        id: Set(Uuid::new_v4()),
        year: Set(year),
        quarter: Set(quarter),
        as_of: Set(as_of),
        rule_version: Set(version),
        published: Set(false),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for d in deputies::Entity::find().all(&txn).await? {
        let (total, lines) = records
            .get(&d.id)
            .map(|r| (r.total, r.lines.iter().map(line_json).collect::<Vec<_>>()))
            .unwrap_or((0, Vec::new()));
        duty_snapshot_rows::ActiveModel {
            snapshot_id: Set(meta.id),
            deputy_id: Set(d.id),
            total: Set(total),
            lines: Set(Value::Array(lines).to_string()),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("duty.snapshot", "duty_snapshot", meta.id).with(json!({
            "year": year, "quarter": quarter, "as_of": as_of, "rule_version": version,
        })),
    )
    .await?;
    txn.commit().await?;
    get(db, Some(actor), meta.id).await
}

/// Publishes a snapshot (季度亮分). Roles: admin. Errors: 404.
pub async fn publish(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> Result<Snapshot> {
    actor.require_admin()?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<duty_snapshots::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("snapshot"))?;
    let mut row: duty_snapshots::ActiveModel = s.into();
    row.published = Set(true);
    row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("duty.snapshot_published", "duty_snapshot", id),
    )
    .await?;
    txn.commit().await?;
    get(db, Some(actor), id).await
}

/// The snapshots of a year, newest quarter first: all for the office, the published ones for
/// everyone else.
pub async fn list(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    year: Option<i32>,
) -> Result<Vec<duty_snapshots::Model>> {
    let mut q = duty_snapshots::Entity::find()
        .order_by_desc(duty_snapshots::Column::Year)
        .order_by_desc(duty_snapshots::Column::Quarter);
    if let Some(y) = year {
        q = q.filter(duty_snapshots::Column::Year.eq(y));
    }
    if !actor.is_some_and(|a| a.role == Role::Admin) {
        q = q.filter(duty_snapshots::Column::Published.eq(true));
    }
    Ok(q.all(db).await?)
}

/// One snapshot with every deputy's row. Public once published; the office's before. Errors: 404.
pub async fn get(db: &DatabaseConnection, actor: Option<&Actor>, id: Uuid) -> Result<Snapshot> {
    let meta = duty_snapshots::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|s| s.published || actor.is_some_and(|a| a.role == Role::Admin))
        .ok_or_else(|| Error::not_found("snapshot"))?;
    let stored = duty_snapshot_rows::Entity::find()
        .filter(duty_snapshot_rows::Column::SnapshotId.eq(id))
        .all(db)
        .await?;
    let people = deputies::Entity::find().all(db).await?;
    let mut rows: Vec<Row> = stored
        .into_iter()
        .filter_map(|r| {
            let d = people.iter().find(|d| d.id == r.deputy_id)?;
            let lines = serde_json::from_str::<Vec<Value>>(&r.lines)
                .unwrap_or_default()
                .iter()
                .filter_map(line_of)
                .collect();
            Some(Row {
                deputy_id: d.id,
                deputy_code: d.deputy_code.clone(),
                name: d.name.clone(),
                total: r.total,
                lines,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.deputy_code.cmp(&b.deputy_code));
    Ok(Snapshot { meta, rows })
}

/// The quarters of `year` the office may take now: begun by `today`, and not published among
/// `taken` (an unpublished one is taken again).
pub fn takeable(year: i32, today: NaiveDate, taken: &[duty_snapshots::Model]) -> Vec<i32> {
    let begun = match year.cmp(&today.year()) {
        std::cmp::Ordering::Less => 4,
        std::cmp::Ordering::Equal => quarter_of(today),
        std::cmp::Ordering::Greater => 0,
    };
    (1..=begun)
        .filter(|q| !taken.iter().any(|s| s.quarter == *q && s.published))
        .collect()
}

/// The quarter a date falls in (1–4).
pub fn quarter_of(d: NaiveDate) -> i32 {
    (d.month0() / 3 + 1) as i32
}
