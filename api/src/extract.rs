//! Extractors that turn every rejection (bad JSON, wrong content type, oversized body, bad path or
//! query parameters) into the same problem+json shape as every other error.

use axum::{
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection},
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
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
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

fn json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            // serde_path_to_error puts the failing path before ": "; report it as the field.
            let field = text
                .strip_prefix("Failed to deserialize the JSON body into the target type: ")
                .and_then(|rest| rest.split_once(": ").map(|(path, _)| path.to_owned()))
                .unwrap_or_else(|| "body".to_owned());
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidBody,
                text.clone(),
            )
            .with_field(&field, text)
        }
        JsonRejection::BytesRejection(e) => bytes_rejection(&e),
        other => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidBody,
            other.body_text(),
        ),
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
            .map_err(|e: PathRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidPathParameter,
                    e.body_text(),
                )
            })
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidQuery,
                    e.body_text(),
                )
            })
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
