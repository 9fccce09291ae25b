//! Minsheng's HTTP layer: parse and authenticate requests, call the domain, map results to JSON and
//! problem+json. No rule of the vote lives here.

pub mod auth;
pub mod background;
pub mod bounds;
pub mod config;
pub mod database_file;
pub mod error;
pub mod exports;
pub mod extract;
pub mod headers;
pub mod openapi;
pub mod published;
pub mod routes;
pub mod server;
pub mod startup;
pub mod state;
pub mod tls;
