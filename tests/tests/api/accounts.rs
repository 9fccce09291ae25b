//! Accounts and deputies: creation, CSV import, account rules.

use minsheng_tests::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_creates_all_with_one_time_passwords() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let csv = "deputy_code,name,delegation,username\nD001,张三,城关镇代表团\nD002,李四,东城代表团,lisi\n\"D003\",\"欧阳, 明\",西城代表团\n";
    let body = app.import_csv(&admin, csv).await.expect(201);
    let created = body["created"].as_array().unwrap();
    assert_eq!(created.len(), 3);
    assert_eq!(created[1]["username"], "lisi");
    assert_eq!(created[2]["deputy"]["name"], "欧阳, 明");
    let passwords: Vec<&str> = created
        .iter()
        .map(|c| c["initial_password"].as_str().unwrap())
        .collect();
    assert!(passwords.iter().all(|p| p.len() == 16));
    assert_ne!(passwords[0], passwords[1]);
    // Each one-time password logs in, as a temporary password.
    let l = app.login("lisi", passwords[1]).await;
    assert_eq!(l.body["account"]["must_change_password"], true);
    assert_eq!(l.body["account"]["deputy"]["deputy_code"], "D002");

    let list = app.get("/api/v1/deputies", Some(&admin)).await.expect(200);
    assert_eq!(list["total"], 3);
    let accounts = app
        .get("/api/v1/accounts?role=deputy&limit=2", Some(&admin))
        .await
        .expect(200);
    assert_eq!(accounts["total"], 3);
    assert_eq!(accounts["items"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_with_one_bad_row_creates_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // Row 3 lacks its delegation.
    let bad = app
        .import_csv(
            &admin,
            "D001,张三,城关镇\nD002,李四,东城\nD003,王五,\nD004,赵六,西城\n",
        )
        .await;
    bad.expect_problem(422, "invalid_text");
    assert!(
        bad.body["detail"].as_str().unwrap().starts_with("row 3:"),
        "{}",
        bad.body
    );
    assert_eq!(bad.body["errors"][0]["field"], "row 3");

    // A code repeated in the file.
    app.import_csv(&admin, "D001,张三,城关镇\nD001,李四,东城\n")
        .await
        .expect_problem(409, "duplicate_deputy_code");
    assert_eq!(
        app.get("/api/v1/deputies", Some(&admin)).await.expect(200)["total"],
        0
    );

    // A code that already exists in the database: nothing of the file is stored.
    app.import_csv(&admin, "D001,张三,城关镇\n")
        .await
        .expect(201);
    let dup = app
        .import_csv(&admin, "D005,钱七,北城\nD001,张三,城关镇\n")
        .await;
    dup.expect_problem(409, "duplicate_deputy_code");
    assert!(dup.body["detail"].as_str().unwrap().contains("row 2"));
    assert_eq!(
        app.get("/api/v1/deputies", Some(&admin)).await.expect(200)["total"],
        1
    );
    // A username taken by another account.
    app.import_csv(&admin, "X99,钱七,北城,admin\n")
        .await
        .expect_problem(409, "username_taken");
    app.import_csv(&admin, "")
        .await
        .expect_problem(422, "empty_csv");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_creation_rules() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.post(
        "/api/v1/accounts",
        Some(&admin),
        json!({"username": "d1", "display_name": "x", "role": "admin"}),
    )
    .await
    .expect_problem(422, "invalid_username");
    app.post(
        "/api/v1/accounts",
        Some(&admin),
        json!({"username": "dep1", "display_name": "x", "role": "deputy"}),
    )
    .await
    .expect_problem(422, "invalid_body");
    app.post(
        "/api/v1/accounts",
        Some(&admin),
        json!({"username": "adm2", "display_name": "x", "role": "admin", "department": "县交通运输局"}),
    )
    .await
    .expect_problem(422, "department_not_allowed");
    app.post(
        "/api/v1/accounts",
        Some(&admin),
        json!({"username": "dep1", "display_name": "x", "role": "department"}),
    )
    .await
    .expect_problem(422, "department_required");
    app.post(
        "/api/v1/accounts",
        Some(&admin),
        json!({"username": "admin", "display_name": "x", "role": "admin"}),
    )
    .await
    .expect_problem(409, "username_taken");
    let missing = uuid::Uuid::new_v4();
    app.patch(
        &format!("/api/v1/accounts/{missing}"),
        Some(&admin),
        json!({"disabled": true}),
    )
    .await
    .expect_problem(404, "not_found");
}

/// A roster saved by Excel on a Chinese Windows arrives in GBK.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_reads_gbk() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // "G001,张三,城关\n" in GBK.
    let mut body = b"G001,".to_vec();
    body.extend([0xD5, 0xC5, 0xC8, 0xFD]);
    body.push(b',');
    body.extend([0xB3, 0xC7, 0xB9, 0xD8]);
    body.push(b'\n');
    let resp = app
        .client
        .post(format!("{}/api/v1/deputies/import", app.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let created: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(created["created"][0]["deputy"]["name"], "张三");
    assert_eq!(created["created"][0]["deputy"]["delegation"], "城关");
}
