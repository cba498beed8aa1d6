//! Approval chains (核办流程) as explicit state machines, one per business.
//!
//! Rules (seed 001 第一章 4, 第二章 2–3, 第三章 2–4, 第四章 1; seed 000; DESIGN.md businesses):
//! - Registration (学籍注册): the school leader, then each authority level in turn; a doubtful
//!   record is returned to the school.
//! - Key-field change (关键信息变更): the school and its authority.
//! - Non-transfer status changes (异动): the school registrar applies with proof, the school
//!   leader approves, the authority approves where the type requires it.
//! - Transfer (转学): the receiving school applies with its stamped proof; then the receiving
//!   authority, the sending school and the sending authority approve in that order. Across
//!   provinces the receiving school then pulls the record (调档); until then it may withdraw.
//! - Graduation (毕业/结业): compulsory stage without the authority, senior stage with it; a
//!   graduation can be reverted the same way.
//! - Post-graduation cross-province enrolment (毕业后跨省就学): the receiving school, its
//!   authority and the graduating school's authority, then the receiving school pulls the record.
//! - Quota change (招生计划变更): the school applies, the authority decides.
//! - Problem-record arbitration (问题学籍仲裁): the lowest common superior of the two authorities.
//! - Forced intervention (强制干预, seed 000): a superior authority may push a stuck step through.
//!
//! A request is started by its applicant (state `Pending { step: 0 }`); each step names who acts
//! (which side, level and role) and which actions it allows. Every transition is checked;
//! an illegal one is a [`WorkflowError`]. Completion yields the business's [`Effect`].

use serde::{Deserialize, Serialize};

use crate::org::{Level, Position, Role};
use crate::stage::StatusChange;

/// Which party's organisation acts at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The applicant's school or one of its authorities (the receiving side of a transfer).
    Applicant,
    /// The other party: the sending school / authority of a transfer, the graduating school's
    /// authority in cross-province enrolment.
    Counterpart,
    /// The lowest common superior of the two parties (arbitration; its level is known only at
    /// run time, see [`crate::org::lowest_common_superior`]).
    Arbiter,
}

/// What an actor does to a pending request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 核办通过 (at the pull step: 调档).
    Approve,
    /// 退回: back to the applicant for correction.
    Return,
    /// 核办不通过: the request ends.
    Reject,
    /// 撤销: the applicant takes the request back.
    Withdraw,
    /// 强制干预: a superior authority approves the current step in place of its actor.
    Force,
    /// 重新提交: the applicant resubmits a returned request.
    Resubmit,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Approve,
        Action::Return,
        Action::Reject,
        Action::Withdraw,
        Action::Force,
        Action::Resubmit,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Action::Approve => "核办通过",
            Action::Return => "退回",
            Action::Reject => "核办不通过",
            Action::Withdraw => "撤销",
            Action::Force => "强制干预",
            Action::Resubmit => "重新提交",
        }
    }
}

/// One step of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub label: &'static str,
    pub side: Side,
    /// Level and role of the actor; for [`Side::Arbiter`] the level is the common superior's.
    pub position: Position,
    /// The step may return the request to the applicant.
    pub can_return: bool,
    /// The step may reject the request.
    pub can_reject: bool,
}

const fn step(label: &'static str, side: Side, level: Level, role: Role, decide: bool) -> Step {
    Step {
        label,
        side,
        position: Position::new(level, role),
        can_return: decide,
        can_reject: decide,
    }
}

