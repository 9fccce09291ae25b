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
    // Typed with a Chinese input method: full-width letters and digits.
    let wide: String = code
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    app.get(&format!("/api/v1/station-opinions/lookup/{wide}"), None)
        .await
        .expect(200);
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

    // An opinion is not taken on a reception day still to come.
    let later = app
        .post(
            &days,
            Some(&admin),
            json!({"day": (today + chrono::Duration::days(7)).to_string(), "deputy_ids": [d2.0]}),
        )
        .await
        .expect(201);
    let later_id = later["reception_days"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &opinions,
        Some(&d1.1),
        json!({"reception_day_id": later_id, "citizen_name": "x", "content": "y"}),
    )
    .await
    .expect_problem(422, "unknown_reception_day");

    // Handled by several at once (two deputies, two presses each): one suggestion, not four.
    let race = app
        .post(
            &opinions,
            Some(&d2.1),
            json!({"citizen_name": "钱女士", "content": "公交站台没有遮雨棚。"}),
        )
        .await
        .expect(201);
    let before = app
        .get("/api/v1/suggestions", Some(&admin))
        .await
        .expect(200)["total"]
        .as_u64()
        .unwrap();
    let race_url = format!(
        "/api/v1/station-opinions/{}/handling",
        race["id"].as_str().unwrap()
    );
    let mut tasks = Vec::new();
    for t in [&d1.1, &d2.1, &d1.1, &d2.1] {
        let (app, url, t) = (app.clone(), race_url.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            app.post(
                &url,
                Some(&t),
                json!({"action": "suggestion", "title": "关于增设公交站台遮雨棚的建议"}),
            )
            .await
            .status
            .as_u16()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    assert_eq!(codes, [200, 409, 409, 409]);
    let after = app
        .get("/api/v1/suggestions", Some(&admin))
        .await
        .expect(200)["total"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before + 1);

    // d1 turns the first into a suggestion d1 leads; handled once.
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

    // Another opinion, taken up by the office as a project proposal: a deputy may not; the
    // citizen learns it was taken up, but not the proposal's title before the congress adopts it.
    let o2 = app
        .post(
            &opinions,
            Some(&d2.1),
            json!({"citizen_name": "赵先生", "content": "希望在城北建一座社区公园。"}),
        )
        .await
        .expect(201);
    let project = app.project(&admin, "城北社区公园建设").await;
    let handle2 = format!(
        "/api/v1/station-opinions/{}/handling",
        o2["id"].as_str().unwrap()
    );
    let take = json!({"action": "project", "project_id": project, "answer": "已列入明年民生实事候选项目征集。"});
    app.post(&handle2, Some(&d2.1), take.clone())
        .await
        .expect_problem(403, "forbidden");
    app.post(
        &handle2,
        Some(&admin),
        json!({"action": "project", "project_id": d1.0, "answer": "x"}),
    )
    .await
    .expect_problem(422, "unknown_project");
    let h2 = app.post(&handle2, Some(&admin), take).await.expect(200);
    assert_eq!(h2["project_id"], project.as_str());
    let seen = app
        .get(
            &format!(
                "/api/v1/station-opinions/lookup/{}",
                o2["code"].as_str().unwrap()
            ),
            None,
        )
        .await
        .expect(200);
    assert_eq!(seen["status"], "project");
    assert_eq!(seen["answer"], "已列入明年民生实事候选项目征集。");
    assert_eq!(
        seen["project_title"],
        serde_json::Value::Null,
        "a proposal is the office's"
    );

    // The reception day counts on d1's record, not on d2's (not on duty that day).
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
    // d2 was on duty only on the day still to come: no reception line (a suggestion from the
    // race above may be d2's).
    assert!(
        !r2["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "reception_day"),
        "{r2}"
    );
}
