//! HTTP handlers, one module per area. Handlers parse, call a domain service, and map the result.

pub mod accounts;
pub mod auth;
pub mod deputies;
pub mod health;
pub mod projects;
pub mod sessions;
pub mod votes;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Paging for lists: `?limit=` (1 to 500, default 50) and `?offset=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0)]
    pub offset: Option<u64>,
}

impl Paging {
    pub fn limit(&self) -> u64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }
    pub fn offset(&self) -> u64 {
        self.offset.unwrap_or(0)
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub total: u64,
}
