//! The service under test: the real `minsheng` binary (release build, beside this program) in a
//! child process, on a fresh database, so its memory is its own.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context, bail};

pub const ADMIN_PASSWORD: &str = "bench-admin-password-1";

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `minsheng serve` on `database_url` and waits until it is ready.
    pub async fn start(database_url: &str, dir: &std::path::Path) -> anyhow::Result<Server> {
        let exe = binary()?;
        let port = free_port()?;
        let child = Command::new(&exe)
            .arg("serve")
            .current_dir(dir)
            .env("MINSHENG_DATABASE_URL", database_url)
            .env("MINSHENG_BIND", format!("127.0.0.1:{port}"))
            .env("MINSHENG_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env(
                "MINSHENG_JWT_SECRET",
                "bench-secret-bench-secret-bench-secret-0123456789",
            )
            // Each simulated deputy comes from its own address, as phones behind a proxy that
            // names them; the per-address login gate would otherwise queue them all as one.
            .env("MINSHENG_CLIENT_IP_HEADER", "x-forwarded-for")
            .env("MINSHENG_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = client.get(format!("{}/ready", server.base)).send().await
                && r.status().is_success()
            {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the service did not become ready in 60 s")
    }

    /// Resident memory of the service process, in MB.
    pub fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `minsheng` beside this program (both come from `cargo build --release`).
fn binary() -> anyhow::Result<PathBuf> {
    let here = std::env::current_exe()?;
    let exe = here
        .parent()
        .context("the benchmark's folder")?
        .join("minsheng");
    if !exe.exists() {
        bail!(
            "{} is missing: build both first with\n  cargo build --release -p minsheng-api -p minsheng-bench",
            exe.display()
        );
    }
    Ok(exe)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
