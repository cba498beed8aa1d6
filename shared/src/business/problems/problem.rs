//! Problem-record handling (问题学籍处理), seed 001 第一章 5, as a pure state machine.
//!
//! A problem record concerns one student (invalid ID) or a pair of students (a duplicate with or
//! without an ID). Each student of it is a *side*; each side is worked off by its school and
//! its authority (学籍主管教育部门, the school's parent organisation):
//!
//! - the school adds evidence (佐证: files and an explanation that its record is right), asks to
//!   change the record's identity fields (变更, with proof), or asks to delete its record (删除);
//! - the authority approves (核办通过) or returns (退回, with a reason) what its school asked.
//!
//! The record is resolved when:
//! - invalid ID: its one side has left (changed or deleted) or is upheld (the public-security
//!   proof was accepted);
//! - duplicate with ID: one side has left — only one record may survive. If both authorities
//!   uphold their own record, the pair goes to the lowest common superior of the two
//!   authorities, which arbitrates: it keeps one record and the other is deleted;
//! - duplicate without ID: one side has left, or both are upheld (two different children who
//!   share name, gender and birth date: both pass after the evidence is reviewed).
//!
//! A side whose record holds a formal number (G/J) can't be deleted by its school: only the
//! province deletes such records, with evidence, where its switch allows (see
//! [`formal_deletion_check`]).

use serde::{Deserialize, Serialize};

use crate::field::FieldError;

/// 问题学籍类型.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// 身份证号错误
    InvalidId,
    /// 有身份证号的学籍重复
    DupWithId,
    /// 无身份证号的学籍重复
    DupWithoutId,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 3] = [Self::InvalidId, Self::DupWithId, Self::DupWithoutId];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::InvalidId => "invalid_id",
            ProblemKind::DupWithId => "dup_with_id",
            ProblemKind::DupWithoutId => "dup_without_id",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::InvalidId => "身份证件号错误",
            ProblemKind::DupWithId => "有身份证件号的学籍重复",
            ProblemKind::DupWithoutId => "无身份证件号的学籍重复",
        }
    }

    /// Number of sides: one for an invalid ID, two for a duplicate pair.
    pub fn sides(self) -> usize {
        match self {
            ProblemKind::InvalidId => 1,
            _ => 2,
        }
    }
}

/// Where one side of a problem record stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SideState {
    /// 待学校处理
    Open,
    /// 学校已佐证，待主管部门核办
    Claimed,
    /// 学校已申请变更，待主管部门核办
    ChangeRequested,
    /// 学校已申请删除，待主管部门核办
    DeleteRequested,
    /// 主管部门核办通过：本方学籍无误
    Upheld,
    /// 已变更或删除，退出本问题
    Left,
}

impl SideState {
    pub fn as_str(self) -> &'static str {
        match self {
            SideState::Open => "open",
            SideState::Claimed => "claimed",
            SideState::ChangeRequested => "change_requested",
            SideState::DeleteRequested => "delete_requested",
            SideState::Upheld => "upheld",
            SideState::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Open,
            Self::Claimed,
            Self::ChangeRequested,
            Self::DeleteRequested,
            Self::Upheld,
            Self::Left,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SideState::Open => "待学校处理",
            SideState::Claimed => "已佐证，待主管部门核办",
            SideState::ChangeRequested => "已申请变更，待主管部门核办",
            SideState::DeleteRequested => "已申请删除，待主管部门核办",
            SideState::Upheld => "主管部门核办通过",
            SideState::Left => "已变更或删除",
        }
    }

    /// Waiting for the side's authority.
    pub fn awaits_authority(self) -> bool {
        matches!(
            self,
            SideState::Claimed | SideState::ChangeRequested | SideState::DeleteRequested
        )
    }
}

/// Where the whole record stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    /// 处理中
    Open,
    /// 待共同上级仲裁
    Arbitration,
    /// 已解决
    Resolved,
}

impl ProblemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemState::Open => "open",
            ProblemState::Arbitration => "arbitration",
            ProblemState::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Arbitration, Self::Resolved]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProblemState::Open => "处理中",
            ProblemState::Arbitration => "待共同上级仲裁",
            ProblemState::Resolved => "已解决",
        }
    }
}

