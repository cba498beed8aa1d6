//! Problem-record handling's part of the typed API client (问题学籍): the queue, one record, its
//! actions and forced intervention, the full duplicate scan (全量查重).

use gloo_net::http::Method;
use xueji_shared::business::problems::api_problems::{ProblemDetail, ProblemPage};
use xueji_shared::business::problems::api_scan::ScanRun;
use xueji_shared::business::problems::problem::{ProblemActionInput, ProblemForceInput};

use crate::api::{encode_component, json, Api, ApiError};

impl Api {
    /// `GET /problems?state=open|resolved`: the problem-record queue (问题学籍).
    pub async fn problems(
        &self,
        resolved: bool,
        cursor: Option<&str>,
    ) -> Result<ProblemPage, ApiError> {
        let mut path = format!(
            "/problems?state={}",
            if resolved { "resolved" } else { "open" }
        );
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", encode_component(c)));
        }
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /problems/{id}`.
    pub async fn problem(&self, id: i64) -> Result<ProblemDetail, ApiError> {
        self.authed(Method::GET, &format!("/problems/{id}"), None)
            .await
    }

    /// `POST /problems/{id}/actions`.
    pub async fn problem_action(
        &self,
        id: i64,
        req: &ProblemActionInput,
    ) -> Result<ProblemDetail, ApiError> {
        let path = format!("/problems/{id}/actions");
        self.authed(Method::POST, &path, Some(json(req)?)).await
    }

    /// `POST /problems/{id}/force`: 强制干预 on one side's overdue authority step.
    pub async fn problem_force(
        &self,
        id: i64,
        req: &ProblemForceInput,
    ) -> Result<ProblemDetail, ApiError> {
        let path = format!("/problems/{id}/force");
        self.authed(Method::POST, &path, Some(json(req)?)).await
    }
}

// ───────────── full duplicate scan (全量查重: scan.rs) ─────────────

impl Api {
    /// `POST /scans`: start the full duplicate scan (province and ministry registrars).
    pub async fn start_scan(&self) -> Result<ScanRun, ApiError> {
        self.authed(Method::POST, "/scans", None).await
    }

    /// `GET /scans`: the recent runs the caller may see, newest first.
    pub async fn scans(&self) -> Result<Vec<ScanRun>, ApiError> {
        self.authed(Method::GET, "/scans", None).await
    }

    /// `GET /scans/{id}`: one run and its progress.
    pub async fn scan(&self, id: i64) -> Result<ScanRun, ApiError> {
        let path = format!("/scans/{id}");
        self.authed(Method::GET, &path, None).await
    }
}
