//! Citizen identity number (公民身份号码), GB 11643-1999.
//!
//! Rule (GB 11643-1999; DESIGN.md "Identity"): 18 characters, namely
//! - a 6-digit region code (GB/T 2260, abolished codes included; 810000/820000/830000 for
//!   Hong Kong/Macau/Taiwan residence permits),
//! - an 8-digit birth date (a real date, not in the future, not before 1900),
//! - a 3-digit sequence (odd = male),
//! - a check character, ISO 7064 MOD 11-2: the digits times the weights
//!   7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, summed, mod 11 → `1 0 X 9 8 7 6 5 4 3 2`.
//!
//! A lowercase `x` (and full-width digits / `Ｘ` typed on a phone) are accepted and normalised.
//! Legacy 15-digit numbers (YYMMDD, born 19xx) convert to 18.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use crate::codes::Gender;
use crate::region;

/// ISO 7064 MOD 11-2 weights for the 17 body digits.
pub const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each `sum mod 11`.
pub const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// The earliest birth year accepted.
pub const MIN_BIRTH_YEAR: i32 = 1900;

/// The check character of 17 ASCII digits (ISO 7064 MOD 11-2), or `None` if they are not 17
/// ASCII digits. Shared by the citizen ID and the J/L student numbers.
pub fn check_char(body: &[u8]) -> Option<u8> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (d, w) in body.iter().zip(WEIGHTS) {
        if !d.is_ascii_digit() {
            return None;
        }
        sum += u32::from(d - b'0') * w;
    }
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Why a citizen ID was rejected. Each reason carries a Chinese message (its `Display`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitizenIdError {
    #[error("公民身份号码应为18位，当前为{0}位")]
    Length(usize),
    #[error("公民身份号码第{position}位“{found}”无效：前17位必须是数字，第18位是数字或X")]
    Character { position: usize, found: char },
    #[error("公民身份号码校验码错误：第18位应为“{expected}”，而不是“{found}”")]
    CheckCharacter { expected: char, found: char },
    #[error("公民身份号码中的出生日期“{0}”不是有效日期")]
    ImpossibleDate(String),
    #[error("公民身份号码中的出生日期{0}晚于今天")]
    FutureDate(NaiveDate),
    #[error("公民身份号码中的出生日期{0}早于1900年")]
    DateBefore1900(NaiveDate),
    #[error("公民身份号码前6位“{0}”不是GB/T 2260行政区划代码（含已撤销代码）")]
    UnknownRegion(String),
}

/// A valid 18-character citizen ID (normalised: ASCII, upper-case `X`). Only [`CitizenId::parse`]
/// and [`CitizenId::from_legacy`] make one, so holding one proves it passed every rule.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId {
    chars: [u8; 18],
    birth: NaiveDate,
}

/// Maps full-width digits and `Ｘｘx` to ASCII; returns the 18 bytes or the length/character error.
fn normalise<const N: usize>(input: &str) -> Result<[u8; N], CitizenIdError> {
    let s = input.trim();
    let mut out = [0u8; N];
    let mut n = 0usize;
    for (i, c) in s.chars().enumerate() {
        let a = match c {
            '0'..='9' | 'X' => c as u8,
            'x' | 'Ｘ' | 'ｘ' => b'X',
            '０'..='９' => b'0' + (c as u32 - '０' as u32) as u8,
            _ => {
                // Report a length problem first when the length is also wrong.
                let len = s.chars().count();
                if len != N {
                    return Err(CitizenIdError::Length(len));
                }
                return Err(CitizenIdError::Character {
                    position: i + 1,
                    found: c,
                });
            }
        };
        if n == N {
            return Err(CitizenIdError::Length(s.chars().count()));
        }
        out[n] = a;
        n += 1;
    }
    if n != N {
        return Err(CitizenIdError::Length(n));
    }
    Ok(out)
}

fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
}

