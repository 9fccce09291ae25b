//! Issue 16: what a client is told when it trips — a lifecycle step tried twice or out of turn, a
//! malformed request body, an expired token, a reserve project's follow-up — with the messages
//! themselves held, not only the codes.

use minsheng_tests::{Handle, Resp, TestApp};
use serde_json::{Value, json};

/// A problem with this status and code whose detail says `detail`.
#[track_caller]
fn says(r: Resp, status: u16, code: &str, detail: &str) -> Value {
    r.expect_problem(status, code);
    assert_eq!(r.body["detail"], detail, "{}", r.body);
    r.body
}

async fn step(app: &Handle, admin: &str, kind: &str, id: &str, action: &str) -> Resp {
    app.post(
        &format!("/api/v1/{kind}/{id}/{action}"),
        Some(admin),
        json!({}),
    )
    .await
}

/// Every step of the lifecycle pressed again, or out of turn, says what state the round is in; the
/// codes stay those clients switch on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_tried_twice_says_what_happened() {
    let app = TestApp::spawn().await;
    let y = app.adopted_project().await;
    let admin = &y.admin;
    let v = &y.vote;
    // The adopted project's vote is published: every step says so.
    let refusals = [
        (
            "publish",
            "vote_not_closed",
            "the vote is already published",
        ),
        (
            "close",
            "vote_not_open",
            "the vote is already closed and published",
        ),
        (
            "open",
            "vote_not_draft",
            "the vote is already published; a published vote cannot be opened again",
        ),
    ];
    for (action, code, detail) in refusals {
        says(
            step(&app, admin, "votes", v, action).await,
            409,
            code,
            detail,
        );
    }
    says(
        app.patch(
            &format!("/api/v1/votes/{v}"),
            Some(admin),
            json!({"seats": 1}),
        )
        .await,
        409,
        "vote_not_draft",
        "the vote is published; a vote can be changed only while it is a draft",
    );

    // A fresh draft, walked through each state with the wrong step first.
    let p = app.projects(admin, 2).await;
    let d = app
        .draft_vote(
            admin,
            &y.session.id,
            json!({"title": "再次票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    let walk = [
        (
            "close",
            "vote_not_open",
            "the vote is still a draft: open it before closing it",
        ),
        (
            "publish",
            "vote_not_closed",
            "the vote is still a draft: open it, then close it, before publishing",
        ),
        ("open", "", ""),
        ("open", "vote_not_draft", "the vote is already open"),
        (
            "publish",
            "vote_not_closed",
            "the vote is still open: close it before publishing",
        ),
        ("close", "", ""),
        ("close", "vote_not_open", "the vote is already closed"),
        (
            "open",
            "vote_not_draft",
            "the vote is already closed; a closed vote cannot be opened again",
        ),
    ];
    for (action, code, detail) in walk {
        let r = step(&app, admin, "votes", &d, action).await;
        if code.is_empty() {
            r.expect(200);
        } else {
            says(r, 409, code, detail);
        }
    }

    // A rating round of the adopted project says the same in its own words.
    let e = app
        .post(
            &format!("/api/v1/sessions/{}/evaluations", y.session.id),
            Some(admin),
            json!({"title": "满意度测评", "project_ids": [y.project]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let walk = [
        (
            "publish",
            "vote_not_closed",
            "the rating round is still a draft: open it, then close it, before publishing",
        ),
        ("open", "", ""),
        ("open", "vote_not_draft", "the rating round is already open"),
        ("close", "", ""),
        (
            "close",
            "vote_not_open",
            "the rating round is already closed",
        ),
        ("publish", "", ""),
        (
            "publish",
            "vote_not_closed",
            "the rating round is already published",
        ),
        (
            "open",
            "vote_not_draft",
            "the rating round is already published; a published rating round cannot be opened again",
        ),
    ];
    for (action, code, detail) in walk {
        let r = step(&app, admin, "evaluations", &e, action).await;
        if code.is_empty() {
            r.expect(200);
        } else {
            says(r, 409, code, detail);
        }
    }
}

/// Method, path, token, body, and the field and message expected.
type Case<'a> = (&'a str, String, Option<&'a str>, Value, String, String);

/// A body of the wrong shape names the field by its JSON path and says what is expected in plain
/// words; no Rust type name reaches the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_body_names_the_field_in_plain_words() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let nowhere = uuid::Uuid::new_v4();
    let id = "0f8e2a3c-5b1d-4e6f-9a7b-2c3d4e5f6a7b";
    let an_id = format!("expected an id (a UUID such as {id})");
    let ballots = format!("/api/v1/votes/{nowhere}/ballots");
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/api/v1/auth/login".into(),
            None,
            json!({"username": "admin"}),
            "password".into(),
            "this field is required".into(),
        ),
        (
            "POST",
            "/api/v1/auth/login".into(),
            None,
            json!({"username": 5, "password": "x"}),
            "username".into(),
            "expected text, found 5".into(),
        ),
        (
            "POST",
            ballots.clone(),
            Some(&admin),
            json!({"selections": [id, "not-an-id"]}),
            "selections[1]".into(),
            an_id.clone(),
        ),
        (
            "POST",
            ballots.clone(),
            Some(&admin),
            json!({"selections": id}),
            "selections".into(),
            format!("expected a list, found the text \"{id}\""),
        ),
        (
            "POST",
            ballots.clone(),
            Some(&admin),
            json!({"choices": {id: "maybe"}}),
            format!("choices.{id}"),
            "\"maybe\" is not one of the accepted values: yes, no, abstain".into(),
        ),
        (
            "POST",
            ballots.clone(),
            Some(&admin),
            json!({"selection": [id]}),
            "selection".into(),
            "this field is not known; the fields here are selections, choices".into(),
        ),
        (
            "POST",
            ballots.clone(),
            Some(&admin),
            json!({}),
            "body".into(),
            "a ballot needs `selections` (a list of project ids, for a choose_up_to_n vote) or \
             `choices` (project id → yes, no or abstain, for a yes_no_abstain vote)"
                .into(),
        ),
        (
            "POST",
            ballots.clone(),
            Some(&admin),
            json!([id]),
            "body".into(),
            "expected an object with `selections` or `choices`, found a list".into(),
        ),
        // A list of field values would make a struct for serde; it is refused like any non-object.
        (
            "PUT",
            format!("/api/v1/sessions/{nowhere}/roster"),
            Some(&admin),
            json!([[]]),
            "body".into(),
            "expected an object, found a list".into(),
        ),
        (
            "POST",
            "/api/v1/sessions".into(),
            Some(&admin),
            json!({"name": "会议", "year": "2027"}),
            "year".into(),
            "expected a number, found the text \"2027\"".into(),
        ),
        (
            "POST",
            format!("/api/v1/sessions/{nowhere}/votes"),
            Some(&admin),
            json!({"title": "票决", "method": "most_votes", "seats": 1, "candidate_ids": [id, id]}),
            "method".into(),
            "\"most_votes\" is not one of the accepted values: choose_up_to_n, yes_no_abstain"
                .into(),
        ),
        (
            "POST",
            format!("/api/v1/projects/{nowhere}/milestones"),
            Some(&admin),
            json!({"title": "开工", "due_on": "2027/06/30"}),
            "due_on".into(),
            "expected a date written YYYY-MM-DD, such as 2027-06-30".into(),
        ),
        (
            "PUT",
            "/api/v1/me/password".into(),
            Some(&admin),
            json!({"current_password": null, "new_password": "x"}),
            "current_password".into(),
            "expected text, found null".into(),
        ),
    ];
    for (method, path, token, body, field, message) in cases {
        let r = match method {
            "PUT" => app.put(&path, token, body.clone()).await,
            _ => app.post(&path, token, body.clone()).await,
        };
        r.expect_problem(422, "invalid_body");
        let errors = &r.body["errors"];
        assert_eq!(errors[0]["field"], field.as_str(), "{body} → {}", r.body);
        assert_eq!(
            errors[0]["message"],
            message.as_str(),
            "{body} → {}",
            r.body
        );
        assert_eq!(
            r.body["detail"],
            format!("{field}: {message}"),
            "{body} → {}",
            r.body
        );
        let text = r.body.to_string();
        for leak in [
            "struct", "enum ", "u32", "i32", "Request", "untagged", "line 1",
        ] {
            assert!(!text.contains(leak), "{leak} leaks in {text}");
        }
    }
    // Not JSON at all is another matter: 400, and where it broke.
    let r = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("content-type", "application/json")
        .body("{\"username\": \"admin\",")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "malformed_json");
    assert_eq!(
        body["detail"],
        "the body is not valid JSON: it ends too early (line 1, column 21)"
    );
}

