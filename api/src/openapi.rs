//! The OpenAPI document: metadata, the bearer scheme, and the error responses every operation
//! shares, added in one place so no handler can forget them.

use utoipa::{
    OpenApi,
    openapi::{
        ContentBuilder, OpenApi as Doc, RefOr, ResponseBuilder,
        path::Operation,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Minsheng 民生 API",
        description = "Livelihood projects decided by deputies' vote (民生实事项目人大代表票决制): accounts, \
congress sessions, votes, results, follow-up. Errors are RFC 9457 problem+json with a stable `code`. \
Each operation's description names the roles it allows.",
        version = "1.0.0",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(
        crate::error::Problem,
        crate::error::ProblemField,
        crate::error::ErrorCodeSchema
    )),
    tags(
        (name = "auth", description = "Login, tokens and the caller's own account"),
        (name = "accounts", description = "Account administration"),
        (name = "deputies", description = "Deputies (人大代表)"),
        (name = "projects", description = "Livelihood projects (民生实事项目)"),
        (name = "sessions", description = "Congress sessions (会议), roster and attendance"),
        (name = "votes", description = "The vote (票决): ballots, results, bulletin, runoff"),
        (name = "follow-up", description = "Follow-up of adopted projects: baseline, milestones, progress, supervision groups, inspections, problems and rectification, escalations, status colour, timeline"),
        (name = "evaluations", description = "Satisfaction rating (满意度测评)"),
        (name = "audit", description = "The hash-chained audit log of every state change"),
        (name = "suggestions", description = "Deputies' suggestions (代表建议办理): submit, co-sign, return, assign, extend, answer, feedback, publish; the working-day calendar"),
        (name = "duty", description = "Deputies' duty record and points (履职档案 / 积分): rules per year, records line by line, the office's entries, corrections, quarterly snapshots"),
        (name = "stations", description = "Liaison stations (代表联络站): deputies, reception days, citizens' opinions and the citizen's lookup by code"),
        (name = "integrations", description = "The change feed (a cursor over every public change, also as Server-Sent Events) and webhooks (Standard Webhooks signatures)"),
        (name = "operations", description = "Health and readiness"),
    )
)]
pub struct ApiDoc;

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn add_missing(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| problem(description));
}

/// Adds the bearer scheme and the shared error responses. Runs on the finished document, after
/// every route has been registered.
pub fn finish(doc: &mut Doc) {
    {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let has_path_params = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                if op.request_body.is_some() {
                    add_missing(
                        op,
                        "400",
                        "malformed body (`malformed_json`, `unreadable_body`)",
                    );
                    add_missing(op, "413", "body over the size limit (`payload_too_large`)");
                    add_missing(op, "415", "wrong content type (`unsupported_media_type`)");
                    add_missing(
                        op,
                        "422",
                        "invalid content (`invalid_body` or a rule's own code), with per-field `errors`",
                    );
                }
                if has_path_params || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    add_missing(
                        op,
                        "400",
                        "bad path or query parameter (`invalid_path_parameter`, `invalid_query`)",
                    );
                }
                if has_path_params {
                    add_missing(op, "404", "no such resource (`not_found`)");
                }
                if secured {
                    add_missing(
                        op,
                        "401",
                        "missing, expired or invalid token, or ended session (`missing_token`, `invalid_token`, `session_revoked`, `account_disabled`)",
                    );
                    add_missing(
                        op,
                        "403",
                        "role not allowed (`forbidden`) or temporary password (`password_change_required`)",
                    );
                }
                add_missing(op, "500", "internal error (`internal_error`)");
                // OpenAPI requires a description on every response; default to the status text.
                for (status, resp) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = resp
                        && r.description.is_empty()
                    {
                        r.description = status_text(status);
                    }
                }
                add_missing(op, "503", "database busy or unavailable (`busy`)");
            }
        }
    }
}

fn status_text(status: &str) -> String {
    status
        .parse::<u16>()
        .ok()
        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Response")
        .to_owned()
}

