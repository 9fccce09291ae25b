//! The steps around a suggestion's answer: a unit asks for more time or to send it back and the
//! office decides; a co-unit's opinion; promises tracked until kept on the 督办 list; withdrawal by
//! every signer; the office's and the public's events in the change feed.

use chrono::Duration;
use minsheng_domain::calendar::add_months;
use minsheng_tests::TestApp;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

fn date(v: &Value) -> chrono::NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn requests_opinions_and_promises() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let today = minsheng_domain::clock::today();
    let deputies = app.deputies(&admin, 1).await;
    let d1 = &deputies[0];
    let zjj = app.department(&admin, "zjj-h", "县住建局").await;
    let czj = app.department(&admin, "czj-h", "县财政局").await;
    let jtj = app.department(&admin, "jtj-h", "县交通运输局").await;
    let slj = app.department(&admin, "slj-h", "县水利局").await;

    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&d1.1),
            json!({"kind": "suggestion", "title": "关于改造城区排水管网的建议", "content": "雨季内涝严重。"}),
        )
        .await
        .expect(201);
    let id = s["id"].as_str().unwrap().to_owned();
    let url = |tail: &str| format!("/api/v1/suggestions/{id}{tail}");
    let s = app
        .post(
            &url("/assign"),
            Some(&admin),
            json!({"lead_unit": "县住建局", "co_units": ["县财政局", "县交通运输局"]}),
        )
        .await
        .expect(200);
    let due = date(&s["answer_due"]);
    assert_eq!(date(&s["opinion_due"]), add_months(today, 1));

    // Only the lead unit asks for time; a unit that is not assigned learns nothing.
    let later = add_months(due, 2);
    let ask_ext =
        json!({"kind": "extension", "until": later.to_string(), "reason": "需与省里协调资金"});
    app.post(&url("/requests"), Some(&czj), ask_ext.clone())
        .await
        .expect_problem(403, "not_lead_unit");
    app.post(&url("/requests"), Some(&slj), ask_ext.clone())
        .await
        .expect_problem(404, "not_found");
    app.post(
        &url("/requests"),
        Some(&zjj),
        json!({"kind": "extension", "until": add_months(due, 4).to_string(), "reason": "太久"}),
    )
    .await
    .expect_problem(422, "invalid_date");
    app.post(
        &url("/requests"),
        Some(&zjj),
        json!({"kind": "extension", "reason": "没有日期"}),
    )
    .await
    .expect_problem(422, "invalid_date");
    let s = app
        .post(&url("/requests"), Some(&zjj), ask_ext.clone())
        .await
        .expect(201);
    assert_eq!(date(&s["answer_due"]), due, "asking changes nothing yet");
    app.post(&url("/requests"), Some(&zjj), ask_ext)
        .await
        .expect_problem(409, "request_pending");
    let ext_id = s["requests"][0]["id"].as_str().unwrap().to_owned();
    // The deputy does not see the units' requests, in the suggestion or in the list.
    let seen = app.get(&url(""), Some(&d1.1)).await.expect(200);
    assert_eq!(seen["requests"], json!([]));
    let listed = app
        .get("/api/v1/suggestions", Some(&d1.1))
        .await
        .expect(200);
    assert_eq!(listed["items"][0]["requests"], json!([]));
    // A unit cannot decide; a refusal needs a reason; the office approves.
    let decide = format!("/api/v1/suggestions/{id}/requests/{ext_id}/decision");
    app.post(&decide, Some(&zjj), json!({"approve": true}))
        .await
        .expect_problem(403, "forbidden");
    app.post(&decide, Some(&admin), json!({"approve": false}))
        .await
        .expect_problem(422, "invalid_text");
    let s = app
        .post(&decide, Some(&admin), json!({"approve": true}))
        .await
        .expect(200);
    assert_eq!(date(&s["answer_due"]), later);
    assert_eq!(s["extension_reason"], "需与省里协调资金");
    assert_eq!(s["requests"][0]["status"], "approved");
    app.post(&decide, Some(&admin), json!({"approve": true}))
        .await
        .expect_problem(409, "request_not_pending");

    // 县交通运输局 finds it is not its matter and asks to be taken off: approved, it leaves.
    let s = app
        .post(
            &url("/requests"),
            Some(&jtj),
            json!({"kind": "return", "reason": "不涉及交通设施"}),
        )
        .await
        .expect(201);
    let ret_id = s["requests"][1]["id"].as_str().unwrap().to_owned();
    let s = app
        .post(
            &format!("/api/v1/suggestions/{id}/requests/{ret_id}/decision"),
            Some(&admin),
            json!({"approve": true}),
        )
        .await
        .expect(200);
    assert_eq!(s["co_units"], json!(["县财政局"]));
    assert_eq!(s["status"], "assigned");
    app.get(&url(""), Some(&jtj))
        .await
        .expect_problem(404, "not_found");

    // The co-unit's opinion goes to the lead unit (the lead unit cannot send one).
    app.post(&url("/opinion"), Some(&zjj), json!({"content": "x"}))
        .await
        .expect_problem(403, "not_co_unit");
    app.post(
        &url("/opinion"),
        Some(&czj),
        json!({"content": "同意安排配套资金500万元。"}),
    )
    .await
    .expect(200);
    let s = app
        .post(
            &url("/opinion"),
            Some(&czj),
            json!({"content": "同意安排配套资金800万元。"}),
        )
        .await
        .expect(200);
    assert_eq!(
        s["opinions"].as_array().unwrap().len(),
        1,
        "replaced, not added"
    );
    let read = app.get(&url(""), Some(&zjj)).await.expect(200);
    assert_eq!(read["opinions"][0]["unit"], "县财政局");
    for token in [Some(d1.1.as_str()), None] {
        let listed = app.get("/api/v1/suggestions", token).await.expect(200);
        for item in listed["items"].as_array().unwrap() {
            assert_eq!(item["opinions"], json!([]), "opinions stay with the units");
        }
    }
    assert_eq!(read["opinions"][0]["content"], "同意安排配套资金800万元。");

    // The answer promises two things; both wait on the 督办 lists until kept.
    let first = today + Duration::days(40);
    let s = app
        .post(
            &url("/answer"),
            Some(&zjj),
            json!({"result_class": "B", "content": "已列入计划。", "official": "王局长", "promises": [
                {"what": "完成老城区管网勘察", "by": first.to_string()},
                {"what": "完成主干管改造", "by": (today + Duration::days(200)).to_string()}]}),
        )
        .await
        .expect(200);
    let answer_id = s["answers"][0]["id"].as_str().unwrap().to_owned();
    app.post(
        &url("/opinion"),
        Some(&czj),
        json!({"content": "迟到的意见"}),
    )
    .await
    .expect_problem(409, "suggestion_not_awaiting_answer");
    let board = app
        .get("/api/v1/suggestions/supervision", Some(&admin))
        .await
        .expect(200);
    let open = board["open_promises"].as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["what"], "完成老城区管网勘察");
    assert_eq!(open[0]["days_left"], 40);
    let unit_board = app
        .get("/api/v1/suggestions/supervision", Some(&zjj))
        .await
        .expect(200);
    assert_eq!(unit_board["open_promises"].as_array().unwrap().len(), 2);
    let other_board = app
        .get("/api/v1/suggestions/supervision", Some(&slj))
        .await
        .expect(200);
    assert_eq!(other_board["open_promises"], json!([]));
    app.get("/api/v1/suggestions/supervision", Some(&d1.1))
        .await
        .expect_problem(403, "forbidden");

    // Kept: by the lead unit only, on a day not in the future, once.
    let kept = |idx: i64, on: chrono::NaiveDate| json!({"answer_id": answer_id, "idx": idx, "kept_on": on.to_string(), "note": "勘察报告已完成"});
    app.post(&url("/kept-promises"), Some(&czj), kept(0, today))
        .await
        .expect_problem(403, "not_lead_unit");
    app.post(
        &url("/kept-promises"),
        Some(&zjj),
        kept(0, today + Duration::days(1)),
    )
    .await
    .expect_problem(422, "invalid_date");
    app.post(&url("/kept-promises"), Some(&zjj), kept(2, today))
        .await
        .expect_problem(422, "unknown_promise");
    app.post(
        &url("/kept-promises"),
        Some(&zjj),
        kept(0, today - Duration::days(1)),
    )
    .await
    .expect_problem(422, "invalid_date");
    let s = app
        .post(&url("/kept-promises"), Some(&zjj), kept(0, today))
        .await
        .expect(200);
    assert_eq!(date(&s["answers"][0]["promises"][0]["kept_on"]), today);
    assert_eq!(s["answers"][0]["promises"][1]["kept_on"], Value::Null);
    app.post(&url("/kept-promises"), Some(&zjj), kept(0, today))
        .await
        .expect_problem(409, "promise_kept");
    let board = app
        .get("/api/v1/suggestions/supervision", Some(&admin))
        .await
        .expect(200);
    let open = board["open_promises"].as_array().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["what"], "完成主干管改造");

    // 重点督办 with its leading official: on the office's list while it is being handled.
    let s = app
        .patch(
            &url(""),
            Some(&admin),
            json!({"key_supervision": true, "supervisor": "李副县长"}),
        )
        .await
        .expect(200);
    assert_eq!(s["supervisor"], "李副县长");
    let board = app
        .get("/api/v1/suggestions/supervision", Some(&admin))
        .await
        .expect(200);
    assert_eq!(board["key_supervision"][0]["id"], id.as_str());
}

