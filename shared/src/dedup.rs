//! Duplicate-check keys (查重).
//!
//! Rule (seed 001 第一章 5 and 第二章 1; DESIGN.md business 2): every registration and every
//! identity change is checked against the whole country — students with an ID by the same
//! citizen ID, students without one by the same name + gender + birth date. Keys are normalised
//! so that the same person typed differently still collides: full-width letters/digits become
//! half-width, letters upper-case, all white space (including the ideographic space U+3000)
//! and every kind of middle dot / separator in minority and foreign names (`·` `•` `・` `．` `.`
//! `‧` `∙` `⋅` `•` `･` `-` …) are removed.

use chrono::NaiveDate;

use crate::citizen_id::CitizenId;
use crate::codes::Gender;

/// Characters treated as name separators and dropped from keys.
pub const NAME_SEPARATORS: &[char] = &[
    '·', '•', '・', '．', '.', '‧', '∙', '⋅', '･', '●', '▪', '°', '˙', '－', '-', '—', '_', '＿',
    '‐', '‑', '﹒', '。', '、', ',', '，',
];

/// Normalises one character: full-width ASCII (U+FF01–U+FF5E) to half-width, letters upper-case.
fn half_width(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_uppercase()
}

/// The normalised form of a name for duplicate keys: `"阿依古丽 · 买买提"`, `"阿依古丽•买买提"`
/// and `"阿依古丽买买提"` all give `"阿依古丽买买提"`; `"ｊｏｈｎ　ｓｍｉｔｈ"` gives `"JOHNSMITH"`.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !NAME_SEPARATORS.contains(c))
        .map(half_width)
        .filter(|c| !NAME_SEPARATORS.contains(c))
        .collect()
}

/// Normalises an ID-document number: half-width, upper-case, no spaces or separators.
pub fn normalise_id_number(number: &str) -> String {
    number
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && !NAME_SEPARATORS.contains(c) && *c != '(' && *c != ')')
        .collect()
}

/// Key for duplicates with an ID: `id:<id-type code>:<normalised number>`. A resident ID card
/// number goes through [`CitizenId`] normalisation when valid (15-digit numbers become 18 so
/// the old and new forms of one number collide). `None` for an empty number.
pub fn id_key(id_type_code: &str, number: &str, today: NaiveDate) -> Option<String> {
    let n = normalise_id_number(number);
    if n.is_empty() {
        return None;
    }
    if id_type_code == crate::codes::ID_TYPE_RESIDENT_CARD {
        if let Ok(id) = CitizenId::parse_any(&n, today) {
            return Some(format!("id:{}:{}", id_type_code, id.as_str()));
        }
    }
    Some(format!("id:{id_type_code}:{n}"))
}

/// Key for duplicates without an ID: `person:<normalised name>:<gender code>:<YYYYMMDD>`.
pub fn person_key(name: &str, gender: Gender, birth_date: NaiveDate) -> String {
    format!(
        "person:{}:{}:{}",
        normalise_name(name),
        gender.code(),
        birth_date.format("%Y%m%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn names_with_dots_spaces_and_widths_collide() {
        let forms = [
            "阿依古丽·买买提",
            "阿依古丽 · 买买提",
            "阿依古丽•买买提",
            "阿依古丽・买买提",
            "阿依古丽．买买提",
            "阿依古丽.买买提",
            "阿依古丽　买买提",
            "阿依古丽买买提",
            " 阿依古丽‧买买提 ",
        ];
        for f in forms {
            assert_eq!(normalise_name(f), "阿依古丽买买提", "{f}");
        }
        assert_eq!(normalise_name("ｊｏｈｎ　ｓｍｉｔｈ"), "JOHNSMITH");
        assert_eq!(normalise_name("John-Smith"), "JOHNSMITH");
        assert_ne!(normalise_name("张三"), normalise_name("张山"));
    }

    #[test]
    fn person_keys() {
        let a = person_key("阿依古丽·买买提", Gender::Female, d(2015, 1, 2));
        let b = person_key("阿依古丽买买提", Gender::Female, d(2015, 1, 2));
        assert_eq!(a, b);
        assert_eq!(a, "person:阿依古丽买买提:2:20150102");
        assert_ne!(a, person_key("阿依古丽买买提", Gender::Male, d(2015, 1, 2)));
        assert_ne!(
            a,
            person_key("阿依古丽买买提", Gender::Female, d(2015, 1, 3))
        );
    }

    #[test]
    fn id_keys() {
        let t = d(2025, 1, 1);
        let k = id_key("1", "11010519491231002x", t).unwrap();
        assert_eq!(k, "id:1:11010519491231002X");
        assert_eq!(
            id_key("1", "１１０１０５１９４９１２３１００２Ｘ", t).unwrap(),
            k
        );
        assert_eq!(id_key("1", "110105 491231 002", t).unwrap(), k);
        assert_eq!(id_key("A", " e1234567 ", t).unwrap(), "id:A:E1234567");
        assert_eq!(id_key("8", "（12345678）", t).unwrap(), "id:8:12345678");
        assert_eq!(id_key("1", "  ", t), None);
        // An invalid resident ID still gets a key (it is still a duplicate of itself).
        assert_eq!(id_key("1", "123", t).unwrap(), "id:1:123");
    }
}
