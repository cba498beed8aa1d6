//! The typed client of the HTTP API under `/api/v1`: the generic part (requests, tokens, errors,
//! uploads and downloads) and the platform's calls (sign-in, organisations, accounts, audit,
//! configuration, students).
//!
//! Each business adds its calls in its folder (`business/<name>/api.rs`, another `impl Api`
//! block over [`Api::authed`], [`json`] and [`encode_component`]), as does the engine
//! (`engine/api.rs`). Wire types come from `xueji_shared`. Every failure becomes an [`ApiError`] whose
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
use xueji_shared::account::PasswordPolicy;
use xueji_shared::api::{
    AccountInfo, AuditPage, AuditVerifyReport, ChangePassword, CreateAccount, CreateOrg, OrgNode,
    PasswordLoanRequest, ResetPassword, UpdateAccount, UpdateOrg,
};
use xueji_shared::api::{ErrorBody, FieldError, LoginRequest, LoginResponse, Me, RefreshRequest};

use crate::auth::{self, Session};
use crate::i18n::t;
use crate::net::NetStatus;

/// Prefix of every API path.
pub const API_BASE: &str = "/api/v1";

/// `error.code` of the 403 every endpoint answers until a required password change is done.
pub const PASSWORD_CHANGE_REQUIRED: &str = "password_change_required";

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

    /// 403 `password_change_required`: the account must change its password first.
    pub fn is_password_change_required(&self) -> bool {
        matches!(self, ApiError::Http { status: 403, code, .. } if code == PASSWORD_CHANGE_REQUIRED)
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
    pub(crate) async fn authed<T: DeserializeOwned>(
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
            return self.noting_password_change(decode(resp).await);
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
        self.noting_password_change(decode(resp).await)
    }

    /// An authenticated request whose body is a form (multipart upload) or whose answer is not
    /// JSON (file download), with the same refresh-and-retry on 401. Errors are decoded.
    pub(crate) async fn authed_raw(
        &self,
        method: Method,
        path: &str,
        form: Option<&web_sys::FormData>,
    ) -> Result<Response, ApiError> {
        let attempt = |token: String| {
            let method = method.clone();
            async move {
                let builder = RequestBuilder::new(&url(path))
                    .method(method)
                    .header("Authorization", &auth::bearer(&token));
                let request = match form {
                    Some(f) => builder.body(f.clone()),
                    None => builder.build(),
                }
                .map_err(|_| ApiError::Network)?;
                let result = request.send().await;
                self.net.record_api_reachable(result.is_ok());
                result.map_err(|_| ApiError::Network)
            }
        };
        let Some(token) = auth::access_token() else {
            self.session.end();
            return Err(session_expired());
        };
        let mut resp = attempt(token.clone()).await?;
        if resp.status() == 401 {
            if auth::access_token().as_deref() == Some(token.as_str()) {
                self.refresh_shared().await.inspect_err(|e| {
                    if !e.is_network() {
                        self.session.end();
                    }
                })?;
            }
            let Some(token) = auth::access_token() else {
                self.session.end();
                return Err(session_expired());
            };
            resp = attempt(token).await?;
        }
        if (200..300).contains(&resp.status()) {
            Ok(resp)
        } else {
            let status = resp.status();
            let text = resp.text().await.map_err(|_| ApiError::Network)?;
            self.noting_password_change(Err(error_from_response(status, &text)))
        }
    }

    /// `POST /evidence`: upload one evidence file (PDF/JPG/PNG, checked by the server).
    pub async fn upload_evidence(
        &self,
        file: &web_sys::File,
    ) -> Result<xueji_shared::api_students::EvidenceInfo, ApiError> {
        let form = web_sys::FormData::new().map_err(|_| ApiError::Decode)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| ApiError::Decode)?;
        let resp = self
            .authed_raw(Method::POST, "/evidence", Some(&form))
            .await?;
        decode(resp).await
    }

    /// An authenticated file download, as a blob URL to open or save (the caller revokes it).
    pub async fn download_url(&self, path: &str) -> Result<String, ApiError> {
        let resp = self.authed_raw(Method::GET, path, None).await?;
        let mime = resp
            .headers()
            .get("content-type")
            .unwrap_or_else(|| "application/octet-stream".into());
        let bytes = resp.binary().await.map_err(|_| ApiError::Network)?;
        let array = js_sys::Uint8Array::from(bytes.as_slice());
        let parts = js_sys::Array::of1(&array);
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(&mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
            .map_err(|_| ApiError::Decode)?;
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ApiError::Decode)
    }

    /// An authenticated GET returning the body's bytes (the template, a report), with one
    /// refresh-and-retry on 401.
    pub async fn download(&self, path: &str) -> Result<Vec<u8>, ApiError> {
        for attempt in 0..2 {
            let Some(token) = auth::access_token() else {
                self.session.end();
                return Err(session_expired());
            };
            let resp = self.send(Method::GET, path, Some(&token), None).await?;
            let status = resp.status();
            if status == 401 && attempt == 0 {
                if let Err(e) = self.refresh_shared().await {
                    if !e.is_network() {
                        self.session.end();
                    }
                    return Err(if e.is_network() { e } else { session_expired() });
                }
                continue;
            }
            if (200..300).contains(&status) {
                return resp.binary().await.map_err(|_| ApiError::Network);
            }
            let text = resp.text().await.unwrap_or_default();
            return self.noting_password_change(Err(error_from_response(status, &text)));
        }
        Err(session_expired())
    }

    /// A multipart `POST` through XMLHttpRequest, so that `progress` sees the upload (0.0–1.0).
    /// The access token is renewed first (`GET /me`) if needed.
    pub(crate) async fn upload_with_progress<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &web_sys::FormData,
        progress: impl Fn(f64) + 'static,
    ) -> Result<T, ApiError> {
        use std::rc::Rc;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        self.me().await?;
        let token = auth::access_token().ok_or_else(session_expired)?;
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::Network)?;
        xhr.open("POST", &url(path))
            .map_err(|_| ApiError::Network)?;
        let _ = xhr.set_request_header("Authorization", &auth::bearer(&token));
        let _ = xhr.set_request_header("Accept", "application/json");
        let (send, recv) = futures::channel::oneshot::channel::<bool>();
        let send = Rc::new(RefCell::new(Some(send)));
        let finish = |ok: bool| {
            let send = send.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(s) = send.borrow_mut().take() {
                    let _ = s.send(ok);
                }
            })
        };
        let on_load = finish(true);
        let on_error = finish(false);
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress(e.loaded() / e.total());
                }
            });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(on_error.as_ref().unchecked_ref()));
        xhr.send_with_opt_form_data(Some(form))
            .map_err(|_| ApiError::Network)?;
        let reached = recv.await.unwrap_or(false);
        // The callbacks live until the request has ended.
        drop((on_load, on_error, on_progress));
        self.net.record_api_reachable(reached);
        if !reached {
            return Err(ApiError::Network);
        }
        let status = xhr.status().unwrap_or(0);
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            serde_json::from_str(&text).map_err(|_| ApiError::Decode)
        } else if status == 401 {
            self.session.end();
            Err(session_expired())
        } else {
            self.noting_password_change(Err(error_from_response(status, &text)))
        }
    }

    /// A 403 `password_change_required` marks the session, and the shell then routes to the
    /// change-password page.
    fn noting_password_change<T>(&self, result: Result<T, ApiError>) -> Result<T, ApiError> {
        if let Err(e) = &result {
            if e.is_password_change_required() {
                self.session.require_password_change();
            }
        }
        result
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

pub(crate) fn session_expired() -> ApiError {
    ApiError::Unauthorized {
        message: t().err_session_expired.to_owned(),
    }
}

/// The JSON body of a request.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::Decode)
}

