//! The audit log: every state change of a vote's year is there with who and what, for the office
//! only, and never a ballot or a receipt.

use minsheng_tests::TestApp;
use serde_json::Value;

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