/// What an actor does to one side of a problem record (or, arbitrating, to the pair).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemAction {
    /// 佐证: the school states its record is right, with evidence files.
    Evidence,
    /// 变更: the school asks to change the record's identity fields, with proof.
    Change,
    /// 删除: the school asks to delete its (temporary) record.
    Delete,
    /// 核办通过: the authority approves what its school asked.
    Approve,
    /// 退回: the authority sends it back to the school, with a reason.
    Return,
    /// 仲裁：保留本方学籍 — the common superior keeps this side's record; the other is deleted.
    Keep,
}

impl ProblemAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemAction::Evidence => "evidence",
            ProblemAction::Change => "change",
            ProblemAction::Delete => "delete",
            ProblemAction::Approve => "approve",
            ProblemAction::Return => "return",
            ProblemAction::Keep => "keep",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProblemAction::Evidence => "佐证",
            ProblemAction::Change => "变更",
            ProblemAction::Delete => "删除",
            ProblemAction::Approve => "核办通过",
            ProblemAction::Return => "退回",
            ProblemAction::Keep => "仲裁保留",
        }
    }
}

/// Who the caller is to one side of a problem record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SideRoles {
    /// A registrar of the side's school.
    pub school: bool,
    /// A registrar of the side's authority (the school's parent organisation).
    pub authority: bool,
}

/// One side as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideView {
    pub state: SideState,
    /// The record holds a formal number (G/J): its school can't delete it.
    pub formal: bool,
}

/// Why an action can't be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemError {
    #[error("该问题学籍已解决")]
    Resolved,
    #[error("该问题学籍正待共同上级仲裁")]
    InArbitration,
    #[error("该问题学籍不在仲裁阶段")]
    NotInArbitration,
    #[error("{0}")]
    NotAllowed(String),
    #[error("只有该学籍所在学校的学籍管理员可以{0}")]
    NotSchool(&'static str),
    #[error("只有该学籍的主管教育部门可以{0}")]
    NotAuthority(&'static str),
    #[error("只有双方主管教育部门的共同上级可以仲裁")]
    NotArbiter,
    #[error("有正式学籍号的学籍不能由学校删除，须由省级学籍主管部门办理")]
    FormalDeletion,
}

/// The state of a whole problem record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub state: ProblemState,
    /// One side (invalid ID) or two (a pair).
    pub a: SideView,
    pub b: Option<SideView>,
}

/// The outcome of an action on a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The new state of the acted-on side.
    pub side: SideState,
    /// For `Keep`: the other side is deleted (its new state is `Left`).
    pub other: Option<SideState>,
    /// What the record as a whole becomes.
    pub problem: ProblemState,
    /// The side's pending request (change or delete) takes effect now.
    pub apply: Option<Effect>,
}

/// What the server must do to the record when an action takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Apply the side's requested identity change.
    Change,
    /// Delete the side's record.
    Delete,
    /// Arbitration: delete the *other* side's record.
    DeleteOther,
}

/// Which side of a pair.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairSide {
    A,
    B,
}

impl PairSide {
    pub fn as_str(self) -> &'static str {
        match self {
            PairSide::A => "a",
            PairSide::B => "b",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "a" => Some(PairSide::A),
            "b" => Some(PairSide::B),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            PairSide::A => PairSide::B,
            PairSide::B => PairSide::A,
        }
    }
}

impl Problem {
    pub fn side(&self, side: PairSide) -> Option<SideView> {
        match side {
            PairSide::A => Some(self.a),
            PairSide::B => self.b,
        }
    }

    /// The record's state once the sides are as given.
    pub fn settle(kind: ProblemKind, a: SideState, b: Option<SideState>) -> ProblemState {
        let left = a == SideState::Left || b == Some(SideState::Left);
        let upheld = |s: Option<SideState>| s == Some(SideState::Upheld);
        match kind {
            ProblemKind::InvalidId => {
                if left || a == SideState::Upheld {
                    ProblemState::Resolved
                } else {
                    ProblemState::Open
                }
            }
            ProblemKind::DupWithId => {
                if left {
                    ProblemState::Resolved
                } else if upheld(Some(a)) && upheld(b) {
                    ProblemState::Arbitration
                } else {
                    ProblemState::Open
                }
            }
            ProblemKind::DupWithoutId => {
                if left || (upheld(Some(a)) && upheld(b)) {
                    ProblemState::Resolved
                } else {
                    ProblemState::Open
                }
            }
        }
    }

