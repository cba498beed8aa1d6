//! Wire types of registration requests (学籍注册): submit, queues, approve / return / reject /
//! withdraw / resubmit.

use serde::{Deserialize, Serialize};

use crate::api::OrgSummary;
use crate::org::{Level, Role};
use crate::record::StudentRecord;
use crate::workflow::{Action, State};

/// 注册类型.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// 在校生注册
    InSchool,
    /// 小学新生注册
    Grade1,
    /// 来华归国学生注册
    Arrival,
}

impl RegistrationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationKind::InSchool => "in_school",
            RegistrationKind::Grade1 => "grade1",
            RegistrationKind::Arrival => "arrival",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::InSchool, Self::Grade1, Self::Arrival]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistrationKind::InSchool => "在校生注册",
            RegistrationKind::Grade1 => "小学新生注册",
            RegistrationKind::Arrival => "来华归国学生注册",
        }
    }
}

/// A school registrar submits one student's registration.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitRegistration {
    pub kind: RegistrationKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: StudentRecord,
    /// 来华归国: the student's existing record found by the national lookup
    /// (`GET /students/lookup`), to be used instead of a new one.
    #[serde(default)]
    pub existing_student_id: Option<i64>,
}

/// The national lookup before registering a student arriving from abroad (来华归国学生注册):
/// by ID type and number, or — for students without an ID — by name, gender and birth date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalLookup {
    #[serde(default)]
    pub id_type: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub gender: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub birth_date: Option<String>,
}

/// An existing record found by the national lookup: enough to recognise the student, nothing
/// more (the record belongs to another jurisdiction).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalMatch {
    pub student_id: i64,
    pub student_number: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub school_name: String,
    pub status: String,
    /// `id` (same ID) or `person` (same name, gender and birth date).
    pub matched_by: String,
}

/// An action on a request by the actor of its current step (or the applicant).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestActionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "approve"))]
    pub action: Action,
    /// Required when returning or rejecting.
    #[serde(default)]
    pub reason: Option<String>,
    /// The corrected record, when resubmitting a returned registration.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub record: Option<StudentRecord>,
}

impl RequestActionInput {
    pub fn validate(&self) -> Vec<crate::api::FieldError> {
        let mut f = Vec::new();
        let reason = self.reason.as_deref().map(str::trim).unwrap_or_default();
        if matches!(self.action, Action::Return | Action::Reject) && reason.is_empty() {
            f.push(crate::api::FieldError::new(
                "reason",
                "退回或不通过时须填写原因",
            ));
        }
        if self.action == Action::Force && reason.is_empty() {
            f.push(crate::api::FieldError::new(
                "reason",
                crate::workflow::ForceError::NoReason.to_string(),
            ));
        }
        if reason.chars().count() > 500 {
            f.push(crate::api::FieldError::new(
                "reason",
                "原因不能超过 500 个字",
            ));
        }
        f
    }
}

/// One page of registrations, newest first, with the total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPage {
    pub total: u64,
    pub items: Vec<RegistrationSummary>,
    /// Pass as `?cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A possible duplicate found by the national check.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateCandidate {
    /// `dup_with_id` (same ID anywhere in the country) or `dup_without_id` (same name, gender,
    /// birth date).
    pub kind: String,
    pub student_number: String,
    pub name: String,
    pub school_name: String,
}