#[tokio::test]
async fn a_lead_unit_sends_back_in_time_and_the_office_reassigns() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputies = app.deputies(&admin, 1).await;
    let d1 = &deputies[0];
    let zjj = app.department(&admin, "zjj-r", "县住建局").await;
    let jtj = app.department(&admin, "jtj-r", "县交通运输局").await;
    let slj = app.department(&admin, "slj-r", "县水利局").await;
    let new = |title: &str| json!({"kind": "suggestion", "title": title, "content": "内容。"});
    let mut ids = Vec::new();
    for t in ["关于河道清淤的建议", "关于小区停车的建议"] {
        let s = app
            .post("/api/v1/suggestions", Some(&d1.1), new(t))
            .await
            .expect(201);
        let id = s["id"].as_str().unwrap().to_owned();
        app.post(
            &format!("/api/v1/suggestions/{id}/assign"),
            Some(&admin),
            json!({"lead_unit": "县住建局", "co_units": ["县交通运输局"]}),
        )
        .await
        .expect(200);
        ids.push(id);
    }
    // The first: 县住建局 asks in time, and so does its co-unit 县交通运输局.
    app.post(
        &format!("/api/v1/suggestions/{}/requests", ids[0]),
        Some(&jtj),
        json!({"kind": "return", "reason": "不涉及交通"}),
    )
    .await
    .expect(201);
    // The office approves 县住建局's: back in the queue, reassigned to 县水利局 (the office, not
    // the unit, reassigns); 县交通运输局's request lapses with the old assignment.
    let s = app
        .post(
            &format!("/api/v1/suggestions/{}/requests", ids[0]),
            Some(&zjj),
            json!({"kind": "return", "reason": "河道属水利局职责"}),
        )
        .await
        .expect(201);
    let rid = s["requests"][1]["id"].as_str().unwrap();
    let jtj_rid = s["requests"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(s["requests"][0]["unit"], "县交通运输局");
    let s = app
        .post(
            &format!("/api/v1/suggestions/{}/requests/{rid}/decision", ids[0]),
            Some(&admin),
            json!({"approve": true}),
        )
        .await
        .expect(200);
    assert_eq!(s["status"], "submitted");
    assert_eq!(s["lead_unit"], Value::Null);
    assert_eq!(s["answer_due"], Value::Null);
    assert_eq!(s["assign_working_days_left"], 7);
    app.get(&format!("/api/v1/suggestions/{}", ids[0]), Some(&zjj))
        .await
        .expect_problem(404, "not_found");
    let s = app
        .post(
            &format!("/api/v1/suggestions/{}/assign", ids[0]),
            Some(&admin),
            json!({"lead_unit": "县水利局"}),
        )
        .await
        .expect(200);
    assert_eq!(s["lead_unit"], "县水利局");
    assert_eq!(s["requests"][0]["status"], "lapsed");
    app.post(
        &format!("/api/v1/suggestions/{}/requests/{jtj_rid}/decision", ids[0]),
        Some(&admin),
        json!({"approve": true}),
    )
    .await
    .expect_problem(409, "request_not_pending");
    app.get(&format!("/api/v1/suggestions/{}", ids[0]), Some(&slj))
        .await
        .expect(200);

    // The second was assigned a month ago: too late to ask to send it back.
    let db = minsheng_domain::db::connect(&app.db.url).await.unwrap();
    use minsheng_domain::entities::suggestions;
    let row = suggestions::Entity::find_by_id(Uuid::parse_str(&ids[1]).unwrap())
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut row: suggestions::ActiveModel = row.into();
    row.assigned_on = Set(Some(minsheng_domain::clock::today() - Duration::days(30)));
    row.update(&db).await.unwrap();
    app.post(
        &format!("/api/v1/suggestions/{}/requests", ids[1]),
        Some(&zjj),
        json!({"kind": "return", "reason": "不属本局"}),
    )
    .await
    .expect_problem(409, "request_too_late");
}

