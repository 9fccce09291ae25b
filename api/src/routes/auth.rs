//! Login, token refresh, logout, and the caller's own account.

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::{accounts::get_account, auth};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::AuthAllowTemporary, error::ApiResult, extract::ApiJson, routes::accounts::AccountDto,
    state::AppState,
};

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 10 to 64 characters.
    #[schema(min_length = 10, max_length = 64)]
    pub new_password: String,
}

/// A fresh token pair.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque token for `POST /api/v1/auth/refresh`; rotates on every use.
    pub refresh_token: String,
    pub account: AccountDto,
}

fn token_response(state: &AppState, session: auth::Session) -> ApiResult<TokenResponse> {
    let auth::Session {
        account,
        refresh_token,
        session_id,
    } = session;
    let access_token = state
        .jwt
        .issue(account.id, account.role.as_str(), session_id)?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl_secs,
        refresh_token,
        account: account.into(),
    })
}

/// Log in with username and password. Public.
///
/// Unknown user and wrong password get the same 401. After 10 failures in 15 minutes a username
/// (known or not) answers 429 with `Retry-After` until the window passes; other accounts on the
/// same network are unaffected.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "unknown user or wrong password (`invalid_credentials`)", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, description = "account disabled (`account_disabled`)", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many failures (`too_many_attempts`)", body = crate::error::Problem, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "seconds to wait"))),
))]
pub async fn login(
    State(state): State<AppState>,
    minsheng_web::client::ClientAddress(client): minsheng_web::client::ClientAddress,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let refresh_ttl = state.refresh_ttl;
    let session = auth::login(
        &state.db,
        &state.hasher,
        state.throttle,
        refresh_ttl,
        &req.username,
        &req.password,
        &client,
    )
    .await?;
    tracing::info!(account.id = %session.account.id, "login");
    Ok(Json(token_response(&state, session)?))
}

/// Trade a refresh token for a new pair. Public.
///
/// The old refresh token stops working. Presenting a token that was already used revokes its whole
/// session (`refresh_token_reused`).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "invalid, expired, revoked or reused token", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let session = auth::refresh(&state.db, state.refresh_ttl, &req.refresh_token).await?;
    Ok(Json(token_response(&state, session)?))
}

/// End the session of a refresh token. Public; always 204.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest, responses(
    (status = 204, description = "logged out"),
))]
pub async fn logout(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<StatusCode> {
    auth::logout(&state.db, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's account. Roles: any (also with a temporary password).
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = AccountDto),
))]
pub async fn me(
    State(state): State<AppState>,
    AuthAllowTemporary(actor): AuthAllowTemporary,
) -> ApiResult<Json<AccountDto>> {
    Ok(Json(get_account(&state.db, actor.account_id).await?.into()))
}

/// Change the caller's password. Roles: any (also with a temporary password).
///
/// Revokes every other session of the account and returns a new token pair.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest, responses(
    (status = 200, body = TokenResponse),
))]
pub async fn change_password(
    State(state): State<AppState>,
    AuthAllowTemporary(actor): AuthAllowTemporary,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let session = auth::change_password(
        &state.db,
        &state.hasher,
        state.refresh_ttl,
        &actor,
        &req.current_password,
        &req.new_password,
    )
    .await?;
    tracing::info!(account.id = %actor.account_id, "password changed");
    Ok(Json(token_response(&state, session)?))
}
