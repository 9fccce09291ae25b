//! Real-browser tests: Debian's headless Chromium driven through chromedriver by fantoccini, at phone
//! size (390 × 844, through chromedriver's mobile emulation) or projector size (1920 × 1080).
//!
//! Each browser gets its own chromedriver on a free port and a fresh profile. At most two run at
//! once (2 cores). When chromedriver is missing, a browser test fails under `CI=true` and says how
//! to install it; elsewhere it says so and passes without a browser, so `cargo test` stays usable
//! on a machine without Chromium.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::LazyLock,
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));

const INSTALL: &str = "browser tests need Chromium and its driver: \
    `sudo apt-get install -y chromium chromium-driver fonts-wqy-microhei` (Debian), \
    or set MINSHENG_CHROMEDRIVER and MINSHENG_CHROMIUM to their paths";

fn find(var: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// The window a test looks through.
#[derive(Debug, Clone, Copy)]
pub enum Screen {
    /// A phone in a deputy's hand: 390 × 844 CSS pixels.
    Phone,
    /// The hall's projector: 1920 × 1080.
    Projector,
}

/// A running browser; chromedriver is stopped when it is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    _slot: SemaphorePermit<'static>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    /// Starts a browser, or `None` (with a message) when none is installed outside CI.
    pub async fn start(screen: Screen) -> Option<Browser> {
        let driver_path = find("MINSHENG_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let chromium = find(
            "MINSHENG_CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let (Some(driver_path), Some(chromium)) = (driver_path, chromium) else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{INSTALL}");
            }
            eprintln!("skipping a browser check: {INSTALL}");
            return None;
        };
        let slot = SLOTS.acquire().await.expect("browser slots");
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = std::env::temp_dir().join(format!("ms-chromium-{}", uuid::Uuid::new_v4()));
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({ "binary": chromium });
        match screen {
            Screen::Phone => {
                options["mobileEmulation"] =
                    json!({"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}});
            }
            Screen::Projector => args.push("--window-size=1920,1080".to_owned()),
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(caps.clone());
            match builder.connect(&url).await {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        profile,
                        _slot: slot,
                    });
                }
                Err(e) => {
                    last = Some(e.to_string());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("chromedriver did not start: {last:?}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Waits up to 10 s for an element.
    pub async fn wait(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.wait(css).await.click().await.expect("click");
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.wait(css).await;
        e.clear().await.expect("clear");
        e.send_keys(text).await.expect("type");
    }

    /// The text of the first `css` element. A live page may reload itself (the big screen does at
    /// each stage) between finding the element and reading it: then it is found again.
    pub async fn text(&self, css: &str) -> String {
        let mut last = None;
        for _ in 0..50 {
            match self.wait(css).await.text().await {
                Ok(t) => return t,
                Err(e) => {
                    last = Some(e.to_string());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("cannot read {css}: {last:?}")
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_owned()
    }

    /// Waits up to `secs` for the text of `css` to become `want`.
    pub async fn wait_text(&self, css: &str, want: &str, secs: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let now = self.text(css).await;
            if now == want {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css} shows {now:?}, not {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The page's visible text.
    pub async fn body(&self) -> String {
        self.text("body").await
    }

    /// Runs a script and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// Logs in through the login page.
    pub async fn login(&self, base: &str, username: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click("form button.primary").await;
        // The login page itself has a <main>: wait until the browser has left it (or shows why
        // it could not), so the next navigation carries the new session's cookie.
        for _ in 0..100 {
            let left = self.path().await != "/login";
            let refused = self
                .js("return document.readyState === 'complete' && !!document.querySelector('.alert')")
                .await
                .as_bool()
                == Some(true);
            if left || refused {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.wait("main").await;
    }
}
