//! The main flows in a real browser (headless Chromium): a deputy's first login with a one-time
//! password, check-in, a ballot of each method through the review step to the receipt, a second
//! ballot shown as 已投票, a keyboard-only ballot, the big screen updating while ballots arrive,
//! and the public bulletin finding a receipt.

mod followup;

use fantoccini::key::Key;
use minsheng_tests::{
    TestApp,
    browser::{Browser, Screen},
};
use serde_json::json;

const DEPUTY_PASSWORD: &str = "deputy-password-1";

async fn username(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.expect(200)["username"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_login_check_in_and_a_ballot_to_the_receipt() {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    // A new deputy on the roster, with a one-time password, not yet checked in.
    let created = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            json!({"deputy_code": "B001", "name": "李代表", "delegation": "城关代表团"}),
        )
        .await
        .expect(201);
    let mut roster: Vec<String> = s.deputies.iter().map(|(d, _)| d.clone()).collect();
    roster.push(created["deputy"]["id"].as_str().unwrap().to_owned());
    app.put(
        &format!("/api/v1/sessions/{}/roster", s.id),
        Some(&admin),
        json!({"deputy_ids": roster}),
    )
    .await
    .expect(200);
    let p = app.projects(&admin, 4).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "手机票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}),
        )
        .await;

    b.login(
        &app.base,
        created["username"].as_str().unwrap(),
        created["initial_password"].as_str().unwrap(),
    )
    .await;
    assert_eq!(b.path().await, "/password");
    b.fill(
        "#current_password",
        created["initial_password"].as_str().unwrap(),
    )
    .await;
    b.fill("#new_password", "my-own-password-1").await;
    b.fill("#new_password_again", "my-own-password-1").await;
    b.click("form button.primary").await;
    b.wait(".alert").await;
    assert_eq!(b.path().await, "/d");
    assert!(b.body().await.contains("请先报到"));
    b.click("form.once button").await;
    b.wait(".big-status").await;
    assert!(b.body().await.contains("已报到"));

    b.click(&format!("a[href='/d/votes/{vote}']")).await;
    b.wait("form.ballot").await;
    assert_eq!(b.text("#marked").await, "0");
    let boxes = b
        .client
        .find_all(fantoccini::Locator::Css("input[name=selections]"))
        .await
        .unwrap();
    boxes[0].click().await.unwrap();
    boxes[2].click().await.unwrap();
    // The counter follows, and at the limit the other boxes lock.
    assert_eq!(b.text("#marked").await, "2");
    assert!(!boxes[1].is_enabled().await.unwrap());
    assert!(boxes[0].is_enabled().await.unwrap());
    b.click(".sticky button").await;
    b.wait("#confirm").await;
    let review = b.body().await;
    assert!(review.contains("您的选票尚未投出"));
    assert!(review.contains("民生项目1") && review.contains("民生项目3"));
    assert!(!review.contains("民生项目2"));
    // 返回修改 keeps the marks.
    b.click("button[value=edit]").await;
    b.wait("form.ballot").await;
    assert_eq!(b.text("#marked").await, "2");
    b.click(".sticky button").await;
    b.wait("#confirm").await;
    // A dropped connection: the ballot reaches the server but its answer never reaches the
    // phone, which still shows the review; the deputy presses 确认投票 again.
    let status = b
        .js("var f = document.querySelector('form.once'); \
             return fetch(f.getAttribute('action'), {method: 'POST', body: new URLSearchParams(new FormData(f))}) \
             .then(function (r) { return r.status == 200 ? 200 : r.text(); })")
        .await;
    assert_eq!(status, json!(200), "the ballot whose answer is lost");
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["ballots_cast"], 1, "the lost answer's ballot counted");
    b.click("#confirm").await;
    b.wait(".big-status").await;
    let again = b.body().await;
    assert!(again.contains("已投票"), "{again}");
    assert!(!again.contains("出错"), "{again}");
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["ballots_cast"], 1, "one press, one ballot");
    // Coming back to the vote later tells the deputy the ballot counted.
    b.goto(&format!("{}/d/votes/{vote}", app.base)).await;
    assert!(b.body().await.contains("已投票"));

    // Another deputy on a fresh phone gets the receipt, shown once.
    let other = Browser::start(Screen::Phone)
        .await
        .expect("a second browser");
    other
        .login(
            &app.base,
            &username(&app, &s.deputies[0].1).await,
            DEPUTY_PASSWORD,
        )
        .await;
    other.goto(&format!("{}/d/votes/{vote}", app.base)).await;
    other.click("input[name=selections]").await;
    other.click(".sticky button").await;
    other.click("#confirm").await;
    let receipt = other.text("#receipt").await;
    assert_eq!(receipt.replace(' ', "").len(), 32, "receipt {receipt}");
    assert!(other.body().await.contains("投票成功"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yes_no_abstain_ballot_by_keyboard_only() {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "键盘投票", "method": "yes_no_abstain", "seats": 1, "candidate_ids": p}),
        )
        .await;
    b.login(
        &app.base,
        &username(&app, &s.deputies[0].1).await,
        DEPUTY_PASSWORD,
    )
    .await;
    b.goto(&format!("{}/d/votes/{vote}", app.base)).await;
    b.wait("form.ballot").await;
    // Tab reaches each candidate's radio group on its checked radio (弃权 by default); the arrow
    // keys move within the group.
    let first_yes = format!("input[name='choices[{}]'][value=yes]", p[0]);
    let mut reached = false;
    for _ in 0..30 {
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab)
            .await
            .unwrap();
        let name = b
            .js("return document.activeElement && document.activeElement.name || ''")
            .await;
        if name.as_str() == Some(&format!("choices[{}]", p[0])) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the first candidate's choices");
    // Arrow keys move within a radio group: from 弃权 (checked) Up twice reaches 赞成.
    for _ in 0..2 {
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Up)
            .await
            .unwrap();
    }
    assert!(b.wait(&first_yes).await.is_selected().await.unwrap());
    assert_eq!(b.text("#marked").await, "1");
    // On to the submit button and Enter.
    for _ in 0..30 {
        let tag = b
            .js("return document.activeElement.tagName + ':' + (document.activeElement.type || '')")
            .await;
        if tag.as_str() == Some("BUTTON:submit") {
            break;
        }
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab)
            .await
            .unwrap();
    }
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter)
        .await
        .unwrap();
    b.wait("#confirm").await;
    assert!(b.body().await.contains("您的选票尚未投出"));
    // The confirm button by keyboard: focus it, press Enter.
    b.js("document.getElementById('confirm').focus(); return 0")
        .await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter)
        .await
        .unwrap();
    b.wait("#receipt").await;
    let r = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(r["ballots_cast"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_big_screen_follows_the_vote_and_the_bulletin_finds_a_receipt() {
    let Some(b) = Browser::start(Screen::Projector).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 4).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "大屏票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    // The office makes a display link from its console.
    let mut office = minsheng_tests::pages::Visitor::logged_in(
        &app.base,
        "admin",
        minsheng_tests::ADMIN_PASSWORD,
    )
    .await;
    let csrf = office
        .get(&format!("/admin/sessions/{}", s.id))
        .await
        .csrf();
    let made = office
        .post(
            &format!("/admin/sessions/{}/display-links", s.id),
            &[("csrf", &csrf)],
        )
        .await;
    let link = made.html.split(r#"id="display-link">"#).nth(1).unwrap();
    let link = link[..link.find('<').unwrap()].replace("&#x3d;", "=");
    b.goto(&format!("{}{link}", app.base)).await;
    b.wait_text("[data-k=ballots_cast]", "0", 5).await;
    assert_eq!(b.text("[data-k=present]").await, "4");

    let mut receipts = Vec::new();
    for (i, (_, token)) in s.deputies.iter().enumerate().take(3) {
        let r = app
            .post(
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(token),
                json!({"selections": [p[i % 2]]}),
            )
            .await
            .expect(201);
        receipts.push(r["receipt"].as_str().unwrap().to_owned());
        // Live, without a reload: the count follows each ballot.
        b.wait_text("[data-k=ballots_cast]", &(i + 1).to_string(), 10)
            .await;
    }
    // Never contents while open.
    assert!(!b.body().await.contains("民生项目1"));
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !b.body().await.contains("正在计票") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the screen shows 正在计票"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.post(
        &format!("/api/v1/votes/{vote}/publish"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    b.wait(".screen-results").await;
    let shown = b.body().await;
    assert!(
        shown.contains("民生项目1") && shown.contains("赞成"),
        "{shown}"
    );

    // The public bulletin finds a receipt typed as the deputy copied it, in groups of four.
    b.goto(&format!("{}/votes/{vote}/bulletin", app.base)).await;
    let grouped: String = receipts[1]
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    b.fill("#find", &grouped).await;
    b.wait_text("#find-result", "找到了：您的选票已被计入。", 5)
        .await;
    let found = b
        .js("return document.querySelector('tr.found').dataset.receipt")
        .await;
    assert_eq!(found.as_str(), Some(receipts[1].as_str()));
    b.fill("#find", &"0".repeat(32)).await;
    b.wait_text("#find-result", "本页中没有这个回执码，请核对输入。", 5)
        .await;
}
