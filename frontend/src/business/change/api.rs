//! The API calls of 学籍维护 and 关键信息变更.

use gloo_net::http::Method;
use xueji_shared::business::change::api_change::{
    ChangeActionInput, ChangeInfo, ChangePage, EditContext, EditOutcome, EditStudent, HistoryPage,
};

use crate::api::{encode_component, Api, ApiError};

fn body<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(|_| ApiError::Decode)
}

impl Api {
    /// `GET /students/{id}/edit`: the record, its version and the controlled fields.
    pub async fn edit_context(&self, id: i64) -> Result<EditContext, ApiError> {
        self.authed(Method::GET, &format!("/students/{id}/edit"), None)
            .await
    }

    /// `PATCH /students/{id}`: saved directly, or a change request.
    pub async fn edit_student(&self, id: i64, req: &EditStudent) -> Result<EditOutcome, ApiError> {
        self.authed(Method::PATCH, &format!("/students/{id}"), Some(body(req)?))
            .await
    }

    /// `GET /students/{id}/history`.
    pub async fn student_history(
        &self,
        id: i64,
        cursor: Option<&str>,
    ) -> Result<HistoryPage, ApiError> {
        let mut path = format!("/students/{id}/history?limit=20");
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", encode_component(c)));
        }
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /changes`.
    pub async fn changes(
        &self,
        todo: bool,
        student_id: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<ChangePage, ApiError> {
        let mut path = format!("/changes?todo={todo}&limit=20");
        if let Some(s) = student_id {
            path.push_str(&format!("&student_id={s}"));
        }
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", encode_component(c)));
        }
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /changes/{id}`.
    pub async fn change(&self, id: i64) -> Result<ChangeInfo, ApiError> {
        self.authed(Method::GET, &format!("/changes/{id}"), None)
            .await
    }

    /// `POST /changes/{id}/actions`.
    pub async fn change_action(
        &self,
        id: i64,
        req: &ChangeActionInput,
    ) -> Result<ChangeInfo, ApiError> {
        self.authed(
            Method::POST,
            &format!("/changes/{id}/actions"),
            Some(body(req)?),
        )
        .await
    }
}
