//! The suggestion pages (代表建议): a deputy submits, co-signs, sends on and rates the answer
//! (`/d/suggestions`); a handling unit answers what was assigned to it (`/dept/suggestions`); the
//! office assigns or returns what it received and publishes answers (`/admin/suggestions`). One
//! list per audience, each item with its state, its deadline and days left, and the actions that
//! are the caller's next: withdrawing (signers); asking to send it back or for more time, a
//! co-unit's opinion, promises kept (units); deciding requests and 督办 (the office). The 督办
//! lists and the yearly report are [`super::suggestion_board`]. The rules are
//! `minsheng_domain::suggestions`.

use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use chrono::NaiveDate;
use minsheng_domain::{
    Error,
    error::ErrorCode,
    suggestions::{
        self, Flags, NewAnswer, NewSuggestion, Promise, Status, View, opinions, promises, requests,
        withdrawal,
    },
    vocabulary::Role,
};
use uuid::Uuid;

use super::typed as field;
use crate::{
    WebState,
    error::{PageError, PageResult},
    i18n::followup::FollowMsg,
    render::{Chrome, html},
    session::PageUser,
};

/// A unit's request as the units and the office see it.
pub(crate) struct RequestLine {
    id: String,
    text: String,
    reason: String,
    pending: bool,
    /// The office's answer in words, with its note.
    decision: String,
}

/// A promise of an answer, and whether it is kept.
pub(crate) struct PromiseLine {
    answer_id: String,
    idx: i32,
    what: String,
    by: String,
    kept: Option<String>,
    late: bool,
    can_keep: bool,
}

/// One suggestion as a list shows it, with what the visitor may do next.
#[derive(Default)]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) number: i64,
    pub(crate) title: String,
    pub(crate) content: String,
    pub(crate) kind_word: &'static str,
    pub(crate) status_word: &'static str,
    /// 交办 or answer deadline with days left, in words; `overdue` marks it red.
    pub(crate) clock: Option<String>,
    pub(crate) overdue: bool,
    pub(crate) signers: String,
    pub(crate) units: String,
    pub(crate) answers: Vec<(String, String)>,
    pub(crate) return_reason: Option<String>,
    pub(crate) can_confirm: bool,
    pub(crate) can_send: bool,
    pub(crate) can_feedback: bool,
    pub(crate) can_answer: bool,
    pub(crate) can_assign: bool,
    pub(crate) can_publish: bool,
    pub(crate) can_withdraw: bool,
    pub(crate) withdraw_line: Option<String>,
    pub(crate) can_ask_return: bool,
    pub(crate) can_ask_extension: bool,
    pub(crate) can_give_opinion: bool,
    pub(crate) opinion_clock: Option<String>,
    /// (unit · date, text).
    pub(crate) opinions: Vec<(String, String)>,
    pub(crate) requests: Vec<RequestLine>,
    pub(crate) can_decide: bool,
    pub(crate) promises: Vec<PromiseLine>,
    pub(crate) key: bool,
    pub(crate) supervisor: String,
    pub(crate) can_flag: bool,
    /// What was typed into this item's forms before a refusal.
    pub(crate) kept: Vec<(String, String)>,
}

impl Item {
    /// A field as typed before a refusal (empty otherwise), for the form to show it again.
    fn v(&self, name: &str) -> &str {
        field(&self.kept, name)
    }
}

pub(crate) fn kind_word(f: &FollowMsg, k: &str) -> &'static str {
    match k {
        "criticism" => f.sg_criticism,
        "opinion" => f.sg_opinion,
        _ => f.sg_suggestion,
    }
}

pub(crate) fn status_word(f: &FollowMsg, s: Status) -> &'static str {
    match s {
        Status::Cosigning => f.sg_cosigning,
        Status::Submitted => f.sg_submitted,
        Status::Returned => f.sg_returned,
        Status::Assigned => f.sg_assigned,
        Status::Answered => f.sg_answered,
        Status::Reopened => f.sg_reopened,
        Status::Closed => f.sg_closed,
        Status::Withdrawn => f.sg_withdrawn,
    }
}

/// The lead unit, and the co-units in brackets.
pub(crate) fn units_line(
    f: &FollowMsg,
    s: &minsheng_domain::entities::suggestions::Model,
) -> String {
    let mut units = s.lead_unit.clone().unwrap_or_default();
    let co = suggestions::units(s);
    if !co.is_empty() {
        units.push_str(&format!("（{}：{}）", f.sg_co_units, co.join("、")));
    }
    units
}

