//! The year after the vote in a real browser: the public board at phone and desk width with its
//! colour words and filters; a department reporting progress; a supervision group member
//! recording an inspection and raising a problem, the department's rectification and the
//! member's verification; and a rating round from the office's desk and the deputy's phone to the
//! published grades on the big screen and the project's page.
//!
//! Each test holds one browser at a time (the suite allows two at once), switching accounts by
//! clearing cookies. With `MINSHENG_SHOTS=<dir>` set, the tests save screenshots of what they saw.

use fantoccini::Locator;
use minsheng_tests::{
    TestApp,
    browser::{Browser, Screen},
};
use serde_json::json;

const DEPUTY_PASSWORD: &str = "deputy-password-1";
const DEPARTMENT_PASSWORD: &str = "department-pw-1";

struct Year {
    admin: String,
    session: String,
    /// Adopted: p[0], p[1] (县住建局), p[2] (县交通运输局); a fourth candidate went to the reserve.
    p: Vec<String>,
    /// Per deputy: id and token; all present.
    deputies: Vec<(String, String)>,
}

async fn department(app: &TestApp, admin: &str, username: &str, department: &str) {
    let created = app
        .post("/api/v1/accounts", Some(admin), json!({"username": username, "display_name": department, "role": "department", "department": department}))
        .await
        .expect(201);
    let first = app
        .login(username, created["initial_password"].as_str().unwrap())
        .await;
    app.put(
        "/api/v1/me/password",
        Some(&first.access),
        json!({"current_password": created["initial_password"], "new_password": DEPARTMENT_PASSWORD}),
    )
    .await
    .expect(200);
}