/// Turns a response into `T` on success, or into the matching [`ApiError`].
pub(crate) async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let status = resp.status();
    let text = resp.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|_| ApiError::Decode)
    } else {
        Err(error_from_response(status, &text))
    }
}

// ───────────── organisations, accounts, passwords, audit (settings: orgs / accounts / audit) ─────────────

/// Percent-encodes a query-string component (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The filters and page of `GET /audit`; empty filters are left out of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub page: u32,
    pub per_page: u32,
    pub action: String,
    pub username: String,
    /// `YYYY-MM-DD` or empty.
    pub from: String,
    /// `YYYY-MM-DD` or empty.
    pub to: String,
}

impl Default for AuditQuery {
    fn default() -> Self {
        AuditQuery {
            page: 1,
            per_page: 50,
            action: String::new(),
            username: String::new(),
            from: String::new(),
            to: String::new(),
        }
    }
}

impl AuditQuery {
    /// The path with its query string, e.g. `/audit?page=1&per_page=50&username=hz-xh-admin`.
    pub fn path(&self) -> String {
        let mut path = format!(
            "/audit?page={}&per_page={}",
            self.page.max(1),
            self.per_page
        );
        for (name, value) in [
            ("action", &self.action),
            ("username", &self.username),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            let value = value.trim();
            if !value.is_empty() {
                path.push_str(&format!("&{name}={}", encode_component(value)));
            }
        }
        path
    }
}