const SCHOOL_LEADER: Step = step(
    "学校核办",
    Side::Applicant,
    Level::School,
    Role::Leader,
    true,
);
const COUNTY: Step = step(
    "区县教育行政部门核办",
    Side::Applicant,
    Level::County,
    Role::Registrar,
    true,
);
const CITY: Step = step(
    "地市教育行政部门核办",
    Side::Applicant,
    Level::City,
    Role::Registrar,
    true,
);
const PROVINCE: Step = step(
    "省级教育行政部门核办",
    Side::Applicant,
    Level::Province,
    Role::Registrar,
    true,
);
const RECV_COUNTY: Step = step(
    "转入地教育行政部门核办",
    Side::Applicant,
    Level::County,
    Role::Registrar,
    true,
);
const SEND_SCHOOL: Step = step(
    "转出学校核办",
    Side::Counterpart,
    Level::School,
    Role::Leader,
    true,
);
const SEND_COUNTY: Step = step(
    "转出地教育行政部门核办",
    Side::Counterpart,
    Level::County,
    Role::Registrar,
    true,
);
const PULL: Step = step(
    "转入学校调档",
    Side::Applicant,
    Level::School,
    Role::Registrar,
    false,
);
const RECV_SCHOOL: Step = step(
    "接收学校核办",
    Side::Applicant,
    Level::School,
    Role::Leader,
    true,
);
const RECV_SCHOOL_COUNTY: Step = step(
    "接收学校主管教育部门核办",
    Side::Applicant,
    Level::County,
    Role::Registrar,
    true,
);
const GRAD_COUNTY: Step = step(
    "毕业学校主管教育部门核办",
    Side::Counterpart,
    Level::County,
    Role::Registrar,
    true,
);
const PULL_ENROL: Step = step(
    "接收学校调档",
    Side::Applicant,
    Level::School,
    Role::Registrar,
    false,
);
const QUOTA: Step = step(
    "教育行政部门（招生部门）核办",
    Side::Applicant,
    Level::County,
    Role::Registrar,
    true,
);
const ARBITER: Step = step(
    "共同上级仲裁",
    Side::Arbiter,
    Level::City,
    Role::Registrar,
    false,
);

/// The highest authority level that approves registrations (a province switch).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationLevel {
    /// 区县核办即办结.
    #[default]
    County,
    /// 区县、地市逐级核办.
    City,
    /// 区县、地市、省级逐级核办.
    Province,
}

impl RegistrationLevel {
    pub const ALL: [RegistrationLevel; 3] = [
        RegistrationLevel::County,
        RegistrationLevel::City,
        RegistrationLevel::Province,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RegistrationLevel::County => "区县级",
            RegistrationLevel::City => "地市级",
            RegistrationLevel::Province => "省级",
        }
    }
}

/// The businesses that run through an approval chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "business")]
pub enum Business {
    /// 学籍注册 (在校生 / 小学新生 / 来华归国): the school leader, then every authority level up to
    /// `up_to` (county, city or province), as the province configured — at least the county.
    Registration { up_to: RegistrationLevel },
    /// 关键信息（受控字段）变更.
    KeyFieldChange,
    /// 非转学异动; `authority` = the province requires the authority's approval for this type
    /// (see [`crate::stage::StatusSwitches::needs_authority`]).
    StatusChange {
        change: StatusChange,
        authority: bool,
    },
    /// 县内转学.
    TransferWithinCounty,
    /// 省内跨县转学.
    TransferAcrossCounties,
    /// 跨省转学 (with 调档).
    TransferAcrossProvinces,
    /// 毕业/结业; `senior` = 高中阶段 (needs the authority).
    Graduation { senior: bool },
    /// 毕业/结业退回在校.
    GraduationRevert { senior: bool },
    /// 毕业后跨省就学 (with 调档).
    CrossProvinceEnrolment,
    /// 招生计划变更.
    QuotaChange,
    /// 问题学籍仲裁.
    Arbitration,
}

/// What completing a request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// The record becomes registered (and enters the national duplicate check).
    Registered,
    /// The requested field values take effect (identity changes re-run the duplicate check).
    FieldsChanged,
    /// The status change takes effect.
    StatusChanged { change: StatusChange },
    /// The student belongs to the receiving school from now on.
    Transferred,
    /// The student is graduated; basic data frozen.
    Graduated,
    /// The graduate is back in school.
    GraduationReverted,
    /// The receiving school holds the record (the destination is back-filled).
    Enrolled,
    /// The school's quota is changed.
    QuotaChanged,
    /// The arbiter's ruling applies: one record survives, the other is deleted or changed.
    Arbitrated,
}

/// A business's chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub business: Business,
    pub steps: &'static [Step],
    pub effect: Effect,
}

