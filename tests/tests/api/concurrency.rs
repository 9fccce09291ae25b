//! One deputy one ballot under concurrency, and ballots racing the close.

use std::{collections::HashSet, time::Instant};

use minsheng_tests::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_ballots_from_one_deputy_count_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 1).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}),
        )
        .await;
    let token = s.deputies[0].1.clone();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (h, url, token, pick) = (
            app.handle.clone(),
            format!("/api/v1/votes/{vote}/ballots"),
            token.clone(),
            p[i % 3].clone(),
        );
        tasks.push(tokio::spawn(async move {
            h.post(&url, Some(&token), json!({"selections": [pick]}))
                .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status.as_u16() {
            201 => created += 1,
            _ => r.expect_problem(409, "already_voted"),
        }
    }
    assert_eq!(created, 1);
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let r = app
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"], 1);
    let total_yes: u64 = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["yes"].as_u64().unwrap())
        .sum();
    assert_eq!(total_yes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_deputies_vote_while_the_admin_closes() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 200).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;

    let mut tasks = Vec::new();
    for (i, (_, token)) in s.deputies.iter().enumerate() {
        let (h, url, token, pick) = (
            app.handle.clone(),
            format!("/api/v1/votes/{vote}/ballots"),
            token.clone(),
            p[i % 3].clone(),
        );
        tasks.push(tokio::spawn(async move {
            // Spread the ballots over the moment of closing.
            tokio::time::sleep(std::time::Duration::from_millis((i as u64 % 40) * 5)).await;
            let sent = Instant::now();
            let r = h
                .post(&url, Some(&token), json!({"selections": [pick]}))
                .await;
            (sent, r)
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let closed = app
        .post(
            &format!("/api/v1/votes/{vote}/close"),
            Some(&admin),
            json!({}),
        )
        .await;
    let closed_at = Instant::now();
    closed.expect(200);

    let mut receipts = HashSet::new();
    let mut refused = 0;
    for t in tasks {
        let (sent, r) = t.await.unwrap();
        match r.status.as_u16() {
            201 => {
                assert!(
                    sent < closed_at,
                    "a ballot sent after the close returned was accepted"
                );
                receipts.insert(r.body["receipt"].as_str().unwrap().to_owned());
            }
            _ => {
                r.expect_problem(409, "vote_not_open");
                refused += 1;
            }
        }
    }
    assert_eq!(receipts.len() + refused, 200);
    let results = app
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(
        results["ballots_cast"].as_u64().unwrap() as usize,
        receipts.len()
    );
    app.post(
        &format!("/api/v1/votes/{vote}/publish"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let bulletin = app
        .get(&format!("/api/v1/votes/{vote}/bulletin"), None)
        .await
        .expect(200);
    let listed: HashSet<String> = bulletin["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["receipt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        listed, receipts,
        "every acknowledged ballot is counted, and nothing else"
    );
    eprintln!(
        "ballots accepted before close: {}, refused after: {refused}",
        receipts.len()
    );
}

/// Two admins pressing the same button at once: exactly one open, one close, one publish happen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_admin_actions_happen_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 2).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    app.post(
        &format!("/api/v1/votes/{vote}/ballots"),
        Some(&s.deputies[0].1),
        json!({"selections": [p[0]]}),
    )
    .await
    .expect_problem(409, "vote_not_open");
    for (action, refusal) in [
        ("open", "vote_not_draft"),
        ("close", "vote_not_open"),
        ("publish", "vote_not_closed"),
    ] {
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (h, url, token) = (
                app.handle.clone(),
                format!("/api/v1/votes/{vote}/{action}"),
                admin.clone(),
            );
            tasks.push(tokio::spawn(async move {
                h.post(&url, Some(&token), json!({})).await
            }));
        }
        let mut done = 0;
        for t in tasks {
            let r = t.await.unwrap();
            if r.status.as_u16() == 200 {
                done += 1;
            } else {
                r.expect_problem(409, refusal);
            }
        }
        assert_eq!(done, 1, "{action} happened {done} times");
        if action == "open" {
            app.post(
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(&s.deputies[0].1),
                json!({"selections": [p[0]]}),
            )
            .await
            .expect(201);
        }
    }
    let r = app
        .get(&format!("/api/v1/votes/{vote}/results"), None)
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"], 1);
}