/// An expired access token says how to go on: refresh, or log in again; a forged one says to log in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_says_to_refresh_or_log_in() {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
    use minsheng_tests::{ADMIN_PASSWORD, JWT_SECRET};

    let app = TestApp::spawn().await;
    let login = app.login("admin", ADMIN_PASSWORD).await;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&["minsheng"]);
    validation.set_audience(&["minsheng-api"]);
    let key = DecodingKey::from_secret(JWT_SECRET.as_bytes());
    let mut claims = decode::<Value>(&login.access, &key, &validation)
        .unwrap()
        .claims;
    // Issued two hours ago for fifteen minutes, signed with the service's own key.
    let now = claims["iat"].as_u64().unwrap();
    claims["iat"] = json!(now - 7200);
    claims["exp"] = json!(now - 7200 + 900);
    let sign = |secret: &str| {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    says(
        app.get("/api/v1/me", Some(&sign(JWT_SECRET))).await,
        401,
        "invalid_token",
        "the access token has expired: get a new one from POST /api/v1/auth/refresh with your \
         refresh token, or log in again",
    );
    says(
        app.get(
            "/api/v1/me",
            Some(&sign("another-secret-another-secret-another-secret")),
        )
        .await,
        401,
        "invalid_token",
        "the access token is not valid (damaged, or not issued by this service): log in again",
    );
    // The refresh it points to works.
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": login.refresh}),
    )
    .await
    .expect(200);
}

