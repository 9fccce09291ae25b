//! `TestApp`: the real Minsheng server on port 0, with a fresh database per test.
//!
//! The database comes from `MINSHENG_TEST_DATABASE_URL`: unset (or a `sqlite:` URL) gives each test
//! its own SQLite file in a temporary directory; a `postgres://` URL names a server on which each
//! test creates, and afterwards drops, its own database.

use std::path::PathBuf;

pub mod browser;
pub mod kit;
pub mod multipart;
pub mod pages;
pub mod process;
pub mod receiver;

pub use kit::AdoptedProject;

use minsheng_api::{config::Config, startup};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "admin-test-password";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// A database created for one test and removed when the test ends.
pub struct TestDb {
    pub url: String,
    dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn create() -> TestDb {
        let base = std::env::var("MINSHENG_TEST_DATABASE_URL").unwrap_or_default();
        let name = format!("ms_test_{}", uuid::Uuid::new_v4().simple());
        if base.starts_with("postgres://") || base.starts_with("postgresql://") {
            let admin = Database::connect(&base)
                .await
                .expect("connect to MINSHENG_TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("a postgres URL ends with /<database>");
            let url = format!("{prefix}/{name}");
            TestDb {
                url,
                dir: None,
                pg: Some((base, name)),
            }
        } else {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}", dir.join("minsheng.db").display());
            TestDb {
                url,
                dir: Some(dir),
                pg: None,
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((base, name)) = self.pg.take() {
            // Drop runs inside the test's runtime; a short-lived runtime on its own thread does the
            // async cleanup.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(db) = Database::connect(&base).await {
                        let _ = db
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The configuration a test server runs with.
pub fn test_config(db_url: &str, dir: Option<&std::path::Path>) -> Config {
    Config {
        database_url: db_url.to_owned(),
        bind: "127.0.0.1:0".parse().unwrap(),
        jwt_secret: Some(JWT_SECRET.to_owned()),
        jwt_secret_file: dir
            .map(|d| d.join("jwt"))
            .unwrap_or_else(|| PathBuf::from("unused")),
        access_ttl_secs: 900,
        refresh_ttl_secs: 3600,
        admin_password: Some(ADMIN_PASSWORD.to_owned()),
        body_limit: 1024 * 1024,
        colour_rule: Default::default(),
        cookie_secure: false,
        header_timeout_secs: 60,
        body_timeout_secs: 30,
        max_connections: 1024,
        client_ip_header: None,
        import_max_rows: 5000,
        attachment_max_bytes: 10 * 1024 * 1024,
        tls: None,
        webhooks: Default::default(),
        // Tests that watch colours ask for it; others would see announcements appear mid-test.
        colour_watch_secs: 3600,
    }
}

pub struct TestApp {
    pub handle: Handle,
    pub db: TestDb,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl std::ops::Deref for TestApp {
    type Target = Handle;
    fn deref(&self) -> &Handle {
        &self.handle
    }
}

/// A response: status, headers and the body as JSON (`Value::Null` when empty or not JSON).
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        self.body
    }
    #[track_caller]
    pub fn expect_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "problem content type"
        );
        assert_eq!(self.code(), code, "body: {}", self.body);
        assert_eq!(self.body["status"].as_u64(), Some(u64::from(status)));
    }
}

/// A logged-in user's tokens.
#[derive(Clone, Debug)]
pub struct Login {
    pub access: String,
    pub refresh: String,
    pub body: Value,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose configuration the test adjusts first (limits, timeouts).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let db = TestDb::create().await;
        let mut config = test_config(&db.url, None);
        adjust(&mut config);
        let (handle, server) = start(config).await;
        TestApp { handle, db, server }
    }

    /// Another server on this one's database: a second node, with nothing in memory yet.
    pub async fn spawn_on(app: &TestApp) -> Node {
        Self::spawn_config_on(test_config(&app.db.url, None)).await
    }

    /// A second node with its own configuration (which names the database).
    pub async fn spawn_config_on(config: Config) -> Node {
        let (handle, server) = start(config).await;
        Node { handle, server }
    }
}

async fn start(config: Config) -> (Handle, tokio::task::JoinHandle<()>) {
    let state = startup::prepare(&config).await.expect("prepare the server");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        startup::serve(listener, state, &config)
            .await
            .expect("server runs");
    });
    let handle = Handle {
        base,
        // Idle pooled connections are dropped well before the server's header deadline closes
        // them, so a request never races a closing keep-alive connection.
        client: reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(20))
            .build()
            .expect("client"),
    };
    (handle, server)
}