    /// Apply `action` on `side` by a caller with `roles` to that side (and `arbiter`: the caller
    /// is a registrar of the two authorities' lowest common superior).
    pub fn apply(
        &self,
        side: PairSide,
        action: ProblemAction,
        roles: SideRoles,
        arbiter: bool,
    ) -> Result<Transition, ProblemError> {
        let view = self
            .side(side)
            .ok_or_else(|| ProblemError::NotAllowed("该问题学籍只有一方".into()))?;
        let other = match side {
            PairSide::A => self.b.map(|b| b.state),
            PairSide::B => Some(self.a.state),
        };
        match self.state {
            ProblemState::Resolved => return Err(ProblemError::Resolved),
            ProblemState::Arbitration if action != ProblemAction::Keep => {
                return Err(ProblemError::InArbitration)
            }
            ProblemState::Open if action == ProblemAction::Keep => {
                return Err(ProblemError::NotInArbitration)
            }
            _ => {}
        }
        let (next, apply) = match action {
            ProblemAction::Evidence | ProblemAction::Change | ProblemAction::Delete => {
                if !roles.school {
                    return Err(ProblemError::NotSchool(action.label()));
                }
                if view.state != SideState::Open {
                    return Err(ProblemError::NotAllowed(format!(
                        "本方当前状态为「{}」，不能{}",
                        view.state.label(),
                        action.label()
                    )));
                }
                if action == ProblemAction::Delete && view.formal {
                    return Err(ProblemError::FormalDeletion);
                }
                let next = match action {
                    ProblemAction::Evidence => SideState::Claimed,
                    ProblemAction::Change => SideState::ChangeRequested,
                    _ => SideState::DeleteRequested,
                };
                (next, None)
            }
            ProblemAction::Approve | ProblemAction::Return => {
                if !roles.authority {
                    return Err(ProblemError::NotAuthority(action.label()));
                }
                if !view.state.awaits_authority() {
                    return Err(ProblemError::NotAllowed(format!(
                        "本方当前状态为「{}」，没有待核办的事项",
                        view.state.label()
                    )));
                }
                match (action, view.state) {
                    (ProblemAction::Return, _) => (SideState::Open, None),
                    (_, SideState::Claimed) => (SideState::Upheld, None),
                    (_, SideState::ChangeRequested) => (SideState::Left, Some(Effect::Change)),
                    _ => (SideState::Left, Some(Effect::Delete)),
                }
            }
            ProblemAction::Keep => {
                if !arbiter {
                    return Err(ProblemError::NotArbiter);
                }
                let (a, b) = match side {
                    PairSide::A => (SideState::Upheld, Some(SideState::Left)),
                    PairSide::B => (SideState::Left, Some(SideState::Upheld)),
                };
                return Ok(Transition {
                    side: SideState::Upheld,
                    other: Some(SideState::Left),
                    problem: Problem::settle(self.kind, a, b),
                    apply: Some(Effect::DeleteOther),
                });
            }
        };
        let (a, b) = match side {
            PairSide::A => (next, other),
            PairSide::B => (self.a.state, Some(next)),
        };
        Ok(Transition {
            side: next,
            other: None,
            problem: Problem::settle(self.kind, a, b),
            apply,
        })
    }

    /// Every `(side, action)` the caller may take now.
    pub fn allowed(&self, roles: [SideRoles; 2], arbiter: bool) -> Vec<(PairSide, ProblemAction)> {
        const ACTIONS: [ProblemAction; 6] = [
            ProblemAction::Evidence,
            ProblemAction::Change,
            ProblemAction::Delete,
            ProblemAction::Approve,
            ProblemAction::Return,
            ProblemAction::Keep,
        ];
        let mut out = Vec::new();
        for (i, side) in [PairSide::A, PairSide::B].into_iter().enumerate() {
            if self.side(side).is_none() {
                continue;
            }
            for action in ACTIONS {
                if self.apply(side, action, roles[i], arbiter).is_ok() {
                    out.push((side, action));
                }
            }
        }
        out
    }
}

