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

/// Issue 8, input 4: a header row is recognised in Chinese or English, with or without a BOM, in
/// GBK too, columns in any order; an unknown column is named; no header still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_reads_a_header_row() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let body = app
        .import_csv(
            &admin,
            "代表编号,姓名,代表团,用户名\nC001,张三,城关镇代表团,\nC002,李四,东城代表团,lisi\n",
        )
        .await
        .expect(201);
    let created = body["created"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["deputy"]["deputy_code"], "C001");
    assert_eq!(created[0]["username"], "c001");
    assert_eq!(created[1]["username"], "lisi");
    // A BOM, English names in another order.
    let body = app
        .import_csv(
            &admin,
            "\u{feff}Name,Delegation,Deputy_Code\r\n王五,西城代表团,E001\r\n",
        )
        .await
        .expect(201);
    assert_eq!(body["created"][0]["deputy"]["name"], "王五");
    assert_eq!(body["created"][0]["deputy"]["deputy_code"], "E001");
    // GBK, as Excel saves it: "姓名,代表编号,用户名,代表团\n张三,H001,,城关\n".
    let gbk: Vec<u8> = vec![
        0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xb4, 0xfa, 0xb1, 0xed, 0xb1, 0xe0, 0xba, 0xc5, 0x2c, 0xd3,
        0xc3, 0xbb, 0xa7, 0xc3, 0xfb, 0x2c, 0xb4, 0xfa, 0xb1, 0xed, 0xcd, 0xc5, 0xa, 0xd5, 0xc5,
        0xc8, 0xfd, 0x2c, 0x48, 0x30, 0x30, 0x31, 0x2c, 0x2c, 0xb3, 0xc7, 0xb9, 0xd8, 0xa,
    ];
    let resp = app
        .client
        .post(format!("{}/api/v1/deputies/import", app.base))
        .bearer_auth(&admin)
        .header("content-type", "text/csv; charset=gbk")
        .body(gbk)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let created: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(created["created"][0]["deputy"]["deputy_code"], "H001");
    assert_eq!(created["created"][0]["deputy"]["name"], "张三");
    assert_eq!(created["created"][0]["username"], "h001");
    // An unknown column is named, and nothing is created.
    let before = app.get("/api/v1/deputies", Some(&admin)).await.expect(200)["total"].clone();
    let r = app
        .import_csv(
            &admin,
            "代表编号,姓名,代表团,手机号\nK001,赵六,北城,13900000000\n",
        )
        .await;
    r.expect_problem(422, "unknown_column");
    assert!(
        r.body["detail"].as_str().unwrap().contains("手机号"),
        "{}",
        r.body
    );
    assert_eq!(
        app.get("/api/v1/deputies", Some(&admin)).await.expect(200)["total"],
        before
    );
    // Without a header, positional as before.
    app.import_csv(&admin, "P001,孙七,南城\n").await.expect(201);
}

/// Issue 8, input 5: what the published schema says about a deputy's username and a new password
/// holds in the service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_constraints_hold() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputy = |username: serde_json::Value| json!({"deputy_code": "S001", "name": "张三", "delegation": "城关镇", "username": username});
    for bad in ["", "ab", " lisi", "张三", &"a".repeat(65)] {
        app.post("/api/v1/deputies", Some(&admin), deputy(json!(bad)))
            .await
            .expect_problem(422, "invalid_username");
    }
    app.post(
        "/api/v1/deputies",
        Some(&admin),
        json!({"deputy_code": " S001", "name": "张三", "delegation": "城关镇"}),
    )
    .await
    .expect_problem(422, "invalid_deputy_code");
    app.post(
        "/api/v1/deputies",
        Some(&admin),
        json!({"deputy_code": "S001", "name": format!(" {}", "张".repeat(100)), "delegation": "城关镇"}),
    )
    .await
    .expect_problem(422, "invalid_text");
    assert_eq!(
        app.get("/api/v1/deputies", Some(&admin)).await.expect(200)["total"],
        0,
        "nothing was created"
    );
    let created = app
        .post("/api/v1/deputies", Some(&admin), deputy(json!(null)))
        .await
        .expect(201);
    assert_eq!(
        created["username"], "s001",
        "left out, it defaults to the code"
    );

    // A new password has 10 to 64 characters (characters, not bytes).
    let first = app
        .login("s001", created["initial_password"].as_str().unwrap())
        .await;
    let change =
        |new: String| json!({"current_password": created["initial_password"], "new_password": new});
    app.put(
        "/api/v1/me/password",
        Some(&first.access),
        change("x".repeat(65)),
    )
    .await
    .expect_problem(422, "password_too_long");
    app.put(
        "/api/v1/me/password",
        Some(&first.access),
        change("密".repeat(64)),
    )
    .await
    .expect(200);
}
