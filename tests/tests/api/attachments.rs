//! Attachments: photos and PDFs on progress reports, inspections and problem steps. The type is
//! told by the bytes, a photo's location is gone before it is stored, the size and count limits
//! hold, each record takes files only from whoever may write it, and files are public exactly when
//! their record is.

use minsheng_tests::{
    AdoptedProject, TestApp,
    multipart::{LOCATION_MARK, pdf, phone_photo},
    pages::Visitor,
};
use serde_json::{Value, json};

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

async fn report(app: &TestApp, k: &AdoptedProject) -> String {
    app.post(
        &format!("/api/v1/projects/{}/progress", k.project),
        Some(&k.department),
        json!({"period": "2027-03", "percent_complete": 30, "spent_yuan": 500_000}),
    )
    .await
    .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn progress_files(app: &TestApp, k: &AdoptedProject) -> Vec<Value> {
    let list = app
        .get(&format!("/api/v1/projects/{}/progress", k.project), None)
        .await
        .expect(200);
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["attachments"].as_array().unwrap().clone())
        .collect()
}

#[tokio::test]
async fn a_department_adds_a_photo_and_a_pdf_and_the_public_sees_them_without_location() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let report = report(&app, &k).await;
    let photo = phone_photo(80, 40);
    assert!(contains(&photo, LOCATION_MARK));
    let stored = app
        .upload(
            "/api/v1/attachments",
            Some(&k.department),
            &[("record_type", "progress_report"), ("record_id", &report)],
            &[("工地 1.jpg", &photo), ("验收报告.pdf", &pdf())],
        )
        .await
        .expect(201);
    assert_eq!(stored["total"], 2, "{stored}");
    let (jpeg, doc) = (&stored["items"][0], &stored["items"][1]);
    assert_eq!(jpeg["content_type"], "image/jpeg");
    assert_eq!(jpeg["file_name"], "工地 1.jpg");
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["thumbnail_url"], Value::Null);

    // The report lists them, publicly.
    let listed = progress_files(&app, &k).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], jpeg["id"]);

    // The photo: upright (turned as its EXIF said), without EXIF or location, served inline with
    // its type, nosniff and a sandbox.
    let (status, headers, bytes) = app.bytes(jpeg["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E5%B7%A5%E5%9C%B0%201.jpg"),
        "{disposition}"
    );
    assert!(!contains(&bytes, LOCATION_MARK), "the location is gone");
    assert!(!contains(&bytes, b"Exif"), "no EXIF at all");
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (40, 80), "stands upright");
    assert_eq!(jpeg["size_bytes"].as_u64(), Some(bytes.len() as u64));

    let (status, headers, thumb) = app.bytes(jpeg["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(image::load_from_memory(&thumb).is_ok());

    // The PDF downloads, never renders in the page's origin.
    let (status, headers, got) = app.bytes(doc["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(got, pdf());
    let (status, _, _) = app
        .bytes(&format!(
            "/api/v1/attachments/{}/thumbnail",
            doc["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 404, "a PDF has no thumbnail");
    let (status, _, _) = app
        .bytes("/api/v1/attachments/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn refused_files_change_nothing() {
    let app = TestApp::spawn_with(|c| c.attachment_max_bytes = 4096).await;
    let k = app.adopted_project().await;
    let report = report(&app, &k).await;
    let fields = [
        ("record_type", "progress_report"),
        ("record_id", report.as_str()),
    ];
    let up = |files: Vec<(&'static str, Vec<u8>)>| {
        let (app, token) = (app.handle.clone(), k.department.clone());
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
            app.upload("/api/v1/attachments", Some(&token), &f, &refs)
                .await
        }
    };
    // A web page named .jpg: the bytes decide.
    up(vec![(
        "photo.jpg",
        b"<html><script>alert(1)</script></html>".to_vec(),
    )])
    .await
    .expect_problem(422, "unsupported_file_type");
    // Over the office's limit (4 KB here).
    up(vec![("big.pdf", [pdf(), vec![b' '; 5000]].concat())])
        .await
        .expect_problem(422, "file_too_large");
    // A photo cut short.
    up(vec![("cut.jpg", phone_photo(64, 64)[..300].to_vec())])
        .await
        .expect_problem(422, "unreadable_file");
    // Ten files on one record.
    up((0..10).map(|_| ("a.pdf", pdf())).collect())
        .await
        .expect_problem(422, "too_many_files");
    // One good file with a bad one: all or nothing.
    up(vec![("ok.pdf", pdf()), ("bad.jpg", b"GIF89a".to_vec())])
        .await
        .expect_problem(422, "unsupported_file_type");
    // No such record, no such kind.
    let r = app
        .upload(
            "/api/v1/attachments",
            Some(&k.department),
            &[
                ("record_type", "progress_report"),
                ("record_id", &k.project),
            ],
            &[("a.pdf", &pdf())],
        )
        .await;
    r.expect_problem(404, "not_found");
    app.upload(
        "/api/v1/attachments",
        Some(&k.department),
        &[("record_type", "vote"), ("record_id", &report)],
        &[("a.pdf", &pdf())],
    )
    .await
    .expect_problem(422, "invalid_kind");
    // Not multipart at all: a problem document, not the framework's text.
    app.post(
        "/api/v1/attachments",
        Some(&k.department),
        json!({"record_type": "progress_report"}),
    )
    .await
    .expect_problem(415, "unsupported_media_type");
    // A file in a part not named `file` is not taken.
    let (content_type, body) = minsheng_tests::multipart::body(
        &[("record_type", "progress_report"), ("record_id", &report)],
        &[("a.pdf", &pdf())],
    );
    let body = String::from_utf8_lossy(&body).replace("name=\"file\"", "name=\"other\"");
    let r = app
        .client
        .post(format!("{}/api/v1/attachments", app.base))
        .bearer_auth(&k.department)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(progress_files(&app, &k).await.is_empty(), "nothing stored");
    // Nine fit, the tenth does not, across uploads.
    up((0..9).map(|_| ("a.pdf", pdf())).collect())
        .await
        .expect(201);
    up(vec![("a.pdf", pdf())])
        .await
        .expect_problem(422, "too_many_files");
    assert_eq!(progress_files(&app, &k).await.len(), 9);
}

#[tokio::test]
async fn only_whoever_may_write_the_record_adds_files() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let report = report(&app, &k).await;
    let other_dept = app.department(&k.admin, "jtj", "县交通运输局").await;
    let outsider = k.session.deputies[1].1.clone();
    let file = pdf();
    let try_up = |token: Option<String>, kind: &'static str, id: String| {
        let (app, file) = (app.handle.clone(), file.clone());
        async move {
            app.upload(
                "/api/v1/attachments",
                token.as_deref(),
                &[("record_type", kind), ("record_id", &id)],
                &[("a.pdf", &file)],
            )
            .await
        }
    };
    try_up(None, "progress_report", report.clone())
        .await
        .expect_problem(401, "missing_token");
    try_up(Some(other_dept.clone()), "progress_report", report.clone())
        .await
        .expect_problem(403, "not_responsible_department");
    // Turned away before its files are read: an oversized file from someone who may not attach
    // is refused for who they are, not for its size.
    app.upload(
        "/api/v1/attachments",
        Some(&other_dept),
        &[("record_type", "progress_report"), ("record_id", &report)],
        &[("big.pdf", &[pdf(), vec![b' '; 11 * 1024 * 1024]].concat())],
    )
    .await
    .expect_problem(403, "not_responsible_department");
    try_up(Some(k.admin.clone()), "progress_report", report.clone())
        .await
        .expect_problem(403, "not_responsible_department");
    try_up(Some(k.member.clone()), "progress_report", report.clone())
        .await
        .expect_problem(403, "not_responsible_department");

    let inspection = app
        .post(
            &format!("/api/v1/projects/{}/inspections", k.project),
            Some(&k.member),
            json!({"kind": "inspection", "held_on": "2027-04-10", "location": "城东小区", "participants": "第一监督组", "findings": "进度正常"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    try_up(Some(outsider.clone()), "inspection", inspection.clone())
        .await
        .expect_problem(403, "not_group_member");
    try_up(Some(k.department.clone()), "inspection", inspection.clone())
        .await
        .expect_problem(403, "not_group_member");
    try_up(Some(k.member.clone()), "inspection", inspection.clone())
        .await
        .expect(201);

    // A problem's rectification takes the department's photos; its raising, the group's.
    let problem = app
        .post(
            &format!("/api/v1/projects/{}/problems", k.project),
            Some(&k.member),
            json!({"description": "围挡不足", "severity": "high", "deadline": "2099-05-10"}),
        )
        .await
        .expect(201);
    let pid = problem["id"].as_str().unwrap();
    let rectified = app
        .patch(
            &format!("/api/v1/problems/{pid}"),
            Some(&k.department),
            json!({"action": "rectify", "note": "已加装围挡"}),
        )
        .await
        .expect(200);
    let raised = rectified["events"][0]["id"].as_str().unwrap().to_owned();
    let rectify = rectified["events"][1]["id"].as_str().unwrap().to_owned();
    try_up(Some(k.member.clone()), "problem_step", rectify.clone())
        .await
        .expect_problem(403, "not_responsible_department");
    try_up(Some(k.department.clone()), "problem_step", rectify.clone())
        .await
        .expect(201);
    try_up(Some(k.department.clone()), "problem_step", raised.clone())
        .await
        .expect_problem(403, "not_group_member");
    let p = app
        .get(&format!("/api/v1/problems/{pid}"), None)
        .await
        .expect(200);
    assert_eq!(
        p["events"][1]["attachments"].as_array().unwrap().len(),
        1,
        "{p}"
    );
    assert_eq!(p["events"][0]["attachments"], json!([]));
    let insp = app
        .get(&format!("/api/v1/projects/{}/inspections", k.project), None)
        .await
        .expect(200);
    assert_eq!(
        insp["items"][0]["attachments"][0]["record_type"],
        "inspection"
    );
}

/// The department's page: a report with a photo, shown on its desk and on the public project
/// page; a refused file gives a sentence and keeps what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_department_reports_with_a_photo_on_its_page() {
    let app = TestApp::spawn().await;
    let k = app.adopted_project().await;
    let mut dept = Visitor::logged_in(&app.base, "zjj-kit", "department-pw-1").await;
    let desk = dept.get(&format!("/dept/projects/{}", k.project)).await;
    assert_eq!(desk.status, 200);
    desk.assert_contains(r#"enctype="multipart/form-data""#)
        .assert_contains(r#"type="file""#);
    let csrf = desk.csrf();
    let path = format!("/dept/projects/{}/progress", k.project);
    let fields = [
        ("csrf", csrf.as_str()),
        ("period", "2027-04"),
        ("percent", "35"),
        ("spent_wan", "60"),
        ("note", "主体完工，附现场照片"),
    ];

    let refused = dept
        .post_files(
            &path,
            &fields,
            &[("现场.jpg", b"not a photo at all".as_slice())],
        )
        .await;
    assert_eq!(refused.status, 422);
    refused
        .assert_contains("只能上传照片（JPEG、PNG）或 PDF 文件")
        .assert_contains("主体完工，附现场照片")
        .assert_contains(r#"value="35""#);
    let listed = app
        .get(&format!("/api/v1/projects/{}/progress", k.project), None)
        .await
        .expect(200);
    assert_eq!(listed["items"], json!([]), "nothing stored");

    let photo = phone_photo(60, 30);
    let done = dept
        .post_files(&path, &fields, &[("现场.jpg", photo.as_slice())])
        .await;
    assert_eq!(done.status, 303, "{}", done.html);
    let listed = app
        .get(&format!("/api/v1/projects/{}/progress", k.project), None)
        .await
        .expect(200);
    let file = &listed["items"][0]["attachments"][0];
    assert_eq!(file["file_name"], "现场.jpg", "{listed}");
    let thumb = file["thumbnail_url"].as_str().unwrap();
    dept.get(&format!("/dept/projects/{}", k.project))
        .await
        .assert_contains(thumb);
    let mut public = Visitor::new(&app.base);
    public
        .get(&format!("/projects/{}", k.project))
        .await
        .assert_contains("现场照片和文件")
        .assert_contains(thumb);
}
