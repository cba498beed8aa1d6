//! Class-size caps (班额).
//!
//! Rule (seed 001 第四章 3; DESIGN.md "Configuration"): the province, city and county may each
//! set a cap for all schools below them. A level's cap may not be higher than the cap above it;
//! if a level forbids changes below it (locks its cap), its cap is inherited as is and lower
//! levels cannot set one. The effective cap of a school therefore never exceeds any ancestor's.

use serde::{Deserialize, Serialize};

use crate::org::Level;

/// One level's own setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapSetting {
    /// Maximum students per class; `None` = this level sets none.
    pub cap: Option<u16>,
    /// 不允许下级修改: lower levels inherit this level's cap as is.
    #[serde(default)]
    pub locked: bool,
}

/// Why a cap setting or an enrolment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapError {
    #[error("{}班额设置为{proposed}人，不能高于上级（{}）设置的{limit}人", level.label(), by.label())]
    ExceedsAncestor {
        level: Level,
        proposed: u16,
        limit: u16,
        by: Level,
    },
    #[error("{}已设置不允许下级修改班额，{}不能设置本级班额", by.label(), level.label())]
    LockedAbove { level: Level, by: Level },
    #[error("班额上限应大于0")]
    Zero,
    #[error("只有省级、地市级和区县级可以设置班额")]
    WrongLevel(Level),
    #[error("超出班额：本班上限{cap}人，现有{current}人，不能再增加{adding}人")]
    ClassFull { cap: u16, current: u32, adding: u32 },
    #[error("班级人数上限{capacity}人，不能高于{}设置的班额{cap}人", by.label())]
    CapacityAboveCap { capacity: u16, cap: u16, by: Level },
}

/// The levels that may set a cap, top down.
pub const CAP_LEVELS: [Level; 3] = [Level::Province, Level::City, Level::County];

/// The effective cap below the given settings, listed top down (province, city, county; missing
/// levels may be left out), together with the level it comes from. A locked level stops the walk;
/// a stored cap above its ancestors' is clamped (it can only arise from old data).
pub fn effective_cap(settings: &[(Level, CapSetting)]) -> Option<(u16, Level)> {
    let mut eff: Option<(u16, Level)> = None;
    for (level, s) in settings {
        if let Some(c) = s.cap {
            if eff.is_none_or(|(e, _)| c < e) {
                eff = Some((c, *level));
            }
        }
        if s.locked {
            break;
        }
    }
    eff
}

/// Checks a level's proposed own cap against the settings of the levels above it (top down).
pub fn check_setting(
    ancestors: &[(Level, CapSetting)],
    level: Level,
    proposed: Option<u16>,
) -> Result<(), CapError> {
    if !CAP_LEVELS.contains(&level) {
        return Err(CapError::WrongLevel(level));
    }
    if let Some((by, _)) = ancestors.iter().find(|(_, s)| s.locked) {
        return Err(CapError::LockedAbove { level, by: *by });
    }
    match proposed {
        Some(0) => Err(CapError::Zero),
        Some(p) => match effective_cap(ancestors) {
            Some((limit, by)) if p > limit => Err(CapError::ExceedsAncestor {
                level,
                proposed: p,
                limit,
                by,
            }),
            _ => Ok(()),
        },
        None => Ok(()),
    }
}

/// Checks that `adding` students fit in a class of `current` under the effective cap.
pub fn check_class_size(cap: Option<u16>, current: u32, adding: u32) -> Result<(), CapError> {
    match cap {
        Some(c) if current.saturating_add(adding) > u32::from(c) => Err(CapError::ClassFull {
            cap: c,
            current,
            adding,
        }),
        _ => Ok(()),
    }
}

