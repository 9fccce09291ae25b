//! Who is calling, as a network address: the login throttle and the hashing queue count per client
//! address. Behind a reverse proxy every request comes from the proxy, so the operator names the
//! header the proxy sets (`MINSHENG_CLIENT_IP_HEADER`, e.g. `X-Real-IP` or `X-Forwarded-For`);
//! only then is a header believed, and of `X-Forwarded-For` only the last entry (the one the proxy
//! added; earlier ones are whatever the client sent).

use std::{convert::Infallible, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderName, request::Parts},
};

/// The header a trusted reverse proxy sets with the client's address; `None` when clients connect
/// directly. Set as a request extension by the server.
#[derive(Debug, Clone, Default)]
pub struct ClientIpHeader(pub Option<HeaderName>);

/// The caller's address as text (`"unknown"` when neither the proxy nor the socket tells).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(ClientIpHeader(Some(name))) = parts.extensions.get::<ClientIpHeader>() {
            let from_proxy = parts
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty());
            if let Some(addr) = from_proxy {
                return Ok(ClientAddress(addr.to_owned()));
            }
        }
        let socket = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip().to_string());
        Ok(ClientAddress(
            socket.unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}
