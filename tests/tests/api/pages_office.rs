//! The congress office's console pages over plain HTTP: deputies (add one, CSV import in UTF-8 and
//! GBK, the sheet of login slips), sessions, projects with their materials in 万元, vote drafts;
//! every refusal is a sentence with the office's input kept; a deputy is refused every page.

use minsheng_tests::{
    TestApp,
    pages::{Page, Visitor},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[track_caller]
fn assert_status(p: &Page, status: u16) {
    assert_eq!(p.status.as_u16(), status, "page: {}", p.html);
}

async fn office(app: &TestApp) -> Visitor {
    Visitor::logged_in(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD).await
}

/// The text of the first element whose opening tag ends with `marker`, after `from`.
fn text_after<'a>(html: &'a str, marker: &str, from: usize) -> Option<(&'a str, usize)> {
    let start = html[from..].find(marker)? + from + marker.len();
    let end = html[start..].find('<')? + start;
    Some((&html[start..end], end))
}

/// Per slip: username and one-time password, in page order.
fn slips(p: &Page) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((user, next)) = text_after(&p.html, r#"<dd class="mono">"#, at) {
        let (password, next) =
            text_after(&p.html, r#"<dd class="mono slip-password">"#, next).expect("password");
        // The third `mono` field of a slip is the address: skip it.
        let (_, next) = text_after(&p.html, r#"<dd class="mono">"#, next).expect("address");
        out.push((user.to_owned(), password.to_owned()));
        at = next;
    }
    out
}

/// Posts a file as the import form does (multipart), with the visitor's cookie.
async fn upload(app: &TestApp, v: &Visitor, csrf: &str, file: &[u8]) -> Page {
    let boundary = "----minsheng-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"代表.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = reqwest::Client::new()
        .post(format!("{}/admin/deputies/import", app.base))
        .header("sec-fetch-site", "same-origin")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if let Some(c) = &v.cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.expect("upload sent");
    Page {
        status: resp.status(),
        headers: resp.headers().clone(),
        html: resp.text().await.unwrap_or_default(),
    }
}

/// Posts owned form pairs.
async fn post(v: &mut Visitor, path: String, form: Vec<(&'static str, String)>) -> Page {
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, x)| (*k, x.as_str())).collect();
    v.post(&path, &refs).await
}

