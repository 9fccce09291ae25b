//! Configuration from `MINSHENG_*` environment variables, each with a safe default.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use minsheng_domain::followup::colour::ColourRule;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://minsheng.db";
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// `None` means: read or create the secret file beside the data.
    pub jwt_secret: Option<String>,
    pub jwt_secret_file: PathBuf,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    pub admin_password: Option<String>,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Thresholds of the status colour rule.
    pub colour_rule: ColourRule,
    /// Mark page cookies `Secure`: set when users reach the service over HTTPS (a TLS proxy);
    /// always on when the binary serves HTTPS itself.
    pub cookie_secure: bool,
    /// Seconds a client has to send a request's headers.
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's body.
    pub body_timeout_secs: u64,
    /// Most connections open at once.
    pub max_connections: u64,
    /// The header a trusted reverse proxy sets with the client's address (`X-Real-IP`,
    /// `X-Forwarded-For`); unset when clients connect directly.
    pub client_ip_header: Option<String>,
    /// Most deputy rows one CSV import may hold (`MINSHENG_IMPORT_MAX_ROWS`).
    pub import_max_rows: usize,
    /// Most bytes one attachment (photo or PDF) may have.
    pub attachment_max_bytes: usize,
    /// Serve HTTPS with this certificate and key (`MINSHENG_TLS_CERT`, `MINSHENG_TLS_KEY`).
    pub tls: Option<crate::tls::TlsFiles>,
    /// How webhook deliveries are retried (`MINSHENG_WEBHOOK_RETRY_SECS`).
    pub webhooks: crate::background::WebhookPolicy,
    /// Seconds between comparisons of the status colours with those announced on the feed.
    pub colour_watch_secs: u64,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn num(name: &str, default: u64) -> anyhow::Result<u64> {
    match var(name) {
        Some(v) => v
            .trim()
            .parse()
            .with_context(|| format!("{name} must be a whole number, got {v:?}")),
        None => Ok(default),
    }
}

/// The directory holding a SQLite database file, where the generated JWT secret is kept too.
fn data_dir(database_url: &str) -> PathBuf {
    match crate::database_file::sqlite_path(database_url)
        .and_then(|p| p.parent().map(PathBuf::from))
    {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => PathBuf::from("."),
    }
}

