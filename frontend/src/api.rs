//! The one typed client of the HTTP API under `/api/v1`.
//!
//! Wire types come from `xueji_shared::api`. Every failure becomes an [`ApiError`] whose
//! [`message`](ApiError::message) is Chinese and fit to show: the server's own message when it
//! sent the error envelope, otherwise a message chosen from the status. A fetch that never reached
//! the server is [`ApiError::Network`] and marks the client offline.
//!
//! Authenticated calls send `Authorization: Bearer <access token>`. On a 401 they refresh the
//! token pair once (refresh tokens are single-use; concurrent callers share one refresh) and
//! retry; if the refresh is refused, the session ends and the router shows the sign-in page.

use std::cell::RefCell;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use xueji_shared::api::{ErrorBody, FieldError, LoginRequest, LoginResponse, Me, RefreshRequest};

use crate::auth::{self, Session};
use crate::i18n::t;
use crate::net::NetStatus;

/// Prefix of every API path.
pub const API_BASE: &str = "/api/v1";

/// The full URL path of an endpoint, e.g. `url("/me")` is `/api/v1/me`.
pub fn url(path: &str) -> String {
    format!("{API_BASE}{path}")
}

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request never reached the server (offline, DNS, connection refused, CORS…).
    Network,
    /// 401: wrong credentials, or a session that could not be renewed.
    Unauthorized { message: String },
    /// Any other non-success status.
    Http {
        status: u16,
        code: String,
        message: String,
        fields: Vec<FieldError>,
    },
    /// A success status whose body was not the expected JSON.
    Decode,
}

impl ApiError {
    /// A Chinese message fit to show to the user.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => t().err_network.to_owned(),
            ApiError::Unauthorized { message } | ApiError::Http { message, .. } => message.clone(),
            ApiError::Decode => t().err_decode.to_owned(),
        }
    }

    pub fn is_network(&self) -> bool {
        matches!(self, ApiError::Network)
    }

    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Unauthorized { .. })
    }
}

/// Maps a failing response (status and body text) to an [`ApiError`].
///
/// The error envelope's Chinese message is used when present; a body that is not the envelope
/// (a proxy page, an empty body) gets a message chosen from the status.
pub fn error_from_response(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody { error }) if status == 401 => ApiError::Unauthorized {
            message: non_empty_or(error.message, t().err_unauthorized),
        },
        Ok(ErrorBody { error }) => ApiError::Http {
            status,
            code: error.code,
            message: non_empty_or(error.message, status_message(status)),
            fields: error.fields,
        },
        Err(_) if status == 401 => ApiError::Unauthorized {
            message: t().err_unauthorized.to_owned(),
        },
        Err(_) => ApiError::Http {
            status,
            code: String::new(),
            message: status_message(status).to_owned(),
            fields: Vec::new(),
        },
    }
}

fn non_empty_or(message: String, fallback: &str) -> String {
    if message.trim().is_empty() {
        fallback.to_owned()
    } else {
        message
    }
}

/// A Chinese message for a status without an error envelope.
pub fn status_message(status: u16) -> &'static str {
    let s = t();
    match status {
        400 | 422 => s.err_bad_request,
        401 => s.err_unauthorized,
        403 => s.err_forbidden,
        404 => s.err_not_found,
        500..=599 => s.err_server,
        _ => s.err_unexpected_status,
    }
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

thread_local! {
    /// The refresh in flight, shared by every caller that hit a 401 meanwhile.
    static REFRESHING: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
}

/// The API client, provided as context by the app root. Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    session: Session,
    net: NetStatus,
}

impl Api {
    pub fn new(session: Session, net: NetStatus) -> Self {
        Api { session, net }
    }

    /// `POST /auth/login`; on success the session starts.
    pub async fn login(&self, req: &LoginRequest) -> Result<Me, ApiError> {
        let resp = self
            .send(Method::POST, "/auth/login", None, Some(json(req)?))
            .await?;
        let login: LoginResponse = decode(resp).await?;
        self.session.start(&login);
        Ok(login.account)
    }

    /// `GET /me`, refreshing the cached account on success.
    pub async fn me(&self) -> Result<Me, ApiError> {
        let me: Me = self.authed(Method::GET, "/me", None).await?;
        self.session.set_account(me.clone());
        Ok(me)
    }

    /// `POST /auth/logout`, then ends the local session whatever the server said (also offline).
    pub async fn logout(&self) {
        if let (Some(access), Some(refresh)) = (auth::access_token(), auth::refresh_token()) {
            if let Ok(body) = json(&RefreshRequest {
                refresh_token: refresh,
            }) {
                let _ = self
                    .send(Method::POST, "/auth/logout", Some(&access), Some(body))
                    .await;
            }
        }
        self.session.end();
    }