/// A second server on a test's database ([`TestApp::spawn_on`]); stopped when dropped.
pub struct Node {
    pub handle: Handle,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A cheap, cloneable client of a running test server.
#[derive(Clone)]
pub struct Handle {
    pub base: String,
    pub client: reqwest::Client,
}

impl Handle {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::GET, path, token, None).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(Method::POST, path, token, Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(Method::PATCH, path, token, Some(body)).await
    }
    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(Method::PUT, path, token, Some(body)).await
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"username": username, "password": password}),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Login {
        let body = self.try_login(username, password).await.expect(200);
        Login {
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
            body,
        }
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await.access
    }

    /// Posts a `multipart/form-data` body (fields, then files in parts named `file`).
    pub async fn upload(
        &self,
        path: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Resp {
        let (content_type, body) = multipart::body(fields, files);
        let mut req = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("upload sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.json().await.unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
        }
    }

    /// Fetches raw bytes: status, headers, body.
    pub async fn bytes(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let resp = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("request sent");
        let (status, headers) = (resp.status(), resp.headers().clone());
        (
            status,
            headers,
            resp.bytes().await.unwrap_or_default().to_vec(),
        )
    }

    pub async fn import_csv(&self, token: &str, csv: &str) -> Resp {
        let resp = self
            .client
            .post(format!("{}/api/v1/deputies/import", self.base))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.json().await.unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
        }
    }

    /// Imports `n` deputies (codes `D0001`...), logs each in and replaces the temporary password.
    /// Returns, per deputy, its id and an access token ready to use.
    pub async fn deputies(&self, admin: &str, n: usize) -> Vec<(String, String)> {
        let start = self
            .get("/api/v1/deputies?limit=1", Some(admin))
            .await
            .expect(200)["total"]
            .as_u64()
            .unwrap();
        let csv: String = (0..n)
            .map(|i| {
                format!(
                    "D{:04},代表{},第{}代表团\n",
                    start as usize + i + 1,
                    i + 1,
                    i % 12 + 1
                )
            })
            .collect();
        let created = self.import_csv(admin, &csv).await.expect(201);
        let rows = created["created"].as_array().unwrap().clone();
        let mut tasks = Vec::new();
        for row in rows {
            let client = self.clone();
            tasks.push(tokio::spawn(async move {
                let username = row["username"].as_str().unwrap().to_owned();
                let first = client.login(&username, row["initial_password"].as_str().unwrap()).await;
                let changed = client
                    .put(
                        "/api/v1/me/password",
                        Some(&first.access),
                        json!({"current_password": row["initial_password"], "new_password": "deputy-password-1"}),
                    )
                    .await
                    .expect(200);
                (row["deputy"]["id"].as_str().unwrap().to_owned(), changed["access_token"].as_str().unwrap().to_owned())
            }));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }
}

/// A session whose roster holds the deputies created for it, all marked present.
pub struct SessionSetup {
    pub id: String,
    /// Per deputy: deputy id and a ready access token.
    pub deputies: Vec<(String, String)>,
}

impl Handle {
    /// Creates a proposed project with real-looking materials.
    pub async fn project(&self, admin: &str, title: &str) -> String {
        let body = json!({
            "title": title, "summary": "改善群众生活", "category": "民生", "department": "县住建局",
            "budget_yuan": 1_200_000, "year": 2027, "source": "public", "planned_completion": "2027-12-31"
        });
        self.post("/api/v1/projects", Some(admin), body)
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn projects(&self, admin: &str, n: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for i in 0..n {
            ids.push(self.project(admin, &format!("民生项目{}", i + 1)).await);
        }
        ids
    }

    /// `n` fresh deputies, a session with exactly them on the roster, all present.
    pub async fn session_with(&self, admin: &str, n: usize) -> SessionSetup {
        let deputies = self.deputies(admin, n).await;
        let id = self
            .post(
                "/api/v1/sessions",
                Some(admin),
                json!({"name": "县第十八届人大第五次会议", "year": 2027}),
            )
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let ids: Vec<&String> = deputies.iter().map(|(d, _)| d).collect();
        self.put(
            &format!("/api/v1/sessions/{id}/roster"),
            Some(admin),
            json!({"deputy_ids": ids}),
        )
        .await
        .expect(200);
        let s = self
            .put(
                &format!("/api/v1/sessions/{id}/attendance"),
                Some(admin),
                json!({"deputy_ids": ids, "present": true}),
            )
            .await
            .expect(200);
        assert_eq!(s["present_count"].as_u64(), Some(n as u64));
        SessionSetup { id, deputies }
    }

    /// Drafts a vote, opens it, and returns its id.
    pub async fn open_vote(&self, admin: &str, session: &str, body: Value) -> String {
        let vote = self.draft_vote(admin, session, body).await;
        self.post(
            &format!("/api/v1/votes/{vote}/open"),
            Some(admin),
            json!({}),
        )
        .await
        .expect(200);
        vote
    }

    /// Drafts a vote and returns its id.
    pub async fn draft_vote(&self, admin: &str, session: &str, body: Value) -> String {
        self.post(
            &format!("/api/v1/sessions/{session}/votes"),
            Some(admin),
            body,
        )
        .await
        .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}
