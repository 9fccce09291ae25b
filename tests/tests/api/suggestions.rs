//! Deputies' suggestions: a joint suggestion from submission to a second answer after an
//! unsatisfied result; deadlines counted on the office's holiday calendar (调休 included); an
//! extension; a return; and who may read, answer and give feedback.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use minsheng_domain::calendar::{Calendar, DayKind, add_months};
use minsheng_tests::TestApp;
use serde_json::{Value, json};

fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

/// The next weekday of `kind` after `d`.
fn next(d: NaiveDate, weekend: bool) -> NaiveDate {
    let mut x = d + Duration::days(1);
    while matches!(x.weekday(), Weekday::Sat | Weekday::Sun) != weekend {
        x += Duration::days(1);
    }
    x
}

#[tokio::test]
async fn a_joint_suggestion_to_a_second_answer() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let today = minsheng_domain::clock::today();

    // The office enters the holiday schedule around today: the next two weekdays off, the next
    // Saturday worked in exchange (调休).
    let off1 = next(today, false);
    let off2 = next(off1, false);
    let worked = next(today, true);
    let csv = format!("日期,类型,名称\n{off1},休,节日\n{off2},休,节日\n{worked},班,调休上班\n");
    let r = app
        .client
        .post(format!("{}/api/v1/calendar", app.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let year = app
        .get(
            &format!("/api/v1/calendar?year={}", off1.year()),
            Some(&admin),
        )
        .await
        .expect(200);
    assert!(
        year["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "workday")
    );
    // A slip in the file is named by its row and changes nothing.
    let r = app
        .client
        .post(format!("{}/api/v1/calendar", app.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(format!("{off1},休,节日\n{worked},休,周末"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("row 2"));

    let deputies = app.deputies(&admin, 4).await;
    let (d1, d2, d3, d4) = (&deputies[0], &deputies[1], &deputies[2], &deputies[3]);
    let zjj = app.department(&admin, "zjj-s", "县住建局").await;
    let czj = app.department(&admin, "czj-s", "县财政局").await;
    let slj = app.department(&admin, "slj-s", "县水利局").await;

    // Submitted by d1 with d2 and d3 as co-signers: waiting for them.
    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&d1.1),
            json!({"kind": "suggestion", "title": "关于加快老旧小区加装电梯的建议", "content": "建议简化审批流程，加大财政补贴。", "cosigner_ids": [d2.0, d3.0]}),
        )
        .await
        .expect(201);
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(s["status"], "cosigning");
    assert_eq!(s["assign_by"], Value::Null);
    let url = |tail: &str| format!("/api/v1/suggestions/{id}{tail}");
    // d2 confirms; d3 does not. d4, not a signer, cannot confirm or read.
    app.post(&url("/confirm"), Some(&d2.1), json!({}))
        .await
        .expect(200);
    app.post(&url("/confirm"), Some(&d4.1), json!({}))
        .await
        .expect_problem(404, "not_found");
    app.get(&url(""), Some(&d4.1))
        .await
        .expect_problem(404, "not_found");
    // The lead sends it on: d3, unconfirmed, is dropped; it is received today, 交办 due 7
    // working days on, counted on the office's calendar.
    let s = app
        .post(&url("/send"), Some(&d1.1), json!({}))
        .await
        .expect(200);
    assert_eq!(s["status"], "submitted");
    let signers: Vec<&str> = s["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["deputy_id"].as_str().unwrap())
        .collect();
    assert_eq!(signers, [d1.0.as_str(), d2.0.as_str()]);
    let entered = Calendar::new([
        (off1, DayKind::Holiday),
        (off2, DayKind::Holiday),
        (worked, DayKind::Workday),
    ]);
    let due = entered.add_working_days(today, 7);
    assert_eq!(date(&s["assign_by"]), due);
    assert_ne!(
        due,
        Calendar::default().add_working_days(today, 7),
        "the calendar counts"
    );
    assert_eq!(s["assign_working_days_left"], 7);
    app.post(&url("/confirm"), Some(&d3.1), json!({}))
        .await
        .expect_problem(404, "not_found");

    // 交办: 县住建局 leads, 县财政局 co-handles; the answer is due 3 months on.
    app.post(
        &url("/assign"),
        Some(&d1.1),
        json!({"lead_unit": "县住建局"}),
    )
    .await
    .expect_problem(403, "forbidden");
    let s = app
        .post(
            &url("/assign"),
            Some(&admin),
            json!({"lead_unit": "县住建局", "co_units": ["县财政局"]}),
        )
        .await
        .expect(200);
    assert_eq!(s["status"], "assigned");
    let answer_due = add_months(today, 3);
    assert_eq!(date(&s["answer_due"]), answer_due);
    // One extension, at most 3 months, with a reason.
    let too_far = add_months(answer_due, 3) + Duration::days(1);
    app.post(
        &url("/extend"),
        Some(&admin),
        json!({"until": too_far.to_string(), "reason": "涉及多部门"}),
    )
    .await
    .expect_problem(422, "invalid_date");
    let later = add_months(answer_due, 1);
    let s = app
        .post(
            &url("/extend"),
            Some(&admin),
            json!({"until": later.to_string(), "reason": "涉及多部门协调"}),
        )
        .await
        .expect(200);
    assert_eq!(date(&s["answer_due"]), later);
    app.post(
        &url("/extend"),
        Some(&admin),
        json!({"until": (later + Duration::days(5)).to_string(), "reason": "再延"}),
    )
    .await
    .expect_problem(409, "extension_used");

    // Who reads it now: its units yes, another unit no (not even that it exists).
    app.get(&url(""), Some(&czj)).await.expect(200);
    app.get(&url(""), Some(&slj))
        .await
        .expect_problem(404, "not_found");
    let listed = app.get("/api/v1/suggestions", Some(&slj)).await.expect(200);
    assert_eq!(listed["total"], 0);
    app.get(&url(""), None)
        .await
        .expect_problem(404, "not_found");

    // The co-unit may not answer; the lead unit answers (class B, a dated promise).
    let body = json!({"result_class": "B", "content": "已列入明年计划。", "official": "张局长", "promises": [{"what": "完成首批30台加装", "by": "2027-06-30"}]});
    app.post(&url("/answer"), Some(&czj), body.clone())
        .await
        .expect_problem(403, "not_lead_unit");
    let s = app
        .post(&url("/answer"), Some(&zjj), body)
        .await
        .expect(200);
    assert_eq!(s["status"], "answered");
    assert_eq!(s["answers"][0]["promises"][0]["by"], "2027-06-30");

    // Feedback: d1 satisfied, d2 not with the result: back for a second answer within 1 month.
    app.post(
        &url("/feedback"),
        Some(&d1.1),
        json!({"attitude": "satisfied", "result": "satisfied"}),
    )
    .await
    .expect(200);
    app.post(
        &url("/feedback"),
        Some(&d1.1),
        json!({"attitude": "satisfied", "result": "satisfied"}),
    )
    .await
    .expect_problem(409, "feedback_given");
    let s = app
        .post(
            &url("/feedback"),
            Some(&d2.1),
            json!({"attitude": "basically_satisfied", "result": "unsatisfied", "note": "进度太慢"}),
        )
        .await
        .expect(200);
    assert_eq!(s["status"], "reopened");
    assert_eq!(date(&s["second_answer_due"]), add_months(today, 1));
    let s = app
        .post(
            &url("/answer"),
            Some(&zjj),
            json!({"result_class": "A", "content": "已完成首批加装。", "official": "张局长"}),
        )
        .await
        .expect(200);
    assert_eq!(s["answers"].as_array().unwrap().len(), 2);
    for d in [d1, d2] {
        app.post(
            &url("/feedback"),
            Some(&d.1),
            json!({"attitude": "satisfied", "result": "satisfied"}),
        )
        .await
        .expect(200);
    }
    let s = app.get(&url(""), Some(&admin)).await.expect(200);
    assert_eq!(s["status"], "closed");

    // The office's figures for the year, per lead unit: the first answer's class, on time, and
    // the signers' results on the latest answer.
    let stats = app
        .get(
            &format!("/api/v1/suggestions/statistics?year={}", today.year()),
            Some(&admin),
        )
        .await
        .expect(200);
    let zjj_row = &stats["items"][0];
    assert_eq!(zjj_row["unit"], "县住建局");
    assert_eq!(zjj_row["assigned"], 1);
    assert_eq!(zjj_row["answered"], 1);
    assert_eq!(zjj_row["answered_on_time"], 1);
    assert_eq!(zjj_row["class_b"], 1);
    assert_eq!(zjj_row["satisfied"], 2);
    assert_eq!(zjj_row["unsatisfied"], 0);
    app.get("/api/v1/suggestions/statistics", Some(&d1.1))
        .await
        .expect_problem(403, "forbidden");

    // Published: the public reads the answer and the confirmed signers, not the feedback.
    app.patch(
        &url(""),
        Some(&admin),
        json!({"published": true, "key_supervision": true}),
    )
    .await
    .expect(200);
    let public = app.get(&url(""), None).await.expect(200);
    assert_eq!(public["signers"].as_array().unwrap().len(), 2);
    assert!(!public.to_string().contains(d3.0.as_str()));
    assert_eq!(public["feedback"], json!([]));
    assert_eq!(public["answers"][1]["result_class"], "A");
    assert_eq!(
        app.get("/api/v1/suggestions", None).await.expect(200)["total"],
        1
    );
    app.get(&url(""), Some(&slj)).await.expect(200);
}

/// The office returns what is not a suggestion, with the reason; a returned one cannot be
/// assigned. A broad matter gets 6 months.
#[tokio::test]
async fn returned_and_broad_suggestions() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputies = app.deputies(&admin, 1).await;
    let d = &deputies[0].1;
    let submit = |title: &'static str| {
        let (app, d) = (app.handle.clone(), d.clone());
        async move {
            app.post(
                "/api/v1/suggestions",
                Some(&d),
                json!({"kind": "opinion", "title": title, "content": "具体内容"}),
            )
            .await
            .expect(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let personal = submit("关于我家邻里纠纷的意见").await;
    let s = app
        .post(
            &format!("/api/v1/suggestions/{personal}/return"),
            Some(&admin),
            json!({"reason": "personal_matter", "note": "请通过信访渠道反映"}),
        )
        .await
        .expect(200);
    assert_eq!(s["status"], "returned");
    assert_eq!(s["return_reason"], "personal_matter: 请通过信访渠道反映");
    app.post(
        &format!("/api/v1/suggestions/{personal}/assign"),
        Some(&admin),
        json!({"lead_unit": "县住建局"}),
    )
    .await
    .expect_problem(409, "suggestion_not_submitted");
    app.post(
        &format!("/api/v1/suggestions/{personal}/return"),
        Some(&admin),
        json!({"reason": "dislike"}),
    )
    .await
    .expect_problem(422, "invalid_kind");
    let broad = submit("关于全县供水一体化的建议").await;
    let s = app
        .post(
            &format!("/api/v1/suggestions/{broad}/assign"),
            Some(&admin),
            json!({"lead_unit": "县水利局", "broad": true}),
        )
        .await
        .expect(200);
    let today = minsheng_domain::clock::today();
    assert_eq!(date(&s["answer_due"]), add_months(today, 6));
    // Bad input changes nothing.
    app.post(
        "/api/v1/suggestions",
        Some(d),
        json!({"kind": "wish", "title": "x", "content": "y"}),
    )
    .await
    .expect_problem(422, "invalid_kind");
    app.post(
        "/api/v1/suggestions",
        Some(&admin),
        json!({"kind": "suggestion", "title": "x", "content": "y"}),
    )
    .await
    .expect_problem(403, "not_a_deputy");
    assert_eq!(
        app.get("/api/v1/suggestions", Some(&admin))
            .await
            .expect(200)["total"],
        2
    );
}

/// A suggestion that became a project: the project's public page names it once it is published.
#[tokio::test]
async fn a_project_shows_the_suggestion_it_came_from() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let d = &k.session.deputies[0].1;
    let id = app
        .post(
            "/api/v1/suggestions",
            Some(d),
            json!({"kind": "suggestion", "title": "关于城东新区建设口袋公园的建议", "content": "城东缺少休闲场地。"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("/api/v1/suggestions/{id}");
    app.patch(
        &url,
        Some(&k.admin),
        json!({"project_id": uuid::Uuid::new_v4()}),
    )
    .await
    .expect_problem(422, "unknown_project");
    let linked = app
        .patch(&url, Some(&k.admin), json!({"project_id": k.project}))
        .await
        .expect(200);
    assert_eq!(linked["project_id"], Value::String(k.project.clone()));
    let mut public = minsheng_tests::pages::Visitor::new(&app.base);
    let page = format!("/projects/{}", k.project);
    public.get(&page).await.assert_lacks("来源：代表建议");
    app.post(
        &format!("{url}/assign"),
        Some(&k.admin),
        json!({"lead_unit": "县住建局"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("{url}/answer"),
        Some(&k.department),
        json!({"result_class": "A", "content": "已列入民生实事项目。", "official": "张局长"}),
    )
    .await
    .expect(200);
    app.patch(&url, Some(&k.admin), json!({"published": true}))
        .await
        .expect(200);
    public.get(&page).await.assert_contains(
        "来源：代表建议<a href=\"/suggestions#s-1\">第 1 号《关于城东新区建设口袋公园的建议》</a>",
    );
}