/// `MINSHENG_COLOUR_*`: the thresholds of the status colour rule (see the README).
fn colour_rule_from_env() -> anyhow::Result<ColourRule> {
    let d = ColourRule::default();
    let rule = ColourRule {
        behind_gap: num("MINSHENG_COLOUR_BEHIND_GAP", d.behind_gap.into())? as u32,
        serious_gap: num("MINSHENG_COLOUR_SERIOUS_GAP", d.serious_gap.into())? as u32,
        serious_overdue_milestones: num(
            "MINSHENG_COLOUR_SERIOUS_OVERDUE_MILESTONES",
            d.serious_overdue_milestones.into(),
        )? as u32,
        serious_problem_overdue_days: num(
            "MINSHENG_COLOUR_SERIOUS_PROBLEM_DAYS",
            d.serious_problem_overdue_days as u64,
        )? as i64,
    };
    if rule.behind_gap > rule.serious_gap || rule.serious_gap > 100 {
        bail!(
            "MINSHENG_COLOUR_BEHIND_GAP must not exceed MINSHENG_COLOUR_SERIOUS_GAP, which is at most 100"
        );
    }
    Ok(rule)
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let database_url =
            var("MINSHENG_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let bind = var("MINSHENG_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned())
            .parse()
            .context("MINSHENG_BIND must be an address like 127.0.0.1:8080")?;
        let jwt_secret_file = var("MINSHENG_JWT_SECRET_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir(&database_url).join("minsheng.jwt-secret"));
        let cfg = Self {
            bind,
            jwt_secret: var("MINSHENG_JWT_SECRET"),
            jwt_secret_file,
            access_ttl_secs: num("MINSHENG_ACCESS_TOKEN_TTL_SECS", 15 * 60)?,
            refresh_ttl_secs: num("MINSHENG_REFRESH_TOKEN_TTL_SECS", 12 * 60 * 60)?,
            admin_password: var("MINSHENG_ADMIN_PASSWORD"),
            body_limit: num("MINSHENG_BODY_LIMIT_BYTES", 1024 * 1024)? as usize,
            colour_rule: colour_rule_from_env()?,
            cookie_secure: match var("MINSHENG_COOKIE_SECURE").as_deref() {
                None | Some("false") | Some("0") => false,
                Some("true") | Some("1") => true,
                Some(other) => {
                    anyhow::bail!("MINSHENG_COOKIE_SECURE must be true or false, not {other:?}")
                }
            },
            header_timeout_secs: num("MINSHENG_HEADER_TIMEOUT_SECS", 60)?,
            body_timeout_secs: num("MINSHENG_BODY_TIMEOUT_SECS", 30)?,
            max_connections: num("MINSHENG_MAX_CONNECTIONS", 4096)?,
            attachment_max_bytes: match num("MINSHENG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)? {
                0 => anyhow::bail!("MINSHENG_ATTACHMENT_MAX_BYTES must be at least 1"),
                n => n as usize,
            },
            import_max_rows: match num("MINSHENG_IMPORT_MAX_ROWS", 5000)? {
                0 => anyhow::bail!("MINSHENG_IMPORT_MAX_ROWS must be at least 1"),
                n => n as usize,
            },
            client_ip_header: match var("MINSHENG_CLIENT_IP_HEADER") {
                Some(h) => Some(
                    axum::http::HeaderName::try_from(h.trim())
                        .map_err(|_| {
                            anyhow::anyhow!("MINSHENG_CLIENT_IP_HEADER is not a header name: {h:?}")
                        })?
                        .to_string(),
                ),
                None => None,
            },
            tls: match (var("MINSHENG_TLS_CERT"), var("MINSHENG_TLS_KEY")) {
                (Some(cert), Some(key)) => Some(crate::tls::TlsFiles {
                    cert: cert.into(),
                    key: key.into(),
                }),
                (None, None) => None,
                _ => bail!("MINSHENG_TLS_CERT and MINSHENG_TLS_KEY are set together, or neither"),
            },
            webhooks: match var("MINSHENG_WEBHOOK_RETRY_SECS") {
                None => Default::default(),
                Some(list) => crate::background::WebhookPolicy {
                    schedule: list
                        .split(',')
                        .map(|s| s.trim().parse::<u64>().ok().filter(|n| *n > 0))
                        .collect::<Option<Vec<u64>>>()
                        .filter(|v| !v.is_empty() && v.len() <= 20)
                        .context("MINSHENG_WEBHOOK_RETRY_SECS is 1 to 20 waits in seconds, comma-separated, such as 5,300,1800")?
                        .into_iter()
                        .map(std::time::Duration::from_secs)
                        .collect(),
                    ..Default::default()
                },
            },
            colour_watch_secs: match num("MINSHENG_COLOUR_WATCH_SECS", 60)? {
                0 => bail!("MINSHENG_COLOUR_WATCH_SECS must be at least 1"),
                n => n,
            },
            database_url,
        };
        let mut cfg = cfg;
        if cfg.tls.is_some() {
            cfg.cookie_secure = true;
        }
        if cfg.header_timeout_secs == 0 || cfg.body_timeout_secs == 0 || cfg.max_connections == 0 {
            bail!(
                "MINSHENG_HEADER_TIMEOUT_SECS, MINSHENG_BODY_TIMEOUT_SECS and MINSHENG_MAX_CONNECTIONS must be at least 1"
            );
        }
        if let Some(p) = &cfg.admin_password {
            // Named here: the domain's message alone would not say which setting is wrong.
            minsheng_domain::passwords::check_policy("MINSHENG_ADMIN_PASSWORD", p)
                .map_err(|e| anyhow::anyhow!("MINSHENG_ADMIN_PASSWORD is not usable: {e}"))?;
        }
        if !(60..=24 * 3600).contains(&cfg.access_ttl_secs) {
            bail!("MINSHENG_ACCESS_TOKEN_TTL_SECS must be between 60 and 86400");
        }
        if cfg.refresh_ttl_secs < cfg.access_ttl_secs {
            bail!(
                "MINSHENG_REFRESH_TOKEN_TTL_SECS must not be shorter than the access token lifetime"
            );
        }
        Ok(cfg)
    }

    /// The signing secret: from the environment, or from the secret file, created with fresh
    /// random bytes on first start so restarts keep sessions valid. Secrets under 32 bytes are
    /// refused.
    pub fn load_jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        let secret = match &self.jwt_secret {
            Some(s) => s.as_bytes().to_vec(),
            None => read_or_create_secret(&self.jwt_secret_file)?,
        };
        if secret.len() < MIN_SECRET_BYTES {
            bail!("the JWT secret must have at least {MIN_SECRET_BYTES} bytes");
        }
        Ok(secret)
    }
}

