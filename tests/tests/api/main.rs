//! Black-box tests over HTTP against a spawned server; one binary so the suite links once.

mod accounts;
mod attachments;
mod audit;
mod auth;
mod bounds;
mod concurrency;
mod demo;
mod errors;
mod exports;
mod feed;
mod followup;
mod limits;
mod messages;
mod migrations;
mod pages;
mod pages_followup;
mod pages_integrations;
mod pages_office;
mod pages_oversight;
mod scrutiny;
mod secrecy;
mod storage;
mod suggestions;
mod text_rule;
mod votes;
mod webhooks;
