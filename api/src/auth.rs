//! Access tokens (JWT, HS256 only) and the extractors that turn a bearer token into an [`Actor`].

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use minsheng_domain::error::ErrorCode;
use minsheng_domain::{Actor, Error, auth::authenticate_session};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

const ISSUER: &str = "minsheng";
const AUDIENCE: &str = "minsheng-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    iss: String,
    aud: String,
    exp: u64,
    iat: u64,
    jti: String,
    /// The session (refresh-token family) this token belongs to.
    sid: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_secs: u64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_secs: u64) -> Self {
        // One algorithm, pinned; every registered claim we rely on must be present.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        // A `nbf` claim, when present, is honoured.
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    pub fn issue(
        &self,
        account_id: Uuid,
        role: &str,
        session_id: Uuid,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp() as u64;
        let claims = Claims {
            sub: account_id.to_string(),
            role: role.to_owned(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            exp: now + self.ttl_secs,
            iat: now,
            jti: Uuid::new_v4().to_string(),
            sid: session_id.to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("jwt encode: {e}")).into())
    }

    /// The account and the session of a valid token.
    pub(crate) fn verify(&self, token: &str) -> Result<(Uuid, Uuid), ApiError> {
        let invalid = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidToken,
                "the access token is not valid (damaged, or not issued by this service): log in \
                 again",
            )
        };
        // The same code as any bad token (clients switch on it); the words say what to do. The
        // signature is checked before the expiry, so "expired" is said only of our own tokens.
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::InvalidToken,
                    "the access token has expired: get a new one from POST /api/v1/auth/refresh \
                     with your refresh token, or log in again",
                ),
                _ => invalid(),
            },
        )?;
        // A token that lives longer than this service issues is not one of ours, even if signed
        // with a leaked or shared secret.
        let lifetime = data.claims.exp.saturating_sub(data.claims.iat);
        if data.claims.iat > data.claims.exp
            || lifetime > self.ttl_secs
            || data.claims.jti.is_empty()
        {
            return Err(invalid());
        }
        let account_id = data.claims.sub.parse().map_err(|_| invalid())?;
        let session_id = data.claims.sid.parse().map_err(|_| invalid())?;
        Ok((account_id, session_id))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn actor_from(parts: &Parts, state: &AppState) -> Result<Option<Actor>, ApiError> {
    let Some(token) = bearer(parts) else {
        return Ok(None);
    };
    let (account_id, session_id) = state.jwt.verify(token)?;
    Ok(Some(
        authenticate_session(&state.db, account_id, session_id).await?,
    ))
}

fn missing() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::MissingToken,
        "send an access token: Authorization: Bearer <token>",
    )
}

/// The caller, who must be logged in with a permanent password.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let actor = actor_from(parts, state).await?.ok_or_else(missing)?;
        if actor.must_change_password {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::PasswordChangeRequired,
                "this account has a temporary password; change it with PUT /api/v1/me/password first",
            ));
        }
        Ok(Auth(actor))
    }
}

/// The caller, who may still hold a temporary password (for `/me` and changing the password).
pub struct AuthAllowTemporary(pub Actor);

impl FromRequestParts<AppState> for AuthAllowTemporary {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Self(actor_from(parts, state).await?.ok_or_else(missing)?))
    }
}

/// The caller if a token was sent (public endpoints that show more to the logged-in).
pub struct MaybeAuth(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Self(
            actor_from(parts, state)
                .await?
                .filter(|a| !a.must_change_password),
        ))
    }
}
