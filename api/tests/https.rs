//! HTTPS served by the binary itself: with a certificate made for the test (as an office makes its
//! own), pages and API answer over TLS with HSTS and `Secure` cookies, plain HTTP on that port gets
//! no answer, a half-set or mismatched pair is refused at start, and plain HTTP beyond loopback is
//! warned about in the log.

use std::{process::Stdio, sync::Arc, time::Duration};

use minsheng_tests::{ADMIN_PASSWORD, TestDb, process};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};
use tokio_rustls::{
    TlsConnector,
    rustls::{ClientConfig, RootCertStore, crypto::ring, pki_types::ServerName},
};

fn minsheng() -> tokio::process::Command {
    process::command(env!("CARGO_BIN_EXE_minsheng").as_ref())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request over TLS, trusting only `ca`; the whole answer (headers and body) as text.
async fn https(port: u16, ca: &rcgen::Certificate, request: &str) -> std::io::Result<String> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await?;
    tls.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    tls.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_serves_https_itself() {
    let dir = std::env::temp_dir().join(format!("ms_tls_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let db = TestDb::create().await;

    let port = free_port();
    let _server = minsheng()
        .arg("serve")
        .env("MINSHENG_DATABASE_URL", &db.url)
        .env("MINSHENG_BIND", format!("127.0.0.1:{port}"))
        .env("MINSHENG_TLS_CERT", &cert)
        .env("MINSHENG_TLS_KEY", &key)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let ready = "GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let mut answer = String::new();
    for _ in 0..300 {
        if let Ok(a) = https(port, &made.cert, ready).await {
            answer = a;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000"),
        "{answer}"
    );

    // The office logs in on its page: the session cookie is Secure (and HttpOnly).
    let form = format!("username=admin&password={ADMIN_PASSWORD}&next=");
    let login = https(
        port,
        &made.cert,
        &format!(
            "POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    )
    .await
    .unwrap();
    assert!(login.starts_with("HTTP/1.1 303"), "{login}");
    let cookie = login
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie in {login}"));
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");

    // Plain HTTP to the HTTPS port: no HTTP answer comes back.
    let mut plain = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    plain.write_all(ready.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), plain.read_to_end(&mut got)).await;
    assert!(!String::from_utf8_lossy(&got).contains("HTTP/1.1 200"));

    // A certificate trusted by nobody here is refused by the client: the server is who it says.
    let stranger = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    assert!(https(port, &stranger.cert, ready).await.is_err());

    // Refused at start: one of the pair, and a key that is not the certificate's.
    let out = minsheng()
        .arg("migrate")
        .env("MINSHENG_DATABASE_URL", &db.url)
        .env("MINSHENG_TLS_CERT", &cert)
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("MINSHENG_TLS_KEY"),
        "{err}"
    );
    let other_key = dir.join("other.pem");
    std::fs::write(&other_key, stranger.signing_key.serialize_pem()).unwrap();
    let out = minsheng()
        .arg("serve")
        .env("MINSHENG_DATABASE_URL", &db.url)
        .env("MINSHENG_BIND", format!("127.0.0.1:{}", free_port()))
        .env("MINSHENG_TLS_CERT", &cert)
        .env("MINSHENG_TLS_KEY", &other_key)
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("do not make a usable pair"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Listening beyond loopback without TLS: the log says what that exposes and what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_beyond_loopback_is_warned_about() {
    let db = TestDb::create().await;
    let mut server = minsheng()
        .arg("serve")
        .env("MINSHENG_DATABASE_URL", &db.url)
        .env("MINSHENG_BIND", format!("0.0.0.0:{}", free_port()))
        .env("MINSHENG_LOG", "info")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let warned = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("plain HTTP") {
                return line;
            }
        }
        panic!("the log ended without the warning");
    })
    .await
    .expect("the warning within 30 s");
    assert!(warned.contains("WARN"), "{warned}");
    assert!(warned.contains("MINSHENG_TLS_CERT"), "{warned}");
}
