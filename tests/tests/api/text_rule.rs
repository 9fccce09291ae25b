//! One text rule for every field, the same answer on SQLite and PostgreSQL (which cannot store
//! U+0000): 401 at login, 422 `invalid_text` in text fields, and nothing stored; names and titles
//! also refuse bidirectional overrides and invisible characters.

use minsheng_tests::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_and_spoofing_characters_are_refused_alike_on_every_backend() {
    let app = TestApp::spawn().await;
    // Login: a name no account can have is not found, like any unknown name.
    app.try_login("admin\u{0}", "x")
        .await
        .expect_problem(401, "invalid_credentials");
    app.try_login("admin", "pass\u{0}word")
        .await
        .expect_problem(401, "invalid_credentials");

    let y = app.adopted_project().await;
    let p = &y.project;
    let project = |title: &str, summary: &str| {
        json!({"title": title, "summary": summary, "category": "民生", "department": "县住建局",
               "budget_yuan": 1_000_000, "year": 2027, "source": "public"})
    };
    for (title, summary) in [
        ("城区改造\u{0}", "好"),
        ("城区改造", "有\u{0}空字符"),
        // A title that reorders itself on a ballot: "exe.gnp" shown as "png.exe".
        ("城区\u{202E}造改", "好"),
        ("城区\u{200B}改造", "好"),
        ("城区改造", "终端转义\u{1b}[31m"),
    ] {
        app.post("/api/v1/projects", Some(&y.admin), project(title, summary))
            .await
            .expect_problem(422, "invalid_text");
    }
    // Line breaks and tabs are fine in a summary.
    app.post(
        "/api/v1/projects",
        Some(&y.admin),
        project("城区改造", "第一段\n第二段\t完"),
    )
    .await
    .expect(201);

    for (path, token, body) in [
        (
            format!("/api/v1/projects/{p}/progress"),
            &y.department,
            json!({"period": "2027-05", "percent_complete": 10, "spent_yuan": 0, "note": "进度\u{0}"}),
        ),
        (
            format!("/api/v1/projects/{p}/problems"),
            &y.member,
            json!({"description": "围挡\u{0}不足", "severity": "high", "deadline": "2099-05-10"}),
        ),
        (
            format!("/api/v1/projects/{p}/inspections"),
            &y.member,
            json!({"kind": "inspection", "held_on": "2027-04-10", "location": "城东\u{0}小区",
                   "participants": "第一监督组", "findings": "正常"}),
        ),
    ] {
        let r = app.post(&path, Some(token), body).await;
        r.expect_problem(422, "invalid_text");
    }
    // Nothing was stored.
    let f = app
        .get(&format!("/api/v1/projects/{p}/follow-up"), None)
        .await
        .expect(200);
    assert!(
        f["open_problems"].as_array().is_none_or(|a| a.is_empty()),
        "{f}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_file_mixing_utf8_and_gbk_is_refused_naming_the_row() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut body = "m001,王五,三团\n".as_bytes().to_vec();
    body.extend(encoding_rs::GBK.encode("m002,赵六,四团\n").0.iter());
    let r = app
        .client
        .post(format!("{}/api/v1/deputies/import", app.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_encoding");
    assert!(
        problem["detail"].as_str().unwrap().contains("row 2"),
        "{problem}"
    );
    // Nothing stored: m001 does not exist.
    let list = app
        .get("/api/v1/deputies?limit=10", Some(&admin))
        .await
        .expect(200);
    assert_eq!(list["total"], 0);
    // Each encoding alone is fine.
    let r = app
        .client
        .post(format!("{}/api/v1/deputies/import", app.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(encoding_rs::GBK.encode("m002,赵六,四团\n").0.into_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let list = app
        .get("/api/v1/deputies?limit=10", Some(&admin))
        .await
        .expect(200);
    assert_eq!(list["items"][0]["name"], "赵六");
}
