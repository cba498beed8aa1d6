//! Every user-visible string of the client, in one place.
//!
//! Components never contain Chinese literals: they read a field of [`Strings`] through [`t()`].
//! An English table can later be added as a second `const` of the same type and chosen at run
//! time; the struct literal guarantees every table is complete (a missing field does not compile).

/// Declares [`Strings`] and an `entries()` listing used by the completeness test.
macro_rules! strings {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// The user-visible text of the client for one language.
        #[derive(Debug)]
        pub struct Strings {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        impl Strings {
            /// Every (field name, text) pair, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

strings! {
    /// Full product name, shown on the sign-in page.
    app_name,
    /// Short name in the top bar.
    app_short_name,
    /// One-character logo mark.
    brand_mark,
    // Sign-in page
    login_title,
    login_subtitle,
    login_username,
    login_username_placeholder,
    login_password,
    login_password_placeholder,
    login_submit,
    login_submitting,
    login_footer,
    // Shell
    nav_label,
    nav_home,
    menu_open,
    menu_close,
    logout,
    logging_out,
    // Offline
    offline_no_network,
    offline_server_unreachable,
    // Home page
    home_title,
    home_welcome,
    account_card_title,
    field_display_name,
    field_username,
    field_org_name,
    field_org_code,
    field_org_level,
    field_role,
    account_refreshing,
    account_cached,
    // Modules
    module_registration,
    module_registration_desc,
    module_problems,
    module_problems_desc,
    module_changes,
    module_changes_desc,
    module_transfers,
    module_transfers_desc,
    module_graduation,
    module_graduation_desc,
    module_enrolment,
    module_enrolment_desc,
    module_statistics,
    module_statistics_desc,
    module_settings,
    module_settings_desc,
    module_coming_soon,
    module_coming_soon_hint,
    modules_heading,
    // 404
    not_found_title,
    not_found_message,
    not_found_back,
    not_found_to_login,
    // Errors
    err_network,
    err_unauthorized,
    err_session_expired,
    err_forbidden,
    err_not_found,
    err_bad_request,
    err_server,
    err_unexpected_status,
    err_decode,
}

/// Simplified Chinese, the default language.
pub const ZH: Strings = Strings {
    app_name: "中小学生学籍信息管理系统",
    app_short_name: "学籍管理",
    brand_mark: "籍",
    login_title: "登录",
    login_subtitle: "请使用本单位分配的账号登录",
    login_username: "用户名",
    login_username_placeholder: "请输入用户名",
    login_password: "密码",
    login_password_placeholder: "请输入密码",
    login_submit: "登录",
    login_submitting: "正在登录…",
    login_footer: "仅限授权的学籍工作人员使用，所有操作均留有记录",
    nav_label: "功能导航",
    nav_home: "首页",
    menu_open: "打开菜单",
    menu_close: "关闭菜单",
    logout: "退出登录",
    logging_out: "正在退出…",
    offline_no_network: "离线：网络不可用，显示的是缓存的应用外壳",
    offline_server_unreachable: "离线：无法连接服务器，显示的是缓存的应用外壳",
    home_title: "首页",
    home_welcome: "欢迎使用学籍信息管理系统",
    account_card_title: "当前账号",
    field_display_name: "姓名",
    field_username: "用户名",
    field_org_name: "所属机构",
    field_org_code: "机构代码",
    field_org_level: "机构层级",
    field_role: "角色",
    account_refreshing: "正在同步账号信息…",
    account_cached: "显示的是本机缓存的账号信息",
    module_registration: "学籍注册",
    module_registration_desc: "在校生、小学新生及来华归国学生的学籍注册与逐级核办",
    module_problems: "问题学籍",
    module_problems_desc: "身份证件校验未通过及疑似重复学籍的佐证、修改与删除",
    module_changes: "学籍变动",
    module_changes_desc: "休学、复学、留级、跳级、辍学等学籍异动的申请与审核",
    module_transfers: "转学",
    module_transfers_desc: "转入学校发起、双方学校与教育行政部门逐级审核的转学业务",
    module_graduation: "毕业升级",
    module_graduation_desc: "年度毕业、升级与毕业生去向登记",
    module_enrolment: "招生",
    module_enrolment_desc: "新生招生录取与入学报到",
    module_statistics: "统计",
    module_statistics_desc: "本辖区学籍数据的查询与统计报表",
    module_settings: "系统配置",
    module_settings_desc: "机构、账号、受控字段及业务规则的配置",
    module_coming_soon: "该模块将在后续版本开放",
    module_coming_soon_hint: "当前版本提供登录、账号信息与应用外壳，业务功能正在建设中。",
    modules_heading: "业务模块",
    not_found_title: "页面不存在",
    not_found_message: "您访问的页面不存在或已被移除，请检查地址是否正确。",
    not_found_back: "返回首页",
    not_found_to_login: "前往登录",
    err_network: "无法连接服务器，请检查网络连接后重试",
    err_unauthorized: "用户名或密码错误",
    err_session_expired: "登录已过期，请重新登录",
    err_forbidden: "没有执行该操作的权限",
    err_not_found: "请求的资源不存在",
    err_bad_request: "请求内容有误，请检查后重试",
    err_server: "服务器暂时无法处理请求，请稍后重试",
    err_unexpected_status: "服务器返回了意外的结果，请稍后重试",
    err_decode: "服务器返回的数据无法识别，请稍后重试",
};

/// The strings of the current language.
pub fn t() -> &'static Strings {
    &ZH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_present_and_trimmed() {
        let entries = ZH.entries();
        assert!(entries.len() > 40);
        for (name, text) in entries {
            assert!(!text.is_empty(), "{name} is empty");
            assert_eq!(text.trim(), text, "{name} has surrounding whitespace");
        }
    }

    #[test]
    fn chinese_table_is_chinese() {
        // Every entry contains at least one CJK character: nothing was left in English.
        for (name, text) in ZH.entries() {
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name} has no Chinese text: {text}"
            );
        }
    }

    #[test]
    fn fixed_wording_required_by_the_shell() {
        assert_eq!(ZH.login_submit, "登录");
        assert_eq!(ZH.logout, "退出登录");
        assert!(ZH.offline_no_network.contains("离线"));
        assert!(ZH.offline_server_unreachable.contains("离线"));
    }
}