impl Business {
    pub fn label(self) -> &'static str {
        match self {
            Business::Registration { .. } => "学籍注册",
            Business::KeyFieldChange => "关键信息变更",
            Business::StatusChange { change, .. } => change.label(),
            Business::TransferWithinCounty => "县内转学",
            Business::TransferAcrossCounties => "跨县转学",
            Business::TransferAcrossProvinces => "跨省转学",
            Business::Graduation { .. } => "毕业",
            Business::GraduationRevert { .. } => "毕业退回",
            Business::CrossProvinceEnrolment => "毕业后跨省就学",
            Business::QuotaChange => "招生计划变更",
            Business::Arbitration => "问题学籍仲裁",
        }
    }

    /// The business's chain.
    pub fn chain(self) -> Chain {
        let (steps, effect): (&'static [Step], Effect) = match self {
            Business::Registration { up_to } => (
                match up_to {
                    RegistrationLevel::County => &[SCHOOL_LEADER, COUNTY],
                    RegistrationLevel::City => &[SCHOOL_LEADER, COUNTY, CITY],
                    RegistrationLevel::Province => &[SCHOOL_LEADER, COUNTY, CITY, PROVINCE],
                },
                Effect::Registered,
            ),
            Business::KeyFieldChange => (&[SCHOOL_LEADER, COUNTY], Effect::FieldsChanged),
            Business::StatusChange { change, authority } => (
                if authority {
                    &[SCHOOL_LEADER, COUNTY]
                } else {
                    &[SCHOOL_LEADER]
                },
                Effect::StatusChanged { change },
            ),
            // Within one county the receiving and the sending authority are the same office.
            Business::TransferWithinCounty => (&[RECV_COUNTY, SEND_SCHOOL], Effect::Transferred),
            Business::TransferAcrossCounties => (
                &[RECV_COUNTY, SEND_SCHOOL, SEND_COUNTY],
                Effect::Transferred,
            ),
            Business::TransferAcrossProvinces => (
                &[RECV_COUNTY, SEND_SCHOOL, SEND_COUNTY, PULL],
                Effect::Transferred,
            ),
            Business::Graduation { senior } => (
                if senior {
                    &[SCHOOL_LEADER, COUNTY]
                } else {
                    &[SCHOOL_LEADER]
                },
                Effect::Graduated,
            ),
            Business::GraduationRevert { senior } => (
                if senior {
                    &[SCHOOL_LEADER, COUNTY]
                } else {
                    &[SCHOOL_LEADER]
                },
                Effect::GraduationReverted,
            ),
            Business::CrossProvinceEnrolment => (
                &[RECV_SCHOOL, RECV_SCHOOL_COUNTY, GRAD_COUNTY, PULL_ENROL],
                Effect::Enrolled,
            ),
            Business::QuotaChange => (&[QUOTA], Effect::QuotaChanged),
            Business::Arbitration => (&[ARBITER], Effect::Arbitrated),
        };
        Chain {
            business: self,
            steps,
            effect,
        }
    }

    /// Who starts the request.
    pub fn applicant(self) -> Position {
        match self {
            Business::Arbitration => Position::new(Level::County, Role::Registrar),
            _ => Position::new(Level::School, Role::Registrar),
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum State {
    /// Waiting for step `step` (0-based).
    Pending { step: u8 },
    /// Returned to the applicant by step `step`; waiting for resubmission (or withdrawal).
    Returned { step: u8 },
    /// All steps approved; the effect applied.
    Completed,
    /// Rejected at step `step`.
    Rejected { step: u8 },
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl State {
    /// The state of a newly submitted request.
    pub const START: State = State::Pending { step: 0 };

    pub fn is_final(self) -> bool {
        matches!(
            self,
            State::Completed | State::Rejected { .. } | State::Withdrawn
        )
    }

    /// Whether the state is defined for the chain (its step indices exist).
    pub fn is_valid_for(self, chain: &Chain) -> bool {
        match self {
            State::Pending { step } | State::Returned { step } | State::Rejected { step } => {
                usize::from(step) < chain.steps.len()
            }
            State::Completed | State::Withdrawn => true,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Pending { .. } => "待核办",
            State::Returned { .. } => "已退回",
            State::Completed => "已办结",
            State::Rejected { .. } => "核办不通过",
            State::Withdrawn => "已撤销",
        }
    }
}

/// Who is acting: their side of the request and their position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub side: Side,
    pub position: Position,
}

impl Actor {
    pub const fn new(side: Side, level: Level, role: Role) -> Self {
        Actor {
            side,
            position: Position::new(level, role),
        }
    }
}

/// An illegal transition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("申请已结束（{}），不能再{}", state.label(), action.label())]
    Finished { state: State, action: Action },
    #[error("当前步骤“{step}”应由{expected}办理")]
    NotYourStep {
        step: &'static str,
        expected: String,
    },
    #[error("“{step}”步骤不能{}", action.label())]
    ActionNotAllowed { step: &'static str, action: Action },
    #[error("只有申请方可以{}", action.label())]
    NotApplicant { action: Action },
    #[error("申请未被退回，不能重新提交")]
    NotReturned,
    #[error("申请已退回，等待申请方修改后重新提交或撤销")]
    AwaitingResubmission,
    #[error("只有上级教育行政部门的学籍管理员可以强制干预")]
    NotSuperior,
    #[error("状态与流程不符")]
    UndefinedState,
}

/// Why a forced intervention (强制干预) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ForceError {
    #[error("只有上级教育行政部门的学籍管理员可以强制干预")]
    NotSuperior,
    #[error(
        "该步骤尚未超过{}个工作日的办理期限，不能强制干预",
        crate::calendar::STEP_LIMIT_WORKING_DAYS
    )]
    NotOverdue,
    #[error("申请方自己的提交或调档不能强制干预")]
    ApplicantsOwn,
    #[error("强制干预须填写原因")]
    NoReason,
    #[error("当前没有可以强制干预的步骤")]
    NoStep,
}

