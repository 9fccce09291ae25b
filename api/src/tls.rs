//! HTTPS served by the binary itself (`MINSHENG_TLS_CERT`, `MINSHENG_TLS_KEY`): rustls with the
//! ring provider, TLS 1.2 and 1.3, HTTP/1.1. Ballots and passwords over plain HTTP on a hall's
//! Wi-Fi can be read by anyone nearby; the README shows how an office without internet makes a
//! certificate (its own certificate authority) and how to run behind nginx instead.

use std::{path::Path, sync::Arc};

use anyhow::Context;
use tokio_rustls::{
    TlsAcceptor,
    rustls::{
        ServerConfig,
        crypto::ring,
        pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    },
};

/// Where the certificate chain and its private key are, both PEM.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The server certificate first, then any intermediate certificates.
    pub cert: std::path::PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: std::path::PathBuf,
}

fn read_chain(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("MINSHENG_TLS_CERT: cannot read {}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("MINSHENG_TLS_CERT: {} is not PEM", path.display()))?;
    if chain.is_empty() {
        anyhow::bail!(
            "MINSHENG_TLS_CERT: {} holds no certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(chain)
}

/// The acceptor for `files`; an unreadable file, a file without a certificate or key, or a key
/// that does not match the certificate is an error naming the setting.
pub fn acceptor(files: &TlsFiles) -> anyhow::Result<TlsAcceptor> {
    let chain = read_chain(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key).with_context(|| {
        format!(
            "MINSHENG_TLS_KEY: no private key read from {}",
            files.key.display()
        )
    })?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("MINSHENG_TLS_CERT and MINSHENG_TLS_KEY do not make a usable pair")?;
    // The service speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