async fn deputy_total(app: &TestApp, admin: &str) -> u64 {
    app.get("/api/v1/deputies?limit=1", Some(admin))
        .await
        .expect(200)["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deputies_are_added_and_imported_with_printable_slips() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut v = office(&app).await;
    let list = v.get("/admin/deputies").await;
    assert_status(&list, 200);
    list.assert_contains(r#"href="/admin/projects""#)
        .assert_contains(r#"enctype="multipart/form-data""#);
    let csrf = list.csrf();

    // One deputy: the slip carries the one-time password, which logs in once.
    let p = v
        .post(
            "/admin/deputies",
            &[
                ("csrf", &csrf),
                ("deputy_code", "Q001"),
                ("name", "张代表"),
                ("delegation", "城关代表团"),
                ("username", ""),
            ],
        )
        .await;
    assert_status(&p, 200);
    assert_eq!(
        p.headers.get("cache-control").unwrap(),
        "no-store",
        "the slips are never cached"
    );
    p.assert_contains("张代表")
        .assert_contains("城关代表团")
        .assert_contains("<svg")
        .assert_contains(&format!("{}/", app.base))
        .assert_lacks("<?xml");
    let made = slips(&p);
    assert_eq!(made.len(), 1, "{}", p.html);
    assert_eq!(made[0].0, "q001");
    let first = app.try_login("q001", &made[0].1).await.expect(200);
    assert_eq!(
        first["account"]["must_change_password"],
        json!(true),
        "{first}"
    );

    // The same code again: a sentence, 409, and what the office typed is kept.
    let p = v
        .post(
            "/admin/deputies",
            &[
                ("csrf", &csrf),
                ("deputy_code", "Q001"),
                ("name", "李代表"),
                ("delegation", "东城代表团"),
            ],
        )
        .await;
    assert_status(&p, 409);
    p.assert_contains(r#"<p class="alert" role="alert">代表编号已存在"#)
        .assert_contains(r#"value="李代表""#)
        .assert_contains(r#"value="东城代表团""#);
    // A bad code: 422 and the rule in words.
    let p = v
        .post(
            "/admin/deputies",
            &[
                ("csrf", &csrf),
                ("deputy_code", "x"),
                ("name", "李代表"),
                ("delegation", "东城代表团"),
            ],
        )
        .await;
    assert_status(&p, 422);
    p.assert_contains("代表编号须为 3 至 32 个字符")
        .assert_contains(r#"value="x""#);
    // Without the form token nothing happens.
    let p = v
        .post(
            "/admin/deputies",
            &[
                ("deputy_code", "Q009"),
                ("name", "某"),
                ("delegation", "某"),
            ],
        )
        .await;
    assert_status(&p, 403);
    assert_eq!(deputy_total(&app, &admin).await, 1);

    // A UTF-8 file with a Chinese header.
    let p = upload(
        &app,
        &v,
        &csrf,
        "代表编号,姓名,代表团,用户名\nU001,王一,南城代表团,\nU002,王二,南城代表团,wanger\n"
            .as_bytes(),
    )
    .await;
    assert_status(&p, 200);
    p.assert_contains("王一").assert_contains("王二");
    let made = slips(&p);
    assert_eq!(
        made.iter().map(|(u, _)| u.as_str()).collect::<Vec<_>>(),
        ["u001", "wanger"]
    );
    app.try_login("wanger", &made[1].1).await.expect(200);

    // The same in GBK, as Excel saves it on a Chinese Windows: 代表编号,姓名,代表团 / 张三 / 李四.
    let gbk: &[u8] =
        b"\xb4\xfa\xb1\xed\xb1\xe0\xba\xc5,\xd0\xd5\xc3\xfb,\xb4\xfa\xb1\xed\xcd\xc5\n\
        G001,\xd5\xc5\xc8\xfd,\xb3\xc7\xb9\xd8\xb4\xfa\xb1\xed\xcd\xc5\n\
        G002,\xc0\xee\xcb\xc4,\xb6\xab\xb3\xc7\xb4\xfa\xb1\xed\xcd\xc5\n";
    let p = upload(&app, &v, &csrf, gbk).await;
    assert_status(&p, 200);
    p.assert_contains("张三")
        .assert_contains("李四")
        .assert_contains("城关代表团");
    assert_eq!(slips(&p).len(), 2);
    assert_eq!(deputy_total(&app, &admin).await, 5);

    // A bad row: the sentence names it, and nothing of the file is stored.
    let p = upload(
        &app,
        &v,
        &csrf,
        "代表编号,姓名,代表团\nB001,甲,北城\nB002,,北城\n".as_bytes(),
    )
    .await;
    assert_status(&p, 422);
    p.assert_contains("第 3 行：姓名不能为空");
    assert_eq!(deputy_total(&app, &admin).await, 5);
    // No file chosen; a file that is neither UTF-8 nor GBK.
    upload(&app, &v, &csrf, b"")
        .await
        .assert_contains("请选择要导入的 CSV 文件");
    let p = upload(&app, &v, &csrf, b"\xff\xfe\xff,\x81\n").await;
    assert_status(&p, 422);
    p.assert_contains("不是 UTF-8 或 GBK");
    // The list shows everyone.
    v.get("/admin/deputies")
        .await
        .assert_contains("G002")
        .assert_contains("李四")
        .assert_contains("王二")
        .assert_lacks(&made[1].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_projects_and_vote_drafts_from_the_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut v = office(&app).await;
    let home = v.get("/admin").await;
    assert_status(&home, 200);
    home.assert_contains(r#"action="/admin/sessions""#);
    let csrf = home.csrf();

    // A session: a bad year keeps the name; a good one goes to the session's page.
    let p = v
        .post(
            "/admin/sessions",
            &[
                ("csrf", &csrf),
                ("name", "县第十八届人大第六次会议"),
                ("year", "明年"),
            ],
        )
        .await;
    assert_status(&p, 422);
    p.assert_contains("年度须在 2000 至 2100 之间")
        .assert_contains(r#"value="县第十八届人大第六次会议""#)
        .assert_contains(r#"value="明年""#);
    let p = v
        .post(
            "/admin/sessions",
            &[
                ("csrf", &csrf),
                ("name", "县第十八届人大第六次会议"),
                ("year", "2027"),
            ],
        )
        .await;
    assert_status(&p, 303);
    let session = p
        .location()
        .strip_prefix("/admin/sessions/")
        .expect("to the session")
        .to_owned();
    let s = app
        .get(&format!("/api/v1/sessions/{session}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(s["name"], "县第十八届人大第六次会议");
    assert_eq!(s["year"], 2027);
    v.get(&format!("/admin/sessions/{session}"))
        .await
        .assert_contains(&format!("/admin/sessions/{session}/votes/new"));

    // A project, budget typed in 万元.
    let form = v.get("/admin/projects/new").await;
    assert_status(&form, 200);
    let project = |title: &'static str, budget: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", title.to_owned()),
            ("summary", "新建和改造城区公厕 30 座".to_owned()),
            ("category", "城乡建设".to_owned()),
            ("department", "县住建局".to_owned()),
            ("budget_wan", budget.to_owned()),
            ("year", "2027".to_owned()),
            ("source", "public".to_owned()),
            ("planned_completion", "2027-11-30".to_owned()),
        ]
    };
    let p = post(
        &mut v,
        "/admin/projects".into(),
        project("城区公厕改造", "-3"),
    )
    .await;
    assert_status(&p, 422);
    p.assert_contains("预算须为不小于 0 的数字")
        .assert_contains(r#"value="城区公厕改造""#)
        .assert_contains(r#"value="-3""#)
        .assert_contains("新建和改造城区公厕 30 座</textarea>");
    let p = post(
        &mut v,
        "/admin/projects".into(),
        project("城区公厕改造", "1,234.5"),
    )
    .await;
    assert_status(&p, 303);
    assert_eq!(p.location(), "/admin/projects");
    let listed = app.get("/api/v1/projects", Some(&admin)).await.expect(200);
    let first = &listed["items"][0];
    assert_eq!(first["budget_yuan"], 12_345_000);
    assert_eq!(first["planned_completion"], "2027-11-30");
    assert_eq!(first["department"], "县住建局");
    let id = first["id"].as_str().unwrap().to_owned();
    v.get("/admin/projects")
        .await
        .assert_contains("城区公厕改造")
        .assert_contains("1,234.5");

    // Editing the materials: the form shows them back; a blank title is refused and kept blank.
    let edit = v.get(&format!("/admin/projects/{id}")).await;
    assert_status(&edit, 200);
    edit.assert_contains(r#"value="1234.5""#)
        .assert_contains(r#"value="2027-11-30""#);
    let p = post(&mut v, format!("/admin/projects/{id}"), project(" ", "80")).await;
    assert_status(&p, 422);
    p.assert_contains("标题不能为空")
        .assert_contains(r#"value="80""#);
    let p = post(
        &mut v,
        format!("/admin/projects/{id}"),
        project("城区公厕新建改造", "80"),
    )
    .await;
    assert_status(&p, 303);
    let got = app
        .get(&format!("/api/v1/projects/{id}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(got["title"], "城区公厕新建改造");
    assert_eq!(got["budget_yuan"], 800_000);

    // A vote draft from the session's page: too few candidates is refused with the marks kept.
    for (title, budget) in [("老旧小区加装电梯", "500"), ("农村饮水提升", "300")] {
        let p = post(&mut v, "/admin/projects".into(), project(title, budget)).await;
        assert_status(&p, 303);
    }
    let ids: Vec<String> = app.get("/api/v1/projects", Some(&admin)).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    let new = v.get(&format!("/admin/sessions/{session}/votes/new")).await;
    assert_status(&new, 200);
    assert_eq!(new.values_of("candidate_ids").len(), 3);
    let mut draft = vec![
        ("csrf", csrf.clone()),
        ("title", "2027年民生实事项目票决".to_owned()),
        ("method", "yes_no_abstain".to_owned()),
        ("seats", "2".to_owned()),
        ("threshold_base", "present".to_owned()),
        ("candidate_ids", ids[0].clone()),
        ("candidate_ids", ids[1].clone()),
    ];
    let p = post(
        &mut v,
        format!("/admin/sessions/{session}/votes"),
        draft.clone(),
    )
    .await;
    assert_status(&p, 422);
    p.assert_contains("候选项目须多于应选数")
        .assert_contains(r#"value="2027年民生实事项目票决""#)
        .assert_contains(&format!(r#"value="{}" checked"#, ids[0]))
        .assert_contains(&format!(r#"value="{}" checked"#, ids[1]))
        .assert_lacks(&format!(r#"value="{}" checked"#, ids[2]))
        .assert_contains(r#"value="yes_no_abstain" checked"#)
        .assert_contains(r#"value="present" selected"#);
    draft.push(("candidate_ids", ids[2].clone()));
    let p = post(
        &mut v,
        format!("/admin/sessions/{session}/votes"),
        draft.clone(),
    )
    .await;
    assert_status(&p, 303);
    let vote = p
        .location()
        .strip_prefix("/admin/votes/")
        .expect("to the vote")
        .to_owned();
    let got: Value = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(got["method"], "yes_no_abstain");
    assert_eq!(got["seats"], 2);
    assert_eq!(got["threshold_base"], "present");
    assert_eq!(got["secret"], false, "the box was left unticked");
    assert_eq!(got["candidates"].as_array().unwrap().len(), 3);

    // Editing the draft.
    let edit = v.get(&format!("/admin/votes/{vote}/edit")).await;
    assert_status(&edit, 200);
    edit.assert_contains(r#"value="2""#);
    let mut change = draft.clone();
    change[3] = ("seats", "1".to_owned());
    change[4] = ("threshold_base", "all_deputies".to_owned());
    change.push(("secret", "true".to_owned()));
    let p = post(&mut v, format!("/admin/votes/{vote}/edit"), change.clone()).await;
    assert_status(&p, 303);
    let got = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(got["seats"], 1);
    assert_eq!(got["threshold_base"], "all_deputies");
    assert_eq!(got["secret"], true);
    change[3] = ("seats", "零".to_owned());
    let p = post(&mut v, format!("/admin/votes/{vote}/edit"), change).await;
    assert_status(&p, 422);
    p.assert_contains("应选数须为不小于 1 的整数")
        .assert_contains(r#"value="零""#);
    v.get(&format!("/admin/votes/{vote}"))
        .await
        .assert_contains(&format!("/admin/votes/{vote}/edit"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deputy_is_refused_every_office_page() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let setup = app.session_with(&admin, 1).await;
    let project = app.project(&admin, "城区公厕改造").await;
    let projects = app.projects(&admin, 2).await;
    let vote = app
        .draft_vote(
            &admin,
            &setup.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1,
                   "candidate_ids": [project, projects[0]]}),
        )
        .await;
    let username = app
        .get("/api/v1/me", Some(&setup.deputies[0].1))
        .await
        .expect(200)["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut d = Visitor::logged_in(&app.base, &username, "deputy-password-1").await;
    for path in [
        "/admin/deputies".to_owned(),
        "/admin/projects".to_owned(),
        "/admin/projects/new".to_owned(),
        format!("/admin/projects/{project}"),
        format!("/admin/sessions/{}/votes/new", setup.id),
        format!("/admin/votes/{vote}/edit"),
    ] {
        let p = d.get(&path).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}: {}", p.html);
        p.assert_contains("无权");
    }
    // With the deputy's own valid form token, every office form is refused too.
    let csrf = d.get("/d").await.csrf();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/admin/deputies".into(),
            vec![
                ("deputy_code", "Z001"),
                ("name", "某"),
                ("delegation", "某"),
            ],
        ),
        (
            "/admin/sessions".into(),
            vec![("name", "会议"), ("year", "2027")],
        ),
        (
            "/admin/projects".into(),
            vec![
                ("title", "项目"),
                ("category", "民生"),
                ("department", "县局"),
                ("budget_wan", "1"),
                ("year", "2027"),
                ("source", "public"),
            ],
        ),
        (
            format!("/admin/projects/{project}"),
            vec![
                ("title", "改名"),
                ("category", "民生"),
                ("department", "县局"),
                ("budget_wan", "1"),
                ("year", "2027"),
                ("source", "public"),
            ],
        ),
        (
            format!("/admin/sessions/{}/votes", setup.id),
            vec![
                ("title", "票决"),
                ("method", "choose_up_to_n"),
                ("seats", "1"),
                ("threshold_base", "all_deputies"),
                ("candidate_ids", projects[1].as_str()),
                ("candidate_ids", projects[0].as_str()),
            ],
        ),
        (
            format!("/admin/votes/{vote}/edit"),
            vec![
                ("title", "改名"),
                ("method", "choose_up_to_n"),
                ("seats", "1"),
                ("threshold_base", "all_deputies"),
            ],
        ),
    ];
    for (path, mut form) in posts {
        form.push(("csrf", csrf.as_str()));
        let p = d.post(&path, &form).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}: {}", p.html);
    }
    let p = upload(
        &app,
        &d,
        &csrf,
        "代表编号,姓名,代表团\nZ002,某,某\n".as_bytes(),
    )
    .await;
    assert_status(&p, 403);
    // Nothing changed.
    assert_eq!(deputy_total(&app, &admin).await, 1);
    let got = app
        .get(&format!("/api/v1/projects/{project}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(got["title"], "城区公厕改造");
    let got = app
        .get(&format!("/api/v1/votes/{vote}"), Some(&admin))
        .await
        .expect(200);
    assert_eq!(got["title"], "票决");
    assert_eq!(
        app.get("/api/v1/sessions", Some(&admin)).await.expect(200)["total"],
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roster_is_replaced_from_the_page_until_a_vote_opens() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let setup = app.session_with(&admin, 3).await;
    let others = app.deputies(&admin, 1).await;
    let mut v = office(&app).await;
    let page = v.get(&format!("/admin/sessions/{}/roster", setup.id)).await;
    assert_status(&page, 200);
    for (id, _) in &setup.deputies {
        page.assert_contains(&format!(r#"value="{id}" checked"#));
    }
    page.assert_lacks(&format!(r#"value="{}" checked"#, others[0].0));
    let csrf = page.csrf();
    // Two of the three, plus the fourth.
    let form = vec![
        ("csrf", csrf.clone()),
        ("deputy_ids", setup.deputies[0].0.clone()),
        ("deputy_ids", setup.deputies[1].0.clone()),
        ("deputy_ids", others[0].0.clone()),
    ];
    let p = post(
        &mut v,
        format!("/admin/sessions/{}/roster", setup.id),
        form.clone(),
    )
    .await;
    assert_status(&p, 303);
    let s = app
        .get(&format!("/api/v1/sessions/{}", setup.id), Some(&admin))
        .await
        .expect(200);
    assert_eq!(s["roster_size"], 3);
    let roster = app
        .get(
            &format!("/api/v1/sessions/{}/roster", setup.id),
            Some(&admin),
        )
        .await
        .expect(200);
    let text = roster.to_string();
    assert!(
        text.contains(&others[0].0) && !text.contains(&setup.deputies[2].0),
        "{text}"
    );

    // Once a vote has opened, the roster is fixed: the sentence, and the ticks kept.
    let projects = app.projects(&admin, 2).await;
    app.open_vote(
        &admin,
        &setup.id,
        json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": projects}),
    )
    .await;
    let mut form = form;
    form.push(("deputy_ids", setup.deputies[2].0.clone()));
    let p = post(&mut v, format!("/admin/sessions/{}/roster", setup.id), form).await;
    assert_status(&p, 409);
    p.assert_contains(r#"<p class="alert" role="alert">本次会议已开始表决"#)
        .assert_contains(&format!(r#"value="{}" checked"#, setup.deputies[2].0));
    // A deputy may not see it.
    let username = app
        .get("/api/v1/me", Some(&setup.deputies[0].1))
        .await
        .expect(200)["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut d = Visitor::logged_in(&app.base, &username, "deputy-password-1").await;
    let p = d.get(&format!("/admin/sessions/{}/roster", setup.id)).await;
    assert_status(&p, 403);
}