    /// An authenticated call returning JSON, with one refresh-and-retry on 401.
    async fn authed<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let Some(token) = auth::access_token() else {
            self.session.end();
            return Err(session_expired());
        };
        let resp = self
            .send(method.clone(), path, Some(&token), body.clone())
            .await?;
        if resp.status() != 401 {
            return decode(resp).await;
        }
        // Another call may have renewed the tokens while this one was in flight.
        if auth::access_token().as_deref() == Some(token.as_str()) {
            if let Err(e) = self.refresh_shared().await {
                if !e.is_network() {
                    self.session.end();
                }
                return Err(if e.is_network() { e } else { session_expired() });
            }
        }
        let Some(token) = auth::access_token() else {
            self.session.end();
            return Err(session_expired());
        };
        let resp = self.send(method, path, Some(&token), body).await?;
        if resp.status() == 401 {
            self.session.end();
            return Err(session_expired());
        }
        decode(resp).await
    }

    /// Runs one refresh, or joins the one already running.
    async fn refresh_shared(&self) -> Result<(), ApiError> {
        let api = *self;
        let fut = REFRESHING.with(|slot| {
            slot.borrow_mut()
                .get_or_insert_with(|| async move { api.refresh().await }.boxed_local().shared())
                .clone()
        });
        let result = fut.await;
        REFRESHING.with(|slot| slot.borrow_mut().take());
        result
    }

    /// `POST /auth/refresh`: exchanges the stored refresh token for a new pair.
    async fn refresh(&self) -> Result<(), ApiError> {
        let Some(refresh_token) = auth::refresh_token() else {
            return Err(session_expired());
        };
        let body = json(&RefreshRequest { refresh_token })?;
        let resp = self
            .send(Method::POST, "/auth/refresh", None, Some(body))
            .await?;
        let renewed: LoginResponse = decode(resp).await?;
        self.session.start(&renewed);
        Ok(())
    }

    /// Sends one request and records whether the server was reachable.
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        let mut builder = RequestBuilder::new(&url(path))
            .method(method)
            .header("Accept", "application/json");
        if let Some(token) = token {
            builder = builder.header("Authorization", &auth::bearer(token));
        }
        let request = match body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|_| ApiError::Network)?;
        let result = request.send().await;
        self.net.record_api_reachable(result.is_ok());
        result.map_err(|_| ApiError::Network)
    }
}

fn session_expired() -> ApiError {
    ApiError::Unauthorized {
        message: t().err_session_expired.to_owned(),
    }
}

fn json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::Decode)
}

/// Turns a response into `T` on success, or into the matching [`ApiError`].
async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let status = resp.status();
    let text = resp.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|_| ApiError::Decode)
    } else {
        Err(error_from_response(status, &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_live_under_api_v1() {
        assert_eq!(url("/auth/login"), "/api/v1/auth/login");
        assert_eq!(url("/me"), "/api/v1/me");
    }

    #[test]
    fn wrong_password_shows_the_servers_chinese_message() {
        let body = r#"{"error":{"code":"unauthorized","message":"用户名或密码不正确"}}"#;
        let err = error_from_response(401, body);
        assert!(err.is_unauthorized());
        assert_eq!(err.message(), "用户名或密码不正确");
    }

    #[test]
    fn validation_errors_keep_code_and_fields() {
        let body = r#"{"error":{"code":"validation","message":"请求内容有误",
            "fields":[{"field":"username","message":"不能为空"}]}}"#;
        match error_from_response(400, body) {
            ApiError::Http {
                status,
                code,
                message,
                fields,
            } => {
                assert_eq!(status, 400);
                assert_eq!(code, "validation");
                assert_eq!(message, "请求内容有误");
                assert_eq!(fields.len(), 1);
                assert_eq!(fields[0].field, "username");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn non_envelope_bodies_get_a_chinese_message_from_the_status() {
        assert_eq!(
            error_from_response(502, "<html>Bad Gateway</html>").message(),
            t().err_server
        );
        assert_eq!(error_from_response(404, "").message(), t().err_not_found);
        assert_eq!(error_from_response(401, "").message(), t().err_unauthorized);
        assert_eq!(
            error_from_response(418, "").message(),
            t().err_unexpected_status
        );
    }

    #[test]
    fn empty_server_message_falls_back() {
        let body = r#"{"error":{"code":"internal","message":" "}}"#;
        assert_eq!(error_from_response(500, body).message(), t().err_server);
    }

    #[test]
    fn network_errors_read_as_offline_in_chinese() {
        assert!(ApiError::Network.is_network());
        assert_eq!(ApiError::Network.message(), t().err_network);
    }
}
