//! 履职评议: the subjects a rating round rates besides projects — an official's performance report
//! (`official_report`: name, post, unit, the oral report's day and the written report), a
//! department's special work report (`work_report`), the handling of suggestions
//! (`suggestion_handling`). Deputies rate them in the same round, with the same secrecy, roster,
//! presence and grade rule as projects ([`super::service`]); several rounds a year may rate them.
//! A subject graded 不满意 gets its rectification (整改) recorded, and a later round rates it again.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{grade::Rating, service::GradeRecord};
use crate::{
    Actor, db,
    entities::rating_subjects,
    error::{Error, ErrorCode, Result},
    text::{parse_long_text, parse_text},
};

const KINDS: [&str; 3] = ["official_report", "work_report", "suggestion_handling"];

/// A subject as the office enters it.
pub struct NewSubject {
    /// `official_report`, `work_report` or `suggestion_handling`.
    pub kind: String,
    /// The official's name, or the report's title.
    pub name: String,
    /// The official's post (职务); may be empty for a report.
    pub post: String,
    pub unit: String,
    pub year: i32,
    pub oral_on: Option<NaiveDate>,
    pub written_report: String,
}

/// A subject with its grades, oldest first.
#[derive(Debug, Clone)]
pub struct SubjectView {
    pub subject: rating_subjects::Model,
    pub grades: Vec<GradeRecord>,
}

/// Enters a subject. Roles: admin. Errors: 422 `invalid_kind`, `invalid_text`, `invalid_year`.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    n: NewSubject,
) -> Result<rating_subjects::Model> {
    actor.require_admin()?;
    if !KINDS.contains(&n.kind.as_str()) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidKind,
            "kind",
            "kind is one of official_report, work_report, suggestion_handling",
        ));
    }
    if !(2000..=2100).contains(&n.year) {
        return Err(Error::invalid_field(
            ErrorCode::InvalidYear,
            "year",
            "a year from 2000 to 2100",
        ));
    }
    let name = parse_text("name", &n.name, 200)?;
    let post = parse_long_text("post", &n.post, 100, false)?;
    let unit = parse_text("unit", &n.unit, 100)?;
    let written = parse_long_text("written_report", &n.written_report, 50_000, false)?;
    let txn = db::begin_write(db).await?;
    let s = rating_subjects::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(n.kind.clone()),
        name: Set(name),
        post: Set(post),
        unit: Set(unit),
        year: Set(n.year),
        oral_on: Set(n.oral_on),
        written_report: Set(written),
        rectification: Set(None),
        rectified_on: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("rating_subject.create", "rating_subject", s.id)
            .with(json!({"kind": s.kind, "name": s.name, "unit": s.unit, "year": s.year})),
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

/// The subjects of a year (all years when `None`), newest first. Public: officials report in
/// public and their grades are published.
pub async fn list(
    db: &DatabaseConnection,
    year: Option<i32>,
) -> Result<Vec<rating_subjects::Model>> {
    let mut q = rating_subjects::Entity::find()
        .order_by_desc(rating_subjects::Column::Year)
        .order_by_asc(rating_subjects::Column::Name);
    if let Some(y) = year {
        q = q.filter(rating_subjects::Column::Year.eq(y));
    }
    Ok(q.all(db).await?)
}

/// A subject with the grades of the published rounds that rated it. Public. Errors: 404.
pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<SubjectView> {
    let subject = rating_subjects::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("subject"))?;
    let grades = super::service::grades_of_subject(db, id).await?;
    Ok(SubjectView { subject, grades })
}

/// Records the rectification (整改) of a subject whose latest published grade is 不满意; a later
/// round then rates it again. Roles: admin. Errors: 404; 409 `subject_not_unsatisfied`; 422
/// `invalid_text`.
pub async fn rectify(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    text: &str,
) -> Result<SubjectView> {
    actor.require_admin()?;
    let text = parse_long_text("rectification", text, 20_000, true)?;
    let grades = super::service::grades_of_subject(db, id).await?;
    let txn = db::begin_write(db).await?;
    let s = db::find_locked::<rating_subjects::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("subject"))?;
    if grades.last().is_none_or(|g| g.grade != Rating::Unsatisfied) {
        return Err(Error::conflict(
            ErrorCode::SubjectNotUnsatisfied,
            "a rectification follows a 不满意 grade",
        ));
    }
    let mut row: rating_subjects::ActiveModel = s.into();
    row.rectification = Set(Some(text.clone()));
    row.rectified_on = Set(Some(crate::clock::today()));
    row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        // The log keeps each rectification's text: a later one replaces it on the subject.
        crate::audit::Event::new("rating_subject.rectify", "rating_subject", id)
            .with(json!({"rectification": text})),
    )
    .await?;
    txn.commit().await?;
    get(db, id).await
}
