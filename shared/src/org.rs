//! Organisations and roles (机构与角色).

use serde::{Deserialize, Serialize};

/// The five administrative levels, from the top of the tree down.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 教育部
    Ministry,
    /// 省级
    Province,
    /// 地市级
    City,
    /// 区县级
    County,
    /// 学校
    School,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Ministry,
        Level::Province,
        Level::City,
        Level::County,
        Level::School,
    ];

    /// Depth in the tree: ministry 0 … school 4.
    pub fn depth(self) -> u8 {
        match self {
            Level::Ministry => 0,
            Level::Province => 1,
            Level::City => 2,
            Level::County => 3,
            Level::School => 4,
        }
    }

    /// The level directly below, if any.
    pub fn child(self) -> Option<Level> {
        Level::ALL.get(self.depth() as usize + 1).copied()
    }

    /// The level directly above, if any.
    pub fn parent(self) -> Option<Level> {
        (self.depth() as usize)
            .checked_sub(1)
            .and_then(|d| Level::ALL.get(d).copied())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ministry => "ministry",
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::School => "school",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Chinese label used in the UI and in messages.
    pub fn label(self) -> &'static str {
        match self {
            Level::Ministry => "教育部",
            Level::Province => "省级",
            Level::City => "地市级",
            Level::County => "区县级",
            Level::School => "学校",
        }
    }
}

/// The three roles an account can hold; every account holds exactly one, in one organisation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 学籍管理员: enters data and starts requests (school) or approves (authority).
    Registrar,
    /// 学籍主管领导: approves the school's requests; queries and statistics at authorities.
    Leader,
    /// 系统管理员: configuration and accounts, no business.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Registrar, Role::Leader, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Registrar => "registrar",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Registrar => "学籍管理员",
            Role::Leader => "学籍主管领导",
            Role::Admin => "系统管理员",
        }
    }

    /// Administrators configure and manage accounts; they do no business.
    pub fn does_business(self) -> bool {
        !matches!(self, Role::Admin)
    }
}

/// The lowest common superior (最近共同上级) of two organisations, given each one's ancestor path
/// from the top down, ending with the organisation itself (e.g. `[ministry, province, city,
/// county]`). Seed 001 第一章 5: when two authorities both insist on a duplicate record, their
/// common superior arbitrates. The result is strictly above both: for two counties of one city it
/// is the city; if one organisation is above the other, it is the upper one's own superior.
/// `None` when the paths share no strict superior (e.g. either is the ministry).
pub fn lowest_common_superior<T: PartialEq + Copy>(a_path: &[T], b_path: &[T]) -> Option<T> {
    let a_sup = a_path.split_last().map(|(_, rest)| rest)?;
    let b_sup = b_path.split_last().map(|(_, rest)| rest)?;
    a_sup
        .iter()
        .zip(b_sup)
        .take_while(|(x, y)| x == y)
        .last()
        .map(|(x, _)| *x)
}

/// An acting position: an organisation level and a role (e.g. county registrar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    pub level: Level,
    pub role: Role,
}

impl Position {
    pub const fn new(level: Level, role: Role) -> Self {
        Position { level, role }
    }
    /// E.g. `区县级学籍管理员`; at a school `学校学籍管理员`.
    pub fn label(self) -> String {
        format!("{}{}", self.level.label(), self.role.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_navigation() {
        assert_eq!(Level::Ministry.parent(), None);
        assert_eq!(Level::School.child(), None);
        assert_eq!(Level::City.parent(), Some(Level::Province));
        assert_eq!(Level::City.child(), Some(Level::County));
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
    }

    #[test]
    fn roles_round_trip_and_admins_do_no_business() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(!Role::Admin.does_business());
        assert!(Role::Registrar.does_business());
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn lowest_common_superior_of_paths() {
        // ministry 0, provinces 1 and 2, cities 11/12, counties 111/112/121, schools 1111.
        let c111 = [0, 1, 11, 111];
        let c112 = [0, 1, 11, 112];
        let c121 = [0, 1, 12, 121];
        let p2c = [0, 2, 21, 211];
        assert_eq!(lowest_common_superior(&c111, &c112), Some(11));
        assert_eq!(lowest_common_superior(&c111, &c121), Some(1));
        assert_eq!(lowest_common_superior(&c111, &p2c), Some(0));
        // One above the other: the upper one's superior.
        assert_eq!(lowest_common_superior(&[0, 1, 11], &c111), Some(1));
        assert_eq!(lowest_common_superior(&c111, &c111), Some(11));
        assert_eq!(lowest_common_superior(&[0], &c111), None);
        assert_eq!(lowest_common_superior::<i32>(&[], &[]), None);
        let school = [0, 1, 11, 111, 1111];
        assert_eq!(lowest_common_superior(&school, &c112), Some(11));
    }

    #[test]
    fn positions() {
        let p = Position::new(Level::County, Role::Registrar);
        assert_eq!(p.label(), "区县级学籍管理员");
    }
}

/// Kind of school (办学类型), which decides the stages it teaches.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolKind {
    /// 小学
    Primary,
    /// 初级中学
    Junior,
    /// 高级中学
    Senior,
    /// 九年一贯制学校
    NineYear,
    /// 完全中学
    Complete,
    /// 十二年一贯制学校
    TwelveYear,
}

impl SchoolKind {
    pub const ALL: [SchoolKind; 6] = [
        SchoolKind::Primary,
        SchoolKind::Junior,
        SchoolKind::Senior,
        SchoolKind::NineYear,
        SchoolKind::Complete,
        SchoolKind::TwelveYear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SchoolKind::Primary => "primary",
            SchoolKind::Junior => "junior",
            SchoolKind::Senior => "senior",
            SchoolKind::NineYear => "nine_year",
            SchoolKind::Complete => "complete",
            SchoolKind::TwelveYear => "twelve_year",
        }
    }