/// Checks region code and birth date of a 6+8 digit prefix; shared with J numbers.
pub(crate) fn check_region_and_date(
    chars: &[u8],
    today: NaiveDate,
) -> Result<NaiveDate, CitizenIdError> {
    let birth = birth_date_of(&chars[6..14])?;
    if birth > today {
        return Err(CitizenIdError::FutureDate(birth));
    }
    if birth.year() < MIN_BIRTH_YEAR {
        return Err(CitizenIdError::DateBefore1900(birth));
    }
    if !region::exists(digits(&chars[..6])) {
        return Err(CitizenIdError::UnknownRegion(
            ascii(&chars[..6]).to_string(),
        ));
    }
    Ok(birth)
}

fn birth_date_of(b: &[u8]) -> Result<NaiveDate, CitizenIdError> {
    let (y, m, d) = (digits(&b[..4]), digits(&b[4..6]), digits(&b[6..8]));
    NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| CitizenIdError::ImpossibleDate(format!("{y:04}{m:02}{d:02}")))
}

fn ascii(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

impl CitizenId {
    /// Parses and validates an 18-character ID. `today` bounds the birth date (no clock is read).
    /// Checks in order: length, characters, birth date, region code, check character.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, CitizenIdError> {
        let chars: [u8; 18] = normalise(input)?;
        if let Some(pos) = chars[..17].iter().position(|c| !c.is_ascii_digit()) {
            return Err(CitizenIdError::Character {
                position: pos + 1,
                found: chars[pos] as char,
            });
        }
        let birth = check_region_and_date(&chars, today)?;
        let expected = check_char(&chars[..17]).unwrap_or(b'?');
        if chars[17] != expected {
            return Err(CitizenIdError::CheckCharacter {
                expected: expected as char,
                found: chars[17] as char,
            });
        }
        Ok(CitizenId { chars, birth })
    }

    /// Converts a legacy 15-digit number (6 region + YYMMDD + 3 sequence, born 19YY) to 18
    /// characters and validates the result.
    pub fn from_legacy(input: &str, today: NaiveDate) -> Result<Self, CitizenIdError> {
        let old: [u8; 15] = normalise(input)?;
        if let Some(pos) = old.iter().position(|c| !c.is_ascii_digit()) {
            return Err(CitizenIdError::Character {
                position: pos + 1,
                found: old[pos] as char,
            });
        }
        let mut chars = [0u8; 18];
        chars[..6].copy_from_slice(&old[..6]);
        chars[6..8].copy_from_slice(b"19");
        chars[8..17].copy_from_slice(&old[6..]);
        chars[17] = check_char(&chars[..17]).unwrap_or(b'?');
        let birth = check_region_and_date(&chars, today)?;
        Ok(CitizenId { chars, birth })
    }

    /// Accepts an 18-character ID, or a 15-digit one which is converted.
    pub fn parse_any(input: &str, today: NaiveDate) -> Result<Self, CitizenIdError> {
        if input.trim().chars().count() == 15 {
            Self::from_legacy(input, today)
        } else {
            Self::parse(input, today)
        }
    }

    /// The normalised 18 characters.
    pub fn as_str(&self) -> &str {
        ascii(&self.chars)
    }
    /// The six-digit region code (where the number was issued).
    pub fn region_code(&self) -> u32 {
        digits(&self.chars[..6])
    }
    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }
    /// The three-digit sequence number.
    pub fn sequence(&self) -> u16 {
        digits(&self.chars[14..17]) as u16
    }
    /// Odd sequence = male, even = female.
    pub fn gender(&self) -> Gender {
        if self.chars[16] % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }
    /// The check character (`0`–`9` or `X`).
    pub fn check(&self) -> char {
        self.chars[17] as char
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CitizenId({})", self.as_str())
    }
}

