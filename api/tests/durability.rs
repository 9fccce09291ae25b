//! What survives the worst a machine does to the service: the process killed (SIGKILL) in the middle
//! of a burst of ballots, in the middle of a publication, and with a webhook delivery queued, on
//! the database the suite runs on (SQLite, or PostgreSQL in CI); and a SQLite backup taken while
//! ballots arrive, restored.

use std::{
    collections::HashMap,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use minsheng_tests::{ADMIN_PASSWORD, Handle, TestDb, process::Server, receiver::Receiver};
use serde_json::{Value, json};

fn binary() -> &'static Path {
    env!("CARGO_BIN_EXE_minsheng").as_ref()
}

async fn started(db_url: &str) -> Server {
    let mut s = Server::start(binary(), db_url);
    s.wait_ready().await;
    s
}

/// How a ballot request ended.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reply {
    Acknowledged,
    Refused(u16),
    /// The connection died before an answer: the ballot may or may not have been stored.
    NoAnswer,
}

async fn cast(api: &Handle, vote: &str, token: &str, pick: &str) -> Reply {
    let sent = api
        .client
        .post(format!("{}/api/v1/votes/{vote}/ballots", api.base))
        .bearer_auth(token)
        .json(&json!({"selections": [pick]}))
        .send()
        .await;
    match sent {
        Ok(r) if r.status().as_u16() == 201 => match r.bytes().await {
            Ok(_) => Reply::Acknowledged,
            Err(_) => Reply::NoAnswer,
        },
        Ok(r) => Reply::Refused(r.status().as_u16()),
        Err(_) => Reply::NoAnswer,
    }
}

async fn voted(api: &Handle, vote: &str, token: &str) -> bool {
    api.get(&format!("/api/v1/votes/{vote}/my-ballot"), Some(token))
        .await
        .expect(200)["voted"]
        == true
}

fn audit_holds(db_url: &str) {
    let out = std::process::Command::new(binary())
        .args(["audit", "verify"])
        .env("MINSHENG_DATABASE_URL", db_url)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("the chain holds"), "{said}");
}

/// Every ballot that got its 201 is counted after the kill, and no ballot is counted that was
/// refused; a ballot whose answer the kill cut off is either counted or can be cast again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_ballot_survives_a_kill_mid_burst() {
    let db = TestDb::create().await;
    let server = started(&db.url).await;
    let api = server.handle.clone();
    let admin = api.login("admin", ADMIN_PASSWORD).await.access;
    let s = api.session_with(&admin, 40).await;
    let p = api.projects(&admin, 2).await;
    let vote = api
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;

    // The burst: every deputy at once; the kill comes when a quarter have their 201.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut burst = Vec::new();
    for (i, (_, token)) in s.deputies.iter().enumerate() {
        let (api, vote, token, pick) = (api.clone(), vote.clone(), token.clone(), p[i % 2].clone());
        let acknowledged = acknowledged.clone();
        burst.push(tokio::spawn(async move {
            let r = cast(&api, &vote, &token, &pick).await;
            if r == Reply::Acknowledged {
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            (token, r)
        }));
    }
    while acknowledged.load(Ordering::SeqCst) < 10 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill().await;
    let mut replies = HashMap::new();
    for t in burst {
        let (token, r) = t.await.unwrap();
        replies.insert(token, r);
    }
    let acked = replies
        .values()
        .filter(|r| **r == Reply::Acknowledged)
        .count();
    assert!(
        (10..40).contains(&acked),
        "the kill came mid-burst: {acked} acknowledged"
    );

    let server = started(&db.url).await;
    let api = server.handle.clone();
    let mut counted = 0;
    for (token, reply) in &replies {
        let stored = voted(&api, &vote, token).await;
        match reply {
            Reply::Acknowledged => assert!(stored, "an acknowledged ballot was lost"),
            Reply::Refused(code) => assert!(!stored, "a ballot refused with {code} was stored"),
            Reply::NoAnswer => {
                // Cut off: stored or not, the deputy's next try settles it, once.
                let again = cast(&api, &vote, token, &p[0]).await;
                let want = if stored {
                    Reply::Refused(409)
                } else {
                    Reply::Acknowledged
                };
                assert_eq!(again, want, "a retry after the kill");
            }
        }
        counted += 1;
    }
    assert_eq!(counted, 40);
    let admin = api.login("admin", ADMIN_PASSWORD).await.access;
    api.close(&admin, &vote).await;
    let r = api
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"], 40, "each deputy exactly once: {r}");
    let yes: u64 = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["yes"].as_u64().unwrap())
        .sum();
    assert_eq!(yes, 40, "{r}");
    drop(server);
    audit_holds(&db.url);
}