/// What the forced-intervention rule needs to know about a step and the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForceContext {
    /// The caller's position.
    pub actor: Position,
    /// The caller's organisation is a strict ancestor of the organisation that must act.
    pub above: bool,
    /// The step is past its deadline.
    pub overdue: bool,
    /// The step is the applicant's own act (its submission, resubmission or pull).
    pub applicants_own: bool,
    /// A non-empty written reason was given.
    pub has_reason: bool,
}

/// Forced intervention (强制干预, seed 000: steps not handled within 10 working days): only the
/// registrar of an authority above the organisation that must act (its county, city, province
/// or the ministry), only for a step that is overdue, only with a written reason, and never in
/// place of the applicant's own submission.
pub fn check_force(ctx: ForceContext) -> Result<(), ForceError> {
    if ctx.applicants_own {
        return Err(ForceError::ApplicantsOwn);
    }
    if !ctx.above || ctx.actor.role != Role::Registrar || ctx.actor.level == Level::School {
        return Err(ForceError::NotSuperior);
    }
    if !ctx.overdue {
        return Err(ForceError::NotOverdue);
    }
    if !ctx.has_reason {
        return Err(ForceError::NoReason);
    }
    Ok(())
}

/// A legal transition and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub action: Action,
    /// Set when the request completes.
    pub effect: Option<Effect>,
}

impl Chain {
    /// Whether the step is the applicant's own act (e.g. the receiving school's pull, 调档).
    pub fn is_applicants_step(&self, step: &Step) -> bool {
        step.side == Side::Applicant && step.position == self.business.applicant()
    }

