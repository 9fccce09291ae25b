//! The web pages over plain HTTP: login and the forced password change, the cookie and the
//! headers, a whole vote of each method from the pages, refusals in sentences with the marks kept,
//! role checks, CSRF, the display link, and the public results and bulletin.

use minsheng_tests::{
    ADMIN_PASSWORD, TestApp,
    pages::{Page, Visitor},
};
use reqwest::StatusCode;
use serde_json::json;

const DEPUTY_PASSWORD: &str = "deputy-password-1";

/// The username the test kit gives the `i`-th deputy it imported (codes `D0001`…).
async fn username_of(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.expect(200)["username"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn deputy_visitor(app: &TestApp, token: &str) -> Visitor {
    let username = username_of(app, token).await;
    Visitor::logged_in(&app.base, &username, DEPUTY_PASSWORD).await
}

#[track_caller]
fn assert_status(p: &Page, status: u16) {
    assert_eq!(p.status.as_u16(), status, "page: {}", p.html);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_time_password_must_be_changed_and_cookie_is_strict() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            json!({"deputy_code": "P001", "name": "王代表", "delegation": "城关代表团"}),
        )
        .await
        .expect(201);
    let username = created["username"].as_str().unwrap();
    let initial = created["initial_password"].as_str().unwrap();

    let mut wrong = Visitor::new(&app.base);
    let p = wrong
        .post("/login", &[("username", username), ("password", "not-it")])
        .await;
    assert_status(&p, 401);
    // The sentence, and the username kept in the form.
    p.assert_contains("用户名或密码不正确")
        .assert_contains(&format!(r#"value="{username}""#));
    assert!(wrong.cookie.is_none());

    let mut v = Visitor::logged_in(&app.base, username, initial).await;
    let flags = v.set_cookie.clone().unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(flags.contains(flag), "cookie {flags} lacks {flag}");
    }
    // Every page leads to the password change until it is done.
    let p = v.get("/d").await;
    assert_status(&p, 303);
    assert_eq!(p.location(), "/password");
    let form = v.get("/password").await;
    assert_status(&form, 200);
    form.assert_contains("一次性密码");
    let csrf = form.csrf();
    let p = v
        .post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current_password", initial),
                ("new_password", "a-new-password-1"),
                ("new_password_again", "a-new-password-2"),
            ],
        )
        .await;
    assert_status(&p, 422);
    p.assert_contains("两次输入的新密码不一致");
    let old_cookie = v.cookie.clone();
    let p = v
        .post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current_password", initial),
                ("new_password", "a-new-password-1"),
                ("new_password_again", "a-new-password-1"),
            ],
        )
        .await;
    assert_status(&p, 303);
    assert_eq!(p.location(), "/d");
    assert_ne!(v.cookie, old_cookie, "a new session after the change");
    assert_status(&v.get("/d").await, 200);
    // The session before the change has ended.
    let mut stale = Visitor::new(&app.base);
    stale.cookie = old_cookie;
    assert_eq!(stale.get("/d").await.location(), "/login?next=/d");
    // The new password works, the API agrees.
    app.login(username, "a-new-password-1").await;

    // Logout ends the session on the server, not only in the browser.
    let cookie = v.cookie.clone();
    let csrf = v.get("/d").await.csrf();
    assert_status(&v.post("/logout", &[("csrf", &csrf)]).await, 303);
    let mut replay = Visitor::new(&app.base);
    replay.cookie = cookie;
    assert_status(&replay.get("/d").await, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_send_strict_headers() {
    let app = TestApp::spawn().await;
    let mut v = Visitor::new(&app.base);
    let p = v.get("/login").await;
    assert_status(&p, 200);
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(part), "CSP {csp} lacks {part}");
    }
    assert_eq!(p.headers["cache-control"], "no-store");
    p.assert_contains(r#"<html lang="zh-CN">"#);
    // Assets are hashed, immutable, and from this host only.
    let css = p.html.split("href=\"/assets/").nth(1).unwrap();
    let css = &css[..css.find('"').unwrap()];
    let asset = v.get(&format!("/assets/{css}")).await;
    assert_status(&asset, 200);
    assert!(
        asset.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(!p.html.contains("http://") && !p.html.contains("https://"));
    assert_status(&v.get("/assets/app-000000000000.css").await, 404);
    // English on request, kept in a cookie.
    let p = v.get("/prefs?lang=en&next=/login").await;
    assert_eq!(p.location(), "/login");
    let lang = p.headers["set-cookie"].to_str().unwrap().to_owned();
    let mut en = Visitor::new(&app.base);
    en.cookie = Some(lang.split(';').next().unwrap().to_owned());
    en.get("/login")
        .await
        .assert_contains(r#"<html lang="en">"#)
        .assert_contains("Log in");
    // An open redirect is refused: only paths on this site.
    assert_eq!(
        v.get("/prefs?big=1&next=//evil.example").await.location(),
        "/"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_choose_up_to_n_vote_from_the_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "页面票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}),
        )
        .await;
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let page = office.get(&format!("/admin/votes/{vote}")).await;
    assert_status(&page, 200);
    let csrf = page.csrf();
    let opened = office
        .post(&format!("/admin/votes/{vote}/open"), &[("csrf", &csrf)])
        .await;
    assert_status(&opened, 303);

    let mut d1 = deputy_visitor(&app, &s.deputies[0].1).await;
    let home = d1.get("/d").await;
    home.assert_contains("已报到")
        .assert_contains(&format!("/d/votes/{vote}"));
    let ballot = d1.get(&format!("/d/votes/{vote}")).await;
    assert_status(&ballot, 200);
    ballot
        .assert_contains("最多选 <strong>2</strong>")
        .assert_contains("已选");
    assert_eq!(ballot.headers["cache-control"], "no-store");
    assert_eq!(ballot.values_of("selections"), p);
    let csrf = ballot.csrf();

    // Too many marks: a sentence, the marks kept, nothing cast.
    let too_many = d1
        .post(
            &format!("/d/votes/{vote}"),
            &[
                ("csrf", &csrf),
                ("action", "review"),
                ("selections", &p[0]),
                ("selections", &p[1]),
                ("selections", &p[2]),
            ],
        )
        .await;
    assert_status(&too_many, 422);
    too_many.assert_contains("超过了应选数");
    assert_eq!(too_many.html.matches(" checked>").count(), 3);

    // The review step says the ballot is not cast yet and carries the marks.
    let review = d1
        .post(
            &format!("/d/votes/{vote}"),
            &[("csrf", &csrf), ("action", "review"), ("selections", &p[0])],
        )
        .await;
    assert_status(&review, 200);
    review
        .assert_contains("您的选票尚未投出")
        .assert_contains("返回修改")
        .assert_contains("确认投票");
    assert_eq!(review.values_of("selections"), vec![p[0].clone()]);
    let turnout = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(turnout["ballots_cast"], 0, "the review casts nothing");

    // 返回修改 brings the ballot back with the marks.
    let back = d1
        .post(
            &format!("/d/votes/{vote}"),
            &[("csrf", &csrf), ("action", "edit"), ("selections", &p[0])],
        )
        .await;
    assert_status(&back, 200);
    assert_eq!(back.html.matches(" checked>").count(), 1);

    let cast = d1
        .post(
            &format!("/d/votes/{vote}/cast"),
            &[("csrf", &csrf), ("selections", &p[0])],
        )
        .await;
    assert_status(&cast, 200);
    cast.assert_contains("投票成功");
    assert_eq!(cast.headers["cache-control"], "no-store");
    let receipt = cast.html.split(r#"id="receipt">"#).nth(1).unwrap();
    let receipt = receipt[..receipt.find('<').unwrap()].to_owned();
    assert_eq!(
        receipt.len(),
        39,
        "32 hex digits in groups of four: {receipt}"
    );

    // A second press, or a retry after a dropped connection: 已投票, not an error page.
    let again = d1
        .post(
            &format!("/d/votes/{vote}/cast"),
            &[("csrf", &csrf), ("selections", &p[1])],
        )
        .await;
    assert_status(&again, 200);
    again.assert_contains("已投票").assert_lacks(&receipt);
    d1.get(&format!("/d/votes/{vote}"))
        .await
        .assert_contains("已投票");
    d1.get("/d").await.assert_contains("✔ 已投票");

    let mut d2 = deputy_visitor(&app, &s.deputies[1].1).await;
    let csrf2 = d2.get(&format!("/d/votes/{vote}")).await.csrf();
    assert_status(
        &d2.post(
            &format!("/d/votes/{vote}/cast"),
            &[
                ("csrf", &csrf2),
                ("selections", &p[0]),
                ("selections", &p[1]),
            ],
        )
        .await,
        200,
    );

    // The office sees the live count, closes and publishes from its pages.
    let page = office.get(&format!("/admin/votes/{vote}")).await;
    page.assert_contains(r#"data-k="ballots_cast">2<"#);
    let csrf = page.csrf();
    // Closing cannot be undone: the first press asks, with the turnout, and changes nothing.
    let asked = office
        .post(&format!("/admin/votes/{vote}/close"), &[("csrf", &csrf)])
        .await;
    assert_status(&asked, 200);
    asked
        .assert_contains("结束后不能再投票。目前已投票 2 人，实到 3 人。")
        .assert_contains(r#"name="confirm" value="yes""#);
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["status"], "open");
    assert_status(
        &office
            .post(
                &format!("/admin/votes/{vote}/close"),
                &[("csrf", &csrf), ("confirm", "yes")],
            )
            .await,
        303,
    );
    let closed = office.get(&format!("/admin/votes/{vote}")).await;
    closed
        .assert_contains("通过所需赞成票")
        .assert_contains("发布结果");
    // Not public before publication.
    let mut public = Visitor::new(&app.base);
    assert_status(&public.get(&format!("/votes/{vote}/results")).await, 409);
    office
        .post(&format!("/admin/votes/{vote}/publish"), &[("csrf", &csrf)])
        .await
        .assert_contains("发布后结果向社会公开");
    assert_status(
        &office
            .post(
                &format!("/admin/votes/{vote}/publish"),
                &[("csrf", &csrf), ("confirm", "yes")],
            )
            .await,
        303,
    );
    // Publishing twice is refused in a sentence that says why.
    let twice = office
        .post(
            &format!("/admin/votes/{vote}/publish"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_status(&twice, 409);
    twice.assert_contains("结果已经发布");
    let results = public.get(&format!("/votes/{vote}/results")).await;
    assert_status(&results, 200);
    // 3 on the roster: 2 yes needed; p0 has 2, p1 has 1.
    results
        .assert_contains("民生项目1")
        .assert_contains("★ 入选");
    let bulletin = public.get(&format!("/votes/{vote}/bulletin")).await;
    assert_status(&bulletin, 200);
    bulletin
        .assert_contains(&receipt)
        .assert_contains("核对回执");
    // A secret vote's bulletin lists receipts, not marks beside them.
    bulletin.assert_lacks("<th>民生项目1</th>");
    let notice = office
        .get(&format!("/admin/votes/{vote}/announcement"))
        .await;
    assert_status(&notice, 200);
    notice.assert_contains("公告").assert_contains("第1号");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yes_no_abstain_ballot_and_its_refusals() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "赞成反对弃权", "method": "yes_no_abstain", "seats": 1, "candidate_ids": p}),
        )
        .await;
    let mut d = deputy_visitor(&app, &s.deputies[0].1).await;
    let ballot = d.get(&format!("/d/votes/{vote}")).await;
    ballot.assert_contains("赞成不超过 <strong>1</strong>");
    for id in &p {
        ballot.assert_contains(&format!(r#"name="choices[{id}]" value="yes""#));
    }
    let csrf = ballot.csrf();
    let yes0 = format!("choices[{}]", p[0]);
    let yes1 = format!("choices[{}]", p[1]);
    let refused = d
        .post(
            &format!("/d/votes/{vote}/cast"),
            &[("csrf", &csrf), (&yes0, "yes"), (&yes1, "yes")],
        )
        .await;
    assert_status(&refused, 422);
    refused.assert_contains("超过了应选数");
    assert_eq!(refused.html.matches(r#"value="yes" checked"#).count(), 2);
    let review = d
        .post(
            &format!("/d/votes/{vote}"),
            &[
                ("csrf", &csrf),
                ("action", "review"),
                (&yes0, "yes"),
                (&yes1, "no"),
            ],
        )
        .await;
    review
        .assert_contains("您的选票尚未投出")
        .assert_contains("choice-yes")
        .assert_contains("choice-no");
    let cast = d
        .post(
            &format!("/d/votes/{vote}/cast"),
            &[("csrf", &csrf), (&yes0, "yes"), (&yes1, "no")],
        )
        .await;
    assert_status(&cast, 200);
    cast.assert_contains("投票成功");
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["ballots_cast"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deputy_not_checked_in_is_told_to_check_in_first() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "报到", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    app.put(
        &format!("/api/v1/sessions/{}/attendance", s.id),
        Some(&admin),
        json!({"deputy_ids": [s.deputies[2].0], "present": false}),
    )
    .await
    .expect(200);
    let mut d = deputy_visitor(&app, &s.deputies[2].1).await;
    let home = d.get("/d").await;
    home.assert_contains("请先报到").assert_contains("check-in");
    let ballot = d.get(&format!("/d/votes/{vote}")).await;
    ballot
        .assert_contains("您尚未报到")
        .assert_lacks(r#"name="selections""#);
    // Casting anyway is refused in a sentence; nothing is stored.
    let csrf = home.csrf();
    let refused = d
        .post(
            &format!("/d/votes/{vote}/cast"),
            &[("csrf", &csrf), ("selections", &p[0])],
        )
        .await;
    assert_status(&refused, 422);
    refused.assert_contains("您尚未报到");
    // Check in from the page, then the ballot is there.
    assert_status(
        &d.post(
            &format!("/d/sessions/{}/check-in", s.id),
            &[("csrf", &csrf)],
        )
        .await,
        303,
    );
    d.get("/d").await.assert_contains("已报到");
    d.get(&format!("/d/votes/{vote}"))
        .await
        .assert_contains(r#"name="selections""#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_csrf_and_display_links() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "权限", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;

    // No session: to the login page, coming back afterwards.
    let mut anon = Visitor::new(&app.base);
    let p0 = anon.get("/admin").await;
    assert_status(&p0, 303);
    assert_eq!(p0.location(), "/login?next=/admin");

    // A deputy cannot open the office console or act on a vote.
    let mut d = deputy_visitor(&app, &s.deputies[0].1).await;
    for path in [
        "/admin".to_owned(),
        format!("/admin/sessions/{}", s.id),
        format!("/admin/votes/{vote}"),
    ] {
        assert_status(&d.get(&path).await, 403);
    }
    let csrf = d.get("/d").await.csrf();
    assert_status(
        &d.post(&format!("/admin/votes/{vote}/close"), &[("csrf", &csrf)])
            .await,
        403,
    );
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["status"], "open");

    // The office's POSTs need this session's form token and a same-site origin.
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let csrf = office
        .get(&format!("/admin/sessions/{}", s.id))
        .await
        .csrf();
    let close = format!("/admin/votes/{vote}/close");
    assert_status(&office.post(&close, &[("csrf", "0")]).await, 403);
    assert_status(
        &office
            .post(&close, &[("csrf", &csrf), ("confirm", "yes")])
            .await,
        303,
    );
    // ... which another session's token is not.
    let other = d.get("/d").await.csrf();
    assert_ne!(other, csrf);
    let publish = format!("/admin/votes/{vote}/publish");
    assert_status(&office.post(&publish, &[("csrf", &other)]).await, 403);
    for headers in [
        [("sec-fetch-site", "cross-site")],
        [("origin", "http://evil.example")],
    ] {
        assert_status(
            &office
                .post_with(&publish, &[("csrf", &csrf), ("confirm", "yes")], &headers)
                .await,
            403,
        );
    }
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["status"], "closed", "the refused publish changed nothing");

    // A display link: counts and published results only, revocable.
    let created = office
        .post(
            &format!("/admin/sessions/{}/display-links", s.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_status(&created, 200);
    let link = created.html.split(r#"id="display-link">"#).nth(1).unwrap();
    let link = link[..link.find('<').unwrap()].replace("&#x3d;", "=");
    let screen = anon.get(&link).await;
    assert_status(&screen, 200);
    screen
        .assert_contains("应到")
        .assert_contains(r#"data-k="present">3<"#)
        .assert_contains("正在计票")
        .assert_lacks("民生项目1");
    let key = link.split("key=").nth(1).unwrap();
    assert_status(&anon.get(&format!("/screen/sessions/{}", s.id)).await, 404);
    assert_status(
        &anon
            .get(&format!("/screen/sessions/{}?key={}", s.id, "0".repeat(64)))
            .await,
        404,
    );
    // The key opens nothing else: not the office, not another session.
    assert_status(&anon.get(&format!("/admin?key={key}")).await, 303);
    assert_status(
        &anon
            .post(
                &format!("/admin/sessions/{}/display-links/revoke", s.id),
                &[("csrf", &csrf)],
            )
            .await,
        303,
    );
    assert_status(
        &office
            .post(
                &format!("/admin/sessions/{}/display-links/revoke", s.id),
                &[("csrf", &csrf)],
            )
            .await,
        303,
    );
    assert_status(&anon.get(&link).await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_streams_counts_as_ballots_arrive() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "大屏", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let csrf = office
        .get(&format!("/admin/sessions/{}", s.id))
        .await
        .csrf();
    let created = office
        .post(
            &format!("/admin/sessions/{}/display-links", s.id),
            &[("csrf", &csrf)],
        )
        .await;
    let link = created.html.split(r#"id="display-link">"#).nth(1).unwrap();
    let link = link[..link.find('<').unwrap()].replace("&#x3d;", "=");
    let events = link.replacen("?key", "/events?key", 1);
    let mut stream = app
        .client
        .get(format!("{}{}", app.base, events))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut seen = String::new();
    let mut cast = false;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while !seen.contains(r#""ballots_cast":1"#) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("an update within 15 s")
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if !cast && seen.contains(r#""ballots_cast":0"#) {
            app.post(
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(&s.deputies[0].1),
                json!({"selections": [p[0]]}),
            )
            .await
            .expect(201);
            cast = true;
        }
    }
    assert!(seen.contains("event: snapshot"));
    // Counts only: no candidate, no mark.
    assert!(!seen.contains(&p[0]) && !seen.contains("民生项目"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_satisfaction_rating_from_the_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}),
        )
        .await;
    for (_, token) in &s.deputies {
        app.post(
            &format!("/api/v1/votes/{vote}/ballots"),
            Some(token),
            json!({"selections": [p[0], p[1]]}),
        )
        .await
        .expect(201);
    }
    for step in ["close", "publish"] {
        app.post(
            &format!("/api/v1/votes/{vote}/{step}"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    }
    let round = app
        .post(
            &format!("/api/v1/sessions/{}/evaluations", s.id),
            Some(&admin),
            json!({"title": "满意度测评", "project_ids": [p[0], p[1]]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/evaluations/{round}/open"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);

    let mut d = deputy_visitor(&app, &s.deputies[0].1).await;
    d.get("/d")
        .await
        .assert_contains("满意度测评")
        .assert_contains(&format!("/d/ratings/{round}"));
    let form = d.get(&format!("/d/ratings/{round}")).await;
    assert_status(&form, 200);
    form.assert_contains("基本满意");
    let csrf = form.csrf();
    let r0 = format!("ratings[{}]", p[0]);
    let r1 = format!("ratings[{}]", p[1]);
    // One project left unrated: a sentence, the other rating kept.
    let partial = d
        .post(
            &format!("/d/ratings/{round}"),
            &[("csrf", &csrf), ("action", "review"), (&r0, "unsatisfied")],
        )
        .await;
    assert_status(&partial, 422);
    partial
        .assert_contains("还有项目没有评价")
        .assert_contains(r#"value="unsatisfied" checked"#);
    let review = d
        .post(
            &format!("/d/ratings/{round}"),
            &[
                ("csrf", &csrf),
                ("action", "review"),
                (&r0, "unsatisfied"),
                (&r1, "satisfied"),
            ],
        )
        .await;
    assert_status(&review, 200);
    review
        .assert_contains("您的选票尚未投出")
        .assert_contains("不满意");
    let cast = d
        .post(
            &format!("/d/ratings/{round}/cast"),
            &[("csrf", &csrf), (&r0, "unsatisfied"), (&r1, "satisfied")],
        )
        .await;
    assert_status(&cast, 200);
    cast.assert_contains("投票成功")
        .assert_contains(r#"id="receipt""#);
    let again = d
        .post(
            &format!("/d/ratings/{round}/cast"),
            &[("csrf", &csrf), (&r0, "satisfied"), (&r1, "satisfied")],
        )
        .await;
    assert_status(&again, 200);
    again.assert_contains("已投票");
    d.get(&format!("/d/ratings/{round}"))
        .await
        .assert_contains("已投票");
    let view = app
        .get(&format!("/api/v1/evaluations/{round}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(view["ballots_cast"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_without_quorum_says_the_numbers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 3).await;
    let p = app.projects(&admin, 2).await;
    let vote = app
        .draft_vote(
            &admin,
            &s.id,
            json!({"title": "法定人数", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    let absent: Vec<&String> = s.deputies.iter().take(2).map(|(d, _)| d).collect();
    app.put(
        &format!("/api/v1/sessions/{}/attendance", s.id),
        Some(&admin),
        json!({"deputy_ids": absent, "present": false}),
    )
    .await
    .expect(200);
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let csrf = office.get(&format!("/admin/votes/{vote}")).await.csrf();
    let refused = office
        .post(&format!("/admin/votes/{vote}/open"), &[("csrf", &csrf)])
        .await;
    assert_status(&refused, 409);
    refused.assert_contains("不足法定人数：实到 1 人，应到 3 人，开始投票至少需要 2 人");
    let v = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(v["status"], "draft");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_not_cached_and_swagger_ui_cannot_be_framed() {
    let app = TestApp::spawn().await;
    let r = app.try_login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(r.headers["cache-control"], "no-store");
    let mut v = Visitor::new(&app.base);
    let docs = v.get("/docs/").await;
    assert_status(&docs, 200);
    let csp = docs.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(docs.headers["x-frame-options"], "DENY");
}
