//! Extractors that turn every rejection (bad JSON, wrong content type, oversized body, bad path or
//! query parameters) into the same problem+json shape as every other error.

use axum::{
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{BytesRejection, PathRejection},
    },
    http::{StatusCode, header, request::Parts},
};
use minsheng_domain::error::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| bytes_rejection(&e))?;
        // Read here rather than through `axum::Json`, whose message is serde's own ("invalid type:
        // string, expected u32", "did not match any variant of untagged enum ..."): the failing
        // field's path and what it expects are put into words for the client.
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            json_error(&path, e.into_inner())
        })?;
        de.end().map_err(|e| json_error(".", e))?;
        // Every body is a JSON object. serde also builds a struct from a list of its field values
        // (`[["…"]]` for `{"deputy_ids": ["…"]}`), which no client means and the schema forbids.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidBody,
                "body: expected an object, found a list",
            )
            .with_field("body", "expected an object, found a list"));
        }
        Ok(ApiJson(value))
    }
}

/// `application/json` or any `application/*+json`, as `axum::Json` accepts.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

fn bytes_rejection(r: &BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "the request body is too large",
        )
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnreadableBody,
            "the request body could not be read",
        )
    }
}

/// A body that is not JSON (`malformed_json`, 400) or JSON of the wrong shape (`invalid_body`,
/// 422, naming the field).
fn json_error(path: &str, e: serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    // serde_json ends its messages with the position; a data error names the field instead.
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_owned(),
        _ => text,
    };
    match e.classify() {
        Category::Eof => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            format!(
                "the body is not valid JSON: it ends too early (line {}, column {})",
                e.line(),
                e.column()
            ),
        ),
        Category::Syntax => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            format!(
                "the body is not valid JSON: {text} (line {}, column {})",
                e.line(),
                e.column()
            ),
        ),
        Category::Io => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnreadableBody,
            "the request body could not be read",
        ),
        Category::Data => {
            let (field, message) = describe_data_error(path, &text);
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidBody,
                format!("{field}: {message}"),
            )
            .with_field(&field, message)
        }
    }
}

/// The field (its JSON path, `body` for the whole body) and what is wrong with it, in words for a
/// person: serde's messages name Rust types (`u32`, `struct LoginRequest`, `untagged enum`), which
/// mean nothing to a clerk and are nobody else's business.
fn describe_data_error(path: &str, serde_message: &str) -> (String, String) {
    let at = |name: &str| -> String {
        match path {
            "" | "." => name.to_owned(),
            p => format!("{p}.{name}"),
        }
    };
    let here = match path {
        "" | "." => "body".to_owned(),
        p => p.to_owned(),
    };
    let m = serde_message;
    if let Some(name) = between(m, "missing field `", "`") {
        return (at(name), "this field is required".into());
    }
    if let Some(name) = between(m, "duplicate field `", "`") {
        return (at(name), "this field is sent twice".into());
    }
    if let Some(name) = between(m, "unknown field `", "`") {
        let known = m
            .split_once(", expected ")
            .map(|(_, rest)| format!("; the fields here are {}", plain_list(rest)))
            .unwrap_or_default();
        return (at(name), format!("this field is not known{known}"));
    }
    if let Some(value) = between(m, "unknown variant `", "`") {
        let known = m
            .split_once(", expected ")
            .map(|(_, rest)| plain_list(rest))
            .unwrap_or_default();
        return (
            here,
            format!("\"{value}\" is not one of the accepted values: {known}"),
        );
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            return (
                here,
                format!(
                    "expected {}, found {}",
                    expected_words(expected),
                    found_words(found)
                ),
            );
        }
    }
    if let Some(rest) = m.strip_prefix("invalid length ")
        && let Some((n, expected)) = rest.split_once(", expected ")
    {
        return (
            here,
            format!("expected {}, found {n} items", expected_words(expected)),
        );
    }
    if m.starts_with("UUID parsing failed") {
        return (
            here,
            format!("expected {}", expected_words("a UUID string")),
        );
    }
    // chrono's date parse errors say nothing of dates; every date in a request is a calendar day.
    if [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
    ]
    .contains(&m)
    {
        return (
            here,
            format!("expected {}", expected_words("a formatted date string")),
        );
    }
    if m.starts_with("data did not match any variant") {
        return (here, "this does not have any of the accepted shapes".into());
    }
    (here, m.to_owned())
}

/// The text between `start` and the next `end`, when `s` begins with `start`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(start)?;
    rest.split_once(end).map(|(inner, _)| inner)
}

/// serde's "one of `a`, `b`" / "`a` or `b`" as "a, b".
fn plain_list(s: &str) -> String {
    if s == "there are no fields" || s == "there are no variants" {
        return "none".into();
    }
    let s = s
        .strip_prefix("one of ")
        .unwrap_or(s)
        .replace("` or `", "`, `");
    s.split(", ")
        .map(|i| i.trim_matches('`'))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What serde says it expected, in plain words.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    let words = match e {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "a string or bytes" | "string" | "a character" => "text",
        "a boolean" => "true or false",
        "a JSON number" => "a number",
        "a sequence" => "a list",
        "a map" | "map" | "an object" => "an object",
        "a UUID string" | "UUID" => "an id (a UUID such as 0f8e2a3c-5b1d-4e6f-9a7b-2c3d4e5f6a7b)",
        "a formatted date string" => "a date written YYYY-MM-DD, such as 2027-06-30",
        _ if e.starts_with("struct ") => "an object",
        _ if e.starts_with("enum ") || e.starts_with("variant ") => "one of the accepted values",
        _ if e.starts_with("tuple") || e.starts_with("an array") => "a list",
        _ => return e.to_owned(),
    };
    words.to_owned()
}

