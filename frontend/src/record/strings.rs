//! The student record's strings: the form's sections, family members, choices and hints, used by
//! every business that shows or edits a record ([`super::form`]) and by the student card.

crate::i18n::strings! {
    RecordStrings {
        reg_sec_basic,
        reg_sec_identity,
        reg_sec_residence,
        reg_sec_enrolment,
        reg_sec_contact,
        reg_sec_health,
        reg_sec_family,
        reg_member,
        reg_add_member,
        reg_remove_member,
        reg_choose,
        reg_assigned,
        reg_year_month_hint,
        reg_student_number,
        reg_yes,
        reg_no,
    }
}

/// Simplified Chinese.
pub const ZH: RecordStrings = RecordStrings {
    reg_sec_basic: "基本信息",
    reg_sec_identity: "身份证件",
    reg_sec_residence: "户籍与住址",
    reg_sec_enrolment: "学籍信息",
    reg_sec_contact: "联系方式",
    reg_sec_health: "健康与资助",
    reg_sec_family: "家庭成员",
    reg_member: "家庭成员{n}",
    reg_add_member: "添加家庭成员",
    reg_remove_member: "删除此成员",
    reg_choose: "请选择",
    reg_assigned: "审核通过后由系统分配",
    reg_year_month_hint: "如 2025-09",
    reg_student_number: "全国学籍号",
    reg_yes: "是",
    reg_no: "否",
};

/// The strings of the current language.
pub fn t() -> &'static RecordStrings {
    &ZH
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_string_is_present_trimmed_and_chinese() {
        crate::i18n::check_table(&super::ZH.entries());
    }
}