fn request_line(
    f: &FollowMsg,
    r: &minsheng_domain::entities::suggestion_requests::Model,
) -> RequestLine {
    let text = match r.until {
        Some(d) => f.sg_req_extension.replace("{date}", &d.to_string()),
        None => f.sg_req_return.to_owned(),
    };
    let word = match r.status.as_str() {
        "approved" => f.sg_req_approved,
        "refused" => f.sg_req_refused,
        "lapsed" => f.sg_req_lapsed,
        _ => f.sg_req_pending,
    };
    RequestLine {
        id: r.id.to_string(),
        text: format!("{} · {}", r.unit, text),
        reason: r.reason.clone(),
        pending: r.status == "pending",
        decision: match &r.decision_note {
            Some(n) => format!("{word}：{n}"),
            None => word.to_owned(),
        },
    }
}

fn promise_lines(f: &FollowMsg, v: &View, can_keep: bool) -> Vec<PromiseLine> {
    let today = minsheng_domain::clock::today();
    let mut out = Vec::new();
    for a in &v.answers {
        for (i, p) in promises(a).into_iter().enumerate() {
            let idx = i as i32;
            let kept = v.kept.iter().find(|k| k.answer_id == a.id && k.idx == idx);
            out.push(PromiseLine {
                answer_id: a.id.to_string(),
                idx,
                what: p.what,
                by: f.sg_promise_by.replace("{date}", &p.by.to_string()),
                kept: kept.map(|k| {
                    f.sg_promise_kept
                        .replace("{date}", &k.kept_on.to_string())
                        .replace("{note}", &k.note)
                }),
                late: kept.is_none() && p.by < today,
                can_keep: can_keep && kept.is_none(),
            });
        }
    }
    out
}

pub(crate) fn item(f: &FollowMsg, user: &PageUser, v: View) -> Item {
    let me = user.actor.deputy_id;
    let mine = v.signers.iter().find(|s| Some(s.deputy_id) == me);
    let round = v.answers.len() as i32;
    let rated = v
        .feedback
        .iter()
        .any(|x| Some(x.deputy_id) == me && x.round == round);
    let lead_unit = user.actor.role == Role::Department
        && v.s.lead_unit.as_deref() == user.actor.department.as_deref();
    let (clock, overdue) = match (v.assign_days_left, v.answer_days_left) {
        (Some(d), _) => (
            Some(
                f.sg_assign_clock
                    .replace(
                        "{date}",
                        &v.s.assign_by.map(|d| d.to_string()).unwrap_or_default(),
                    )
                    .replace("{n}", &d.to_string()),
            ),
            d < 0,
        ),
        (None, Some(d)) => {
            let due = if v.status == Status::Reopened {
                v.s.second_answer_due
            } else {
                v.s.answer_due
            };
            (
                Some(
                    f.sg_answer_clock
                        .replace("{date}", &due.map(|d| d.to_string()).unwrap_or_default())
                        .replace("{n}", &d.to_string()),
                ),
                d < 0,
            )
        }
        _ => (None, false),
    };
    let units = units_line(f, &v.s);
    let admin = user.actor.role == Role::Admin;
    let unit = user.actor.role == Role::Department;
    let co_unit = unit && !lead_unit;
    let confirmed: Vec<_> = v.signers.iter().filter(|s| s.confirmed).collect();
    let agreed = confirmed.iter().filter(|s| s.withdraw_agreed).count();
    // One request at a time per unit: while it waits, the unit is not offered another.
    let waiting = v.requests.iter().any(|r| {
        r.status == "pending" && Some(r.unit.as_str()) == user.actor.department.as_deref()
    });
    let handling = matches!(
        v.status,
        Status::Cosigning | Status::Submitted | Status::Assigned
    );
    Item {
        id: v.s.id.to_string(),
        number: v.s.number,
        title: v.s.title.clone(),
        content: v.s.content.clone(),
        kind_word: kind_word(f, &v.s.kind),
        status_word: status_word(f, v.status),
        clock,
        overdue,
        can_withdraw: handling && mine.is_some_and(|m| m.confirmed && !m.withdraw_agreed),
        withdraw_line: (agreed > 0 && confirmed.len() > 1).then(|| {
            f.sg_withdraw_line
                .replace("{n}", &confirmed.len().to_string())
                .replace("{k}", &agreed.to_string())
        }),
        can_ask_return: unit && !waiting && v.status == Status::Assigned,
        can_ask_extension: lead_unit
            && !waiting
            && v.status == Status::Assigned
            && v.s.extension_reason.is_none(),
        can_give_opinion: co_unit && matches!(v.status, Status::Assigned | Status::Reopened),
        opinion_clock: v
            .opinion_due
            .filter(|_| matches!(v.status, Status::Assigned | Status::Reopened))
            .map(|d| f.sg_opinion_clock.replace("{date}", &d.to_string())),
        opinions: v
            .opinions
            .iter()
            .map(|o| (format!("{} · {}", o.unit, o.given_on), o.content.clone()))
            .collect(),
        requests: v.requests.iter().map(|r| request_line(f, r)).collect(),
        can_decide: admin,
        promises: promise_lines(f, &v, lead_unit || admin),
        key: v.s.key_supervision,
        supervisor: v.s.supervisor.clone().unwrap_or_default(),
        can_flag: admin && !matches!(v.status, Status::Withdrawn | Status::Returned),
        kept: Vec::new(),
        signers: v
            .signers
            .iter()
            .map(|s| {
                if s.confirmed {
                    format!("{} {}", s.name, s.deputy_code)
                } else {
                    format!("{} {}（{}）", s.name, s.deputy_code, f.sg_not_confirmed)
                }
            })
            .collect::<Vec<_>>()
            .join("、"),
        units,
        answers: v
            .answers
            .iter()
            .map(|a| {
                (
                    format!("{} {} · {}", a.result_class, a.answered_on, a.official),
                    a.content.clone(),
                )
            })
            .collect(),
        return_reason: v.s.return_reason.clone(),
        can_confirm: v.status == Status::Cosigning && mine.is_some_and(|m| !m.confirmed),
        can_send: v.status == Status::Cosigning && v.s.lead_deputy_id == me.unwrap_or_default(),
        can_feedback: v.status == Status::Answered && mine.is_some_and(|m| m.confirmed) && !rated,
        can_answer: lead_unit && matches!(v.status, Status::Assigned | Status::Reopened),
        can_assign: user.actor.role == Role::Admin && v.status == Status::Submitted,
        can_publish: user.actor.role == Role::Admin
            && !v.s.published
            && matches!(
                v.status,
                Status::Answered | Status::Reopened | Status::Closed
            ),
    }
}

