//! Liaison stations: a station with its deputies and a reception day; a citizen's opinion taken
//! there by a deputy on duty, turned into a suggestion, answered and published, and the citizen
//! finding the answer by code; the citizen's contact never leaves the station; the day counts on
//! the deputy's duty record.

use chrono::Datelike;
use minsheng_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_citizen_s_opinion_becomes_a_suggestion_and_the_citizen_reads_the_answer() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let today = minsheng_domain::clock::today();
    let ds = app.deputies(&admin, 3).await;
    let (d1, d2, d3) = (&ds[0], &ds[1], &ds[2]);
    let zjj = app.department(&admin, "zjj-st", "县住建局").await;

    let st = app
        .post(
            "/api/v1/stations",
            Some(&admin),
            json!({"name": "城关镇代表联络站", "address": "城关镇人民路8号", "kind": "model", "deputy_ids": [d1.0, d2.0]}),
        )
        .await
        .expect(201);
    let sid = st["id"].as_str().unwrap().to_owned();
    app.post(
        "/api/v1/stations",
        Some(&admin),
        json!({"name": "城关镇代表联络站", "address": "x", "kind": "normal"}),
    )
    .await
    .expect_problem(409, "already_exists");
    app.post(
        "/api/v1/stations",
        Some(&d1.1),
        json!({"name": "另一站", "address": "x", "kind": "normal"}),
    )
    .await
    .expect_problem(403, "forbidden");
    // A reception day today with d1 on duty; d3 is not the station's and cannot be on duty.
    let days = format!("/api/v1/stations/{sid}/reception-days");
    app.post(
        &days,
        Some(&admin),
        json!({"day": today.to_string(), "deputy_ids": [d3.0]}),
    )
    .await
    .expect_problem(422, "unknown_deputy");
    let st = app
        .post(
            &days,
            Some(&admin),
            json!({"day": today.to_string(), "deputy_ids": [d1.0], "note": "上午9:00-11:30"}),
        )
        .await
        .expect(201);
    let day_id = st["reception_days"][0]["id"].as_str().unwrap().to_owned();
    let public = app
        .get(&format!("/api/v1/stations/{sid}"), None)
        .await
        .expect(200);
    assert_eq!(public["deputies"].as_array().unwrap().len(), 2);
    assert_eq!(
        public["reception_days"][0]["on_duty"][0]["id"],
        d1.0.as_str()
    );

    // d1 takes a citizen's opinion; d3, of no station, can neither record nor read them.
    let opinions = format!("/api/v1/stations/{sid}/opinions");
    let body = json!({"reception_day_id": day_id, "citizen_name": "王大妈", "contact": "13900001111", "content": "小区门口的路灯坏了三个月，晚上出门不安全。"});
    app.post(&opinions, Some(&d3.1), body.clone())
        .await
        .expect_problem(404, "not_found");
    let o = app.post(&opinions, Some(&d1.1), body).await.expect(201);
    let code = o["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    app.get(&opinions, Some(&d3.1))
        .await
        .expect_problem(404, "not_found");
    let listed = app.get(&opinions, Some(&d2.1)).await.expect(200);
    assert_eq!(listed["items"][0]["contact"], "13900001111");

    // The citizen looks it up by code, typed loosely; the name and contact are not there.
    let loose = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let seen = app
        .get(&format!("/api/v1/station-opinions/lookup/{loose}"), None)
        .await
        .expect(200);
    assert_eq!(seen["status"], "received");
    assert_eq!(seen["station"], "城关镇代表联络站");
    assert!(!seen.to_string().contains("13900001111"));
    assert!(!seen.to_string().contains("王大妈"));
    app.get("/api/v1/station-opinions/lookup/ZZZZZZZZ", None)
        .await
        .expect_problem(404, "not_found");

    // d1 turns it into a suggestion d1 leads; handled once.
    let handle = format!(
        "/api/v1/station-opinions/{}/handling",
        o["id"].as_str().unwrap()
    );
    let h = app
        .post(
            &handle,
            Some(&d1.1),
            json!({"action": "suggestion", "title": "关于修复人民路小区路灯的建议"}),
        )
        .await
        .expect(200);
    assert_eq!(h["status"], "suggestion");
    let sugg = h["suggestion_id"].as_str().unwrap().to_owned();
    app.post(
        &handle,
        Some(&d1.1),
        json!({"action": "answer", "answer": "x"}),
    )
    .await
    .expect_problem(409, "opinion_not_open");
    let s = app
        .get(&format!("/api/v1/suggestions/{sugg}"), Some(&d1.1))
        .await
        .expect(200);
    assert_eq!(s["status"], "submitted");
    assert_eq!(s["content"], "小区门口的路灯坏了三个月，晚上出门不安全。");

    // Assigned, answered, published: the citizen reads the answer by the same code.
    let url = |tail: &str| format!("/api/v1/suggestions/{sugg}{tail}");
    app.post(
        &url("/assign"),
        Some(&admin),
        json!({"lead_unit": "县住建局"}),
    )
    .await
    .expect(200);
    app.post(
        &url("/answer"),
        Some(&zjj),
        json!({"result_class": "A", "content": "路灯已于本周修复。", "official": "王局长"}),
    )
    .await
    .expect(200);
    let before = app
        .get(&format!("/api/v1/station-opinions/lookup/{code}"), None)
        .await
        .expect(200);
    assert_eq!(
        before["suggestion_answers"],
        json!([]),
        "not before publication"
    );
    app.patch(&url(""), Some(&admin), json!({"published": true}))
        .await
        .expect(200);
    let after = app
        .get(&format!("/api/v1/station-opinions/lookup/{code}"), None)
        .await
        .expect(200);
    assert_eq!(after["suggestion_status"], "answered");
    assert_eq!(after["suggestion_answers"], json!(["路灯已于本周修复。"]));

    // The reception day counts on d1's record, not on d2's (not on duty).
    let year = today.year();
    let r1 = app
        .get(
            &format!("/api/v1/deputies/{}/duty-record?year={year}", d1.0),
            Some(&d1.1),
        )
        .await
        .expect(200);
    let kinds: Vec<&str> = r1["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"reception_day"), "{kinds:?}");
    assert!(kinds.contains(&"suggestion_led"), "{kinds:?}");
    let r2 = app
        .get(
            &format!("/api/v1/deputies/{}/duty-record?year={year}", d2.0),
            Some(&d2.1),
        )
        .await
        .expect(200);
    assert_eq!(r2["lines"], json!([]));
}
