//! Cache and content-security headers for what the pages' layer does not cover: the JSON API and
//! Swagger UI. (Pages set their own in `minsheng_web`.)

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Swagger UI styles its widgets inline and shows data-URI icons; everything else is from here.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// API answers carry tokens, one-time passwords and personal data: never stored by a browser or a
/// proxy (`no-store`) unless a handler says otherwise. Swagger UI gets a CSP and cannot be framed.
pub async fn api_and_docs(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if path.starts_with("/api/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if path == "/docs" || path.starts_with("/docs/") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CSP),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    resp
}

/// HTTPS only, from now on, for a year: set when the binary serves HTTPS itself. No
/// `includeSubDomains`: a hall network's other hosts are not ours to decide.
pub async fn hsts(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    resp
}

/// Most bytes of an answer hashed for its ETag; a larger one (no JSON answer is) goes without.
const ETAG_MAX_BYTES: usize = 16 * 1024 * 1024;

/// `ETag` on every successful `GET` of the API, and `304 Not Modified` when `If-None-Match`
/// names it, so a portal polling published results, the board or a project's reports downloads
/// only what changed. The tag is the SHA-256 of the answer's bytes (so two nodes give the same
/// tag for the same answer). Anonymous reads may then be kept by a cache that asks again each time
/// (`no-cache`); an answer to a token stays `no-store`. Event streams are left alone.
pub async fn etag(req: Request, next: Next) -> Response {
    use sha2::{Digest, Sha256};
    let is_get = req.method() == axum::http::Method::GET;
    let api = req.uri().path().starts_with("/api/");
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION);
    let wanted = req.headers().get(header::IF_NONE_MATCH).cloned();
    let resp = next.run(req).await;
    if !is_get
        || !api
        || resp.status() != axum::http::StatusCode::OK
        || resp.headers().contains_key(header::ETAG)
        || resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"text/event-stream"))
    {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_MAX_BYTES).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let Ok(tag_value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    parts.headers.insert(header::ETAG, tag_value.clone());
    parts.headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Accept"),
    );
    if anonymous && !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    let matches = wanted
        .as_ref()
        .and_then(|w| w.to_str().ok())
        // Weak comparison (RFC 9110 §13.1.2): `W/"…"` matches the same tag.
        .is_some_and(|w| {
            w.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag
            })
        });
    if matches {
        let mut not_modified = axum::http::StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::VARY, header::CACHE_CONTROL] {
            if let Some(v) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, v.clone());
            }
        }
        return not_modified;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
