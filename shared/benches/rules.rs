//! `cargo bench -p xueji-shared`: prints citizen-ID validations per second (target ≥ 5,000,000/s)
//! and full student-record validations per second (target ≥ 200,000/s). Plain Rust timing.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use xueji_shared::citizen_id::{compose, CitizenId};
use xueji_shared::record::{FamilyMember, RecordRules, StudentRecord};
use xueji_shared::region;

fn per_second(label: &str, target: f64, mut f: impl FnMut() -> usize) {
    // Warm up, then run for about two seconds.
    f();
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < Duration::from_secs(2) {
        n += f();
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    let verdict = if rate >= target { "ok" } else { "BELOW TARGET" };
    println!("{label}: {rate:.0}/s (target {target:.0}/s) {verdict}");
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2025, 9, 1).expect("date");
    // 4096 distinct valid IDs spread over the region table and birth dates.
    let codes: Vec<u32> = region::all().map(|r| r.code).collect();
    let ids: Vec<String> = (0..4096u32)
        .map(|i| {
            let code = codes[(i as usize * 7919) % codes.len()];
            let birth = NaiveDate::from_ymd_opt(1950 + (i % 70) as i32, 1 + i % 12, 1 + i % 28)
                .expect("date");
            compose(code, birth, (i % 1000) as u16, today)
                .expect("valid")
                .as_str()
                .to_string()
        })
        .collect();
    per_second("citizen-ID validations", 5_000_000.0, || {
        let mut ok = 0usize;
        for id in &ids {
            ok += usize::from(CitizenId::parse(black_box(id), today).is_ok());
        }
        assert_eq!(ok, ids.len());
        ids.len()
    });

    let birth = NaiveDate::from_ymd_opt(2016, 3, 5).expect("date");
    let id = compose(110105, birth, 124, today).expect("valid");
    let record = StudentRecord {
        name: "阿依古丽·买买提".into(),
        name_pinyin: "AYIGULI MAIMAITI".into(),
        gender: "2".into(),
        birth_date: Some(birth),
        birthplace: "110105001001".into(),
        native_place: "新疆喀什".into(),
        ethnic_group: "05".into(),
        nationality: "CHN".into(),
        id_type: "1".into(),
        id_number: id.as_str().into(),
        hmt_overseas: "00".into(),
        political_status: "13".into(),
        health_status: "10".into(),
        household_place: "110105001001".into(),
        household_nature: "2".into(),
        student_number: format!("G{id}"),
        grade: "14".into(),
        class_name: "4班".into(),
        entry_year_month: "2022-09".into(),
        entry_mode: "11".into(),
        study_mode: "1".into(),
        student_source: "1".into(),
        current_address: "北京市朝阳区某街1号".into(),
        postal_address: "北京市朝阳区某街1号".into(),
        home_address: "北京市朝阳区某街1号".into(),
        phone: "13800138000".into(),
        postcode: "100020".into(),
        email: "parent@example.com".into(),
        left_behind: "0".into(),
        inclusive_class: "0".into(),
        disability_type: "0".into(),
        distance_km: Some(1.5),
        travel_mode: "1".into(),
        family_members: vec![
            FamilyMember {
                name: "买买提".into(),
                relation: "1".into(),
                phone: "13900139000".into(),
                is_guardian: true,
                id_type: "1".into(),
                id_number: "11010519491231002X".into(),
                ethnic_group: "05".into(),
                ..Default::default()
            },
            FamilyMember {
                name: "古丽".into(),
                relation: "2".into(),
                phone: "010-85551234".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let rules = RecordRules::new(today);
    assert!(
        record.validate_all(&rules).is_empty(),
        "{:?}",
        record.validate_all(&rules)
    );
    per_second(
        "student-record validations (valid record)",
        200_000.0,
        || {
            for _ in 0..256 {
                black_box(black_box(&record).validate_all(&rules));
            }
            256
        },
    );
    let mut bad = record.clone();
    bad.gender = "1".into();
    bad.ethnic_group = "99".into();
    bad.phone = "123".into();
    bad.family_members[0].name.clear();
    assert_eq!(bad.validate_all(&rules).len(), 4);
    per_second("student-record validations (4 errors)", 200_000.0, || {
        for _ in 0..256 {
            black_box(black_box(&bad).validate_all(&rules));
        }
        256
    });
}