/// What serde says it found, in plain words.
fn found_words(found: &str) -> String {
    let f = found.trim();
    if let Some(s) = f.strip_prefix("string ") {
        return format!("the text {s}");
    }
    for prefix in ["integer ", "floating point ", "boolean "] {
        if let Some(v) = f.strip_prefix(prefix) {
            return v.trim_matches('`').to_owned();
        }
    }
    match f {
        "null" | "unit value" | "unit" => "null".into(),
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        other => other.to_owned(),
    }
}

/// A `text/csv` (or `text/plain`) body, as text. UTF-8 (with or without a byte-order mark) is the
/// norm; a file saved by Excel on a Chinese Windows is GBK, so a body declared
/// `charset=gbk`/`gb2312`/`gb18030`, or one that is not UTF-8 but is valid GB18030, is read as that.
pub struct CsvBody(pub String);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let mut parts = content_type.split(';').map(str::trim);
        let media = parts.next().unwrap_or("");
        if media != "text/csv" && media != "text/plain" {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the file as text/csv",
            ));
        }
        let declared_gbk = parts
            .filter_map(|p| p.strip_prefix("charset="))
            .any(|c| matches!(c.trim_matches('"'), "gbk" | "gb2312" | "gb18030"));
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| bytes_rejection(&e))?;
        minsheng_domain::csv_text::decode(&bytes, declared_gbk)
            .map(CsvBody)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidEncoding,
                    format!("the file must be UTF-8 or GBK text, one or the other: {e}"),
                )
            })
    }
}

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| path_rejection(&e))
    }
}

/// A bad path parameter, named, in the words of [`describe_data_error`] (axum's own text names the
/// Rust type: "Cannot parse `x` to a `u32`").
fn path_rejection(e: &PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    let described = match e {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::ParseErrorAtKey {
                key,
                value,
                expected_type,
            } => Some((
                key.clone(),
                format!(
                    "expected {}, found \"{value}\"",
                    expected_words(expected_type)
                ),
            )),
            ErrorKind::ParseError {
                value,
                expected_type,
            }
            | ErrorKind::ParseErrorAtIndex {
                value,
                expected_type,
                ..
            } => Some((
                "id".to_owned(),
                format!(
                    "expected {}, found \"{value}\"",
                    expected_words(expected_type)
                ),
            )),
            ErrorKind::DeserializeError { key, message, .. } => {
                Some((key.clone(), describe_data_error(".", message).1))
            }
            _ => None,
        },
        _ => None,
    };
    match described {
        Some((field, message)) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidPathParameter,
            format!("{field} in the address: {message}"),
        )
        .with_field(&field, message),
        None => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidPathParameter,
            "the address is not one this service answers",
        ),
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        // Read as `axum::Query` does, with the failing parameter's name kept for the message.
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let (field, message) =
                    describe_data_error(&path, &query_words(&e.inner().to_string()));
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidQuery,
                    format!("{field} in the query: {message}"),
                )
                .with_field(&field, message)
            })
    }
}

/// The query string's parse errors come from the standard library's number and boolean parsers,
/// which do not say what they wanted.
fn query_words(message: &str) -> String {
    match message {
        "invalid digit found in string"
        | "cannot parse integer from empty string"
        | "number too large to fit in target type"
        | "number too small to fit in target type" => "expected a whole number".into(),
        "invalid float literal" => "expected a number".into(),
        "provided string was not `true` or `false`" => "expected true or false".into(),
        other => other.to_owned(),
    }
}

/// Reads a JSON object as its list of entries, so a key sent twice is seen (and refused by the
/// rules) instead of silently overwritten. Use with `#[serde(deserialize_with = "map_entries")]`.
pub fn map_entries<'de, D, K, V>(d: D) -> Result<Vec<(K, V)>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: serde::Deserialize<'de>,
    V: serde::Deserialize<'de>,
{
    struct Entries<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K: serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::de::Visitor<'de>
        for Entries<K, V>
    {
        type Value = Vec<(K, V)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry::<K, V>()? {
                out.push(entry);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Entries(std::marker::PhantomData))
}

/// An integer field as JSON Schema defines `integer`: any number with no fractional part, so `48`
/// and `48.0` are the same. Use with `#[serde(deserialize_with = "whole_number")]`.
pub fn whole_number<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::Deserialize;
    to_whole(serde_json::Number::deserialize(d)?)
}

/// [`whole_number`] for an optional field; pair it with `#[serde(default)]`.
pub fn whole_number_opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::Deserialize;
    Option::<serde_json::Number>::deserialize(d)?
        .map(to_whole)
        .transpose()
}

fn to_whole<T: TryFrom<i64>, E: serde::de::Error>(n: serde_json::Number) -> Result<T, E> {
    let whole = n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0)
            .map(|f| f as i64)
    });
    whole
        .and_then(|i| T::try_from(i).ok())
        .ok_or_else(|| E::custom(format!("expected a whole number in range, found {n}")))
}
