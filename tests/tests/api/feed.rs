//! The change feed: a whole vote and its follow-up appear in order with rising cursors, read in
//! pages or as a stream; what the public may not read is the office's only; two nodes writing at
//! once give one gap-free order; colour changes are announced once.

use std::time::Duration;

use minsheng_tests::TestApp;
use serde_json::{Value, json};

async fn feed(app: &minsheng_tests::Handle, query: &str, token: Option<&str>) -> Value {
    app.get(&format!("/api/v1/events?{query}"), token)
        .await
        .expect(200)
}

fn types(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

fn cursors(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cursor"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_vote_and_its_follow_up_in_order() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let p = &k.project;
    let m = app
        .post(
            &format!("/api/v1/projects/{p}/milestones"),
            Some(&k.admin),
            json!({"title": "主体完工", "due_on": "2027-09-30"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/projects/{p}/progress"),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000, "note": "设计完成"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/api/v1/milestones/{m}"),
        Some(&k.department),
        json!({"done_on": "2027-09-20"}),
    )
    .await
    .expect(200);
    let problem = app
        .post(
            &format!("/api/v1/projects/{p}/problems"),
            Some(&k.member),
            json!({"description": "施工围挡不足", "severity": "high", "deadline": "2099-05-10"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (token, action) in [(&k.department, "rectify"), (&k.member, "verify")] {
        app.patch(
            &format!("/api/v1/problems/{problem}"),
            Some(token),
            json!({"action": action, "note": "已处理"}),
        )
        .await
        .expect(200);
    }

    // The public's feed: the vote's steps, the adoption, the follow-up, in the order they happened.
    let public = feed(&app, "limit=500", None).await;
    assert_eq!(
        types(&public),
        [
            "vote.opened",
            "vote.closed",
            "vote.published",
            "project.adopted",
            "progress.reported",
            "milestone.reached",
            "problem.raised",
            "problem.rectified",
            "problem.closed",
        ],
        "{public}"
    );
    assert_eq!(public["total"], 9);
    let c = cursors(&public);
    assert!(c.windows(2).all(|w| w[0] < w[1]), "{c:?}");
    let adopted = &public["items"][3];
    assert_eq!(adopted["project_id"], Value::String(p.clone()));
    assert_eq!(adopted["data"]["vote_id"], Value::String(k.vote.clone()));
    let report = &public["items"][4]["data"];
    assert_eq!(report["percent_complete"], 30);
    // Drafts and proposals are the office's: absent from the public feed, present for an admin.
    let office = feed(&app, "limit=500", Some(&k.admin)).await;
    let office_types = types(&office);
    for own in ["vote.drafted", "project.proposed"] {
        assert!(office_types.iter().any(|t| t == own), "{office_types:?}");
        assert!(!types(&public).iter().any(|t| t == own));
    }
    let deputy = feed(&app, "limit=500", Some(&k.member)).await;
    assert_eq!(
        types(&deputy),
        types(&public),
        "a deputy reads the public feed"
    );

    // Read on from a cursor, page by page: the same events, none twice, none missed.
    let mut after = 0;
    let mut paged = Vec::new();
    loop {
        let page = feed(&app, &format!("after={after}&limit=2"), None).await;
        if page["items"].as_array().unwrap().is_empty() {
            assert_eq!(page["next_after"], after);
            break;
        }
        paged.extend(cursors(&page));
        after = page["next_after"].as_i64().unwrap();
    }
    assert_eq!(paged, c);
    // Filters: by type, by project.
    let problems = feed(&app, "types=problem.raised,problem.closed", None).await;
    assert_eq!(types(&problems), ["problem.raised", "problem.closed"]);
    let of_reserve = feed(&app, &format!("project_id={}", k.reserve), None).await;
    assert_eq!(of_reserve["total"], 0);
    app.get("/api/v1/events?types=vote.exploded", None)
        .await
        .expect_problem(400, "invalid_query");

    // As Server-Sent Events, from a cursor: ids are cursors, event names the types.
    let resp = app
        .client
        .get(format!("{}/api/v1/events/stream?after={}", app.base, c[5]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let text = read_stream(resp, 3).await;
    assert!(text.contains(&format!("id: {}\n", c[6])), "{text}");
    assert!(text.contains("event: problem.raised\n"), "{text}");
    assert!(text.contains(&format!("id: {}\n", c[8])), "{text}");
    assert!(!text.contains(&format!("id: {}\n", c[5])), "{text}");
}

/// Reads a stream until it holds `events` events (a line `id: …` each), for at most 10 s.
async fn read_stream(mut resp: reqwest::Response, events: usize) -> String {
    let mut text = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while text.matches("\nid: ").count() + usize::from(text.starts_with("id: ")) < events {
            match resp.chunk().await {
                Ok(Some(bytes)) => text.push_str(&String::from_utf8_lossy(&bytes)),
                _ => break,
            }
        }
    })
    .await;
    text
}

/// Two nodes on one database, writing at the same moment: one order of cursors without a gap,
/// read the same from either node.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_give_one_order() {
    let app = TestApp::spawn().await;
    let second = TestApp::spawn_on(&app).await;
    let k = app.adopted_project().await;
    let p = k.project.clone();
    let mut writes = Vec::new();
    for i in 0..12 {
        let node = if i % 2 == 0 {
            app.handle.clone()
        } else {
            second.handle.clone()
        };
        let (p, dept, admin) = (p.clone(), k.department.clone(), k.admin.clone());
        writes.push(tokio::spawn(async move {
            if i % 3 == 0 {
                node.post(
                    &format!("/api/v1/projects/{p}/milestones"),
                    Some(&admin),
                    json!({"title": format!("节点{i}"), "due_on": "2027-09-30"}),
                )
                .await
                .expect(201);
                None
            } else {
                node.post(
                    &format!("/api/v1/projects/{p}/progress"),
                    Some(&dept),
                    json!({"period": format!("2027-{:02}", i % 12 + 1), "percent_complete": i, "spent_yuan": 1000 * i}),
                )
                .await
                .expect(201);
                Some(i)
            }
        }));
    }
    let mut reported = Vec::new();
    for w in writes {
        if let Some(i) = w.await.unwrap() {
            reported.push(i);
        }
    }
    let from_a = feed(&app, "limit=500", Some(&k.admin)).await;
    let from_b = feed(&second.handle, "limit=500", Some(&k.admin)).await;
    assert_eq!(from_a["items"], from_b["items"]);
    let c = cursors(&from_a);
    // The office sees every event, so its cursors run 1, 2, 3, … without a gap.
    assert_eq!(c, (1..=c.len() as i64).collect::<Vec<_>>());
    let mut percents: Vec<i64> = from_a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "progress.reported")
        .map(|e| e["data"]["percent_complete"].as_i64().unwrap())
        .collect();
    percents.sort();
    assert_eq!(
        percents,
        reported.iter().map(|i| *i as i64).collect::<Vec<_>>()
    );
}

/// Each node compares the board's colours with those announced; a change is announced once, even
/// with two nodes watching.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_colour_change_is_announced_once() {
    let app = TestApp::spawn_with(|c| c.colour_watch_secs = 1).await;
    let k = app.adopted_project().await;
    let _second = {
        let mut config = minsheng_tests::test_config(&app.db.url, None);
        config.colour_watch_secs = 1;
        minsheng_tests::TestApp::spawn_config_on(config).await
    };
    // First colour: announced from nothing.
    let first = wait_for(&app, "project.colour_changed", 1).await;
    assert_eq!(first[0]["data"]["from"], Value::Null);
    assert_eq!(first[0]["project_id"], Value::String(k.project.clone()));
    // Nothing reported yet, the schedule's expectation rises: a report far behind changes it.
    app.post(
        &format!("/api/v1/projects/{}/problems", k.project),
        Some(&k.member),
        json!({"description": "严重滞后", "severity": "high", "deadline": "2000-01-10"}),
    )
    .await
    .expect(201);
    let changes = wait_for(&app, "project.colour_changed", 2).await;
    assert_eq!(changes[1]["data"]["from"], first[0]["data"]["to"]);
    assert_eq!(changes[1]["data"]["to"], "seriously_behind", "{changes:?}");
    // Both nodes kept watching: still exactly two.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let page = feed(&app, "types=project.colour_changed", None).await;
    assert_eq!(page["total"], 2, "{page}");
}

async fn wait_for(app: &TestApp, event_type: &str, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let page = feed(app, &format!("types={event_type}"), None).await;
        let items = page["items"].as_array().unwrap().clone();
        if items.len() >= n {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("fewer than {n} {event_type} events after 20 s");
}

/// An office stream ends when its session does: the office's own events stop reaching a token
/// that was logged out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_stream_ends_with_its_session() {
    let app = TestApp::spawn().await;
    let login = app.login("admin", minsheng_tests::ADMIN_PASSWORD).await;
    let resp = app
        .client
        .get(format!("{}/api/v1/events/stream", app.base))
        .bearer_auth(&login.access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    app.post(
        "/api/v1/auth/logout",
        None,
        json!({"refresh_token": login.refresh}),
    )
    .await
    .expect(204);
    // The next proposal is the office's own; the logged-out stream must not carry it.
    let other = app.admin().await;
    app.project(&other, "离职后不可见的提案").await;
    let mut resp = resp;
    let text = tokio::time::timeout(Duration::from_secs(10), async {
        let mut text = String::new();
        while let Ok(Some(chunk)) = resp.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        text
    })
    .await
    .expect("the stream ends within 10 s");
    assert!(!text.contains("离职后不可见的提案"), "{text}");
}
