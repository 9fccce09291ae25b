//! 履职评议: a rating round that rates a project and an official's report together, with the same
//! ballot rules and grade rule; the official graded 不满意 records a rectification and a later round
//! rates the report alone; who may enter and rectify.

use minsheng_tests::TestApp;
use serde_json::{Value, json};

async fn round(app: &minsheng_tests::Handle, admin: &str, session: &str, body: Value) -> String {
    let id = app
        .post(
            &format!("/api/v1/sessions/{session}/evaluations"),
            Some(admin),
            body,
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/evaluations/{id}/open"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    id
}

#[tokio::test]
async fn a_round_rates_a_project_and_an_official_s_report() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let admin = &k.admin;
    let body = json!({"kind": "official_report", "name": "张明", "post": "副县长", "unit": "县人民政府", "year": 2027, "oral_on": "2027-06-20", "written_report": "分管城建、交通工作的履职情况。"});
    app.post("/api/v1/rating-subjects", Some(&k.member), body.clone())
        .await
        .expect_problem(403, "forbidden");
    let official = app
        .post("/api/v1/rating-subjects", Some(admin), body)
        .await
        .expect(201);
    let sid = official["id"].as_str().unwrap().to_owned();
    // An unknown subject and an empty round are refused.
    app.post(
        &format!("/api/v1/sessions/{}/evaluations", k.session.id),
        Some(admin),
        json!({"title": "x", "subject_ids": [k.project]}),
    )
    .await
    .expect_problem(422, "unknown_subject");
    app.post(
        &format!("/api/v1/sessions/{}/evaluations", k.session.id),
        Some(admin),
        json!({"title": "x"}),
    )
    .await
    .expect_problem(422, "invalid_projects");

    let e = round(
        &app,
        admin,
        &k.session.id,
        json!({"title": "2027年民生实事项目和履职评议测评", "project_ids": [k.project], "subject_ids": [sid]}),
    )
    .await;
    let url = format!("/api/v1/evaluations/{e}/ballots");
    let got = app
        .get(&format!("/api/v1/evaluations/{e}"), Some(admin))
        .await
        .expect(200);
    assert_eq!(got["subject_ids"], json!([sid]));
    // A ballot rates both: the project alone is incomplete.
    let (d0, d1, d2) = (
        &k.session.deputies[0].1,
        &k.session.deputies[1].1,
        &k.session.deputies[2].1,
    );
    app.post(
        &url,
        Some(d0),
        json!({"ratings": {k.project.clone(): "satisfied"}}),
    )
    .await
    .expect_problem(422, "incomplete_ballot");
    for (t, official_rating) in [(d0, "satisfied"), (d1, "unsatisfied"), (d2, "unsatisfied")] {
        app.post(
            &url,
            Some(t),
            json!({"ratings": {k.project.clone(): "satisfied", sid.clone(): official_rating}}),
        )
        .await
        .expect(201);
    }
    app.post(
        &url,
        Some(d0),
        json!({"ratings": {k.project.clone(): "satisfied", sid.clone(): "satisfied"}}),
    )
    .await
    .expect_problem(409, "already_voted");
    // Not yet published: no rectification.
    let rectify = format!("/api/v1/rating-subjects/{sid}/rectification");
    app.post(&rectify, Some(admin), json!({"rectification": "整改"}))
        .await
        .expect_problem(409, "subject_not_unsatisfied");
    app.post(
        &format!("/api/v1/evaluations/{e}/close"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    let results = app
        .post(
            &format!("/api/v1/evaluations/{e}/publish"),
            Some(admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(results["projects"][0]["grade"], "satisfied");
    let s = &results["subjects"][0];
    assert_eq!(s["subject"]["name"], "张明");
    assert_eq!(
        (s["satisfied"].as_u64(), s["unsatisfied"].as_u64()),
        (Some(1), Some(2))
    );
    // 1 satisfied of 3, not more than half; nor are satisfied + basically satisfied: 不满意.
    assert_eq!(s["grade"], "unsatisfied");
    // The export lists the official after the project.
    let (status, _, csv) = app
        .bytes(&format!("/api/v1/evaluations/{e}/results?format=csv"))
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("张明 副县长,县人民政府,1,0,2"), "{csv}");

    // The record: one grade, 不满意; the rectification is recorded by the office only.
    let rec = app
        .get(&format!("/api/v1/rating-subjects/{sid}"), None)
        .await
        .expect(200);
    assert_eq!(rec["grades"][0]["grade"], "unsatisfied");
    app.post(&rectify, Some(&k.member), json!({"rectification": "整改"}))
        .await
        .expect_problem(403, "forbidden");
    let rec = app
        .post(
            &rectify,
            Some(admin),
            json!({"rectification": "已召开专题会议，制定整改方案十项。"}),
        )
        .await
        .expect(200);
    assert_eq!(
        rec["subject"]["rectification"],
        "已召开专题会议，制定整改方案十项。"
    );

    // A later round rates the report alone: now 满意.
    let e2 = round(
        &app,
        admin,
        &k.session.id,
        json!({"title": "整改情况再测评", "subject_ids": [sid]}),
    )
    .await;
    for (_, t) in &k.session.deputies {
        app.post(
            &format!("/api/v1/evaluations/{e2}/ballots"),
            Some(t),
            json!({"ratings": {sid.clone(): "satisfied"}}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("/api/v1/evaluations/{e2}/close"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/evaluations/{e2}/publish"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    let rec = app
        .get(&format!("/api/v1/rating-subjects/{sid}"), None)
        .await
        .expect(200);
    let grades: Vec<&str> = rec["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["grade"].as_str().unwrap())
        .collect();
    assert_eq!(grades, ["unsatisfied", "satisfied"]);
    app.post(&rectify, Some(admin), json!({"rectification": "再整改"}))
        .await
        .expect_problem(409, "subject_not_unsatisfied");
    // The project's own grade history is untouched by the second round.
    let listed = app
        .get("/api/v1/rating-subjects?year=2027", None)
        .await
        .expect(200);
    assert_eq!(listed["total"], 1);
}