/// The input of an action on a problem record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemActionInput {
    pub side: PairSide,
    pub action: ProblemAction,
    /// Explanation (佐证说明) or reason (退回、删除原因).
    #[serde(default)]
    pub reason: Option<String>,
    /// SHA-256 of uploaded evidence files (`POST /evidence`).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// For `change`: the new identity fields.
    #[serde(default)]
    pub change: Option<IdentityChange>,
}

/// 强制干预 on a problem record: a superior authority's registrar approves one side's overdue
/// request in place of that side's authority (see [`crate::workflow::check_force`]).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemForceInput {
    pub side: PairSide,
    #[serde(default)]
    pub reason: String,
}

impl ProblemForceInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut f = Vec::new();
        let reason = self.reason.trim();
        if reason.is_empty() {
            f.push(FieldError::new(
                "reason",
                crate::workflow::ForceError::NoReason.to_string(),
            ));
        } else if reason.chars().count() > 500 {
            f.push(FieldError::new("reason", "原因不能超过 500 个字"));
        }
        f
    }
}

/// The identity fields a problem-record change may correct (姓名、性别、出生日期、身份证件类型、
/// 身份证件号).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IdentityChange {
    pub name: String,
    pub gender: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    pub id_type: String,
    pub id_number: String,
}

impl IdentityChange {
    /// Field by field (`change.<field>`), the checks a phone can run as the user types; the
    /// server runs these and then the whole record's rules.
    pub fn validate(&self, today: chrono::NaiveDate) -> Vec<FieldError> {
        use crate::codes::{Gender, ID_TYPE};
        let mut f = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            f.push(FieldError::new("change.name", "请填写姓名"));
        } else if name.chars().count() > 36 {
            f.push(FieldError::new("change.name", "姓名不能超过 36 个字"));
        }
        let gender = Gender::from_code(self.gender.trim());
        if gender.is_none() {
            f.push(FieldError::new("change.gender", "请选择性别"));
        }
        let birth = chrono::NaiveDate::parse_from_str(self.birth_date.trim(), "%Y-%m-%d").ok();
        match birth {
            None => f.push(FieldError::new(
                "change.birth_date",
                "出生日期格式应为 YYYY-MM-DD",
            )),
            Some(b) if b > today => {
                f.push(FieldError::new("change.birth_date", "出生日期不能晚于今天"))
            }
            _ => {}
        }
        let id_type = self.id_type.trim();
        if ID_TYPE.label(id_type).is_none() {
            f.push(FieldError::new("change.id_type", "请选择身份证件类型"));
            return f;
        }
        match crate::record::check_id_number(id_type, self.id_number.trim(), today) {
            Err(e) => f.push(FieldError::new("change.id_number", e)),
            Ok(Some(id)) => {
                if birth.is_some_and(|b| b != id.birth_date()) {
                    f.push(FieldError::new(
                        "change.id_number",
                        "身份证号中的出生日期与填写的出生日期不一致",
                    ));
                } else if gender.is_some_and(|g| g != id.gender()) {
                    f.push(FieldError::new(
                        "change.id_number",
                        "身份证号中的性别与填写的性别不一致",
                    ));
                }
            }
            Ok(None) => {}
        }
        f
    }
}

/// Evidence files allowed on one action.
pub const MAX_EVIDENCE: usize = 10;

