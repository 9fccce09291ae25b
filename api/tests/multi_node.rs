//! Two `minsheng serve` processes on one database behave as one service: deputies log in on one
//! node and vote on the other, a second ballot on the first node is refused, and both report the
//! same result. Runs on the database `MINSHENG_TEST_DATABASE_URL` names (PostgreSQL in CI), or on one
//! shared SQLite file.

use minsheng_tests::{ADMIN_PASSWORD, TestDb, process::Server};
use serde_json::json;

fn start_node(db_url: &str) -> Server {
    Server::start(env!("CARGO_BIN_EXE_minsheng").as_ref(), db_url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_one_database() {
    let db = TestDb::create().await;
    // Both nodes start at once and race to migrate and to create the first admin.
    let (mut a, mut b) = (start_node(&db.url), start_node(&db.url));
    tokio::join!(a.wait_ready(), b.wait_ready());
    let (a, b) = (&a.handle, &b.handle);

    let admin = a.login("admin", ADMIN_PASSWORD).await.access;
    // One admin exists even though two nodes raced to create it.
    let admins = b
        .get("/api/v1/accounts?role=admin", Some(&admin))
        .await
        .expect(200);
    assert_eq!(admins["total"], 1);

    // The roster and the vote are set up on node A, and deputies log in there.
    let s = a.session_with(&admin, 6).await;
    let p = a.projects(&admin, 3).await;
    let vote = a
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    b.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);

    // Ballots go to node B with tokens node A issued.
    for (i, (_, token)) in s.deputies.iter().enumerate() {
        let pick = if i < 4 { &p[0] } else { &p[1] };
        b.post(
            &format!("/api/v1/votes/{vote}/ballots"),
            Some(token),
            json!({"selections": [pick]}),
        )
        .await
        .expect(201);
    }
    // A second ballot, sent to the other node, is refused.
    a.post(
        &format!("/api/v1/votes/{vote}/ballots"),
        Some(&s.deputies[0].1),
        json!({"selections": [p[2]]}),
    )
    .await
    .expect_problem(409, "already_voted");

    // Refresh tokens rotate across nodes: issued on A, used on B, reuse detected on A.
    let login = a.login("admin", ADMIN_PASSWORD).await;
    b.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": login.refresh}),
    )
    .await
    .expect(200);
    a.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": login.refresh}),
    )
    .await
    .expect_problem(401, "refresh_token_reused");

    a.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let ra = a
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    let rb = b
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(ra, rb);
    assert_eq!(ra["ballots_cast"], 6);
    assert_eq!(ra["candidates"][0]["yes"], 4);
    assert_eq!(ra["candidates"][0]["adopted"], true);
    assert_eq!(ra["required_yes"], 4);

    // The login throttle is shared too: failures on A lock the account on B.
    for _ in 0..10 {
        a.post(
            "/api/v1/auth/login",
            None,
            json!({"username": "d0001", "password": "wrong-wrong"}),
        )
        .await;
    }
    b.post(
        "/api/v1/auth/login",
        None,
        json!({"username": "d0001", "password": "deputy-password-1"}),
    )
    .await
    .expect_problem(429, "too_many_attempts");
}
