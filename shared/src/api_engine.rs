//! Wire types of the request engine: the to-do inbox (待办), the overdue list (超期) with its
//! counts per organisation, and the steps of one request with their 10-working-day deadlines
//! (seed 000: 每个环节均应在10个工作日内核办完毕).

use serde::{Deserialize, Serialize};

use crate::field::FieldError;

/// The businesses whose requests run through the engine. A business joins the inbox by being
/// built on the engine; its key is what `?business=` filters by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessKey {
    /// 学籍注册 (single and bulk).
    Registration,
    /// 问题学籍处理 (including arbitration by the lowest common superior).
    Problem,
    /// 关键信息变更 (a controlled field of a record, seed 001 第二章 1).
    Change,
}

impl BusinessKey {
    pub const ALL: [BusinessKey; 3] = [
        BusinessKey::Registration,
        BusinessKey::Problem,
        BusinessKey::Change,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BusinessKey::Registration => "registration",
            BusinessKey::Problem => "problem",
            BusinessKey::Change => "change",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The business of a `?business=` filter, or a field error naming it.
    pub fn parse_filter(field: &str, s: &str) -> Result<Self, FieldError> {
        Self::parse(s).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "未知的业务类型「{}」，可选：{}",
                    s.chars().take(32).collect::<String>(),
                    Self::ALL.map(|b| b.as_str()).join("、")
                ),
            )
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            BusinessKey::Registration => "学籍注册",
            BusinessKey::Problem => "问题学籍处理",
            BusinessKey::Change => "关键信息变更",
        }
    }

    /// The page of one request of this business in the app.
    pub fn link(self, request_id: i64, object_id: Option<i64>) -> String {
        match self {
            BusinessKey::Registration => format!("/registration/{request_id}"),
            BusinessKey::Problem => format!("/problems/{}", object_id.unwrap_or(request_id)),
            BusinessKey::Change => format!("/key-changes/{request_id}"),
        }
    }
}

/// Sort order of the inbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxOrder {
    /// Newest step first.
    #[default]
    Newest,
    /// Oldest step first (what has waited longest).
    Oldest,
}

/// A keyset cursor: the (start time in microseconds, step id) of the last line of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub micros: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}_{}", self.micros, self.id)
    }

    /// A cursor from `?cursor=`, or a field error saying it is malformed.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("cursor", "分页游标格式不正确，请从第一页重新打开");
        let (a, b) = s.split_once('_').ok_or_else(bad)?;
        let micros = a.parse::<i64>().map_err(|_| bad())?;
        let id = b.parse::<i64>().map_err(|_| bad())?;
        if id <= 0 {
            return Err(bad());
        }
        Ok(Cursor { micros, id })
    }
}

/// One line of the inbox or of the overdue list: a step an organisation must take.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    pub step_id: i64,
    pub request_id: i64,
    pub business: BusinessKey,
    pub business_label: String,
    /// The line's subject (the student's name, …).
    pub subject: String,
    /// The step (学校核办, 区县教育行政部门核办, …).
    pub step_label: String,
    /// The organisation that must act.
    pub org_id: i64,
    pub org_name: String,
    pub started_at: String,
    pub due_at: String,
    pub overdue: bool,
    /// The request's page in the app.
    pub link: String,
}

/// One page of work items, with the total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkPage {
    pub total: u64,
    pub items: Vec<WorkItem>,
    /// Pass as `?cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The signed-in account's waiting and overdue counts (the home page).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxSummary {
    pub waiting: u64,
    pub overdue: u64,
}

/// Overdue steps of one organisation one level below the caller (or the caller's own).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueCount {
    pub org_id: i64,
    pub org_name: String,
    pub total: u64,
    /// Per business, in [`BusinessKey::ALL`] order, only those with overdue steps.
    pub by_business: Vec<BusinessCount>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCount {
    pub business: BusinessKey,
    pub label: String,
    pub count: u64,
}

/// The overdue list of a jurisdiction: counts per organisation one level down, and a page of
/// the steps.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueReport {
    pub counts: Vec<OverdueCount>,
    pub page: WorkPage,
}

/// One step of a request, past or current, with its deadline.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub label: String,
    pub org_name: String,
    pub started_at: String,
    pub due_at: String,
    /// When it was done (absent while current).
    pub done_at: Option<String>,
    /// What ended it (核办通过, 退回, 强制干预, …).
    pub done_label: Option<String>,
    pub forced: bool,
    /// Working days it took (or has taken so far).
    pub working_days: u32,
    /// Done after its deadline, or still open past it.
    pub overdue: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = Cursor {
            micros: 1_764_000_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.encode()), Ok(c));
        for bad in ["", "x", "12", "12_", "_3", "a_b", "1_0", "1_-3", "1_2_3"] {
            let e = Cursor::parse(bad).unwrap_err();
            assert_eq!(e.field, "cursor", "{bad}");
        }
    }

    #[test]
    fn business_filter_names_the_unknown_business() {
        assert_eq!(
            BusinessKey::parse_filter("business", "problem"),
            Ok(BusinessKey::Problem)
        );
        let e = BusinessKey::parse_filter("business", "transfer").unwrap_err();
        assert_eq!(e.field, "business");
        assert!(e.message.contains("transfer"), "{}", e.message);
        assert_eq!(BusinessKey::Registration.link(7, None), "/registration/7");
        assert_eq!(BusinessKey::Problem.link(7, Some(3)), "/problems/3");
        assert_eq!(BusinessKey::Change.link(7, Some(9)), "/key-changes/7");
    }
}