/// A publication is one transaction: killed at any moment, the vote is afterwards either closed
/// with nothing of the publication written (and can be published), or published whole — its
/// projects adopted and their baselines frozen. A 200 means published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publication_killed_midway_is_whole_or_absent() {
    let db = TestDb::create().await;
    let mut server = started(&db.url).await;
    let admin = server.handle.login("admin", ADMIN_PASSWORD).await.access;
    let s = server.handle.session_with(&admin, 3).await;
    for delay_ms in [0u64, 2, 5, 15] {
        let api = server.handle.clone();
        let admin = api.login("admin", ADMIN_PASSWORD).await.access;
        let p = api.projects(&admin, 2).await;
        let vote = api
            .open_vote(
                &admin,
                &s.id,
                json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
            )
            .await;
        for (_, token) in &s.deputies {
            api.cast(&vote, token, json!({"selections": [p[0]]})).await;
        }
        api.close(&admin, &vote).await;
        let publishing = {
            let (api, admin, vote) = (api.clone(), admin.clone(), vote.clone());
            tokio::spawn(async move {
                api.client
                    .post(format!("{}/api/v1/votes/{vote}/publish", api.base))
                    .bearer_auth(&admin)
                    .json(&json!({}))
                    .send()
                    .await
                    .ok()
                    .map(|r| r.status().as_u16())
            })
        };
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        server.kill().await;
        let answered = publishing.await.unwrap();

        server = started(&db.url).await;
        let api = server.handle.clone();
        let admin = api.login("admin", ADMIN_PASSWORD).await.access;
        let status = api
            .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
            .await
            .expect(200)["status"]
            .as_str()
            .unwrap()
            .to_owned();
        let project: Value = api
            .get(&format!("/api/v1/projects/{}", p[0]), Some(&admin))
            .await
            .expect(200);
        if answered == Some(200) {
            assert_eq!(status, "published", "a 200 was given (delay {delay_ms} ms)");
        }
        match status.as_str() {
            "published" => {
                assert_eq!(project["status"], "adopted", "{project}");
                api.get(&format!("/api/v1/projects/{}/follow-up", p[0]), None)
                    .await
                    .expect(200);
            }
            "closed" => {
                assert_eq!(project["status"], "candidate", "{project}");
                api.get(&format!("/api/v1/votes/{vote}/results"), None)
                    .await
                    .expect_problem(409, "results_not_published");
                api.publish(&admin, &vote).await;
            }
            other => panic!("the vote is {other} after the kill"),
        }
        let r = api
            .get(&format!("/api/v1/votes/{vote}/results"), None)
            .await
            .expect(200);
        assert_eq!(r["ballots_cast"], 3);
        assert_eq!(r["candidates"][0]["adopted"], true, "{r}");
    }
    drop(server);
    audit_holds(&db.url);
}

fn run(args: &[&str], db_url: &str) -> (bool, String) {
    let out = std::process::Command::new(binary())
        .args(args)
        .env("MINSHENG_DATABASE_URL", db_url)
        .env_remove("MINSHENG_ADMIN_PASSWORD")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Counts rows in a copy (a backup, a kept database: one file, nothing written beside it) or, with
/// `live`, in a database with its WAL.
async fn rows(file: &Path, table: &str, live: bool) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = if live {
        minsheng_domain::db::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap()
    } else {
        minsheng_domain::db::open_sqlite_read_only(file)
            .await
            .unwrap()
    };
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = row.try_get_by_index(0).unwrap();
    db.close().await.unwrap();
    n
}

