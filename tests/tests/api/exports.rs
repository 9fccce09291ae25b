//! Exports: each table opens as CSV (parsed, UTF-8 with a byte-order mark) and as XLSX (read back
//! as a spreadsheet program reads it) with the right Chinese text and numbers; and public reads
//! carry an ETag that answers 304 when nothing changed.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use minsheng_tests::TestApp;
use reqwest::header;
use serde_json::json;

/// The CSV at `path` (`?format=csv`), parsed: header row and rows.
async fn csv_of(app: &TestApp, path: &str, token: Option<&str>) -> Vec<Vec<String>> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut req = app.client.get(format!("{}{path}{sep}format=csv", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    assert_eq!(
        resp.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let disposition = resp.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment; filename=") && disposition.ends_with(".csv\""));
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte-order mark, for Excel");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The XLSX at `path`, chosen by `Accept`, read back: the first sheet's name and cells.
async fn xlsx_of(app: &TestApp, path: &str, token: Option<&str>) -> (String, Vec<Vec<Data>>) {
    let mut req = app.client.get(format!("{}{path}", app.base)).header(
        header::ACCEPT,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let bytes = resp.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX file");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    (name, range.rows().map(|r| r.to_vec()).collect())
}

#[tokio::test]
async fn every_table_opens_with_its_chinese_text_and_numbers() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let p = &k.project;
    app.post(
        &format!("/api/v1/projects/{p}/progress"),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000, "note": "设计完成，开始招标"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/projects/{p}/problems"),
        Some(&k.member),
        json!({"description": "施工围挡不足，存在安全隐患", "severity": "high", "deadline": "2099-05-10"}),
    )
    .await
    .expect(201);

    // The vote's results: one row per candidate, three yes for the adopted one.
    let results = csv_of(&app, &format!("/api/v1/votes/{}/results", k.vote), None).await;
    assert_eq!(
        results[0],
        ["名次", "项目", "赞成", "反对", "弃权", "过半数", "入选"]
    );
    assert_eq!(results.len(), 3);
    assert_eq!(results[1][1], "民生项目1");
    assert_eq!(results[1][2], "3");
    assert_eq!(results[1][6], "是");
    assert_eq!(results[2][6], "否");
    let (sheet, rows) = xlsx_of(&app, &format!("/api/v1/votes/{}/results", k.vote), None).await;
    assert_eq!(sheet, "票决结果");
    assert_eq!(rows[1][1], Data::String("民生项目1".into()));
    assert_eq!(rows[1][2], Data::Float(3.0));

    // The bulletin: one row per receipt (a secret vote: no marks, no names).
    let bulletin = csv_of(&app, &format!("/api/v1/votes/{}/bulletin", k.vote), None).await;
    assert_eq!(bulletin[0], ["回执", "选票内容", "代表编号", "代表"]);
    assert_eq!(bulletin.len(), 4);
    assert!(
        bulletin[1..]
            .iter()
            .all(|r| r[0].len() == 32 && r[2].is_empty())
    );

    // Attendance: present or not, for the office; never a ballot.
    let roster = csv_of(
        &app,
        &format!("/api/v1/sessions/{}/roster", k.session.id),
        Some(&k.admin),
    )
    .await;
    assert_eq!(roster[0], ["代表编号", "姓名", "代表团", "出席"]);
    assert_eq!(roster.len(), 4);
    assert!(roster[1..].iter().all(|r| r[3] == "是"));
    assert!(roster[1][1].starts_with("代表"));

    // The board, a project's reports and its problems.
    let board = csv_of(&app, "/api/v1/projects/board", None).await;
    assert_eq!(board[0][0], "项目");
    assert_eq!(board[1][0], "民生项目1");
    assert_eq!(board[1][1], "县住建局");
    assert_eq!(board[1][3], "30");
    assert_eq!(board[1][7], "500000");
    let (_, rows) = xlsx_of(&app, "/api/v1/projects/board", None).await;
    assert_eq!(rows[1][6], Data::Float(1_200_000.0), "the budget, a number");
    // A note a spreadsheet would run as a formula is shown as text.
    app.post(
        &format!("/api/v1/projects/{p}/progress"),
        Some(&k.department),
        json!({"period": "2027-04", "percent_complete": 35, "spent_yuan": 600_000, "note": "=HYPERLINK(\"http://evil.example/\",\"点我\")"}),
    )
    .await
    .expect(201);
    let reports = csv_of(&app, &format!("/api/v1/projects/{p}/progress"), None).await;
    assert_eq!(reports[1][0], "2027-03");
    assert_eq!(reports[1][4], "设计完成，开始招标");
    assert_eq!(
        reports[2][4],
        "'=HYPERLINK(\"http://evil.example/\",\"点我\")"
    );
    let problems = csv_of(&app, &format!("/api/v1/projects/{p}/problems"), None).await;
    assert_eq!(problems[1][0], "施工围挡不足，存在安全隐患");
    assert_eq!(problems[1][2], "县住建局");
    assert_eq!(problems[1][1], "高");
    assert_eq!(problems[1][4], "待整改");

    // A format that does not exist; an export of what the caller may not read.
    app.get(&format!("/api/v1/projects/{p}/problems?format=pdf"), None)
        .await
        .expect_problem(400, "invalid_query");
    app.get(
        &format!("/api/v1/sessions/{}/roster?format=csv", k.session.id),
        None,
    )
    .await
    .expect_problem(401, "missing_token");
    app.get(
        &format!("/api/v1/projects/{}/progress?format=xlsx", k.reserve),
        None,
    )
    .await
    .expect_problem(409, "project_not_adopted");
}

/// A rating round's results export too.
#[tokio::test]
async fn a_rating_round_exports() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let sid = &k.session.id;
    let e = app
        .post(
            &format!("/api/v1/sessions/{sid}/evaluations"),
            Some(&k.admin),
            json!({"title": "2027年民生实事项目满意度测评", "project_ids": [k.project]}),
        )
        .await
        .expect(201)["id"]
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
    for (i, (_, token)) in k.session.deputies.iter().enumerate() {
        let r = if i < 2 { "satisfied" } else { "unsatisfied" };
        app.post(
            &format!("/api/v1/evaluations/{e}/ballots"),
            Some(token),
            json!({"ratings": {k.project.clone(): r}}),
        )
        .await
        .expect(201);
    }
    for step in ["close", "publish"] {
        app.post(
            &format!("/api/v1/evaluations/{e}/{step}"),
            Some(&k.admin),
            json!({}),
        )
        .await
        .expect(200);
    }
    let rows = csv_of(&app, &format!("/api/v1/evaluations/{e}/results"), None).await;
    assert_eq!(
        rows[0],
        [
            "项目或评议对象",
            "承办单位",
            "满意",
            "基本满意",
            "不满意",
            "满意率(‰)",
            "测评结果"
        ]
    );
    assert_eq!(rows[1][0], "民生项目1");
    assert_eq!(rows[1][2], "2");
    assert_eq!(rows[1][4], "1");
    let (sheet, cells) = xlsx_of(&app, &format!("/api/v1/evaluations/{e}/results"), None).await;
    assert_eq!(sheet, "满意度测评结果");
    assert_eq!(cells[1][2], Data::Float(2.0));
}

