//! The committed OpenAPI document, `openapi/openapi.json`, is generated from the same router the
//! server runs. Regenerate it with:
//!
//! ```sh
//! MINSHENG_UPDATE_OPENAPI=1 cargo test -p minsheng-openapi
//! ```

/// The spec as pretty JSON with a trailing newline, exactly as committed.
pub fn generate() -> String {
    let spec = minsheng_api::startup::openapi();
    let mut text = serde_json::to_string_pretty(&spec).expect("the OpenAPI document serializes");
    text.push('\n');
    text
}

/// Where the committed copy lives.
pub fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}
