//! Liveness and readiness probes.

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::error::ErrorCode;
use minsheng_migration::{Migrator, MigratorTrait};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
};

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` when the check passed.
    pub status: String,
}

/// Liveness: the process answers. Touches no database. Public.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, body = HealthStatus)))]
pub async fn health() -> Json<HealthStatus> {
    Json(HealthStatus {
        status: "ok".into(),
    })
}

/// Readiness: the database answers and every migration is applied. Public.
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, body = HealthStatus),
    (status = 503, description = "database unreachable or migrations pending", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn ready(State(state): State<AppState>) -> ApiResult<Json<HealthStatus>> {
    let unavailable = |detail: String| {
        tracing::warn!(reason = %detail, "not ready");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::NotReady,
            "the database is not ready",
        )
    };
    state
        .db
        .ping()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    let pending = Migrator::get_pending_migrations(&state.db)
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !pending.is_empty() {
        return Err(unavailable(format!("{} migrations pending", pending.len())));
    }
    Ok(Json(HealthStatus {
        status: "ok".into(),
    }))
}
