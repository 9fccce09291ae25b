//! The demonstration data set is ready to vote.

use minsheng_domain::{demo, passwords::PasswordHasher};
use minsheng_tests::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_set_is_ready_to_vote() {
    let app = TestApp::spawn().await;
    let db = minsheng_domain::db::connect(&app.db.url).await.unwrap();
    let info = demo::seed(&db, &PasswordHasher::default()).await.unwrap();
    // Seeding again finds the same data instead of duplicating it.
    let again = demo::seed(&db, &PasswordHasher::default()).await.unwrap();
    assert_eq!(again.vote_id, info.vote_id);

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
}
