//! A page visitor for black-box tests of the web pages: plain HTTP with the session cookie kept by
//! hand (so tests can read its flags), redirects not followed (so tests can assert them), and the
//! form token read from the HTML as a browser would submit it.

use reqwest::{StatusCode, header::HeaderMap, redirect::Policy};

/// One page response.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The form token of the first form on the page.
    #[track_caller]
    pub fn csrf(&self) -> String {
        attr_after(&self.html, r#"name="csrf" value=""#).expect("a form token on the page")
    }

    /// Every `value` of inputs named `name`, in page order.
    pub fn values_of(&self, name: &str) -> Vec<String> {
        let needle = format!(r#"name="{name}" value=""#);
        let mut out = Vec::new();
        let mut rest = self.html.as_str();
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            out.push(rest[..rest.find('"').unwrap_or(0)].to_owned());
        }
        out
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.html.contains(text),
            "expected {text:?} on the page (status {}):\n{}",
            self.status,
            self.html
        );
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.html.contains(text),
            "did not expect {text:?} on the page:\n{}",
            self.html
        );
        self
    }
}

fn attr_after(html: &str, needle: &str) -> Option<String> {
    let start = html.find(needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// A browser-like visitor of the pages.
pub struct Visitor {
    base: String,
    client: reqwest::Client,
    /// The session cookie, as `ms_session=…`.
    pub cookie: Option<String>,
    /// The last `Set-Cookie` of the session, with its attributes.
    pub set_cookie: Option<String>,
}

impl Visitor {
    pub fn new(base: &str) -> Visitor {
        Visitor {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("client"),
            cookie: None,
            set_cookie: None,
        }
    }

    /// Logs in through `/login` and keeps the session cookie. Panics unless the login redirects.
    pub async fn logged_in(base: &str, username: &str, password: &str) -> Visitor {
        let mut v = Visitor::new(base);
        let p = v
            .post("/login", &[("username", username), ("password", password)])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "login: {}", p.html);
        assert!(v.cookie.is_some(), "login sets the session cookie");
        v
    }

    fn keep_cookie(&mut self, headers: &HeaderMap) {
        for v in headers.get_all("set-cookie") {
            let Ok(v) = v.to_str() else { continue };
            if let Some(rest) = v.strip_prefix("ms_session=") {
                let value = rest.split(';').next().unwrap_or("");
                self.set_cookie = Some(v.to_owned());
                self.cookie = (!value.is_empty()).then(|| format!("ms_session={value}"));
            }
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let req = match &self.cookie {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        self.keep_cookie(&headers);
        let html = resp.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            html,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{}", self.base, path));
        self.send(req).await
    }

    /// Posts a form as a browser on this site does (`Sec-Fetch-Site: same-origin`).
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("sec-fetch-site", "same-origin")
            .form(form);
        self.send(req).await
    }

    /// Posts a form with files (`multipart/form-data`) as a browser on this site does.
    pub async fn post_files(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Page {
        let (content_type, body) = crate::multipart::body(form, files);
        let req = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", content_type)
            .body(body);
        self.send(req).await
    }

    /// Posts a form as `multipart/form-data` with no file chosen, as a browser sends a form that
    /// can carry photos.
    pub async fn post_multipart(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_files(path, form, &[]).await
    }

    /// Posts a form with the given extra headers (for cross-site checks).
    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }
}
