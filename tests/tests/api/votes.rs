//! A whole vote over HTTP: quorum, ballots and their refusals, results, publication, bulletin.

use std::collections::HashMap;

use minsheng_tests::TestApp;
use serde_json::{Value, json};

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choose_up_to_n_session_end_to_end() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 9).await;
    let p = app.projects(&admin, 4).await;
    let vote = app
        .draft_vote(&admin, &s.id, json!({"title": "2027年民生实事项目票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}))
        .await;
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["status"], "draft");
    assert_eq!(v["secret"], true);
    assert_eq!(v["threshold_base"], "all_deputies");
    assert_eq!(v["candidates"].as_array().unwrap().len(), 4);
    assert_eq!(
        app.get(&format!("/api/v1/projects/{}", p[0]), Some(&admin))
            .await
            .expect(200)["status"],
        "candidate"
    );

    app.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    // Marks: p0 ×7, p1 ×5, p2 ×5 (but p2 fails nothing: threshold 5 of 9), p3 ×1.
    let plan: Vec<Vec<usize>> = vec![
        vec![0, 1],
        vec![0, 1],
        vec![0, 1],
        vec![0, 2],
        vec![0, 2],
        vec![0, 2],
        vec![0, 3],
        vec![1, 2],
        vec![1],
    ];
    let mut receipts = HashMap::new();
    for ((_, token), marks) in s.deputies.iter().zip(&plan) {
        let sel: Vec<&String> = marks.iter().map(|&i| &p[i]).collect();
        let r = app
            .post(
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(token),
                json!({"selections": sel}),
            )
            .await
            .expect(201);
        let receipt = r["receipt"].as_str().unwrap().to_owned();
        assert_eq!(receipt.len(), 32);
        receipts.insert(
            receipt,
            sel.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        );
    }
    // While open: turnout only.
    let live = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&s.deputies[0].1))
        .await
        .expect(200);
    assert_eq!(live["ballots_cast"], 9);
    app.get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect_problem(409, "vote_not_closed");
    let mine = app
        .get(
            &format!("/api/v1/votes/{vote}/my-ballot"),
            Some(&s.deputies[0].1),
        )
        .await
        .expect(200);
    assert_eq!(mine["voted"], true);
    assert!(
        mine["receipt"].is_null(),
        "a secret ballot's receipt is not kept with the deputy"
    );

    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    // Closed: the admin sees results, the public and deputies do not yet.
    app.get(
        &format!("/api/v1/votes/{vote}/results"),
        Some(&s.deputies[0].1),
    )
    .await
    .expect_problem(409, "results_not_published");
    app.get(&format!("/api/v1/votes/{vote}/results"), None)
        .await
        .expect_problem(409, "results_not_published");
    let r = app
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(r["entitled"], 9);
    assert_eq!(r["present"], 9);
    assert_eq!(r["ballots_cast"], 9);
    assert_eq!(r["not_voted"], 0);
    assert_eq!(r["required_yes"], 5);
    let yes: Vec<u64> = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["yes"].as_u64().unwrap())
        .collect();
    assert_eq!(yes, vec![7, 5, 4, 1]);
    let adopted: Vec<bool> = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["adopted"].as_bool().unwrap())
        .collect();
    assert_eq!(adopted, vec![true, true, false, false]);
    assert_eq!(r["outcome"]["kind"], "decided");

    let published = app
        .post(
            &format!("/api/v1/votes/{vote}/publish"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(published["vote"]["status"], "published");
    // Now public, without a token.
    app.get(&format!("/api/v1/votes/{vote}/results"), None)
        .await
        .expect(200);
    let status = |i: usize| {
        let app = &app;
        let id = p[i].clone();
        async move { app.get(&format!("/api/v1/projects/{id}"), None).await }
    };
    assert_eq!(status(0).await.expect(200)["status"], "adopted");
    assert_eq!(status(1).await.expect(200)["status"], "adopted");
    status(2).await.expect_problem(404, "not_found"); // the reserve is not public
    assert_eq!(
        app.get(&format!("/api/v1/projects/{}", p[2]), Some(&admin))
            .await
            .expect(200)["status"],
        "reserve"
    );

    // The bulletin: every receipt, ordered by receipt, and no ballot beside it (a secret vote's
    // full ballots go to the scrutineers, without receipts).
    let b = app
        .get(&format!("/api/v1/votes/{vote}/bulletin"), None)
        .await
        .expect(200);
    let entries = b["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 9);
    let listed: Vec<String> = entries
        .iter()
        .map(|e| e["receipt"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    for e in entries {
        assert!(receipts.contains_key(e["receipt"].as_str().unwrap()));
        assert!(e["selections"].is_null());
        assert!(e["voter"].is_null());
    }
    // The office's copy holds exactly the ballots cast.
    let copy = app
        .get(&format!("/api/v1/votes/{vote}/full-ballots"), Some(&admin))
        .await
        .expect(200);
    let norm = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let mut got: Vec<Vec<String>> = copy["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| norm(ids(&b["selections"])))
        .collect();
    let mut want: Vec<Vec<String>> = receipts.values().cloned().map(norm).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Once published nothing changes.
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect_problem(409, "vote_not_open");
    app.post(
        &format!("/api/v1/votes/{vote}/ballots"),
        Some(&s.deputies[0].1),
        json!({"selections": []}),
    )
    .await
    .expect_problem(409, "vote_not_open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yes_no_abstain_named_vote() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 5).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "yes_no_abstain", "seats": 1, "candidate_ids": p, "threshold_base": "ballots_cast", "secret": false}),
        )
        .await;
    // p0: yes ×3, no ×1 (abstain by omission ×1 counts too); p1: yes ×1; p2: no ×4.
    let ballots = [
        json!({p[0].clone(): "yes", p[1].clone(): "no", p[2].clone(): "no"}),
        json!({p[0].clone(): "yes", p[2].clone(): "no"}),
        json!({p[0].clone(): "yes", p[1].clone(): "abstain", p[2].clone(): "no"}),
        json!({p[0].clone(): "no", p[1].clone(): "yes", p[2].clone(): "no"}),
    ];
    for ((_, token), choices) in s.deputies.iter().zip(&ballots) {
        app.post(
            &format!("/api/v1/votes/{vote}/ballots"),
            Some(token),
            json!({"choices": choices}),
        )
        .await
        .expect(201);
    }
    let mine = app
        .get(
            &format!("/api/v1/votes/{vote}/my-ballot"),
            Some(&s.deputies[0].1),
        )
        .await
        .expect(200);
    assert!(
        mine["receipt"].is_string(),
        "a named vote keeps the receipt with the deputy"
    );
    let unvoted = app
        .get(
            &format!("/api/v1/votes/{vote}/my-ballot"),
            Some(&s.deputies[4].1),
        )
        .await
        .expect(200);
    assert_eq!(unvoted["voted"], false);
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let r = app
        .post(
            &format!("/api/v1/votes/{vote}/publish"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"], 4);
    assert_eq!(r["not_voted"], 1);
    assert_eq!(r["required_yes"], 3); // more than half of 4 ballots
    let c = r["candidates"].as_array().unwrap();
    assert_eq!(
        (
            c[0]["yes"].as_u64(),
            c[0]["no"].as_u64(),
            c[0]["abstain"].as_u64()
        ),
        (Some(3), Some(1), Some(0))
    );
    assert_eq!(
        (
            c[1]["yes"].as_u64(),
            c[1]["no"].as_u64(),
            c[1]["abstain"].as_u64()
        ),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(c[2]["no"], 4);
    assert_eq!(c[0]["adopted"], true);
    assert_eq!(r["outcome"]["kind"], "decided");
    // A named vote's bulletin says who voted how.
    let b = app
        .get(&format!("/api/v1/votes/{vote}/bulletin"), None)
        .await
        .expect(200);
    let entries = b["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["voter"]["deputy_id"].is_string()));
    let first = entries
        .iter()
        .find(|e| e["voter"]["deputy_id"] == json!(s.deputies[0].0))
        .unwrap();
    assert_eq!(first["receipt"], mine["receipt"]);
    assert_eq!(first["choices"][&p[1]], "no");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 4).await;
    // An extra deputy who is not on the roster, and one on it who is absent.
    let outsider = app.deputies(&admin, 1).await.remove(0);
    let absent = &s.deputies[3];
    app.put(
        &format!("/api/v1/sessions/{}/attendance", s.id),
        Some(&admin),
        json!({"deputy_ids": [absent.0], "present": false}),
    )
    .await
    .expect(200);
    let p = app.projects(&admin, 3).await;
    let vote = app
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}),
        )
        .await;
    let url = format!("/api/v1/votes/{vote}/ballots");
    let voter = &s.deputies[0].1;
    // Draft: not open.
    app.post(&url, Some(voter), json!({"selections": [p[0]]}))
        .await
        .expect_problem(409, "vote_not_open");
    app.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    // Draft-only edits are refused now.
    app.patch(
        &format!("/api/v1/votes/{vote}"),
        Some(&admin),
        json!({"seats": 1}),
    )
    .await
    .expect_problem(409, "vote_not_draft");
    app.post(&url, Some(voter), json!({"selections": [p[0], p[1], p[2]]}))
        .await
        .expect_problem(422, "too_many_marks");
    app.post(&url, Some(voter), json!({"selections": [p[0], p[0]]}))
        .await
        .expect_problem(422, "duplicate_mark");
    let stranger = uuid::Uuid::new_v4().to_string();
    app.post(&url, Some(voter), json!({"selections": [stranger]}))
        .await
        .expect_problem(422, "unknown_candidate");
    app.post(&url, Some(voter), json!({"choices": {p[0].clone(): "yes"}}))
        .await
        .expect_problem(422, "wrong_ballot_form");
    app.post(&url, Some(voter), json!({}))
        .await
        .expect_problem(422, "invalid_body");
    app.post(
        &url,
        Some(voter),
        json!({"selections": [p[0]], "choices": {}}),
    )
    .await
    .expect_problem(422, "invalid_body");
    app.post(&url, Some(&outsider.1), json!({"selections": [p[0]]}))
        .await
        .expect_problem(403, "not_entitled");
    app.post(&url, Some(&absent.1), json!({"selections": [p[0]]}))
        .await
        .expect_problem(403, "not_present");
    app.post(&url, Some(&admin), json!({"selections": [p[0]]}))
        .await
        .expect_problem(403, "not_a_deputy");
    app.post(&url, None, json!({"selections": [p[0]]}))
        .await
        .expect_problem(401, "missing_token");
    assert_eq!(
        app.get(&format!("/api/v1/votes/{vote}"), Some(&admin))
            .await
            .expect(200)["ballots_cast"],
        0
    );

    app.post(&url, Some(voter), json!({"selections": [p[0], p[1]]}))
        .await
        .expect(201);
    app.post(&url, Some(voter), json!({"selections": [p[2]]}))
        .await
        .expect_problem(409, "already_voted");
    assert_eq!(
        app.get(&format!("/api/v1/votes/{vote}"), Some(&admin))
            .await
            .expect(200)["ballots_cast"],
        1
    );
    // A deputy checking in late may vote.
    app.post(
        &format!("/api/v1/sessions/{}/check-in", s.id),
        Some(&absent.1),
        json!({}),
    )
    .await
    .expect(200);
    app.post(&url, Some(&absent.1), json!({"selections": []}))
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/sessions/{}/check-in", s.id),
        Some(&outsider.1),
        json!({}),
    )
    .await
    .expect_problem(403, "not_entitled");
    // The roster is fixed now.
    app.put(
        &format!("/api/v1/sessions/{}/roster", s.id),
        Some(&admin),
        json!({"deputy_ids": [outsider.0]}),
    )
    .await
    .expect_problem(409, "roster_locked");

    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(&url, Some(&s.deputies[1].1), json!({"selections": [p[0]]}))
        .await
        .expect_problem(409, "vote_not_open");
    let r = app
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"], 2);
    assert_eq!(r["present"], 4);
    assert_eq!(r["not_voted"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_rules() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 1).await;
    let p = app.projects(&admin, 3).await;
    let url = format!("/api/v1/sessions/{}/votes", s.id);
    let base = |seats: u32, cands: Vec<String>| json!({"title": "票决", "method": "choose_up_to_n", "seats": seats, "candidate_ids": cands});
    app.post(&url, Some(&admin), base(3, p.clone()))
        .await
        .expect_problem(422, "not_enough_candidates");
    app.post(&url, Some(&admin), base(0, p.clone()))
        .await
        .expect_problem(422, "invalid_seats");
    app.post(
        &url,
        Some(&admin),
        base(1, vec![p[0].clone(), p[0].clone()]),
    )
    .await
    .expect_problem(422, "duplicate_candidate");
    app.post(
        &url,
        Some(&admin),
        base(1, vec![p[0].clone(), uuid::Uuid::new_v4().to_string()]),
    )
    .await
    .expect_problem(422, "unknown_project");
    let vote = app.draft_vote(&admin, &s.id, base(2, p.clone())).await;
    app.post(
        &url,
        Some(&admin),
        base(1, vec![p[0].clone(), p[1].clone()]),
    )
    .await
    .expect_problem(409, "candidate_in_other_vote");
    // A draft is editable; a dropped candidate goes back to proposed.
    let v = app
        .patch(
            &format!("/api/v1/votes/{vote}"),
            Some(&admin),
            json!({"seats": 1, "candidate_ids": [p[0], p[1]]}),
        )
        .await
        .expect(200);
    assert_eq!(v["seats"], 1);
    assert_eq!(
        app.get(&format!("/api/v1/projects/{}", p[2]), Some(&admin))
            .await
            .expect(200)["status"],
        "proposed"
    );
    app.post(
        &format!("/api/v1/sessions/{}/votes", uuid::Uuid::new_v4()),
        Some(&admin),
        base(1, vec![p[2].clone(), p[0].clone()]),
    )
    .await
    .expect_problem(404, "not_found");
    // Deputies cannot draft or open.
    app.post(&url, Some(&s.deputies[0].1), base(1, p.clone()))
        .await
        .expect_problem(403, "forbidden");
    app.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&s.deputies[0].1),
        json!({}),
    )
    .await
    .expect_problem(403, "forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quorum_and_the_327_arithmetic() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let csv: String = (1..=327)
        .map(|i| format!("R{i:03},代表{i},第{}代表团\n", i % 12 + 1))
        .collect();
    let created = app.import_csv(&admin, &csv).await.expect(201);
    let deputy_ids: Vec<String> = created["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["deputy"]["id"].as_str().unwrap().to_owned())
        .collect();
    let session = app
        .post(
            "/api/v1/sessions",
            Some(&admin),
            json!({"name": "人代会", "year": 2027}),
        )
        .await
        .expect(201);
    assert_eq!(session["roster_size"], 327);
    assert_eq!(session["quorum_needed"], 218);
    let sid = session["id"].as_str().unwrap();
    let p = app.projects(&admin, 2).await;
    let vote = app
        .draft_vote(
            &admin,
            sid,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;

    let mark = |n: usize| json!({"deputy_ids": deputy_ids[..n], "present": true});
    let s = app
        .put(
            &format!("/api/v1/sessions/{sid}/attendance"),
            Some(&admin),
            mark(217),
        )
        .await
        .expect(200);
    assert_eq!(s["quorum_met"], false);
    let refused = app
        .post(
            &format!("/api/v1/votes/{vote}/open"),
            Some(&admin),
            json!({}),
        )
        .await;
    refused.expect_problem(409, "quorum_not_met");
    assert_eq!(
        app.get(&format!("/api/v1/votes/{vote}"), Some(&admin))
            .await
            .expect(200)["status"],
        "draft"
    );
    let s = app
        .put(
            &format!("/api/v1/sessions/{sid}/attendance"),
            Some(&admin),
            mark(218),
        )
        .await
        .expect(200);
    assert_eq!(s["quorum_met"], true);
    app.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
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
    assert_eq!(r["entitled"], 327);
    assert_eq!(r["present"], 218);
    assert_eq!(r["required_yes"], 164);
    assert_eq!(r["not_voted"], 218);
    assert_eq!(r["outcome"]["kind"], "seats_unfilled");
    assert_eq!(r["outcome"]["unfilled"], 1);
    // One meaning per field: no runoff, so no seats left for one.
    assert_eq!(r["outcome"]["seats_left"], serde_json::Value::Null, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tie_runoff_publish() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 6).await;
    let p = app.projects(&admin, 4).await;
    let vote = app
        .open_vote(&admin, &s.id, json!({"title": "票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p, "threshold_base": "none"}))
        .await;
    // p0 ×4; p1 ×3 and p2 ×3 tie across the second seat; p3 ×1.
    let plan = [
        vec![0, 1],
        vec![0, 1],
        vec![0, 2],
        vec![0, 2],
        vec![1, 2],
        vec![3],
    ];
    for ((_, token), marks) in s.deputies.iter().zip(plan.iter()) {
        let sel: Vec<&String> = marks.iter().map(|&i| &p[i]).collect();
        app.post(
            &format!("/api/v1/votes/{vote}/ballots"),
            Some(token),
            json!({"selections": sel}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/votes/{vote}/runoff"),
        Some(&admin),
        json!({}),
    )
    .await; // allowed before publish too
    let r = app
        .post(
            &format!("/api/v1/votes/{vote}/publish"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(r["outcome"]["kind"], "runoff_required");
    assert_eq!(r["outcome"]["seats_left"], 1);
    assert_eq!(r["outcome"]["unfilled"], serde_json::Value::Null, "{r}");
    let mut tied = ids(&r["outcome"]["tied"]);
    tied.sort();
    let mut want = vec![p[1].clone(), p[2].clone()];
    want.sort();
    assert_eq!(tied, want);
    let adopted: Vec<bool> = r["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["adopted"].as_bool().unwrap())
        .collect();
    assert_eq!(adopted, vec![true, false, false, false]);
    let status = |i: usize| {
        let (app, admin, id) = (&app, admin.clone(), p[i].clone());
        async move {
            app.get(&format!("/api/v1/projects/{id}"), Some(&admin))
                .await
                .expect(200)["status"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(status(0).await, "adopted");
    assert_eq!(status(1).await, "candidate");
    assert_eq!(status(2).await, "candidate");
    assert_eq!(status(3).await, "reserve");

    // The runoff was created above (before publishing); a second one is refused.
    let votes = app
        .get(&format!("/api/v1/sessions/{}/votes", s.id), Some(&admin))
        .await
        .expect(200);
    assert_eq!(votes["total"], 2, "{votes}");
    let runoff = votes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["runoff_of"] == json!(vote))
        .expect("runoff drafted")
        .clone();
    app.post(
        &format!("/api/v1/votes/{vote}/runoff"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect_problem(409, "runoff_exists");
    assert_eq!(runoff["seats"], 1);
    assert_eq!(runoff["status"], "draft");
    assert_eq!(runoff["threshold_base"], "none");
    let rid = runoff["id"].as_str().unwrap();
    let mut cands: Vec<String> = runoff["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["project_id"].as_str().unwrap().to_owned())
        .collect();
    cands.sort();
    assert_eq!(cands, want);

    app.post(
        &format!("/api/v1/votes/{rid}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    for (i, (_, token)) in s.deputies.iter().enumerate() {
        let pick = if i < 4 { &p[2] } else { &p[1] };
        app.post(
            &format!("/api/v1/votes/{rid}/ballots"),
            Some(token),
            json!({"selections": [pick]}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("/api/v1/votes/{rid}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let rr = app
        .post(
            &format!("/api/v1/votes/{rid}/publish"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(rr["outcome"]["kind"], "decided");
    assert_eq!(status(2).await, "adopted");
    assert_eq!(status(1).await, "reserve");
    // A vote without a tie has no runoff.
    app.post(
        &format!("/api/v1/votes/{rid}/runoff"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect_problem(409, "no_runoff_needed");
}

/// Issue 8, input 1: 实到 counts every deputy who voted, so marking voters absent before the close
/// cannot lower the base; after the close nothing changes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn present_base_counts_every_deputy_who_voted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 6).await;
    let p = app.projects(&admin, 2).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p, "threshold_base": "present"}),
        )
        .await;
    let marks: [&[usize]; 6] = [&[0], &[0], &[0], &[1], &[1], &[]];
    for ((_, token), m) in s.deputies.iter().zip(marks) {
        let sel: Vec<&String> = m.iter().map(|&i| &p[i]).collect();
        app.post(
            &format!("/api/v1/votes/{vote}/ballots"),
            Some(token),
            json!({"selections": sel}),
        )
        .await
        .expect(201);
    }
    let attendance = format!("/api/v1/sessions/{}/attendance", s.id);
    let session = app
        .put(
            &attendance,
            Some(&admin),
            json!({"deputy_ids": [s.deputies[3].0, s.deputies[4].0], "present": false}),
        )
        .await
        .expect(200);
    assert_eq!(
        session["present_count"], 4,
        "the session's own count follows the marks"
    );
    let live = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(live["present"], 6, "a deputy who voted was present");
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let check = |r: &Value| {
        assert_eq!(r["entitled"], 6);
        assert_eq!(r["present"], 6);
        assert_eq!(r["ballots_cast"], 6);
        assert_eq!(r["not_voted"], 0);
        assert_eq!(r["required_yes"], 4);
        assert_eq!(r["vote"]["present"], 6);
        assert_eq!(r["candidates"][0]["yes"], 3);
        assert_eq!(r["candidates"][0]["passed"], false);
        assert_eq!(r["candidates"][0]["adopted"], false);
        assert_eq!(r["outcome"]["kind"], "seats_unfilled");
    };
    let results = format!("/api/v1/votes/{vote}/results");
    check(&app.get(&results, Some(&admin)).await.expect(200));
    // After the close the numbers are fixed: more marks in either direction change nothing.
    let everyone: Vec<&String> = s.deputies.iter().map(|(d, _)| d).collect();
    app.put(
        &attendance,
        Some(&admin),
        json!({"deputy_ids": everyone, "present": false}),
    )
    .await
    .expect(200);
    check(&app.get(&results, Some(&admin)).await.expect(200));
    let published = app
        .post(
            &format!("/api/v1/votes/{vote}/publish"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    check(&published);
}

/// Published results and the bulletin show the candidates as they stood when the vote was
/// published, and never change after: a reserve project edited to stand again next year keeps its
/// old title in this vote's results, on every node, while the project itself shows the new one.
#[tokio::test]
async fn published_answers_keep_the_candidates_as_voted_on() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let results = format!("/api/v1/votes/{}/results", k.vote);
    let bulletin = format!("/api/v1/votes/{}/bulletin", k.vote);
    let titles = |v: &Value| -> Vec<String> {
        v["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = app.get(&results, None).await.expect(200);
    assert_eq!(
        app.get(&results, None).await.expect(200),
        first,
        "the same answer twice"
    );
    let b1 = app.get(&bulletin, None).await.expect(200);
    let before = app
        .get(&format!("/api/v1/projects/{}", k.reserve), Some(&k.admin))
        .await
        .expect(200)["title"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(titles(&first).contains(&before));

    app.patch(
        &format!("/api/v1/projects/{}", k.reserve),
        Some(&k.admin),
        json!({"title": "改名后再次申报的项目"}),
    )
    .await
    .expect(200);
    let project = app
        .get(&format!("/api/v1/projects/{}", k.reserve), Some(&k.admin))
        .await
        .expect(200);
    assert_eq!(project["title"], "改名后再次申报的项目");
    // A fresh node (nothing kept yet) answers the same as the one that kept it.
    let other_node = TestApp::spawn_on(&app).await;
    for node in [&app.handle, &other_node.handle] {
        let after = node.get(&results, None).await.expect(200);
        assert_eq!(after, first, "the published results do not change");
        assert!(titles(&after).contains(&before));
        assert_eq!(node.get(&bulletin, None).await.expect(200), b1);
    }
}

/// The results carry what the vote committed to, and anyone can recompute the public digests:
/// the receipts' from the bulletin, the candidates' from the results.
#[tokio::test]
async fn the_commitments_recompute_from_the_public_record() {
    use sha2::{Digest, Sha256};
    let sha = |lines: &[String]| -> String {
        let mut h = Sha256::new();
        for l in lines {
            h.update(l.as_bytes());
            h.update(b"\n");
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    };
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let results = app
        .get(&format!("/api/v1/votes/{}/results", k.vote), None)
        .await
        .expect(200);
    let c = &results["commitments"];
    for key in [
        "roster_sha256",
        "candidates_sha256",
        "receipts_sha256",
        "ballots_sha256",
    ] {
        assert_eq!(c[key].as_str().map(str::len), Some(64), "{key}: {c}");
    }
    let bulletin = app
        .get(&format!("/api/v1/votes/{}/bulletin", k.vote), None)
        .await
        .expect(200);
    let mut receipts: Vec<String> = bulletin["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["receipt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(receipts.len(), 3);
    receipts.sort();
    assert_eq!(c["receipts_sha256"].as_str().unwrap(), sha(&receipts));
    let candidates: Vec<String> = results["vote"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["project_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(c["candidates_sha256"].as_str().unwrap(), sha(&candidates));
    // The roster: the office's deputy codes, sorted.
    let roster = app
        .get(
            &format!("/api/v1/sessions/{}/roster", k.session.id),
            Some(&k.admin),
        )
        .await
        .expect(200);
    let mut codes: Vec<String> = roster["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deputy"]["deputy_code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    assert_eq!(c["roster_sha256"].as_str().unwrap(), sha(&codes));
}
