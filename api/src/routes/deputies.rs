//! Deputies: one by one, or a whole roster by CSV import (admin).

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::accounts::{self, CreatedDeputy, NewDeputy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{ApiJson, ApiQuery, CsvBody},
    routes::{Page, Paging, accounts::DeputyDto},
    state::AppState,
};

#[derive(Deserialize, ToSchema)]
pub struct CreateDeputyRequest {
    #[schema(pattern = r"^[A-Za-z0-9._-]{3,32}$")]
    pub deputy_code: String,
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub name: String,
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub delegation: String,
    /// Defaults to the deputy code when left out; stored in lower case. An empty or otherwise
    /// invalid username is refused (422 `invalid_username`).
    #[schema(pattern = r"^[A-Za-z0-9._-]{3,64}$")]
    pub username: Option<String>,
}

/// A deputy account just created, with its one-time password.
#[derive(Serialize, ToSchema)]
pub struct CreatedDeputyDto {
    pub deputy: DeputyDto,
    pub username: String,
    /// Shown once; the deputy must change it at first login.
    pub initial_password: String,
}

impl From<CreatedDeputy> for CreatedDeputyDto {
    fn from(c: CreatedDeputy) -> Self {
        Self {
            deputy: c.deputy.into(),
            username: c.username,
            initial_password: c.initial_password,
        }
    }
}

/// The result of a CSV import.
#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub created: Vec<CreatedDeputyDto>,
}

/// Create one deputy and its account. Roles: admin.
#[utoipa::path(post, path = "/api/v1/deputies", tag = "deputies", security(("bearer" = [])), request_body = CreateDeputyRequest, responses(
    (status = 201, body = CreatedDeputyDto),
    (status = 409, description = "deputy code or username taken", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_deputy(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(req): ApiJson<CreateDeputyRequest>,
) -> ApiResult<(StatusCode, Json<CreatedDeputyDto>)> {
    let input = NewDeputy {
        deputy_code: &req.deputy_code,
        name: &req.name,
        delegation: &req.delegation,
        username: req.username.as_deref(),
    };
    let created = accounts::create_deputy(&state.db, &state.hasher, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// List deputies by deputy code. Roles: admin, deputy.
#[utoipa::path(get, path = "/api/v1/deputies", tag = "deputies", security(("bearer" = [])), params(Paging), responses(
    (status = 200, body = Page<DeputyDto>),
))]
pub async fn list_deputies(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Page<DeputyDto>>> {
    let (limit, offset) = paging.bounds()?;
    let page = accounts::list_deputies(&state.db, &actor, limit, offset).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
    }))
}

/// Import deputies from CSV, one per line, in UTF-8 (with or without a byte order mark) or GBK (as
/// Excel saves it on a Chinese Windows). The first row may be a header naming the columns, in any
/// order: `代表编号,姓名,代表团,用户名` or `deputy_code,name,delegation,username` (用户名 optional; an
/// unknown column name is refused with 422 `unknown_column`). Without a header the columns are
/// `deputy_code,name,delegation[,username]`. A blank username defaults to the deputy code. All or
/// nothing: one bad row creates nothing, and the error names the row. At most
/// `MINSHENG_IMPORT_MAX_ROWS` (5000 by default) deputy rows per file; a longer file is refused
/// whole with 422 `too_many_rows`. Each new account's one-time password is in the answer, once.
/// Roles: admin.
#[utoipa::path(post, path = "/api/v1/deputies/import", tag = "deputies", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "an optional header row (代表编号,姓名,代表团,用户名 or deputy_code,name,delegation,username, any order), then deputy rows; without a header: deputy_code,name,delegation[,username]"),
    responses(
        (status = 201, body = ImportResult),
        (status = 422, description = "invalid content (`invalid_body` or a rule's own code): a bad row, named in `detail`; `too_many_rows` (more deputy rows than `MINSHENG_IMPORT_MAX_ROWS`); in the header `unknown_column` (named), `duplicate_column` or `missing_column`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "a deputy code or username already exists", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_deputies(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CsvBody(text): CsvBody,
) -> ApiResult<(StatusCode, Json<ImportResult>)> {
    let created = accounts::import_deputies_csv(
        &state.db,
        &state.hasher,
        &actor,
        &text,
        state.import_max_rows,
    )
    .await?;
    tracing::info!(count = created.len(), "deputies imported");
    Ok((
        StatusCode::CREATED,
        Json(ImportResult {
            created: created.into_iter().map(Into::into).collect(),
        }),
    ))
}
