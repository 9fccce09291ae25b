//! Fails when `openapi/openapi.json` no longer matches what the server serves.

#[test]
fn committed_spec_is_current() {
    let fresh = minsheng_openapi::generate();
    let path = minsheng_openapi::committed_path();
    if std::env::var_os("MINSHENG_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &fresh).expect("write openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "openapi/openapi.json is stale. Regenerate it with:\n\n    MINSHENG_UPDATE_OPENAPI=1 cargo test -p minsheng-openapi\n\nand commit the result."
    );
}

#[test]
fn every_operation_documents_errors_and_roles() {
    let spec: serde_json::Value = serde_json::from_str(&minsheng_openapi::generate()).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1."));
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path} lacks 500");
            let secured = op.get("security").is_some();
            if secured {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{method} {path}"
                );
            }
            let text = format!(
                "{} {}",
                op["summary"].as_str().unwrap_or(""),
                op["description"].as_str().unwrap_or("")
            );
            assert!(
                text.contains("Roles:") || text.contains("Public"),
                "{method} {path} does not name its roles"
            );
        }
    }
}
