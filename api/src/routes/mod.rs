//! HTTP handlers, one module per area. Handlers parse, call a domain service, and map the result.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod deputies;
pub mod duty;
pub mod evaluations;
pub mod events;
pub mod followup;
pub mod groups;
pub mod health;
pub mod projects;
pub mod scrutiny;
pub mod sessions;
pub mod stations;
pub mod subjects;
pub mod suggestions;
pub mod votes;
pub mod webhooks;

use axum::http::StatusCode;
use minsheng_domain::error::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use utoipa::{IntoParams, ToSchema};

pub const MAX_LIMIT: u64 = 500;
pub const MAX_OFFSET: u64 = 1_000_000_000;

/// Paging for lists: `?limit=` (1 to 500, default 50) and `?offset=` (default 0).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

impl Paging {
    /// The limit and offset, or 400 `invalid_query` when out of range.
    pub fn bounds(&self) -> Result<(u64, u64), ApiError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        if !(1..=MAX_LIMIT).contains(&limit) || offset > MAX_OFFSET {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidQuery,
                format!("limit must be 1 to {MAX_LIMIT} and offset at most {MAX_OFFSET}"),
            ));
        }
        Ok((limit, offset))
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub total: u64,
}

impl<T: ToSchema> Page<T> {
    /// A list given whole: every item on one page.
    pub fn all(items: Vec<T>) -> Self {
        let total = items.len() as u64;
        Self { items, total }
    }
}