/// `minsheng backup` copies a SQLite database while ballots arrive, and the copy is one moment's
/// database (each stored ballot with its deputy's participation); `minsheng restore` refuses while
/// the service runs and refuses a copy whose audit log was edited, and otherwise puts the copy in
/// place, keeping what it replaced. Always on SQLite: PostgreSQL is backed up with `pg_dump`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores() {
    let dir = std::env::temp_dir().join(format!("ms_backup_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_file = dir.join("minsheng.db");
    let db_url = format!("sqlite://{}", db_file.display());
    let backup = dir.join("minsheng-backup.db");

    let server = started(&db_url).await;
    let api = server.handle.clone();
    let admin = api.login("admin", ADMIN_PASSWORD).await.access;
    let s = api.session_with(&admin, 30).await;
    let p = api.projects(&admin, 2).await;
    let vote = api
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    // Load: ballots arrive one after another while the backup runs.
    let load = {
        let (api, vote, deputies, pick) =
            (api.clone(), vote.clone(), s.deputies.clone(), p[0].clone());
        tokio::spawn(async move {
            for (_, token) in deputies {
                assert_eq!(cast(&api, &vote, &token, &pick).await, Reply::Acknowledged);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let file = backup.to_str().unwrap();
    let (ok, said) = tokio::task::spawn_blocking({
        let (db_url, file) = (db_url.clone(), file.to_owned());
        move || run(&["backup", &file], &db_url)
    })
    .await
    .unwrap();
    assert!(ok, "{said}");
    assert!(said.contains("audit log of"), "{said}");
    load.await.unwrap();

    let in_copy = rows(&backup, "ballots", false).await;
    assert_eq!(
        in_copy,
        rows(&backup, "vote_participation", false).await,
        "one moment: each ballot with its deputy's participation"
    );
    assert!(
        in_copy > 0 && in_copy < 30,
        "taken mid-load: {in_copy} ballots"
    );

    // Refused: a second backup onto the first, and a restore while the service runs.
    let (ok, said) = run(&["backup", file], &db_url);
    assert!(!ok && said.contains("exists"), "{said}");
    let (ok, said) = run(&["restore", file], &db_url);
    assert!(!ok && said.contains("in use"), "{said}");

    // Refused: a copy whose audit log was edited.
    let tampered = dir.join("tampered.db");
    std::fs::copy(&backup, &tampered).unwrap();
    {
        use sea_orm::{ConnectionTrait, Database};
        let t = Database::connect(format!("sqlite://{}", tampered.display()).as_str())
            .await
            .unwrap();
        t.execute_unprepared("UPDATE audit_events SET role = 'deputy' WHERE seq = 2")
            .await
            .unwrap();
        t.close().await.unwrap();
    }
    server.kill().await;
    let (ok, said) = run(&["restore", tampered.to_str().unwrap()], &db_url);
    assert!(!ok && said.contains("BROKEN at event 2"), "{said}");
    assert_eq!(
        rows(&db_file, "ballots", true).await,
        30,
        "a refused restore changes nothing"
    );

    // Restored: the service starts on the copy, with the ballots the copy held.
    let (ok, said) = run(&["restore", file], &db_url);
    assert!(ok, "{said}");
    assert!(said.contains("kept as"), "{said}");
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        rows(&kept[0].path(), "ballots", false).await,
        30,
        "the replaced database, kept whole"
    );
    let server = started(&db_url).await;
    let api = server.handle.clone();
    let admin = api.login("admin", ADMIN_PASSWORD).await.access;
    api.close(&admin, &vote).await;
    let r = api
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"].as_i64(), Some(in_copy), "{r}");
    drop(server);
    audit_holds(&db_url);

    // PostgreSQL is not copied this way: the command says what to use.
    let (ok, said) = run(&["backup", file], "postgres://u:p@127.0.0.1:1/db");
    assert!(!ok && said.contains("pg_dump"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A webhook delivery queued while its receiver is down is still sent after the service is killed
/// and started again: the queue is in the database, not in the process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_webhook_delivery_survives_a_restart() {
    let db = TestDb::create().await;
    let env = [("MINSHENG_WEBHOOK_RETRY_SECS", "1,1,1,1,1,1,1,1,1,1")];
    let mut server = Server::start_with(binary(), &db.url, &env);
    server.wait_ready().await;
    let api = server.handle.clone();
    let admin = api.login("admin", ADMIN_PASSWORD).await.access;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let created = api
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": format!("http://127.0.0.1:{port}/hook"), "event_types": ["vote.opened"]}),
        )
        .await
        .expect(201);
    let secret = created["secret"].as_str().unwrap().to_owned();
    let s = api.session_with(&admin, 3).await;
    let p = api.projects(&admin, 2).await;
    let vote = api
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    // Killed with the delivery queued (its receiver is not listening yet).
    server.kill().await;
    let receiver = Receiver::start_on(port, 0).await;
    let mut server = Server::start_with(binary(), &db.url, &env);
    server.wait_ready().await;
    let got = receiver.wait_for(1, 30).await;
    assert!(got[0].signed_with(&secret));
    let body = got[0].json();
    assert_eq!(body["type"], "vote.opened");
    assert_eq!(body["data"]["object_id"], Value::String(vote));
    drop(server);
}
