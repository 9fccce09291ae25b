//! The demonstration data set is ready to vote, and last year's congress is ready to follow up.

use minsheng_domain::{demo, passwords::PasswordHasher, vocabulary::VoteStatus};
use minsheng_tests::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_set_is_ready_to_vote() {
    let app = TestApp::spawn().await;
    let db = minsheng_domain::db::connect(&app.db.url).await.unwrap();
    let info = demo::seed(&db, &PasswordHasher::default()).await.unwrap();
    assert!(info.created);
    assert_eq!(info.vote_status, VoteStatus::Draft);
    // Seeding again finds the same data instead of duplicating it, and says so.
    let again = demo::seed(&db, &PasswordHasher::default()).await.unwrap();
    assert_eq!(again.vote_id, info.vote_id);
    assert!(!again.created);
    assert_eq!(again.vote_status, VoteStatus::Draft);
    let (prev, prev_again) = (info.previous.unwrap(), again.previous.unwrap());
    assert_eq!(
        (
            prev_again.vote_id,
            prev_again.project_id,
            prev_again.group_id,
            prev_again.rating_id
        ),
        (prev.vote_id, prev.project_id, prev.group_id, prev.rating_id)
    );

    let admin = app.admin().await;
    let session = app
        .get(
            &format!("/api/v1/sessions/{}", info.session_id),
            Some(&admin),
        )
        .await
        .expect(200);
    assert_eq!(session["roster_size"], 327);
    assert_eq!(session["present_count"], 300);
    assert_eq!(session["quorum_met"], true);
    let vote = app
        .get(&format!("/api/v1/votes/{}", info.vote_id), Some(&admin))
        .await
        .expect(200);
    assert_eq!(vote["status"], "draft");
    assert_eq!(vote["seats"], 10);
    assert_eq!(vote["candidates"].as_array().unwrap().len(), 15);
    assert!(
        vote["candidates"][0]["title"]
            .as_str()
            .unwrap()
            .contains("老旧小区")
    );
    let dept = app.login("dept-zjj", demo::DEPUTY_PASSWORD).await;
    assert_eq!(dept.body["account"]["department"], "县住房和城乡建设局");
    assert_eq!(
        dept.body["account"]["roles"],
        serde_json::json!(["department"])
    );
    let deputy = app.login("dep001", demo::DEPUTY_PASSWORD).await;
    assert_eq!(deputy.body["account"]["must_change_password"], false);

    // Last year: a published vote that adopted five of seven, read by anyone.
    let results = app
        .get(&format!("/api/v1/votes/{}/results", prev.vote_id), None)
        .await
        .expect(200);
    assert_eq!(results["vote"]["status"], "published");
    assert_eq!(results["outcome"]["kind"], "decided", "{results}");
    let adopted = results["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["adopted"] == true)
        .count();
    assert_eq!(adopted, demo::PREVIOUS_SEATS);
    // An adopted project under way: progress, its group's open problem, its published grade.
    let p = prev.project_id;
    let f = app
        .get(&format!("/api/v1/projects/{p}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["percent_complete"], 85, "{f}");
    assert_eq!(f["open_problems"], 1, "{f}");
    assert!(f["latest_grade"]["grade"].is_string(), "{f}");
    let rating = app
        .get(
            &format!("/api/v1/evaluations/{}/results", prev.rating_id),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        rating["projects"].as_array().unwrap().len(),
        demo::PREVIOUS_SEATS
    );
    let group = app
        .get(
            &format!("/api/v1/supervision-groups/{}", prev.group_id),
            Some(&admin),
        )
        .await
        .expect(200);
    assert_eq!(
        group["member_ids"].as_array().map(Vec::len),
        Some(5),
        "{group}"
    );
    // Its department and its group can go on at once.
    app.post(
        &format!("/api/v1/projects/{p}/progress"),
        Some(&dept.access),
        serde_json::json!({"period": "2026-10", "percent_complete": 90, "spent_yuan": 14_000_000, "note": "主体完工"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/projects/{p}/inspections"),
        Some(&deputy.access),
        serde_json::json!({"kind": "inspection", "held_on": "2026-11-20", "location": "城关镇", "participants": "第一监督组", "findings": "围挡已整改"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/votes/{}/open", info.vote_id),
        Some(&admin),
        serde_json::json!({}),
    )
    .await
    .expect(200);
    let pick = vote["candidates"][0]["project_id"].clone();
    app.post(
        &format!("/api/v1/votes/{}/ballots", info.vote_id),
        Some(&deputy.access),
        serde_json::json!({"selections": [pick]}),
    )
    .await
    .expect(201);
    // A restart finds the vote open and says so, instead of "open the draft vote".
    let restarted = demo::seed(&db, &PasswordHasher::default()).await.unwrap();
    assert_eq!(restarted.vote_status, VoteStatus::Open);
    // This year's session lists its vote and its rating round of last year's projects.
    let votes = app
        .get(
            &format!("/api/v1/sessions/{}/votes", info.session_id),
            Some(&admin),
        )
        .await
        .expect(200);
    assert_eq!(votes["total"], 1, "{votes}");
}
