//! The duty-record and liaison-station pages: the office sets the rules and records leave on its
//! page (a wrong code refused in a sentence, the input kept), a deputy reads their record and asks
//! for a correction, the office accepts it, takes and publishes the quarter, the public reads it;
//! a station's deputy records a citizen's opinion, the citizen looks it up by code on the public
//! page, and a deputy of no station sees none.

use chrono::Datelike;
use minsheng_tests::{ADMIN_PASSWORD, TestApp, pages::Visitor};
use serde_json::json;

#[tokio::test]
async fn duty_record_and_station_through_the_pages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let today = minsheng_domain::clock::today();
    let year = today.year();
    let ds = app.deputies(&admin, 2).await;
    let sid = app
        .post(
            "/api/v1/sessions",
            Some(&admin),
            json!({"name": "县人大第四次会议", "year": year}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.put(
        &format!("/api/v1/sessions/{sid}/roster"),
        Some(&admin),
        json!({"deputy_ids": [ds[0].0, ds[1].0]}),
    )
    .await
    .expect(200);
    app.put(
        &format!("/api/v1/sessions/{sid}/attendance"),
        Some(&admin),
        json!({"deputy_ids": [ds[0].0], "present": true}),
    )
    .await
    .expect(200);

    // The office: rules, then leave for D0002 (a wrong code first).
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let page = office.get("/admin/duty").await;
    assert_eq!(page.status, 200, "{}", page.html);
    page.assert_contains("积分办法")
        .assert_contains("出席代表大会会议");
    let csrf = page.csrf();
    let y = year.to_string();
    let saved = office
        .post(
            "/admin/duty/rules",
            &[
                ("csrf", &csrf),
                ("year", &y),
                ("p_session_attended", "2"),
                ("p_session_leave", "-1"),
                ("p_session_absent", "-3"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let refused = office
        .post(
            "/admin/duty/leave",
            &[
                ("csrf", &csrf),
                ("year", &y),
                ("session", &sid),
                ("code", "D9999"),
                ("half_days", "2"),
                ("reason", "外出学习"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused
        .assert_contains("代表编号有误")
        .assert_contains("外出学习");
    let leave = office
        .post(
            "/admin/duty/leave",
            &[
                ("csrf", &csrf),
                ("year", &y),
                ("session", &sid),
                ("code", "d0002"),
                ("half_days", "2"),
                ("reason", "外出学习"),
            ],
        )
        .await;
    assert_eq!(leave.status, 303);

    // D0002 reads the record: leave, -2; asks that the line be corrected.
    let mut d2 = Visitor::logged_in(&app.base, "d0002", "deputy-password-1").await;
    let mine = d2.get("/d/duty").await;
    mine.assert_contains("我的履职档案")
        .assert_contains("请假（按半天计）")
        .assert_contains("-2")
        .assert_contains("县人大第四次会议");
    let key = format!("session:{sid}");
    let asked = d2
        .post(
            "/d/duty/corrections",
            &[
                ("csrf", &mine.csrf()),
                ("year", &y),
                ("line_key", &key),
                ("kind", "wrong"),
                ("reason", "当天已到会，只是未签到"),
            ],
        )
        .await;
    assert_eq!(asked.status, 303);
    d2.get("/d/duty").await.assert_contains("待审核");
    // The office accepts it; the line is struck and earns 0.
    let page = office.get("/admin/duty").await;
    page.assert_contains("当天已到会，只是未签到");
    let cid = app
        .get(
            &format!("/api/v1/duty/corrections?year={year}"),
            Some(&admin),
        )
        .await
        .expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let decided = office
        .post(
            "/admin/duty/decide",
            &[
                ("csrf", &page.csrf()),
                ("year", &y),
                ("id", &cid),
                ("accept", "1"),
                ("note", "已核实"),
            ],
        )
        .await;
    assert_eq!(decided.status, 303);
    d2.get("/d/duty")
        .await
        .assert_contains("已更正删除")
        .assert_contains("已采纳");

    // The quarter: taken, published, read by anyone.
    let q = ((today.month0() / 3) + 1).to_string();
    let page = office.get("/admin/duty").await;
    assert_eq!(
        office
            .post(
                "/admin/duty/snapshot",
                &[("csrf", &page.csrf()), ("year", &y), ("quarter", &q)]
            )
            .await
            .status,
        303
    );
    let snap = app
        .get("/api/v1/duty/snapshots", Some(&admin))
        .await
        .expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut public = Visitor::new(&app.base);
    assert_eq!(
        public.get(&format!("/duty/snapshots/{snap}")).await.status,
        404
    );
    let page = office.get("/admin/duty").await;
    assert_eq!(
        office
            .post(
                "/admin/duty/publish",
                &[("csrf", &page.csrf()), ("year", &y), ("id", &snap)]
            )
            .await
            .status,
        303
    );
    public
        .get(&format!("/duty/snapshots/{snap}"))
        .await
        .assert_contains("代表1")
        .assert_contains("出席代表大会会议")
        .assert_contains("+2");
    // A deputy cannot reach the office's desk.
    assert_eq!(d2.get("/admin/duty").await.status, 403);

    // A station with D0001; D0001 records a citizen's opinion and gets the code.
    app.post(
        "/api/v1/stations",
        Some(&admin),
        json!({"name": "东街代表联络站", "address": "东街1号", "kind": "normal", "deputy_ids": [ds[0].0]}),
    )
    .await
    .expect(201);
    let mut d1 = Visitor::logged_in(&app.base, "d0001", "deputy-password-1").await;
    let work = d1.get("/d/stations").await;
    work.assert_contains("东街代表联络站")
        .assert_contains("不含姓名和联系方式");
    let station = app.get("/api/v1/stations", None).await.expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = d1
        .post(
            &format!("/d/stations/{station}/opinion"),
            &[
                ("csrf", &work.csrf()),
                ("station", &station),
                ("day", ""),
                ("citizen_name", "李师傅"),
                ("contact", "13800000000"),
                ("content", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused
        .assert_contains("李师傅")
        .assert_contains("13800000000");
    let recorded = d1
        .post(
            &format!("/d/stations/{station}/opinion"),
            &[
                ("csrf", &work.csrf()),
                ("station", &station),
                ("day", ""),
                ("citizen_name", "李师傅"),
                ("contact", "13800000000"),
                ("content", "菜市场门口占道经营，堵塞交通。"),
            ],
        )
        .await;
    assert_eq!(recorded.status, 303);
    let code = app
        .get(
            &format!("/api/v1/stations/{station}/opinions"),
            Some(&admin),
        )
        .await
        .expect(200)["items"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    d1.get(&format!("/d/stations?given={code}"))
        .await
        .assert_contains(&format!("请把查询码 {code} 写给群众"));
    // The citizen looks it up; the station's public page shows it without the contact.
    public
        .get(&format!("/stations/lookup?code={}", code.to_lowercase()))
        .await
        .assert_contains("菜市场门口占道经营")
        .assert_contains("已收到，正在办理")
        .assert_lacks("13800000000")
        .assert_lacks("李师傅");
    let wrong = public.get("/stations/lookup?code=AAAA2222").await;
    assert_eq!(wrong.status, 404);
    wrong
        .assert_contains("没有找到这个查询码")
        .assert_contains("AAAA2222");
    public
        .get(&format!("/stations/{station}"))
        .await
        .assert_contains("东街代表联络站")
        .assert_contains("菜市场门口占道经营")
        .assert_lacks("13800000000");
    // D0001 answers it; the citizen reads the answer.
    let oid = app
        .get(
            &format!("/api/v1/stations/{station}/opinions"),
            Some(&admin),
        )
        .await
        .expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let work = d1.get("/d/stations").await;
    assert_eq!(
        d1.post(
            &format!("/d/station-opinions/{oid}/answer"),
            &[
                ("csrf", &work.csrf()),
                ("answer", "已联系城管部门，本周整治。")
            ]
        )
        .await
        .status,
        303
    );
    public
        .get(&format!("/stations/lookup?code={code}"))
        .await
        .assert_contains("已联系城管部门，本周整治。");
    // D0002 belongs to no station: sees none, and cannot record at this one.
    let other = d2.get("/d/stations").await;
    other.assert_contains("您还不是任何联络站的进站代表");
    assert_eq!(
        d2.post(
            &format!("/d/stations/{station}/opinion"),
            &[
                ("csrf", &other.csrf()),
                ("citizen_name", "x"),
                ("content", "y")
            ]
        )
        .await
        .status,
        404
    );
}

/// 履职评议 on the pages: the office enters an official's report (a bad date refused, the input
/// kept) and ticks it into a round beside a project; the deputy's rating page lists both; the
/// published grade shows on the subject's public page, and the office records the rectification.
#[tokio::test]
async fn an_official_s_report_rated_through_the_pages() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let mut office = Visitor::logged_in(&app.base, "admin", ADMIN_PASSWORD).await;
    let page = office.get("/admin/subjects").await;
    assert_eq!(page.status, 200, "{}", page.html);
    let form = |oral: &'static str| {
        vec![
            ("kind", "official_report"),
            ("name", "王芳"),
            ("post", "县法院院长"),
            ("unit", "县人民法院"),
            ("year", "2027"),
            ("oral_on", oral),
            ("written_report", "审判执行工作情况。"),
        ]
    };
    let csrf = page.csrf();
    let mut bad = form("六月");
    bad.push(("csrf", &csrf));
    let refused = office.post("/admin/subjects/create", &bad).await;
    assert_eq!(refused.status, 422);
    refused
        .assert_contains("日期不对")
        .assert_contains("县法院院长");
    let mut good = form("2027-06-20");
    good.push(("csrf", &csrf));
    assert_eq!(
        office.post("/admin/subjects/create", &good).await.status,
        303
    );
    let sid = app.get("/api/v1/rating-subjects", None).await.expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let new = office
        .get(&format!("/admin/sessions/{}/ratings/new", k.session.id))
        .await;
    new.assert_contains("王芳 县法院院长");
    let created = office
        .post(
            &format!("/admin/sessions/{}/ratings", k.session.id),
            &[
                ("csrf", &new.csrf()),
                ("title", "2027年测评"),
                ("threshold_base", "all_deputies"),
                ("project_ids", &k.project),
                ("subject_ids", &sid),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let e = app
        .get(
            &format!("/api/v1/sessions/{}/evaluations", k.session.id),
            Some(&k.admin),
        )
        .await
        .expect(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/evaluations/{e}/open"),
        Some(&k.admin),
        json!({}),
    )
    .await
    .expect(200);
    let mut deputy = Visitor::logged_in(&app.base, "d0001", "deputy-password-1").await;
    deputy
        .get(&format!("/d/ratings/{e}"))
        .await
        .assert_contains("王芳 县法院院长")
        .assert_contains("履职报告 · 县人民法院")
        .assert_contains(&format!("ratings[{sid}]"));
    for (_, t) in &k.session.deputies {
        app.post(
            &format!("/api/v1/evaluations/{e}/ballots"),
            Some(t),
            json!({"ratings": {k.project.clone(): "satisfied", sid.clone(): "unsatisfied"}}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("/api/v1/evaluations/{e}/close"),
        Some(&k.admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/evaluations/{e}/publish"),
        Some(&k.admin),
        json!({}),
    )
    .await
    .expect(200);
    office
        .get(&format!("/admin/ratings/{e}"))
        .await
        .assert_contains(&format!("/subjects/{sid}"));
    let mut public = Visitor::new(&app.base);
    public
        .get(&format!("/subjects/{sid}"))
        .await
        .assert_contains("王芳 县法院院长")
        .assert_contains("不满意")
        .assert_contains("审判执行工作情况。");
    let page = office.get("/admin/subjects").await;
    page.assert_contains("登记整改情况");
    assert_eq!(
        office
            .post(
                "/admin/subjects/rectify",
                &[
                    ("csrf", &page.csrf()),
                    ("id", &sid),
                    ("rectification", "制定整改方案，限期整改。")
                ]
            )
            .await
            .status,
        303
    );
    public
        .get(&format!("/subjects/{sid}"))
        .await
        .assert_contains("制定整改方案，限期整改。");
}
