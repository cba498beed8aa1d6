//! Wire types of 学籍维护 (editing a student record) and 关键信息变更 (key-field change
//! requests), seed 001 第二章 1. The rules are [`super::edit`] and [`crate::controlled`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::edit::{FieldChange, ProofRef};
use crate::api::OrgSummary;
use crate::api_engine::StepRecord;
use crate::field::FieldError;
use crate::org::{Level, Role};
use crate::workflow::{Action, State};

/// Who acts next on a change request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNextStep {
    pub label: String,
    pub level: Level,
    pub role: Role,
}

/// One action taken on a change request (its history).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeActionRecord {
    pub action: String,
    pub action_label: String,
    pub step_label: Option<String>,
    pub actor_org_name: String,
    pub reason: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// A record of the country that already holds the identity a change leads to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCandidate {
    /// `dup_with_id` (same ID) or `dup_without_id` (same name, gender, birth date).
    pub kind: String,
    pub student_number: String,
    pub name: String,
    pub school_name: String,
}

/// What the edit form needs: the record and its version, the controlled fields of the
/// student's school (the form marks them and tells which changes need approval, with the same
/// `controlled::classify_edit` the server runs), and why the record cannot be edited, if so.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditContext {
    pub student_id: i64,
    pub school_id: i64,
    pub version: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: crate::record::StudentRecord,
    /// Serde field names controlled for the student's school (identity fields included).
    pub controlled: Vec<String>,
    /// The caller may edit (the registrar of the student's school, the record not frozen).
    pub editable: bool,
    /// Why not, in Chinese.
    pub reason: Option<String>,
    /// The student's open change request, if any (a second one is refused).
    pub open_change: Option<i64>,
}

/// An edit of a student record (`PUT`/`PATCH /students/{id}`): the whole record or only the
/// fields that change, made against `version`. When a controlled field changes the edit
/// becomes a change request, which needs `evidence` (and a 户籍证明 for identity fields).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditStudent {
    pub version: i32,
    /// Field name → new value (all fields, or only some).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: Value,
    #[serde(default)]
    pub evidence: Vec<ProofRef>,
    /// 变更原因 (shown to the approvers).
    #[serde(default)]
    pub reason: Option<String>,
}

impl EditStudent {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut f = Vec::new();
        if self
            .reason
            .as_deref()
            .is_some_and(|r| r.trim().chars().count() > 500)
        {
            f.push(FieldError::new("reason", "变更原因不能超过 500 个字"));
        }
        f
    }
}

/// What an edit did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum EditOutcome {
    /// Only uncontrolled fields changed: saved (学籍维护).
    Saved {
        student_id: i64,
        version: i32,
        changes: Vec<FieldChange>,
    },
    /// A controlled field changed: a change request now waits for approval.
    Requested { change: Box<ChangeInfo> },
}

/// A key-field change request as its school and its approvers see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeInfo {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub state: State,
    pub state_label: String,
    pub student_id: i64,
    pub student_name: String,
    pub student_number: String,
    pub school: OrgSummary,
    /// The record version the change was made against.
    pub base_version: i32,
    /// Field by field, old → new; `controlled` marks those needing approval.
    pub changes: Vec<FieldChange>,
    pub evidence: Vec<ProofRef>,
    pub reason: Option<String>,
    /// An identity field changes: a 户籍证明 is attached and the national duplicate check runs
    /// on approval.
    pub identity: bool,
    /// For identity changes: who in the country already has the new identity (approving opens
    /// a problem record instead of a duplicate).
    pub candidates: Vec<ChangeCandidate>,
    /// Fields of the change that were changed on the record since (approval is refused).
    pub moved: Vec<String>,
    pub next: Option<ChangeNextStep>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub allowed_actions: Vec<Action>,
    pub steps: Vec<StepRecord>,
    pub history: Vec<ChangeActionRecord>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// One line of the change-request list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSummary {
    pub id: i64,
    pub student_id: i64,
    pub student_name: String,
    pub school_name: String,
    /// Labels of the changed fields.
    pub fields: Vec<String>,
    pub state_label: String,
    pub awaiting_me: bool,
    pub updated_at: String,
}

/// One page of change requests, newest first, with the total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePage {
    pub total: u64,
    pub items: Vec<ChangeSummary>,
    pub next_cursor: Option<String>,
}

/// An action on a change request. Resubmitting a returned request may carry a corrected edit
/// (whole or partial record, against the record's current version) and new evidence.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeActionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "approve"))]
    pub action: Action,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub record: Option<Value>,
    #[serde(default)]
    pub evidence: Option<Vec<ProofRef>>,
}

impl ChangeActionInput {
    /// Return and reject need a reason, 强制干预 too; at most 500 characters.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut f = Vec::new();
        let reason = self.reason.as_deref().map(str::trim).unwrap_or_default();
        if matches!(self.action, Action::Return | Action::Reject) && reason.is_empty() {
            f.push(FieldError::new("reason", "退回或不通过时须填写原因"));
        }
        if self.action == Action::Force && reason.is_empty() {
            f.push(FieldError::new(
                "reason",
                crate::workflow::ForceError::NoReason.to_string(),
            ));
        }
        if reason.chars().count() > 500 {
            f.push(FieldError::new("reason", "原因不能超过 500 个字"));
        }
        f
    }
}

/// One entry of a student's history (学籍卡: 变更记录).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// `edit` (学籍维护), `change` (关键信息变更, approved), `number` (学籍号变更).
    pub kind: String,
    pub kind_label: String,
    pub changes: Vec<FieldChange>,
    /// The change request.
    pub request_id: Option<i64>,
    pub actor_name: String,
    pub actor_org_name: String,
    /// RFC 3339.
    pub at: String,
}

/// A student's history, newest first, paged with the total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub total: u64,
    pub items: Vec<HistoryEntry>,
    pub next_cursor: Option<String>,
}

/// The label of a history kind.
pub fn history_kind_label(kind: &str) -> &'static str {
    match kind {
        "edit" => "学籍维护",
        "change" => "关键信息变更",
        "number" => "学籍号变更",
        _ => "其他",
    }
}