    /// The step a pending or returned request is at.
    pub fn step(&self, state: State) -> Option<&'static Step> {
        match state {
            State::Pending { step } | State::Returned { step } | State::Rejected { step } => {
                self.steps.get(usize::from(step))
            }
            _ => None,
        }
    }

    /// Who must act next, if anyone.
    pub fn next_actor(&self, state: State) -> Option<Actor> {
        match state {
            State::Pending { .. } => self.step(state).map(|s| Actor {
                side: s.side,
                position: s.position,
            }),
            State::Returned { .. } => Some(Actor {
                side: Side::Applicant,
                position: self.business.applicant(),
            }),
            _ => None,
        }
    }

    fn is_applicant(&self, actor: Actor) -> bool {
        actor.side == Side::Applicant && actor.position == self.business.applicant()
    }

    /// Applies `action` by `actor` to a request in `state`.
    pub fn apply(
        &self,
        state: State,
        actor: Actor,
        action: Action,
    ) -> Result<Transition, WorkflowError> {
        if !state.is_valid_for(self) {
            return Err(WorkflowError::UndefinedState);
        }
        if state.is_final() {
            return Err(WorkflowError::Finished { state, action });
        }
        let done = |to: State| {
            let effect = (to == State::Completed).then_some(self.effect);
            Ok(Transition {
                from: state,
                to,
                action,
                effect,
            })
        };
        let advance = |step: u8| {
            if usize::from(step) + 1 >= self.steps.len() {
                State::Completed
            } else {
                State::Pending { step: step + 1 }
            }
        };
        match (state, action) {
            (State::Pending { .. } | State::Returned { .. }, Action::Withdraw) => {
                if self.is_applicant(actor) {
                    done(State::Withdrawn)
                } else {
                    Err(WorkflowError::NotApplicant { action })
                }
            }
            (State::Returned { .. }, Action::Resubmit) => {
                if self.is_applicant(actor) {
                    done(State::START)
                } else {
                    Err(WorkflowError::NotApplicant { action })
                }
            }
            (State::Returned { .. }, _) => Err(WorkflowError::AwaitingResubmission),
            (State::Pending { .. }, Action::Resubmit) => Err(WorkflowError::NotReturned),
            (State::Pending { step }, Action::Force) => {
                let s = self.step(state).ok_or(WorkflowError::UndefinedState)?;
                // The arbiter's level is only known at run time: arbitration cannot be forced.
                let own = s.side == Side::Applicant && s.position == self.business.applicant();
                let above = s.side != Side::Arbiter
                    && !own
                    && actor.position.level < s.position.level
                    && actor.position.level != Level::School
                    && actor.position.role == Role::Registrar;
                if above {
                    done(advance(step))
                } else {
                    Err(WorkflowError::NotSuperior)
                }
            }
            (State::Pending { step }, Action::Approve | Action::Return | Action::Reject) => {
                let s = self.step(state).ok_or(WorkflowError::UndefinedState)?;
                let matches_level =
                    s.side == Side::Arbiter || actor.position.level == s.position.level;
                if actor.side != s.side || actor.position.role != s.position.role || !matches_level
                {
                    return Err(WorkflowError::NotYourStep {
                        step: s.label,
                        expected: s.position.label(),
                    });
                }
                match action {
                    Action::Approve => done(advance(step)),
                    Action::Return if s.can_return => done(State::Returned { step }),
                    Action::Reject if s.can_reject => done(State::Rejected { step }),
                    _ => Err(WorkflowError::ActionNotAllowed {
                        step: s.label,
                        action,
                    }),
                }
            }
            (State::Completed | State::Rejected { .. } | State::Withdrawn, _) => {
                Err(WorkflowError::Finished { state, action })
            }
        }
    }

    /// The actions `actor` may take now (for showing buttons).
    pub fn allowed_actions(&self, state: State, actor: Actor) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.apply(state, actor, *a).is_ok())
            .collect()
    }
}

