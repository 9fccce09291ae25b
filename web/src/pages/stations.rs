//! The liaison-station pages (代表联络站): the public list, each station's page and the citizen's
//! lookup by code (`/stations`, `/stations/{id}`, `/stations/lookup`); the work page where a
//! station's deputies and the office record citizens' opinions and handle them (`/d/stations`,
//! `/admin/stations`, where the office also creates stations and schedules reception days). The
//! rules are `minsheng_domain::stations`.

use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use minsheng_domain::{
    Error,
    entities::station_opinions,
    stations::{self, Handling, NewOpinion, NewStation, PublicOpinion, StationView},
    suggestions::deputies_by_code,
    vocabulary::Role,
};
use uuid::Uuid;

use super::typed as field;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::duty::DutyMsg,
    render::{Chrome, html},
    session::{PageUser, Prefs},
};

fn codes(text: &str) -> Vec<String> {
    text.split([' ', ',', '，', '、', '\n', '\r', '\t'])
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A station as the pages show it.
struct StationCard {
    id: String,
    name: String,
    address: String,
    kind: &'static str,
    deputies: String,
    /// (day, note, deputies on duty) from today on.
    next: Vec<(String, String, String)>,
    past: Vec<(String, String, String)>,
    days: Vec<(String, String)>,
}

fn card(d: &DutyMsg, v: StationView) -> StationCard {
    let today = minsheng_domain::clock::today();
    let names = |ds: &[minsheng_domain::entities::deputies::Model]| {
        ds.iter()
            .map(|x| x.name.clone())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut next = Vec::new();
    let mut past = Vec::new();
    let mut days = Vec::new();
    for (day, who) in &v.days {
        let row = (day.day.to_string(), day.note.clone(), names(who));
        days.push((day.id.to_string(), day.day.to_string()));
        if day.day >= today {
            next.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    StationCard {
        id: v.station.id.to_string(),
        name: v.station.name.clone(),
        address: v.station.address.clone(),
        kind: if v.station.kind == "model" {
            d.st_kind_model
        } else {
            d.st_kind_normal
        },
        deputies: names(&v.deputies),
        next,
        past,
        days,
    }
}

/// An opinion as the public and the citizen read it.
struct PublicLine {
    received_on: String,
    content: String,
    status: String,
    answer: Option<String>,
    suggestion_answers: Vec<String>,
    /// The adopted project it became: its page and title.
    project: Option<(String, String)>,
}

fn public_line(d: &DutyMsg, p: PublicOpinion) -> PublicLine {
    let status = match p.status.as_str() {
        "answered" => d.st_status_answered.to_owned(),
        "passed_on" => d
            .st_status_passed_on
            .replace("{unit}", p.passed_to.as_deref().unwrap_or("")),
        "suggestion" => d.st_status_suggestion.replace(
            "{n}",
            &p.suggestion
                .as_ref()
                .map(|s| s.0.to_string())
                .unwrap_or_default(),
        ),
        "project" => d.st_status_project.to_owned(),
        _ => d.st_status_received.to_owned(),
    };
    PublicLine {
        project: p
            .project
            .map(|(id, title)| (format!("/projects/{id}"), title)),
        received_on: p.received_on.to_string(),
        content: p.content,
        status,
        answer: p.answer,
        suggestion_answers: p.suggestion.map(|s| s.2).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "stations_public.html")]
struct PublicPage {
    c: Chrome,
    d: &'static DutyMsg,
    stations: Vec<StationCard>,
    /// One station's page: its card and what it received.
    one: Option<(StationCard, Vec<PublicLine>)>,
    /// The lookup: the code typed, and what it found (or the refusal).
    code: String,
    found: Option<PublicLine>,
    not_found: bool,
}

/// `GET /stations`: every station, with the lookup form. Public.
pub async fn list(State(state): State<WebState>, prefs: Prefs) -> PageResult {
    let d = prefs.lang.duty();
    let fail = |e| PageError::from_domain(e, prefs);
    let mut cards = Vec::new();
    for s in stations::list(&state.db).await.map_err(fail)? {
        cards.push(card(d, stations::get(&state.db, s.id).await.map_err(fail)?));
    }
    Ok(html(&PublicPage {
        c: Chrome::public(prefs, "/stations"),
        d,
        stations: cards,
        one: None,
        code: String::new(),
        found: None,
        not_found: false,
    }))
}

/// `GET /stations/{id}`: a station's deputies, reception days and what it received and did.
/// Public.
pub async fn page(State(state): State<WebState>, prefs: Prefs, Path(id): Path<Uuid>) -> PageResult {
    let d = prefs.lang.duty();
    let fail = |e| PageError::from_domain(e, prefs);
    let v = stations::get(&state.db, id).await.map_err(fail)?;
    let record = stations::public_record(&state.db, id)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|p| public_line(d, p))
        .collect();
    Ok(html(&PublicPage {
        c: Chrome::public(prefs, &format!("/stations/{id}")),
        d,
        stations: Vec::new(),
        one: Some((card(d, v), record)),
        code: String::new(),
        found: None,
        not_found: false,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

/// `GET /stations/lookup?code=`: the citizen's lookup. Public.
pub async fn lookup(
    State(state): State<WebState>,
    prefs: Prefs,
    Query(q): Query<CodeQuery>,
) -> PageResult {
    let d = prefs.lang.duty();
    let code: String = q.code.trim().chars().take(20).collect();
    let (found, not_found) = if code.is_empty() {
        (None, false)
    } else {
        match stations::lookup(&state.db, &code).await {
            Ok(p) => (Some(public_line(d, p)), false),
            Err(Error::NotFound { .. }) => (None, true),
            Err(e) => return Err(PageError::from_domain(e, prefs)),
        }
    };
    let mut resp = html(&PublicPage {
        c: Chrome::public(prefs, "/stations/lookup"),
        d,
        stations: Vec::new(),
        one: None,
        code,
        found,
        not_found,
    });
    if not_found {
        *resp.status_mut() = StatusCode::NOT_FOUND;
    }
    Ok(resp)
}

/// An opinion as the station's deputies and the office see it.
struct WorkOpinion {
    id: String,
    code: String,
    citizen: String,
    contact: String,
    content: String,
    received: String,
    open: bool,
    status: String,
    answer: Option<String>,
}

fn work_opinion(d: &DutyMsg, o: station_opinions::Model, number: Option<i64>) -> WorkOpinion {
    let status = match o.status.as_str() {
        "answered" => d.st_status_answered.to_owned(),
        "passed_on" => d
            .st_status_passed_on
            .replace("{unit}", o.passed_to.as_deref().unwrap_or("")),
        "suggestion" => d
            .st_status_suggestion
            .replace("{n}", &number.map(|n| n.to_string()).unwrap_or_default()),
        "project" => d.st_status_project.to_owned(),
        _ => d.st_status_received.to_owned(),
    };
    WorkOpinion {
        id: o.id.to_string(),
        code: o.code,
        citizen: o.citizen_name,
        contact: o.contact,
        content: o.content,
        received: minsheng_domain::clock::china_date(o.created_at).to_string(),
        open: o.status == "received",
        status,
        answer: o.answer,
    }
}

#[derive(Template)]
#[template(path = "stations_work.html")]
struct WorkPage {
    c: Chrome,
    d: &'static DutyMsg,
    /// `d` or `admin`.
    base: &'static str,
    stations: Vec<(StationCard, Vec<WorkOpinion>)>,
    /// The code just given, to tell the citizen.
    given: Option<String>,
    /// For the office: the projects an opinion may be taken up as (id, title).
    projects: Vec<(String, String)>,
    error: Option<&'static str>,
    /// The form typed before a refusal.
    kept: Vec<(String, String)>,
    today: String,
}

impl WorkPage {
    fn v(&self, name: &str) -> &str {
        field(&self.kept, name)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct GivenQuery {
    #[serde(default)]
    given: String,
}

async fn work_page(
    state: &WebState,
    user: &PageUser,
    given: Option<String>,
    error: Option<&'static str>,
    kept: Vec<(String, String)>,
) -> PageResult {
    let d = user.prefs.lang.duty();
    let fail = |e| PageError::from_domain(e, user.prefs);
    let (base, list) = match user.actor.role {
        Role::Admin => ("admin", stations::list(&state.db).await.map_err(fail)?),
        Role::Deputy => (
            "d",
            stations::of_deputy(&state.db, user.actor.deputy_id.unwrap_or_default())
                .await
                .map_err(fail)?,
        ),
        Role::Department => return Err(PageError::not_found(user.prefs)),
    };
    let mut out = Vec::new();
    for s in list {
        let v = stations::get(&state.db, s.id).await.map_err(fail)?;
        let mut ops = Vec::new();
        for o in stations::opinions(&state.db, &user.actor, s.id)
            .await
            .map_err(fail)?
        {
            let number = match o.suggestion_id {
                Some(sid) => minsheng_domain::suggestions::get(&state.db, Some(&user.actor), sid)
                    .await
                    .ok()
                    .map(|v| v.s.number),
                None => None,
            };
            ops.push(work_opinion(d, o, number));
        }
        out.push((card(d, v), ops));
    }
    let here = if base == "admin" {
        "/admin/stations"
    } else {
        "/d/stations"
    };
    let projects = if base == "admin" {
        minsheng_domain::projects::list(&state.db, Some(&user.actor), None, None, 1_000, 0)
            .await
            .map_err(fail)?
            .items
            .into_iter()
            .map(|p| (p.id.to_string(), format!("{}（{}）", p.title, p.year)))
            .collect()
    } else {
        Vec::new()
    };
    let mut resp = html(&WorkPage {
        c: Chrome::for_user(user, here),
        d,
        base,
        stations: out,
        given,
        projects,
        error,
        kept,
        today: minsheng_domain::clock::today().to_string(),
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /d/stations`, `/admin/stations`: the stations the caller works for.
pub async fn work(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<GivenQuery>,
) -> PageResult {
    let given = Some(q.given.trim().to_owned())
        .filter(|g| g.len() == stations::CODE_LEN && g.chars().all(|c| c.is_ascii_alphanumeric()));
    work_page(&state, &user, given, None, Vec::new()).await
}

fn sentence(d: &DutyMsg, e: &Error) -> Option<&'static str> {
    match e {
        Error::Invalid { code, .. } => Some(match *code {
            "unknown_deputy" => d.dt_bad_code,
            "invalid_date" => d.dt_bad_date,
            _ => d.dt_bad_text,
        }),
        Error::Conflict { .. } => Some(d.dt_not_now),
        _ => None,
    }
}

/// `POST /{d,admin}/stations/{id}/{action}`: `opinion` (`day`, `citizen_name`, `contact`,
/// `content`); for the office `day` (`date`, `codes`, `note`). `POST /admin/stations/new/create`
/// (`name`, `address`, `kind`, `codes`).
pub async fn act(
    State(state): State<WebState>,
    user: PageUser,
    Path((_audience, id, action)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let d = user.prefs.lang.duty();
    let (db, a) = (&state.db, &user.actor);
    let station = id.parse::<Uuid>();
    let back = if a.role == Role::Admin {
        "/admin/stations"
    } else {
        "/d/stations"
    };
    let done: Result<Option<String>, Error> = match (action.as_str(), station) {
        ("create", _) if id == "new" => {
            match deputies_by_code(db, &codes(field(&pairs, "codes"))).await {
                Ok(ids) => stations::create(
                    db,
                    a,
                    NewStation {
                        name: field(&pairs, "name").to_owned(),
                        address: field(&pairs, "address").to_owned(),
                        kind: field(&pairs, "kind").to_owned(),
                        deputy_ids: ids,
                    },
                )
                .await
                .map(|_| None),
                Err(e) => Err(e),
            }
        }
        ("day", Ok(sid)) => {
            let date = field(&pairs, "date").trim().parse();
            match (
                date,
                deputies_by_code(db, &codes(field(&pairs, "codes"))).await,
            ) {
                (Ok(day), Ok(ids)) => {
                    stations::add_day(db, a, sid, day, &ids, field(&pairs, "note"))
                        .await
                        .map(|_| None)
                }
                (Err(_), _) => Err(Error::invalid_field(
                    minsheng_domain::error::ErrorCode::InvalidDate,
                    "date",
                    "a date",
                )),
                (_, Err(e)) => Err(e),
            }
        }
        ("opinion", Ok(sid)) => {
            let day = field(&pairs, "day").parse::<Uuid>().ok();
            stations::record_opinion(
                db,
                a,
                sid,
                NewOpinion {
                    reception_day_id: day,
                    citizen_name: field(&pairs, "citizen_name").to_owned(),
                    contact: field(&pairs, "contact").to_owned(),
                    content: field(&pairs, "content").to_owned(),
                },
            )
            .await
            .map(|o| Some(o.code))
        }
        ("answer" | "pass_on" | "suggestion" | "project", Ok(oid)) => {
            let h = match action.as_str() {
                "answer" => Handling::Answer(field(&pairs, "answer").to_owned()),
                "project" => match field(&pairs, "project").parse::<Uuid>() {
                    Ok(project_id) => Handling::Project {
                        project_id,
                        answer: field(&pairs, "answer").to_owned(),
                    },
                    Err(_) => return Err(PageError::not_found(user.prefs)),
                },
                "pass_on" => Handling::PassOn {
                    unit: field(&pairs, "unit").to_owned(),
                    answer: field(&pairs, "answer").to_owned(),
                },
                _ => Handling::Suggestion {
                    kind: "suggestion".into(),
                    title: field(&pairs, "title").to_owned(),
                },
            };
            stations::handle(db, a, oid, h).await.map(|_| None)
        }
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(Some(code)) => Ok(Redirect::to(&format!("{back}?given={code}")).into_response()),
        Ok(None) => Ok(Redirect::to(back).into_response()),
        Err(e) => match sentence(d, &e) {
            Some(s) => work_page(&state, &user, None, Some(s), pairs.clone()).await,
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}
