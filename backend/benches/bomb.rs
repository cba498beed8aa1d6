//! Refusing zip-bomb uploads (issue 10, defect 1): the time and the extra memory
//! `xlsx::recognise` — what `POST /imports` runs on an upload — takes to refuse each bomb,
//! and what it takes to accept an honest filled template (target for a bomb: < 1 s and
//! < 100 MB of extra memory).
//!
//! `cargo bench -p xueji-backend --bench bomb` (`XUEJI_BENCH_ROWS`, default 100 000, sets
//! the honest file's rows). Memory is the growth of the process's peak resident set
//! (the resident set sampled every millisecond) over the resident set before it.

#[path = "../tests/common/bomb.rs"]
mod bomb;

use std::time::Instant;

use xueji_backend::business::registration::xlsx;
use xueji_backend::synth;

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Each case runs in a fresh process (this binary, `--measure FILE LABEL`), so that memory the
/// allocator kept from building the inputs does not hide what the check needs.
fn measure(label: &str, bytes: &[u8]) {
    let path = std::env::temp_dir().join(format!("xueji-bomb-{}.xlsx", std::process::id()));
    std::fs::write(&path, bytes).expect("write case");
    let exe = std::env::current_exe().expect("exe");
    let status = std::process::Command::new(exe)
        .arg("--measure")
        .arg(&path)
        .arg(label)
        .status()
        .expect("run case");
    let _ = std::fs::remove_file(&path);
    assert!(status.success(), "{label}: the measuring process failed");
}

fn measure_here(label: &str, bytes: &[u8]) {
    // The kernel updates VmHWM lazily, so sample the resident set every millisecond instead.
    let before = status_kb("VmRSS:");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_kb("VmRSS:"));
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            peak.max(status_kb("VmRSS:"))
        })
    };
    let started = Instant::now();
    let result = xlsx::recognise(bytes);
    let took = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap_or(0);
    let extra = peak.saturating_sub(before);
    println!(
        "{label}: {:.1} MB upload → {} in {:.1} ms, extra peak memory {:.1} MB",
        bytes.len() as f64 / 1e6,
        match &result {
            Ok(_) => "accepted".to_owned(),
            Err(e) => format!("refused ({e})"),
        },
        took.as_secs_f64() * 1000.0,
        extra as f64 / 1024.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        let bytes = std::fs::read(&args[i + 1]).expect("read case");
        measure_here(&args[i + 2], &bytes);
        return;
    }
    let bombs = [
        (
            "60 million <si>, sizes declared",
            bomb::many_strings(60_000_000, None),
        ),
        (
            "60 million <si>, sizes lie",
            bomb::many_strings(60_000_000, Some(4096)),
        ),
        (
            "one 1 GB string, sizes declared",
            bomb::one_long_string(1 << 30, None),
        ),
        (
            "one 1 GB string, sizes lie",
            bomb::one_long_string(1 << 30, Some(4096)),
        ),
        (
            "one 3.9 GB string, sizes declared",
            bomb::one_long_string(0xF000_0000, None),
        ),
    ];
    for (label, bytes) in &bombs {
        measure(label, bytes);
    }
    // Not a bomb by its ratio: more distinct strings than an honest template has cells,
    // refused by their count while streaming; and just under that count, accepted by the
    // bounds (then opened by calamine, which is what an honest full file costs).
    let limit = xueji_backend::business::registration::xlsx_bounds::max_cells();
    let many = bomb::distinct_strings(limit + 1);
    measure(
        &format!("{} distinct strings (limit + 1)", limit + 1),
        &many,
    );
    drop(many);

    let n: usize = std::env::var("XUEJI_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let today = xueji_backend::clock::today();
    let mut spec = synth::SynthSpec::new(2026, n, 330106, today);
    spec.hmt_share = 0.0;
    let records = synth::generate(spec).expect("synth");
    let cells: Vec<Vec<String>> = records
        .iter()
        .map(xueji_shared::business::registration::import::record_cells)
        .collect();
    let honest = xlsx::filled(&cells).expect("xlsx");
    drop(cells);
    drop(records);
    measure(&format!("honest template, {n} rows"), &honest);
}
