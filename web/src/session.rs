//! Who is looking at a page: the session cookie, the language and large-text preferences, and the
//! checks every page POST passes (form token and same-origin).

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::{HeaderMap, Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use cookie::{Cookie, SameSite};
use minsheng_domain::{Actor, Error, page_sessions};

use crate::{WebState, error::PageError, i18n::Lang};

pub const SESSION_COOKIE: &str = "ms_session";
const LANG_COOKIE: &str = "ms_lang";
const BIG_COOKIE: &str = "ms_big";

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Display preferences every page reads: language and large text (大字).
#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    pub lang: Lang,
    pub big: bool,
}

impl Prefs {
    pub fn from_headers(headers: &HeaderMap) -> Prefs {
        Prefs {
            lang: Lang::from_cookie(cookie_value(headers, LANG_COOKIE)),
            big: cookie_value(headers, BIG_COOKIE) == Some("1"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Prefs {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Prefs::from_headers(&parts.headers))
    }
}

/// A cookie for a preference: a year, readable by pages only.
pub fn pref_cookie(name: &'static str, value: &str, secure: bool) -> String {
    Cookie::build((name, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::days(365))
        .build()
        .to_string()
}

pub fn lang_cookie(lang: &str, secure: bool) -> String {
    pref_cookie(LANG_COOKIE, if lang == "en" { "en" } else { "zh" }, secure)
}

pub fn big_cookie(big: bool, secure: bool) -> String {
    pref_cookie(BIG_COOKIE, if big { "1" } else { "0" }, secure)
}

/// The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure under TLS. No Max-Age: it ends
/// with the browser, and the server ends it sooner on logout, reset or disable.
pub fn session_cookie(token: &str, secure: bool) -> String {
    Cookie::build((SESSION_COOKIE, token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
        .to_string()
}

pub fn clear_session_cookie(secure: bool) -> String {
    Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// A logged-in page visitor with a permanent password.
pub struct PageUser {
    pub actor: Actor,
    /// The per-session token every form of this visitor carries.
    pub form_token: String,
    pub cookie_token: String,
    pub prefs: Prefs,
}

/// Where a visitor without a valid session goes: the login page, back here afterwards.
fn to_login(parts: &Parts) -> Response {
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let next: String = form_urlencoded_component(here);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

fn form_urlencoded_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The session behind the cookie, whether or not the password must still be changed.
async fn load(parts: &Parts, state: &WebState) -> Result<Option<PageUser>, Response> {
    let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let prefs = Prefs::from_headers(&parts.headers);
    match page_sessions::authenticate_cookie(&state.db, token, state.session_ttl).await {
        Ok(actor) => Ok(Some(PageUser {
            actor,
            form_token: page_sessions::form_token(token),
            cookie_token: token.to_owned(),
            prefs,
        })),
        Err(Error::Unauthenticated { .. }) => Ok(None),
        Err(e) => Err(PageError::from_domain(e, prefs).into_response()),
    }
}

impl FromRequestParts<WebState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let Some(user) = load(parts, state).await? else {
            return Err(to_login(parts));
        };
        if user.actor.must_change_password && parts.uri.path() != "/password" {
            return Err(Redirect::to("/password").into_response());
        }
        if parts.method == Method::POST {
            check_same_origin(&parts.headers, user.prefs).map_err(IntoResponse::into_response)?;
        }
        Ok(user)
    }
}

impl OptionalFromRequestParts<WebState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Option<Self>, Response> {
        load(parts, state).await
    }
}

/// Refuses a POST that a browser says came from another site. Current browsers send
/// `Sec-Fetch-Site`, which decides; older ones send `Origin`, whose host must be ours. (`Origin:
/// null` is what a browser sends under a strict referrer policy, so it alone proves nothing; the
/// form token still guards every logged-in form.)
pub fn check_same_origin(headers: &HeaderMap, prefs: Prefs) -> Result<(), PageError> {
    let refuse = || PageError::new(StatusCode::FORBIDDEN, prefs.lang.msg().bad_form, prefs);
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return if matches!(site, "same-origin" | "none") {
            Ok(())
        } else {
            Err(refuse())
        };
    }
    if let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
    {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin_host != host {
            return Err(refuse());
        }
    }
    Ok(())
}

impl PageUser {
    /// Refuses a form whose token is not this session's (CSRF).
    pub fn check_form(&self, submitted: &str) -> Result<(), PageError> {
        if page_sessions::form_token_matches(&self.cookie_token, submitted) {
            Ok(())
        } else {
            Err(PageError::new(
                StatusCode::FORBIDDEN,
                self.prefs.lang.msg().bad_form,
                self.prefs,
            ))
        }
    }
}
