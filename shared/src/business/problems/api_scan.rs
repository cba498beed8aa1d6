//! Wire types of the full duplicate scan (全量查重): `POST /scans`, `GET /scans`,
//! `GET /scans/{id}`.

use serde::{Deserialize, Serialize};

use crate::business::problems::scan::{ScanState, ScanTrigger};

/// One run of the full duplicate scan, with its progress and what it found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRun {
    pub id: i64,
    /// The province scanned (six-digit code); `None`: the whole country.
    pub province_code: Option<String>,
    /// 全国 or the province's education department.
    pub scope_name: String,
    pub trigger: ScanTrigger,
    pub trigger_label: String,
    pub state: ScanState,
    pub state_label: String,
    /// Students to check (active students of the scope when the run started).
    pub total: u64,
    /// Students checked so far.
    pub done: u64,
    /// 0–100.
    pub percent: u8,
    /// Problem records the run opened, per kind (already open ones are not counted again).
    pub found_invalid_id: u64,
    pub found_dup_with_id: u64,
    pub found_dup_without_id: u64,
    /// The account that started it (`None`: the nightly job).
    pub started_by: Option<String>,
    /// RFC 3339.
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Why it failed (Chinese).
    pub error: Option<String>,
}

impl ScanRun {
    /// All problem records the run opened.
    pub fn found(&self) -> u64 {
        self.found_invalid_id + self.found_dup_with_id + self.found_dup_without_id
    }
}