#[tokio::test]
async fn withdrawal_needs_every_signer_and_the_feed_tells_the_office() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputies = app.deputies(&admin, 3).await;
    let (d1, d2, d3) = (&deputies[0], &deputies[1], &deputies[2]);
    let zjj = app.department(&admin, "zjj-w", "县住建局").await;
    let after = 0;

    // Joint, with d2 confirmed and d3 never: withdrawal waits for d2, not for d3.
    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&d1.1),
            json!({"kind": "opinion", "title": "关于菜市场改造的意见", "content": "内容。", "cosigner_ids": [d2.0, d3.0]}),
        )
        .await
        .expect(201);
    let id = s["id"].as_str().unwrap().to_owned();
    let url = |tail: &str| format!("/api/v1/suggestions/{id}{tail}");
    app.post(&url("/confirm"), Some(&d2.1), json!({}))
        .await
        .expect(200);
    app.post(&url("/send"), Some(&d1.1), json!({}))
        .await
        .expect(200);
    app.post(
        &url("/assign"),
        Some(&admin),
        json!({"lead_unit": "县住建局"}),
    )
    .await
    .expect(200);
    app.post(&url("/withdraw"), Some(&d3.1), json!({}))
        .await
        .expect_problem(404, "not_found");
    let s = app
        .post(&url("/withdraw"), Some(&d1.1), json!({}))
        .await
        .expect(200);
    assert_eq!(s["status"], "assigned", "d2 has not agreed");
    assert_eq!(s["signers"][0]["withdraw_agreed"], true);
    let s = app
        .post(&url("/withdraw"), Some(&d2.1), json!({}))
        .await
        .expect(200);
    assert_eq!(s["status"], "withdrawn");
    app.post(&url("/withdraw"), Some(&d2.1), json!({}))
        .await
        .expect_problem(409, "suggestion_not_withdrawable");
    // The unit no longer has it to answer.
    app.post(
        &url("/answer"),
        Some(&zjj),
        json!({"result_class": "A", "content": "x", "official": "y"}),
    )
    .await
    .expect_problem(404, "not_found");

    // A second one, by d1 alone, answered and published.
    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&d1.1),
            json!({"kind": "suggestion", "title": "关于增设公交站台的建议", "content": "内容。"}),
        )
        .await
        .expect(201);
    let id2 = s["id"].as_str().unwrap().to_owned();
    let url2 = |tail: &str| format!("/api/v1/suggestions/{id2}{tail}");
    app.post(
        &url2("/assign"),
        Some(&admin),
        json!({"lead_unit": "县住建局"}),
    )
    .await
    .expect(200);
    app.post(
        &url2("/answer"),
        Some(&zjj),
        json!({"result_class": "A", "content": "已增设。", "official": "王局长"}),
    )
    .await
    .expect(200);
    app.patch(&url2(""), Some(&admin), json!({"published": true}))
        .await
        .expect(200);
    // The public search takes % and _ as letters, not wildcards.
    let found = app.get("/api/v1/suggestions", None).await.expect(200);
    assert_eq!(found["total"], 1);
    let mut public_page = minsheng_tests::pages::Visitor::new(&app.base);
    public_page
        .get("/suggestions?q=%25")
        .await
        .assert_contains("没有找到已公开的建议");
    public_page
        .get("/suggestions?q=公交")
        .await
        .assert_contains("关于增设公交站台的建议");

    // Published by mistake, taken back: the feed says so too.
    app.patch(&url2(""), Some(&admin), json!({"published": false}))
        .await
        .expect(200);
    // The office reads every step; the public only the publication and its withdrawal.
    let types = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"].as_str().unwrap().starts_with("suggestion."))
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect()
    };
    let office = app
        .get(
            &format!("/api/v1/events?after={after}&limit=500"),
            Some(&admin),
        )
        .await
        .expect(200);
    assert_eq!(
        types(&office),
        [
            "suggestion.received",
            "suggestion.assigned",
            "suggestion.received",
            "suggestion.assigned",
            "suggestion.answered",
            "suggestion.published",
            "suggestion.unpublished",
        ]
    );
    let public = app
        .get(&format!("/api/v1/events?after={after}&limit=500"), None)
        .await
        .expect(200);
    assert_eq!(
        types(&public),
        ["suggestion.published", "suggestion.unpublished"]
    );
    let published = public["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "suggestion.published")
        .unwrap();
    assert_eq!(published["data"]["title"], "关于增设公交站台的建议");
}
