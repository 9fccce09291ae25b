//! Liaison stations (代表联络站, 地方组织法 第六十条): where deputies meet the people between
//! sessions.
//!
//! - A **station** has its address, its type (`normal` 普通 or `model` 示范) and the deputies
//!   attached to it.
//! - **Reception days** (接待日) name the attached deputies on duty; each counts on their duty
//!   record ([`crate::duty`]) once held.
//! - A citizen's **opinion** is recorded there by the office or a deputy of the station, with no
//!   account needed; the citizen's contact details stay with the office and the station's
//!   deputies. It is answered, passed on to a department, turned into a deputy's suggestion
//!   ([`crate::suggestions`]), or taken up by the office as a project proposal (项目征集). The
//!   citizen gets a code and looks up the answer with it.
//! - The **public page** of a station lists its deputies, its next reception days and what was
//!   received and done (never a citizen's name or contact).

use chrono::{NaiveDate, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Actor, db,
    entities::{
        deputies, reception_days, reception_duty, station_deputies, station_opinions, stations,
        suggestions as suggestion_rows,
    },
    error::{Error, ErrorCode, Result},
    text::{parse_long_text, parse_text},
    vocabulary::Role,
};

/// The letters of a lookup code: no 0/O, 1/I/L, so it reads back over the phone.
const CODE_LETTERS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Letters in a lookup code (31⁸ ≈ 8.5 × 10¹¹ codes).
pub const CODE_LEN: usize = 8;

/// A station with its deputies and reception days.
#[derive(Debug, Clone)]
pub struct StationView {
    pub station: stations::Model,
    pub deputies: Vec<deputies::Model>,
    /// Oldest first, each with the deputies on duty.
    pub days: Vec<(reception_days::Model, Vec<deputies::Model>)>,
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<stations::Model> {
    stations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("station"))
}

/// A station as anyone may read it.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<StationView> {
    let station = find(db, id).await?;
    let ids: Vec<Uuid> = station_deputies::Entity::find()
        .filter(station_deputies::Column::StationId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.deputy_id)
        .collect();
    let mut people = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(ids))
        .all(db)
        .await?;
    people.sort_by(|a, b| a.deputy_code.cmp(&b.deputy_code));
    let day_rows = reception_days::Entity::find()
        .filter(reception_days::Column::StationId.eq(id))
        .order_by_asc(reception_days::Column::Day)
        .all(db)
        .await?;
    let duty = reception_duty::Entity::find()
        .filter(reception_duty::Column::ReceptionDayId.is_in(day_rows.iter().map(|d| d.id)))
        .all(db)
        .await?;
    let on_duty_ids: Vec<Uuid> = duty.iter().map(|d| d.deputy_id).collect();
    let on_duty_people = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(on_duty_ids))
        .all(db)
        .await?;
    let days = day_rows
        .into_iter()
        .map(|d| {
            let mut who: Vec<deputies::Model> = duty
                .iter()
                .filter(|x| x.reception_day_id == d.id)
                .filter_map(|x| on_duty_people.iter().find(|p| p.id == x.deputy_id).cloned())
                .collect();
            who.sort_by(|a, b| a.deputy_code.cmp(&b.deputy_code));
            (d, who)
        })
        .collect();
    Ok(StationView {
        station,
        deputies: people,
        days,
    })
}

/// Every station, by name.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<stations::Model>> {
    Ok(stations::Entity::find()
        .order_by_asc(stations::Column::Name)
        .all(db)
        .await?)
}

/// A station as the office enters it.
pub struct NewStation {
    pub name: String,
    pub address: String,
    /// `normal` (普通) or `model` (示范).
    pub kind: String,
    pub deputy_ids: Vec<Uuid>,
}

fn parse_kind(kind: &str) -> Result<String> {
    match kind {
        "normal" | "model" => Ok(kind.to_owned()),
        _ => Err(Error::invalid_field(
            ErrorCode::InvalidKind,
            "kind",
            "kind is normal (普通) or model (示范)",
        )),
    }
}

async fn check_deputies(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let found = deputies::Entity::find()
        .filter(deputies::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    if found.len() != ids.len() {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "deputy_ids",
            "some ids are not deputies",
        ));
    }
    Ok(ids)
}