/// `format` is only an annotation in JSON Schema 2020-12, so a client generating "valid" data may
/// send `""` for a uuid or a date. A pattern beside each such format makes the contract say what
/// the server accepts.
pub fn pin_formats(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                let pattern = match map.get("format").and_then(|f| f.as_str()) {
                    Some("uuid") => Some(
                        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                    ),
                    Some("date") => Some("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
                    _ => None,
                };
                if let Some(p) = pattern {
                    map.entry("pattern").or_insert_with(|| p.into());
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(&doc).expect("the OpenAPI document serializes");
    walk(&mut json);
    serde_json::from_value(json).expect("the OpenAPI document reads back")
}

/// Marks a one-line text field in `#[schema(pattern = "one-line")]`: a name, a title
/// ([`minsheng_domain::text::parse_text`]). [`text_patterns`] puts the rule in its place.
pub const ONE_LINE: &str = "one-line";
/// Marks a multi-line text field in `#[schema(pattern = "long-text")]`: a summary, a note
/// ([`minsheng_domain::text::parse_long_text`]); required when its `min_length` is 1.
pub const LONG_TEXT: &str = "long-text";

/// Marks a comma-separated list of the feed's event types in `#[param(pattern = "event-types")]`;
/// [`text_patterns`] puts the exact alternation of [`minsheng_domain::vocabulary::EventType`]
/// there, so a generated list holds only types the server knows.
pub const EVENT_TYPES: &str = "event-types";

/// The control characters (Unicode Cc).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
/// Control characters but tab, newline and carriage return.
const CONTROL_BUT_BREAKS: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";
/// Bidirectional controls and invisible characters (`text::is_invisible_format`).
const INVISIBLE: &str = r"\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff";
/// White space that is not a control character (Unicode White_Space, which `trim` removes).
const SPACE: &str = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// The text rule of `minsheng_domain::text` as schema patterns (ECMA-262, as JSON Schema wants),
/// so a client or a fuzzer generating "valid" text sends what the server accepts: one-line text
/// has no control or invisible character and something besides spaces; multi-line text may hold
/// tabs and line breaks, and when required, something besides white space.
pub fn text_patterns(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let one_line =
        format!("^[^{CONTROL}{INVISIBLE}]*[^{CONTROL}{INVISIBLE}{SPACE}][^{CONTROL}{INVISIBLE}]*$");
    let long_required = format!(
        "^[^{CONTROL_BUT_BREAKS}]*[^{CONTROL_BUT_BREAKS}\\t\\n\\r{SPACE}][^{CONTROL_BUT_BREAKS}]*$"
    );
    let long_optional = format!("^[^{CONTROL_BUT_BREAKS}]*$");
    let one_type = minsheng_domain::vocabulary::EventType::words()
        .iter()
        .map(|w| w.replace('.', "\\."))
        .collect::<Vec<_>>()
        .join("|");
    let event_types = format!("^({one_type})(,({one_type}))*$");
    let walk = |v: &mut serde_json::Value| {
        fn go(v: &mut serde_json::Value, rules: &dyn Fn(&str, bool) -> Option<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    let required = map.get("minLength").and_then(|m| m.as_u64()).unwrap_or(0) > 0;
                    if let Some(p) = map.get("pattern").and_then(|p| p.as_str())
                        && let Some(rule) = rules(p, required)
                    {
                        map.insert("pattern".into(), rule.into());
                    }
                    map.values_mut().for_each(|v| go(v, rules));
                }
                serde_json::Value::Array(items) => items.iter_mut().for_each(|v| go(v, rules)),
                _ => {}
            }
        }
        go(v, &|marker, required| match marker {
            ONE_LINE => Some(one_line.clone()),
            EVENT_TYPES => Some(event_types.clone()),
            LONG_TEXT if required => Some(long_required.clone()),
            LONG_TEXT => Some(long_optional.clone()),
            _ => None,
        })
    };
    let mut json = serde_json::to_value(&doc).expect("the OpenAPI document serializes");
    walk(&mut json);
    serde_json::from_value(json).expect("the OpenAPI document reads back")
}

/// OpenAPI links from each operation that creates or changes a resource to the operations that
/// take that resource's id (`$response.body#/id`): from creating a vote to reading, opening,
/// closing, publishing it, casting a ballot in it, reading its results. Generated clients and
/// schemathesis' stateful phase follow them. The rule: an operation answering (2xx) a schema with
/// an `id`, which some `GET /…/{id}` also answers, links to every operation under that path whose
/// only path parameter is `id`.
pub fn add_links(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use serde_json::{Map, Value, json};
    let mut json = serde_json::to_value(&doc).expect("the OpenAPI document serializes");
    let body_ref = |resp: &Value| -> Option<String> {
        resp.pointer("/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let has_id = |json: &Value, r: &str| -> bool {
        let name = r.trim_start_matches("#/components/schemas/");
        json.pointer(&format!("/components/schemas/{name}/properties/id"))
            .is_some()
    };
    let only_id = |path: &str| path.matches('{').count() == 1 && path.contains("{id}");
    let paths = json["paths"].as_object().cloned().unwrap_or_default();
    // The resource path (`/api/v1/votes/{id}`) each schema is read at.
    let mut read_at: Vec<(String, String)> = Vec::new();
    for (path, item) in &paths {
        if let Some(r) = item.pointer("/get/responses/200").and_then(body_ref)
            && path.ends_with("/{id}")
            && only_id(path)
        {
            read_at.push((r, path.clone()));
        }
    }
    let mut additions: Vec<(String, String, String, Map<String, Value>)> = Vec::new();
    for (path, item) in &paths {
        for method in ["post", "put", "patch"] {
            let Some(responses) = item
                .pointer(&format!("/{method}/responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            for (status, resp) in responses {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(r) = body_ref(resp) else { continue };
                if !has_id(&json, &r) {
                    continue;
                }
                let mut links = Map::new();
                for (_, resource) in read_at.iter().filter(|(rr, _)| *rr == r) {
                    for (target, target_item) in &paths {
                        if target != resource && !target.starts_with(&format!("{resource}/")) {
                            continue;
                        }
                        if !only_id(target) {
                            continue;
                        }
                        for (m, op) in target_item.as_object().into_iter().flatten() {
                            let Some(op_id) = op.get("operationId").and_then(Value::as_str) else {
                                continue;
                            };
                            if !["get", "post", "put", "patch", "delete"].contains(&m.as_str()) {
                                continue;
                            }
                            links.insert(
                                op_id.to_owned(),
                                json!({
                                    "operationId": op_id,
                                    "parameters": {"id": "$response.body#/id"},
                                }),
                            );
                        }
                    }
                }
                if !links.is_empty() {
                    additions.push((path.clone(), method.to_owned(), status.clone(), links));
                }
            }
        }
    }
    for (path, method, status, links) in additions {
        if let Some(resp) = json["paths"][&path][&method]["responses"][&status].as_object_mut() {
            resp.insert("links".into(), Value::Object(links));
        }
    }
    serde_json::from_value(json).expect("the OpenAPI document reads back")
}
