//! Votes (票决): drafting, opening, ballots, closing, results, publication, bulletin and runoff.

use std::collections::BTreeMap;

use axum::{Json, extract::State, http::StatusCode, response::Response};
use minsheng_domain::{
    entities::projects as project_entity,
    votes::{
        rules::{Ballot, Choice, Method, RawBallot, ThresholdBase},
        service::{self, Results, VoteChange, VoteDraft, VoteView},
        tally::Outcome,
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::exports::{Export, Format, Table};
use crate::{
    auth::{Auth, MaybeAuth},
    error::ApiResult,
    extract::{ApiJson, ApiPath, map_entries, whole_number, whole_number_opt},
    published::Answer,
    routes::Page,
    state::AppState,
};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MethodDto {
    /// Mark at most `seats` candidates.
    ChooseUpToN,
    /// Yes, no or abstain per candidate, at most `seats` yes.
    YesNoAbstain,
}

impl From<MethodDto> for Method {
    fn from(m: MethodDto) -> Self {
        match m {
            MethodDto::ChooseUpToN => Method::ChooseUpToN,
            MethodDto::YesNoAbstain => Method::YesNoAbstain,
        }
    }
}
impl From<Method> for MethodDto {
    fn from(m: Method) -> Self {
        match m {
            Method::ChooseUpToN => MethodDto::ChooseUpToN,
            Method::YesNoAbstain => MethodDto::YesNoAbstain,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdBaseDto {
    /// More than half of the deputies in office (the law's default).
    #[default]
    AllDeputies,
    Present,
    BallotsCast,
    /// Plain ranking.
    None,
}

impl From<ThresholdBaseDto> for ThresholdBase {
    fn from(b: ThresholdBaseDto) -> Self {
        match b {
            ThresholdBaseDto::AllDeputies => ThresholdBase::AllDeputies,
            ThresholdBaseDto::Present => ThresholdBase::Present,
            ThresholdBaseDto::BallotsCast => ThresholdBase::BallotsCast,
            ThresholdBaseDto::None => ThresholdBase::None,
        }
    }
}
impl From<ThresholdBase> for ThresholdBaseDto {
    fn from(b: ThresholdBase) -> Self {
        match b {
            ThresholdBase::AllDeputies => ThresholdBaseDto::AllDeputies,
            ThresholdBase::Present => ThresholdBaseDto::Present,
            ThresholdBase::BallotsCast => ThresholdBaseDto::BallotsCast,
            ThresholdBase::None => ThresholdBaseDto::None,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoteStatusDto {
    Draft,
    Open,
    Closed,
    Published,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceDto {
    Yes,
    No,
    Abstain,
}

impl From<ChoiceDto> for Choice {
    fn from(c: ChoiceDto) -> Self {
        match c {
            ChoiceDto::Yes => Choice::Yes,
            ChoiceDto::No => Choice::No,
            ChoiceDto::Abstain => Choice::Abstain,
        }
    }
}
impl From<Choice> for ChoiceDto {
    fn from(c: Choice) -> Self {
        match c {
            Choice::Yes => ChoiceDto::Yes,
            Choice::No => ChoiceDto::No,
            Choice::Abstain => ChoiceDto::Abstain,
        }
    }
}

/// A candidate as listed on a vote.
#[derive(Serialize, ToSchema)]
pub struct CandidateDto {
    pub project_id: Uuid,
    pub title: String,
    pub category: String,
    pub department: String,
    pub budget_yuan: i64,
}

impl From<project_entity::Model> for CandidateDto {
    fn from(p: project_entity::Model) -> Self {
        Self {
            project_id: p.id,
            title: p.title,
            category: p.category,
            department: p.department,
            budget_yuan: p.budget_yuan,
        }
    }
}

/// A vote's definition, status and live turnout. Never a partial tally.
#[derive(Serialize, ToSchema)]
pub struct VoteDto {
    pub id: Uuid,
    pub session_id: Uuid,
    pub title: String,
    pub method: MethodDto,
    /// 应选数.
    pub seats: u32,
    pub threshold_base: ThresholdBaseDto,
    /// True for a secret (无记名) ballot.
    pub secret: bool,
    /// For a secret vote: the public bulletin lists the full ballots beside the receipts (set
    /// before opening). False by default: receipts and totals only, the full ballots go to the
    /// scrutineers (监票人). A named vote always publishes names and choices.
    pub publish_ballots: bool,
    pub status: VoteStatusDto,
    /// For a runoff: the vote whose tie it resolves.
    pub runoff_of: Option<Uuid>,
    /// In ballot order.
    pub candidates: Vec<CandidateDto>,
    /// 应到: deputies on the roster (frozen when the vote opens).
    pub entitled: u32,
    /// 实到: deputies marked present plus every deputy who voted and was marked absent since; never
    /// below `ballots_cast`. Frozen when the vote closes.
    pub present: u32,
    pub ballots_cast: u32,
    pub opened_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<VoteView> for VoteDto {
    fn from(v: VoteView) -> Self {
        Self {
            id: v.vote.id,
            session_id: v.vote.session_id,
            title: v.vote.title,
            method: v.method.into(),
            seats: v.vote.seats as u32,
            threshold_base: v.threshold_base.into(),
            secret: v.vote.secret,
            publish_ballots: v.vote.publish_ballots,
            status: match v.status {
                service::VoteStatus::Draft => VoteStatusDto::Draft,
                service::VoteStatus::Open => VoteStatusDto::Open,
                service::VoteStatus::Closed => VoteStatusDto::Closed,
                service::VoteStatus::Published => VoteStatusDto::Published,
            },
            runoff_of: v.vote.runoff_of,
            candidates: v.candidates.into_iter().map(Into::into).collect(),
            entitled: v.entitled,
            present: v.present,
            ballots_cast: v.ballots_cast,
            opened_at: v.vote.opened_at,
            closed_at: v.vote.closed_at,
            published_at: v.vote.published_at,
            created_at: v.vote.created_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateVoteRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: String,
    pub method: MethodDto,
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "whole_number")]
    pub seats: u32,
    /// More candidates than seats (差额), each a proposed, candidate or reserve project.
    #[schema(min_items = 2)]
    pub candidate_ids: Vec<Uuid>,
    #[serde(default)]
    pub threshold_base: ThresholdBaseDto,
    /// Secret ballot (default true).
    #[serde(default = "yes")]
    pub secret: bool,
    /// Publish a secret vote's full ballots beside the receipts once published (default false:
    /// the bulletin lists receipts and totals; the full ballots go to the scrutineers).
    #[serde(default)]
    pub publish_ballots: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateVoteRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "one-line")]
    pub title: Option<String>,
    pub method: Option<MethodDto>,
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "whole_number_opt")]
    pub seats: Option<u32>,
    #[schema(min_items = 2)]
    pub candidate_ids: Option<Vec<Uuid>>,
    pub threshold_base: Option<ThresholdBaseDto>,
    pub secret: Option<bool>,
    /// See `CreateVoteRequest.publish_ballots`; only while the vote is a draft.
    pub publish_ballots: Option<bool>,
}

/// A `choose_up_to_n` ballot.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionsBallot {
    /// At most `seats` distinct candidate ids. An empty list is a blank ballot.
    pub selections: Vec<Uuid>,
}

/// A `yes_no_abstain` ballot.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoicesBallot {
    /// Project id → choice, at most `seats` yes. A candidate left out counts as abstain.
    #[serde(deserialize_with = "map_entries")]
    #[schema(value_type = BTreeMap<Uuid, ChoiceDto>)]
    pub choices: Vec<(Uuid, ChoiceDto)>,
}

/// A ballot: `selections` for `choose_up_to_n` votes, `choices` for `yes_no_abstain` votes.
#[derive(Deserialize, ToSchema)]
#[serde(untagged, from = "BallotBody")]
pub enum BallotRequest {
    Selections(SelectionsBallot),
    Choices(ChoicesBallot),
}

/// A ballot as it is read: an object with exactly one of `selections` or `choices`, chosen by its
/// key. Read this way (not by trying each shape in turn, as an untagged enum does) a malformed mark
/// is reported at its own path ("selections[1]: expected an id") and a wrong key by its name.
pub struct BallotBody(BallotRequest);

impl From<BallotBody> for BallotRequest {
    fn from(b: BallotBody) -> Self {
        b.0
    }
}

impl<'de> Deserialize<'de> for BallotBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};

        const FIELDS: &[&str] = &["selections", "choices"];
        /// The `choices` object, its entries kept in order so a project sent twice is seen.
        struct Choices(Vec<(Uuid, ChoiceDto)>);
        impl<'de> Deserialize<'de> for Choices {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                map_entries(d).map(Choices)
            }
        }
        struct Body;
        impl<'de> Visitor<'de> for Body {
            type Value = BallotBody;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object with `selections` or `choices`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BallotBody, A::Error> {
                let ballot = match map.next_key::<String>()?.as_deref() {
                    Some("selections") => BallotRequest::Selections(SelectionsBallot {
                        selections: map.next_value()?,
                    }),
                    Some("choices") => BallotRequest::Choices(ChoicesBallot {
                        choices: map.next_value::<Choices>()?.0,
                    }),
                    Some(other) => return Err(de::Error::unknown_field(other, FIELDS)),
                    None => {
                        return Err(de::Error::custom(
                            "a ballot needs `selections` (a list of project ids, for a \
                             choose_up_to_n vote) or `choices` (project id → yes, no or abstain, \
                             for a yes_no_abstain vote)",
                        ));
                    }
                };
                if let Some(more) = map.next_key::<String>()? {
                    return Err(if FIELDS.contains(&more.as_str()) {
                        de::Error::custom("a ballot has `selections` or `choices`, not both")
                    } else {
                        de::Error::unknown_field(&more, FIELDS)
                    });
                }
                Ok(BallotBody(ballot))
            }
        }
        d.deserialize_map(Body)
    }
}

