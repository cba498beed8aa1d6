//! The layering invariants of ARCHITECTURE.md, checked on the source: the generic parts (the
//! platform, the student record, the request engine) never import a business, and the known
//! cycles stay broken. A business lives in `backend/src/business/<name>/` and
//! `frontend/src/business/<name>/`; nothing outside those folders (but the wiring: `routes/mod.rs`,
//! `app.rs`, `main.rs`, `demo.rs`, `lib.rs`) may name them.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source lines that are code (not comments), with their file and number.
fn code_lines(root: &Path) -> Vec<(PathBuf, usize, String)> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).expect("read");
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("//") {
                continue;
            }
            out.push((f.clone(), i + 1, line.to_owned()));
        }
    }
    out
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// How the generic code would name a business (all of them live under `crate::business`).
const BUSINESS_PATHS: &[&str] = &["crate::business", "xueji_backend::business"];

/// Files that wire the businesses in (one registration line each).
const WIRING: &[&str] = &["lib.rs", "main.rs", "app.rs", "demo.rs", "routes/mod.rs"];

#[test]
fn nothing_below_the_businesses_imports_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for (file, n, line) in code_lines(&root) {
        let r = rel(&root, &file);
        let is_business = r.starts_with("business/");
        if is_business || WIRING.contains(&r.as_str()) {
            continue;
        }
        for p in BUSINESS_PATHS {
            if line.contains(p) {
                broken.push(format!("{r}:{n} names a business ({p}): {}", line.trim()));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The request engine names no business's rules or wire types either (the businesses' own
/// labels reach it as arguments, e.g. `queue::steps_of`'s `business_label`).
#[test]
fn the_engine_names_no_business_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for (file, n, line) in code_lines(&root.join("engine")) {
        if line.contains("xueji_shared::business") {
            broken.push(format!(
                "engine/{}:{n} names a business's shared rules: {}",
                rel(&root.join("engine"), &file),
                line.trim()
            ));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_broken_cycles_stay_broken() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rules: &[(&str, &str)] = &[
        // The engine is below the student module (which puts problem records on it).
        ("engine/", "crate::student"),
        // auth (tokens, Caller) is below state (which holds the keys); the extractors in
        // extract.rs sit above both.
        ("auth.rs", "crate::state"),
        ("auth.rs", "crate::extract"),
        ("state.rs", "crate::extract"),
        // The password lifecycle does not reach into the accounts routes.
        ("passwords.rs", "crate::routes"),
        // The student record does not reach into any route.
        ("student/", "crate::routes"),
        ("engine/queue.rs", "crate::routes"),
    ];
    let mut broken = Vec::new();
    for (file, n, line) in code_lines(&root) {
        let r = rel(&root, &file);
        for (prefix, forbidden) in rules {
            if r.starts_with(prefix) && line.contains(forbidden) {
                broken.push(format!("{r}:{n} imports {forbidden}: {}", line.trim()));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_shared_crate_keeps_its_cycles_broken() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("src");
    let mut broken = Vec::new();
    for (file, n, line) in code_lines(&root) {
        let r = rel(&root, &file);
        // The field error is below everything; account rules do not import the wire types.
        if (r == "field.rs" && line.contains("use crate::"))
            || (r == "account.rs" && line.contains("crate::api::"))
        {
            broken.push(format!("{r}:{n}: {}", line.trim()));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The shared crate's generic modules (everything at the top of `shared/src`, the record, the
/// codes, the chains, the engine's wire types, …) never import a business's rules
/// (`shared/src/business/<name>/`); `lib.rs` wires them in. A business does not import another.
#[test]
fn the_shared_generic_rules_do_not_import_a_business() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("src");
    let mut broken = Vec::new();
    for (file, n, line) in code_lines(&root) {
        let r = rel(&root, &file);
        if r == "lib.rs" {
            continue;
        }
        match r.strip_prefix("business/") {
            None => {
                // `crate::problem` is the old path kept in lib.rs for the engine.
                if line.contains("crate::business")
                    || line.contains("super::business")
                    || line.contains("crate::problem")
                {
                    broken.push(format!("{r}:{n} names a business: {}", line.trim()));
                }
            }
            Some(inside) => {
                let own = inside.split('/').next().unwrap_or_default();
                for other in business_folders(&root.join("business")) {
                    if other != own && line.contains(&format!("crate::business::{other}")) {
                        broken.push(format!(
                            "{r}:{n} names the business {other}: {}",
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

fn business_folders(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.push(
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    assert!(out.len() >= 2, "shared/src/business/ lists the businesses");
    out
}

#[test]
fn the_engine_pages_do_not_import_business_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("frontend")
        .join("src");
    let mut broken = Vec::new();
    for (file, n, line) in code_lines(&root) {
        let r = rel(&root, &file);
        let generic = r.starts_with("engine/")
            || r.starts_with("components/")
            || r.starts_with("record/")
            || ["api.rs", "auth.rs", "net.rs", "i18n.rs", "modules.rs"].contains(&r.as_str());
        if generic
            && (line.contains("crate::business")
                || line.contains("crate::pages::registration")
                || line.contains("crate::pages::problems")
                || line.contains("crate::pages::problem_detail"))
        {
            broken.push(format!("{r}:{n}: {}", line.trim()));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
