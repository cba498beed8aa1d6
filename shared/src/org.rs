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
}
