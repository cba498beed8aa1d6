//! Authentication: Argon2id password hashing on a bounded blocking pool, short-lived JWT access
//! tokens, opaque single-use refresh tokens, and the [`Caller`] that every authenticated handler
//! takes (its extractor is in [`crate::extract`]).

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use xueji_shared::api::{Me, OrgSummary};
use xueji_shared::org::{Level, Role};

use crate::audit::Actor;
use crate::entities::{accounts, organisations};
use crate::error::{AppError, AppResult};

/// Access tokens live 15 minutes.
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;
/// Refresh tokens live 7 days, and each is used once.
pub const REFRESH_TTL_SECONDS: i64 = 7 * 24 * 3600;

/// Argon2id with 19 MiB, t=2, p=1 (OWASP's recommendation).
fn argon2() -> Argon2<'static> {
    // Constant, valid parameters: Params::new only fails outside Argon2's documented bounds.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords on Tokio's blocking pool, at most `permits` at a time, so a
/// burst of sign-ins queues instead of starving the async workers or exhausting memory.
///
/// A sign-in's check also takes a share of one client address: at most `per_client` checks
/// (half the permits, at least one) run or wait for one address at a time, and one more is
/// refused with 429 at once — so a flood from one address cannot fill the queue in front of
/// everyone else's sign-in (issue 10: a second client's sign-in stays within 2× during 100
/// attempts/s from another address). The shares are per server instance, as the permits are.
#[derive(Clone)]
pub struct PasswordHasherPool {
    permits: Arc<Semaphore>,
    per_client: usize,
    clients: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

/// One client address's share of the pool, given back when dropped.
struct ClientShare {
    client: String,
    clients: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

impl Drop for ClientShare {
    fn drop(&mut self) {
        let mut map = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.client);
            }
        }
    }
}

impl Default for PasswordHasherPool {
    fn default() -> Self {
        Self::new()
    }
}

impl PasswordHasherPool {
    pub fn new() -> Self {
        let n = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        PasswordHasherPool {
            permits: Arc::new(Semaphore::new(n)),
            per_client: (n / 2).max(1),
            clients: Arc::default(),
        }
    }

    fn share(&self, client: &str) -> AppResult<ClientShare> {
        let mut map = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(client.to_owned()).or_insert(0);
        if *n >= self.per_client {
            return Err(AppError::RateLimited {
                message: crate::ratelimit::TOO_MANY.into(),
                retry_after: 1,
            });
        }
        *n += 1;
        Ok(ClientShare {
            client: client.to_owned(),
            clients: self.clients.clone(),
        })
    }

    /// [`Self::verify`] for a sign-in from `client` (its address), within the client's share.
    pub async fn verify_from(
        &self,
        client: Option<&str>,
        password: String,
        hash: Option<String>,
    ) -> AppResult<bool> {
        let _share = client.map(|c| self.share(c)).transpose()?;
        self.verify(password, hash).await
    }

    pub async fn hash(&self, password: String) -> AppResult<String> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(AppError::internal)?
    }

    /// Verify `password` against `hash`; with `hash = None` a dummy hash is verified so an
    /// unknown account takes as long as a known one.
    pub async fn verify(&self, password: String, hash: Option<String>) -> AppResult<bool> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || {
            let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
            verify_password(&password, &stored)
        })
        .await
        .map_err(AppError::internal)
    }
}

/// Argon2id hash of "dummy-password" used to equalise timing for unknown accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1wZ3UeJd4MtwkbC5Ekfl6jW2VwVqL4o2C0ZlXAnpXvU";

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// Account id.
    pub sub: i64,
    /// Organisation id.
    pub org: i64,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue_access(&self, account: &accounts::Model, role: Role) -> AppResult<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: account.id,
            org: account.org_id,
            role,
            iat: now,
            exp: now + ACCESS_TTL_SECONDS,
        };
        jsonwebtoken::encode(&Header::default(), &claims, &self.encoding)
            .map_err(AppError::internal)
    }

    pub fn decode(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// A fresh opaque refresh token and the SHA-256 hex stored in its place.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = refresh_token_hash(&token);
    (token, hash)
}

pub fn refresh_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated account making the request, with its organisation.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: accounts::Model,
    pub org: organisations::Model,
    pub role: Role,
    pub level: Level,
    pub client_ip: Option<String>,
    /// The account must change its password before anything else (see [`SessionCaller`]).
    pub password_change_required: bool,
}

impl Caller {
    pub fn me(&self) -> Me {
        me_of(
            &self.account,
            &self.org,
            self.role,
            self.level,
            self.password_change_required,
        )
    }

    pub fn actor(&self) -> Actor {
        Actor {
            account_id: Some(self.account.id),
            org_id: Some(self.org.id),
            province_code: Some(self.org.province_code.clone()),
            client_ip: self.client_ip.clone(),
        }
    }
}

pub fn me_of(
    account: &accounts::Model,
    org: &organisations::Model,
    role: Role,
    level: Level,
    password_change_required: bool,
) -> Me {
    Me {
        id: account.id,
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role,
        org: OrgSummary {
            id: org.id,
            code: org.code.clone(),
            name: org.name.clone(),
            level,
        },
        password_change_required,
    }
}

/// Parse the stored role and level; a row with unknown values is a server fault.
pub fn role_and_level(
    account: &accounts::Model,
    org: &organisations::Model,
) -> AppResult<(Role, Level)> {
    let role = Role::parse(&account.role)
        .ok_or_else(|| AppError::Internal(format!("account {} has unknown role", account.id)))?;
    let level = Level::parse(&org.level)
        .ok_or_else(|| AppError::Internal(format!("organisation {} has unknown level", org.id)))?;
    Ok((role, level))
}

/// An authenticated caller who may still have to change the password: for the few endpoints
/// that must work before that (who am I, change password, the policy, sign out). Extracted in
/// [`crate::extract`].
pub struct SessionCaller(pub Caller);

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when the server
/// is configured to trust its proxy. Extracted in [`crate::extract`].
pub struct ClientIp(pub Option<String>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash_password("正确的密码 Secret-1").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("正确的密码 Secret-1", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn dummy_hash_parses_and_rejects_everything_plausible() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
        assert!(!verify_password("Xueji@2026", DUMMY_HASH));
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, ha) = new_refresh_token();
        let (b, hb) = new_refresh_token();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert_eq!(refresh_token_hash(&a), ha);
        assert_eq!(ha.len(), 64);
    }

    #[test]
    fn access_tokens_round_trip_and_reject_tampering() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now();
        let account = accounts::Model {
            id: 7,
            username: "u".into(),
            password_hash: String::new(),
            display_name: "d".into(),
            org_id: 3,
            role: "registrar".into(),
            province_code: "330000".into(),
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            password_changed_at: now,
            must_change_password: false,
            created_at: now,
            updated_at: now,
        };
        let token = keys.issue_access(&account, Role::Registrar).expect("issue");
        let claims = keys.decode(&token).expect("decode");
        assert_eq!(
            (claims.sub, claims.org, claims.role),
            (7, 3, Role::Registrar)
        );
        let other = TokenKeys::new(b"another-secret-another-secret-xx");
        assert!(other.decode(&token).is_none());
    }
}