    pub fn parse(s: &str) -> Option<SchoolKind> {
        SchoolKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SchoolKind::Primary => "小学",
            SchoolKind::Junior => "初级中学",
            SchoolKind::Senior => "高级中学",
            SchoolKind::NineYear => "九年一贯制学校",
            SchoolKind::Complete => "完全中学",
            SchoolKind::TwelveYear => "十二年一贯制学校",
        }
    }

    /// The stages taught.
    pub fn stages(self) -> &'static [crate::stage::Stage] {
        use crate::stage::Stage::*;
        match self {
            SchoolKind::Primary => &[Primary],
            SchoolKind::Junior => &[Junior],
            SchoolKind::Senior => &[Senior],
            SchoolKind::NineYear => &[Primary, Junior],
            SchoolKind::Complete => &[Junior, Senior],
            SchoolKind::TwelveYear => &[Primary, Junior, Senior],
        }
    }
}

/// Whether `code` is a valid organisation code for `level`: the 10-digit school identifier
/// (学校标识码) for schools, a GB/T 2260 region code of the right depth for authorities
/// (province `xx0000`, city `xxxx00`, county `xxxxxx`), `000000` for the ministry.
pub fn check_org_code(level: Level, code: &str) -> Result<(), &'static str> {
    let digits = code.bytes().all(|b| b.is_ascii_digit());
    match level {
        Level::School => {
            if code.len() == 10 && digits {
                Ok(())
            } else {
                Err("学校标识码应为 10 位数字")
            }
        }
        Level::Ministry => {
            if code == "000000" {
                Ok(())
            } else {
                Err("教育部的机构代码为 000000")
            }
        }
        _ => {
            if code.len() != 6 || !digits {
                return Err("行政区划代码应为 6 位数字");
            }
            let shape_ok = match level {
                Level::Province => code.ends_with("0000"),
                Level::City => !code.ends_with("0000") && code.ends_with("00"),
                _ => !code.ends_with("00"),
            };
            if !shape_ok {
                return Err("行政区划代码与机构层级不符");
            }
            match code.parse::<u32>() {
                Ok(n) if crate::region::exists(n) => Ok(()),
                _ => Err("行政区划代码不在 GB/T 2260 中"),
            }
        }
    }
}

/// Whether an authority's region code fits under its parent's: a city shares its province's
/// first 2 digits, a county its city's first 4. Schools and the ministry are not constrained.
pub fn check_org_code_under(
    parent_level: Level,
    parent_code: &str,
    level: Level,
    code: &str,
) -> Result<(), &'static str> {
    let prefix = match (parent_level, level) {
        (Level::Province, Level::City) => 2,
        (Level::City, Level::County) => 4,
        _ => return Ok(()),
    };
    if code.len() >= prefix
        && parent_code.len() >= prefix
        && code[..prefix] == parent_code[..prefix]
    {
        Ok(())
    } else {
        Err("行政区划代码不属于上级机构的辖区")
    }
}

#[cfg(test)]
mod code_tests {
    use super::*;

    #[test]
    fn org_codes_by_level() {
        assert!(check_org_code(Level::Province, "330000").is_ok());
        assert!(check_org_code(Level::City, "330100").is_ok());
        assert!(check_org_code(Level::County, "330106").is_ok());
        assert!(check_org_code(Level::School, "3330106001").is_ok());
        assert!(check_org_code(Level::Ministry, "000000").is_ok());
        assert_eq!(
            check_org_code(Level::School, "33301060"),
            Err("学校标识码应为 10 位数字")
        );
        assert_eq!(
            check_org_code(Level::County, "330100"),
            Err("行政区划代码与机构层级不符")
        );
        assert_eq!(
            check_org_code(Level::City, "33010a"),
            Err("行政区划代码应为 6 位数字")
        );
        assert_eq!(
            check_org_code(Level::County, "339999"),
            Err("行政区划代码不在 GB/T 2260 中")
        );
    }

    #[test]
    fn codes_fit_under_the_parent() {
        assert!(check_org_code_under(Level::Province, "330000", Level::City, "330100").is_ok());
        assert!(check_org_code_under(Level::City, "330100", Level::County, "330106").is_ok());
        assert!(check_org_code_under(Level::City, "330100", Level::County, "330203").is_err());
        assert!(check_org_code_under(Level::Province, "330000", Level::City, "320100").is_err());
        assert!(check_org_code_under(Level::County, "330106", Level::School, "3330106009").is_ok());
    }

    #[test]
    fn school_kinds_round_trip_and_teach_stages() {
        for k in SchoolKind::ALL {
            assert_eq!(SchoolKind::parse(k.as_str()), Some(k));
            assert!(!k.stages().is_empty());
        }
        assert_eq!(SchoolKind::TwelveYear.stages().len(), 3);
    }
}
