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
