//! Rendering a template into a response, and the frame every page shares (language, large text,
//! the visitor's name and form token, asset addresses).

use askama::Template;
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    assets,
    i18n::Msg,
    session::{PageUser, Prefs},
};

/// What the layout needs besides the page's own content.
pub struct Chrome {
    pub t: &'static Msg,
    pub big: bool,
    /// Set when someone is logged in: shows the logout button.
    pub username: Option<String>,
    pub form_token: String,
    /// This page's path, where the language and large-text switches come back to.
    pub here: String,
    pub css: &'static str,
    pub js: &'static str,
}

impl Chrome {
    pub fn public(prefs: Prefs, here: &str) -> Chrome {
        Chrome {
            t: prefs.lang.msg(),
            big: prefs.big,
            username: None,
            form_token: String::new(),
            here: here.to_owned(),
            css: assets::css_url(),
            js: assets::js_url(),
        }
    }

    pub fn for_user(user: &PageUser, here: &str) -> Chrome {
        Chrome {
            username: Some(user.actor.username.clone()),
            form_token: user.form_token.clone(),
            ..Chrome::public(user.prefs, here)
        }
    }
}

/// Renders a page. A template that fails to render is a server fault, logged.
pub fn html<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(body) => {
            let mut resp = body.into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Money as the offices write it: yuan → 万元 with up to two decimals (1,234.5 万元).
pub fn wan_yuan(yuan: i64) -> String {
    let hundredths = (yuan as i128 * 100 + 5000) / 10000;
    let whole = hundredths / 100;
    let frac = hundredths % 100;
    let mut digits = whole.abs().to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    grouped = format!("{digits}{grouped}");
    if whole < 0 {
        grouped.insert(0, '-');
    }
    match frac {
        0 => grouped,
        f if f % 10 == 0 => format!("{grouped}.{}", f / 10),
        f => format!("{grouped}.{f:02}"),
    }
}

/// A receipt in groups of four characters, as a deputy copies it down.
pub fn grouped(receipt: &str) -> String {
    receipt
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_wan_yuan() {
        assert_eq!(wan_yuan(12_000_000), "1,200");
        assert_eq!(wan_yuan(12_345_000), "1,234.5");
        assert_eq!(wan_yuan(5_000), "0.5");
        assert_eq!(wan_yuan(123), "0.01");
        assert_eq!(wan_yuan(0), "0");
        assert_eq!(wan_yuan(1_000_000_000_000), "100,000,000");
    }

    #[test]
    fn receipts_in_groups_of_four() {
        assert_eq!(grouped("0123456789abcdef"), "0123 4567 89ab cdef");
        assert_eq!(grouped("abcde"), "abcd e");
    }
}
