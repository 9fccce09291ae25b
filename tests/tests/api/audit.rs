//! The audit log: every state change of a vote's year is there with who and what, for the office
//! only, and never a ballot or a receipt.

use minsheng_tests::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn a_year_s_changes_are_in_the_log_and_no_ballot_is() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let log = app
        .get("/api/v1/audit?limit=500", Some(&k.admin))
        .await
        .expect(200);
    let items = log["items"].as_array().unwrap();
    assert_eq!(log["total"].as_u64(), Some(items.len() as u64));
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for wanted in [
        "login.success",
        "deputies.create",
        "session.create",
        "session.roster",
        "session.attendance",
        "vote.create",
        "vote.open",
        "vote.close",
        "vote.publish",
        "account.create",
    ] {
        assert!(
            actions.contains(&wanted),
            "{wanted} missing from {actions:?}"
        );
    }
    // Newest first, numbered without a gap, each carrying the previous one's hash.
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "{seqs:?}");
    for w in items.windows(2) {
        assert_eq!(w[0]["prev_sha256"], w[1]["sha256"]);
    }
    // Who opened the vote: the admin.
    let open = items.iter().find(|e| e["action"] == "vote.open").unwrap();
    assert_eq!(open["role"], "admin");
    assert_eq!(open["object_id"], Value::String(k.vote.clone()));
    // No receipt and no ballot anywhere in the log.
    let text = log.to_string();
    let bulletin = app
        .get(&format!("/api/v1/votes/{}/bulletin", k.vote), None)
        .await
        .expect(200);
    for e in bulletin["entries"].as_array().unwrap() {
        assert!(
            !text.contains(e["receipt"].as_str().unwrap()),
            "a receipt in the log"
        );
    }
    assert!(!text.contains("selections"));
    // Filtered by object; the office's only.
    let about = app
        .get(
            &format!("/api/v1/audit?object_id={}", k.vote),
            Some(&k.admin),
        )
        .await
        .expect(200);
    assert!(
        about["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["object_id"] == Value::String(k.vote.clone()))
    );
    assert_eq!(about["total"], 4, "create, open, close, publish: {about}");
    app.get("/api/v1/audit", Some(&k.member))
        .await
        .expect_problem(403, "forbidden");
    app.get("/api/v1/audit", None)
        .await
        .expect_problem(401, "missing_token");
}

/// The follow-up's changes are logged too, each naming its record: a milestone, a progress
/// report, an inspection, a problem's every step, an escalation; and the chain holds after them.
#[tokio::test]
async fn the_follow_up_s_changes_are_in_the_log() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let p = &k.project;
    app.post(
        &format!("/api/v1/projects/{p}/milestones"),
        Some(&k.admin),
        json!({"title": "主体完工", "due_on": "2027-09-30"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/projects/{p}/progress"),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000, "note": "设计完成"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/projects/{p}/inspections"),
        Some(&k.member),
        json!({"kind": "inspection", "held_on": "2027-04-10", "location": "城东小区", "participants": "全体", "findings": "围挡不足"}),
    )
    .await
    .expect(201);
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
    app.patch(
        &format!("/api/v1/problems/{problem}"),
        Some(&k.department),
        json!({"action": "rectify", "note": "已增设围挡"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/projects/{p}/escalations"),
        Some(&k.admin),
        json!({"kind": "inquiry", "held_on": "2027-05-01", "note": "询问进度"}),
    )
    .await
    .expect(201);

    let log = app
        .get("/api/v1/audit?limit=500", Some(&k.admin))
        .await
        .expect(200);
    let items = log["items"].as_array().unwrap();
    let find = |action: &str| {
        items
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} missing from {log}"))
    };
    assert_eq!(find("project.create")["role"], "admin");
    assert_eq!(
        find("group.create")["object_id"],
        Value::String(k.group.clone())
    );
    assert_eq!(find("milestone.add")["detail"]["title"], "主体完工");
    let report = find("progress.report");
    assert_eq!(report["role"], "department");
    assert_eq!(report["object_id"], Value::String(p.clone()));
    assert_eq!(report["detail"]["percent_complete"], 30);
    assert_eq!(find("inspection.record")["role"], "deputy");
    assert_eq!(
        find("problem.raise")["object_id"],
        Value::String(problem.clone())
    );
    let step = find("problem.step");
    assert_eq!(step["detail"]["step"], "rectified");
    assert_eq!(
        step["detail"]["status"],
        json!({"from": "open", "to": "rectified"})
    );
    assert_eq!(find("escalation.record")["detail"]["kind"], "inquiry");
    for w in items.windows(2) {
        assert_eq!(w[0]["prev_sha256"], w[1]["sha256"]);
    }
}