/// Three projects voted in (two of 县住建局, one of 县交通运输局), both departments' accounts.
async fn adopted_year(app: &TestApp) -> Year {
    let admin = app.admin().await;
    let session = app.session_with(&admin, 4).await;
    let mut p = app.projects(&admin, 2).await;
    p.push(
        app.post(
            "/api/v1/projects",
            Some(&admin),
            json!({"title": "农村公路提升", "summary": "改善出行", "category": "交通", "department": "县交通运输局",
                   "budget_yuan": 3_000_000, "year": 2027, "source": "deputy", "planned_completion": "2027-12-31"}),
        )
        .await
        .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    let reserve = app.project(&admin, "落选的项目").await;
    let vote = app
        .open_vote(
            &admin,
            &session.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 3, "candidate_ids": [p[0], p[1], p[2], reserve]}),
        )
        .await;
    for (_, token) in &session.deputies {
        app.post(
            &format!("/api/v1/votes/{vote}/ballots"),
            Some(token),
            json!({"selections": p}),
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
    department(app, &admin, "zjj", "县住建局").await;
    department(app, &admin, "jtj", "县交通运输局").await;
    Year {
        admin,
        session: session.id,
        p,
        deputies: session.deputies,
    }
}

async fn username(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.expect(200)["username"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Saves what the browser shows when `MINSHENG_SHOTS` names a folder.
async fn shot(b: &Browser, name: &str) {
    if let Ok(dir) = std::env::var("MINSHENG_SHOTS") {
        let png = b.client.screenshot().await.expect("screenshot");
        std::fs::write(format!("{dir}/{name}.png"), png).expect("write screenshot");
    }
}

/// Another account in the same browser.
async fn switch(b: &Browser, base: &str, username: &str, password: &str) {
    b.client.delete_all_cookies().await.expect("cookies");
    b.login(base, username, password).await;
}

/// Sets a date input (typing into one depends on the browser's locale).
async fn set_date(b: &Browser, id: &str, date: &str) {
    b.wait(&format!("#{id}")).await;
    b.js(&format!(
        "document.getElementById('{id}').value = '{date}'; return true;"
    ))
    .await;
}

/// Clicks a submit button and waits for the next page to load.
async fn submit(b: &Browser, css: &str) {
    b.js("window.__before = true; return true;").await;
    b.click(css).await;
    for _ in 0..100 {
        let v = b
            .js("return window.__before === undefined && document.readyState === 'complete';")
            .await;
        if v.as_bool() == Some(true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no new page after pressing {css}");
}

/// The page fits the window: no sideways scrolling.
async fn fits(b: &Browser) {
    let w = b
        .js("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await;
    assert!(
        w[0].as_i64().unwrap() <= w[1].as_i64().unwrap(),
        "the page is wider than the window: {w}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_at_phone_and_desk_width_with_colour_words_and_filters() {
    let Some(phone) = Browser::start(Screen::Phone).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let zjj = app.login("zjj", DEPARTMENT_PASSWORD).await.access;
    let jtj = app.login("jtj", DEPARTMENT_PASSWORD).await.access;
    // p0: one milestone overdue (滞后); p1: two (严重滞后); p2: reported, on schedule.
    for (project, due) in [
        (&y.p[0], "2026-01-15"),
        (&y.p[1], "2026-01-15"),
        (&y.p[1], "2026-02-15"),
    ] {
        app.post(
            &format!("/api/v1/projects/{project}/milestones"),
            Some(&zjj),
            json!({"title": "完成设计", "due_on": due}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("/api/v1/projects/{}/progress", y.p[2]),
        Some(&jtj),
        json!({"period": "2026-11", "percent_complete": 5, "spent_yuan": 100_000, "note": "开工"}),
    )
    .await
    .expect(201);

    phone
        .goto(&format!("{}/projects?year=2027", app.base))
        .await;
    phone.wait(".fu-list").await;
    shot(&phone, "board-phone").await;
    fits(&phone).await;
    let body = phone.body().await;
    for word in [
        "严重滞后",
        "滞后",
        "按计划",
        "尚未报告",
        "农村公路提升",
        "民生项目1",
    ] {
        assert!(body.contains(word), "{word} on the board: {body}");
    }
    // Every colour comes with its word.
    let chips = phone
        .client
        .find_all(Locator::Css(".fu-list .chip"))
        .await
        .unwrap();
    assert!(chips.len() >= 3);
    for c in chips {
        assert!(
            !c.text().await.unwrap().trim().is_empty(),
            "a chip without a word"
        );
    }
    // Most urgent first.
    let first = phone.text(".fu-list li:first-child .fu-title").await;
    assert_eq!(first, "民生项目2");
    // The colour filter, as a phone user chooses it.
    phone
        .click("select[name=colour] option[value=seriously_behind]")
        .await;
    submit(&phone, ".filters button").await;
    assert_eq!(titles(&phone).await, ["民生项目2"]);
    assert!(
        phone
            .client
            .current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or("")
            .contains("colour=seriously_behind")
    );
    drop(phone);

    // At a desk: the counts, then narrowed to one department.
    let desk = Browser::start(Screen::Projector)
        .await
        .expect("a second browser");
    desk.goto(&format!("{}/projects?year=2027", app.base)).await;
    desk.wait(".fu-list").await;
    shot(&desk, "board-desk").await;
    fits(&desk).await;
    let counts = desk.text(".counts").await;
    assert!(
        counts.contains("3 全部") || counts.contains("3\n全部"),
        "{counts}"
    );
    assert_eq!(titles(&desk).await.len(), 3);
    desk.click("select[name=department] option[value='县交通运输局']")
        .await;
    submit(&desk, ".filters button").await;
    assert_eq!(titles(&desk).await, ["农村公路提升"]);
    let row = desk.text(".fu-list li").await;
    assert!(row.contains("按计划") && row.contains("5%"), "{row}");
    // A chip narrows by colour within the department.
    submit(&desk, "a.count-not_reported").await;
    assert!(desk.body().await.contains("没有符合条件的项目"));
}

async fn titles(b: &Browser) -> Vec<String> {
    let mut out = Vec::new();
    for e in b
        .client
        .find_all(Locator::Css(".fu-list .fu-title"))
        .await
        .unwrap()
    {
        out.push(e.text().await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_reports_progress_from_its_desk() {
    let Some(b) = Browser::start(Screen::Projector).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let p0 = &y.p[0];
    b.login(&app.base, "zjj", DEPARTMENT_PASSWORD).await;
    b.goto(&format!("{}/dept", app.base)).await;
    let desk = b.body().await;
    assert!(
        desk.contains("民生项目1") && desk.contains("民生项目2"),
        "{desk}"
    );
    assert!(
        !desk.contains("农村公路提升"),
        "another department's project"
    );
    b.click(&format!("a[href='/dept/projects/{p0}']")).await;
    b.wait("#progress-form").await;
    // A percent out of range: refused in a sentence, the input kept.
    b.fill("#period", "2026-11").await;
    b.fill("#percent", "130").await;
    b.fill("#spent_wan", "36").await;
    b.fill("#note", "完成施工招标").await;
    submit(&b, "#progress-form button").await;
    assert!(b.text("#form-error").await.contains("0 到 100"));
    assert_eq!(
        b.wait("#note").await.prop("value").await.unwrap().unwrap(),
        "完成施工招标"
    );
    b.fill("#percent", "30").await;
    // A photo from the phone's camera, chosen in the file field.
    let dir = std::env::temp_dir().join(format!("minsheng-photo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join("现场.jpg");
    std::fs::write(&photo, minsheng_tests::multipart::phone_photo(120, 80)).unwrap();
    b.wait("#progress-files")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .expect("choose the photo");
    submit(&b, "#progress-form button").await;
    shot(&b, "dept-progress").await;
    let page = b.body().await;
    assert!(page.contains("2026-11") && page.contains("30%"), "{page}");
    assert!(page.contains("完成施工招标"));
    // The photo's thumbnail shows (loaded, upright: the EXIF turned it) beside the report.
    let mut size = serde_json::Value::Null;
    for _ in 0..50 {
        b.js("const i = document.querySelector('.files img'); if (i) { i.scrollIntoView(); } return true;")
            .await;
        size = b
            .js("const i = document.querySelector('.files img'); return i && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null;")
            .await;
        if !size.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(size, json!([80, 120]), "thumbnail shown upright");
    // The public board shows it at once.
    b.client.delete_all_cookies().await.unwrap();
    b.goto(&format!("{}/projects/{p0}", app.base)).await;
    let public = b.body().await;
    assert!(public.contains("报告进度：2026-11 30%"), "{public}");
    assert!(public.contains("36"));
    assert!(public.contains("现场照片和文件"), "the public gallery");
    assert_eq!(
        b.js("return document.querySelectorAll('.gallery img').length;")
            .await,
        json!(1)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspection_problem_rectification_and_verification() {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let p0 = &y.p[0];
    let member = username(&app, &y.deputies[0].1).await;

    // The office sets up the group (here on a small screen: the form fits it too).
    b.login(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD)
        .await;
    b.goto(&format!("{}/admin/groups", app.base)).await;
    b.fill("#group-name", "城建监督组").await;
    b.fill("#group-year", "2027").await;
    b.click(&format!("#leader option[value='{}']", y.deputies[0].0))
        .await;
    b.click(&format!(
        "input[name=member_ids][value='{}']",
        y.deputies[1].0
    ))
    .await;
    b.click(&format!("input[name=project_ids][value='{p0}']"))
        .await;
    submit(&b, "form.form-grid button.primary").await;
    assert_eq!(b.path().await, "/admin/groups");
    shot(&b, "office-groups").await;
    fits(&b).await;
    let groups = b.text("table.grid").await;
    assert!(
        groups.contains("城建监督组") && groups.contains("民生项目1"),
        "{groups}"
    );
    switch(&b, &app.base, &member, DEPUTY_PASSWORD).await;

    // The member, on a phone: the group's project, an inspection, a problem.
    b.goto(&format!("{}/d/groups", app.base)).await;
    assert!(b.body().await.contains("城建监督组"));
    b.click(&format!("a[href='/d/groups/projects/{p0}']")).await;
    b.wait("#inspection-form").await;
    fits(&b).await;
    b.click("#inspection-form input[name=kind][value=inspection]")
        .await;
    set_date(&b, "held_on", "2026-11-20").await;
    b.fill("#location", "城关镇施工现场").await;
    b.fill("#participants", "第一监督组全体成员").await;
    b.fill("#findings", "施工围挡不规范，存在安全隐患").await;
    submit(&b, "#inspection-form button").await;
    assert!(b.body().await.contains("施工围挡不规范，存在安全隐患"));
    b.fill("#description", "围挡缺失，夜间无警示灯").await;
    b.click("#problem-form input[name=severity][value=high]")
        .await;
    set_date(&b, "deadline", "2027-01-31").await;
    submit(&b, "#problem-form button").await;
    shot(&b, "group-problem").await;
    let page = b.body().await;
    assert!(
        page.contains("围挡缺失，夜间无警示灯") && page.contains("待整改"),
        "{page}"
    );
    let problems = app
        .get(&format!("/api/v1/projects/{p0}/problems"), None)
        .await
        .expect(200);
    let problem = problems["items"][0]["id"].as_str().unwrap().to_owned();

    // The department answers with a rectification.
    switch(&b, &app.base, "zjj", DEPARTMENT_PASSWORD).await;
    b.goto(&format!("{}/dept", app.base)).await;
    assert!(b.body().await.contains("围挡缺失，夜间无警示灯"));
    b.goto(&format!("{}/dept/projects/{p0}", app.base)).await;
    b.fill(&format!("#rect-{problem}"), "已补齐围挡并安装警示灯")
        .await;
    submit(
        &b,
        &format!("form[action='/dept/problems/{problem}/rectify'] button"),
    )
    .await;
    let page = b.body().await;
    assert!(page.contains("已整改待验收"), "{page}");

    // The member verifies it and the problem closes.
    switch(&b, &app.base, &member, DEPUTY_PASSWORD).await;
    b.goto(&format!("{}/d/groups/projects/{p0}", app.base))
        .await;
    b.fill(&format!("#note-{problem}"), "复查合格").await;
    submit(
        &b,
        &format!("button[formaction='/d/groups/problems/{problem}/verify']"),
    )
    .await;
    let page = b.body().await;
    assert!(page.contains("已验收"), "{page}");
    let p = app
        .get(&format!("/api/v1/problems/{problem}"), None)
        .await
        .expect(200);
    assert_eq!(p["status"], "closed");
    // The public timeline tells the story.
    b.client.delete_all_cookies().await.unwrap();
    b.goto(&format!("{}/projects/{p0}", app.base)).await;
    let public = b.body().await;
    for s in [
        "提出问题：围挡缺失，夜间无警示灯",
        "责任单位报告整改：",
        "监督组验收通过：",
    ] {
        assert!(public.contains(s), "{s}: {public}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_round_from_the_deputy_s_phone_to_the_published_grades() {
    let Some(office) = Browser::start(Screen::Projector).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (p0, p1) = (&y.p[0], &y.p[1]);

    // The office drafts and opens the round at its desk.
    office
        .login(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD)
        .await;
    office
        .goto(&format!(
            "{}/admin/sessions/{}/ratings/new",
            app.base, y.session
        ))
        .await;
    office.fill("#title", "2027年度民生实事满意度测评").await;
    office
        .click(&format!("input[name=project_ids][value='{p0}']"))
        .await;
    office
        .click(&format!("input[name=project_ids][value='{p1}']"))
        .await;
    submit(&office, "form.form-grid button.primary").await;
    let round_path = office.path().await;
    assert!(round_path.starts_with("/admin/ratings/"), "{round_path}");
    let round = round_path.trim_start_matches("/admin/ratings/").to_owned();
    submit(&office, &format!("form[action='{round_path}/open'] button")).await;
    assert!(office.body().await.contains("投票中"));
    // A display link for the hall's screen.
    office
        .goto(&format!("{}/admin/sessions/{}", app.base, y.session))
        .await;
    submit(
        &office,
        &format!(
            "form[action='/admin/sessions/{}/display-links'] button",
            y.session
        ),
    )
    .await;
    let screen = office.text("#display-link").await;
    drop(office);

    // A deputy rates every project on a phone: review, then the receipt.
    let phone = Browser::start(Screen::Phone)
        .await
        .expect("a second browser");
    phone
        .login(
            &app.base,
            &username(&app, &y.deputies[0].1).await,
            DEPUTY_PASSWORD,
        )
        .await;
    phone.goto(&format!("{}/d", app.base)).await;
    phone.click(&format!("a[href='/d/ratings/{round}']")).await;
    phone.wait("input[type=radio]").await;
    fits(&phone).await;
    phone
        .click(&format!("input[name='ratings[{p0}]'][value=satisfied]"))
        .await;
    phone
        .click(&format!(
            "input[name='ratings[{p1}]'][value=basically_satisfied]"
        ))
        .await;
    shot(&phone, "rating-phone").await;
    phone.click(".sticky button").await;
    phone.wait("#confirm").await;
    assert!(phone.body().await.contains("您的选票尚未投出"));
    phone.click("#confirm").await;
    let receipt = phone.text("#receipt").await;
    assert_eq!(receipt.replace(' ', "").len(), 32, "receipt {receipt}");
    drop(phone);

    // Two more deputies rate; the screen shows the turnout like a vote's.
    for (_, token) in &y.deputies[1..3] {
        app.post(
            &format!("/api/v1/evaluations/{round}/ballots"),
            Some(token),
            json!({"ratings": {p0.as_str(): "satisfied", p1.as_str(): "unsatisfied"}}),
        )
        .await
        .expect(201);
    }
    let office = Browser::start(Screen::Projector)
        .await
        .expect("a browser again");
    office.goto(&format!("{}{screen}", app.base)).await;
    office.wait(".screen-wrap").await;
    let shown = office.body().await;
    assert!(
        shown.contains("满意度测评：2027年度民生实事满意度测评"),
        "{screen}: {shown}"
    );
    office.wait_text("[data-k=ballots_cast]", "3", 10).await;
    assert_eq!(office.text("[data-k=vote_present]").await, "4");
    shot(&office, "rating-screen-open").await;

    // The office closes (asked first) and publishes (asked first).
    office
        .login(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD)
        .await;
    office.goto(&format!("{}{round_path}", app.base)).await;
    submit(
        &office,
        &format!("form[action='{round_path}/close'] button"),
    )
    .await;
    assert!(office.body().await.contains("目前已投票 3 人，实到 4 人"));
    submit(&office, "#confirm").await;
    let results = office.body().await;
    assert!(results.contains("100.0%"), "{results}");
    submit(
        &office,
        &format!("form[action='{round_path}/publish'] button"),
    )
    .await;
    submit(&office, "#confirm").await;
    shot(&office, "rating-results").await;
    let published = office.body().await;
    assert!(published.contains("已公布结果"), "{published}");

    // The screen, the project's page and the year report show the grades.
    office.client.delete_all_cookies().await.unwrap();
    office.goto(&format!("{}{screen}", app.base)).await;
    office.wait(".screen-results").await;
    shot(&office, "rating-screen-published").await;
    let s = office.text(".screen-results").await;
    assert!(s.contains("民生项目1") && s.contains("满意"), "{s}");
    office.goto(&format!("{}/projects/{p0}", app.base)).await;
    let page = office.body().await;
    assert!(page.contains("满意度测评结果：满意"), "{page}");
    office
        .login(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD)
        .await;
    office
        .goto(&format!("{}/admin/report?year=2027", app.base))
        .await;
    shot(&office, "year-report").await;
    let report = office.body().await;
    assert!(
        report.contains("2027年度民生实事满意度测评：满意（100.0%）"),
        "{report}"
    );
    let _ = y.admin;
}
