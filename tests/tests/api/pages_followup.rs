//! The pages of the year after the vote over plain HTTP: the public board with its colour words,
//! filters and counts (and its JSON twin), a project's page with its chart and timeline, the
//! department's desk (progress, milestones, rectification), the supervision group member's desk
//! (inspection, problem, send back, verify), and the role checks on every page: another
//! department, a non-member, the public before adoption.

use minsheng_tests::{
    TestApp,
    pages::{Page, Visitor},
};
use serde_json::{Value, json};

const DEPUTY_PASSWORD: &str = "deputy-password-1";
const DEPARTMENT_PASSWORD: &str = "department-pw-1";

#[track_caller]
fn assert_status(p: &Page, status: u16) {
    assert_eq!(p.status.as_u16(), status, "page: {}", p.html);
}

struct Year {
    admin: String,
    /// Adopted: p[0], p[1]; reserve: p[2]; still proposed: p[3].
    p: Vec<String>,
    /// Per deputy: id and token. deputies[0] leads the group following p[0]; deputies[3] is in
    /// no group.
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

/// Votes p0 and p1 in, sets up 县住建局 (`zjj`, responsible for every project) and 县交通运输局
/// (`jtj`), and a group led by deputy 0 following p0.
async fn adopted_year(app: &TestApp) -> Year {
    let admin = app.admin().await;
    let session = app.session_with(&admin, 4).await;
    let mut p = app.projects(&admin, 3).await;
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
    p.push(app.project(&admin, "尚未票决的项目").await);
    department(app, &admin, "zjj", "县住建局").await;
    department(app, &admin, "jtj", "县交通运输局").await;
    app.post(
        "/api/v1/supervision-groups",
        Some(&admin),
        json!({"name": "第一监督组", "year": 2027, "leader_id": session.deputies[0].0, "member_ids": [session.deputies[1].0], "project_ids": [p[0]]}),
    )
    .await
    .expect(201);
    Year {
        admin,
        p,
        deputies: session.deputies,
    }
}

async fn deputy(app: &TestApp, token: &str) -> Visitor {
    let me = app.get("/api/v1/me", Some(token)).await.expect(200);
    Visitor::logged_in(&app.base, me["username"].as_str().unwrap(), DEPUTY_PASSWORD).await
}

async fn dept(app: &TestApp, username: &str) -> Visitor {
    Visitor::logged_in(&app.base, username, DEPARTMENT_PASSWORD).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_board_and_a_project_page() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (p0, p1) = (&y.p[0], &y.p[1]);
    let mut public = Visitor::new(&app.base);

    // Nothing reported yet: every project says so, instead of a misleading 0 %.
    let b = public.get("/projects?year=2027").await;
    assert_status(&b, 200);
    b.assert_contains("2027年 民生实事项目进展")
        .assert_contains("民生项目1")
        .assert_contains("民生项目2")
        .assert_lacks("民生项目3")
        .assert_lacks("尚未票决的项目")
        .assert_contains("尚未报告")
        .assert_contains("按计划")
        .assert_contains(r#"class="pbar-mark""#)
        .assert_contains("县住建局 · 预算 120 万元 · 已支出 0 万元");
    let csp = b.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(!b.html.contains("style="), "no inline style under the CSP");

    // The department reports on p0 from its desk.
    let mut zjj = dept(&app, "zjj").await;
    let desk = zjj.get("/dept").await;
    assert_status(&desk, 200);
    let r = zjj
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("csrf", &desk.csrf()),
                ("period", "2026-12"),
                ("percent", "15"),
                ("spent_wan", "20.5"),
                ("note", "完成招标"),
            ],
        )
        .await;
    assert_status(&r, 303);