/// Creates a station with its deputies. Roles: admin. Errors: 409 `already_exists` (the name);
/// 422 `invalid_kind`, `unknown_deputy`, `invalid_text`.
pub async fn create(db: &DatabaseConnection, actor: &Actor, n: NewStation) -> Result<StationView> {
    actor.require_admin()?;
    let name = parse_text("name", &n.name, 100)?;
    let address = parse_text("address", &n.address, 200)?;
    let kind = parse_kind(&n.kind)?;
    let txn = db::begin_write(db).await?;
    let ids = check_deputies(&txn, &n.deputy_ids).await?;
    if stations::Entity::find()
        .filter(stations::Column::Name.eq(&name))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(Error::conflict(
            ErrorCode::AlreadyExists,
            "a station has this name",
        ));
    }
    let s = stations::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name),
        address: Set(address),
        kind: Set(kind),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for d in &ids {
        station_deputies::ActiveModel {
            station_id: Set(s.id),
            deputy_id: Set(*d),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("station.create", "station", s.id)
            .with(json!({"name": s.name, "kind": s.kind, "deputy_ids": ids})),
    )
    .await?;
    txn.commit().await?;
    get(db, s.id).await
}

/// Whether the caller works for this station: the office, or a deputy attached to it.
async fn of_station(db: &impl ConnectionTrait, actor: &Actor, station_id: Uuid) -> Result<bool> {
    Ok(match actor.role {
        Role::Admin => true,
        Role::Deputy => match actor.deputy_id {
            Some(d) => station_deputies::Entity::find_by_id((station_id, d))
                .one(db)
                .await?
                .is_some(),
            None => false,
        },
        Role::Department => false,
    })
}

/// Schedules a reception day with the attached deputies on duty. Roles: admin. Errors: 404
/// (station); 409 `already_exists` (the station has that day); 422 `unknown_deputy` (a deputy
/// not attached to the station), `invalid_text`.
pub async fn add_day(
    db: &DatabaseConnection,
    actor: &Actor,
    station_id: Uuid,
    day: NaiveDate,
    on_duty: &[Uuid],
    note: &str,
) -> Result<StationView> {
    actor.require_admin()?;
    let note = parse_long_text("note", note, 500, false)?;
    let txn = db::begin_write(db).await?;
    find(&txn, station_id).await?;
    let mut ids = on_duty.to_vec();
    ids.sort();
    ids.dedup();
    let attached: Vec<Uuid> = station_deputies::Entity::find()
        .filter(station_deputies::Column::StationId.eq(station_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.deputy_id)
        .collect();
    if ids.is_empty() || ids.iter().any(|d| !attached.contains(d)) {
        return Err(Error::invalid_field(
            ErrorCode::UnknownDeputy,
            "deputy_ids",
            "name one or more of the station's own deputies for the day",
        ));
    }
    if reception_days::Entity::find()
        .filter(reception_days::Column::StationId.eq(station_id))
        .filter(reception_days::Column::Day.eq(day))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(Error::conflict(
            ErrorCode::AlreadyExists,
            "the station already has a reception on this day",
        ));
    }
    let d = reception_days::ActiveModel {
        id: Set(Uuid::new_v4()),
        station_id: Set(station_id),
        day: Set(day),
        note: Set(note),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for deputy in &ids {
        reception_duty::ActiveModel {
            reception_day_id: Set(d.id),
            deputy_id: Set(*deputy),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("station.reception_day", "station", station_id)
            .with(json!({"day": day, "deputy_ids": ids})),
    )
    .await?;
    txn.commit().await?;
    get(db, station_id).await
}

/// A citizen's opinion as recorded at the station.
pub struct NewOpinion {
    /// The reception day it was received on, if on one.
    pub reception_day_id: Option<Uuid>,
    pub citizen_name: String,
    /// Phone or address: kept for the reply, never shown to the public.
    pub contact: String,
    pub content: String,
}

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| CODE_LETTERS[rng.random_range(0..CODE_LETTERS.len())] as char)
        .collect()
}

