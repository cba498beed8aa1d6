//! Registration's part of the typed API client (学籍注册): single requests and their actions,
//! the national lookup before an arrival (来华归国), bulk registration (批量注册).

use gloo_net::http::Method;
use xueji_shared::business::registration::api_import::{CommitImport, ImportJobInfo, ImportMode};
use xueji_shared::business::registration::api_registration::{
    ArrivalLookup, ArrivalMatch, RegistrationInfo, RegistrationKind, RegistrationPage,
    RequestActionInput, SubmitRegistration,
};

use crate::api::{encode_component, json, Api, ApiError};

impl Api {
    /// `POST /registrations`.
    pub async fn submit_registration(
        &self,
        req: &SubmitRegistration,
    ) -> Result<RegistrationInfo, ApiError> {
        self.authed(Method::POST, "/registrations", Some(json(req)?))
            .await
    }

    /// `GET /registrations[?todo=true]`.
    pub async fn registrations(
        &self,
        todo: bool,
        cursor: Option<&str>,
    ) -> Result<RegistrationPage, ApiError> {
        let mut path = format!("/registrations?todo={todo}");
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", encode_component(c)));
        }
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /registrations/{id}`.
    pub async fn registration(&self, id: i64) -> Result<RegistrationInfo, ApiError> {
        let path = format!("/registrations/{id}");
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /students/lookup`: the national lookup before a 来华归国 registration.
    pub async fn arrival_lookup(&self, q: &ArrivalLookup) -> Result<Vec<ArrivalMatch>, ApiError> {
        let mut parts = Vec::new();
        for (k, v) in [
            ("id_type", &q.id_type),
            ("id_number", &q.id_number),
            ("name", &q.name),
            ("gender", &q.gender),
            ("birth_date", &q.birth_date),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                parts.push(format!("{k}={}", encode_component(v.trim())));
            }
        }
        let path = format!("/students/lookup?{}", parts.join("&"));
        self.authed(Method::GET, &path, None).await
    }

    /// `POST /registrations/{id}/actions`.
    pub async fn registration_action(
        &self,
        id: i64,
        req: &RequestActionInput,
    ) -> Result<RegistrationInfo, ApiError> {
        let path = format!("/registrations/{id}/actions");
        self.authed(Method::POST, &path, Some(json(req)?)).await
    }
}

// ───────────── bulk registration (批量注册: import.rs) ─────────────

impl Api {
    /// `POST /imports` (multipart: `kind`, `file`), with the upload's progress (0.0–1.0).
    pub async fn upload_import(
        &self,
        file: &web_sys::File,
        kind: RegistrationKind,
        progress: impl Fn(f64) + 'static,
    ) -> Result<ImportJobInfo, ApiError> {
        let form = web_sys::FormData::new().map_err(|_| ApiError::Network)?;
        form.append_with_str("kind", kind.as_str())
            .map_err(|_| ApiError::Network)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| ApiError::Network)?;
        self.upload_with_progress("/imports", &form, progress).await
    }

    /// `GET /imports/{id}`.
    pub async fn import_job(&self, id: i64) -> Result<ImportJobInfo, ApiError> {
        let path = format!("/imports/{id}");
        self.authed(Method::GET, &path, None).await
    }

    /// `POST /imports/{id}/commit`.
    pub async fn commit_import(
        &self,
        id: i64,
        mode: ImportMode,
    ) -> Result<ImportJobInfo, ApiError> {
        let path = format!("/imports/{id}/commit");
        let body = json(&CommitImport { mode })?;
        self.authed(Method::POST, &path, Some(body)).await
    }

    /// `POST /imports/{id}/cancel`.
    pub async fn cancel_import(&self, id: i64) -> Result<ImportJobInfo, ApiError> {
        let path = format!("/imports/{id}/cancel");
        self.authed(Method::POST, &path, None).await
    }
}