    // The board: counts per colour, the word beside every colour, the filters.
    let b = public.get("/projects?year=2027").await;
    b.assert_contains("已完成 <strong>15%</strong>")
        .assert_contains("已支出 20.5 万元")
        .assert_contains(r#"<span class="n">2</span> 全部"#)
        .assert_contains(r#"<span class="n">1</span> 尚未报告"#);
    let only = public.get("/projects?year=2027&colour=not_reported").await;
    only.assert_contains("民生项目2").assert_lacks("民生项目1");
    let none = public
        .get(
            "/projects?year=2027&department=%E5%8E%BF%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93%E5%B1%80",
        )
        .await;
    none.assert_contains("没有符合条件的项目");
    let en = {
        let mut v = Visitor::new(&app.base);
        v.cookie = Some("ms_lang=en".into());
        v.get("/projects?year=2027").await
    };
    en.assert_contains("Not reported yet")
        .assert_contains("On schedule");

    // The same board as JSON, for integrators.
    let api = app
        .get("/api/v1/projects/board?year=2027", None)
        .await
        .expect(200);
    assert_eq!(api["counts"]["total"], 2);
    assert_eq!(api["counts"]["not_reported"], 1);
    let row: &Value = api["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == *p0)
        .unwrap();
    assert_eq!(row["percent_complete"], 15);
    assert_eq!(row["reported"], true);
    assert_eq!(row["spent_yuan"], 205_000);
    assert_eq!(row["department"], "县住建局");
    app.get("/api/v1/projects/board?year=x", None)
        .await
        .expect_problem(400, "invalid_query");

    // A project's page: baseline, the chart, money, the timeline in sentences.
    let page = public.get(&format!("/projects/{p0}")).await;
    assert_status(&page, 200);
    page.assert_contains("<svg")
        .assert_contains("<polyline")
        .assert_contains("计划完成")
        .assert_contains("120 万元")
        .assert_contains("报告进度：2026-12 15% 完成，已支出 20.5 万元。完成招标")
        .assert_contains("票决通过，冻结基线")
        .assert_lacks("style=");
    public
        .get(&format!("/projects/{p1}"))
        .await
        .assert_contains("尚未报告");

    // The public before adoption: a proposal does not exist for it; the reserve (named in the
    // published results) says why it has no record.
    let reserve = public.get(&format!("/projects/{}", y.p[2])).await;
    assert_status(&reserve, 409);
    reserve.assert_contains("已退回项目储备库");
    assert_status(&public.get(&format!("/projects/{}", y.p[3])).await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_reports_and_only_its_own_projects() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let p0 = &y.p[0];

    // Login sends a department to its desk.
    let mut v = Visitor::new(&app.base);
    let login = v
        .post(
            "/login",
            &[("username", "zjj"), ("password", DEPARTMENT_PASSWORD)],
        )
        .await;
    assert_eq!(login.location(), "/dept");
    let desk = v.get("/dept").await;
    assert_status(&desk, 200);
    desk.assert_contains("县住建局")
        .assert_contains("民生项目1")
        .assert_contains(&format!("/dept/projects/{p0}"));
    let csrf = desk.csrf();

    // A bad period or amount is a sentence, with the input kept.
    let r = v
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("csrf", &csrf),
                ("period", "2027-13"),
                ("percent", "30"),
                ("spent_wan", "10"),
                ("note", "保留"),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("报告期格式不对").assert_contains("保留");
    let r = v
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("csrf", &csrf),
                ("period", "2027-05"),
                ("percent", "30"),
                ("spent_wan", "-1"),
                ("note", ""),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("金额请以万元填写");
    let r = v
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("csrf", &csrf),
                ("period", "2027-05"),
                ("percent", "130"),
                ("spent_wan", "1"),
                ("note", ""),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("0 到 100");

    // Progress, a milestone, the milestone reached.
    let r = v
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("csrf", &csrf),
                ("period", "2027-Q1"),
                ("percent", "30"),
                ("spent_wan", "40"),
                ("note", "主体完工"),
            ],
        )
        .await;
    assert_status(&r, 303);
    assert_eq!(r.location(), format!("/dept/projects/{p0}"));
    let r = v
        .post(
            &format!("/dept/projects/{p0}/milestones"),
            &[
                ("csrf", &csrf),
                ("title", "完成招标"),
                ("due_on", "2026-01-15"),
            ],
        )
        .await;
    assert_status(&r, 303);
    let work = v.get(&format!("/dept/projects/{p0}")).await;
    work.assert_contains("主体完工")
        .assert_contains("⚠ 逾期")
        .assert_contains("标记为已完成");
    let desk = v.get("/dept").await;
    desk.assert_contains("完成招标").assert_contains("逾期节点");
    let ms = app
        .get(&format!("/api/v1/projects/{p0}/milestones"), None)
        .await
        .expect(200);
    let ms_id = ms["items"][0]["id"].as_str().unwrap().to_owned();
    let r = v
        .post(
            &format!("/dept/milestones/{ms_id}/reached"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_status(&r, 303);
    v.get(&format!("/dept/projects/{p0}"))
        .await
        .assert_contains("✔ 已完成");

    // Without the form token: refused.
    let r = v
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("period", "2027-Q2"),
                ("percent", "40"),
                ("spent_wan", "40"),
            ],
        )
        .await;
    assert_status(&r, 403);

    // Another department: neither the page nor the write.
    let mut jtj = dept(&app, "jtj").await;
    let other = jtj.get("/dept").await;
    assert_status(&other, 200);
    other.assert_lacks("民生项目1");
    assert_status(&jtj.get(&format!("/dept/projects/{p0}")).await, 403);
    let r = jtj
        .post_multipart(
            &format!("/dept/projects/{p0}/progress"),
            &[
                ("csrf", &other.csrf()),
                ("period", "2027-Q2"),
                ("percent", "99"),
                ("spent_wan", "1"),
            ],
        )
        .await;
    assert_status(&r, 403);
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(
        f["percent_complete"], 30,
        "the other department changed nothing"
    );

    // A deputy is no department; the public is sent to log in.
    let mut d = deputy(&app, &y.deputies[0].1).await;
    assert_status(&d.get("/dept").await, 403);
    let anon = Visitor::new(&app.base).get("/dept").await;
    assert_status(&anon, 303);
    assert!(anon.location().starts_with("/login"));
    // Not adopted: no work page either.
    assert_status(&v.get(&format!("/dept/projects/{}", y.p[3])).await, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_inspects_raises_a_problem_sends_back_and_verifies() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let p0 = &y.p[0];
    let mut member = deputy(&app, &y.deputies[0].1).await;

    let home = member.get("/d").await;
    home.assert_contains(r#"href="/d/groups""#);
    let groups = member.get("/d/groups").await;
    assert_status(&groups, 200);
    groups
        .assert_contains("第一监督组")
        .assert_contains("民生项目1")
        .assert_lacks("民生项目2");
    let csrf = groups.csrf();

    let r = member
        .post_multipart(
            &format!("/d/groups/projects/{p0}/inspections"),
            &[
                ("csrf", &csrf),
                ("kind", "inspection"),
                ("held_on", "2027-03-02"),
                ("location", "城关镇"),
                ("participants", "张三、李四"),
                ("findings", "施工进度偏慢"),
            ],
        )
        .await;
    assert_status(&r, 303);
    let r = member
        .post(
            &format!("/d/groups/projects/{p0}/problems"),
            &[
                ("csrf", &csrf),
                ("description", "排水沟未按设计施工"),
                ("severity", "high"),
                ("deadline", "not a date"),
            ],
        )
        .await;
    assert_status(&r, 422);
    r.assert_contains("日期格式不对")
        .assert_contains("排水沟未按设计施工");
    let r = member
        .post(
            &format!("/d/groups/projects/{p0}/problems"),
            &[
                ("csrf", &csrf),
                ("description", "排水沟未按设计施工"),
                ("severity", "high"),
                ("deadline", "2027-04-30"),
            ],
        )
        .await;
    assert_status(&r, 303);
    let work = member.get(&format!("/d/groups/projects/{p0}")).await;
    work.assert_contains("施工进度偏慢")
        .assert_contains("排水沟未按设计施工")
        .assert_contains("待整改");
    member
        .get("/d/groups")
        .await
        .assert_contains("未解决问题 1");

    let problems = app
        .get(&format!("/api/v1/projects/{p0}/problems"), None)
        .await
        .expect(200);
    let problem = problems["items"][0]["id"].as_str().unwrap().to_owned();

    // Not rectified yet: nothing to verify.
    let r = member
        .post_multipart(
            &format!("/d/groups/problems/{problem}/verify"),
            &[("csrf", &csrf), ("note", "")],
        )
        .await;
    assert_status(&r, 409);
    r.assert_contains("尚未报告整改");

    // A deputy in no group: neither the page nor the writes.
    let mut outsider = deputy(&app, &y.deputies[3].1).await;
    let own = outsider.get("/d/groups").await;
    own.assert_contains("您不在任何监督组中");
    assert_status(
        &outsider.get(&format!("/d/groups/projects/{p0}")).await,
        403,
    );
    let r = outsider
        .post(
            &format!("/d/groups/projects/{p0}/problems"),
            &[
                ("csrf", &own.csrf()),
                ("description", "x"),
                ("severity", "low"),
                ("deadline", "2027-04-30"),
            ],
        )
        .await;
    assert_status(&r, 403);
    // A department is no group member.
    let mut zjj = dept(&app, "zjj").await;
    assert_status(&zjj.get("/d/groups").await, 403);

    // The department answers; the group sends it back; answered again; verified.
    let desk = zjj.get("/dept").await;
    desk.assert_contains("排水沟未按设计施工");
    let zcsrf = desk.csrf();
    let r = zjj
        .post_multipart(
            &format!("/dept/problems/{problem}/rectify"),
            &[("csrf", &zcsrf), ("note", "已返工")],
        )
        .await;
    assert_status(&r, 303);
    let mut jtj = dept(&app, "jtj").await;
    let jdesk = jtj.get("/dept").await;
    jdesk.assert_lacks("排水沟未按设计施工");
    let r = member
        .post_multipart(
            &format!("/d/groups/problems/{problem}/send-back"),
            &[("csrf", &csrf), ("note", "坡度仍不够")],
        )
        .await;
    assert_status(&r, 303);
    let r = zjj
        .post_multipart(
            &format!("/dept/problems/{problem}/rectify"),
            &[("csrf", &zcsrf), ("note", "已重新找坡")],
        )
        .await;
    assert_status(&r, 303);
    let work = member.get(&format!("/d/groups/projects/{p0}")).await;
    work.assert_contains("退回</strong> 坡度仍不够")
        .assert_contains("已重新找坡")
        .assert_contains("验收通过");
    let r = member
        .post_multipart(
            &format!("/d/groups/problems/{problem}/verify"),
            &[("csrf", &csrf), ("note", "复查合格")],
        )
        .await;
    assert_status(&r, 303);
    let public = Visitor::new(&app.base)
        .get(&format!("/projects/{p0}"))
        .await;
    public
        .assert_contains("已验收")
        .assert_contains("监督组验收通过：复查合格")
        .assert_contains("提出问题：排水沟未按设计施工");
    let _ = y.admin;
}
