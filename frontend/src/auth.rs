//! Session state: the tokens in `localStorage` and the signed-in account as a signal.
//!
//! The account is cached next to the tokens so that the shell can show who is signed in while
//! offline. Signed in means: both tokens and the account are stored.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use xueji_shared::api::{LoginResponse, Me};

/// `localStorage` keys. Changing one signs every user out once, so they are fixed here.
pub mod keys {
    pub const ACCESS_TOKEN: &str = "xueji.access_token";
    pub const REFRESH_TOKEN: &str = "xueji.refresh_token";
    pub const ACCOUNT: &str = "xueji.account";
    pub const ALL: [&str; 3] = [ACCESS_TOKEN, REFRESH_TOKEN, ACCOUNT];
}

/// The signed-in account, provided as context by the app root.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    account: RwSignal<Option<Me>>,
}

impl Session {
    /// Restores the session from `localStorage`; a partial session is discarded.
    pub fn load() -> Self {
        let account = match (access_token(), refresh_token(), stored_account()) {
            (Some(_), Some(_), Some(me)) => Some(me),
            _ => {
                clear_storage();
                None
            }
        };
        Session {
            account: RwSignal::new(account),
        }
    }

    /// The signed-in account (tracked).
    pub fn account(&self) -> Option<Me> {
        self.account.get()
    }

    /// Whether someone is signed in (tracked).
    pub fn signed_in(&self) -> bool {
        self.account.with(Option::is_some)
    }

    /// Stores a fresh token pair and account after sign-in or refresh.
    pub fn start(&self, resp: &LoginResponse) {
        store_tokens(&resp.access_token, &resp.refresh_token);
        self.set_account(resp.account.clone());
    }

    /// Replaces the cached account, e.g. after `GET /me`.
    pub fn set_account(&self, me: Me) {
        let _ = LocalStorage::set(keys::ACCOUNT, &me);
        if self.account.with_untracked(|a| a.as_ref() != Some(&me)) {
            self.account.set(Some(me));
        }
    }

    /// Whether the account must change its password before anything else (tracked).
    pub fn password_change_required(&self) -> bool {
        self.account
            .with(|a| a.as_ref().is_some_and(|me| me.password_change_required))
    }

    /// Marks the account as having to change its password (the server said so with a 403); the
    /// shell then routes to the change-password page.
    pub fn require_password_change(&self) {
        if let Some(mut me) = self.account.get_untracked() {
            if !me.password_change_required {
                me.password_change_required = true;
                self.set_account(me);
            }
        }
    }

    /// Forgets tokens and account; protected routes then redirect to the sign-in page.
    pub fn end(&self) {
        clear_storage();
        self.account.set(None);
    }
}

/// The stored access token.
pub fn access_token() -> Option<String> {
    LocalStorage::get(keys::ACCESS_TOKEN).ok()
}

/// The stored refresh token.
pub fn refresh_token() -> Option<String> {
    LocalStorage::get(keys::REFRESH_TOKEN).ok()
}

/// Stores a token pair (refresh tokens are single-use: always keep the newest).
pub fn store_tokens(access: &str, refresh: &str) {
    // Storage can be unavailable (private mode, quota); the session then lasts for this page.
    let _ = LocalStorage::set(keys::ACCESS_TOKEN, access);
    let _ = LocalStorage::set(keys::REFRESH_TOKEN, refresh);
}

fn stored_account() -> Option<Me> {
    LocalStorage::get(keys::ACCOUNT).ok()
}

fn clear_storage() {
    for key in keys::ALL {
        LocalStorage::delete(key);
    }
}

/// The value of an `Authorization` header for a token.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keys_are_namespaced_and_distinct() {
        for (i, k) in keys::ALL.iter().enumerate() {
            assert!(k.starts_with("xueji."), "{k}");
            assert!(keys::ALL[i + 1..].iter().all(|o| o != k));
        }
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer("abc.def"), "Bearer abc.def");
    }
}
