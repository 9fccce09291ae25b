//! The congress office's records, at a desk: deputies (list, add one, CSV import) with the printable
//! sheet of login slips, and new sessions. Every rule is the domain's; a refusal comes back as the
//! same form with the office's input kept and one sentence saying what to fix.

use askama::Template;
use axum::{
    Form,
    extract::{Multipart, Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect},
};
use minsheng_domain::{
    Error,
    accounts::{self, CreatedDeputy, NewDeputy},
    entities::deputies,
    sessions::{self, SessionSummary},
};
use serde::Deserialize;
use uuid::Uuid;

use super::field;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::Msg,
    render::{Chrome, html},
    session::PageUser,
};

pub(crate) fn require_admin(user: &PageUser) -> Result<(), PageError> {
    user.actor
        .require_admin()
        .map_err(|e| PageError::from_domain(e, user.prefs))
}

/// A refusal the office can fix by changing the form: its status (422 for content, 409 for a
/// conflict with what is stored) and a sentence in the visitor's language. Anything else (not
/// allowed, not found, a fault) is an error page.
pub(crate) fn refusal(
    user: &PageUser,
    e: Error,
    labels: &[(&str, &'static str)],
) -> Result<(StatusCode, String), PageError> {
    let t = user.prefs.lang.msg();
    let (status, code, message, field) = match &e {
        Error::Invalid {
            code,
            message,
            fields,
        } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            *code,
            message.clone(),
            fields.first().map(|f| f.field.clone()),
        ),
        Error::Conflict { code, message } => (StatusCode::CONFLICT, *code, message.clone(), None),
        _ => return Err(PageError::from_domain(e, user.prefs)),
    };
    Ok((
        status,
        sentence(t, code, &message, field.as_deref(), labels),
    ))
}

/// The sentence for a domain refusal. A CSV row named by the domain ("row 3: …") is named in the
/// sentence too; a text field's sentence names the field.
pub(crate) fn sentence(
    t: &Msg,
    code: &str,
    message: &str,
    field: Option<&str>,
    labels: &[(&str, &'static str)],
) -> String {
    let (row, rest) = match message
        .strip_prefix("row ")
        .and_then(|m| m.split_once(": "))
        .and_then(|(n, rest)| n.parse::<u64>().ok().map(|n| (n, rest)))
    {
        Some((n, rest)) => (Some(n), rest),
        None => (None, message),
    };
    let body = match code {
        "invalid_deputy_code" => t.r_deputy_code.to_owned(),
        "invalid_username" => t.r_username.to_owned(),
        "invalid_text" => {
            // The domain's message starts with the field's name ("name must be …").
            let name = match (row, field) {
                (None, Some(f)) => f,
                _ => rest.split_whitespace().next().unwrap_or(""),
            };
            let label = labels
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, l)| *l)
                .unwrap_or_else(|| field_label(t, name));
            let gap = if t.html_lang == "en" { " " } else { "" };
            format!("{label}{gap}{}", t.r_text)
        }
        "duplicate_deputy_code" => t.r_duplicate_code.to_owned(),
        "username_taken" => t.r_username_taken.to_owned(),
        "invalid_csv" => t.r_csv.to_owned(),
        "unknown_column" => {
            let column = rest.split('"').nth(1).unwrap_or("");
            format!("{}“{column}”", t.r_unknown_column)
        }
        "duplicate_column" => t.r_duplicate_column.to_owned(),
        "missing_column" => t.r_missing_column.to_owned(),
        "empty_csv" => t.r_empty_csv.to_owned(),
        "invalid_year" => t.r_year.to_owned(),
        "invalid_budget" => t.r_budget.to_owned(),
        "invalid_source" => t.r_source.to_owned(),
        "project_frozen" => t.r_project_frozen.to_owned(),
        "project_in_vote" => t.r_project_in_vote.to_owned(),
        "invalid_seats" => t.r_seats.to_owned(),
        "not_enough_candidates" => t.r_not_enough.to_owned(),
        "duplicate_candidate" => t.r_duplicate_candidate.to_owned(),
        "unknown_project" => t.r_unknown_project.to_owned(),
        "project_not_eligible" => t.r_not_eligible.to_owned(),
        "candidate_in_other_vote" => t.r_in_other_vote.to_owned(),
        "vote_not_draft" => t.r_vote_not_draft.to_owned(),
        "runoff_candidates_fixed" => t.r_runoff_fixed.to_owned(),
        "roster_locked" => t.r_roster_locked.to_owned(),
        "unknown_deputy" => t.r_unknown_deputy.to_owned(),
        other => t.for_code(other).to_owned(),
    };
    match row {
        Some(n) => format!("{}{n}{}{body}", t.row_before, t.row_after),
        None => body,
    }
}

fn field_label(t: &Msg, field: &str) -> &'static str {
    match field {
        "name" => t.name,
        "delegation" => t.delegation,
        "title" => t.title_field,
        "summary" => t.summary_field,
        "category" => t.category,
        "department" => t.department,
        _ => t.title_field,
    }
}

