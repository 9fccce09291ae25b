//! The office's data-push page and the download links: a receiver registered on the page (its
//! secret shown once), its deliveries and a stopped receiver's reason shown, bad input kept with a
//! sentence; the attendance sheet downloaded from the session page; public pages link their tables.

use std::time::Duration;

use minsheng_tests::{ADMIN_PASSWORD, TestApp, pages::Visitor, receiver::Receiver};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_registers_a_receiver_and_sees_what_was_sent() {
    let app = TestApp::spawn_with(|c| {
        c.webhooks.schedule = vec![Duration::from_millis(200)];
        c.webhooks.poll = Duration::from_millis(100);
    })
    .await;
    let receiver = Receiver::start(0).await;
    let mut v = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let page = v.get("/admin/webhooks").await;
    assert_eq!(page.status, 200, "{}", page.html);
    page.assert_contains("数据推送")
        .assert_contains("登记新的接收地址");
    // Bad input: a sentence in Chinese, what was typed kept.
    let csrf = page.csrf();
    let refused = v
        .post(
            "/admin/webhooks",
            &[
                ("csrf", &csrf),
                ("url", "ftp://报社/接口"),
                ("description", "县融媒体中心"),
            ],
        )
        .await;
    refused
        .assert_contains("接收地址应以 https:// 或 http:// 开头")
        .assert_contains("value=\"ftp://报社/接口\"")
        .assert_contains("value=\"县融媒体中心\"");
    let made = v
        .post(
            "/admin/webhooks",
            &[
                ("csrf", &csrf),
                ("url", &receiver.url),
                ("description", "市政务数据开放平台"),
                ("types", "vote.published"),
            ],
        )
        .await;
    made.assert_contains("只显示这一次");
    let secret = made
        .html
        .split("id=\"secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("whsec_"));
    // Shown once: not on the next visit.
    v.get("/admin/webhooks").await.assert_lacks(&secret);

    let admin = app.admin().await;
    // A second receiver nobody answers at: stopped after its attempts, the office told.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    app.post("/api/v1/webhooks", Some(&admin), json!({"url": dead}))
        .await
        .expect(201);
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    for (_, token) in &s.deputies {
        app.cast(&vote, token, json!({"selections": [p[0]]})).await;
    }
    app.close(&admin, &vote).await;
    app.publish(&admin, &vote).await;
    let got = receiver.wait_for(1, 20).await;
    assert!(got[0].signed_with(&secret));
    let mut page = v.get("/admin/webhooks").await;
    for _ in 0..50 {
        if page.html.contains("已送达") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        page = v.get("/admin/webhooks").await;
    }
    page.assert_contains("已送达")
        .assert_contains("HTTP 204")
        .assert_contains("正常推送中");

    // The attendance sheet from the session page.
    let session = v.get(&format!("/admin/sessions/{}", s.id)).await;
    session.assert_contains(&format!(
        "/admin/sessions/{}/attendance.export?format=xlsx",
        s.id
    ));
    let sheet = v
        .get(&format!(
            "/admin/sessions/{}/attendance.export?format=csv",
            s.id
        ))
        .await;
    assert_eq!(sheet.status, 200);
    assert!(sheet.html.starts_with('\u{feff}'));
    assert!(
        sheet.html.contains("代表编号,姓名,代表团,出席"),
        "{}",
        sheet.html
    );
    assert_eq!(sheet.html.matches(",是").count(), 3);
    // The public pages link their tables.
    let mut public = Visitor::new(&app.base);
    public
        .get(&format!("/votes/{vote}/results"))
        .await
        .assert_contains(&format!("/api/v1/votes/{vote}/results?format=xlsx"));
    public
        .get(&format!("/votes/{vote}/bulletin"))
        .await
        .assert_contains(&format!("/api/v1/votes/{vote}/bulletin?format=csv"));
    public
        .get("/projects")
        .await
        .assert_contains("/api/v1/projects/board?year=");
    // A deputy has no data-push page.
    let mut deputy = Visitor::logged_in(&app.base, "d0001", "deputy-password-1").await;
    assert_eq!(deputy.get("/admin/webhooks").await.status, 403);
}