impl ProblemActionInput {
    /// Form-level checks (the record-level checks of a change run against the whole record).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut f = Vec::new();
        let reason = self.reason.as_deref().map(str::trim).unwrap_or_default();
        let needs_reason = matches!(
            self.action,
            ProblemAction::Evidence
                | ProblemAction::Change
                | ProblemAction::Delete
                | ProblemAction::Return
        );
        if needs_reason && reason.is_empty() {
            let what = match self.action {
                ProblemAction::Evidence => "佐证时须填写说明",
                ProblemAction::Change => "变更时须填写变更原因",
                ProblemAction::Delete => "删除时须填写原因",
                _ => "退回时须填写原因",
            };
            f.push(FieldError::new("reason", what));
        }
        if reason.chars().count() > 500 {
            f.push(FieldError::new("reason", "说明不能超过 500 个字"));
        }
        let needs_files = matches!(self.action, ProblemAction::Evidence | ProblemAction::Change);
        if needs_files && self.evidence.is_empty() {
            f.push(FieldError::new(
                "evidence",
                "请上传证明材料（户籍部门或公安部门出具的证明）",
            ));
        }
        if self.evidence.len() > MAX_EVIDENCE {
            f.push(FieldError::new(
                "evidence",
                format!("证明材料最多 {MAX_EVIDENCE} 个文件"),
            ));
        }
        for (i, sha) in self.evidence.iter().enumerate() {
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                f.push(FieldError::new(
                    format!("evidence[{i}]"),
                    "证明材料编号无效，请重新上传",
                ));
            }
        }
        match (self.action, &self.change) {
            (ProblemAction::Change, None) => {
                f.push(FieldError::new("change", "请填写变更后的身份信息"))
            }
            (ProblemAction::Change, Some(_)) | (_, None) => {}
            (_, Some(_)) => f.push(FieldError::new("change", "只有变更操作可以填写变更内容")),
        }
        f
    }
}

