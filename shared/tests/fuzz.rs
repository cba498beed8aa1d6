//! Property-driven fuzzing of the shared parsers that take untrusted text (issue 10): citizen
//! ID numbers, student numbers, record validation, the import row reader and the calendar
//! and switch settings. Each must answer every input — a value or a Chinese reason — and never
//! panic; accepted values must survive a round trip.
//!
//! Brief in CI (`XUEJI_FUZZ_CASES`, default 300 cases per property); longer by hand, e.g.
//! `XUEJI_FUZZ_CASES=200000 cargo test --release -p xueji-shared --test fuzz`.

use chrono::NaiveDate;
use proptest::prelude::*;
use xueji_shared::api_config::{CalendarDay, DayKind, ProvinceSwitches, UpdateCalendar};
use xueji_shared::business::registration::import::{self, columns, Cell};
use xueji_shared::citizen_id::CitizenId;
use xueji_shared::record::{RecordRules, StudentRecord, FIELDS};
use xueji_shared::student_number::StudentNumber;

fn cases() -> u32 {
    std::env::var("XUEJI_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

/// Text a careless or hostile client sends: any Unicode, digits and ID letters, full-width
/// forms, separators, very long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9Xx]{0,20}",
        "[０-９ＸX \\-·]{0,20}",
        "[GJL0-9a-z]{0,25}",
        "\\PC{0,64}",
        (0usize..5000).prop_map(|n| "9".repeat(n)),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2200, 1u32..=12, 1u32..=31)
        .prop_filter_map("valid date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        hostile_text().prop_map(Cell::Text),
        any::<f64>().prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
        date().prop_map(Cell::Date),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn citizen_ids_never_panic_and_round_trip(s in hostile_text()) {
        let parsed = [CitizenId::parse(&s, today()), CitizenId::parse_any(&s, today())];
        for id in parsed.iter().flatten() {
            let again = CitizenId::parse_any(id.as_str(), today());
            prop_assert_eq!(again.as_ref().map(|a| a.as_str()), Ok(id.as_str()));
        }
    }

    #[test]
    fn student_numbers_never_panic(s in hostile_text()) {
        if let Ok(n) = StudentNumber::parse(&s, today()) {
            let text = n.to_string();
            prop_assert!(StudentNumber::parse(&text, today()).is_ok(), "{text}");
        }
    }

    #[test]
    fn record_validation_answers_every_record(values in proptest::collection::vec(hostile_text(), FIELDS.len())) {
        let mut object = serde_json::Map::new();
        for (spec, v) in FIELDS.iter().zip(values) {
            if spec.field != "family_members" {
                object.insert(spec.field.to_owned(), serde_json::Value::String(v));
            }
        }
        if let Ok(record) = serde_json::from_value::<StudentRecord>(serde_json::Value::Object(object)) {
            let errors = record.validate_all(&RecordRules::new(today()));
            for e in errors {
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn import_rows_are_read_whatever_the_cells(
        header in proptest::collection::vec(hostile_text(), 0..8),
        cells in proptest::collection::vec(cell(), 0..80),
    ) {
        // A random header is refused with a reason, never a panic.
        if let Err(reason) = import::match_header(&header) {
            prop_assert!(!reason.is_empty());
        }
        // The real header with random cells: every row is read and checked.
        let names: Vec<String> = columns().iter().map(|c| c.header().to_owned()).collect();
        let map = import::match_header(&names).expect("the template's own header");
        let parsed = import::parse_row(&map, 2, &cells);
        let _ = import::check_row(&parsed, &map, &cells, &RecordRules::new(today()));
        let _ = import::is_blank(&cells);
    }

    #[test]
    fn calendar_settings_are_validated(
        year in any::<i32>(),
        days in proptest::collection::vec((date(), any::<bool>(), hostile_text()), 0..40),
        start in 0u32..400,
    ) {
        let days: Vec<CalendarDay> = days
            .into_iter()
            .map(|(date, holiday, note)| CalendarDay {
                date,
                kind: if holiday { DayKind::Holiday } else { DayKind::MakeupWorkday },
                note,
            })
            .collect();
        let update = UpdateCalendar { year, days: days.clone() };
        let _ = update.validate(&days);
        let calendar = xueji_shared::api_config::effective_calendar(&days);
        let day = today();
        let later = calendar.add_working_days(day, start);
        prop_assert!(later >= day);
    }

    #[test]
    fn switch_settings_from_any_json_never_panic(text in hostile_text(), a in date(), b in date()) {
        // Random text, and well-formed settings with arbitrary windows.
        if let Ok(s) = serde_json::from_str::<ProvinceSwitches>(&text) {
            let _ = s.validate();
        }
        let mut s = ProvinceSwitches::default();
        s.windows.in_school_registration = Some(xueji_shared::api_config::DateWindow { start: a, end: b });
        s.windows.graduation = Some(xueji_shared::api_config::DateWindow { start: b, end: a });
        let json = serde_json::to_string(&s).expect("json");
        let back: ProvinceSwitches = serde_json::from_str(&json).expect("round trip");
        prop_assert_eq!(&back, &s);
        let _ = back.validate();
    }
}
