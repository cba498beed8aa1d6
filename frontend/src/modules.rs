//! The business modules shown in the navigation, in the order of the national system's menu.

use xueji_shared::org::Role;

use crate::i18n::Strings;

/// One navigation entry for a business module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    /// Route path, also the `href` of the navigation link.
    pub path: &'static str,
    /// Stable identifier, used as `data-module` in the markup.
    pub slug: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

/// All business modules, with their texts in the given language.
pub fn modules(s: &Strings) -> [Module; 9] {
    [
        Module {
            path: "/registration",
            slug: "registration",
            title: s.module_registration,
            description: s.module_registration_desc,
        },
        Module {
            path: "/students",
            slug: "students",
            title: s.module_students,
            description: s.module_students_desc,
        },
        Module {
            path: "/problems",
            slug: "problems",
            title: s.module_problems,
            description: s.module_problems_desc,
        },
        Module {
            path: "/changes",
            slug: "changes",
            title: s.module_changes,
            description: s.module_changes_desc,
        },
        Module {
            path: "/transfers",
            slug: "transfers",
            title: s.module_transfers,
            description: s.module_transfers_desc,
        },
        Module {
            path: "/graduation",
            slug: "graduation",
            title: s.module_graduation,
            description: s.module_graduation_desc,
        },
        Module {
            path: "/enrolment",
            slug: "enrolment",
            title: s.module_enrolment,
            description: s.module_enrolment_desc,
        },
        Module {
            path: "/statistics",
            slug: "statistics",
            title: s.module_statistics,
            description: s.module_statistics_desc,
        },
        Module {
            path: "/settings",
            slug: "settings",
            title: s.module_settings,
            description: s.module_settings_desc,
        },
    ]
}

/// Modules for business roles only (系统管理员 do no business and get no entry).
const BUSINESS_ONLY: &[&str] = &["students"];

impl Module {
    /// Whether the navigation shows this module to `role` (everything while it is unknown).
    pub fn visible_to(&self, role: Option<Role>) -> bool {
        role.is_none_or(|r| r.does_business() || !BUSINESS_ONLY.contains(&self.slug))
    }
}

/// The module a slug names, if any.
pub fn by_slug(s: &Strings, slug: &str) -> Option<Module> {
    modules(s).into_iter().find(|m| m.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::ZH;

    #[test]
    fn paths_are_distinct_and_match_slugs() {
        let all = modules(&ZH);
        for (i, m) in all.iter().enumerate() {
            assert_eq!(m.path, format!("/{}", m.slug));
            assert!(all[i + 1..].iter().all(|o| o.path != m.path));
            assert_eq!(by_slug(&ZH, m.slug), Some(*m));
        }
        assert_eq!(by_slug(&ZH, "nope"), None);
    }

    #[test]
    fn student_search_is_for_business_roles() {
        let students = by_slug(&ZH, "students").expect("students");
        assert!(students.visible_to(Some(Role::Registrar)));
        assert!(students.visible_to(Some(Role::Leader)));
        assert!(!students.visible_to(Some(Role::Admin)));
        assert!(students.visible_to(None));
        let settings = by_slug(&ZH, "settings").expect("settings");
        assert!(settings.visible_to(Some(Role::Admin)));
    }

    #[test]
    fn titles_follow_the_issue() {
        let titles: Vec<_> = modules(&ZH).iter().map(|m| m.title).collect();
        assert_eq!(
            titles,
            [
                "学籍注册",
                "学生查询",
                "问题学籍",
                "学籍变动",
                "转学",
                "毕业升级",
                "招生",
                "统计",
                "系统配置"
            ]
        );
    }
}
