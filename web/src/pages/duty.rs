//! The duty-record pages (履职档案 / 积分): a deputy reads their year line by line and asks for
//! corrections (`/d/duty`); the office sets the point rules, records activities and leave, decides
//! corrections and takes and publishes quarterly snapshots (`/admin/duty`); the public reads the
//! published quarters (`/duty`). The rules are `minsheng_domain::duty`.

use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use chrono::{Datelike, NaiveDate};
use minsheng_domain::{
    Error,
    duty::{
        ActivityKind, corrections,
        office::{self, NewActivity},
        record, rules, snapshots,
    },
    entities::{congress_sessions, duty_corrections, duty_snapshots},
    suggestions::deputies_by_code,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::typed as field;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::duty::{DutyMsg, kind_word},
    render::{Chrome, html},
    session::{PageUser, Prefs},
};

/// A line as the pages show it.
pub(crate) struct LineView {
    key: String,
    on: String,
    kind: &'static str,
    title: String,
    /// `+3`, `-2`, `0`.
    points: String,
    excluded: Option<String>,
}

fn signed(p: i32) -> String {
    if p > 0 {
        format!("+{p}")
    } else {
        p.to_string()
    }
}

fn line_view(d: &DutyMsg, l: record::Line) -> LineView {
    LineView {
        key: l.key,
        on: l.on.to_string(),
        kind: kind_word(d, l.kind),
        title: l.title,
        points: signed(l.points),
        excluded: l.excluded.map(|note| {
            if note.is_empty() {
                d.dt_excluded_plain.to_owned()
            } else {
                d.dt_excluded.replace("{reason}", &note)
            }
        }),
    }
}

/// A correction request as listed.
struct RequestView {
    id: String,
    /// Who asked (the office's list).
    who: String,
    what: &'static str,
    line: String,
    reason: String,
    status: &'static str,
    pending: bool,
    missing: bool,
    note: String,
}

fn request_view(d: &DutyMsg, c: duty_corrections::Model, who: String) -> RequestView {
    request_view_with(d, c, who, None)
}

/// As [`request_view`], naming the line by its date, kind and title when known.
fn request_view_with(
    d: &DutyMsg,
    c: duty_corrections::Model,
    who: String,
    line: Option<String>,
) -> RequestView {
    RequestView {
        id: c.id.to_string(),
        who,
        what: match c.kind.as_str() {
            "wrong" => d.dt_wrong,
            "duplicate" => d.dt_duplicate,
            _ => d.dt_missing,
        },
        line: line.or(c.line_key).unwrap_or_default(),
        reason: c.reason,
        status: match c.status.as_str() {
            "accepted" => d.dt_accepted,
            "refused" => d.dt_refused,
            _ => d.dt_pending,
        },
        pending: c.status == "pending",
        missing: c.kind == "missing",
        note: c.decision_note.unwrap_or_default(),
    }
}

/// The refusal in a sentence, or the error page for anything else.
fn sentence(d: &DutyMsg, e: &Error) -> Option<&'static str> {
    match e {
        Error::Invalid { code, .. } => Some(match *code {
            "unknown_deputy" => d.dt_bad_code,
            "unknown_line" => d.dt_unknown_line,
            "invalid_date" => d.dt_bad_date,
            "invalid_points" => d.dt_bad_points,
            "activity_required" => d.dt_need_activity,
            "invalid_text" if matches!(e, Error::Invalid { fields, .. } if fields.iter().any(|f| f.field == "note")) => {
                d.dt_need_note
            }
            _ => d.dt_bad_text,
        }),
        Error::Conflict { code, .. } => Some(match *code {
            "correction_pending" => d.dt_pending_exists,
            _ => d.dt_not_now,
        }),
        _ => None,
    }
}

fn year_of(q: &YearQuery) -> i32 {
    q.year
        .trim()
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| minsheng_domain::clock::today().year())
}

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "duty.html")]
struct RecordPage {
    c: Chrome,
    d: &'static DutyMsg,
    /// `d` (the deputy's own, with correction forms) or `admin` (reading one deputy's).
    base: &'static str,
    who: String,
    year: i32,
    years: Vec<i32>,
    version: Option<i32>,
    total: String,
    lines: Vec<LineView>,
    requests: Vec<RequestView>,
    error: Option<&'static str>,
    /// The correction form as typed: line key, kind, reason.
    kept: (String, String, String),
}

fn years() -> Vec<i32> {
    let y = minsheng_domain::clock::today().year();
    vec![y, y - 1, y - 2]
}

