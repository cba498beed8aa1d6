//! Wire types of bulk registration by spreadsheet (批量注册): the import job as its school and
//! its authorities see it, and the commit request.

use serde::{Deserialize, Serialize};

use crate::business::registration::api_registration::RegistrationKind;
use crate::business::registration::import::ImportRowError;

/// Where an import job stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// The rows are being read and checked.
    Checking,
    /// Checked: the report is ready, waiting for the school's choice.
    Checked,
    /// The chosen rows are being written.
    Importing,
    /// Written: `imported_rows` requests were created.
    Done,
    /// The file could not be read (e.g. too many rows); nothing was written.
    Failed,
    /// Cancelled by the school; nothing was written.
    Cancelled,
}

impl ImportStatus {
    pub const ALL: [ImportStatus; 6] = [
        ImportStatus::Checking,
        ImportStatus::Checked,
        ImportStatus::Importing,
        ImportStatus::Done,
        ImportStatus::Failed,
        ImportStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Checking => "checking",
            ImportStatus::Checked => "checked",
            ImportStatus::Importing => "importing",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
            ImportStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportStatus::Checking => "正在校验",
            ImportStatus::Checked => "校验完成，待确认导入",
            ImportStatus::Importing => "正在导入",
            ImportStatus::Done => "导入完成",
            ImportStatus::Failed => "导入失败",
            ImportStatus::Cancelled => "已取消",
        }
    }

    /// Whether the job is still moving (the client keeps polling).
    pub fn is_running(self) -> bool {
        matches!(self, ImportStatus::Checking | ImportStatus::Importing)
    }
}

/// Which rows go in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// 导入有效记录: every valid row becomes a registration request; invalid rows are left out.
    ValidOnly,
    /// 全部正确才导入: refused while any row is invalid.
    AllOrNothing,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::ValidOnly => "valid_only",
            ImportMode::AllOrNothing => "all_or_nothing",
        }
    }
}

/// `POST /imports/{id}/commit`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitImport {
    pub mode: ImportMode,
}

/// How many report lines a job view carries (the full report is the .xlsx download).
pub const REPORT_PREVIEW: usize = 200;

/// An import job: progress, summary and the first report lines.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJobInfo {
    pub id: i64,
    pub kind: RegistrationKind,
    pub status: ImportStatus,
    pub status_label: String,
    pub school_name: String,
    pub file_name: String,
    /// Data rows in the file (0 until the file has been read).
    pub total_rows: u32,
    /// Rows checked (or written) so far, for the progress bar.
    pub rows_done: u32,
    pub valid_rows: u32,
    pub invalid_rows: u32,
    /// Requests created by the commit.
    pub imported_rows: u32,
    /// The mode of the commit, once chosen.
    pub mode: Option<ImportMode>,
    /// Why the job failed, or what the last commit attempt found.
    pub message: Option<String>,
    /// Number of report lines (problems) in all.
    pub report_total: u32,
    /// The first [`REPORT_PREVIEW`] report lines, by row.
    pub report: Vec<ImportRowError>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}