impl AsRef<str> for CitizenId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for CitizenId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Builds a valid ID from its parts (region, birth date, sequence 0–999), computing the check
/// character. For tests, fixtures and the J/L generators; the result still goes through `parse`.
pub fn compose(
    region: u32,
    birth: NaiveDate,
    sequence: u16,
    today: NaiveDate,
) -> Result<CitizenId, CitizenIdError> {
    let body = format!(
        "{:06}{:04}{:02}{:02}{:03}",
        region,
        birth.year(),
        birth.month(),
        birth.day(),
        sequence.min(999)
    );
    let check = check_char(body.as_bytes()).ok_or(CitizenIdError::Length(body.len()))?;
    CitizenId::parse(&format!("{body}{}", check as char), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
    }

    #[test]
    fn standard_example() {
        // GB 11643-1999 appendix example.
        let id = CitizenId::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.region_code(), 110105);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sequence(), 2);
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.check(), 'X');
        // The other widely published example has a correct checksum but a birth year (1880)
        // before the 1900 floor of this system.
        assert!(matches!(
            CitizenId::parse("440524188001010014", today()),
            Err(CitizenIdError::DateBefore1900(_))
        ));
        let id = CitizenId::parse("440524198001010013", today()).unwrap();
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.to_string(), "440524198001010013");
        assert_eq!(format!("{id:?}"), "CitizenId(440524198001010013)");
    }

    #[test]
    fn lowercase_and_fullwidth_are_normalised() {
        let id = CitizenId::parse(" 11010519491231002x ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let id = CitizenId::parse("１１０１０５１９４９１２３１００２Ｘ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"11010519491231002X\""
        );
    }

    #[test]
    fn length_errors() {
        assert_eq!(
            CitizenId::parse("", today()),
            Err(CitizenIdError::Length(0))
        );
        assert_eq!(
            CitizenId::parse("11010519491231002", today()),
            Err(CitizenIdError::Length(17))
        );
        assert_eq!(
            CitizenId::parse("11010519491231002X1", today()),
            Err(CitizenIdError::Length(19))
        );
        assert_eq!(
            CitizenId::parse("1101051949123100-", today()),
            Err(CitizenIdError::Length(17))
        );
        assert!(CitizenIdError::Length(17).to_string().contains("18位"));
    }

    #[test]
    fn character_errors() {
        assert_eq!(
            CitizenId::parse("1101051949123100AX", today()),
            Err(CitizenIdError::Character {
                position: 17,
                found: 'A'
            })
        );
        assert_eq!(
            CitizenId::parse("X10105194912310021", today()),
            Err(CitizenIdError::Character {
                position: 1,
                found: 'X'
            })
        );
        assert_eq!(
            CitizenId::parse("11010519491231002Y", today()),
            Err(CitizenIdError::Character {
                position: 18,
                found: 'Y'
            })
        );
    }

    #[test]
    fn check_character_error_names_the_expected_one() {
        let e = CitizenId::parse("110105194912310021", today()).unwrap_err();
        assert_eq!(
            e,
            CitizenIdError::CheckCharacter {
                expected: 'X',
                found: '1'
            }
        );
        assert!(e.to_string().contains("应为“X”"));
    }

    #[test]
    fn date_errors() {
        // 1949-02-30 does not exist.
        let e = CitizenId::parse(&with_check("11010519490230002"), today()).unwrap_err();
        assert_eq!(e, CitizenIdError::ImpossibleDate("19490230".into()));
        assert!(e.to_string().contains("19490230"));
        let e = CitizenId::parse(&with_check("11010520300101002"), today()).unwrap_err();
        assert!(matches!(e, CitizenIdError::FutureDate(_)));
        assert!(e.to_string().contains("晚于今天"));
        let e = CitizenId::parse(&with_check("11010518991231002"), today()).unwrap_err();
        assert!(matches!(e, CitizenIdError::DateBefore1900(_)));
        assert!(e.to_string().contains("1900"));
        // Born today is fine.
        assert!(CitizenId::parse(&with_check("11010520250901002"), today()).is_ok());
        // 29 February only in leap years.
        assert!(CitizenId::parse(&with_check("11010520000229002"), today()).is_ok());
        assert!(CitizenId::parse(&with_check("11010519000229002"), today()).is_err());
    }

    #[test]
    fn region_rules() {
        let e = CitizenId::parse(&with_check("99999920000101002"), today()).unwrap_err();
        assert_eq!(e, CitizenIdError::UnknownRegion("999999".into()));
        assert!(e.to_string().contains("999999"));
        // Abolished 崇文区 stays valid; HK/Macau/Taiwan residence permits.
        for body in [
            "11010320000101002",
            "81000020000101002",
            "82000020000101002",
            "83000020000101002",
        ] {
            assert!(
                CitizenId::parse(&with_check(body), today()).is_ok(),
                "{body}"
            );
        }
    }

    #[test]
    fn legacy_fifteen_digits() {
        let id = CitizenId::from_legacy("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(CitizenId::parse_any("110105491231002", today()), Ok(id));
        assert_eq!(CitizenId::parse_any("11010519491231002X", today()), Ok(id));
        assert_eq!(
            CitizenId::from_legacy("11010549123100", today()),
            Err(CitizenIdError::Length(14))
        );
        assert!(matches!(
            CitizenId::from_legacy("11010549123100X", today()),
            Err(CitizenIdError::Character { position: 15, .. })
        ));
        assert!(matches!(
            CitizenId::from_legacy("110105491331002", today()),
            Err(CitizenIdError::ImpossibleDate(_))
        ));
    }

    #[test]
    fn compose_round_trips() {
        let b = NaiveDate::from_ymd_opt(2015, 3, 9).unwrap();
        let id = compose(330106, b, 123, today()).unwrap();
        assert_eq!(id.birth_date(), b);
        assert_eq!(id.sequence(), 123);
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(check_char(b"1234"), None);
        assert_eq!(check_char(b"1101051949123100a"), None);
    }

    fn with_check(body: &str) -> String {
        format!("{body}{}", check_char(body.as_bytes()).unwrap() as char)
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn valid_id() -> impl Strategy<Value = String> {
            (0..region::len(), 0i64..(125 * 365), 0u16..1000).prop_map(|(ri, days, seq)| {
                let code = region::all().nth(ri).unwrap().code;
                let birth =
                    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
                compose(code, birth, seq, today())
                    .unwrap()
                    .as_str()
                    .to_string()
            })
        }

        proptest! {
            #[test]
            fn every_generated_valid_id_passes(id in valid_id()) {
                let parsed = CitizenId::parse(&id, today()).unwrap();
                prop_assert_eq!(parsed.as_str(), id.as_str());
                let lower = id.to_lowercase();
                prop_assert_eq!(CitizenId::parse(&lower, today()), Ok(parsed));
            }

            #[test]
            fn every_single_character_change_fails(id in valid_id(), pos in 0usize..18, repl in prop::sample::select(b"0123456789X".to_vec())) {
                let mut b = id.clone().into_bytes();
                prop_assume!(b[pos] != repl);
                b[pos] = repl;
                let changed = String::from_utf8(b).unwrap();
                prop_assert!(CitizenId::parse(&changed, today()).is_err(), "{} accepted", changed);
            }
        }
    }

    /// Valid IDs issued in counties that existed only in the 1980s / early 1990s are accepted.
    #[test]
    fn ids_of_abolished_counties_of_the_1980s_are_accepted() {
        let today = NaiveDate::from_ymd_opt(2025, 9, 15).unwrap();
        for (region, year) in [
            (452802, 1985),
            (442102, 1987),
            (370981, 1985),
            (379027, 1994),
            (412131, 1981),
        ] {
            let birth = NaiveDate::from_ymd_opt(year, 6, 1).unwrap();
            let id = compose(region, birth, 123, today).unwrap();
            let parsed = CitizenId::parse(id.as_str(), today).unwrap();
            assert_eq!(parsed.birth_date(), birth, "{region}");
        }
    }
}
