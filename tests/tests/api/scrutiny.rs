//! What the bulletin gives away and what the scrutineers (监票人) see (issue 17): a secret vote's
//! public bulletin lists receipts and totals, never a ballot beside its receipt; the full ballots go
//! to the scrutineers the office names while the vote is a draft, without receipts; a vote set
//! before opening to publish its ballots lists them; and password resets, disables and attendance
//! marks the office makes while a vote is open are shown with its results and on its page.

use minsheng_tests::{ADMIN_PASSWORD, TestApp, pages::Visitor};
use serde_json::{Value, json};

fn account_of(deputies: &Value, deputy_id: &str) -> String {
    deputies["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == deputy_id)
        .expect("deputy listed")["account_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_bulletin_lists_receipts_and_totals_and_the_scrutineers_recount_the_ballots() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(
        v["publish_ballots"], false,
        "secret ballots stay unpublished by default"
    );
    // The office names the scrutineers while the vote is a draft.
    let scrutineer = &s.deputies[0];
    let named = app
        .put(
            &format!("/api/v1/votes/{vote}/scrutineers"),
            Some(&admin),
            json!({"deputy_ids": [scrutineer.0]}),
        )
        .await
        .expect(200);
    assert_eq!(named["total"], 1);
    assert_eq!(named["items"][0]["deputy_id"], json!(scrutineer.0));
    app.put(
        &format!("/api/v1/votes/{vote}/scrutineers"),
        Some(&admin),
        json!({"deputy_ids": [uuid::Uuid::new_v4()]}),
    )
    .await
    .expect_problem(422, "unknown_deputy");
    app.put(
        &format!("/api/v1/votes/{vote}/scrutineers"),
        Some(&s.deputies[1].1),
        json!({"deputy_ids": [s.deputies[1].0]}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    // Once open, neither the scrutineers nor the publication setting can change.
    app.put(
        &format!("/api/v1/votes/{vote}/scrutineers"),
        Some(&admin),
        json!({"deputy_ids": [s.deputies[1].0]}),
    )
    .await
    .expect_problem(409, "vote_not_draft");
    app.patch(
        &format!("/api/v1/votes/{vote}"),
        Some(&admin),
        json!({"publish_ballots": true}),
    )
    .await
    .expect_problem(409, "vote_not_draft");

    // The first deputy votes on the phone: the receipt page says what a receipt proves and what not.
    let mut phone = Visitor::logged_in(&app.base, "D0001", "deputy-password-1").await;
    let csrf = phone.get(&format!("/d/votes/{vote}")).await.csrf();
    let cast = phone
        .post(
            &format!("/d/votes/{vote}/cast"),
            &[("csrf", &csrf), ("selections", &p[0])],
        )
        .await;
    cast.assert_contains("投票成功")
        .assert_contains("回执码能证明的")
        .assert_contains("回执码不能证明的：您投了什么");
    let r0 = cast.html.split(r#"id="receipt">"#).nth(1).unwrap();
    let r0: String = r0[..r0.find('<').unwrap()]
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .collect();
    let r1 = app
        .cast(&vote, &s.deputies[1].1, json!({"selections": [p[0]]}))
        .await;
    let r2 = app
        .cast(&vote, &s.deputies[2].1, json!({"selections": [p[1]]}))
        .await;

    app.get(&format!("/api/v1/votes/{vote}/full-ballots"), Some(&admin))
        .await
        .expect_problem(409, "vote_not_closed");
    app.close(&admin, &vote).await;
    // A deputy who is not a scrutineer, and the public, do not read the full ballots.
    app.get(
        &format!("/api/v1/votes/{vote}/full-ballots"),
        Some(&s.deputies[1].1),
    )
    .await
    .expect_problem(403, "forbidden");
    app.get(&format!("/api/v1/votes/{vote}/full-ballots"), None)
        .await
        .expect_problem(401, "missing_token");
    // The scrutineer recounts every ballot; a secret vote's copy carries no receipts.
    let copy = app
        .get(
            &format!("/api/v1/votes/{vote}/full-ballots"),
            Some(&scrutineer.1),
        )
        .await
        .expect(200);
    let ballots = copy["ballots"].as_array().unwrap();
    assert_eq!(ballots.len(), 3, "{copy}");
    assert!(ballots.iter().all(|b| b["receipt"].is_null()), "{copy}");
    let marked = |id: &str| {
        ballots
            .iter()
            .filter(|b| b["selections"].as_array().unwrap().contains(&json!(id)))
            .count()
    };
    assert_eq!((marked(&p[0]), marked(&p[1]), marked(&p[2])), (2, 1, 0));
    app.get(&format!("/api/v1/votes/{vote}/full-ballots"), Some(&admin))
        .await
        .expect(200);

    app.publish(&admin, &vote).await;
    // The public bulletin: every receipt, the totals with titles, and no ballot beside a receipt.
    let b = app
        .get(&format!("/api/v1/votes/{vote}/bulletin"), None)
        .await
        .expect(200);
    assert_eq!(b["ballots_public"], false);
    let mut listed: Vec<String> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["selections"].is_null() && e["choices"].is_null(), "{e}");
            assert!(e["voter"].is_null());
            e["receipt"].as_str().unwrap().to_owned()
        })
        .collect();
    listed.sort();
    let mut want = vec![r0, r1, r2];
    want.sort();
    assert_eq!(listed, want);
    let c = b["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 3);
    assert_eq!(c[0]["project_id"], json!(p[0]));
    assert_eq!(c[0]["title"], "民生项目1");
    assert_eq!(
        (c[0]["yes"].as_u64(), c[1]["yes"].as_u64()),
        (Some(2), Some(1))
    );
    // The page says the same: receipts and totals, and where the full ballots went.
    let page = Visitor::new(&app.base)
        .get(&format!("/votes/{vote}/bulletin"))
        .await;
    page.assert_contains("各项目得票")
        .assert_contains("完整选票交本次投票的监票人核对")
        .assert_contains("<td>民生项目1</td>")
        .assert_lacks("<th>民生项目1</th>")
        .assert_lacks("✔");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_set_before_opening_to_publish_its_ballots_lists_them_beside_the_receipts() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    let vote = app
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "yes_no_abstain", "seats": 1, "candidate_ids": p, "publish_ballots": true}),
        )
        .await;
    // Changeable while a draft.
    let v = app
        .patch(
            &format!("/api/v1/votes/{vote}"),
            Some(&admin),
            json!({"publish_ballots": false}),
        )
        .await
        .expect(200);
    assert_eq!(v["publish_ballots"], false);
    let v = app
        .patch(
            &format!("/api/v1/votes/{vote}"),
            Some(&admin),
            json!({"publish_ballots": true}),
        )
        .await
        .expect(200);
    assert_eq!(v["publish_ballots"], true);
    app.post(
        &format!("/api/v1/votes/{vote}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let mut cast = std::collections::HashMap::new();
    for (i, (_, token)) in s.deputies.iter().enumerate() {
        let choice = if i == 0 { "no" } else { "yes" };
        let r = app
            .cast(&vote, token, json!({"choices": {&p[0]: choice}}))
            .await;
        cast.insert(r, choice);
    }
    app.close(&admin, &vote).await;
    // The office reads the copy with receipts: they are public anyway.
    let copy = app
        .get(&format!("/api/v1/votes/{vote}/full-ballots"), Some(&admin))
        .await
        .expect(200);
    assert!(
        copy["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["receipt"].is_string())
    );
    app.publish(&admin, &vote).await;
    let b = app
        .get(&format!("/api/v1/votes/{vote}/bulletin"), None)
        .await
        .expect(200);
    assert_eq!(b["ballots_public"], true);
    let entries = b["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for e in entries {
        assert_eq!(
            e["choices"][&p[0]],
            cast[e["receipt"].as_str().unwrap()],
            "{e}"
        );
        assert!(e["voter"].is_null(), "a secret vote names no one");
    }
    assert_eq!(b["candidates"][0]["yes"], 2);
    assert_eq!(b["candidates"][0]["no"], 1);
    Visitor::new(&app.base)
        .get(&format!("/votes/{vote}/bulletin"))
        .await
        .assert_contains("<th>民生项目1</th>")
        .assert_contains("本次投票在开始前决定公开完整选票");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resets_disables_and_attendance_marks_while_a_vote_is_open_are_shown_with_its_results() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 4).await;
    let p = app.projects(&admin, 2).await;
    let listing = app
        .get("/api/v1/deputies?limit=500", Some(&admin))
        .await
        .expect(200);
    let account = |i: usize| account_of(&listing, &s.deputies[i].0);
    let attendance = |ids: Vec<String>, present: bool| {
        let app = &app;
        let admin = &admin;
        let session = s.id.clone();
        async move {
            app.put(
                &format!("/api/v1/sessions/{session}/attendance"),
                Some(admin),
                json!({"deputy_ids": ids, "present": present}),
            )
            .await
            .expect(200);
        }
    };
    // Before the vote opens nothing is recorded.
    attendance(vec![s.deputies[3].0.clone()], false).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    // While it is open: a deputy marked present (and one already present marked again, which
    // changes nothing), a password reset, a disable.
    attendance(vec![s.deputies[3].0.clone(), s.deputies[0].0.clone()], true).await;
    app.patch(
        &format!("/api/v1/accounts/{}", account(1)),
        Some(&admin),
        json!({"reset_password": true}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/accounts/{}", account(2)),
        Some(&admin),
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    // The office's vote page shows them while the vote is open.
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    office
        .get(&format!("/admin/votes/{vote}"))
        .await
        .assert_contains("投票期间的账户变动")
        .assert_contains("重置密码")
        .assert_contains("停用账户")
        .assert_contains("标记出席")
        .assert_contains("D0004");
    app.cast(&vote, &s.deputies[0].1, json!({"selections": [p[0]]}))
        .await;
    app.close(&admin, &vote).await;
    // After the close, a reset no longer concerns this vote.
    app.patch(
        &format!("/api/v1/accounts/{}", account(0)),
        Some(&admin),
        json!({"reset_password": true}),
    )
    .await
    .expect(200);
    let r = app
        .get(&format!("/api/v1/votes/{vote}/results"), Some(&admin))
        .await
        .expect(200);
    let o = &r["oversight"];
    assert_eq!(
        (
            o["password_resets"].as_u64(),
            o["disables"].as_u64(),
            o["attendance_changes"].as_u64(),
            o["accounts"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(3)),
        "{o}"
    );
    let kinds: Vec<(&str, &str)> = o["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["deputy_code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("marked_present", "D0004"),
            ("password_reset", "D0002"),
            ("disabled", "D0003")
        ]
    );
    assert_eq!(o["events"][1]["account_id"], json!(account(1)));
    // Published results carry the same record for everyone.
    let published = app.publish(&admin, &vote).await;
    assert_eq!(published["oversight"]["accounts"], 3);
}