/// Every business, for listings and tests (status changes with and without authority).
pub fn all_businesses() -> Vec<Business> {
    let mut v = vec![
        Business::Registration {
            up_to: RegistrationLevel::County,
        },
        Business::Registration {
            up_to: RegistrationLevel::City,
        },
        Business::Registration {
            up_to: RegistrationLevel::Province,
        },
        Business::KeyFieldChange,
        Business::TransferWithinCounty,
        Business::TransferAcrossCounties,
        Business::TransferAcrossProvinces,
        Business::Graduation { senior: false },
        Business::Graduation { senior: true },
        Business::GraduationRevert { senior: false },
        Business::GraduationRevert { senior: true },
        Business::CrossProvinceEnrolment,
        Business::QuotaChange,
        Business::Arbitration,
    ];
    for change in StatusChange::ALL {
        for authority in [false, true] {
            v.push(Business::StatusChange { change, authority });
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SCHOOL_REG: Actor = Actor::new(Side::Applicant, Level::School, Role::Registrar);
    const SCHOOL_LEAD: Actor = Actor::new(Side::Applicant, Level::School, Role::Leader);
    const COUNTY_REG: Actor = Actor::new(Side::Applicant, Level::County, Role::Registrar);
    const CITY_REG: Actor = Actor::new(Side::Applicant, Level::City, Role::Registrar);
    const PROV_REG: Actor = Actor::new(Side::Applicant, Level::Province, Role::Registrar);
    const OTHER_LEAD: Actor = Actor::new(Side::Counterpart, Level::School, Role::Leader);
    const OTHER_COUNTY: Actor = Actor::new(Side::Counterpart, Level::County, Role::Registrar);

    fn run(chain: &Chain, steps: &[(Actor, Action)]) -> Result<State, WorkflowError> {
        let mut s = State::START;
        for (actor, action) in steps {
            s = chain.apply(s, *actor, *action)?.to;
        }
        Ok(s)
    }

    #[test]
    fn registration_chain_follows_the_province_setting() {
        let county = Business::Registration {
            up_to: RegistrationLevel::County,
        }
        .chain();
        assert_eq!(county.steps.len(), 2);
        let s = county
            .apply(State::START, SCHOOL_LEAD, Action::Approve)
            .unwrap()
            .to;
        let t = county.apply(s, COUNTY_REG, Action::Approve).unwrap();
        assert_eq!(
            (t.to, t.effect),
            (State::Completed, Some(Effect::Registered))
        );
        let city = Business::Registration {
            up_to: RegistrationLevel::City,
        }
        .chain();
        assert_eq!(city.steps.len(), 3);
        assert_eq!(city.steps[2].position.level, Level::City);
        assert_eq!(RegistrationLevel::default(), RegistrationLevel::County);
    }

    #[test]
    fn registration_runs_school_then_each_authority() {
        let c = Business::Registration {
            up_to: RegistrationLevel::Province,
        }
        .chain();
        assert_eq!(c.steps.len(), 4);
        let mut s = State::START;
        for a in [SCHOOL_LEAD, COUNTY_REG, CITY_REG] {
            let t = c.apply(s, a, Action::Approve).unwrap();
            assert_eq!(t.effect, None);
            s = t.to;
        }
        let t = c.apply(s, PROV_REG, Action::Approve).unwrap();
        assert_eq!(t.to, State::Completed);
        assert_eq!(t.effect, Some(Effect::Registered));
        // A doubtful record is returned to the school, corrected, resubmitted.
        let s = run(
            &c,
            &[(SCHOOL_LEAD, Action::Approve), (COUNTY_REG, Action::Return)],
        )
        .unwrap();
        assert_eq!(s, State::Returned { step: 1 });
        assert_eq!(c.next_actor(s), Some(SCHOOL_REG));
        assert_eq!(
            c.apply(s, COUNTY_REG, Action::Approve),
            Err(WorkflowError::AwaitingResubmission)
        );
        assert_eq!(
            c.apply(s, SCHOOL_REG, Action::Resubmit).unwrap().to,
            State::START
        );
    }

    #[test]
    fn wrong_actor_is_refused() {
        let c = Business::Registration {
            up_to: RegistrationLevel::Province,
        }
        .chain();
        let e = c
            .apply(State::START, COUNTY_REG, Action::Approve)
            .unwrap_err();
        assert_eq!(
            e,
            WorkflowError::NotYourStep {
                step: "学校核办",
                expected: "学校学籍主管领导".into()
            }
        );
        assert_eq!(e.to_string(), "当前步骤“学校核办”应由学校学籍主管领导办理");
        assert!(c.apply(State::START, SCHOOL_REG, Action::Approve).is_err());
        assert_eq!(
            c.apply(State::START, SCHOOL_LEAD, Action::Withdraw),
            Err(WorkflowError::NotApplicant {
                action: Action::Withdraw
            })
        );
        assert_eq!(
            c.apply(State::START, SCHOOL_REG, Action::Resubmit),
            Err(WorkflowError::NotReturned)
        );
    }

    #[test]
    fn status_changes_with_and_without_authority() {
        let c = Business::StatusChange {
            change: StatusChange::Suspend,
            authority: true,
        }
        .chain();
        let s = run(&c, &[(SCHOOL_LEAD, Action::Approve)]).unwrap();
        assert_eq!(s, State::Pending { step: 1 });
        let t = c.apply(s, COUNTY_REG, Action::Approve).unwrap();
        assert_eq!(
            t.effect,
            Some(Effect::StatusChanged {
                change: StatusChange::Suspend
            })
        );
        let c = Business::StatusChange {
            change: StatusChange::Resume,
            authority: false,
        }
        .chain();
        let t = c.apply(State::START, SCHOOL_LEAD, Action::Approve).unwrap();
        assert_eq!(t.to, State::Completed);
        // Rejection ends it.
        let s = run(&c, &[(SCHOOL_LEAD, Action::Reject)]).unwrap();
        assert_eq!(s, State::Rejected { step: 0 });
        let e = c.apply(s, SCHOOL_LEAD, Action::Approve).unwrap_err();
        assert_eq!(e.to_string(), "申请已结束（核办不通过），不能再核办通过");
    }

    #[test]
    fn cross_province_transfer_four_approvals_then_pull() {
        let c = Business::TransferAcrossProvinces.chain();
        let labels: Vec<_> = c.steps.iter().map(|s| s.label).collect();
        assert_eq!(
            labels,
            [
                "转入地教育行政部门核办",
                "转出学校核办",
                "转出地教育行政部门核办",
                "转入学校调档"
            ]
        );
        let s = run(
            &c,
            &[
                (COUNTY_REG, Action::Approve),
                (OTHER_LEAD, Action::Approve),
                (OTHER_COUNTY, Action::Approve),
            ],
        )
        .unwrap();
        assert_eq!(c.next_actor(s), Some(SCHOOL_REG));
        // The pull step cannot be returned or rejected; the receiving school may still withdraw.
        assert_eq!(
            c.apply(s, SCHOOL_REG, Action::Reject),
            Err(WorkflowError::ActionNotAllowed {
                step: "转入学校调档",
                action: Action::Reject
            })
        );
        assert_eq!(
            c.allowed_actions(s, SCHOOL_REG),
            vec![Action::Approve, Action::Withdraw]
        );
        assert_eq!(
            c.apply(s, SCHOOL_REG, Action::Withdraw).unwrap().to,
            State::Withdrawn
        );
        let t = c.apply(s, SCHOOL_REG, Action::Approve).unwrap();
        assert_eq!(
            (t.to, t.effect),
            (State::Completed, Some(Effect::Transferred))
        );
        // After the pull, no withdrawal.
        assert!(matches!(
            c.apply(t.to, SCHOOL_REG, Action::Withdraw),
            Err(WorkflowError::Finished { .. })
        ));
        // The sending side cannot act on the receiving side's step.
        assert!(c
            .apply(State::START, OTHER_COUNTY, Action::Approve)
            .is_err());
    }

    #[test]
    fn transfers_within_and_across_counties() {
        assert_eq!(Business::TransferWithinCounty.chain().steps.len(), 2);
        let c = Business::TransferAcrossCounties.chain();
        let s = run(
            &c,
            &[
                (COUNTY_REG, Action::Approve),
                (OTHER_LEAD, Action::Approve),
                (OTHER_COUNTY, Action::Approve),
            ],
        )
        .unwrap();
        assert_eq!(s, State::Completed);
    }

    #[test]
    fn graduation_compulsory_vs_senior_and_revert() {
        let c = Business::Graduation { senior: false }.chain();
        assert_eq!(c.steps.len(), 1);
        assert_eq!(
            c.apply(State::START, SCHOOL_LEAD, Action::Approve)
                .unwrap()
                .effect,
            Some(Effect::Graduated)
        );
        let c = Business::Graduation { senior: true }.chain();
        assert_eq!(
            c.steps[1].position,
            Position::new(Level::County, Role::Registrar)
        );
        let c = Business::GraduationRevert { senior: false }.chain();
        assert_eq!(c.effect, Effect::GraduationReverted);
    }

    #[test]
    fn cross_province_enrolment_quota_arbitration() {
        let c = Business::CrossProvinceEnrolment.chain();
        let s = run(
            &c,
            &[
                (SCHOOL_LEAD, Action::Approve),
                (COUNTY_REG, Action::Approve),
                (OTHER_COUNTY, Action::Approve),
            ],
        )
        .unwrap();
        let t = c.apply(s, SCHOOL_REG, Action::Approve).unwrap();
        assert_eq!(t.effect, Some(Effect::Enrolled));
        let c = Business::QuotaChange.chain();
        assert_eq!(
            c.apply(State::START, COUNTY_REG, Action::Approve)
                .unwrap()
                .effect,
            Some(Effect::QuotaChanged)
        );
        // Arbitration: whichever level the common superior is.
        let c = Business::Arbitration.chain();
        let arbiter = Actor::new(Side::Arbiter, Level::Province, Role::Registrar);
        assert_eq!(
            c.apply(State::START, arbiter, Action::Approve)
                .unwrap()
                .effect,
            Some(Effect::Arbitrated)
        );
        assert!(c.apply(State::START, COUNTY_REG, Action::Approve).is_err());
        assert_eq!(
            Business::Arbitration.applicant(),
            Position::new(Level::County, Role::Registrar)
        );
    }

    #[test]
    fn forced_intervention_by_a_superior() {
        let c = Business::TransferAcrossCounties.chain();
        let s = run(&c, &[(COUNTY_REG, Action::Approve)]).unwrap();
        // The sending school is stuck; the city registrar forces it through.
        let t = c.apply(s, CITY_REG, Action::Force).unwrap();
        assert_eq!(t.to, State::Pending { step: 2 });
        // Not from the same level, not from a leader, not from a school.
        assert_eq!(
            c.apply(t.to, OTHER_COUNTY, Action::Force),
            Err(WorkflowError::NotSuperior)
        );
        let prov_leader = Actor::new(Side::Applicant, Level::Province, Role::Leader);
        assert_eq!(
            c.apply(t.to, prov_leader, Action::Force),
            Err(WorkflowError::NotSuperior)
        );
        assert_eq!(
            c.apply(t.to, PROV_REG, Action::Force).unwrap().effect,
            Some(Effect::Transferred)
        );
    }

    #[test]
    fn force_rule_refuses_each_missing_condition() {
        let ok = ForceContext {
            actor: Position::new(Level::City, Role::Registrar),
            above: true,
            overdue: true,
            applicants_own: false,
            has_reason: true,
        };
        assert_eq!(check_force(ok), Ok(()));
        assert_eq!(
            check_force(ForceContext {
                overdue: false,
                ..ok
            }),
            Err(ForceError::NotOverdue)
        );
        assert_eq!(
            check_force(ForceContext { above: false, ..ok }),
            Err(ForceError::NotSuperior)
        );
        assert_eq!(
            check_force(ForceContext {
                actor: Position::new(Level::City, Role::Leader),
                ..ok
            }),
            Err(ForceError::NotSuperior)
        );
        assert_eq!(
            check_force(ForceContext {
                has_reason: false,
                ..ok
            }),
            Err(ForceError::NoReason)
        );
        assert_eq!(
            check_force(ForceContext {
                applicants_own: true,
                ..ok
            }),
            Err(ForceError::ApplicantsOwn)
        );
        assert_eq!(
            ForceError::NotOverdue.to_string(),
            "该步骤尚未超过10个工作日的办理期限，不能强制干预"
        );
        // The pull step of a cross-province transfer is the receiving school's own act.
        let c = Business::TransferAcrossProvinces.chain();
        let pull = State::Pending { step: 3 };
        assert!(c.is_applicants_step(c.step(pull).unwrap()));
        assert_eq!(
            c.apply(pull, PROV_REG, Action::Force),
            Err(WorkflowError::NotSuperior)
        );
    }

    #[test]
    fn undefined_states_are_refused() {
        let c = Business::QuotaChange.chain();
        let bad = State::Pending { step: 5 };
        assert!(!bad.is_valid_for(&c));
        assert_eq!(
            c.apply(bad, COUNTY_REG, Action::Approve),
            Err(WorkflowError::UndefinedState)
        );
        assert_eq!(c.step(State::Completed), None);
        assert_eq!(c.next_actor(State::Completed), None);
        for e in [
            WorkflowError::NotReturned,
            WorkflowError::AwaitingResubmission,
            WorkflowError::NotSuperior,
            WorkflowError::UndefinedState,
        ] {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn serde_shapes() {
        assert_eq!(
            serde_json::to_string(&State::Pending { step: 2 }).unwrap(),
            r#"{"state":"pending","step":2}"#
        );
        let b = Business::StatusChange {
            change: StatusChange::Expel,
            authority: true,
        };
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<Business>(&json).unwrap(), b);
        for b in all_businesses() {
            assert!(!b.label().is_empty());
            assert!(!b.chain().steps.is_empty());
        }
    }

    fn actor() -> impl Strategy<Value = Actor> {
        (
            prop::sample::select(vec![Side::Applicant, Side::Counterpart, Side::Arbiter]),
            prop::sample::select(Level::ALL.to_vec()),
            prop::sample::select(Role::ALL.to_vec()),
        )
            .prop_map(|(side, level, role)| Actor::new(side, level, role))
    }

    proptest! {
        #[test]
        fn no_action_sequence_reaches_an_undefined_state(
            bi in 0usize..30,
            moves in prop::collection::vec((actor(), prop::sample::select(Action::ALL.to_vec())), 0..40),
        ) {
            let all = all_businesses();
            let chain = all[bi % all.len()].chain();
            let mut s = State::START;
            for (a, act) in moves {
                if let Ok(t) = chain.apply(s, a, act) {
                    prop_assert_eq!(t.from, s);
                    prop_assert!(t.to.is_valid_for(&chain));
                    prop_assert_eq!(t.effect.is_some(), t.to == State::Completed);
                    s = t.to;
                }
                prop_assert!(s.is_valid_for(&chain));
                if s.is_final() {
                    // Nothing leaves a final state.
                    for act in Action::ALL {
                        prop_assert!(chain.apply(s, a, act).is_err());
                    }
                }
            }
        }
    }
}
