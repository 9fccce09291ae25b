//! Cache and content-security headers for what the pages' layer does not cover: the JSON API and
//! Swagger UI. (Pages set their own in `minsheng_web`.)

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
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