/// Who acts next.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    pub label: String,
    pub level: Level,
    pub role: Role,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    pub action: String,
    pub action_label: String,
    pub step_label: Option<String>,
    pub actor_org_name: String,
    pub reason: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// A registration request as its school and its approvers see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrationInfo {
    pub id: i64,
    pub kind: RegistrationKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub state: State,
    pub state_label: String,
    pub school: OrgSummary,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub record: StudentRecord,
    pub next: Option<NextStep>,
    /// What the caller may do now.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub allowed_actions: Vec<Action>,
    pub candidates: Vec<DuplicateCandidate>,
    pub history: Vec<ActionRecord>,
    /// Every step so far with its 10-working-day deadline and how long it took (the current
    /// one last, while open).
    #[serde(default)]
    pub steps: Vec<crate::api_engine::StepRecord>,
    /// Once completed: the student and its number (formal, or L with a problem record).
    pub student_id: Option<i64>,
    pub student_number: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// One line of a queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSummary {
    pub id: i64,
    pub kind: RegistrationKind,
    pub state_label: String,
    pub school_name: String,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub has_candidates: bool,
    pub awaiting_me: bool,
    pub updated_at: String,
}

/// Whether a registration of `kind` may be submitted on `today` under the province's switches
/// (管理功能设置: 小学新生注册开关 and each registration's time window). The same verdict on the
/// phone and on the server.
pub fn registration_open(
    kind: RegistrationKind,
    switches: &crate::api_config::ProvinceSwitches,
    today: chrono::NaiveDate,
) -> Result<(), String> {
    if kind == RegistrationKind::Grade1 && !switches.grade1_registration_open {
        return Err("本省未开放小学新生注册".into());
    }
    let w = &switches.windows;
    let window = match kind {
        RegistrationKind::InSchool => w.in_school_registration,
        RegistrationKind::Grade1 => w.grade1_registration,
        RegistrationKind::Arrival => w.arrival_registration,
    };
    match window {
        Some(win) if !win.contains(today) => Err(format!(
            "{}的开放时间为 {} 至 {}，今天（{}）不在开放时间内",
            kind.label(),
            win.start,
            win.end,
            today
        )),
        _ => Ok(()),
    }
}

/// The rules a registration's record is checked by: today, the school's stages, and for new
/// pupils the province's grade-1 age control. Used by the form and by the server.
pub fn registration_rules(
    today: chrono::NaiveDate,
    school_stages: Vec<crate::stage::Stage>,
    kind: RegistrationKind,
    switches: &crate::api_config::ProvinceSwitches,
) -> crate::record::RecordRules {
    let mut rules = crate::record::RecordRules::new(today);
    rules.school_stages = school_stages;
    if kind == RegistrationKind::Grade1 && switches.grade1_age.enabled {
        rules.grade1_min_age = Some(switches.grade1_age.min_age);
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_config::{DateWindow, ProvinceSwitches};
    use chrono::NaiveDate;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn windows_and_the_grade1_switch_gate_submission() {
        let mut s = ProvinceSwitches::default();
        for k in [
            RegistrationKind::InSchool,
            RegistrationKind::Grade1,
            RegistrationKind::Arrival,
        ] {
            assert_eq!(registration_open(k, &s, d(12, 1)), Ok(()), "unrestricted");
        }
        s.windows.grade1_registration = Some(DateWindow {
            start: d(9, 1),
            end: d(9, 30),
        });
        assert_eq!(
            registration_open(RegistrationKind::Grade1, &s, d(9, 1)),
            Ok(())
        );
        assert_eq!(
            registration_open(RegistrationKind::Grade1, &s, d(9, 30)),
            Ok(())
        );
        assert_eq!(
            registration_open(RegistrationKind::Grade1, &s, d(10, 1)),
            Err("小学新生注册的开放时间为 2026-09-01 至 2026-09-30，今天（2026-10-01）不在开放时间内".into())
        );
        assert_eq!(
            registration_open(RegistrationKind::InSchool, &s, d(10, 1)),
            Ok(())
        );
        s.windows.arrival_registration = Some(DateWindow {
            start: d(1, 1),
            end: d(1, 31),
        });
        assert!(registration_open(RegistrationKind::Arrival, &s, d(2, 1)).is_err());
        s.grade1_registration_open = false;
        assert_eq!(
            registration_open(RegistrationKind::Grade1, &s, d(9, 2)),
            Err("本省未开放小学新生注册".into())
        );
    }
}
