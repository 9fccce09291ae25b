//! Deputies' duty record and points: a year of activities for four deputies gives, line by line,
//! the points the rules say (and a new version of the rules re-scores the year); corrections
//! accepted and refused, and their effect; a quarterly snapshot unchanged by later activities;
//! who may read what.

use chrono::Datelike;
use minsheng_tests::TestApp;
use serde_json::{Value, json};

/// `(kind, points)` of each line, in order.
fn lines(r: &Value) -> Vec<(String, i64)> {
    r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["points"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn sorted(mut v: Vec<(String, i64)>) -> Vec<(String, i64)> {
    v.sort();
    v
}

fn pairs(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    sorted(v.iter().map(|(k, p)| (k.to_string(), *p)).collect())
}

#[tokio::test]
async fn a_year_of_duties_in_points_corrections_and_a_snapshot() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let today = minsheng_domain::clock::today();
    let year = today.year();
    let ds = app.deputies(&admin, 4).await;
    let ids: Vec<&str> = ds.iter().map(|d| d.0.as_str()).collect();
    let (d1, d2, d3, d4) = (&ds[0], &ds[1], &ds[2], &ds[3]);

    // This year's session: d1 and d2 present, d3 on leave for two half days, d4 absent.
    let sid = app
        .post(
            "/api/v1/sessions",
            Some(&admin),
            json!({"name": "县人大第三次会议", "year": year}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.put(
        &format!("/api/v1/sessions/{sid}/roster"),
        Some(&admin),
        json!({"deputy_ids": ids}),
    )
    .await
    .expect(200);
    app.put(
        &format!("/api/v1/sessions/{sid}/attendance"),
        Some(&admin),
        json!({"deputy_ids": [ids[0], ids[1]], "present": true}),
    )
    .await
    .expect(200);
    let leave = format!("/api/v1/sessions/{sid}/leave");
    app.put(
        &leave,
        Some(&admin),
        json!({"deputy_id": ids[2], "half_days": 2}),
    )
    .await
    .expect_problem(422, "invalid_text");
    app.put(
        &leave,
        Some(&admin),
        json!({"deputy_id": ids[2], "half_days": 2, "reason": "因病请假"}),
    )
    .await
    .expect(204);
    app.put(
        &leave,
        Some(&d1.1),
        json!({"deputy_id": ids[0], "half_days": 2, "reason": "x"}),
    )
    .await
    .expect_problem(403, "forbidden");

    // The vote and the rating round need a quorum of three: d3 is marked present while they
    // open and absent again after, as a deputy who left; d1, d2 and d3 vote, d1 rates.
    let projects = app.projects(&admin, 2).await;
    app.put(
        &format!("/api/v1/sessions/{sid}/attendance"),
        Some(&admin),
        json!({"deputy_ids": [ids[2]], "present": true}),
    )
    .await
    .expect(200);
    let vote = app
        .open_vote(
            &admin,
            &sid,
            json!({"title": "民生实事项目票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": projects}),
        )
        .await;
    for t in [&d1.1, &d2.1, &d3.1] {
        app.cast(&vote, t, json!({"selections": [projects[0]]}))
            .await;
    }
    app.close(&admin, &vote).await;
    app.publish(&admin, &vote).await;
    // The rating round: d1 rates.
    let rating = app
        .post(
            &format!("/api/v1/sessions/{sid}/evaluations"),
            Some(&admin),
            json!({"title": "满意度测评", "project_ids": [projects[0]]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/evaluations/{rating}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/evaluations/{rating}/ballots"),
        Some(&d1.1),
        json!({"ratings": {projects[0].clone(): "satisfied"}}),
    )
    .await
    .expect(201);
    app.put(
        &format!("/api/v1/sessions/{sid}/attendance"),
        Some(&admin),
        json!({"deputy_ids": [ids[2]], "present": false}),
    )
    .await
    .expect(200);

    // A supervision group of this year (d1, d2) follows the adopted project; d1 records an
    // inspection naming both.
    app.post(
        "/api/v1/supervision-groups",
        Some(&admin),
        json!({"name": "第一监督组", "year": year, "leader_id": ids[0], "member_ids": [ids[0], ids[1]], "project_ids": [projects[0]]}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/projects/{}/inspections", projects[0]),
        Some(&d1.1),
        json!({"kind": "inspection", "held_on": today.to_string(), "location": "城东", "participants": "代表1、代表2", "findings": "进度正常"}),
    )
    .await
    .expect(201);
    // d1 leads a suggestion that d2 co-signs.
    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&d1.1),
            json!({"kind": "suggestion", "title": "关于路灯的建议", "content": "内容", "cosigner_ids": [ids[1]]}),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/suggestions/{}/confirm", s["id"].as_str().unwrap()),
        Some(&d2.1),
        json!({}),
    )
    .await
    .expect(200);
    // The office records d3's training; a kind Minsheng gathers itself is refused.
    let training = json!({"deputy_id": ids[2], "kind": "training", "held_on": today.to_string(), "title": "代表履职培训班", "evidence": "培训签到表"});
    app.post("/api/v1/duty/activities", Some(&admin), training.clone())
        .await
        .expect(201);
    app.post(
        "/api/v1/duty/activities",
        Some(&admin),
        json!({"deputy_id": ids[2], "kind": "vote", "held_on": today.to_string(), "title": "x"}),
    )
    .await
    .expect_problem(422, "invalid_kind");

    // Before any rule every line earns 0.
    let record = |d: usize| format!("/api/v1/deputies/{}/duty-record?year={year}", ids[d]);
    let r1 = app.get(&record(0), Some(&d1.1)).await.expect(200);
    assert_eq!(r1["rule_version"], Value::Null);
    assert_eq!(r1["total"], 0);

    // The rules, version 1.
    let rules = json!({"year": year, "rules": [
        {"kind": "session_attended", "points": 2}, {"kind": "session_leave", "points": -1},
        {"kind": "session_absent", "points": -3}, {"kind": "vote", "points": 1},
        {"kind": "rating", "points": 1}, {"kind": "inspection", "points": 3},
        {"kind": "suggestion_led", "points": 3}, {"kind": "suggestion_cosigned", "points": 1},
        {"kind": "training", "points": 2}]});
    let v1 = app
        .put("/api/v1/duty/rules", Some(&admin), rules)
        .await
        .expect(200);
    assert_eq!(v1["version"], 1);
    app.put(
        "/api/v1/duty/rules",
        Some(&admin),
        json!({"year": year, "rules": [{"kind": "vote", "points": 1}, {"kind": "vote", "points": 2}]}),
    )
    .await
    .expect_problem(422, "invalid_kind");

    let r1 = app.get(&record(0), Some(&d1.1)).await.expect(200);
    assert_eq!(
        sorted(lines(&r1)),
        pairs(&[
            ("session_attended", 2),
            ("vote", 1),
            ("rating", 1),
            ("inspection", 3),
            ("suggestion_led", 3)
        ])
    );
    assert_eq!(r1["total"], 10);
    let r2 = app.get(&record(1), Some(&d2.1)).await.expect(200);
    assert_eq!(
        sorted(lines(&r2)),
        pairs(&[
            ("session_attended", 2),
            ("vote", 1),
            ("inspection", 3),
            ("suggestion_cosigned", 1)
        ])
    );
    assert_eq!(r2["total"], 7);
    let r3 = app.get(&record(2), Some(&admin)).await.expect(200);
    assert_eq!(
        sorted(lines(&r3)),
        pairs(&[("session_leave", -2), ("vote", 1), ("training", 2)])
    );
    assert_eq!(r3["total"], 1);
    let r4 = app.get(&record(3), Some(&admin)).await.expect(200);
    assert_eq!(lines(&r4), pairs(&[("session_absent", -3)]));
    // What was voted is nowhere: a vote line names the vote, not the choice.
    let vote_line = r1["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "vote")
        .unwrap();
    assert_eq!(vote_line["title"], "民生实事项目票决");
    assert!(!vote_line.to_string().contains(&projects[0]));
    // A deputy reads their own record only; a unit none.
    app.get(&record(1), Some(&d1.1))
        .await
        .expect_problem(404, "not_found");
    let totals = app
        .get(&format!("/api/v1/duty/records?year={year}"), Some(&admin))
        .await
        .expect(200);
    let by_id = |id: &str| {
        totals["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["deputy_id"] == id)
            .unwrap()["total"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        [by_id(ids[0]), by_id(ids[1]), by_id(ids[2]), by_id(ids[3])],
        [10, 7, 1, -3]
    );
    app.get(&format!("/api/v1/duty/records?year={year}"), Some(&d1.1))
        .await
        .expect_problem(403, "forbidden");

    // A quarterly snapshot now; then a new version of the rules and a later activity change the
    // live record, never the snapshot.
    let quarter = (today.month0() / 3 + 1) as i64;
    let snap = app
        .post(
            "/api/v1/duty/snapshots",
            Some(&admin),
            json!({"year": year, "quarter": quarter}),
        )
        .await
        .expect(201);
    // Taken again before publication, it replaces the first.
    let again = app
        .post(
            "/api/v1/duty/snapshots",
            Some(&admin),
            json!({"year": year, "quarter": quarter}),
        )
        .await
        .expect(201);
    assert_ne!(again["id"], snap["id"]);
    let snap_id = again["id"].as_str().unwrap().to_owned();
    app.get(
        &format!("/api/v1/duty/snapshots/{}", snap["id"].as_str().unwrap()),
        Some(&admin),
    )
    .await
    .expect_problem(404, "not_found");
    let snap_url = format!("/api/v1/duty/snapshots/{snap_id}");
    app.get(&snap_url, None)
        .await
        .expect_problem(404, "not_found");
    app.post(&format!("{snap_url}/publish"), Some(&admin), json!({}))
        .await
        .expect(200);
    let public = app.get(&snap_url, None).await.expect(200);
    app.post(
        "/api/v1/duty/snapshots",
        Some(&admin),
        json!({"year": year, "quarter": quarter}),
    )
    .await
    .expect_problem(409, "snapshot_exists");
    let frozen = |s: &Value, id: &str| {
        s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["deputy_id"] == id)
            .unwrap()["total"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(frozen(&public, ids[0]), 10);
    assert_eq!(public["rule_version"], 1);

    let mut v2 = v1.clone();
    v2["rules"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kind": "voter_report", "points": 4}));
    for r in v2["rules"].as_array_mut().unwrap() {
        if r["kind"] == "suggestion_led" {
            r["points"] = json!(5);
        }
    }
    let v2 = app
        .put(
            "/api/v1/duty/rules",
            Some(&admin),
            json!({"year": year, "rules": v2["rules"]}),
        )
        .await
        .expect(200);
    assert_eq!(v2["version"], 2);
    let r1 = app.get(&record(0), Some(&d1.1)).await.expect(200);
    assert_eq!(
        (r1["total"].as_i64(), r1["rule_version"].as_i64()),
        (Some(12), Some(2))
    );

    // Corrections: d2 says the inspection line is a duplicate; the office accepts: the line stays,
    // marked, and earns nothing.
    let insp_key = r2["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "inspection")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let ask = |kind: &str, key: Option<&str>, reason: &str| json!({"year": year, "kind": kind, "line_key": key, "reason": reason});
    app.post(
        "/api/v1/duty/corrections",
        Some(&d2.1),
        ask(
            "duplicate",
            Some("vote:00000000-0000-0000-0000-000000000000"),
            "重复",
        ),
    )
    .await
    .expect_problem(422, "unknown_line");
    let c = app
        .post(
            "/api/v1/duty/corrections",
            Some(&d2.1),
            ask(
                "duplicate",
                Some(&insp_key),
                "这次视察与上次为同一次，重复记录",
            ),
        )
        .await
        .expect(201);
    app.post(
        "/api/v1/duty/corrections",
        Some(&d2.1),
        ask("wrong", Some(&insp_key), "再问一次"),
    )
    .await
    .expect_problem(409, "correction_pending");
    let decide = |id: &Value| format!("/api/v1/duty/corrections/{}/decision", id.as_str().unwrap());
    app.post(&decide(&c["id"]), Some(&d2.1), json!({"accept": true}))
        .await
        .expect_problem(403, "forbidden");
    app.post(&decide(&c["id"]), Some(&admin), json!({"accept": true}))
        .await
        .expect(200);
    let r2 = app.get(&record(1), Some(&d2.1)).await.expect(200);
    assert_eq!(r2["total"], 4);
    let struck = r2["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == insp_key.as_str())
        .unwrap();
    assert_eq!(struck["points"], 0);
    // Struck with the office's note (none here), never the deputy's own words.
    assert_eq!(struck["excluded"], "");
    assert!(!r2.to_string().contains("这次视察与上次为同一次"));

    // d3 says a report to voters is missing: refused without a note is itself refused; accepted
    // without the activity too; accepted with it, the activity counts.
    let next_year = json!({"year": year + 1, "kind": "missing", "reason": "明年的"});
    app.post("/api/v1/duty/corrections", Some(&d3.1), next_year)
        .await
        .expect_problem(422, "invalid_year");
    let m = app
        .post(
            "/api/v1/duty/corrections",
            Some(&d3.1),
            ask("missing", None, "11月向选民述职，未记录"),
        )
        .await
        .expect(201);
    app.post(&decide(&m["id"]), Some(&admin), json!({"accept": false}))
        .await
        .expect_problem(422, "invalid_text");
    app.post(&decide(&m["id"]), Some(&admin), json!({"accept": true}))
        .await
        .expect_problem(422, "activity_required");
    let decided = app
        .post(
            &decide(&m["id"]),
            Some(&admin),
            json!({"accept": true, "note": "已核实", "activity": {"kind": "voter_report", "held_on": today.to_string(), "title": "向选民述职", "evidence": "述职会记录"}}),
        )
        .await
        .expect(200);
    assert_eq!(decided["status"], "accepted");
    app.post(&decide(&m["id"]), Some(&admin), json!({"accept": true}))
        .await
        .expect_problem(409, "correction_not_pending");
    let r3 = app.get(&record(2), Some(&d3.1)).await.expect(200);
    assert_eq!(
        r3["total"], 5,
        "-2 leave, +1 vote, +2 training, +4 report to voters"
    );
    // The correction requests are kept, each deputy seeing their own.
    let mine = app
        .get(
            &format!("/api/v1/duty/corrections?year={year}"),
            Some(&d3.1),
        )
        .await
        .expect(200);
    assert_eq!(mine["total"], 1);
    let all = app
        .get(
            &format!("/api/v1/duty/corrections?year={year}"),
            Some(&admin),
        )
        .await
        .expect(200);
    assert_eq!(all["total"], 2);

    // Another activity for d1 after the snapshot: the live total moves, the snapshot does not.
    app.post(
        "/api/v1/duty/activities",
        Some(&admin),
        json!({"deputy_id": ids[0], "kind": "training", "held_on": today.to_string(), "title": "培训", "evidence": ""}),
    )
    .await
    .expect(201);
    let r1 = app.get(&record(0), Some(&d1.1)).await.expect(200);
    assert_eq!(r1["total"], 14);
    let again = app.get(&snap_url, None).await.expect(200);
    assert_eq!(again["rows"], public["rows"]);
    assert_eq!(frozen(&again, ids[1]), 7);
    let listed = app.get("/api/v1/duty/snapshots", None).await.expect(200);
    assert_eq!(listed["total"], 1);
    let _ = d4;
}