#[derive(Template)]
#[template(path = "suggestions.html")]
struct SuggestionsPage {
    c: Chrome,
    f: &'static FollowMsg,
    /// `d`, `dept` or `admin`: where the forms post.
    base: &'static str,
    items: Vec<Item>,
    /// The deputy's new-suggestion form, kept after a refusal: kind, title, content, co-signers.
    form: (String, String, String, String),
    error: Option<String>,
    /// For the office: this year's figures per lead unit.
    stats: Vec<suggestions::UnitStats>,
    year: i32,
}

/// The fields typed into one item's form, shown again after a refusal.
type Kept = Option<(Uuid, Vec<(String, String)>)>;

async fn page(
    state: &WebState,
    user: &PageUser,
    form: (String, String, String, String),
    error: Option<String>,
    kept: Kept,
) -> PageResult {
    let f = user.prefs.lang.follow();
    let (base, here) = match user.actor.role {
        Role::Deputy => ("d", "/d/suggestions"),
        Role::Department => ("dept", "/dept/suggestions"),
        Role::Admin => ("admin", "/admin/suggestions"),
    };
    let mut views = suggestions::list(&state.db, Some(&user.actor), false)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    if user.actor.role == Role::Department {
        // A unit works by deadline: what is due first on top, the answered after.
        views.sort_by_key(|v| (v.answer_days_left.is_none(), v.answer_days_left));
    }
    let year = chrono::Datelike::year(&minsheng_domain::clock::today());
    let stats = if user.actor.role == Role::Admin {
        suggestions::statistics(&state.db, &user.actor, year)
            .await
            .map_err(|e| PageError::from_domain(e, user.prefs))?
    } else {
        Vec::new()
    };
    let mut resp = html(&SuggestionsPage {
        c: Chrome::for_user(user, here),
        f,
        base,
        items: views
            .into_iter()
            .map(|v| {
                let id = v.s.id;
                let mut i = item(f, user, v);
                if let Some((k, pairs)) = &kept
                    && *k == id
                {
                    i.kept = pairs.clone();
                }
                i
            })
            .collect(),
        form,
        error: error.clone(),
        stats,
        year,
    });
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// `GET /d/suggestions`, `/dept/suggestions`, `/admin/suggestions`: each audience's own list.
pub async fn list(State(state): State<WebState>, user: PageUser) -> PageResult {
    page(&state, &user, Default::default(), None, None).await
}

/// A refusal in a sentence for the form, or the error page for anything else.
fn sentence(f: &FollowMsg, e: &Error) -> Option<&'static str> {
    match e {
        Error::Invalid { code, .. } => Some(match *code {
            "unknown_deputy" => f.sg_bad_cosigners,
            "invalid_kind" => f.r_choose,
            "invalid_date" if promise_field(e) => f.sg_bad_promise,
            "invalid_date" => f.r_date,
            _ => f.r_text,
        }),
        Error::Conflict { code, .. } => Some(match *code {
            "request_too_late" => f.sg_too_late,
            "request_pending" => f.sg_pending,
            _ => f.sg_not_now,
        }),
        _ => None,
    }
}

