//! National student number (全国学籍号).
//!
//! Rule (DESIGN.md "Identity"; seed 001 第一章): 19 characters, one per person for life.
//! - `G` + the 18-character citizen ID;
//! - `J` + 6-digit region code + 8-digit birth date + 3-digit sequence + check character (ISO 7064
//!   MOD 11-2, the citizen-ID rule), for students without an ID;
//! - `L` + 6-digit region code + 11-digit serial + check character (the same MOD 11-2 rule): a
//!   temporary number used until the national duplicate check passes. The seeds leave its layout
//!   open; a serial (the record's own id) rather than a date + 3-digit sequence lets one county
//!   import any number of students in a day without running out of numbers.
//!
//! A J number becomes G once an ID is supplied; the old number is kept in the history.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use crate::citizen_id::{self, CitizenId, CitizenIdError};
use crate::region;

/// The three kinds of number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// G: citizen ID based, formal.
    G,
    /// J: no citizen ID, formal.
    J,
    /// L: temporary.
    L,
}

impl Kind {
    pub fn prefix(self) -> char {
        match self {
            Kind::G => 'G',
            Kind::J => 'J',
            Kind::L => 'L',
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::G => "正式学籍号（身份证号）",
            Kind::J => "正式学籍号（无身份证号）",
            Kind::L => "临时学籍号",
        }
    }
}

/// Why a student number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StudentNumberError {
    #[error("全国学籍号应为19位，当前为{0}位")]
    Length(usize),
    #[error("全国学籍号应以G、J或L开头，而不是“{0}”")]
    Prefix(char),
    #[error("G字头学籍号中的身份证号无效：{0}")]
    CitizenId(CitizenIdError),
    #[error("全国学籍号第{position}位“{found}”无效：第2至18位必须是数字，第19位是数字或X")]
    Character { position: usize, found: char },
    #[error("全国学籍号校验码错误：第19位应为“{expected}”，而不是“{found}”")]
    CheckCharacter { expected: char, found: char },
    #[error("全国学籍号中的日期“{0}”不是有效日期")]
    ImpossibleDate(String),
    #[error("全国学籍号中的日期{0}晚于今天")]
    FutureDate(NaiveDate),
    #[error("全国学籍号中的日期{0}早于1900年")]
    DateBefore1900(NaiveDate),
    #[error("全国学籍号中的行政区划代码“{0}”不在GB/T 2260中")]
    UnknownRegion(String),
    #[error("顺序码应在0至999之间，而不是{0}")]
    Sequence(u32),
    #[error("只有J字头学籍号可以升级为G字头，当前为{0}字头")]
    NotJ(char),
    #[error("身份证号中的出生日期{id}与J字头学籍号中的出生日期{number}不一致")]
    BirthDateMismatch { number: NaiveDate, id: NaiveDate },
}

impl From<CitizenIdError> for StudentNumberError {
    /// Maps an error of the shared J/L layout check to the student-number wording.
    fn from(e: CitizenIdError) -> Self {
        match e {
            CitizenIdError::ImpossibleDate(s) => StudentNumberError::ImpossibleDate(s),
            CitizenIdError::FutureDate(d) => StudentNumberError::FutureDate(d),
            CitizenIdError::DateBefore1900(d) => StudentNumberError::DateBefore1900(d),
            CitizenIdError::UnknownRegion(r) => StudentNumberError::UnknownRegion(r),
            other => StudentNumberError::CitizenId(other),
        }
    }
}

/// A valid 19-character national student number. Made only by [`StudentNumber::parse`], the
/// generators and [`StudentNumber::from_citizen_id`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StudentNumber {
    chars: [u8; 19],
}

/// The result of upgrading a J number: the new G number and the J number it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upgrade {
    pub new: StudentNumber,
    pub previous: StudentNumber,
}

