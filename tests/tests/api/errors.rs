//! Every kind of bad input gets problem+json with a stable code.

use minsheng_tests::TestApp;
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_problem_json() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let url = |p: &str| format!("{}{}", app.base, p);
    let send = |req: reqwest::RequestBuilder| async move {
        let r = req.send().await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let body: serde_json::Value = r.json().await.unwrap_or_default();
        minsheng_tests::Resp {
            status,
            headers,
            body,
        }
    };

    // Malformed JSON.
    send(
        app.client
            .post(url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body("{\"username\":"),
    )
    .await
    .expect_problem(400, "malformed_json");
    // Wrong content type.
    send(
        app.client
            .post(url("/api/v1/auth/login"))
            .header("content-type", "text/plain")
            .body("{}"),
    )
    .await
    .expect_problem(415, "unsupported_media_type");
    // Well-formed JSON of the wrong shape names the field.
    let wrong = send(
        app.client
            .post(url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": 5, "password": "x"})),
    )
    .await;
    wrong.expect_problem(422, "invalid_body");
    assert_eq!(wrong.body["errors"][0]["field"], "username");
    // Body over the limit.
    let huge = format!(
        "{{\"username\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(2 * 1024 * 1024)
    );
    send(
        app.client
            .post(url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body(huge),
    )
    .await
    .expect_problem(413, "payload_too_large");
    // Unknown path, wrong method.
    send(app.client.get(url("/api/v1/nothing-here")))
        .await
        .expect_problem(404, "not_found");
    let wrong_method = send(app.client.request(Method::DELETE, url("/api/v1/me"))).await;
    wrong_method.expect_problem(405, "method_not_allowed");
    assert!(wrong_method.headers.get("allow").is_some());
    // Bad path and query parameters.
    send(
        app.client
            .get(url("/api/v1/accounts/not-a-uuid"))
            .bearer_auth(&admin),
    )
    .await
    .expect_problem(400, "invalid_path_parameter");
    send(
        app.client
            .get(url("/api/v1/accounts?limit=lots"))
            .bearer_auth(&admin),
    )
    .await
    .expect_problem(400, "invalid_query");
    send(
        app.client
            .get(url("/api/v1/accounts?role=king"))
            .bearer_auth(&admin),
    )
    .await
    .expect_problem(400, "invalid_query");
    // CSV import refuses a JSON body.
    send(
        app.client
            .post(url("/api/v1/deputies/import"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({})),
    )
    .await
    .expect_problem(415, "unsupported_media_type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_ready_spec_and_docs() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/health", None).await.expect(200)["status"], "ok");
    assert_eq!(app.get("/ready", None).await.expect(200)["status"], "ok");
    let spec = app.get("/api/openapi.json", None).await.expect(200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app
        .client
        .get(format!("{}/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status().as_u16(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

/// JSON Schema's `integer` is any number without a fractional part: `2027.0` is a year, `1.5` is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integers_may_be_written_as_whole_floats() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app
        .post(
            "/api/v1/sessions",
            Some(&admin),
            serde_json::json!({"name": "会议", "year": 2027.0}),
        )
        .await
        .expect(201);
    assert_eq!(s["year"], 2027);
    let bad = app
        .post(
            "/api/v1/sessions",
            Some(&admin),
            serde_json::json!({"name": "会议", "year": 2027.5}),
        )
        .await;
    bad.expect_problem(422, "invalid_body");
    assert_eq!(bad.body["errors"][0]["field"], "year");
    app.post(
        "/api/v1/sessions",
        Some(&admin),
        serde_json::json!({"name": "会议", "year": 1e300}),
    )
    .await
    .expect_problem(422, "invalid_body");
}

/// Browser clients on other origins may read the API (bearer tokens only, so `*` is safe).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_browsers_are_allowed() {
    let app = TestApp::spawn().await;
    let preflight = app
        .client
        .request(Method::OPTIONS, format!("{}/api/v1/auth/login", app.base))
        .header("origin", "https://dashboard.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    let get = app.get("/api/v1/projects", None).await;
    assert_eq!(get.headers["access-control-allow-origin"], "*");
    assert_eq!(get.headers["x-content-type-options"], "nosniff");
    assert_eq!(get.headers["referrer-policy"], "no-referrer");
}
