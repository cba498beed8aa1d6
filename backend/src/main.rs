//! `xueji` — the server binary.
//!
//! `xueji serve` (default) migrates the database and serves the API and the PWA;
//! `xueji migrate` only migrates; `xueji openapi` prints the OpenAPI document; `xueji synth`
//! writes synthetic student records (demo data, benchmarks).

use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use xueji_backend::{app, config::Config, db, demo, state::AppState};

#[derive(Parser)]
#[command(
    name = "xueji",
    version,
    about = "xueji 学籍 — student-status information system"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the API and the app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
    /// Verify the audit log's hash chains; exits 1 when an edited or deleted entry is found.
    AuditVerify,
    /// Write realistic, valid synthetic student records to stdout (jsonl or csv).
    Synth(xueji_backend::synth::SynthArgs),
    /// Write a filled bulk-registration template (.xlsx) of synthetic students, some rows bad.
    ImportSample(ImportSampleArgs),
}

#[derive(clap::Args)]
struct ImportSampleArgs {
    /// Where to write the .xlsx.
    #[arg(long)]
    out: std::path::PathBuf,
    /// Number of data rows.
    #[arg(long, default_value_t = 10)]
    rows: usize,
    /// How many of them are spoiled (wrong ID check character, no name, unknown ethnic group,
    /// a copy of the first row, in turn).
    #[arg(long, default_value_t = 0)]
    bad: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The school's county (GB/T 2260).
    #[arg(long, default_value_t = 330106)]
    county: u32,
    /// Business date the records are valid on (YYYY-MM-DD); default today in China.
    #[arg(long)]
    today: Option<chrono::NaiveDate>,
}

#[tokio::main]
async fn main() {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    init_tracing(&cli.config.log_format);
    if let Err(e) = run(cli).await {
        tracing::error!("{e}");
        eprintln!("xueji: {e}");
        std::process::exit(1);
    }
}

fn init_tracing(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm_migration=warn"));
    // Logs go to stderr: stdout carries data (`synth`, `openapi`) and the listening line.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            let (_, doc) = app::api_parts();
            println!("{}", doc.to_pretty_json()?);
            Ok(())
        }
        Command::Migrate => {
            let conn = db::connect(&config.database_url()).await?;
            db::migrate(&conn).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::AuditVerify => {
            let conn = db::connect(&config.database_url()).await?;
            db::migrate(&conn).await?;
            let mut breaks = xueji_backend::audit::verify(&conn).await?;
            let anchors = xueji_backend::audit_anchor::path_in(&config.data_dir);
            if anchors.exists() {
                breaks.extend(xueji_backend::audit_anchor::verify(&conn, &anchors).await?);
            } else {
                println!(
                    "no audit anchors at {} (the newest entries cannot be checked)",
                    anchors.display()
                );
            }
            if breaks.is_empty() {
                println!("audit log intact");
                Ok(())
            } else {
                for b in &breaks {
                    println!(
                        "province {} entry {}: {}",
                        b.province_code, b.entry_id, b.reason
                    );
                }
                Err(format!("{} break(s) in the audit log", breaks.len()).into())
            }
        }
        Command::Synth(args) => Ok(args.run(xueji_backend::clock::today())?),
        Command::ImportSample(a) => {
            let today = a.today.unwrap_or_else(xueji_backend::clock::today);
            let mut spec = xueji_backend::synth::SynthSpec::new(a.seed, a.rows, a.county, today);
            spec.hmt_share = 0.0;
            let records = xueji_backend::synth::generate(spec)?;
            let rows = xueji_backend::business::registration::import::sample_rows(&records, a.bad);
            let bytes = xueji_backend::business::registration::xlsx::filled(&rows)?;
            std::fs::write(&a.out, bytes)?;
            println!(
                "{} rows ({} bad) written to {}",
                a.rows,
                a.bad.min(a.rows / 2),
                a.out.display()
            );
            Ok(())
        }
        Command::Serve => serve(config).await,
    }
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let url = config.database_url();
    let conn = db::connect(&url).await?;
    db::migrate(&conn).await?;
    let secret = config.resolve_jwt_secret()?;
    let nightly = xueji_backend::business::problems::scan::parse_nightly(&config.nightly_scan)?;
    let state = AppState::new(
        conn,
        &secret,
        config.trust_proxy,
        config.dist_dir.clone(),
        config.data_dir.clone(),
    );
    if config.demo_data && demo::seed_if_empty(&state).await? {
        tracing::info!("demo data seeded (password {})", demo::DEMO_PASSWORD);
        if config.demo_business {
            let c = demo::seed_business(&state).await?;
            tracing::info!(
                students = c.students,
                requests = c.requests,
                overdue = c.overdue,
                problems = c.problems,
                "demo business seeded"
            );
        }
    }
    // Before any backfill below opens steps (which it tallies itself).
    if xueji_backend::engine::tally::backfill(&state.db).await? {
        tracing::info!("open-step tallies filled from the open steps");
    }
    xueji_backend::student::problem_records::backfill_engine(&state.db).await?;
    xueji_backend::business::registration::import::spawn_recovery(state.clone());
    xueji_backend::business::problems::scan::spawn_recovery(state.clone());
    xueji_backend::audit_anchor::spawn(state.clone());
    match nightly {
        Some(at) => {
            xueji_backend::business::problems::scan::spawn_nightly(state.clone(), at);
            tracing::info!(at = %at.format("%H:%M"), "nightly duplicate scan scheduled (China time)");
        }
        None => tracing::info!("nightly duplicate scan disabled (XUEJI_NIGHTLY_SCAN=off)"),
    }
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(
            dist = %config.dist_dir.display(),
            "frontend not built; run `cargo xtask dist` (the API still works)"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = %conn_kind(&url), "xueji listening on http://{addr}");
    // Machine-readable line for scripts and the e2e harness that bind port 0.
    println!("XUEJI_LISTENING http://{addr}");
    axum::serve(
        listener,
        app::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

fn conn_kind(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received, draining connections");
}