/// A reserve project's follow-up says why there is none, to the public as to a deputy; a project
/// the public cannot know of stays not found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserve_project_says_why_it_has_no_follow_up() {
    let app = TestApp::spawn().await;
    let y = app.adopted_project().await;
    let reserve = "the vote did not adopt this project: it went back to the reserve (储备库), and \
                   only adopted projects are followed up";
    for what in ["follow-up", "timeline", "progress", "problems"] {
        let path = format!("/api/v1/projects/{}/{what}", y.reserve);
        says(
            app.get(&path, None).await,
            409,
            "project_not_adopted",
            reserve,
        );
        says(
            app.get(&path, Some(&y.member)).await,
            409,
            "project_not_adopted",
            reserve,
        );
        app.get(&format!("/api/v1/projects/{}/{what}", y.project), None)
            .await
            .expect(200);
    }
    let proposed = app.project(&y.admin, "尚在征集的项目").await;
    let path = format!("/api/v1/projects/{proposed}/follow-up");
    says(
        app.get(&path, None).await,
        404,
        "not_found",
        "project not found",
    );
    says(
        app.get(&path, Some(&y.member)).await,
        409,
        "project_not_adopted",
        "the project is proposed; its follow-up starts when a published vote adopts it",
    );
}

/// A bad id in the address or a bad query parameter is named, in the same words as a body's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_address_or_query_names_the_parameter() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/votes/not-a-uuid", None).await;
    r.expect_problem(400, "invalid_path_parameter");
    let expected = "expected an id (a UUID such as 0f8e2a3c-5b1d-4e6f-9a7b-2c3d4e5f6a7b)";
    assert_eq!(r.body["errors"][0]["field"], "id", "{}", r.body);
    assert_eq!(r.body["errors"][0]["message"], expected, "{}", r.body);
    assert_eq!(r.body["detail"], format!("id in the address: {expected}"));
    let r = app.get("/api/v1/projects/board?year=x", None).await;
    r.expect_problem(400, "invalid_query");
    assert_eq!(r.body["errors"][0]["field"], "year", "{}", r.body);
    assert_eq!(
        r.body["detail"], "year in the query: expected a whole number",
        "{}",
        r.body
    );
    let admin = app.admin().await;
    let r = app.get("/api/v1/sessions?limit=many", Some(&admin)).await;
    r.expect_problem(400, "invalid_query");
    assert_eq!(r.body["errors"][0]["field"], "limit", "{}", r.body);
    for leak in ["u32", "i32", "Uuid", "`"] {
        assert!(!r.body.to_string().contains(leak), "{leak} in {}", r.body);
    }
}