impl Api {
    /// `GET /orgs/{id}`: one organisation of the jurisdiction (the school's kind).
    pub async fn org(&self, id: i64) -> Result<OrgNode, ApiError> {
        let path = format!("/orgs/{id}");
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /orgs`: the root of the caller's tree (its own organisation).
    pub async fn org_roots(&self) -> Result<Vec<OrgNode>, ApiError> {
        self.authed(Method::GET, "/orgs", None).await
    }

    /// `GET /orgs?parent_id=`: the children of an organisation.
    pub async fn org_children(&self, parent_id: i64) -> Result<Vec<OrgNode>, ApiError> {
        let path = format!("/orgs?parent_id={parent_id}");
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /orgs?q=`: search by name or code within the jurisdiction.
    pub async fn org_search(&self, q: &str) -> Result<Vec<OrgNode>, ApiError> {
        let path = format!("/orgs?q={}", encode_component(q.trim()));
        self.authed(Method::GET, &path, None).await
    }

    /// `POST /orgs`.
    pub async fn create_org(&self, req: &CreateOrg) -> Result<OrgNode, ApiError> {
        self.authed(Method::POST, "/orgs", Some(json(req)?)).await
    }

    /// `PUT /orgs/{id}`.
    pub async fn update_org(&self, id: i64, req: &UpdateOrg) -> Result<OrgNode, ApiError> {
        let path = format!("/orgs/{id}");
        self.authed(Method::PUT, &path, Some(json(req)?)).await
    }

    /// `GET /accounts[?org_id=]`: own organisation and direct children, or one of them.
    pub async fn accounts(&self, org_id: Option<i64>) -> Result<Vec<AccountInfo>, ApiError> {
        let path = match org_id {
            Some(id) => format!("/accounts?org_id={id}"),
            None => "/accounts".to_owned(),
        };
        self.authed(Method::GET, &path, None).await
    }

    /// `POST /accounts`.
    pub async fn create_account(&self, req: &CreateAccount) -> Result<AccountInfo, ApiError> {
        self.authed(Method::POST, "/accounts", Some(json(req)?))
            .await
    }

    /// `PATCH /accounts/{id}`.
    pub async fn update_account(
        &self,
        id: i64,
        req: &UpdateAccount,
    ) -> Result<AccountInfo, ApiError> {
        let path = format!("/accounts/{id}");
        self.authed(Method::PATCH, &path, Some(json(req)?)).await
    }

    /// `POST /accounts/{id}/unlock`.
    pub async fn unlock_account(&self, id: i64) -> Result<AccountInfo, ApiError> {
        let path = format!("/accounts/{id}/unlock");
        self.authed(Method::POST, &path, None).await
    }

    /// `POST /accounts/{id}/reset-password`.
    pub async fn reset_password(
        &self,
        id: i64,
        req: &ResetPassword,
    ) -> Result<AccountInfo, ApiError> {
        let path = format!("/accounts/{id}/reset-password");
        self.authed(Method::POST, &path, Some(json(req)?)).await
    }

    /// `POST /accounts/{id}/loan` (密码出借登记).
    pub async fn lend_password(
        &self,
        id: i64,
        req: &PasswordLoanRequest,
    ) -> Result<AccountInfo, ApiError> {
        let path = format!("/accounts/{id}/loan");
        self.authed(Method::POST, &path, Some(json(req)?)).await
    }

    /// `GET /password-policy`: the caller's province's policy.
    pub async fn password_policy(&self) -> Result<PasswordPolicy, ApiError> {
        self.authed(Method::GET, "/password-policy", None).await
    }

    /// `POST /me/password`; on success the new token pair replaces the session (the server has
    /// revoked every other session).
    pub async fn change_password(&self, req: &ChangePassword) -> Result<Me, ApiError> {
        let renewed: LoginResponse = self
            .authed(Method::POST, "/me/password", Some(json(req)?))
            .await?;
        self.session.start(&renewed);
        Ok(renewed.account)
    }

    /// `GET /audit`.
    pub async fn audit(&self, query: &AuditQuery) -> Result<AuditPage, ApiError> {
        self.authed(Method::GET, &query.path(), None).await
    }

    /// `GET /audit/verify`.
    pub async fn audit_verify(&self) -> Result<AuditVerifyReport, ApiError> {
        self.authed(Method::GET, "/audit/verify", None).await
    }
}

// ───────────── system configuration (settings: caps / controlled fields / switches / calendar / password policy / classes) ─────────────

impl Api {
    /// `GET /orgs/{id}/caps`: class-size caps of an organisation, per stage.
    pub async fn caps(&self, org_id: i64) -> Result<xueji_shared::api_config::CapsView, ApiError> {
        let path = format!("/orgs/{org_id}/caps");
        self.authed(Method::GET, &path, None).await
    }