/// Reads the secret file, or creates it. The new secret is written to a private temporary file and
/// then hard-linked into place, which fails if the file appeared meanwhile: two nodes starting at
/// once in one directory end up with the same, complete secret.
fn read_or_create_secret(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let read = || -> anyhow::Result<Vec<u8>> {
        Ok(std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?
            .trim()
            .as_bytes()
            .to_vec())
    };
    if path.exists() {
        return read();
    }
    let secret = minsheng_domain::tokens::random_hex(32);
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp-{}", minsheng_domain::tokens::random_hex(8)));
    let tmp = path.with_file_name(tmp_name);
    write_private(&tmp, &secret)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a JWT secret; several nodes must share MINSHENG_JWT_SECRET instead");
            Ok(secret.into_bytes())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

fn write_private(path: &std::path::Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_in(dir: &std::path::Path, secret: Option<&str>) -> Config {
        Config {
            database_url: format!("sqlite://{}/m.db", dir.display()),
            bind: "127.0.0.1:0".parse().unwrap(),
            jwt_secret: secret.map(str::to_owned),
            jwt_secret_file: dir.join("minsheng.jwt-secret"),
            access_ttl_secs: 900,
            refresh_ttl_secs: 3600,
            admin_password: None,
            body_limit: 1024,
            colour_rule: ColourRule::default(),
            cookie_secure: false,
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            max_connections: 64,
            client_ip_header: None,
            import_max_rows: 5000,
            attachment_max_bytes: 10 * 1024 * 1024,
            tls: None,
            webhooks: Default::default(),
            colour_watch_secs: 60,
        }
    }

    #[test]
    fn jwt_secret_is_generated_once_kept_and_checked() {
        let dir = std::env::temp_dir().join(format!("ms-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let generated = config_in(&dir, None).load_jwt_secret().unwrap();
        assert_eq!(generated.len(), 64);
        // A restart reads the same secret, so sessions stay valid.
        assert_eq!(config_in(&dir, None).load_jwt_secret().unwrap(), generated);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("minsheng.jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            config_in(&dir, Some("too-short"))
                .load_jwt_secret()
                .is_err()
        );
        assert!(
            config_in(&dir, Some(&"k".repeat(32)))
                .load_jwt_secret()
                .is_ok()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nodes_starting_at_once_share_one_generated_secret() {
        let dir = std::env::temp_dir().join(format!("ms-race-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("minsheng.jwt-secret");
        let secrets: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| read_or_create_secret(&path).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(secrets.iter().all(|x| x == &secrets[0] && x.len() == 64));
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left behind"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn data_dir_follows_the_sqlite_file() {
        assert_eq!(data_dir("sqlite://minsheng.db"), PathBuf::from("."));
        assert_eq!(
            data_dir("sqlite:///var/lib/ms/m.db?mode=rwc"),
            PathBuf::from("/var/lib/ms")
        );
        assert_eq!(data_dir("postgres://u@h/db"), PathBuf::from("."));
    }
}