/// Can the province delete a record with a formal number? (第一章 5; 省级开关
/// `delete_with_formal_number`.)
pub fn formal_deletion_check(
    switch_on: bool,
    caller_is_province_registrar: bool,
    evidence: usize,
    reason: &str,
) -> Vec<FieldError> {
    let mut f = Vec::new();
    if !caller_is_province_registrar {
        f.push(FieldError::new(
            "caller",
            "有正式学籍号的学籍只能由省级学籍管理员删除",
        ));
    }
    if !switch_on {
        f.push(FieldError::new(
            "switch",
            "本省未开启「可删除有正式学籍号的学生」",
        ));
    }
    if evidence == 0 {
        f.push(FieldError::new("evidence", "删除正式学籍须上传证明材料"));
    }
    if reason.trim().is_empty() {
        f.push(FieldError::new("reason", "请填写删除原因"));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHOOL: SideRoles = SideRoles {
        school: true,
        authority: false,
    };
    const AUTH: SideRoles = SideRoles {
        school: false,
        authority: true,
    };
    const NONE: SideRoles = SideRoles {
        school: false,
        authority: false,
    };

    fn side(state: SideState) -> SideView {
        SideView {
            state,
            formal: false,
        }
    }

    fn pair(kind: ProblemKind, a: SideState, b: SideState) -> Problem {
        Problem {
            kind,
            state: Problem::settle(kind, a, Some(b)),
            a: side(a),
            b: Some(side(b)),
        }
    }

    fn run(p: &mut Problem, s: PairSide, action: ProblemAction, roles: SideRoles) -> Transition {
        let t = p.apply(s, action, roles, false).expect("allowed");
        match s {
            PairSide::A => p.a.state = t.side,
            PairSide::B => {
                if let Some(b) = p.b.as_mut() {
                    b.state = t.side
                }
            }
        }
        p.state = t.problem;
        t
    }

    #[test]
    fn duplicate_with_id_both_upheld_goes_to_arbitration() {
        use ProblemAction::*;
        let mut p = pair(ProblemKind::DupWithId, SideState::Open, SideState::Open);
        run(&mut p, PairSide::A, Evidence, SCHOOL);
        run(&mut p, PairSide::A, Approve, AUTH);
        assert_eq!(p.state, ProblemState::Open);
        run(&mut p, PairSide::B, Evidence, SCHOOL);
        let t = run(&mut p, PairSide::B, Approve, AUTH);
        assert_eq!(t.problem, ProblemState::Arbitration);
        // Nobody but the arbiter may act now.
        assert_eq!(
            p.apply(PairSide::A, Delete, SCHOOL, false),
            Err(ProblemError::InArbitration)
        );
        assert_eq!(
            p.apply(PairSide::A, Keep, AUTH, false),
            Err(ProblemError::NotArbiter)
        );
        let t = p.apply(PairSide::B, Keep, NONE, true).expect("arbiter");
        assert_eq!(t.problem, ProblemState::Resolved);
        assert_eq!(t.other, Some(SideState::Left));
        assert_eq!(t.apply, Some(Effect::DeleteOther));
        assert_eq!(
            p.allowed([NONE, NONE], true),
            vec![(PairSide::A, Keep), (PairSide::B, Keep)]
        );
    }

    #[test]
    fn duplicate_without_id_both_upheld_both_pass() {
        use ProblemAction::*;
        let mut p = pair(ProblemKind::DupWithoutId, SideState::Open, SideState::Open);
        run(&mut p, PairSide::A, Evidence, SCHOOL);
        run(&mut p, PairSide::A, Approve, AUTH);
        run(&mut p, PairSide::B, Evidence, SCHOOL);
        let t = run(&mut p, PairSide::B, Approve, AUTH);
        assert_eq!(t.problem, ProblemState::Resolved);
        assert_eq!(t.apply, None);
    }

    #[test]
    fn one_side_leaving_resolves_a_pair() {
        use ProblemAction::*;
        for kind in [ProblemKind::DupWithId, ProblemKind::DupWithoutId] {
            let mut p = pair(kind, SideState::Open, SideState::Open);
            run(&mut p, PairSide::A, Delete, SCHOOL);
            assert_eq!(p.state, ProblemState::Open);
            let t = run(&mut p, PairSide::A, Approve, AUTH);
            assert_eq!(t.apply, Some(Effect::Delete));
            assert_eq!(t.problem, ProblemState::Resolved);

            let mut p = pair(kind, SideState::Open, SideState::Open);
            run(&mut p, PairSide::B, Change, SCHOOL);
            let t = run(&mut p, PairSide::B, Approve, AUTH);
            assert_eq!(t.apply, Some(Effect::Change));
            assert_eq!(t.problem, ProblemState::Resolved);
        }
    }

    #[test]
    fn invalid_id_is_resolved_by_evidence_change_or_delete() {
        use ProblemAction::*;
        for (first, effect) in [
            (Evidence, None),
            (Change, Some(Effect::Change)),
            (Delete, Some(Effect::Delete)),
        ] {
            let mut p = Problem {
                kind: ProblemKind::InvalidId,
                state: ProblemState::Open,
                a: side(SideState::Open),
                b: None,
            };
            run(&mut p, PairSide::A, first, SCHOOL);
            let t = run(&mut p, PairSide::A, Approve, AUTH);
            assert_eq!(t.apply, effect);
            assert_eq!(p.state, ProblemState::Resolved);
            assert_eq!(
                p.apply(PairSide::A, Evidence, SCHOOL, false),
                Err(ProblemError::Resolved)
            );
        }
        let p = Problem {
            kind: ProblemKind::InvalidId,
            state: ProblemState::Open,
            a: side(SideState::Open),
            b: None,
        };
        assert!(p.apply(PairSide::B, Evidence, SCHOOL, false).is_err());
    }

    #[test]
    fn return_sends_the_side_back_to_its_school() {
        use ProblemAction::*;
        let mut p = pair(ProblemKind::DupWithId, SideState::Open, SideState::Open);
        run(&mut p, PairSide::A, Evidence, SCHOOL);
        run(&mut p, PairSide::A, Return, AUTH);
        assert_eq!(p.a.state, SideState::Open);
        // Now the school may act again; the authority has nothing to approve.
        assert!(p.apply(PairSide::A, Evidence, SCHOOL, false).is_ok());
        assert!(p.apply(PairSide::A, Approve, AUTH, false).is_err());
    }

    #[test]
    fn roles_are_enforced() {
        use ProblemAction::*;
        let p = pair(ProblemKind::DupWithId, SideState::Claimed, SideState::Open);
        assert_eq!(
            p.apply(PairSide::B, Evidence, AUTH, false),
            Err(ProblemError::NotSchool("佐证"))
        );
        assert_eq!(
            p.apply(PairSide::A, Approve, SCHOOL, false),
            Err(ProblemError::NotAuthority("核办通过"))
        );
        assert_eq!(
            p.apply(PairSide::A, Keep, NONE, true),
            Err(ProblemError::NotInArbitration)
        );
        // The school of A and the authority of A.
        assert_eq!(
            p.allowed([SCHOOL, NONE], false),
            Vec::<(PairSide, ProblemAction)>::new()
        );
        assert_eq!(
            p.allowed([AUTH, NONE], false),
            vec![(PairSide::A, Approve), (PairSide::A, Return)]
        );
        assert_eq!(
            p.allowed([NONE, SCHOOL], false),
            vec![
                (PairSide::B, Evidence),
                (PairSide::B, Change),
                (PairSide::B, Delete)
            ]
        );
    }

    #[test]
    fn schools_cannot_delete_formal_records() {
        let mut p = pair(ProblemKind::DupWithId, SideState::Open, SideState::Open);
        if let Some(b) = p.b.as_mut() {
            b.formal = true;
        }
        assert_eq!(
            p.apply(PairSide::B, ProblemAction::Delete, SCHOOL, false),
            Err(ProblemError::FormalDeletion)
        );
        assert!(p
            .apply(PairSide::A, ProblemAction::Delete, SCHOOL, false)
            .is_ok());
        assert_eq!(
            formal_deletion_check(false, false, 0, " ")
                .iter()
                .map(|f| f.field.as_str())
                .collect::<Vec<_>>(),
            ["caller", "switch", "evidence", "reason"]
        );
        assert!(formal_deletion_check(true, true, 1, "重复注册").is_empty());
    }

    #[test]
    fn input_validation_names_fields() {
        let sha = "a".repeat(64);
        let ok = ProblemActionInput {
            side: PairSide::A,
            action: ProblemAction::Evidence,
            reason: Some("户籍证明在附件".into()),
            evidence: vec![sha.clone()],
            change: None,
        };
        assert!(ok.validate().is_empty());
        let bad = ProblemActionInput {
            reason: None,
            evidence: vec![],
            ..ok.clone()
        };
        let fields: Vec<_> = bad.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["reason", "evidence"]);
        let change = ProblemActionInput {
            action: ProblemAction::Change,
            ..ok.clone()
        };
        assert_eq!(change.validate()[0].field, "change");
        let approve = ProblemActionInput {
            action: ProblemAction::Approve,
            reason: None,
            evidence: vec!["xyz".into()],
            change: Some(IdentityChange::default()),
            side: PairSide::B,
        };
        let fields: Vec<_> = approve.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["evidence[0]", "change"]);
    }

    #[test]
    fn identity_changes_are_checked_field_by_field() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let ok = IdentityChange {
            name: "王小明".into(),
            gender: "1".into(),
            birth_date: "2015-03-07".into(),
            id_type: "1".into(),
            id_number: "110101201503070018".into(),
        };
        let fields = |c: &IdentityChange| {
            c.validate(today)
                .into_iter()
                .map(|f| f.field)
                .collect::<Vec<_>>()
        };
        assert!(fields(&ok).is_empty(), "{:?}", ok.validate(today));
        let wrong_check = IdentityChange {
            id_number: "110101201503070019".into(),
            ..ok.clone()
        };
        assert_eq!(fields(&wrong_check), ["change.id_number"]);
        let wrong_gender = IdentityChange {
            gender: "2".into(),
            ..ok.clone()
        };
        assert_eq!(fields(&wrong_gender), ["change.id_number"]);
        let wrong_birth = IdentityChange {
            birth_date: "2015-03-08".into(),
            ..ok.clone()
        };
        assert_eq!(fields(&wrong_birth), ["change.id_number"]);
        let no_id = IdentityChange {
            id_type: "Z".into(),
            id_number: String::new(),
            ..ok.clone()
        };
        assert!(fields(&no_id).is_empty(), "{:?}", no_id.validate(today));
        let bad = IdentityChange {
            name: " ".into(),
            gender: "9".into(),
            birth_date: "2015-02-30".into(),
            id_type: "??".into(),
            id_number: String::new(),
        };
        assert_eq!(
            fields(&bad),
            [
                "change.name",
                "change.gender",
                "change.birth_date",
                "change.id_type"
            ]
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in ProblemKind::ALL {
            assert_eq!(ProblemKind::parse(k.as_str()), Some(k));
        }
        for s in [
            ProblemState::Open,
            ProblemState::Arbitration,
            ProblemState::Resolved,
        ] {
            assert_eq!(ProblemState::parse(s.as_str()), Some(s));
        }
        for s in [
            "open",
            "claimed",
            "change_requested",
            "delete_requested",
            "upheld",
            "left",
        ] {
            assert_eq!(SideState::parse(s).map(SideState::as_str), Some(s));
        }
    }
}
