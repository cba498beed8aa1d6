//! Typed configuration, read from the environment (and a `.env` file, if present) or flags.
//! `.env.sample` at the repository root documents every variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address the HTTP server listens on.
    #[arg(long, env = "XUEJI_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory for the SQLite file, the JWT secret and (later) uploaded evidence.
    #[arg(long, env = "XUEJI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database URL. Defaults to a SQLite file in the data directory; `postgres://…` for
    /// PostgreSQL.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Directory of the built frontend (`cargo xtask dist` writes it).
    #[arg(long, env = "XUEJI_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// HMAC secret for access tokens. When absent, one is generated on first start and kept in
    /// `<data dir>/jwt-secret`, so tokens survive restarts and every instance sharing the data
    /// directory agrees.
    #[arg(long, env = "XUEJI_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Seed the demo organisations and accounts when the database is empty.
    #[arg(long, env = "XUEJI_DEMO_DATA", default_value_t = false)]
    pub demo_data: bool,

    /// With the demo organisations, also seed demo business: students in every grade of every
    /// demo school, open requests at several steps (some overdue) and problem records.
    #[arg(long, env = "XUEJI_DEMO_BUSINESS", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_business: bool,

    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy).
    #[arg(long, env = "XUEJI_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// When the nightly full duplicate scan (全量查重) runs, China time `HH:MM`; `off` disables it.
    #[arg(long, env = "XUEJI_NIGHTLY_SCAN", default_value = "02:00")]
    pub nightly_scan: String,

    /// Log format: `pretty` for people, `json` for log collectors.
    #[arg(long, env = "XUEJI_LOG_FORMAT", default_value = "pretty")]
    pub log_format: String,
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("xueji.db").display()
            ),
        }
    }

    /// The JWT secret: from the environment, or from `<data dir>/jwt-secret`, generated there
    /// (mode 0600) on first start.
    pub fn resolve_jwt_secret(&self) -> std::io::Result<Vec<u8>> {
        if let Some(s) = &self.jwt_secret {
            if s.len() < 32 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "XUEJI_JWT_SECRET must be at least 32 characters",
                ));
            }
            return Ok(s.as_bytes().to_vec());
        }
        load_or_create_secret(&self.data_dir.join("jwt-secret"))
    }
}

fn load_or_create_secret(path: &Path) -> std::io::Result<Vec<u8>> {
    use base64::Engine;
    use rand::RngCore;
    if let Ok(existing) = std::fs::read_to_string(path) {
        let trimmed = existing.trim();
        if trimmed.len() >= 32 {
            return Ok(trimmed.as_bytes().to_vec());
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(secret.as_bytes())?;
            f.sync_all()?;
            Ok(secret.into_bytes())
        }
        // Another instance created it between our read and our create: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?.trim().as_bytes().to_vec())
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("jwt-secret");
        let a = load_or_create_secret(&path).expect("create");
        let b = load_or_create_secret(&path).expect("reuse");
        assert_eq!(a, b);
        assert!(a.len() >= 32);
    }
}