// ---------------------------------------------------------------------------------------------
// Deputies

const PAGE: u64 = 200;

#[derive(Debug, Default, Deserialize)]
pub struct DeputyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    deputy_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    delegation: String,
    #[serde(default)]
    username: String,
}

#[derive(Template)]
#[template(path = "admin_deputies.html")]
struct DeputiesPage {
    c: Chrome,
    deputies: Vec<deputies::Model>,
    total: u64,
    prev: Option<u64>,
    next: Option<u64>,
    form: DeputyForm,
    error: Option<String>,
    import_error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OffsetQuery {
    #[serde(default)]
    offset: u64,
}

async fn deputies_page(
    state: &WebState,
    user: &PageUser,
    offset: u64,
    form: DeputyForm,
    error: Option<(StatusCode, String)>,
    import_error: Option<(StatusCode, String)>,
) -> PageResult {
    let page = accounts::list_deputies(&state.db, &user.actor, PAGE, offset)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    let status = error
        .as_ref()
        .or(import_error.as_ref())
        .map(|(s, _)| *s)
        .unwrap_or(StatusCode::OK);
    let mut resp = html(&DeputiesPage {
        c: Chrome::for_user(user, "/admin/deputies"),
        total: page.total,
        prev: (offset > 0).then(|| offset.saturating_sub(PAGE)),
        next: (offset + PAGE < page.total).then_some(offset + PAGE),
        deputies: page.items,
        form,
        error: error.map(|(_, s)| s),
        import_error: import_error.map(|(_, s)| s),
    });
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /admin/deputies?offset=`: the deputies by code, the add form and the import form.
pub async fn deputies(
    State(state): State<WebState>,
    user: PageUser,
    Query(q): Query<OffsetQuery>,
) -> PageResult {
    require_admin(&user)?;
    deputies_page(&state, &user, q.offset, DeputyForm::default(), None, None).await
}

/// `POST /admin/deputies`: adds one deputy and answers with its login slip.
pub async fn add_deputy(
    State(state): State<WebState>,
    user: PageUser,
    headers: HeaderMap,
    Form(f): Form<DeputyForm>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    let username = Some(f.username.trim()).filter(|u| !u.is_empty());
    let created = accounts::create_deputy(
        &state.db,
        &state.hasher,
        &user.actor,
        NewDeputy {
            deputy_code: f.deputy_code.trim(),
            name: &f.name,
            delegation: &f.delegation,
            username,
        },
    )
    .await;
    match created {
        Ok(d) => Ok(slips(&state, &user, &headers, vec![d])),
        Err(e) => {
            let refused = refusal(&user, e, &[])?;
            deputies_page(&state, &user, 0, f, Some(refused), None).await
        }
    }
}

/// `POST /admin/deputies/import` (multipart: `csrf`, `file`): imports a CSV in UTF-8 or GBK, all
/// or nothing, and answers with the sheet of login slips.
pub async fn import_deputies(
    State(state): State<WebState>,
    user: PageUser,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let t = user.prefs.lang.msg();
    let bad_form = || PageError::new(StatusCode::BAD_REQUEST, t.bad_form, user.prefs);
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(part) = form.next_field().await.map_err(|_| bad_form())? {
        match part.name() {
            Some("csrf") => csrf = part.text().await.map_err(|_| bad_form())?,
            Some("file") => file = Some(part.bytes().await.map_err(|_| bad_form())?),
            _ => {}
        }
    }
    user.check_form(&csrf)?;
    let refuse = |sentence: &str| Some((StatusCode::UNPROCESSABLE_ENTITY, sentence.to_owned()));
    let text = match file.as_deref() {
        None | Some([]) => None,
        Some(bytes) => match minsheng_domain::csv_text::decode(bytes, false) {
            Ok(text) => Some(text),
            Err(e) => {
                let sentence = if e.mixed {
                    t.r_mixed_encoding
                } else {
                    t.r_encoding
                }
                .replace("{row}", &e.row.to_string());
                return deputies_page(
                    &state,
                    &user,
                    0,
                    DeputyForm::default(),
                    None,
                    Some((StatusCode::UNPROCESSABLE_ENTITY, sentence)),
                )
                .await;
            }
        },
    };
    let Some(text) = text else {
        return deputies_page(
            &state,
            &user,
            0,
            DeputyForm::default(),
            None,
            refuse(t.r_no_file),
        )
        .await;
    };
    match accounts::import_deputies_csv(
        &state.db,
        &state.hasher,
        &user.actor,
        &text,
        state.import_max_rows,
    )
    .await
    {
        Ok(created) => {
            tracing::info!(count = created.len(), "deputies imported from a page");
            Ok(slips(&state, &user, &headers, created))
        }
        Err(e) => {
            let refused = refusal(&user, e, &[])?;
            deputies_page(&state, &user, 0, DeputyForm::default(), None, Some(refused)).await
        }
    }
}

struct Slip {
    name: String,
    code: String,
    delegation: String,
    username: String,
    password: String,
}

#[derive(Template)]
#[template(path = "admin_slips.html")]
struct SlipsPage {
    c: Chrome,
    slips: Vec<Slip>,
    address: String,
    /// The address as a QR code, an inline SVG drawn here (no network, no script).
    qr: String,
}

/// The site's address as the office reached it: the request's `Host`, over https when the service
/// is behind TLS.
fn site_address(state: &WebState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/")
}

fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(132, 132)
                .quiet_zone(true)
                .build();
            // Inline in the page: no XML declaration.
            match svg.find("<svg") {
                Some(at) => svg[at..].to_owned(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// The printable sheet: one slip per new deputy. The one-time passwords exist only in this
/// response (`no-store`); nothing logs or keeps them.
fn slips(
    state: &WebState,
    user: &PageUser,
    headers: &HeaderMap,
    created: Vec<CreatedDeputy>,
) -> axum::response::Response {
    let address = site_address(state, headers);
    html(&SlipsPage {
        c: Chrome::for_user(user, "/admin/deputies"),
        qr: qr_svg(&address),
        slips: created
            .into_iter()
            .map(|d| Slip {
                name: d.deputy.name,
                code: d.deputy.deputy_code,
                delegation: d.deputy.delegation,
                username: d.username,
                password: d.initial_password,
            })
            .collect(),
        address,
    })
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[derive(Debug, Default, Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    year: String,
}

/// `POST /admin/sessions`: a new session whose roster is every enabled deputy; then its page.
pub async fn create_session(
    State(state): State<WebState>,
    user: PageUser,
    Form(f): Form<SessionForm>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    let t = user.prefs.lang.msg();
    let refused = match f.year.trim().parse::<i32>() {
        Err(_) => (StatusCode::UNPROCESSABLE_ENTITY, t.r_year.to_owned()),
        Ok(year) => match sessions::create(&state.db, &user.actor, &f.name, year).await {
            Ok(s) => {
                return Ok(
                    Redirect::to(&format!("/admin/sessions/{}", s.session.id)).into_response()
                );
            }
            Err(e) => refusal(&user, e, &[("name", t.session_name)])?,
        },
    };
    super::admin::home_page(&state, &user, f.name, f.year, Some(refused)).await
}

struct RosterLine {
    deputy: deputies::Model,
    on: bool,
}

#[derive(Template)]
#[template(path = "admin_roster.html")]
struct RosterPage {
    c: Chrome,
    s: SessionSummary,
    lines: Vec<RosterLine>,
    error: Option<String>,
}

/// Every deputy, ticked when on the roster (or, after a refusal, when the office had ticked it).
async fn roster_page(
    state: &WebState,
    user: &PageUser,
    id: Uuid,
    ticked: Option<Vec<Uuid>>,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let fail = |e| PageError::from_domain(e, user.prefs);
    let s = sessions::get(&state.db, &user.actor, id)
        .await
        .map_err(fail)?;
    let ticked = match ticked {
        Some(t) => t,
        None => sessions::roster(&state.db, &user.actor, id)
            .await
            .map_err(fail)?
            .into_iter()
            .map(|r| r.deputy.id)
            .collect(),
    };
    let all = accounts::list_deputies(&state.db, &user.actor, 10_000, 0)
        .await
        .map_err(fail)?;
    let code = refused.as_ref().map_or(StatusCode::OK, |(c, _)| *c);
    let mut resp = html(&RosterPage {
        c: Chrome::for_user(user, &format!("/admin/sessions/{id}/roster")),
        s,
        lines: all
            .items
            .into_iter()
            .map(|d| RosterLine {
                on: ticked.contains(&d.id),
                deputy: d,
            })
            .collect(),
        error: refused.map(|(_, m)| m),
    });
    *resp.status_mut() = code;
    Ok(resp)
}

/// `GET /admin/sessions/{id}/roster`: the deputies in office (实有代表) for this session.
pub async fn roster(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
) -> PageResult {
    require_admin(&user)?;
    roster_page(&state, &user, id, None, None).await
}

/// `POST /admin/sessions/{id}/roster` (`deputy_ids`, repeated): replaces the roster; refused
/// once a vote of the session has opened.
pub async fn set_roster(
    State(state): State<WebState>,
    user: PageUser,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf").unwrap_or(""))?;
    let ticked: Vec<Uuid> = pairs
        .iter()
        .filter(|(k, _)| k == "deputy_ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    match sessions::set_roster(&state.db, &user.actor, id, &ticked).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/sessions/{id}")).into_response()),
        Err(e) => {
            let refused = refusal(&user, e, &[])?;
            roster_page(&state, &user, id, Some(ticked), Some(refused)).await
        }
    }
}
