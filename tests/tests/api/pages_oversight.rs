//! The congress office's follow-up pages over plain HTTP: supervision groups (create, refuse with
//! the input kept, edit), escalations on a project, a rating round from draft to published grades
//! (close and publish ask first), the year report, and the role checks: a deputy and a department
//! get 403 on every office page, the public is sent to log in.

use minsheng_tests::{
    TestApp,
    pages::{Page, Visitor},
};
use serde_json::json;

const DEPUTY_PASSWORD: &str = "deputy-password-1";
const DEPARTMENT_PASSWORD: &str = "department-pw-1";

#[track_caller]
fn assert_status(p: &Page, status: u16) {
    assert_eq!(p.status.as_u16(), status, "page: {}", p.html);
}

struct Year {
    admin: String,
    session: String,
    /// Adopted: p[0], p[1]; reserve: p[2].
    p: Vec<String>,
    /// Per deputy: id and token; all present.
    deputies: Vec<(String, String)>,
}

/// A session of four deputies votes p0 and p1 in; 县住建局 (`zjj`) is their department.
async fn adopted_year(app: &TestApp) -> Year {
    let admin = app.admin().await;
    let session = app.session_with(&admin, 4).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &session.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 2, "candidate_ids": p}),
        )
        .await;
    for (_, token) in &session.deputies {
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
    let created = app
        .post("/api/v1/accounts", Some(&admin), json!({"username": "zjj", "display_name": "县住建局", "role": "department", "department": "县住建局"}))
        .await
        .expect(201);
    let first = app
        .login("zjj", created["initial_password"].as_str().unwrap())
        .await;
    app.put(
        "/api/v1/me/password",
        Some(&first.access),
        json!({"current_password": created["initial_password"], "new_password": DEPARTMENT_PASSWORD}),
    )
    .await
    .expect(200);
    Year {
        admin,
        session: session.id,
        p,
        deputies: session.deputies,
    }
}

async fn office(app: &TestApp) -> Visitor {
    Visitor::logged_in(&app.base, "admin", minsheng_tests::ADMIN_PASSWORD).await
}

