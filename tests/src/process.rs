//! The real `minsheng` binary as a child process, for what only a process shows: several nodes on
//! one database, a kill in the middle of work, a backup while it serves.

use std::{path::Path, process::Stdio, time::Duration};

use tokio::process::{Child, Command};

use crate::{ADMIN_PASSWORD, Handle, JWT_SECRET};

/// A running `minsheng serve`.
pub struct Server {
    pub handle: Handle,
    pub child: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The binary with the test secret and first-admin password, nothing inherited that matters.
pub fn command(binary: &Path) -> Command {
    let mut c = Command::new(binary);
    c.env("MINSHENG_JWT_SECRET", JWT_SECRET)
        .env("MINSHENG_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("MINSHENG_LOG", "warn")
        .kill_on_drop(true);
    c
}

impl Server {
    /// Starts `binary serve` on `db_url` and a free port; call [`Server::wait_ready`] before use.
    pub fn start(binary: &Path, db_url: &str) -> Server {
        Self::start_with(binary, db_url, &[])
    }

    /// As [`Server::start`], with more settings.
    pub fn start_with(binary: &Path, db_url: &str, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let child = command(binary)
            .envs(env.iter().copied())
            .arg("serve")
            .env("MINSHENG_DATABASE_URL", db_url)
            .env("MINSHENG_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .spawn()
            .expect("start minsheng");
        Server {
            handle: Handle {
                base: format!("http://127.0.0.1:{port}"),
                client: reqwest::Client::new(),
            },
            child,
        }
    }

    /// Waits up to 30 s for `/ready`; panics if the process exits first.
    pub async fn wait_ready(&mut self) {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("minsheng at {} exited: {status}", self.handle.base);
            }
            if let Ok(r) = self
                .handle
                .client
                .get(format!("{}/ready", self.handle.base))
                .send()
                .await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("minsheng at {} never became ready", self.handle.base);
    }

    /// SIGKILL: no shutdown, no flush, nothing the process could still do.
    pub async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}