/// Records a citizen's opinion and gives it its lookup code. Roles: admin, or a deputy attached
/// to the station. Errors: 404 (station, or a deputy of another station); 422 `invalid_text`,
/// `unknown_reception_day`.
pub async fn record_opinion(
    db: &DatabaseConnection,
    actor: &Actor,
    station_id: Uuid,
    n: NewOpinion,
) -> Result<station_opinions::Model> {
    let citizen_name = parse_text("citizen_name", &n.citizen_name, 50)?;
    let contact = parse_long_text("contact", &n.contact, 100, false)?;
    let content = parse_long_text("content", &n.content, 5000, true)?;
    let txn = db::begin_write(db).await?;
    find(&txn, station_id).await?;
    if !of_station(&txn, actor, station_id).await? {
        return Err(Error::not_found("station"));
    }
    if let Some(day) = n.reception_day_id
        && reception_days::Entity::find_by_id(day)
            .one(&txn)
            .await?
            .is_none_or(|d| d.station_id != station_id || d.day > crate::clock::today())
    {
        return Err(Error::invalid_field(
            ErrorCode::UnknownReceptionDay,
            "reception_day_id",
            "this station has no such reception day held yet",
        ));
    }
    let o = station_opinions::ActiveModel {
        id: Set(Uuid::new_v4()),
        station_id: Set(station_id),
        reception_day_id: Set(n.reception_day_id),
        code: Set(new_code()),
        citizen_name: Set(citizen_name),
        contact: Set(contact),
        content: Set(content),
        status: Set("received".into()),
        answer: Set(None),
        passed_to: Set(None),
        suggestion_id: Set(None),
        project_id: Set(None),
        recorded_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
        answered_at: Set(None),
    }
    .insert(&txn)
    .await?;
    // The audit names the opinion, never the citizen.
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("station.opinion", "station_opinion", o.id)
            .with(json!({"station_id": station_id})),
    )
    .await?;
    txn.commit().await?;
    Ok(o)
}

/// What is done with an opinion.
pub enum Handling {
    /// Answered at the station (解释答复).
    Answer(String),
    /// Passed on to a department (转交), with what the citizen is told.
    PassOn { unit: String, answer: String },
    /// Turned into a suggestion the calling deputy leads (`kind` and title as for a suggestion).
    Suggestion { kind: String, title: String },
    /// Taken up by the office as the project proposal it entered (a project's id), with what the
    /// citizen is told.
    Project { project_id: Uuid, answer: String },
}