impl StudentNumber {
    /// Parses and validates a number. `today` bounds the dates inside it.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, StudentNumberError> {
        let s = input.trim();
        let mut it = s.chars();
        let first = it.next().ok_or(StudentNumberError::Length(0))?;
        let len = s.chars().count();
        if len != 19 {
            return Err(StudentNumberError::Length(len));
        }
        match first.to_ascii_uppercase() {
            'G' => {
                let id = CitizenId::parse(it.as_str(), today).map_err(|e| match e {
                    // Positions inside the ID are one less than in the student number.
                    CitizenIdError::Character { position, found } => {
                        StudentNumberError::Character {
                            position: position + 1,
                            found,
                        }
                    }
                    other => StudentNumberError::CitizenId(other),
                })?;
                Ok(Self::from_citizen_id(&id))
            }
            p @ ('J' | 'L') => {
                let mut chars = [0u8; 19];
                chars[0] = p as u8;
                for (i, c) in it.enumerate() {
                    let ok = c.is_ascii_digit() || (i == 17 && matches!(c, 'X' | 'x'));
                    if !ok {
                        return Err(StudentNumberError::Character {
                            position: i + 2,
                            found: c,
                        });
                    }
                    chars[i + 1] = c.to_ascii_uppercase() as u8;
                }
                if p == 'L' {
                    // Region + serial: no date inside.
                    let region: u32 = chars[1..7]
                        .iter()
                        .fold(0, |a, d| a * 10 + u32::from(d - b'0'));
                    if !region::exists(region) {
                        return Err(StudentNumberError::CitizenId(
                            CitizenIdError::UnknownRegion(
                                String::from_utf8_lossy(&chars[1..7]).into_owned(),
                            ),
                        ));
                    }
                } else {
                    citizen_id::check_region_and_date(&chars[1..], today)?;
                }
                let expected = citizen_id::check_char(&chars[1..18]).unwrap_or(b'?');
                if chars[18] != expected {
                    return Err(StudentNumberError::CheckCharacter {
                        expected: expected as char,
                        found: chars[18] as char,
                    });
                }
                Ok(StudentNumber { chars })
            }
            other => Err(StudentNumberError::Prefix(other)),
        }
    }

    /// The G number of a citizen ID.
    pub fn from_citizen_id(id: &CitizenId) -> Self {
        let mut chars = [0u8; 19];
        chars[0] = b'G';
        chars[1..].copy_from_slice(id.as_str().as_bytes());
        StudentNumber { chars }
    }

    fn compose(
        kind: Kind,
        region_code: u32,
        date: NaiveDate,
        sequence: u32,
        today: NaiveDate,
    ) -> Result<Self, StudentNumberError> {
        if sequence > 999 {
            return Err(StudentNumberError::Sequence(sequence));
        }
        let body = format!(
            "{:06}{:04}{:02}{:02}{:03}",
            region_code,
            date.year(),
            date.month(),
            date.day(),
            sequence
        );
        if body.len() != 17 || !region::exists(region_code) {
            return Err(StudentNumberError::UnknownRegion(format!("{region_code}")));
        }
        let check = citizen_id::check_char(body.as_bytes())
            .ok_or(StudentNumberError::UnknownRegion(format!("{region_code}")))?;
        Self::parse(&format!("{}{body}{}", kind.prefix(), check as char), today)
    }

    /// Generates a J number for a student without a citizen ID: birth-place (or registration)
    /// region code, birth date and a sequence 0–999 that the caller makes unique for
    /// (region, birth date), e.g. from a database counter.
    pub fn generate_j(
        region_code: u32,
        birth: NaiveDate,
        sequence: u32,
        today: NaiveDate,
    ) -> Result<Self, StudentNumberError> {
        Self::compose(Kind::J, region_code, birth, sequence, today)
    }

    /// Generates a temporary L number: the school's region code and a serial unique nationally
    /// (below 10^11; the server uses the record's id).
    pub fn generate_l(
        region_code: u32,
        serial: u64,
        today: NaiveDate,
    ) -> Result<Self, StudentNumberError> {
        if serial >= 100_000_000_000 {
            return Err(StudentNumberError::Sequence(u32::MAX));
        }
        let body = format!("{region_code:06}{serial:011}");
        if body.len() != 17 || !region::exists(region_code) {
            return Err(StudentNumberError::UnknownRegion(format!("{region_code}")));
        }
        let check = citizen_id::check_char(body.as_bytes())
            .ok_or(StudentNumberError::UnknownRegion(format!("{region_code}")))?;
        Self::parse(&format!("L{body}{}", check as char), today)
    }

    /// Upgrades a J number to the G number of the citizen ID now supplied. The birth dates must
    /// agree. The J number is returned as `previous` for the history.
    pub fn upgrade_to_g(&self, id: &CitizenId) -> Result<Upgrade, StudentNumberError> {
        if self.kind() != Kind::J {
            return Err(StudentNumberError::NotJ(self.kind().prefix()));
        }
        if let Some(number) = self.date() {
            if number != id.birth_date() {
                return Err(StudentNumberError::BirthDateMismatch {
                    number,
                    id: id.birth_date(),
                });
            }
        }
        Ok(Upgrade {
            new: Self::from_citizen_id(id),
            previous: *self,
        })
    }

    pub fn kind(&self) -> Kind {
        match self.chars[0] {
            b'G' => Kind::G,
            b'J' => Kind::J,
            _ => Kind::L,
        }
    }
    /// Whether the number is formal (G or J), not temporary.
    pub fn is_formal(&self) -> bool {
        self.kind() != Kind::L
    }
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.chars).unwrap_or("")
    }
    /// The citizen ID part of a G number.
    pub fn citizen_id(&self) -> Option<&str> {
        (self.kind() == Kind::G).then(|| &self.as_str()[1..])
    }
    /// The region code (issuing county for G, given region for J/L).
    pub fn region_code(&self) -> u32 {
        self.chars[1..7]
            .iter()
            .fold(0, |a, d| a * 10 + u32::from(d - b'0'))
    }
    /// The birth date inside a G or J number (an L number has none).
    pub fn date(&self) -> Option<NaiveDate> {
        if self.kind() == Kind::L {
            return None;
        }
        let n = |r: std::ops::Range<usize>| {
            self.chars[r]
                .iter()
                .fold(0u32, |a, d| a * 10 + u32::from(d - b'0'))
        };
        NaiveDate::from_ymd_opt(n(7..11) as i32, n(11..13), n(13..15))
    }
    pub fn sequence(&self) -> u16 {
        self.chars[15..18]
            .iter()
            .fold(0u16, |a, d| a * 10 + u16::from(d - b'0'))
    }
}

