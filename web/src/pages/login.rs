//! Logging in and out, the forced change of a one-time password, and the display preferences.

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use minsheng_domain::{Error, Role, auth};
use serde::Deserialize;

use super::TokenOnly;
use crate::{
    WebState,
    error::{PageError, PageResult},
    render::{Chrome, html},
    session::{self, PageUser, Prefs},
};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    next: String,
    error: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only a path on this site is a place to go back to (no `//host`, no scheme).
fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

fn home_of(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin",
        Role::Deputy => "/d",
        Role::Department => "/dept",
    }
}

fn with_cookie(mut resp: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /`: the visitor's own start page, or the login page.
pub async fn home(user: Option<PageUser>) -> Response {
    match user {
        Some(u) => Redirect::to(home_of(u.actor.role)).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

pub async fn form(prefs: Prefs, Query(q): Query<NextQuery>) -> Response {
    html(&LoginPage {
        c: Chrome::public(prefs, "/login"),
        username: String::new(),
        next: safe_next(&q.next).unwrap_or("").to_owned(),
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: a wrong password keeps the username in the form and says why in a sentence.
pub async fn submit(
    State(state): State<WebState>,
    prefs: Prefs,
    crate::client::ClientAddress(client): crate::client::ClientAddress,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult {
    session::check_same_origin(&headers, prefs)?;
    let refused = |message: &'static str| {
        let mut resp = html(&LoginPage {
            c: Chrome::public(prefs, "/login"),
            username: f.username.clone(),
            next: safe_next(&f.next).unwrap_or("").to_owned(),
            error: Some(message),
        });
        *resp.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
        resp
    };
    match auth::login(
        &state.db,
        &state.hasher,
        state.throttle,
        state.session_ttl,
        &f.username,
        &f.password,
        &client,
    )
    .await
    {
        Ok(s) => {
            let to = if s.account.must_change_password {
                "/password"
            } else {
                safe_next(&f.next).unwrap_or(home_of(s.account.role))
            };
            Ok(with_cookie(
                Redirect::to(to).into_response(),
                &session::session_cookie(&s.refresh_token, state.secure_cookies),
            ))
        }
        Err(Error::Unauthenticated { code, .. } | Error::Forbidden { code, .. }) => {
            Ok(refused(prefs.lang.msg().for_code(code)))
        }
        Err(Error::TooManyAttempts { .. }) => Ok(refused(prefs.lang.msg().too_many_attempts)),
        Err(e) => Err(PageError::from_domain(e, prefs)),
    }
}

/// `POST /logout`: ends the session on every node.
pub async fn logout(
    State(state): State<WebState>,
    user: PageUser,
    Form(f): Form<TokenOnly>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    auth::logout(&state.db, &user.cookie_token)
        .await
        .map_err(|e| PageError::from_domain(e, user.prefs))?;
    Ok(with_cookie(
        Redirect::to("/login").into_response(),
        &session::clear_session_cookie(state.secure_cookies),
    ))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    forced: bool,
    error: Option<&'static str>,
}

pub async fn password_form(user: PageUser) -> Response {
    html(&PasswordPage {
        c: Chrome::for_user(&user, "/password"),
        forced: user.actor.must_change_password,
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// `POST /password`: on success the old sessions end and this browser gets a new one.
pub async fn password_submit(
    State(state): State<WebState>,
    user: PageUser,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    user.check_form(&f.csrf)?;
    let t = user.prefs.lang.msg();
    let refused = |message: &'static str| {
        let mut resp = html(&PasswordPage {
            c: Chrome::for_user(&user, "/password"),
            forced: user.actor.must_change_password,
            error: Some(message),
        });
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        resp
    };
    if f.new_password != f.new_password_again {
        return Ok(refused(t.passwords_differ));
    }
    match auth::change_password(
        &state.db,
        &state.hasher,
        state.session_ttl,
        &user.actor,
        &f.current_password,
        &f.new_password,
    )
    .await
    {
        Ok(s) => Ok(with_cookie(
            Redirect::to(home_of(s.account.role)).into_response(),
            &session::session_cookie(&s.refresh_token, state.secure_cookies),
        )),
        Err(Error::Forbidden { code, .. } | Error::Invalid { code, .. }) => {
            Ok(refused(t.for_code(code)))
        }
        Err(e) => Err(PageError::from_domain(e, user.prefs)),
    }
}

#[derive(Debug, Deserialize)]
pub struct PrefsQuery {
    lang: Option<String>,
    big: Option<String>,
    #[serde(default)]
    next: String,
}

/// `GET /prefs?lang=en|zh&big=1|0&next=/path`: sets a display preference and goes back.
pub async fn prefs(State(state): State<WebState>, Query(q): Query<PrefsQuery>) -> Response {
    let mut resp = Redirect::to(safe_next(&q.next).unwrap_or("/")).into_response();
    if let Some(lang) = q.lang {
        resp = with_cookie(resp, &session::lang_cookie(&lang, state.secure_cookies));
    }
    if let Some(big) = q.big {
        resp = with_cookie(resp, &session::big_cookie(big == "1", state.secure_cookies));
    }
    resp
}