/// Proof of a cast ballot. Shown once: for a secret vote it is stored nowhere near the deputy. After
/// publication, find it in the bulletin to check the ballot was counted as cast.
#[derive(Serialize, ToSchema)]
pub struct ReceiptDto {
    pub vote_id: Uuid,
    /// 128 random bits, hex.
    pub receipt: String,
}

#[derive(Serialize, ToSchema)]
pub struct MyBallotDto {
    pub voted: bool,
    /// Only for a named vote; a secret vote's receipt was shown once, at casting.
    pub receipt: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CandidateResultDto {
    pub project_id: Uuid,
    pub title: String,
    pub yes: u32,
    pub no: u32,
    /// Abstentions; for choose_up_to_n, the ballots that did not mark this candidate.
    pub abstain: u32,
    /// Competition rank by yes votes (1, 2, 2, 4).
    pub rank: u32,
    pub passed: bool,
    pub adopted: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Decided,
    RunoffRequired,
    SeatsUnfilled,
}

#[derive(Serialize, ToSchema)]
pub struct OutcomeDto {
    pub kind: OutcomeKind,
    /// For runoff_required: the candidates tied across the last seat; none of them is adopted yet.
    pub tied: Vec<Uuid>,
    /// Seats the runoff (再次投票) among the tied fills; `null` unless the kind is runoff_required.
    pub seats_left: Option<u32>,
    /// Seats left empty because too few candidates reached the threshold; `null` unless the kind
    /// is seats_unfilled.
    pub unfilled: Option<u32>,
}

/// The result of a vote.
#[derive(Serialize, ToSchema)]
pub struct ResultsDto {
    pub vote: VoteDto,
    /// 应到: the roster size frozen when the vote opened.
    pub entitled: u32,
    /// 实到: frozen when the vote closed, counting every deputy who voted; the base of
    /// `threshold_base: present`.
    pub present: u32,
    pub ballots_cast: u32,
    /// 未投: present but did not vote.
    pub not_voted: u32,
    /// Yes votes a candidate needs: more than half of the threshold base.
    pub required_yes: u32,
    /// In ballot order.
    pub candidates: Vec<CandidateResultDto>,
    pub outcome: OutcomeDto,
    /// What the office did to deputies' accounts while the vote was open.
    pub oversight: OversightDto,
    /// The digests recorded at opening and closing.
    pub commitments: CommitmentsDto,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OversightKindDto {
    /// An admin reset the account's password.
    PasswordReset,
    /// An admin disabled the account.
    Disabled,
    /// The office marked the deputy present.
    MarkedPresent,
    /// The office marked the deputy absent.
    MarkedAbsent,
}

/// One change the office made to a deputy's account while the vote was open. Never a ballot.
#[derive(Serialize, ToSchema)]
pub struct OversightEventDto {
    pub kind: OversightKindDto,
    pub at: chrono::DateTime<chrono::Utc>,
    pub account_id: Uuid,
    pub username: String,
    pub deputy_code: String,
    pub name: String,
}

/// Password resets, disables and attendance marks the office made while the vote was open (which
/// accounts, when; never which ballot), so the scrutineers can see whether anyone could have
/// voted in a deputy's place.
#[derive(Serialize, ToSchema)]
pub struct OversightDto {
    pub password_resets: u32,
    pub disables: u32,
    pub attendance_changes: u32,
    /// Distinct accounts concerned.
    pub accounts: u32,
    /// Oldest first.
    pub events: Vec<OversightEventDto>,
}

impl From<minsheng_domain::votes::oversight::Oversight> for OversightDto {
    fn from(o: minsheng_domain::votes::oversight::Oversight) -> Self {
        use minsheng_domain::vocabulary::OversightKind as K;
        Self {
            password_resets: o.password_resets,
            disables: o.disables,
            attendance_changes: o.attendance_changes,
            accounts: o.accounts,
            events: o
                .events
                .into_iter()
                .map(|e| OversightEventDto {
                    kind: match e.kind {
                        K::PasswordReset => OversightKindDto::PasswordReset,
                        K::Disabled => OversightKindDto::Disabled,
                        K::MarkedPresent => OversightKindDto::MarkedPresent,
                        K::MarkedAbsent => OversightKindDto::MarkedAbsent,
                    },
                    at: e.at,
                    account_id: e.account_id,
                    username: e.username,
                    deputy_code: e.deputy_code,
                    name: e.deputy_name,
                })
                .collect(),
        }
    }
}

impl From<Results> for ResultsDto {
    fn from(r: Results) -> Self {
        let title = |id: &Uuid| {
            r.view
                .candidates
                .iter()
                .find(|p| p.id == *id)
                .map(|p| p.title.clone())
                .unwrap_or_default()
        };
        let t = &r.tally;
        let outcome = match &t.outcome {
            Outcome::Decided => OutcomeDto {
                kind: OutcomeKind::Decided,
                tied: vec![],
                seats_left: None,
                unfilled: None,
            },
            Outcome::RunoffRequired { tied, seats_left } => OutcomeDto {
                kind: OutcomeKind::RunoffRequired,
                tied: tied.clone(),
                seats_left: Some(*seats_left),
                unfilled: None,
            },
            Outcome::SeatsUnfilled { unfilled } => OutcomeDto {
                kind: OutcomeKind::SeatsUnfilled,
                tied: vec![],
                seats_left: None,
                unfilled: Some(*unfilled),
            },
        };
        let candidates = t
            .candidates
            .iter()
            .map(|c| CandidateResultDto {
                project_id: c.project_id,
                title: title(&c.project_id),
                yes: c.yes,
                no: c.no,
                abstain: c.abstain,
                rank: c.rank,
                passed: c.passed,
                adopted: c.adopted,
            })
            .collect();
        Self {
            entitled: t.roster,
            present: t.present,
            ballots_cast: t.ballots_cast,
            not_voted: t.not_voted,
            required_yes: t.required_yes,
            candidates,
            outcome,
            oversight: r.oversight.into(),
            commitments: CommitmentsDto {
                roster_sha256: r.view.vote.roster_sha256.clone(),
                candidates_sha256: r.view.vote.candidates_sha256.clone(),
                receipts_sha256: r.view.vote.receipts_sha256.clone(),
                ballots_sha256: r.view.vote.ballots_sha256.clone(),
            },
            vote: r.view.into(),
        }
    }
}

/// What the vote committed to as it went: SHA-256 digests, lowercase hex, each over lines ending in
/// a newline (README "Checking a count" recomputes them). `null` for a vote opened or closed before
/// commitments were recorded.
#[derive(Serialize, ToSchema)]
pub struct CommitmentsDto {
    /// At opening: the roster's deputy codes, sorted.
    pub roster_sha256: Option<String>,
    /// At opening: the candidates' project ids in ballot order.
    pub candidates_sha256: Option<String>,
    /// At closing: the receipts, sorted — recomputable from the public bulletin.
    pub receipts_sha256: Option<String>,
    /// At closing: each ballot's marks, sorted (no receipts) — the scrutineers' full copy (or the
    /// bulletin, where it lists the ballots) recomputes it.
    pub ballots_sha256: Option<String>,
}

/// A named vote's voter, in the bulletin.
#[derive(Serialize, ToSchema)]
pub struct VoterDto {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct BulletinEntryDto {
    pub receipt: String,
    /// choose_up_to_n ballots, where the ballots are public (`ballots_public`); else null.
    pub selections: Option<Vec<Uuid>>,
    /// yes_no_abstain ballots, every candidate with its choice, where the ballots are public;
    /// else null.
    pub choices: Option<BTreeMap<Uuid, ChoiceDto>>,
    /// Named (记名) votes only; null for a secret vote.
    pub voter: Option<VoterDto>,
}

/// A candidate's totals, in the bulletin.
#[derive(Serialize, ToSchema)]
pub struct BulletinCandidateDto {
    pub project_id: Uuid,
    pub title: String,
    pub yes: u32,
    pub no: u32,
    /// Abstentions; for choose_up_to_n, the ballots that did not mark this candidate.
    pub abstain: u32,
}

/// The public bulletin of a published vote: every receipt, ordered by receipt, and the totals per
/// candidate. The full ballots are listed beside the receipts only for a named vote or a secret
/// vote set before opening to publish them (`ballots_public`); otherwise they go to the vote's
/// scrutineers (`GET /api/v1/votes/{id}/full-ballots`).
#[derive(Serialize, ToSchema)]
pub struct BulletinDto {
    pub vote_id: Uuid,
    pub title: String,
    pub secret: bool,
    /// Whether `entries` carry the ballots (`selections` / `choices`).
    pub ballots_public: bool,
    pub ballots_cast: u32,
    /// In ballot order, with their titles and totals.
    pub candidates: Vec<BulletinCandidateDto>,
    pub entries: Vec<BulletinEntryDto>,
}

/// A ballot's marks as the API shows them: (`selections`, `choices`).
pub(crate) type BallotMarks = (Option<Vec<Uuid>>, Option<BTreeMap<Uuid, ChoiceDto>>);

pub(crate) fn ballot_marks(b: Option<Ballot>) -> BallotMarks {
    match b {
        Some(Ballot::Selections(s)) => (Some(s.into_iter().collect()), None),
        Some(Ballot::Choices(c)) => (
            None,
            Some(c.into_iter().map(|(k, v)| (k, v.into())).collect()),
        ),
        None => (None, None),
    }
}

/// The candidates of a vote in ballot order with their titles and totals.
pub(crate) fn candidate_totals(
    view: &VoteView,
    tally: &minsheng_domain::votes::tally::Tally,
) -> Vec<BulletinCandidateDto> {
    tally
        .candidates
        .iter()
        .map(|c| BulletinCandidateDto {
            project_id: c.project_id,
            title: view
                .candidates
                .iter()
                .find(|p| p.id == c.project_id)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            yes: c.yes,
            no: c.no,
            abstain: c.abstain,
        })
        .collect()
}

/// Draft a vote in a session. Roles: admin.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/votes", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path, description = "session id")), request_body = CreateVoteRequest, responses(
    (status = 201, body = VoteDto),
    (status = 409, description = "a candidate stands in another undecided vote", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "rules the schema cannot state: `unknown_project` (a candidate id that is not a project), a candidate list or seat count the method does not allow (the rule's own code, naming the field); `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_vote(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(session_id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateVoteRequest>,
) -> ApiResult<(StatusCode, Json<VoteDto>)> {
    let draft = VoteDraft {
        title: r.title,
        method: r.method.into(),
        seats: r.seats,
        candidate_ids: r.candidate_ids,
        threshold_base: r.threshold_base.into(),
        secret: r.secret,
        publish_ballots: r.publish_ballots,
    };
    Ok((
        StatusCode::CREATED,
        Json(
            service::create(&state.db, &actor, session_id, draft)
                .await?
                .into(),
        ),
    ))
}

/// The votes of a session, oldest first, all of them (`{items, total}` like every list). Roles:
/// admin, deputy.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/votes", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path, description = "session id")), responses(
    (status = 200, body = Page<VoteDto>),
))]
pub async fn list_votes(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(session_id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<VoteDto>>> {
    let votes = service::list_for_session(&state.db, &actor, session_id).await?;
    Ok(Json(Page::all(votes.into_iter().map(Into::into).collect())))
}

/// A vote's definition, status and turnout. Roles: any logged-in user; Public once published.
#[utoipa::path(get, path = "/api/v1/votes/{id}", tag = "votes", security((), ("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = VoteDto),
))]
pub async fn get_vote(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<VoteDto>> {
    Ok(Json(
        service::get(&state.db, actor.as_ref(), id).await?.into(),
    ))
}

/// Change a draft vote. Roles: admin.
#[utoipa::path(patch, path = "/api/v1/votes/{id}", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UpdateVoteRequest, responses(
    (status = 200, body = VoteDto),
    (status = 409, description = "not a draft (`vote_not_draft`)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn update_vote(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<UpdateVoteRequest>,
) -> ApiResult<Json<VoteDto>> {
    let change = VoteChange {
        title: r.title,
        method: r.method.map(Into::into),
        seats: r.seats,
        candidate_ids: r.candidate_ids,
        threshold_base: r.threshold_base.map(Into::into),
        secret: r.secret,
        publish_ballots: r.publish_ballots,
    };
    Ok(Json(
        service::update(&state.db, &actor, id, change).await?.into(),
    ))
}

/// Open a draft vote for ballots. Needs quorum: two-thirds of the roster present. Roles: admin.
#[utoipa::path(post, path = "/api/v1/votes/{id}/open", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = VoteDto),
    (status = 409, description = "`quorum_not_met` or `vote_not_draft`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn open_vote(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<VoteDto>> {
    Ok(Json(service::open(&state.db, &actor, id).await?.into()))
}

/// Close an open vote; no ballot is accepted after this returns. Roles: admin.
#[utoipa::path(post, path = "/api/v1/votes/{id}/close", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = VoteDto),
    (status = 409, description = "`vote_not_open`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn close_vote(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<VoteDto>> {
    Ok(Json(service::close(&state.db, &actor, id).await?.into()))
}

/// Publish a closed vote: adopted projects become 正式项目, the rest go to the reserve (储备库),
/// except candidates tied for a runoff. Roles: admin.
#[utoipa::path(post, path = "/api/v1/votes/{id}/publish", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = ResultsDto),
    (status = 409, description = "`vote_not_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn publish_vote(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ResultsDto>> {
    Ok(Json(service::publish(&state.db, &actor, id).await?.into()))
}

/// Create the runoff (再次投票) of a vote tied at the cut-off: a draft among the tied candidates
/// for the seats left. Roles: admin.
#[utoipa::path(post, path = "/api/v1/votes/{id}/runoff", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 201, body = VoteDto),
    (status = 409, description = "`vote_not_closed`, `no_runoff_needed` or `runoff_exists`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_runoff(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(StatusCode, Json<VoteDto>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::runoff(&state.db, &actor, id).await?.into()),
    ))
}

