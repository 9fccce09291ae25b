//! What numbers, dates and files the API takes (issue 17, item 8 and fault 5): money from 0 to
//! 10^12 yuan (what a county budget can be, and exact in a JavaScript client), dates in the years
//! 2000 to 2100, and a CSV import of at most `MINSHENG_IMPORT_MAX_ROWS` deputies, refused whole.

use minsheng_tests::TestApp;
use serde_json::json;

const MAX_YUAN: i64 = 1_000_000_000_000;

fn project(budget: serde_json::Value, planned: &str) -> serde_json::Value {
    json!({
        "title": "道路硬化", "summary": "", "category": "交通", "department": "县交通局",
        "budget_yuan": budget, "year": 2027, "source": "public", "planned_completion": planned
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_is_bounded_to_what_a_county_budget_can_be() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let id = app
        .post(
            "/api/v1/projects",
            Some(&admin),
            project(json!(MAX_YUAN), "2027-12-31"),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for too_much in [
        json!(MAX_YUAN + 1),
        json!(9_007_199_254_740_993_i64),
        json!(i64::MAX),
    ] {
        app.post(
            "/api/v1/projects",
            Some(&admin),
            project(too_much.clone(), "2027-12-31"),
        )
        .await
        .expect_problem(422, "invalid_budget");
        app.patch(
            &format!("/api/v1/projects/{id}"),
            Some(&admin),
            json!({"budget_yuan": too_much}),
        )
        .await
        .expect_problem(422, "invalid_budget");
    }
    let total = app
        .get("/api/v1/projects?limit=500", Some(&admin))
        .await
        .expect(200)["total"]
        .clone();
    assert_eq!(total, 1, "nothing stored");

    // Money spent, in a progress report.
    let f = app.adopted_project().await;
    let report = |spent: i64| json!({"period": "2027-05", "percent_complete": 10, "spent_yuan": spent, "note": "开工"});
    app.post(
        &format!("/api/v1/projects/{}/progress", f.project),
        Some(&f.department),
        report(MAX_YUAN + 1),
    )
    .await
    .expect_problem(422, "invalid_amount");
    app.post(
        &format!("/api/v1/projects/{}/progress", f.project),
        Some(&f.department),
        report(MAX_YUAN),
    )
    .await
    .expect(201);

    // The published schema says the same.
    let spec = app.get("/api/openapi.json", None).await.expect(200);
    let schemas = &spec["components"]["schemas"];
    for (schema, field) in [
        ("CreateProjectRequest", "budget_yuan"),
        ("UpdateProjectRequest", "budget_yuan"),
        ("CreateProgressRequest", "spent_yuan"),
    ] {
        let f = &schemas[schema]["properties"][field];
        assert_eq!(f["maximum"].as_f64(), Some(1e12), "{schema}.{field}: {f}");
        assert_eq!(f["minimum"].as_f64(), Some(0.0), "{schema}.{field}: {f}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_fall_in_the_years_2000_to_2100() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for bad in ["0000-01-01", "1999-12-31", "2101-01-01", "9999-12-31"] {
        let r = app
            .post("/api/v1/projects", Some(&admin), project(json!(1000), bad))
            .await;
        assert_eq!(r.status.as_u16(), 422, "{bad}: {}", r.body);
        let detail = r.body["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("planned_completion") && detail.contains("2000 to 2100"),
            "{bad}: {}",
            r.body
        );
    }
    for ok in ["2000-01-01", "2100-12-31"] {
        app.post("/api/v1/projects", Some(&admin), project(json!(1000), ok))
            .await
            .expect(201);
    }
    // The follow-up dates too: a milestone, an inspection's day, a problem's deadline.
    let f = app.adopted_project().await;
    let r = app
        .post(
            &format!("/api/v1/projects/{}/milestones", f.project),
            Some(&f.admin),
            json!({"title": "开工", "due_on": "9999-01-01"}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.body);
    app.post(
        &format!("/api/v1/projects/{}/milestones", f.project),
        Some(&f.admin),
        json!({"title": "开工", "due_on": "2027-06-30"}),
    )
    .await
    .expect(201);
    let spec = app.get("/api/openapi.json", None).await.expect(200);
    let due = &spec["components"]["schemas"]["CreateMilestoneRequest"]["properties"]["due_on"];
    assert_eq!(due["pattern"], minsheng_api::bounds::DATE_PATTERN, "{due}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_import_over_the_row_cap_is_refused_whole() {
    let app = TestApp::spawn_with(|c| c.import_max_rows = 3).await;
    let admin = app.admin().await;
    let rows = |n: usize| -> String {
        (1..=n)
            .map(|i| format!("m{i:03},代表{i},第一代表团\n"))
            .collect()
    };
    let r = app.import_csv(&admin, &rows(4)).await;
    r.expect_problem(422, "too_many_rows");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("at most 3 are imported at once"),
        "{}",
        r.body
    );
    let listed = app
        .get("/api/v1/deputies?limit=10", Some(&admin))
        .await
        .expect(200);
    assert_eq!(listed["total"], 0, "nothing stored");
    // At the cap, with a header row, it goes through.
    let with_header = format!("代表编号,姓名,代表团\n{}", rows(3));
    let created = app.import_csv(&admin, &with_header).await.expect(201);
    assert_eq!(created["created"].as_array().unwrap().len(), 3);
}
