//! The `minsheng` command as an operator meets it: `--version`, a refused setting that names its
//! variable, recovering a lost admin password on the database's machine, logs without colour codes
//! when not on a terminal, and a clean shutdown on SIGTERM.

use std::{net::TcpListener, process::Stdio, time::Duration};

use minsheng_tests::{Handle, JWT_SECRET, TestDb};
use tokio::{io::AsyncReadExt, process::Command};

fn minsheng() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_minsheng"));
    c.env_remove("MINSHENG_ADMIN_PASSWORD")
        .env("MINSHENG_JWT_SECRET", JWT_SECRET)
        .kill_on_drop(true);
    c
}

#[tokio::test]
async fn version_and_a_refused_setting_named() {
    let out = minsheng().arg("--version").output().await.unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("minsheng {}", env!("CARGO_PKG_VERSION"))
    );
    let out = minsheng()
        .arg("migrate")
        .env("MINSHENG_DATABASE_URL", "sqlite::memory:")
        .env("MINSHENG_ADMIN_PASSWORD", "short")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MINSHENG_ADMIN_PASSWORD"), "{err}");
    assert!(err.contains("10 characters"), "{err}");
}

/// The one-time password the command printed.
fn printed_password(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .find(|l| l.contains("one-time password:"))
        .unwrap_or_else(|| panic!("no password in {text}"));
    line.rsplit(' ').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_admin_password_is_reset_on_the_database_machine() {
    let db = TestDb::create().await;
    // Before the service ever ran: the command makes the first admin and resets it.
    let out = minsheng()
        .arg("reset-admin-password")
        .env("MINSHENG_DATABASE_URL", &db.url)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = printed_password(&out.stdout);
    assert_eq!(first.len(), 16);
    // Not in the log (stderr carries nothing of it).
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&first));

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = minsheng()
        .arg("serve")
        .env("MINSHENG_DATABASE_URL", &db.url)
        .env("MINSHENG_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let api = Handle {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
    };
    let mut ready = false;
    for _ in 0..300 {
        if api
            .client
            .get(format!("{}/ready", api.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the service starts");
    let session = api.login("admin", &first).await;
    assert_eq!(session.body["account"]["must_change_password"], true);

    // Lost again: a second reset ends the running session and the old password.
    let out = minsheng()
        .args(["reset-admin-password", "admin"])
        .env("MINSHENG_DATABASE_URL", &db.url)
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let second = printed_password(&out.stdout);
    assert_ne!(second, first);
    api.get("/api/v1/me", Some(&session.access))
        .await
        .expect_problem(401, "session_revoked");
    api.try_login("admin", &first)
        .await
        .expect_problem(401, "invalid_credentials");
    api.login("admin", &second).await;
    // Only admins are reset here.
    let out = minsheng()
        .args(["reset-admin-password", "nobody"])
        .env("MINSHENG_DATABASE_URL", &db.url)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());

    // SIGTERM: a clean stop, logged, in plain text (stdout is a pipe, not a terminal).
    let pid = server.id().unwrap();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(20), server.wait())
        .await
        .expect("stops within 20 s")
        .unwrap();
    assert!(status.success(), "{status}");
    let mut log = String::new();
    server
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .await
        .unwrap();
    assert!(log.contains("reset-admin-password"), "{log}");
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("stopped cleanly"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "no colour codes in a pipe: {log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swagger_ui_finds_the_spec_behind_a_path_prefix() {
    let app = minsheng_tests::TestApp::spawn().await;
    let js = app
        .client
        .get(format!("{}/docs/swagger-initializer.js", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Relative to /docs/, so /minsheng/docs/ behind a proxy loads /minsheng/api/openapi.json.
    assert!(js.contains(r#""url": "../api/openapi.json""#), "{js}");
    app.get("/api/openapi.json", None).await.expect(200);
}

/// `minsheng audit verify` recomputes the chain: it holds after a real year's work, and an edited,
/// a deleted or a reordered event is named, with a non-zero exit.
#[tokio::test]
async fn audit_verify_names_the_first_broken_event() {
    use sea_orm::{ConnectionTrait, Database};
    let app = minsheng_tests::TestApp::spawn().await;
    let _k = app.adopted_project().await;
    let verify = || async {
        minsheng()
            .args(["audit", "verify"])
            .env("MINSHENG_DATABASE_URL", &app.db.url)
            .output()
            .await
            .unwrap()
    };
    let out = verify().await;
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("the chain holds"), "{said}");

    let db = Database::connect(app.db.url.as_str()).await.unwrap();
    // Edited: a roster change's detail rewritten.
    db.execute_unprepared("UPDATE audit_events SET detail = '{\"added\":[]}' WHERE seq = 3")
        .await
        .unwrap();
    let out = verify().await;
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("BROKEN at event 3"), "{said}");
    assert!(said.contains("edited"), "{said}");
    // Deleted: an earlier event removed.
    db.execute_unprepared("DELETE FROM audit_events WHERE seq = 2")
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&verify().await.stdout).to_string();
    assert!(said.contains("BROKEN at event 2"), "{said}");
    assert!(said.contains("missing"), "{said}");
}