/// Handles a received opinion. Roles: admin, or a deputy of the station (a suggestion: a deputy
/// of the station, who leads it; a project proposal: admin). Errors: 404; 403 (a project by a
/// deputy); 409 `opinion_not_open` (already handled); 422 `invalid_text`, `unknown_project`, and
/// a suggestion's errors.
pub async fn handle(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    h: Handling,
) -> Result<station_opinions::Model> {
    // One transaction, the opinion's row locked first: however many handle it at once, one does,
    // and a refused one leaves nothing behind (no stray suggestion).
    let txn = db::begin_write(db).await?;
    let o = db::find_locked::<station_opinions::Entity>(&txn, id)
        .await?
        .ok_or_else(|| Error::not_found("opinion"))?;
    if !of_station(&txn, actor, o.station_id).await? {
        return Err(Error::not_found("opinion"));
    }
    if o.status != "received" {
        return Err(Error::conflict(
            ErrorCode::OpinionNotOpen,
            "this opinion has been handled",
        ));
    }
    let mut project_id = None;
    let (status, answer, passed_to, suggestion_id) = match h {
        Handling::Answer(a) => (
            "answered",
            Some(parse_long_text("answer", &a, 5000, true)?),
            None,
            None,
        ),
        Handling::PassOn { unit, answer } => (
            "passed_on",
            Some(parse_long_text("answer", &answer, 5000, true)?),
            Some(parse_text("unit", &unit, 100)?),
            None,
        ),
        Handling::Project {
            project_id: p,
            answer,
        } => {
            actor.require_admin()?;
            let answer = parse_long_text("answer", &answer, 5000, true)?;
            crate::projects::require_exists(&txn, p).await?;
            project_id = Some(p);
            ("project", Some(answer), None, None)
        }
        Handling::Suggestion { kind, title } => {
            let s = crate::suggestions::submit_in(
                &txn,
                actor,
                crate::suggestions::NewSuggestion {
                    kind,
                    title,
                    content: o.content.clone(),
                    cosigner_ids: Vec::new(),
                },
            )
            .await?;
            ("suggestion", None, None, Some(s.id))
        }
    };
    let mut row: station_opinions::ActiveModel = o.into();
    row.status = Set(status.into());
    row.answer = Set(answer);
    row.passed_to = Set(passed_to);
    row.suggestion_id = Set(suggestion_id);
    row.project_id = Set(project_id);
    row.answered_at = Set(Some(Utc::now()));
    let o = row.update(&txn).await?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("station.opinion_handled", "station_opinion", id).with(json!({
            "status": status, "suggestion_id": suggestion_id, "project_id": project_id,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(o)
}

/// The opinions received at a station, newest first, with the citizen's details: for the office
/// and the station's deputies. Errors: 404 for anyone else.
pub async fn opinions(
    db: &DatabaseConnection,
    actor: &Actor,
    station_id: Uuid,
) -> Result<Vec<station_opinions::Model>> {
    find(db, station_id).await?;
    if !of_station(db, actor, station_id).await? {
        return Err(Error::not_found("station"));
    }
    Ok(station_opinions::Entity::find()
        .filter(station_opinions::Column::StationId.eq(station_id))
        .order_by_desc(station_opinions::Column::CreatedAt)
        .all(db)
        .await?)
}

/// What was received at a station and what was done, for its public page: the text, status and
/// answer, never the citizen's name or contact. Newest first.
pub async fn public_record(
    db: &impl ConnectionTrait,
    station_id: Uuid,
) -> Result<Vec<PublicOpinion>> {
    let rows = station_opinions::Entity::find()
        .filter(station_opinions::Column::StationId.eq(station_id))
        .order_by_desc(station_opinions::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for o in rows {
        out.push(public_view(db, o).await?);
    }
    Ok(out)
}

/// An opinion as the citizen and the public read it.
#[derive(Debug, Clone)]
pub struct PublicOpinion {
    pub station: String,
    pub received_on: NaiveDate,
    pub content: String,
    /// `received`, `answered`, `passed_on`, `suggestion` or `project`.
    pub status: String,
    pub answer: Option<String>,
    pub passed_to: Option<String>,
    /// The suggestion it became: number, status, and its answers' text once published.
    pub suggestion: Option<(i64, String, Vec<String>)>,
    /// The project it became, once adopted (a proposal is the office's until then): id, title.
    pub project: Option<(Uuid, String)>,
}

async fn public_view(
    db: &impl ConnectionTrait,
    o: station_opinions::Model,
) -> Result<PublicOpinion> {
    let station = find(db, o.station_id).await?.name;
    let suggestion = match o.suggestion_id {
        Some(sid) => match suggestion_rows::Entity::find_by_id(sid).one(db).await? {
            Some(s) => {
                let answers = if s.published {
                    crate::entities::suggestion_answers::Entity::find()
                        .filter(crate::entities::suggestion_answers::Column::SuggestionId.eq(sid))
                        .order_by_asc(crate::entities::suggestion_answers::Column::Round)
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|a| a.content)
                        .collect()
                } else {
                    Vec::new()
                };
                Some((s.number, s.status, answers))
            }
            None => None,
        },
        None => None,
    };
    let project = match o.project_id {
        Some(pid) => crate::entities::projects::Entity::find_by_id(pid)
            .one(db)
            .await?
            .filter(|p| crate::projects::status::of(p).is_ok_and(|s| s.is_public()))
            .map(|p| (p.id, p.title)),
        None => None,
    };
    Ok(PublicOpinion {
        project,
        station,
        received_on: crate::clock::china_date(o.created_at),
        content: o.content,
        status: o.status,
        answer: o.answer,
        passed_to: o.passed_to,
        suggestion,
    })
}

/// The citizen looks up their opinion by its code (case, spaces, dashes and full-width letters do
/// not matter). Public. No throttle: an opinion's lookup shows what its station's public page
/// shows, so guessing codes learns nothing.
/// Errors: 404 for a code that names nothing.
pub async fn lookup(db: &impl ConnectionTrait, code: &str) -> Result<PublicOpinion> {
    // Typed on a phone with a Chinese input method: full-width letters and digits, any dash.
    let code: String = code
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .take(CODE_LEN + 1)
        .collect::<String>()
        .to_uppercase();
    if code.len() != CODE_LEN {
        return Err(Error::not_found("opinion"));
    }
    let o = station_opinions::Entity::find()
        .filter(station_opinions::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("opinion"))?;
    public_view(db, o).await
}

/// The stations a deputy is attached to, by name.
pub async fn of_deputy(db: &impl ConnectionTrait, deputy_id: Uuid) -> Result<Vec<stations::Model>> {
    let ids: Vec<Uuid> = station_deputies::Entity::find()
        .filter(station_deputies::Column::DeputyId.eq(deputy_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.station_id)
        .collect();
    Ok(stations::Entity::find()
        .filter(stations::Column::Id.is_in(ids))
        .order_by_asc(stations::Column::Name)
        .all(db)
        .await?)
}
