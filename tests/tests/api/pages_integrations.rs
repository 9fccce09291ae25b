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

/// A suggestion on the pages: a deputy submits it with a co-signer (a wrong code refused with the
/// text kept), the co-signer confirms, the office assigns it, the unit answers, the deputies give
/// their feedback; each sees it on their own list with its deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suggestion_through_the_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputies = app.deputies(&admin, 2).await;
    app.department(&admin, "zjj-p", "县住建局").await;
    let mut lead = Visitor::logged_in(&app.base, "d0001", "deputy-password-1").await;
    let page = lead.get("/d/suggestions").await;
    assert_eq!(page.status, 200, "{}", page.html);
    page.assert_contains("提出新的建议");
    let csrf = page.csrf();
    let refused = lead
        .post(
            "/d/suggestions",
            &[
                ("csrf", &csrf),
                ("kind", "suggestion"),
                ("title", "关于增设公交站点的建议"),
                ("content", "城东新区缺少公交站点。"),
                ("cosigners", "D0002 D9999"),
            ],
        )
        .await;
    refused
        .assert_contains("附议代表的编号有误")
        .assert_contains("value=\"关于增设公交站点的建议\"")
        .assert_contains("城东新区缺少公交站点。")
        .assert_contains("value=\"D0002 D9999\"");
    let sent = lead
        .post(
            "/d/suggestions",
            &[
                ("csrf", &csrf),
                ("kind", "suggestion"),
                ("title", "关于增设公交站点的建议"),
                ("content", "城东新区缺少公交站点。"),
                ("cosigners", "d0002"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    lead.get("/d/suggestions")
        .await
        .assert_contains("等待附议代表确认")
        .assert_contains("未确认");
    let id = app
        .get("/api/v1/suggestions", Some(&admin))
        .await
        .expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut co = Visitor::logged_in(&app.base, "d0002", "deputy-password-1").await;
    let mine = co.get("/d/suggestions").await;
    mine.assert_contains("确认附议");
    let csrf2 = mine.csrf();
    assert_eq!(
        co.post(&format!("/d/suggestions/{id}/confirm"), &[("csrf", &csrf2)])
            .await
            .status,
        303
    );
    let mut office = Visitor::logged_in(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD).await;
    let intake = office.get("/admin/suggestions").await;
    intake
        .assert_contains("已收到，待交办")
        .assert_contains("个工作日");
    let csrf3 = intake.csrf();
    assert_eq!(
        office
            .post(
                &format!("/admin/suggestions/{id}/assign"),
                &[
                    ("csrf", &csrf3),
                    ("lead_unit", "县住建局"),
                    ("co_units", "")
                ]
            )
            .await
            .status,
        303
    );
    let mut unit = Visitor::logged_in(&app.base, "zjj-p", "department-pw-1").await;
    let todo = unit.get("/dept/suggestions").await;
    todo.assert_contains("已交办，办理中")
        .assert_contains("应在");
    let csrf4 = todo.csrf();
    assert_eq!(
        unit.post(
            &format!("/dept/suggestions/{id}/answer"),
            &[
                ("csrf", &csrf4),
                ("result_class", "A"),
                ("content", "已增设两处站点。"),
                ("official", "王局长")
            ]
        )
        .await
        .status,
        303
    );
    for v in [&mut lead, &mut co] {
        let p = v.get("/d/suggestions").await;
        p.assert_contains("已答复，请反馈意见")
            .assert_contains("已增设两处站点。");
        let csrf = p.csrf();
        assert_eq!(
            v.post(
                &format!("/d/suggestions/{id}/feedback"),
                &[
                    ("csrf", &csrf),
                    ("attitude", "satisfied"),
                    ("result", "satisfied"),
                    ("note", "")
                ]
            )
            .await
            .status,
            303
        );
    }
    lead.get("/d/suggestions").await.assert_contains("办结");
    office
        .get("/admin/suggestions")
        .await
        .assert_contains("年各承办单位办理情况")
        .assert_contains("<td>县住建局</td>");
    // Not public until the office publishes it; then found by a word, with its answer.
    let mut public = Visitor::new(&app.base);
    public
        .get("/suggestions?q=公交")
        .await
        .assert_lacks("增设公交站点");
    let closed = office.get("/admin/suggestions").await;
    let csrf5 = closed.csrf();
    assert_eq!(
        office
            .post(
                &format!("/admin/suggestions/{id}/publish"),
                &[("csrf", &csrf5)]
            )
            .await
            .status,
        303
    );
    public
        .get("/suggestions?q=公交")
        .await
        .assert_contains("关于增设公交站点的建议")
        .assert_contains("已增设两处站点。")
        .assert_contains("县住建局");
    public
        .get("/suggestions?q=电梯")
        .await
        .assert_lacks("增设公交站点")
        .assert_contains("没有找到已公开的建议");
    let _ = deputies;
}

/// The steps around an answer, on the pages: a unit asks for more time (a wrong date is refused in
/// a sentence with the reason kept), the office approves; a co-unit sends its opinion; the answer
/// carries promises typed one per line (a bad line refused, the text kept); the 督办 list shows the
/// promise until the unit marks it kept; the yearly report counts it; the deputy withdraws another.
#[tokio::test]
async fn suggestion_handling_through_the_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputies = app.deputies(&admin, 1).await;
    app.department(&admin, "zjj-q", "县住建局").await;
    app.department(&admin, "czj-q", "县财政局").await;
    let new =
        json!({"kind": "suggestion", "title": "关于整治背街小巷的建议", "content": "路面破损。"});
    let id = app
        .post("/api/v1/suggestions", Some(&deputies[0].1), new)
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/suggestions/{id}/assign"),
        Some(&admin),
        json!({"lead_unit": "县住建局", "co_units": ["县财政局"]}),
    )
    .await
    .expect(200);

    // The lead unit asks for more time: a date that is not a date is refused, the reason kept.
    let mut unit = Visitor::logged_in(&app.base, "zjj-q", "department-pw-1").await;
    let todo = unit.get("/dept/suggestions").await;
    todo.assert_contains("申请延期答复")
        .assert_contains("会办意见应在");
    let csrf = todo.csrf();
    let act = |a: &str| format!("/dept/suggestions/{id}/{a}");
    let refused = unit
        .post(
            &act("ask_extension"),
            &[
                ("csrf", &csrf),
                ("until", "明年三月"),
                ("reason", "资金待省里下达"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused
        .assert_contains("日期")
        .assert_contains("资金待省里下达");
    let until = minsheng_domain::calendar::add_months(minsheng_domain::clock::today(), 4);
    let asked = unit
        .post(
            &act("ask_extension"),
            &[
                ("csrf", &csrf),
                ("until", &until.to_string()),
                ("reason", "资金待省里下达"),
            ],
        )
        .await;
    assert_eq!(asked.status, 303);
    unit.get("/dept/suggestions")
        .await
        .assert_contains("待审批")
        .assert_lacks("申请延期答复</summary>");
    let mut office = Visitor::logged_in(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD).await;
    let page = office.get("/admin/suggestions").await;
    page.assert_contains("资金待省里下达");
    let rid = app
        .get(&format!("/api/v1/suggestions/{id}"), Some(&admin))
        .await
        .expect(200)["requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approved = office
        .post(
            &format!("/admin/suggestions/{id}/decide"),
            &[
                ("csrf", &page.csrf()),
                ("request", &rid),
                ("approve", "1"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(approved.status, 303);
    unit.get("/dept/suggestions")
        .await
        .assert_contains(&format!("应在 {until} 前答复"))
        .assert_contains("已同意");

    // The co-unit's opinion reaches the lead unit.
    let mut co = Visitor::logged_in(&app.base, "czj-q", "department-pw-1").await;
    let p = co.get("/dept/suggestions").await;
    assert_eq!(
        co.post(
            &format!("/dept/suggestions/{id}/opinion"),
            &[("csrf", &p.csrf()), ("content", "同意安排资金200万元。")]
        )
        .await
        .status,
        303
    );
    let p = unit.get("/dept/suggestions").await;
    p.assert_contains("同意安排资金200万元。");

    // The answer's promises, one per line; a line without a date is refused, all kept.
    let by = minsheng_domain::clock::today() + chrono::Duration::days(30);
    let refused = unit
        .post(
            &act("answer"),
            &[
                ("csrf", &p.csrf()),
                ("result_class", "B"),
                ("content", "已列入年度计划。"),
                ("official", "王局长"),
                ("promises", "年底前完成主巷修补"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused
        .assert_contains("承诺事项的格式不对")
        .assert_contains("已列入年度计划。")
        .assert_contains("年底前完成主巷修补");
    let lines = format!("{by} 完成主巷修补\n");
    let answered = unit
        .post(
            &act("answer"),
            &[
                ("csrf", &p.csrf()),
                ("result_class", "B"),
                ("content", "已列入年度计划。"),
                ("official", "王局长"),
                ("promises", &lines),
            ],
        )
        .await;
    assert_eq!(answered.status, 303);
    let board = unit.get("/dept/suggestions/supervision").await;
    board
        .assert_contains("未兑现的承诺（1）")
        .assert_contains("完成主巷修补")
        .assert_contains("还有 30 天");
    let p = unit.get("/dept/suggestions").await;
    let answer_id = app
        .get(&format!("/api/v1/suggestions/{id}"), Some(&admin))
        .await
        .expect(200)["answers"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = minsheng_domain::clock::today().to_string();
    assert_eq!(
        unit.post(
            &act("keep"),
            &[
                ("csrf", &p.csrf()),
                ("answer", &answer_id),
                ("idx", "0"),
                ("kept_on", &today),
                ("note", "主巷已修补完毕")
            ]
        )
        .await
        .status,
        303
    );
    unit.get("/dept/suggestions/supervision")
        .await
        .assert_contains("未兑现的承诺（0）");
    unit.get("/dept/suggestions")
        .await
        .assert_contains("主巷已修补完毕");
    // A deputy has no 督办 list.
    let mut deputy = Visitor::logged_in(&app.base, "d0001", "deputy-password-1").await;
    assert_eq!(
        deputy.get("/admin/suggestions/supervision").await.status,
        403
    );

    // The yearly report counts the answer, class B, on time.
    office
        .get("/admin/suggestions/report")
        .await
        .assert_contains("年代表建议办理情况报告")
        .assert_contains("已答复 1 件，其中按期答复 1 件")
        .assert_contains("B 类 1 件")
        .assert_contains("关于整治背街小巷的建议");

    // The deputy withdraws a second suggestion of their own before it is answered.
    let p = deputy.get("/d/suggestions").await;
    let withdrawn = deputy
        .post(
            "/d/suggestions",
            &[
                ("csrf", &p.csrf()),
                ("kind", "opinion"),
                ("title", "关于路灯的意见"),
                ("content", "路灯不亮。"),
                ("cosigners", ""),
            ],
        )
        .await;
    assert_eq!(withdrawn.status, 303);
    let second = app
        .get("/api/v1/suggestions", Some(&admin))
        .await
        .expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = deputy.get("/d/suggestions").await;
    p.assert_contains("撤回这件建议");
    assert_eq!(
        deputy
            .post(
                &format!("/d/suggestions/{second}/withdraw"),
                &[("csrf", &p.csrf())]
            )
            .await
            .status,
        303
    );
    deputy.get("/d/suggestions").await.assert_contains("已撤回");
}