/// Cast the caller's ballot. Roles: deputy on the session's roster who has checked in.
///
/// Refusals store nothing: 409 `vote_not_open`, 409 `already_voted`, 403 `not_entitled` (not on the
/// roster), 403 `not_present` (not checked in), 403 `not_a_deputy`, 422 `too_many_marks`,
/// `unknown_candidate`, `duplicate_mark`, `wrong_ballot_form`.
#[utoipa::path(post, path = "/api/v1/votes/{id}/ballots", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = BallotRequest, responses(
    (status = 201, body = ReceiptDto),
    (status = 409, description = "`vote_not_open` or `already_voted`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "a ballot this vote does not take, which the schema cannot state: a project not on it, too many marks, or the other method's shape (the rule's own code); `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn cast_ballot(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<BallotRequest>,
) -> ApiResult<(StatusCode, Json<ReceiptDto>)> {
    let raw = match r {
        BallotRequest::Selections(b) => RawBallot::Selections(b.selections),
        BallotRequest::Choices(b) => RawBallot::Choices(
            b.choices
                .into_iter()
                .map(|(id, ch)| (id, ch.into()))
                .collect(),
        ),
    };
    let receipt = service::cast(&state.db, &actor, id, raw).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReceiptDto {
            vote_id: id,
            receipt,
        }),
    ))
}

/// Whether the caller has voted. Roles: deputy.
#[utoipa::path(get, path = "/api/v1/votes/{id}/my-ballot", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = MyBallotDto),
))]
pub async fn my_ballot(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<MyBallotDto>> {
    let (voted, receipt) = service::my_ballot(&state.db, &actor, id).await?;
    Ok(Json(MyBallotDto { voted, receipt }))
}

/// The result. Roles: admin once the vote is closed; Public (no token) once it is published.
#[utoipa::path(get, path = "/api/v1/votes/{id}/results", tag = "votes", security((), ("bearer" = [])), params(("id" = Uuid, Path), crate::exports::ExportParams), responses(
    (status = 200, description = "the results; as CSV or XLSX one row per candidate", content(
        (ResultsDto = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 409, description = "`vote_not_closed` or `results_not_published`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn results(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    Export(format): Export,
) -> ApiResult<Response> {
    if format != Format::Json {
        let dto: ResultsDto = service::results(&state.db, actor.as_ref(), id)
            .await?
            .into();
        return crate::exports::file(results_table(&dto), format);
    }
    let db = state.db.clone();
    state
        .published
        .answer(Answer::Results, id, || async move {
            let r = service::results(&db, actor.as_ref(), id).await?;
            let published = r.view.status == service::VoteStatus::Published;
            let dto: ResultsDto = r.into();
            Ok((to_json(&dto)?, published))
        })
        .await
}

fn to_json<T: Serialize>(value: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(value)
        .map_err(|e| minsheng_domain::Error::Internal(format!("serialising: {e}")).into())
}

/// The bulletin: every receipt, ordered by receipt, so each deputy can check theirs was counted,
/// and the totals per candidate. A secret vote's full ballots are not listed (they go to its
/// scrutineers) unless it was set before opening to publish them; a named vote lists names and
/// choices. Public, once the vote is published.
#[utoipa::path(get, path = "/api/v1/votes/{id}/bulletin", tag = "votes", params(("id" = Uuid, Path), crate::exports::ExportParams), responses(
    (status = 200, description = "the bulletin; as CSV or XLSX one row per receipt", content(
        (BulletinDto = "application/json"),
        (String = "text/csv"),
        (crate::routes::attachments::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )),
    (status = 409, description = "`results_not_published`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn bulletin(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Export(format): Export,
) -> ApiResult<Response> {
    if format != Format::Json {
        let b = bulletin_dto(service::bulletin(&state.db, id).await?);
        return crate::exports::file(bulletin_table(&b), format);
    }
    let db = state.db.clone();
    state
        .published
        .answer(Answer::Bulletin, id, || async move {
            // Only a published vote has a bulletin; a named one carries names the office may
            // correct, so only a secret vote's is final.
            let b = bulletin_dto(service::bulletin(&db, id).await?);
            Ok((to_json(&b)?, b.secret))
        })
        .await
}

fn bulletin_dto(b: service::Bulletin) -> BulletinDto {
    let entries = b
        .entries
        .into_iter()
        .map(|e| {
            let (selections, choices) = ballot_marks(e.ballot);
            BulletinEntryDto {
                receipt: e.receipt,
                selections,
                choices,
                voter: e.deputy.map(|d| VoterDto {
                    deputy_id: d.id,
                    deputy_code: d.deputy_code,
                    name: d.name,
                }),
            }
        })
        .collect();
    BulletinDto {
        candidates: candidate_totals(&b.view, &b.tally),
        vote_id: b.view.vote.id,
        title: b.view.vote.title,
        secret: b.view.vote.secret,
        ballots_public: b.ballots_public,
        ballots_cast: b.view.ballots_cast,
        entries,
    }
}

/// One row per candidate, in rank order.
fn results_table(r: &ResultsDto) -> Table {
    Table {
        sheet: "票决结果",
        file: format!("vote-{}-results", r.vote.id),
        headers: vec!["名次", "项目", "赞成", "反对", "弃权", "过半数", "入选"],
        rows: r
            .candidates
            .iter()
            .map(|c| {
                vec![
                    c.rank.into(),
                    c.title.as_str().into(),
                    c.yes.into(),
                    c.no.into(),
                    c.abstain.into(),
                    c.passed.into(),
                    c.adopted.into(),
                ]
            })
            .collect(),
    }
}

/// One row per receipt: the marks where the ballots are public, the deputy where the vote is named.
fn bulletin_table(b: &BulletinDto) -> Table {
    let title = |id: &Uuid| {
        b.candidates
            .iter()
            .find(|c| c.project_id == *id)
            .map_or_else(|| id.to_string(), |c| c.title.clone())
    };
    let word = |c: &ChoiceDto| match c {
        ChoiceDto::Yes => "赞成",
        ChoiceDto::No => "反对",
        ChoiceDto::Abstain => "弃权",
    };
    Table {
        sheet: "公告",
        file: format!("vote-{}-bulletin", b.vote_id),
        headers: vec!["回执", "选票内容", "代表编号", "代表"],
        rows: b
            .entries
            .iter()
            .map(|e| {
                let marks = match (&e.selections, &e.choices) {
                    (Some(s), _) => Some(s.iter().map(title).collect::<Vec<_>>().join("、")),
                    (None, Some(c)) => Some(
                        c.iter()
                            .map(|(id, ch)| format!("{}：{}", title(id), word(ch)))
                            .collect::<Vec<_>>()
                            .join("；"),
                    ),
                    (None, None) => None,
                };
                vec![
                    e.receipt.as_str().into(),
                    marks.into(),
                    e.voter.as_ref().map(|v| v.deputy_code.clone()).into(),
                    e.voter.as_ref().map(|v| v.name.clone()).into(),
                ]
            })
            .collect(),
    }
}
