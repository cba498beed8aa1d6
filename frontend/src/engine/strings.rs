//! The engine's Chinese strings (the inbox, the overdue list, deadlines, the request page).

pub const INBOX_TITLE: &str = "待办";
pub const INBOX_LEAD: &str = "等待本单位、本岗位办理的全部事项，每个环节须在10个工作日内办结。";
pub const INBOX_EMPTY: &str = "目前没有待办事项。";
pub const INBOX_TOTAL: &str = "共";
pub const INBOX_TOTAL_UNIT: &str = "项";
pub const FILTER_ALL: &str = "全部业务";
pub const ORDER_NEWEST: &str = "最新在前";
pub const ORDER_OLDEST: &str = "最早在前";
pub const MORE: &str = "加载更多";
pub const OPEN: &str = "办理";
pub const DUE: &str = "办理期限";
pub const STARTED: &str = "到达时间";
pub const OVERDUE_BADGE: &str = "已超期";
pub const HOME_WAITING: &str = "项待办";
pub const HOME_OVERDUE: &str = "项已超期";
pub const OVERDUE_TITLE: &str = "超期事项";
pub const OVERDUE_LEAD: &str =
    "本辖区内超过10个工作日仍未办结的环节，按下一级单位统计；上级学籍管理员可对超期环节强制干预。";
pub const OVERDUE_EMPTY: &str = "本辖区没有超期事项。";
pub const OVERDUE_BY_ORG: &str = "按单位统计";
pub const OVERDUE_ORG: &str = "单位";
pub const OVERDUE_COUNT: &str = "超期数";
pub const OVERDUE_AT: &str = "办理单位";
pub const STEPS_TITLE: &str = "办理环节与期限";
pub const STEP_CURRENT: &str = "办理中";
pub const STEP_TOOK: &str = "用时";
pub const STEP_DAYS: &str = "个工作日";
pub const STEP_FORCED: &str = "强制干预";
pub const FORCE_REASON: &str = "强制干预原因";
pub const FORCE_HINT: &str =
    "该环节已超过10个工作日未办理。强制干预将代替办理单位核办通过，并记录原因与操作人。";
pub const PARTIES_TITLE: &str = "相关单位";
pub const PARTY_APPLICANT: &str = "申请单位";
pub const PARTY_COUNTERPART: &str = "对方单位";
pub const PARTY_ARBITER: &str = "仲裁单位";
pub const EVIDENCE_FILE: &str = "材料{n}";