    /// `PUT /orgs/{id}/caps`: one stage's own cap of the caller's organisation.
    pub async fn update_cap(
        &self,
        org_id: i64,
        req: &xueji_shared::api_config::UpdateCap,
    ) -> Result<xueji_shared::api_config::CapsView, ApiError> {
        let path = format!("/orgs/{org_id}/caps");
        self.authed(Method::PUT, &path, Some(json(req)?)).await
    }

    /// `GET /orgs/{id}/controlled-fields`.
    pub async fn controlled_fields(
        &self,
        org_id: i64,
    ) -> Result<xueji_shared::api_config::ControlledFieldsView, ApiError> {
        let path = format!("/orgs/{org_id}/controlled-fields");
        self.authed(Method::GET, &path, None).await
    }

    /// `PUT /orgs/{id}/controlled-fields`.
    pub async fn update_controlled_fields(
        &self,
        org_id: i64,
        req: &xueji_shared::api_config::UpdateControlledFields,
    ) -> Result<xueji_shared::api_config::ControlledFieldsView, ApiError> {
        let path = format!("/orgs/{org_id}/controlled-fields");
        self.authed(Method::PUT, &path, Some(json(req)?)).await
    }

    /// `GET /config/switches`: the caller's province's switches.
    pub async fn switches(&self) -> Result<xueji_shared::api_config::SwitchesView, ApiError> {
        self.authed(Method::GET, "/config/switches", None).await
    }

    /// `PUT /config/switches` (province administrators).
    pub async fn update_switches(
        &self,
        req: &xueji_shared::api_config::ProvinceSwitches,
    ) -> Result<xueji_shared::api_config::SwitchesView, ApiError> {
        self.authed(Method::PUT, "/config/switches", Some(json(req)?))
            .await
    }

    /// `GET /config/calendar?year=`.
    pub async fn calendar(
        &self,
        year: i32,
    ) -> Result<xueji_shared::api_config::CalendarView, ApiError> {
        let path = format!("/config/calendar?year={year}");
        self.authed(Method::GET, &path, None).await
    }

    /// `PUT /config/calendar` (the ministry's or a province's administrators).
    pub async fn update_calendar(
        &self,
        req: &xueji_shared::api_config::UpdateCalendar,
    ) -> Result<xueji_shared::api_config::CalendarView, ApiError> {
        self.authed(Method::PUT, "/config/calendar", Some(json(req)?))
            .await
    }

    /// `GET /config/password-policy`: the caller's province's policy.
    pub async fn config_password_policy(
        &self,
    ) -> Result<xueji_shared::api_config::PasswordPolicyView, ApiError> {
        self.authed(Method::GET, "/config/password-policy", None)
            .await
    }

    /// `PUT /config/password-policy` (province administrators).
    pub async fn update_password_policy(
        &self,
        req: &PasswordPolicy,
    ) -> Result<xueji_shared::api_config::PasswordPolicyView, ApiError> {
        self.authed(Method::PUT, "/config/password-policy", Some(json(req)?))
            .await
    }

    /// `GET /orgs/{id}/classes`: the classes of a school.
    pub async fn classes(
        &self,
        school_id: i64,
    ) -> Result<Vec<xueji_shared::api::ClassInfo>, ApiError> {
        let path = format!("/orgs/{school_id}/classes");
        self.authed(Method::GET, &path, None).await
    }

    /// `POST /orgs/{id}/classes`.
    pub async fn create_class(
        &self,
        school_id: i64,
        req: &xueji_shared::api::UpsertClass,
    ) -> Result<xueji_shared::api::ClassInfo, ApiError> {
        let path = format!("/orgs/{school_id}/classes");
        self.authed(Method::POST, &path, Some(json(req)?)).await
    }

    /// `PUT /classes/{id}`.
    pub async fn update_class(
        &self,
        id: i64,
        req: &xueji_shared::api::UpsertClass,
    ) -> Result<xueji_shared::api::ClassInfo, ApiError> {
        let path = format!("/classes/{id}");
        self.authed(Method::PUT, &path, Some(json(req)?)).await
    }
}

// ───────────── students (学籍查询 / 学籍卡: pages/students) ─────────────

/// The filters and page of `GET /students`; empty filters are left out of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentQuery {
    pub page: u32,
    pub per_page: u32,
    /// Student number, ID number or part of a name.
    pub q: String,
    pub school_id: Option<i64>,
    /// An authority of the jurisdiction (city, county): only the schools below it.
    pub org_id: Option<i64>,
    /// National grade code (`13`), or empty.
    pub grade: String,
    pub class_id: Option<i64>,
    /// Status code (`active`, …), or empty.
    pub status: String,
    pub problem: Option<bool>,
}