async fn deputy(app: &TestApp, token: &str) -> Visitor {
    let me = app.get("/api/v1/me", Some(token)).await.expect(200);
    Visitor::logged_in(&app.base, me["username"].as_str().unwrap(), DEPUTY_PASSWORD).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_follow_up_pages_are_the_office_s_only() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let round = app
        .post(
            &format!("/api/v1/sessions/{}/evaluations", y.session),
            Some(&y.admin),
            json!({"title": "测评", "project_ids": [y.p[0]]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = app
        .post(
            "/api/v1/supervision-groups",
            Some(&y.admin),
            json!({"name": "第一监督组", "year": 2027, "leader_id": y.deputies[0].0, "project_ids": [y.p[0]]}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p0 = &y.p[0];
    let s = &y.session;
    let gets = [
        "/admin/groups".to_owned(),
        format!("/admin/groups/{group}"),
        "/admin/followup".to_owned(),
        format!("/admin/projects/{p0}/escalations"),
        "/admin/ratings".to_owned(),
        format!("/admin/sessions/{s}/ratings/new"),
        format!("/admin/ratings/{round}"),
        "/admin/report?year=2027".to_owned(),
        "/admin/audit".to_owned(),
    ];
    let posts = [
        "/admin/groups".to_owned(),
        format!("/admin/groups/{group}"),
        format!("/admin/projects/{p0}/escalations"),
        format!("/admin/sessions/{s}/ratings"),
        format!("/admin/ratings/{round}/open"),
    ];
    let mut dep = deputy(&app, &y.deputies[0].1).await;
    let mut zjj = Visitor::logged_in(&app.base, "zjj", DEPARTMENT_PASSWORD).await;
    let dep_token = dep.get("/d").await.csrf();
    let zjj_token = zjj.get("/dept").await.csrf();
    for (who, v, token) in [
        ("deputy", &mut dep, dep_token),
        ("department", &mut zjj, zjj_token),
    ] {
        for path in &gets {
            let p = v.get(path).await;
            assert_eq!(p.status.as_u16(), 403, "{who} GET {path}");
        }
        for path in &posts {
            let p = v
                .post(
                    path,
                    &[
                        ("csrf", token.as_str()),
                        ("name", "组"),
                        ("year", "2027"),
                        ("leader_id", y.deputies[0].0.as_str()),
                        ("kind", "inquiry"),
                        ("held_on", "2027-03-01"),
                        ("note", "说明"),
                        ("title", "测评"),
                        ("threshold_base", "all_deputies"),
                        ("project_ids", p0.as_str()),
                    ],
                )
                .await;
            assert_eq!(p.status.as_u16(), 403, "{who} POST {path}: {}", p.html);
        }
    }
    // Nothing was recorded by the refused posts.
    let groups = app
        .get("/api/v1/supervision-groups", Some(&y.admin))
        .await
        .expect(200);
    assert_eq!(groups["total"], 1);
    let e = app
        .get(&format!("/api/v1/evaluations/{round}"), Some(&y.admin))
        .await
        .expect(200);
    assert_eq!(e["status"], "draft");
    // The public is asked to log in.
    let mut public = Visitor::new(&app.base);
    for path in &gets {
        let p = public.get(path).await;
        assert_eq!(p.status.as_u16(), 303, "public GET {path}");
        assert!(p.location().starts_with("/login"), "{path}");
    }
    // The office sees every page, and the nav names the new sections.
    let mut admin = office(&app).await;
    for path in &gets {
        let p = admin.get(path).await;
        assert_status(&p, 200);
        p.assert_contains(r#"href="/admin/groups""#)
            .assert_contains("监督组")
            .assert_contains("年度报告");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervision_groups_and_escalations_from_the_office() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (d0, d1) = (&y.deputies[0].0, &y.deputies[1].0);
    let mut admin = office(&app).await;
    let page = admin.get("/admin/groups").await;
    assert_status(&page, 200);
    page.assert_contains("尚未设立监督组")
        .assert_contains("民生项目1")
        .assert_lacks("民生项目3");
    let csrf = page.csrf();

    // No leader: refused in a sentence, the input kept.
    let r = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("name", "城建监督组"),
                ("year", "2027"),
                ("member_ids", d1),
                ("project_ids", &y.p[0]),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("组长和成员须从代表名单中选择")
        .assert_contains(r#"value="城建监督组""#)
        .assert_contains(&format!(r#"value="{d1}" checked"#))
        .assert_contains(&format!(r#"value="{}" checked"#, y.p[0]));
    // A project still in the reserve cannot be followed.
    let r = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("name", "城建监督组"),
                ("year", "2027"),
                ("leader_id", d0),
                ("project_ids", &y.p[2]),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("只能选择已票决通过的项目");
    // A bad year.
    let r = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("name", "城建监督组"),
                ("year", "明年"),
                ("leader_id", d0),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("年度应为")
        .assert_contains(r#"value="明年""#);

    let r = admin
        .post(
            "/admin/groups",
            &[
                ("csrf", &csrf),
                ("name", "城建监督组"),
                ("year", "2027"),
                ("leader_id", d0),
                ("member_ids", d1),
                ("project_ids", &y.p[0]),
            ],
        )
        .await;
    assert_status(&r, 303);
    assert_eq!(r.location(), "/admin/groups");
    let groups = app
        .get("/api/v1/supervision-groups", Some(&y.admin))
        .await
        .expect(200);
    let g = &groups["items"][0];
    assert_eq!(g["name"], "城建监督组");
    assert_eq!(g["leader_id"], d0.as_str());
    assert_eq!(g["member_ids"].as_array().unwrap().len(), 2);
    let id = g["id"].as_str().unwrap();
    let list = admin.get("/admin/groups").await;
    list.assert_contains("城建监督组")
        .assert_contains(&format!(r#"href="/admin/groups/{id}""#))
        .assert_contains(&format!(r#"href="/projects/{}""#, y.p[0]));

    // Edit: rename, follow p1 too; the year stays.
    let edit = admin.get(&format!("/admin/groups/{id}")).await;
    assert_status(&edit, 200);
    edit.assert_contains("编辑监督组")
        .assert_contains("年度设立后不能更改")
        .assert_contains(&format!(r#"value="{d0}" selected"#));
    let r = admin
        .post(
            &format!("/admin/groups/{id}"),
            &[
                ("csrf", &edit.csrf()),
                ("name", ""),
                ("leader_id", d0),
                ("project_ids", &y.p[0]),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("请填写名称");
    let r = admin
        .post(
            &format!("/admin/groups/{id}"),
            &[
                ("csrf", &edit.csrf()),
                ("name", "城建第一监督组"),
                ("leader_id", d1),
                ("member_ids", d0),
                ("project_ids", &y.p[0]),
                ("project_ids", &y.p[1]),
            ],
        )
        .await;
    assert_status(&r, 303);
    let g = app
        .get(&format!("/api/v1/supervision-groups/{id}"), Some(&y.admin))
        .await
        .expect(200);
    assert_eq!(g["name"], "城建第一监督组");
    assert_eq!(g["leader_id"], d1.as_str());
    assert_eq!(g["year"], 2027);
    assert_eq!(g["project_ids"].as_array().unwrap().len(), 2);

    // Escalations: the overview links each project to its escalations.
    let fu = admin.get("/admin/followup?year=2027").await;
    assert_status(&fu, 200);
    let esc_path = format!("/admin/projects/{}/escalations", y.p[0]);
    fu.assert_contains(&esc_path).assert_contains("尚未报告");
    let e = admin.get(&esc_path).await;
    assert_status(&e, 200);
    e.assert_contains("尚未记录督办措施")
        .assert_contains("询问")
        .assert_contains("约见")
        .assert_contains("质询")
        .assert_contains("特定问题调查");
    let r = admin
        .post(
            &esc_path,
            &[
                ("csrf", &e.csrf()),
                ("kind", "interpellation"),
                ("held_on", "3月1日"),
                ("note", "就进度滞后质询县住建局"),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("日期格式不对")
        .assert_contains("就进度滞后质询县住建局")
        .assert_contains(r#"value="interpellation" checked"#);
    let r = admin
        .post(
            &esc_path,
            &[
                ("csrf", &e.csrf()),
                ("kind", "interpellation"),
                ("held_on", "2027-03-01"),
                ("note", "就进度滞后质询县住建局"),
            ],
        )
        .await;
    assert_status(&r, 303);
    admin
        .get(&esc_path)
        .await
        .assert_contains("2027-03-01")
        .assert_contains("就进度滞后质询县住建局")
        .assert_lacks("尚未记录督办措施");
    // The public timeline tells it in a sentence.
    Visitor::new(&app.base)
        .get(&format!("/projects/{}", y.p[0]))
        .await
        .assert_contains("人大常委会质询：就进度滞后质询县住建局");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_round_from_draft_to_published_grades_and_the_year_report() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (p0, p1) = (&y.p[0], &y.p[1]);
    let mut admin = office(&app).await;
    let form = admin
        .get(&format!("/admin/sessions/{}/ratings/new", y.session))
        .await;
    assert_status(&form, 200);
    form.assert_contains("民生项目1")
        .assert_contains("民生项目2")
        .assert_lacks("民生项目3")
        .assert_contains(r#"value="all_deputies" checked"#);
    let csrf = form.csrf();
    let create = format!("/admin/sessions/{}/ratings", y.session);
    // No project: refused, the title kept.
    let r = admin
        .post(
            &create,
            &[
                ("csrf", &csrf),
                ("title", "2027年度民生实事项目满意度测评"),
                ("threshold_base", "all_deputies"),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("请至少选择一个项目")
        .assert_contains("2027年度民生实事项目满意度测评");
    let r = admin
        .post(
            &create,
            &[
                ("csrf", &csrf),
                ("title", "2027年度民生实事项目满意度测评"),
                ("threshold_base", "all_deputies"),
                ("project_ids", p0),
                ("project_ids", p1),
            ],
        )
        .await;
    assert_status(&r, 303);
    let round_path = r.location().to_owned();
    let round = round_path.trim_start_matches("/admin/ratings/").to_owned();
    let page = admin.get(&round_path).await;
    assert_status(&page, 200);
    page.assert_contains("草稿").assert_contains("开始测评");
    admin
        .get("/admin/ratings")
        .await
        .assert_contains(&round_path);

    let r = admin
        .post(&format!("{round_path}/open"), &[("csrf", &csrf)])
        .await;
    assert_status(&r, 303);
    // A second opening is refused in a sentence and changes nothing.
    let again = admin
        .post(&format!("{round_path}/open"), &[("csrf", &csrf)])
        .await;
    assert_status(&again, 409);
    again.assert_contains(r#"class="alert""#);
    // Three of four deputies rate.
    let marks = [
        ("satisfied", "satisfied"),
        ("satisfied", "unsatisfied"),
        ("satisfied", "basically_satisfied"),
    ];
    for ((_, token), (a, b)) in y.deputies.iter().zip(marks) {
        app.post(
            &format!("/api/v1/evaluations/{round}/ballots"),
            Some(token),
            json!({"ratings": {p0.as_str(): a, p1.as_str(): b}}),
        )
        .await
        .expect(201);
    }
    admin
        .get(&round_path)
        .await
        .assert_contains(r#"<span class="n" id="rating-cast">3</span>"#)
        .assert_contains(r#"<span class="n" id="rating-present">4</span>"#);
    // The big screen shows the open round's turnout like a vote's.
    let created = admin
        .post(
            &format!("/admin/sessions/{}/display-links", y.session),
            &[("csrf", &csrf)],
        )
        .await;
    assert_status(&created, 200);
    let link = created.html.split(r#"id="display-link">"#).nth(1).unwrap();
    let link = link[..link.find('<').unwrap()].replace("&#x3d;", "=");
    let mut projector = Visitor::new(&app.base);
    projector
        .get(&link)
        .await
        .assert_contains("满意度测评：2027年度民生实事项目满意度测评")
        .assert_contains(r#"data-status="open:2027年度民生实事项目满意度测评""#)
        .assert_contains(r#"data-k="ballots_cast">3<"#)
        .assert_contains(r#"data-k="vote_present">4<"#)
        .assert_lacks("基本满意");
    // Closing asks first, with the turnout.
    let ask = admin
        .post(&format!("{round_path}/close"), &[("csrf", &csrf)])
        .await;
    assert_status(&ask, 200);
    ask.assert_contains("目前已投票 3 人，实到 4 人");
    let e = app
        .get(&format!("/api/v1/evaluations/{round}"), Some(&y.admin))
        .await
        .expect(200);
    assert_eq!(e["status"], "open", "asking changes nothing");
    let r = admin
        .post(
            &format!("{round_path}/close"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_status(&r, 303);
    // The results for the office: 3 of 4 in office satisfied with p0 (more than half of 4);
    // p1: 1 satisfied, 1 basically: 2 is not more than half of 4.
    let res = admin.get(&round_path).await;
    res.assert_contains("结果")
        .assert_contains("基数 4")
        .assert_contains("未投 1")
        .assert_contains("100.0%")
        .assert_contains("66.6%")
        .assert_contains(r#"class="grade-satisfied">满意"#)
        .assert_contains(r#"class="grade-unsatisfied">不满意"#)
        .assert_contains("公布结果");
    // Not public yet.
    Visitor::new(&app.base)
        .get(&format!("/projects/{p0}"))
        .await
        .assert_contains("尚无公布的测评结果");
    let ask = admin
        .post(&format!("{round_path}/publish"), &[("csrf", &csrf)])
        .await;
    ask.assert_contains("确认公布");
    let r = admin
        .post(
            &format!("{round_path}/publish"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_status(&r, 303);
    let again = admin
        .post(
            &format!("{round_path}/publish"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_status(&again, 409);
    again.assert_contains("测评结果已公布");
    Visitor::new(&app.base)
        .get(&format!("/projects/{p0}"))
        .await
        .assert_contains("满意度测评结果：满意");
    // Published: the screen shows each project's counts and grade.
    projector
        .get(&link)
        .await
        .assert_contains(r#"data-status="published:2027年度民生实事项目满意度测评""#)
        .assert_contains("民生项目1")
        .assert_contains("100.0%")
        .assert_contains(r#"class="grade-satisfied">满意"#)
        .assert_contains(r#"class="grade-unsatisfied">不满意"#);

    // The year report: every adopted project, baseline, percent, money, problems, grades.
    let zjj_token = app.login("zjj", DEPARTMENT_PASSWORD).await.access;
    app.post(
        &format!("/api/v1/projects/{p0}/progress"),
        Some(&zjj_token),
        json!({"period": "2027-06", "percent_complete": 40, "spent_yuan": 500_000, "note": "进行中"}),
    )
    .await
    .expect(201);
    // Two problems on p0, one rectified and verified.
    app.post(
        "/api/v1/supervision-groups",
        Some(&y.admin),
        json!({"name": "第一监督组", "year": 2027, "leader_id": y.deputies[0].0, "project_ids": [p0]}),
    )
    .await
    .expect(201);
    let member = &y.deputies[0].1;
    let mut problems = Vec::new();
    for text in ["围挡不规范", "工期滞后"] {
        let pr = app
            .post(
                &format!("/api/v1/projects/{p0}/problems"),
                Some(member),
                json!({"description": text, "severity": "medium", "deadline": "2027-09-30"}),
            )
            .await
            .expect(201);
        problems.push(pr["id"].as_str().unwrap().to_owned());
    }
    app.patch(
        &format!("/api/v1/problems/{}", problems[0]),
        Some(&zjj_token),
        json!({"action": "rectify", "note": "已整改"}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/problems/{}", problems[0]),
        Some(member),
        json!({"action": "verify", "note": "验收通过"}),
    )
    .await
    .expect(200);
    let report = admin.get("/admin/report?year=2027").await;
    assert_status(&report, 200);
    report
        .assert_contains("2027年 民生实事项目年度监督报告")
        .assert_contains("共 2 个项目，已完成 0 个；预算合计 240 万元，已支出 50 万元；提出问题 2 个，已验收 1 个。")
        .assert_contains("民生项目1")
        .assert_contains("民生项目2")
        .assert_lacks("民生项目3")
        .assert_contains("40%")
        .assert_contains("2027年度民生实事项目满意度测评：满意（100.0%）")
        .assert_contains("2027年度民生实事项目满意度测评：不满意（66.6%）");
    // In English too.
    let session = admin.cookie.clone().unwrap();
    admin.cookie = Some(format!("{session}; ms_lang=en"));
    admin
        .get("/admin/report?year=2027")
        .await
        .assert_contains("Livelihood projects: year report")
        .assert_contains("2 projects, 0 completed");
}

/// The office's audit page: the chain checked on every visit, the events newest first, filtered by
/// object; and a break shown in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_shows_the_chain_and_its_events() {
    use sea_orm::{ConnectionTrait, Database};
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let mut v = office(&app).await;
    let page = v.get("/admin/audit").await;
    assert_eq!(page.status, 200, "{}", page.html);
    page.assert_contains("审计链完整")
        .assert_contains("session.attendance")
        .assert_contains("login.success")
        .assert_contains("admin (admin)");
    let about = v
        .get(&format!("/admin/audit?object_id={}", y.session))
        .await;
    about
        .assert_contains("session.roster")
        .assert_lacks("login.success");
    let db = Database::connect(app.db.url.as_str()).await.unwrap();
    db.execute_unprepared("UPDATE audit_events SET action = 'vote.nothing' WHERE seq = 2")
        .await
        .unwrap();
    v.get("/admin/audit")
        .await
        .assert_contains("审计链在第 2 条处断裂");
}
