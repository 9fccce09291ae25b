//! A year of follow-up over HTTP: adoption, milestones, progress, inspections, problems through
//! rectification, completion, escalation, the public timeline, and the satisfaction rating.

use minsheng_tests::{Handle, SessionSetup, TestApp};
use serde_json::{Value, json};

struct Year {
    admin: String,
    session: SessionSetup,
    /// Adopted: p[0], p[1]; reserve: p[2].
    p: Vec<String>,
    /// The responsible department of every project (县住建局) and another department.
    dept: String,
    other_dept: String,
}

async fn department(app: &Handle, admin: &str, username: &str, department: &str) -> String {
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
        json!({"current_password": created["initial_password"], "new_password": "department-pw-1"}),
    )
    .await
    .expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Votes p0 and p1 in (two seats of three) and sets up two department accounts.
async fn adopted_year(app: &TestApp) -> Year {
    let admin = app.admin().await;
    let session = app.session_with(&admin, 5).await;
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
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/votes/{vote}/publish"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let dept = department(app, &admin, "zjj", "县住建局").await;
    let other_dept = department(app, &admin, "jtj", "县交通运输局").await;
    Year {
        admin,
        session,
        p,
        dept,
        other_dept,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_of_follow_up() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (p0, admin) = (&y.p[0], &y.admin);
    let member = &y.session.deputies[0];
    let outsider = &y.session.deputies[3];

    // The baseline is frozen at adoption: materials cannot change any more.
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["baseline"]["budget_yuan"], 1_200_000);
    assert_eq!(f["baseline"]["department"], "县住建局");
    assert_eq!(f["baseline"]["planned_completion"], "2027-12-31");
    assert_eq!(f["status_colour"], "on_schedule");
    app.patch(
        &format!("/api/v1/projects/{p0}"),
        Some(admin),
        json!({"budget_yuan": 9}),
    )
    .await
    .expect_problem(409, "project_frozen");

    // A supervision group follows p0.
    let group = app
        .post(
            "/api/v1/supervision-groups",
            Some(admin),
            json!({"name": "第一监督组", "year": 2027, "leader_id": member.0, "member_ids": [y.session.deputies[1].0], "project_ids": [p0]}),
        )
        .await
        .expect(201);
    assert_eq!(group["member_ids"].as_array().unwrap().len(), 2);
    app.post(
        "/api/v1/supervision-groups",
        Some(admin),
        json!({"name": "x", "year": 2027, "leader_id": member.0, "project_ids": [y.p[2]]}),
    )
    .await
    .expect_problem(422, "project_not_adopted");

    // Milestones by the department; an overdue one turns the colour.
    let m = app
        .post(
            &format!("/api/v1/projects/{p0}/milestones"),
            Some(&y.dept),
            json!({"title": "完成设计招标", "due_on": "2020-03-31"}),
        )
        .await
        .expect(201);
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["status_colour"], "behind");
    assert_eq!(f["overdue_milestones"], 1);
    app.patch(
        &format!("/api/v1/milestones/{}", m["id"].as_str().unwrap()),
        Some(&y.dept),
        json!({"done_on": "2020-03-30"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/projects/{p0}/milestones"),
        Some(admin),
        json!({"title": "主体完工", "due_on": "2027-09-30"}),
    )
    .await
    .expect(201);

    // Progress by the department: the project is now in progress.
    let r = app
        .post(&format!("/api/v1/projects/{p0}/progress"), Some(&y.dept), json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000, "note": "设计完成"}))
        .await
        .expect(201);
    assert_eq!(r["percent_complete"], 30);
    assert_eq!(
        app.get(&format!("/api/v1/projects/{p0}"), None)
            .await
            .expect(200)["status"],
        "in_progress"
    );
    app.post(
        &format!("/api/v1/projects/{p0}/progress"),
        Some(&y.dept),
        json!({"period": "2027-04", "percent_complete": 101, "spent_yuan": 0}),
    )
    .await
    .expect_problem(422, "invalid_percent");
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["percent_complete"], 30);
    assert_eq!(f["spent_yuan"], 500_000);
    assert_eq!(f["budget_variance_yuan"], 500_000 - 360_000);
    assert_eq!(f["status_colour"], "on_schedule");

    // An inspection by a group member.
    app.post(
        &format!("/api/v1/projects/{p0}/inspections"),
        Some(&member.1),
        json!({"kind": "inspection", "held_on": "2027-04-10", "location": "城东小区", "participants": "第一监督组全体", "findings": "进度基本正常，安全围挡不足"}),
    )
    .await
    .expect(201);

    // Problem → rectification → sent back → rectified → verified.
    let problem = app
        .post(
            &format!("/api/v1/projects/{p0}/problems"),
            Some(&member.1),
            json!({"description": "施工围挡不足，存在安全隐患", "severity": "high", "deadline": "2099-05-10"}),
        )
        .await
        .expect(201);
    assert_eq!(problem["responsible_department"], "县住建局");
    assert_eq!(problem["status"], "open");
    let pid = problem["id"].as_str().unwrap().to_owned();
    let act = |token: &str, action: &str, note: &str| {
        let (app, token, pid, body) = (
            app.handle.clone(),
            token.to_owned(),
            pid.clone(),
            json!({"action": action, "note": note}),
        );
        async move {
            app.request(
                reqwest::Method::PATCH,
                &format!("/api/v1/problems/{pid}"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    act(&member.1, "verify", "")
        .await
        .expect_problem(409, "problem_not_rectified");
    assert_eq!(
        act(&y.dept, "rectify", "已增设围挡200米").await.expect(200)["status"],
        "rectified"
    );
    assert_eq!(
        act(&member.1, "send_back", "夜间照明仍不足")
            .await
            .expect(200)["status"],
        "open"
    );

    // Completion is refused while a problem is open, and while under 100 %.
    app.patch(
        &format!("/api/v1/projects/{p0}"),
        Some(admin),
        json!({"status": "completed"}),
    )
    .await
    .expect_problem(409, "open_problems");
    assert_eq!(
        act(&y.dept, "rectify", "增设夜间警示灯").await.expect(200)["status"],
        "rectified"
    );
    let closed = act(&y.session.deputies[1].1, "verify", "复查合格")
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
    let kinds: Vec<&str> = closed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["raised", "rectified", "sent_back", "rectified", "verified"]
    );
    let roles: Vec<&str> = closed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["by_role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        vec!["deputy", "department", "deputy", "department", "deputy"]
    );
    app.patch(
        &format!("/api/v1/projects/{p0}"),
        Some(admin),
        json!({"status": "completed"}),
    )
    .await
    .expect_problem(409, "not_finished");
    app.post(&format!("/api/v1/projects/{p0}/progress"), Some(&y.dept), json!({"period": "2027-11", "percent_complete": 100, "spent_yuan": 1_150_000, "note": "竣工验收"}))
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/projects/{p0}/escalations"),
        Some(admin),
        json!({"kind": "inquiry", "held_on": "2027-06-01", "note": "就进度询问县住建局"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/api/v1/projects/{p0}"),
        Some(admin),
        json!({"status": "completed"}),
    )
    .await
    .expect(200);
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["status_colour"], "completed");

    // The public timeline, in date order, with no account data.
    let t = app
        .get(&format!("/api/v1/projects/{p0}/timeline"), None)
        .await
        .expect(200);
    let entries = t["entries"].as_array().unwrap();
    let dates: Vec<&str> = entries
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "adopted",
        "milestone_due",
        "milestone_done",
        "progress",
        "inspection",
        "problem_raised",
        "problem_rectified",
        "problem_sent_back",
        "problem_verified",
        "escalation",
    ] {
        assert!(kinds.contains(&k), "timeline lacks {k}: {kinds:?}");
    }
    assert_eq!(t["status_colour"], "completed");
    let text = t.to_string();
    for private in ["zjj", "d0001", &member.0] {
        assert!(!text.contains(private), "public timeline shows {private}");
    }
    // The reserve project has no follow-up, and the public is told why (the results name it).
    app.get(&format!("/api/v1/projects/{}/timeline", y.p[2]), None)
        .await
        .expect_problem(409, "project_not_adopted");
    app.get(
        &format!("/api/v1/projects/{}/timeline", y.p[2]),
        Some(&outsider.1),
    )
    .await
    .expect_problem(409, "project_not_adopted");
    // Other deputies read.
    app.get(
        &format!("/api/v1/projects/{p0}/problems"),
        Some(&outsider.1),
    )
    .await
    .expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_matrix() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (p0, admin) = (y.p[0].clone(), y.admin.clone());
    let member = y.session.deputies[0].1.clone();
    let outsider = y.session.deputies[3].1.clone();
    app.post(
        "/api/v1/supervision-groups",
        Some(&admin),
        json!({"name": "第一监督组", "year": 2027, "leader_id": y.session.deputies[0].0, "project_ids": [p0]}),
    )
    .await
    .expect(201);
    let problem = app
        .post(
            &format!("/api/v1/projects/{p0}/problems"),
            Some(&member),
            json!({"description": "d", "severity": "low", "deadline": "2099-01-01"}),
        )
        .await
        .expect(201);
    let pid = problem["id"].as_str().unwrap().to_owned();

    let progress = json!({"period": "2027-05", "percent_complete": 10, "spent_yuan": 1});
    let inspection = json!({"kind": "research", "held_on": "2027-05-01", "location": "x", "participants": "y", "findings": "z"});
    let new_problem = json!({"description": "d", "severity": "medium", "deadline": "2099-01-01"});
    let milestone = json!({"title": "t", "due_on": "2099-01-01"});
    let escalation = json!({"kind": "interpellation", "held_on": "2027-05-01", "note": "n"});
    type Case = (&'static str, String, Value);
    let cases: Vec<Case> = vec![
        (
            "progress",
            format!("/api/v1/projects/{p0}/progress"),
            progress,
        ),
        (
            "inspection",
            format!("/api/v1/projects/{p0}/inspections"),
            inspection,
        ),
        (
            "problem",
            format!("/api/v1/projects/{p0}/problems"),
            new_problem,
        ),
        (
            "milestone",
            format!("/api/v1/projects/{p0}/milestones"),
            milestone,
        ),
        (
            "escalation",
            format!("/api/v1/projects/{p0}/escalations"),
            escalation,
        ),
    ];
    // Who may: (action, caller) → expected status.
    let callers: Vec<(&str, Option<&str>)> = vec![
        ("admin", Some(&admin)),
        ("department", Some(&y.dept)),
        ("other department", Some(&y.other_dept)),
        ("member", Some(&member)),
        ("other deputy", Some(&outsider)),
        ("public", None),
    ];
    let allowed = |action: &str, caller: &str| -> bool {
        matches!(
            (action, caller),
            ("progress", "department")
                | ("inspection", "member")
                | ("problem", "member")
                | ("milestone", "admin")
                | ("milestone", "department")
                | ("escalation", "admin")
        )
    };
    for (action, url, body) in &cases {
        for (caller, token) in &callers {
            let r = app.post(url, *token, body.clone()).await;
            let want = if allowed(action, caller) {
                201
            } else if token.is_none() {
                401
            } else {
                403
            };
            assert_eq!(r.status.as_u16(), want, "{caller} {action}: {}", r.body);
        }
    }
    // Rectify: only the responsible department; verify: only a group member.
    for (caller, token) in &callers {
        let r = app
            .request(
                reqwest::Method::PATCH,
                &format!("/api/v1/problems/{pid}"),
                *token,
                Some(json!({"action": "rectify", "note": "done"})),
            )
            .await;
        let want = match *caller {
            "department" => 200,
            "public" => 401,
            _ => 403,
        };
        assert_eq!(r.status.as_u16(), want, "{caller} rectify: {}", r.body);
        if want == 200 {
            break;
        }
    }
    for (caller, token) in &callers {
        let r = app
            .request(
                reqwest::Method::PATCH,
                &format!("/api/v1/problems/{pid}"),
                *token,
                Some(json!({"action": "verify"})),
            )
            .await;
        let want = match *caller {
            "member" => 200,
            "public" => 401,
            _ => 403,
        };
        assert_eq!(r.status.as_u16(), want, "{caller} verify: {}", r.body);
        if want == 200 {
            break;
        }
    }
    // Everyone reads an adopted project's follow-up, the public included.
    for (caller, token) in &callers {
        for path in [
            "follow-up",
            "timeline",
            "progress",
            "inspections",
            "problems",
            "milestones",
            "escalations",
        ] {
            let r = app
                .get(&format!("/api/v1/projects/{p0}/{path}"), *token)
                .await;
            assert_eq!(r.status.as_u16(), 200, "{caller} reads {path}: {}", r.body);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn satisfaction_rating_rounds() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let admin = &y.admin;
    let (p0, p1) = (&y.p[0], &y.p[1]);
    // The next session, with the same five deputies, all present.
    let s = app
        .post(
            "/api/v1/sessions",
            Some(admin),
            json!({"name": "第六次会议", "year": 2028}),
        )
        .await
        .expect(201);
    let sid = s["id"].as_str().unwrap().to_owned();
    let ids: Vec<&String> = y.session.deputies.iter().map(|(d, _)| d).collect();
    app.put(
        &format!("/api/v1/sessions/{sid}/attendance"),
        Some(admin),
        json!({"deputy_ids": ids, "present": true}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/sessions/{sid}/evaluations"),
        Some(admin),
        json!({"title": "x", "project_ids": [y.p[2]]}),
    )
    .await
    .expect_problem(422, "project_not_adopted");

    let round = |title: &'static str| {
        let (app, admin, sid, p) = (
            app.handle.clone(),
            admin.clone(),
            sid.clone(),
            vec![p0.clone(), p1.clone()],
        );
        async move {
            app.post(
                &format!("/api/v1/sessions/{sid}/evaluations"),
                Some(&admin),
                json!({"title": title, "project_ids": p}),
            )
            .await
            .expect(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let e1 = round("2027年民生实事项目满意度测评").await;
    let url = format!("/api/v1/evaluations/{e1}/ballots");
    let voter = &y.session.deputies[0].1;
    app.post(
        &url,
        Some(voter),
        json!({"ratings": {p0.clone(): "satisfied", p1.clone(): "satisfied"}}),
    )
    .await
    .expect_problem(409, "vote_not_open");
    app.post(
        &format!("/api/v1/evaluations/{e1}/open"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &url,
        Some(voter),
        json!({"ratings": {p0.clone(): "satisfied"}}),
    )
    .await
    .expect_problem(422, "incomplete_ballot");
    app.post(
        &url,
        Some(voter),
        json!({"ratings": {p0.clone(): "satisfied", y.p[2].clone(): "satisfied"}}),
    )
    .await
    .expect_problem(422, "unknown_candidate");
    app.post(
        &url,
        Some(admin),
        json!({"ratings": {p0.clone(): "satisfied", p1.clone(): "satisfied"}}),
    )
    .await
    .expect_problem(403, "not_a_deputy");
    // p0: 3 satisfied, 1 basically, 1 unsatisfied of 5 → 满意; p1: 2 satisfied, 1 basically → 基本满意.
    let plan = [
        ("satisfied", "satisfied"),
        ("satisfied", "basically_satisfied"),
        ("satisfied", "satisfied"),
        ("basically_satisfied", "unsatisfied"),
        ("unsatisfied", "unsatisfied"),
    ];
    for ((_, token), (a, b)) in y.session.deputies.iter().zip(plan) {
        let receipt = app
            .post(
                &url,
                Some(token),
                json!({"ratings": {p0.clone(): a, p1.clone(): b}}),
            )
            .await
            .expect(201);
        // The round's id under its own name, and under the old `vote_id` (deprecated) too.
        assert_eq!(receipt["evaluation_id"], e1.as_str(), "{receipt}");
        assert_eq!(receipt["vote_id"], e1.as_str(), "{receipt}");
        assert_eq!(receipt["receipt"].as_str().map(str::len), Some(32));
    }
    // The rounds of an unknown session are not found, as its votes are (not an empty list).
    let nowhere = uuid::Uuid::new_v4();
    for what in ["evaluations", "votes"] {
        app.get(&format!("/api/v1/sessions/{nowhere}/{what}"), Some(admin))
            .await
            .expect_problem(404, "not_found");
    }
    // A session's rounds answer in the shape of every list.
    let rounds = app
        .get(&format!("/api/v1/sessions/{sid}/evaluations"), Some(admin))
        .await
        .expect(200);
    assert_eq!(rounds["total"], 1, "{rounds}");
    assert_eq!(rounds["items"][0]["id"], e1.as_str(), "{rounds}");
    app.post(
        &url,
        Some(voter),
        json!({"ratings": {p0.clone(): "unsatisfied", p1.clone(): "unsatisfied"}}),
    )
    .await
    .expect_problem(409, "already_voted");
    app.post(
        &format!("/api/v1/evaluations/{e1}/close"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    app.get(&format!("/api/v1/evaluations/{e1}/results"), None)
        .await
        .expect_problem(409, "results_not_published");
    let r = app
        .post(
            &format!("/api/v1/evaluations/{e1}/publish"),
            Some(admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(r["base"], 5);
    let rows = r["projects"].as_array().unwrap();
    assert_eq!(
        (
            rows[0]["satisfied"].as_u64(),
            rows[0]["basically_satisfied"].as_u64(),
            rows[0]["unsatisfied"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(rows[0]["grade"], "satisfied");
    assert_eq!(rows[0]["satisfaction_permille"], 800);
    assert_eq!(rows[1]["grade"], "basically_satisfied");
    app.get(&format!("/api/v1/evaluations/{e1}/results"), None)
        .await
        .expect(200);

    // A second round for the same projects: the latest grade changes, the history keeps both.
    let e2 = round("整改后再次测评").await;
    app.post(
        &format!("/api/v1/evaluations/{e2}/open"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    let mut cast_order = Vec::new();
    for (_, token) in &y.session.deputies {
        let receipt = app
            .post(
                &format!("/api/v1/evaluations/{e2}/ballots"),
                Some(token),
                json!({"ratings": {p0.clone(): "unsatisfied", p1.clone(): "satisfied"}}),
            )
            .await
            .expect(201)["receipt"]
            .as_str()
            .unwrap()
            .to_owned();
        cast_order.push(receipt);
    }
    app.post(
        &format!("/api/v1/evaluations/{e2}/close"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/evaluations/{e2}/publish"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    let f = app
        .get(&format!("/api/v1/projects/{p1}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["latest_grade"]["grade"], "satisfied");
    let history: Vec<&str> = f["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["grade"].as_str().unwrap())
        .collect();
    assert_eq!(history, vec!["basically_satisfied", "satisfied"]);
    let f0 = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f0["latest_grade"]["grade"], "unsatisfied");
    let t = app
        .get(&format!("/api/v1/projects/{p0}/timeline"), None)
        .await
        .expect(200);
    assert_eq!(
        t["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "rating")
            .count(),
        2
    );

    // Rating ballots are stored like secret vote ballots: no deputy, receipt order.
    let db = sea_orm::Database::connect(&app.db.url).await.unwrap();
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    let cols = match backend {
        sea_orm::DbBackend::Postgres => {
            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'evaluation_ballots' ORDER BY column_name"
        }
        _ => "SELECT name FROM pragma_table_info('evaluation_ballots') ORDER BY name",
    };
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(backend, cols.to_owned()))
        .await
        .unwrap();
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    assert_eq!(names, vec!["content", "evaluation_id", "receipt"]);
    // Storage order follows the receipts, not the order of rating.
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT receipt FROM evaluation_ballots".to_owned(),
        ))
        .await
        .unwrap();
    let stored: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .filter(|r| cast_order.contains(r))
        .collect();
    let mut sorted = cast_order.clone();
    sorted.sort();
    assert_eq!(stored, sorted);
}

/// Issue 8, input 1 for ratings: with base `present`, deputies who rated and were then marked
/// absent still count in the base, so the grade is the one the same ratings always give.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rating_base_present_counts_every_deputy_who_rated() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let admin = &y.admin;
    let p0 = &y.p[0];
    let sid = app
        .post(
            "/api/v1/sessions",
            Some(admin),
            json!({"name": "第六次会议", "year": 2028}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids: Vec<&String> = y.session.deputies.iter().map(|(d, _)| d).collect();
    let attendance = format!("/api/v1/sessions/{sid}/attendance");
    app.put(
        &attendance,
        Some(admin),
        json!({"deputy_ids": ids, "present": true}),
    )
    .await
    .expect(200);
    let e = app
        .post(
            &format!("/api/v1/sessions/{sid}/evaluations"),
            Some(admin),
            json!({"title": "测评", "project_ids": [p0], "threshold_base": "present"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/evaluations/{e}/open"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    // The roster is fixed once a rating round has opened, as once a vote has.
    app.put(
        &format!("/api/v1/sessions/{sid}/roster"),
        Some(admin),
        json!({"deputy_ids": ids[..4]}),
    )
    .await
    .expect_problem(409, "roster_locked");
    let plan = [
        "satisfied",
        "satisfied",
        "unsatisfied",
        "unsatisfied",
        "unsatisfied",
    ];
    for ((_, token), grade) in y.session.deputies.iter().zip(plan) {
        app.post(
            &format!("/api/v1/evaluations/{e}/ballots"),
            Some(token),
            json!({"ratings": {p0.clone(): grade}}),
        )
        .await
        .expect(201);
    }
    // Without the rule, a base of 2 would make 2 satisfied "more than half".
    app.put(
        &attendance,
        Some(admin),
        json!({"deputy_ids": ids[2..], "present": false}),
    )
    .await
    .expect(200);
    let live = app
        .get(&format!("/api/v1/evaluations/{e}"), Some(admin))
        .await
        .expect(200);
    assert_eq!(live["present"], 5);
    app.post(
        &format!("/api/v1/evaluations/{e}/close"),
        Some(admin),
        json!({}),
    )
    .await
    .expect(200);
    app.put(
        &attendance,
        Some(admin),
        json!({"deputy_ids": ids, "present": false}),
    )
    .await
    .expect(200);
    let r = app
        .get(&format!("/api/v1/evaluations/{e}/results"), Some(admin))
        .await
        .expect(200);
    assert_eq!(r["base"], 5);
    assert_eq!(r["not_voted"], 0);
    assert_eq!(r["evaluation"]["present"], 5);
    assert_eq!(r["evaluation"]["ballots_cast"], 5);
    assert_eq!(r["projects"][0]["grade"], "unsatisfied");
}

/// Issue 8, input 3: the current state is the report of the latest period; a report filed late for
/// an earlier period is history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_period_is_the_current_state() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let p0 = &y.p[0];
    let url = format!("/api/v1/projects/{p0}/progress");
    for (period, percent) in [("2027-05", 30), ("2027-06", 50), ("2027-04", 20)] {
        app.post(
            &url,
            Some(&y.dept),
            json!({"period": period, "percent_complete": percent, "spent_yuan": 0}),
        )
        .await
        .expect(201);
    }
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["percent_complete"], 50);
    assert_eq!(f["latest_report"]["period"], "2027-06");
    let periods: Vec<String> = app.get(&url, None).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["period"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(periods, ["2027-04", "2027-05", "2027-06"]);
    // A quarter ending with June, filed later, covers the same last day: the later filing is current.
    app.post(
        &url,
        Some(&y.dept),
        json!({"period": "2027-Q2", "percent_complete": 55, "spent_yuan": 0}),
    )
    .await
    .expect(201);
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["percent_complete"], 55);
    // Completion reads the same latest report: a late 100 % for an earlier period does not count.
    app.post(
        &url,
        Some(&y.dept),
        json!({"period": "2027-03", "percent_complete": 100, "spent_yuan": 0}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/api/v1/projects/{p0}"),
        Some(&y.admin),
        json!({"status": "completed"}),
    )
    .await
    .expect_problem(409, "not_finished");
    // Periods follow the published pattern, so they can be ordered.
    for bad in ["2027年5月", "2027-13", "May 2027", " 2027-05", ""] {
        app.post(
            &url,
            Some(&y.dept),
            json!({"period": bad, "percent_complete": 60, "spent_yuan": 0}),
        )
        .await
        .expect_problem(422, "invalid_period");
    }
}

/// Issue 8, input 2: a completed project's follow-up record is closed. Every follow-up write is
/// refused with 409 `project_completed` and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_project_takes_no_more_follow_up() {
    let app = TestApp::spawn().await;
    let y = adopted_year(&app).await;
    let (p0, admin) = (&y.p[0], &y.admin);
    let member = &y.session.deputies[0];
    app.post(
        "/api/v1/supervision-groups",
        Some(admin),
        json!({"name": "第一监督组", "year": 2027, "leader_id": member.0, "project_ids": [p0]}),
    )
    .await
    .expect(201);
    let milestone = app
        .post(
            &format!("/api/v1/projects/{p0}/milestones"),
            Some(&y.dept),
            json!({"title": "竣工验收", "due_on": "2027-11-30"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/projects/{p0}/progress"),
        Some(&y.dept),
        json!({"period": "2027-11", "percent_complete": 100, "spent_yuan": 1_100_000}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/api/v1/projects/{p0}"),
        Some(admin),
        json!({"status": "completed"}),
    )
    .await
    .expect(200);
    let before = app
        .get(&format!("/api/v1/projects/{p0}/timeline"), None)
        .await
        .expect(200);

    let writes = [
        (
            "POST",
            format!("/api/v1/projects/{p0}/progress"),
            y.dept.clone(),
            json!({"period": "2027-12", "percent_complete": 40, "spent_yuan": 1_100_000}),
        ),
        (
            "POST",
            format!("/api/v1/projects/{p0}/milestones"),
            y.dept.clone(),
            json!({"title": "补充节点", "due_on": "2027-12-31"}),
        ),
        (
            "PATCH",
            format!("/api/v1/milestones/{milestone}"),
            admin.clone(),
            json!({"done_on": "2027-11-28"}),
        ),
        (
            "POST",
            format!("/api/v1/projects/{p0}/inspections"),
            member.1.clone(),
            json!({"kind": "inspection", "held_on": "2027-12-10", "location": "城东小区", "participants": "第一监督组", "findings": "已竣工"}),
        ),
        (
            "POST",
            format!("/api/v1/projects/{p0}/problems"),
            member.1.clone(),
            json!({"description": "绿化未恢复", "severity": "low", "deadline": "2028-01-31"}),
        ),
        (
            "POST",
            format!("/api/v1/projects/{p0}/escalations"),
            admin.clone(),
            json!({"kind": "inquiry", "held_on": "2027-12-10", "note": "询问"}),
        ),
    ];
    for (method, path, token, body) in writes {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        app.request(method, &path, Some(&token), Some(body))
            .await
            .expect_problem(409, "project_completed");
    }
    let f = app
        .get(&format!("/api/v1/projects/{p0}/follow-up"), None)
        .await
        .expect(200);
    assert_eq!(f["project"]["status"], "completed");
    assert_eq!(f["status_colour"], "completed");
    assert_eq!(f["percent_complete"], 100);
    let after = app
        .get(&format!("/api/v1/projects/{p0}/timeline"), None)
        .await
        .expect(200);
    assert_eq!(before, after, "nothing was recorded");
}

/// The test kit's fixture is what it says: an adopted project, its department reporting, its
/// group inspecting, the other candidate in the reserve and out of public view.
#[tokio::test]
async fn the_kit_gives_an_adopted_project_with_its_department_and_group() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let f = app
        .get(&format!("/api/v1/projects/{}/follow-up", k.project), None)
        .await
        .expect(200);
    assert_eq!(f["project"]["status"], "adopted", "{f}");
    app.post(
        &format!("/api/v1/projects/{}/progress", k.project),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/projects/{}/inspections", k.project),
        Some(&k.member),
        json!({"kind": "inspection", "held_on": "2027-04-10", "location": "城东小区", "participants": "第一监督组", "findings": "进度正常"}),
    )
    .await
    .expect(201);
    app.get(&format!("/api/v1/projects/{}", k.reserve), None)
        .await
        .expect_problem(404, "not_found");
    let g = app
        .get(
            &format!("/api/v1/supervision-groups/{}", k.group),
            Some(&k.admin),
        )
        .await
        .expect(200);
    assert_eq!(g["project_ids"], json!([k.project]), "{g}");
}

/// The public board is kept by each node and is still right after every change, on every node: a
/// report filed through one node shows on the other's board at once.
#[tokio::test]
async fn a_kept_board_follows_every_report_on_every_node() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let other = TestApp::spawn_on(&app).await;
    let row = |board: &Value| -> Value {
        board["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == json!(k.project))
            .cloned()
            .unwrap()
    };
    let before = other
        .handle
        .get("/api/v1/projects/board?year=2027", None)
        .await
        .expect(200);
    assert_eq!(row(&before)["reported"], false, "{before}");
    assert_eq!(
        other
            .handle
            .get("/api/v1/projects/board?year=2027", None)
            .await
            .expect(200),
        before,
        "kept and sent again"
    );
    app.post(
        &format!("/api/v1/projects/{}/progress", k.project),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000}),
    )
    .await
    .expect(201);
    let after = other
        .handle
        .get("/api/v1/projects/board?year=2027", None)
        .await
        .expect(200);
    assert_eq!(row(&after)["reported"], true, "{after}");
    assert_eq!(row(&after)["percent_complete"], 30);
    // A problem raised on the first node: the second node's board counts it.
    app.post(
        &format!("/api/v1/projects/{}/problems", k.project),
        Some(&k.member),
        json!({"description": "围挡不足", "severity": "high", "deadline": "2099-05-10"}),
    )
    .await
    .expect(201);
    let later = other
        .handle
        .get("/api/v1/projects/board?year=2027", None)
        .await
        .expect(200);
    assert_eq!(row(&later)["open_problems"], 1, "{later}");
}