/// Checks a class's planned capacity against the school's effective cap (see [`effective_cap`]).
pub fn check_capacity(effective: Option<(u16, Level)>, capacity: u16) -> Result<(), CapError> {
    match effective {
        Some((cap, by)) if capacity > cap => Err(CapError::CapacityAboveCap { capacity, cap, by }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(cap: Option<u16>, locked: bool) -> CapSetting {
        CapSetting { cap, locked }
    }

    #[test]
    fn lower_levels_narrow_the_cap() {
        let chain = [
            (Level::Province, s(Some(55), false)),
            (Level::City, s(Some(50), false)),
            (Level::County, s(Some(45), false)),
        ];
        assert_eq!(effective_cap(&chain), Some((45, Level::County)));
        let chain = [
            (Level::Province, s(Some(55), false)),
            (Level::City, s(None, false)),
            (Level::County, s(None, false)),
        ];
        assert_eq!(effective_cap(&chain), Some((55, Level::Province)));
        assert_eq!(effective_cap(&[]), None);
        // A stored cap above the ancestor's is clamped.
        let chain = [
            (Level::Province, s(Some(50), false)),
            (Level::County, s(Some(60), false)),
        ];
        assert_eq!(effective_cap(&chain), Some((50, Level::Province)));
    }

    #[test]
    fn a_locked_level_forces_its_cap_down() {
        let chain = [
            (Level::Province, s(Some(55), false)),
            (Level::City, s(Some(50), true)),
            (Level::County, s(Some(40), false)),
        ];
        assert_eq!(effective_cap(&chain), Some((50, Level::City)));
        let e = check_setting(&chain[..2], Level::County, Some(40)).unwrap_err();
        assert_eq!(
            e,
            CapError::LockedAbove {
                level: Level::County,
                by: Level::City
            }
        );
        assert_eq!(
            e.to_string(),
            "地市级已设置不允许下级修改班额，区县级不能设置本级班额"
        );
    }

    #[test]
    fn setting_checks() {
        let above = [
            (Level::Province, s(Some(55), false)),
            (Level::City, s(Some(50), false)),
        ];
        assert_eq!(check_setting(&above, Level::County, Some(50)), Ok(()));
        assert_eq!(check_setting(&above, Level::County, None), Ok(()));
        let e = check_setting(&above, Level::County, Some(52)).unwrap_err();
        assert_eq!(
            e,
            CapError::ExceedsAncestor {
                level: Level::County,
                proposed: 52,
                limit: 50,
                by: Level::City
            }
        );
        assert!(e.to_string().contains("不能高于上级（地市级）设置的50人"));
        assert_eq!(
            check_setting(&above, Level::County, Some(0)),
            Err(CapError::Zero)
        );
        assert_eq!(
            check_setting(&[], Level::School, Some(40)),
            Err(CapError::WrongLevel(Level::School))
        );
        assert!(!CapError::Zero.to_string().is_empty());
        assert!(!CapError::WrongLevel(Level::School).to_string().is_empty());
    }

    #[test]
    fn class_size() {
        assert_eq!(check_class_size(Some(45), 44, 1), Ok(()));
        let e = check_class_size(Some(45), 45, 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "超出班额：本班上限45人，现有45人，不能再增加1人"
        );
        assert_eq!(check_class_size(None, 100, 1), Ok(()));
    }

    #[test]
    fn capacity_against_the_effective_cap() {
        assert_eq!(check_capacity(Some((45, Level::City)), 45), Ok(()));
        assert_eq!(check_capacity(None, 200), Ok(()));
        let e = check_capacity(Some((45, Level::City)), 50).unwrap_err();
        assert_eq!(
            e.to_string(),
            "班级人数上限50人，不能高于地市级设置的班额45人"
        );
    }

    fn setting() -> impl Strategy<Value = CapSetting> {
        (proptest::option::of(1u16..100), any::<bool>())
            .prop_map(|(cap, locked)| CapSetting { cap, locked })
    }

    proptest! {
        #[test]
        fn effective_cap_never_exceeds_any_ancestor(p in setting(), c in setting(), k in setting()) {
            let chain = [(Level::Province, p), (Level::City, c), (Level::County, k)];
            if let Some((eff, _)) = effective_cap(&chain) {
                // Never above any cap that applies (everything up to and including the first lock).
                let mut applies = true;
                for (_, st) in chain {
                    if applies {
                        if let Some(cap) = st.cap {
                            prop_assert!(eff <= cap);
                        }
                    }
                    applies &= !st.locked;
                }
                // And never above any ancestor's cap at all, locked or not, above the lock.
                if let Some(cap) = p.cap { prop_assert!(eff <= cap); }
            }
            // A setting accepted by check_setting keeps the effective cap ≤ every ancestor's.
            if check_setting(&chain[..2], Level::County, k.cap).is_ok() {
                if let (Some(kc), Some((anc, _))) = (k.cap, effective_cap(&chain[..2])) {
                    prop_assert!(kc <= anc);
                }
            }
        }
    }
}