/// Whether a refusal is about the answer form's promise lines.
fn promise_field(e: &Error) -> bool {
    matches!(e, Error::Invalid { fields, .. } if fields.iter().any(|f| f.field == "promises"))
}

/// A date typed into a form (`2027-06-30`). Errors: `invalid_date`, naming the field.
fn date_field(pairs: &[(String, String)], name: &str) -> Result<NaiveDate, Error> {
    field(pairs, name)
        .trim()
        .parse()
        .map_err(|_| Error::invalid_field(ErrorCode::InvalidDate, name, "a date like 2027-06-30"))
}

/// The answer form's promises, one per line: a date, then what (`2027-06-30 完成路灯安装`).
/// Errors: `invalid_date` for a line that does not start with a date or says nothing after it.
fn promise_lines_typed(text: &str) -> Result<Vec<Promise>, Error> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (date, what) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            match (date.parse::<NaiveDate>(), what.trim()) {
                (Ok(by), what) if !what.is_empty() => Ok(Promise {
                    what: what.to_owned(),
                    by,
                }),
                _ => Err(Error::invalid_field(
                    ErrorCode::InvalidDate,
                    "promises",
                    "each promise line is a date, then what is promised",
                )),
            }
        })
        .collect()
}

/// `POST /d/suggestions`: `kind`, `title`, `content`, `cosigners` (deputy codes, separated by
/// spaces, commas or 、).
pub async fn submit(
    State(state): State<WebState>,
    user: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let f = user.prefs.lang.follow();
    let kept = (
        field(&pairs, "kind").to_owned(),
        field(&pairs, "title").to_owned(),
        field(&pairs, "content").to_owned(),
        field(&pairs, "cosigners").to_owned(),
    );
    let codes: Vec<String> = kept
        .3
        .split([' ', ',', '，', '、', '\n', '\r', '\t'])
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    let result = async {
        let cosigner_ids = suggestions::deputies_by_code(&state.db, &codes).await?;
        suggestions::submit(
            &state.db,
            &user.actor,
            NewSuggestion {
                kind: kept.0.clone(),
                title: kept.1.clone(),
                content: kept.2.clone(),
                cosigner_ids,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/d/suggestions").into_response()),
        Err(e) => match sentence(f, &e) {
            Some(s) => page(&state, &user, kept, Some(s.into()), None).await,
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}

/// `POST /{audience}/suggestions/{id}/{action}`: the audience in the address (`d`, `dept`,
/// `admin`) is only where the form was; who may act is the domain's rule.
pub async fn act_any(
    state: State<WebState>,
    user: PageUser,
    Path((_audience, id, action)): Path<(String, Uuid, String)>,
    form: Form<Vec<(String, String)>>,
) -> PageResult {
    act(state, user, Path((id, action)), form).await
}

/// `POST /{d,dept,admin}/suggestions/{id}/{action}`: `confirm` and `send` (signers), `feedback`
/// (`attitude`, `result`, `note`), `answer` (`result_class`, `content`, `official`), `assign`
/// (`lead_unit`, `co_units`, `broad`), `return` (`reason`, `note`), `publish`.
pub async fn act(
    State(state): State<WebState>,
    user: PageUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_form(field(&pairs, "csrf"))?;
    let f = user.prefs.lang.follow();
    let (db, a) = (&state.db, &user.actor);
    let done = match action.as_str() {
        "confirm" => suggestions::confirm(db, a, id).await,
        "send" => suggestions::send(db, a, id).await,
        "feedback" => {
            suggestions::feedback(
                db,
                a,
                id,
                field(&pairs, "attitude"),
                field(&pairs, "result"),
                field(&pairs, "note"),
            )
            .await
        }
        "answer" => match promise_lines_typed(field(&pairs, "promises")) {
            Ok(promises) => {
                suggestions::answer(
                    db,
                    a,
                    id,
                    NewAnswer {
                        result_class: field(&pairs, "result_class").to_owned(),
                        content: field(&pairs, "content").to_owned(),
                        official: field(&pairs, "official").to_owned(),
                        promises,
                    },
                )
                .await
            }
            Err(e) => Err(e),
        },
        "withdraw" => withdrawal::agree(db, a, id).await,
        "ask_return" => {
            requests::ask(db, a, id, requests::Kind::Return, field(&pairs, "reason")).await
        }
        "ask_extension" => match date_field(&pairs, "until") {
            Ok(d) => {
                let kind = requests::Kind::Extension(d);
                requests::ask(db, a, id, kind, field(&pairs, "reason")).await
            }
            Err(e) => Err(e),
        },
        "decide" => match field(&pairs, "request").parse::<Uuid>() {
            Ok(r) => {
                let approve = match field(&pairs, "approve") {
                    "1" => true,
                    "0" => false,
                    _ => return Err(PageError::not_found(user.prefs)),
                };
                requests::decide(db, a, id, r, approve, field(&pairs, "note")).await
            }
            Err(_) => return Err(PageError::not_found(user.prefs)),
        },
        "opinion" => opinions::give(db, a, id, field(&pairs, "content")).await,
        "keep" => {
            let (Ok(answer), Ok(idx)) = (
                field(&pairs, "answer").parse::<Uuid>(),
                field(&pairs, "idx").parse::<i32>(),
            ) else {
                return Err(PageError::not_found(user.prefs));
            };
            match date_field(&pairs, "kept_on") {
                Ok(d) => promises::keep(db, a, id, answer, idx, d, field(&pairs, "note")).await,
                Err(e) => Err(e),
            }
        }
        "flags" => {
            let flags = Flags {
                key_supervision: Some(field(&pairs, "key") == "1"),
                supervisor: Some(field(&pairs, "supervisor").to_owned()),
                ..Default::default()
            };
            suggestions::set_flags(db, a, id, flags).await
        }
        "assign" => {
            let co: Vec<String> = field(&pairs, "co_units")
                .split([',', '，', '、', ' '])
                .filter(|u| !u.trim().is_empty())
                .map(|u| u.trim().to_owned())
                .collect();
            suggestions::assign(
                db,
                a,
                id,
                field(&pairs, "lead_unit"),
                &co,
                field(&pairs, "broad") == "1",
            )
            .await
        }
        "return" => {
            suggestions::return_it(db, a, id, field(&pairs, "reason"), field(&pairs, "note")).await
        }
        "publish" => {
            let flags = Flags {
                published: Some(true),
                ..Default::default()
            };
            suggestions::set_flags(db, a, id, flags).await
        }
        _ => return Err(PageError::not_found(user.prefs)),
    };
    match done {
        Ok(_) => {
            let back = match a.role {
                Role::Deputy => "/d/suggestions",
                Role::Department => "/dept/suggestions",
                Role::Admin => "/admin/suggestions",
            };
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => match sentence(f, &e) {
            Some(s) => {
                let kept = Some((id, pairs.clone()));
                page(&state, &user, Default::default(), Some(s.into()), kept).await
            }
            None => Err(PageError::from_domain(e, user.prefs)),
        },
    }
}

#[derive(Template)]
#[template(path = "suggestions_public.html")]
struct PublicPage {
    c: Chrome,
    f: &'static FollowMsg,
    q: String,
    items: Vec<Item>,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /suggestions?q=`: the published suggestions with their answers, searched by words in the
/// title, the text or the handling unit. Public.
pub async fn public(
    State(state): State<WebState>,
    prefs: crate::session::Prefs,
    axum::extract::Query(query): axum::extract::Query<SearchQuery>,
) -> PageResult {
    let f = prefs.lang.follow();
    let q: String = query.q.trim().chars().take(100).collect();
    let views = suggestions::search(&state.db, None, false, &q)
        .await
        .map_err(|e| PageError::from_domain(e, prefs))?;
    Ok(html(&PublicPage {
        c: Chrome::public(prefs, "/suggestions"),
        f,
        items: views.into_iter().map(|v| public_item(f, v)).collect(),
        q,
    }))
}

fn public_item(f: &FollowMsg, v: View) -> Item {
    let units = units_line(f, &v.s);
    Item {
        id: v.s.id.to_string(),
        number: v.s.number,
        title: v.s.title.clone(),
        content: v.s.content.clone(),
        kind_word: kind_word(f, &v.s.kind),
        status_word: status_word(f, v.status),
        clock: None,
        overdue: false,
        signers: v
            .signers
            .iter()
            .filter(|s| s.confirmed)
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
            .join("、"),
        units,
        answers: v
            .answers
            .iter()
            .map(|a| {
                (
                    format!("{} {}", a.result_class, a.answered_on),
                    a.content.clone(),
                )
            })
            .collect(),
        promises: promise_lines(f, &v, false),
        ..Default::default()
    }
}