async fn record_page(
    state: &WebState,
    user: &PageUser,
    deputy_id: Uuid,
    year: i32,
    error: Option<&'static str>,
    kept: (String, String, String),
) -> PageResult {
    let d = user.prefs.lang.duty();
    let fail = |e| PageError::from_domain(e, user.prefs);
    let r = record::of_deputy(&state.db, &user.actor, deputy_id, year)
        .await
        .map_err(fail)?;
    let who = minsheng_domain::entities::deputies::Entity::find_by_id(deputy_id)
        .one(&state.db)
        .await
        .map_err(|e| fail(e.into()))?
        .map(|x| format!("{} {}", x.name, x.deputy_code))
        .unwrap_or_default();
    let own = user.actor.deputy_id == Some(deputy_id);
    let requests = if own {
        corrections::list(&state.db, &user.actor, year)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|c| request_view(d, c, String::new()))
            .collect()
    } else {
        Vec::new()
    };
    let (base, here) = if own {
        ("d", "/d/duty".to_owned())
    } else {
        ("admin", format!("/admin/duty/deputies/{deputy_id}"))
    };
    let mut resp = html(&RecordPage {
        c: Chrome::for_user(user, &here),
        d,
        base,
        who,
        year,
        years: years(),
        version: r.rule_version,
        total: signed(r.total),
        lines: r.lines.into_iter().map(|l| line_view(d, l)).collect(),
        requests,
        error,
        kept,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /d/duty?year=`: the deputy's own record, line by line, with correction forms.
pub async fn mine(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let me = user
        .actor
        .require_deputy()
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    record_page(&state, &user, me, year_of(&q), None, Default::default()).await
}

/// `GET /admin/duty/deputies/{id}?year=`: one deputy's record, for the office.
pub async fn of_deputy(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    user.actor
        .require_admin()
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    record_page(&state, &user, id, year_of(&q), None, Default::default()).await
}

/// `POST /d/duty/corrections`: `year`, `kind` (`wrong`, `duplicate`, `missing`), `line_key`,
/// `reason`.
pub async fn ask(
    State(state): State<WebState>,
    user: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let d = user.prefs.lang.duty();
    let me = user
        .actor
        .require_deputy()
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let year = year_of(&YearQuery {
        year: field(&pairs, "year").to_owned(),
    });
    let key = field(&pairs, "line_key");
    let done = corrections::ask(
        &state.db,
        &user.actor,
        year,
        field(&pairs, "kind"),
        (!key.is_empty()).then_some(key),
        field(&pairs, "reason"),
    )
    .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/d/duty?year={year}")).into_response()),
        Err(e) => match sentence(d, &e) {
            Some(s) => {
                let kept = (
                    key.to_owned(),
                    field(&pairs, "kind").to_owned(),
                    field(&pairs, "reason").to_owned(),
                );
                record_page(&state, &user, me, year, Some(s), kept).await
            }
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}

/// A rule's input on the office's form.
struct RuleInput {
    kind: &'static str,
    word: &'static str,
    points: String,
}

struct TotalRow {
    id: String,
    code: String,
    name: String,
    total: String,
    lines: usize,
}

struct SnapshotRow {
    id: String,
    label: String,
    published: bool,
}

#[derive(Template)]
#[template(path = "admin_duty.html")]
struct OfficePage {
    c: Chrome,
    d: &'static DutyMsg,
    year: i32,
    years: Vec<i32>,
    version: Option<i32>,
    rules: Vec<RuleInput>,
    /// The kinds the office records by hand: (word, label).
    office_kinds: Vec<(&'static str, &'static str)>,
    sessions: Vec<(String, String)>,
    totals: Vec<TotalRow>,
    requests: Vec<RequestView>,
    snapshots: Vec<SnapshotRow>,
    /// Quarters of the year begun and not yet snapshotted.
    can_take: Vec<i32>,
    today: String,
    error: Option<&'static str>,
    /// The form typed before a refusal, by field name.
    kept: Vec<(String, String)>,
}

impl OfficePage {
    fn v(&self, name: &str) -> &str {
        field(&self.kept, name)
    }
}

fn quarter_label(d: &DutyMsg, s: &duty_snapshots::Model) -> String {
    format!(
        "{}（{}）",
        d.dt_quarter
            .replace("{year}", &s.year.to_string())
            .replace("{q}", &s.quarter.to_string()),
        d.dt_as_of.replace("{date}", &s.as_of.to_string())
    )
}

async fn office_page(
    state: &WebState,
    user: &PageUser,
    year: i32,
    error: Option<&'static str>,
    kept: Vec<(String, String)>,
) -> PageResult {
    let d = user.prefs.lang.duty();
    let fail = |e| PageError::from_domain(e, user.prefs);
    user.actor.require_admin().map_err(fail)?;
    let current = rules::current(&state.db, year).await.map_err(fail)?;
    let rules = ActivityKind::ALL
        .iter()
        .map(|k| RuleInput {
            kind: k.as_str(),
            word: kind_word(d, *k),
            points: match field(&kept, &format!("p_{}", k.as_str())) {
                "" => current.as_ref().map(|r| r.of(*k)).unwrap_or(0).to_string(),
                typed => typed.to_owned(),
            },
        })
        .collect();
    let totals = record::totals(&state.db, &user.actor, year)
        .await
        .map_err(fail)?;
    let names: std::collections::HashMap<Uuid, String> = totals
        .iter()
        .map(|(dep, _)| (dep.id, format!("{} {}", dep.name, dep.deputy_code)))
        .collect();
    // A waiting request names its line as the deputy saw it: date, kind, title.
    let mut requests = Vec::new();
    let mut records: std::collections::HashMap<Uuid, record::Record> = Default::default();
    for c in corrections::list(&state.db, &user.actor, year)
        .await
        .map_err(fail)?
    {
        let who = names.get(&c.deputy_id).cloned().unwrap_or_default();
        let line = match (&c.line_key, c.status.as_str()) {
            (Some(key), "pending") => {
                let r = match records.entry(c.deputy_id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => e.insert(
                        record::of_deputy(&state.db, &user.actor, c.deputy_id, year)
                            .await
                            .map_err(fail)?,
                    ),
                };
                r.lines
                    .iter()
                    .find(|l| &l.key == key)
                    .map(|l| format!("{} · {} · {}", l.on, kind_word(d, l.kind), l.title))
            }
            _ => None,
        };
        requests.push(request_view_with(d, c, who, line));
    }
    let snaps = snapshots::list(&state.db, Some(&user.actor), Some(year))
        .await
        .map_err(fail)?;
    let today = minsheng_domain::clock::today();
    let can_take = snapshots::takeable(year, today, &snaps);
    let sessions = congress_sessions::Entity::find()
        .filter(congress_sessions::Column::Year.eq(year))
        .order_by_desc(congress_sessions::Column::CreatedAt)
        .all(&state.db)
        .await
        .map_err(|e| fail(e.into()))?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let mut resp = html(&OfficePage {
        c: Chrome::for_user(user, "/admin/duty"),
        d,
        year,
        years: years(),
        version: current.as_ref().map(|r| r.version),
        rules,
        office_kinds: ActivityKind::ALL
            .iter()
            .filter(|k| k.recorded_by_office())
            .map(|k| (k.as_str(), kind_word(d, *k)))
            .collect(),
        sessions,
        totals: totals
            .into_iter()
            .map(|(dep, r)| TotalRow {
                id: dep.id.to_string(),
                code: dep.deputy_code,
                name: dep.name,
                total: signed(r.total),
                lines: r.lines.len(),
            })
            .collect(),
        requests,
        snapshots: snaps
            .iter()
            .map(|s| SnapshotRow {
                id: s.id.to_string(),
                label: quarter_label(d, s),
                published: s.published,
            })
            .collect(),
        can_take,
        today: today.to_string(),
        error,
        kept,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /admin/duty?year=`: the office's desk for the duty record.
pub async fn office(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<YearQuery>,
) -> PageResult {
    office_page(&state, &user, year_of(&q), None, Vec::new()).await
}

fn one_deputy(ids: Vec<Uuid>) -> Result<Uuid, Error> {
    ids.into_iter().next().ok_or_else(|| {
        Error::invalid_field(
            minsheng_domain::error::ErrorCode::UnknownDeputy,
            "deputy",
            "a deputy code",
        )
    })
}

fn date(pairs: &[(String, String)], name: &str) -> Result<NaiveDate, Error> {
    field(pairs, name).trim().parse().map_err(|_| {
        Error::invalid_field(
            minsheng_domain::error::ErrorCode::InvalidDate,
            name,
            "a date like 2026-11-30",
        )
    })
}

/// `POST /admin/duty/{action}`: `rules` (`year`, `p_{kind}` each), `activity` (`code`, `kind`,
/// `held_on`, `title`, `evidence`), `leave` (`session`, `code`, `half_days`, `reason`), `decide`
/// (`id`, `accept` 1/0, `note`, and for a missing activity `kind`, `held_on`, `title`,
/// `evidence`), `snapshot` (`quarter`), `publish` (`id`).
pub async fn act(
    State(state): State<WebState>,
    user: PageUser,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let d = user.prefs.lang.duty();
    let (db, a) = (&state.db, &user.actor);
    let year = year_of(&YearQuery {
        year: field(&pairs, "year").to_owned(),
    });
    let activity = |deputy_id| NewActivity {
        deputy_id,
        kind: field(&pairs, "kind").to_owned(),
        held_on: date(&pairs, "held_on").unwrap_or(NaiveDate::MAX),
        title: field(&pairs, "title").to_owned(),
        evidence: field(&pairs, "evidence").to_owned(),
    };
    let done: Result<(), Error> = match action.as_str() {
        "rules" => {
            let mut list = Vec::new();
            let mut bad = false;
            for k in ActivityKind::ALL {
                match field(&pairs, &format!("p_{}", k.as_str())).trim() {
                    "" => {}
                    typed => match typed.parse::<i32>() {
                        Ok(p) => list.push((k.as_str().to_owned(), p)),
                        Err(_) => bad = true,
                    },
                }
            }
            if bad {
                Err(Error::invalid_field(
                    minsheng_domain::error::ErrorCode::InvalidPoints,
                    "rules",
                    "whole numbers",
                ))
            } else {
                rules::set(db, a, year, &list).await.map(|_| ())
            }
        }
        "activity" => match deputies_by_code(db, &[field(&pairs, "code").to_owned()])
            .await
            .and_then(one_deputy)
        {
            Ok(id) => match date(&pairs, "held_on") {
                Ok(_) => office::record_activity(db, a, activity(id))
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        "leave" => {
            let session = field(&pairs, "session").parse::<Uuid>();
            let code = deputies_by_code(db, &[field(&pairs, "code").to_owned()])
                .await
                .and_then(one_deputy);
            match (session, code) {
                (Ok(s), Ok(id)) => {
                    let half_days = field(&pairs, "half_days").trim().parse().unwrap_or(-1);
                    office::set_leave(db, a, s, id, half_days, field(&pairs, "reason")).await
                }
                (Err(_), _) => return Err(PageError::not_found(user.prefs)),
                (_, Err(e)) => Err(e),
            }
        }
        "decide" => {
            let Ok(id) = field(&pairs, "id").parse::<Uuid>() else {
                return Err(PageError::not_found(user.prefs));
            };
            let accept = match field(&pairs, "accept") {
                "1" => true,
                "0" => false,
                _ => return Err(PageError::not_found(user.prefs)),
            };
            let add = (accept && !field(&pairs, "kind").is_empty()).then(|| activity(Uuid::nil()));
            match (&add, date(&pairs, "held_on")) {
                (Some(_), Err(e)) => Err(e),
                _ => corrections::decide(db, a, id, accept, field(&pairs, "note"), add)
                    .await
                    .map(|_| ()),
            }
        }
        "snapshot" => {
            let q = field(&pairs, "quarter").parse().unwrap_or(0);
            snapshots::take(db, a, year, q).await.map(|_| ())
        }
        "publish" => {
            let Ok(id) = field(&pairs, "id").parse::<Uuid>() else {
                return Err(PageError::not_found(user.prefs));
            };
            snapshots::publish(db, a, id).await.map(|_| ())
        }
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/admin/duty?year={year}")).into_response()),
        Err(e) => match sentence(d, &e) {
            Some(s) => office_page(&state, &user, year, Some(s), pairs.clone()).await,
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}

#[derive(Template)]
#[template(path = "duty_public.html")]
struct PublicPage {
    c: Chrome,
    d: &'static DutyMsg,
    /// The published quarters, newest first: (id, label).
    quarters: Vec<(String, String)>,
    /// The quarter shown, with every deputy's row.
    shown: Option<(String, Vec<PublicRow>)>,
}

struct PublicRow {
    code: String,
    name: String,
    total: String,
    lines: Vec<LineView>,
}

/// `GET /duty`: the published quarters; `GET /duty/snapshots/{id}`: one of them. Public.
pub async fn public(State(state): State<WebState>, prefs: Prefs) -> PageResult {
    public_page(&state, prefs, None, None).await
}

/// The office also reads a snapshot before publishing it.
pub async fn public_snapshot(
    State(state): State<WebState>,
    prefs: Prefs,
    user: Option<PageUser>,
    Path(id): Path<Uuid>,
) -> PageResult {
    let actor = user.map(|u| u.actor);
    public_page(&state, prefs, Some(id), actor.as_ref()).await
}

async fn public_page(
    state: &WebState,
    prefs: Prefs,
    id: Option<Uuid>,
    actor: Option<&minsheng_domain::Actor>,
) -> PageResult {
    let d = prefs.lang.duty();
    let fail = |e| PageError::from_domain(e, prefs);
    let list = snapshots::list(&state.db, None, None).await.map_err(fail)?;
    let shown = match id {
        Some(id) => {
            let s = snapshots::get(&state.db, actor, id).await.map_err(fail)?;
            Some((
                quarter_label(d, &s.meta),
                s.rows
                    .into_iter()
                    .map(|r| PublicRow {
                        code: r.deputy_code,
                        name: r.name,
                        total: signed(r.total),
                        lines: r.lines.into_iter().map(|l| line_view(d, l)).collect(),
                    })
                    .collect(),
            ))
        }
        None => None,
    };
    Ok(html(&PublicPage {
        c: Chrome::public(prefs, "/duty"),
        d,
        quarters: list
            .iter()
            .map(|s| (s.id.to_string(), quarter_label(d, s)))
            .collect(),
        shown,
    }))
}
