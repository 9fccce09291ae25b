//! The scrutineers (监票人) of a vote and their copy of its full ballots.

use axum::{Json, extract::State};
use minsheng_domain::{entities::deputies, votes::scrutiny};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::votes::{BulletinCandidateDto, ChoiceDto, VoterDto, ballot_marks, candidate_totals};
use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{ApiJson, ApiPath},
    routes::Page,
    state::AppState,
};

/// A scrutineer: a deputy named by the office for one vote.
#[derive(Serialize, ToSchema)]
pub struct ScrutineerDto {
    pub deputy_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    pub delegation: String,
}

impl From<deputies::Model> for ScrutineerDto {
    fn from(d: deputies::Model) -> Self {
        Self {
            deputy_id: d.id,
            deputy_code: d.deputy_code,
            name: d.name,
            delegation: d.delegation,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SetScrutineersRequest {
    /// The deputies who read the vote's full ballots; replaces any named before.
    pub deputy_ids: Vec<Uuid>,
}

/// One ballot as the scrutineers read it.
#[derive(Serialize, ToSchema)]
pub struct CountedBallotDto {
    /// Only where the ballots are public anyway (a named vote, or one set to publish its
    /// ballots); null for a secret vote, whose copy is ordered by content.
    pub receipt: Option<String>,
    /// choose_up_to_n ballots.
    pub selections: Option<Vec<Uuid>>,
    /// yes_no_abstain ballots: every candidate with its choice.
    #[schema(value_type = Option<std::collections::BTreeMap<Uuid, ChoiceDto>>)]
    pub choices: Option<std::collections::BTreeMap<Uuid, ChoiceDto>>,
    /// Named (记名) votes only.
    pub voter: Option<VoterDto>,
}

/// Every ballot of a closed vote, with the totals to recount them against.
#[derive(Serialize, ToSchema)]
pub struct FullBallotsDto {
    pub vote_id: Uuid,
    pub title: String,
    pub secret: bool,
    pub ballots_cast: u32,
    /// In ballot order, with their titles and totals.
    pub candidates: Vec<BulletinCandidateDto>,
    pub ballots: Vec<CountedBallotDto>,
}

/// The vote's scrutineers (监票人), by deputy code. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/votes/{id}/scrutineers", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = Page<ScrutineerDto>),
))]
pub async fn get_scrutineers(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Page<ScrutineerDto>>> {
    Ok(Json(Page::all(
        scrutiny::scrutineers(&state.db, &actor, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )))
}

/// Name the vote's scrutineers (监票人), who read its full ballots once it is closed; replaces any
/// named before. Only while the vote is a draft. Roles: admin.
#[utoipa::path(put, path = "/api/v1/votes/{id}/scrutineers", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = SetScrutineersRequest, responses(
    (status = 200, body = Page<ScrutineerDto>),
    (status = 409, description = "`vote_not_draft`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`unknown_deputy`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn set_scrutineers(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<SetScrutineersRequest>,
) -> ApiResult<Json<Page<ScrutineerDto>>> {
    Ok(Json(Page::all(
        scrutiny::set_scrutineers(&state.db, &actor, id, &r.deputy_ids)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )))
}

/// Every ballot of a closed or published vote, for recounting. A secret vote's copy carries no
/// receipts and is ordered by content, so it shows every ballot without telling whose receipt
/// goes with which. Roles: admin, and the vote's scrutineers (403 `forbidden` for anyone else).
#[utoipa::path(get, path = "/api/v1/votes/{id}/full-ballots", tag = "votes", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = FullBallotsDto),
    (status = 403, description = "not a scrutineer of this vote (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`vote_not_closed`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn full_ballots(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FullBallotsDto>> {
    let copy = scrutiny::full_ballots(&state.db, &actor, id).await?;
    let ballots = copy
        .ballots
        .into_iter()
        .map(|b| {
            let (selections, choices) = ballot_marks(Some(b.ballot));
            CountedBallotDto {
                receipt: b.receipt,
                selections,
                choices,
                voter: b.deputy.map(|d| VoterDto {
                    deputy_id: d.id,
                    deputy_code: d.deputy_code,
                    name: d.name,
                }),
            }
        })
        .collect();
    Ok(Json(FullBallotsDto {
        candidates: candidate_totals(&copy.view, &copy.tally),
        vote_id: copy.view.vote.id,
        title: copy.view.vote.title,
        secret: copy.view.vote.secret,
        ballots_cast: copy.view.ballots_cast,
        ballots,
    }))
}