/// Public reads carry an ETag; asking again with it gets 304 and no body until the answer changes.
#[tokio::test]
async fn unchanged_public_reads_answer_304() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    for path in [
        format!("/api/v1/votes/{}/results", k.vote),
        "/api/v1/projects/board".to_owned(),
        format!("/api/v1/projects/{}/follow-up", k.project),
    ] {
        let first = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), 200);
        let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
        assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
        let again = app
            .client
            .get(format!("{}{path}", app.base))
            .header(header::IF_NONE_MATCH, &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), tag);
        assert!(again.bytes().await.unwrap().is_empty());
    }
    // A change gives a new tag: the old one no longer matches.
    let path = format!("{}/api/v1/projects/{}/follow-up", app.base, k.project);
    let tag = app.client.get(&path).send().await.unwrap().headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/projects/{}/progress", k.project),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 1000}),
    )
    .await
    .expect(201);
    let changed = app
        .client
        .get(&path)
        .header(header::IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()[header::ETAG].to_str().unwrap(), tag);
    // With a token: tagged, but not to be stored.
    let mine = app
        .client
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&k.admin)
        .send()
        .await
        .unwrap();
    assert!(mine.headers().contains_key(header::ETAG));
    assert_eq!(mine.headers()[header::CACHE_CONTROL], "no-store");
}