impl Default for StudentQuery {
    fn default() -> Self {
        StudentQuery {
            page: 1,
            per_page: 20,
            q: String::new(),
            school_id: None,
            org_id: None,
            grade: String::new(),
            class_id: None,
            status: String::new(),
            problem: None,
        }
    }
}

impl StudentQuery {
    /// The path with its query string, e.g. `/students?page=1&per_page=20&grade=13`.
    pub fn path(&self) -> String {
        let mut path = format!(
            "/students?page={}&per_page={}",
            self.page.max(1),
            self.per_page
        );
        let ids = [
            ("school_id", self.school_id),
            ("org_id", self.org_id),
            ("class_id", self.class_id),
        ];
        let ids = ids
            .iter()
            .filter_map(|(name, v)| v.map(|v| (*name, v.to_string())));
        let texts = [
            ("q", &self.q),
            ("grade", &self.grade),
            ("status", &self.status),
        ];
        let texts = texts
            .iter()
            .map(|(name, v)| (*name, v.trim().to_owned()))
            .filter(|(_, v)| !v.is_empty());
        let problem = self.problem.map(|p| ("problem", p.to_string()));
        for (name, value) in texts.chain(ids).chain(problem) {
            path.push_str(&format!("&{name}={}", encode_component(&value)));
        }
        path
    }
}

impl Api {
    /// `GET /students`: students of the jurisdiction.
    pub async fn students(
        &self,
        query: &StudentQuery,
    ) -> Result<xueji_shared::api_students::StudentPage, ApiError> {
        self.authed(Method::GET, &query.path(), None).await
    }

    /// `GET /students/{id}`: the student card (学籍卡).
    pub async fn student_card(
        &self,
        id: i64,
    ) -> Result<xueji_shared::api_students::StudentCard, ApiError> {
        let path = format!("/students/{id}");
        self.authed(Method::GET, &path, None).await
    }
}

#[cfg(test)]
mod student_query_tests {
    use super::StudentQuery;

    #[test]
    fn student_query_leaves_out_empty_filters() {
        assert_eq!(
            StudentQuery::default().path(),
            "/students?page=1&per_page=20"
        );
        let q = StudentQuery {
            page: 2,
            q: " 王 ".into(),
            school_id: Some(7),
            org_id: Some(3),
            grade: "13".into(),
            class_id: Some(9),
            status: "active".into(),
            problem: Some(false),
            ..StudentQuery::default()
        };
        assert_eq!(
            q.path(),
            "/students?page=2&per_page=20&q=%E7%8E%8B&grade=13&status=active\
             &school_id=7&org_id=3&class_id=9&problem=false"
        );
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

    #[test]
    fn query_components_are_percent_encoded() {
        assert_eq!(encode_component("hz-xh_1.a~"), "hz-xh_1.a~");
        assert_eq!(encode_component("上城"), "%E4%B8%8A%E5%9F%8E");
        assert_eq!(encode_component("a b&c=d"), "a%20b%26c%3Dd");
    }

    #[test]
    fn audit_query_leaves_out_empty_filters() {
        let q = AuditQuery::default();
        assert_eq!(q.path(), "/audit?page=1&per_page=50");
        let q = AuditQuery {
            page: 3,
            action: " account.create ".into(),
            username: "hz-xh-admin".into(),
            from: "2026-01-01".into(),
            to: "2026-01-31".into(),
            ..AuditQuery::default()
        };
        assert_eq!(
            q.path(),
            "/audit?page=3&per_page=50&action=account.create&username=hz-xh-admin\
             &from=2026-01-01&to=2026-01-31"
        );
        let zero = AuditQuery {
            page: 0,
            ..AuditQuery::default()
        };
        assert_eq!(zero.path(), "/audit?page=1&per_page=50");
    }

    #[test]
    fn password_change_required_is_recognised() {
        let body = r#"{"error":{"code":"password_change_required","message":"请先修改密码"}}"#;
        assert!(error_from_response(403, body).is_password_change_required());
        let other = r#"{"error":{"code":"forbidden","message":"没有权限"}}"#;
        assert!(!error_from_response(403, other).is_password_change_required());
        assert!(!ApiError::Network.is_password_change_required());
    }
}
