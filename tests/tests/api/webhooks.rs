//! Webhooks: a receiver gets each public event of the types it asked for, signed as the Standard
//! Webhooks specification says; a failing receiver gets retries, each attempt logged; a dead one
//! has its endpoint disabled and the office told; only the office manages them.

use std::time::Duration;

use minsheng_tests::{TestApp, receiver::Receiver};
use serde_json::{Value, json};

fn quick(c: &mut minsheng_api::config::Config) {
    c.webhooks.schedule = vec![Duration::from_millis(300); 3];
    c.webhooks.poll = Duration::from_millis(100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_signed_and_retried_until_they_land() {
    let app = TestApp::spawn_with(quick).await;
    // Refuses the first two requests.
    let receiver = Receiver::start(2).await;
    let admin = app.admin().await;
    let created = app
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": receiver.url, "event_types": ["vote.published", "project.adopted"], "description": "市政务数据开放平台"}),
        )
        .await
        .expect(201);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = created["webhook"]["id"].as_str().unwrap().to_owned();
    // The secret is shown once: not in what is read back.
    let read = app
        .get(&format!("/api/v1/webhooks/{id}"), Some(&admin))
        .await
        .expect(200);
    assert!(!read.to_string().contains(&secret));

    let k = app.adopted_project().await;
    // Two events wanted (vote.published, project.adopted); two refusals first: four requests.
    let got = receiver.wait_for(4, 20).await;
    assert!(got.iter().all(|r| r.signed_with(&secret)), "{got:?}");
    assert_eq!(
        got.iter().filter(|r| r.answered == 503).count(),
        2,
        "{got:?}"
    );
    let landed: Vec<&minsheng_tests::receiver::Received> =
        got.iter().filter(|r| r.answered == 204).collect();
    let mut types: Vec<String> = landed
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    types.sort();
    assert_eq!(types, ["project.adopted", "vote.published"]);
    let adopted = landed
        .iter()
        .find(|r| r.json()["type"] == "project.adopted")
        .unwrap()
        .json();
    assert_eq!(
        adopted["data"]["project_id"],
        Value::String(k.project.clone())
    );
    assert!(adopted["data"]["cursor"].as_i64().unwrap() > 0);
    // A retry carries the same webhook-id: the receiver can tell it has seen the message.
    let retried = &got[0];
    assert!(got[1..].iter().any(|r| r.id == retried.id), "{got:?}");
    // A signature over another body does not verify.
    let mut forged = landed[0].clone();
    forged.body = br#"{"type":"vote.published","data":{}}"#.to_vec();
    assert!(!forged.signed_with(&secret));

    // The office sees every delivery and attempt.
    let deliveries = wait_delivered(&app, &admin, &id, 2).await;
    let attempts: usize = deliveries
        .iter()
        .map(|d| d["attempt_log"].as_array().unwrap().len())
        .sum();
    assert_eq!(attempts, 4, "{deliveries:?}");
    assert!(
        deliveries
            .iter()
            .flat_map(|d| d["attempt_log"].as_array().unwrap())
            .any(|a| a["status_code"] == 503)
    );
    // Sent again on request.
    let first = deliveries[0]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{first}/resend"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    receiver.wait_for(5, 20).await;

    // The office's only.
    for token in [&k.member, &k.department] {
        app.get("/api/v1/webhooks", Some(token))
            .await
            .expect_problem(403, "forbidden");
    }
    app.get("/api/v1/webhooks", None)
        .await
        .expect_problem(401, "missing_token");
    // Bad input: an address that is not http(s), a type that does not exist, one that is the
    // office's own.
    for (body, code) in [
        (json!({"url": "ftp://example.org/x"}), "invalid_url"),
        (
            json!({"url": receiver.url, "event_types": ["vote.exploded"]}),
            "invalid_event_type",
        ),
        (
            json!({"url": receiver.url, "event_types": ["vote.drafted"]}),
            "invalid_event_type",
        ),
    ] {
        app.post("/api/v1/webhooks", Some(&admin), body)
            .await
            .expect_problem(422, code);
    }
}

async fn wait_delivered(app: &TestApp, admin: &str, id: &str, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let page = app
            .get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(admin))
            .await
            .expect(200);
        let items = page["items"].as_array().unwrap().clone();
        if items.iter().filter(|d| d["status"] == "delivered").count() >= n {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("fewer than {n} deliveries delivered");
}

/// A receiver that never answers: every attempt fails, the endpoint is disabled with the reason,
/// the audit log says so, and nothing more is queued for it until the office enables it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_receiver_is_disabled_and_the_office_told() {
    let app = TestApp::spawn_with(|c| {
        c.webhooks.schedule = vec![Duration::from_millis(200)];
        c.webhooks.poll = Duration::from_millis(100);
    })
    .await;
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let admin = app.admin().await;
    let id = app
        .post("/api/v1/webhooks", Some(&admin), json!({"url": dead}))
        .await
        .expect(201)["webhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    app.open_vote(
        &admin,
        &s.id,
        json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
    )
    .await;
    let mut endpoint = Value::Null;
    for _ in 0..100 {
        endpoint = app
            .get(&format!("/api/v1/webhooks/{id}"), Some(&admin))
            .await
            .expect(200);
        if endpoint["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(endpoint["enabled"], false, "{endpoint}");
    let reason = endpoint["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("2 times"), "{reason}");
    let deliveries = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(&admin))
        .await
        .expect(200);
    let d = &deliveries["items"][0];
    assert_eq!(d["status"], "failed");
    assert_eq!(d["attempt_log"].as_array().unwrap().len(), 2);
    assert!(
        d["attempt_log"][0]["error"]
            .as_str()
            .unwrap()
            .contains("could not reach")
    );
    let audit = app
        .get(&format!("/api/v1/audit?object_id={id}"), Some(&admin))
        .await
        .expect(200);
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "webhook.disabled"),
        "{audit}"
    );
    // Resending waits for the office to enable it.
    let did = d["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{did}/resend"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect_problem(409, "webhook_disabled");
    let enabled = app
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            Some(&admin),
            json!({"enabled": true}),
        )
        .await
        .expect(200);
    assert_eq!(enabled["disabled_reason"], Value::Null);
}

/// A receiver that never answers holds up only itself: another receiver gets its deliveries at
/// once meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_holds_up_only_itself() {
    let app = TestApp::spawn_with(|c| {
        c.webhooks.schedule = vec![Duration::from_secs(30)];
        c.webhooks.poll = Duration::from_millis(100);
        c.webhooks.timeout = Duration::from_secs(8);
    })
    .await;
    // Accepts connections and never answers.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_url = format!("http://{}/hook", hang.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = hang.accept().await {
            open.push(socket);
        }
    });
    let good = Receiver::start(0).await;
    let admin = app.admin().await;
    for url in [&hang_url, &good.url] {
        app.post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": url, "event_types": ["vote.opened", "vote.closed"]}),
        )
        .await
        .expect(201);
    }
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    let started = std::time::Instant::now();
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    good.wait_for(1, 5).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.close(&admin, &vote).await;
    // The second event reaches the good receiver long before the hanging one times out (8 s).
    good.wait_for(2, 5).await;
    assert!(
        started.elapsed() < Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    held.abort();
}