impl fmt::Display for StudentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for StudentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StudentNumber({})", self.as_str())
    }
}

impl Serialize for StudentNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
    }
    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn g_numbers() {
        let n = StudentNumber::parse("G11010519491231002X", today()).unwrap();
        assert_eq!(n.kind(), Kind::G);
        assert!(n.is_formal());
        assert_eq!(n.citizen_id(), Some("11010519491231002X"));
        assert_eq!(n.date(), Some(d(1949, 12, 31)));
        assert_eq!(n.region_code(), 110105);
        assert_eq!(n.sequence(), 2);
        assert_eq!(StudentNumber::parse("g11010519491231002x", today()), Ok(n));
        assert_eq!(
            StudentNumber::parse("G110105194912310021", today()),
            Err(StudentNumberError::CitizenId(
                CitizenIdError::CheckCharacter {
                    expected: 'X',
                    found: '1'
                }
            ))
        );
        assert_eq!(
            StudentNumber::parse("G1101051949123100AX", today()),
            Err(StudentNumberError::Character {
                position: 18,
                found: 'A'
            })
        );
    }

    #[test]
    fn j_and_l_generation_and_parse() {
        let j = StudentNumber::generate_j(330106, d(2018, 5, 20), 7, today()).unwrap();
        assert_eq!(j.kind(), Kind::J);
        assert_eq!(j.as_str().len(), 19);
        assert_eq!(j.date(), Some(d(2018, 5, 20)));
        assert_eq!(j.sequence(), 7);
        assert_eq!(j.citizen_id(), None);
        assert_eq!(StudentNumber::parse(j.as_str(), today()), Ok(j));
        assert_eq!(serde_json::to_string(&j).unwrap(), format!("\"{j}\""));
        let l = StudentNumber::generate_l(330106, 99_999_999_999, today()).unwrap();
        assert_eq!(l.kind(), Kind::L);
        assert_eq!(l.date(), None);
        assert_eq!(&l.as_str()[..18], "L33010699999999999");
        // Any number of temporary numbers per county and day.
        let a = StudentNumber::generate_l(330106, 1, today()).unwrap();
        let b = StudentNumber::generate_l(330106, 100_000, today()).unwrap();
        assert_ne!(a, b);
        assert_eq!(StudentNumber::parse(b.as_str(), today()), Ok(b));
        assert!(StudentNumber::generate_l(330106, 100_000_000_000, today()).is_err());
        assert!(StudentNumber::generate_l(339999, 1, today()).is_err());
        assert!(!l.is_formal());
        assert_eq!(
            StudentNumber::generate_j(330106, d(2018, 5, 20), 1000, today()),
            Err(StudentNumberError::Sequence(1000))
        );
        assert!(matches!(
            StudentNumber::generate_j(999999, d(2018, 5, 20), 1, today()),
            Err(StudentNumberError::UnknownRegion(_))
        ));
        assert!(matches!(
            StudentNumber::generate_j(330106, d(2030, 5, 20), 1, today()),
            Err(StudentNumberError::FutureDate(_))
        ));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            StudentNumber::parse("", today()),
            Err(StudentNumberError::Length(0))
        );
        assert_eq!(
            StudentNumber::parse("J123", today()),
            Err(StudentNumberError::Length(4))
        );
        assert_eq!(
            StudentNumber::parse("K11010519491231002X", today()),
            Err(StudentNumberError::Prefix('K'))
        );
        let j = StudentNumber::generate_j(330106, d(2018, 5, 20), 7, today()).unwrap();
        let mut bad = j.as_str().to_string();
        let last = bad.pop().unwrap();
        let other = if last == '0' { '1' } else { '0' };
        bad.push(other);
        assert_eq!(
            StudentNumber::parse(&bad, today()),
            Err(StudentNumberError::CheckCharacter {
                expected: last,
                found: other
            })
        );
        assert_eq!(
            StudentNumber::parse("J33010620180520A07X", today()),
            Err(StudentNumberError::Character {
                position: 16,
                found: 'A'
            })
        );
        assert!(matches!(
            StudentNumber::parse("J330106201802300071", today()),
            Err(StudentNumberError::ImpossibleDate(_))
        ));
        assert!(matches!(
            StudentNumber::parse("J999999201805200071", today()),
            Err(StudentNumberError::UnknownRegion(_))
        ));
        assert!(matches!(
            StudentNumber::parse("J330106189905200071", today()),
            Err(StudentNumberError::DateBefore1900(_))
        ));
        for e in [
            StudentNumberError::Length(3),
            StudentNumberError::Prefix('K'),
            StudentNumberError::Sequence(1000),
            StudentNumberError::NotJ('G'),
        ] {
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn upgrade_j_to_g_keeps_the_old_number() {
        let id = CitizenId::parse("11010519491231002X", today()).unwrap();
        let j = StudentNumber::generate_j(110105, d(1949, 12, 31), 3, today()).unwrap();
        let up = j.upgrade_to_g(&id).unwrap();
        assert_eq!(up.new.as_str(), "G11010519491231002X");
        assert_eq!(up.previous, j);
        let other = StudentNumber::generate_j(110105, d(1950, 1, 1), 3, today()).unwrap();
        assert!(matches!(
            other.upgrade_to_g(&id),
            Err(StudentNumberError::BirthDateMismatch { .. })
        ));
        assert_eq!(up.new.upgrade_to_g(&id), Err(StudentNumberError::NotJ('G')));
        let l = StudentNumber::generate_l(110105, 1, today()).unwrap();
        assert_eq!(l.upgrade_to_g(&id), Err(StudentNumberError::NotJ('L')));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn generated_j_numbers_parse_back(ri in 0..region::len(), days in 0i64..(125 * 365), seq in 0u32..1000) {
                let code = region::all().nth(ri).unwrap().code;
                let birth = d(1900, 1, 1) + chrono::Duration::days(days);
                let j = StudentNumber::generate_j(code, birth, seq, today()).unwrap();
                prop_assert_eq!(j.kind(), Kind::J);
                prop_assert_eq!(j.region_code(), code);
                prop_assert_eq!(j.date(), Some(birth));
                prop_assert_eq!(u32::from(j.sequence()), seq);
                prop_assert_eq!(StudentNumber::parse(j.as_str(), today()), Ok(j));
                // Any single-character change of the digits after the prefix is rejected.
                for pos in 1..19 {
                    let mut b = j.as_str().as_bytes().to_vec();
                    b[pos] = if b[pos] == b'0' { b'1' } else { b'0' };
                    let changed = String::from_utf8(b).unwrap();
                    prop_assert!(StudentNumber::parse(&changed, today()).is_err());
                }
            }
        }
    }
}
