//! `cargo xtask dist` — build the installable PWA into `dist/`:
//!
//! 1. compile `xueji-frontend` to wasm32 (rustup's target when installed, otherwise Debian's
//!    `rustc-web` with `-Zbuild-std`, see README),
//! 2. generate the JS glue with wasm-bindgen (as a library, pinned to the crate's version),
//! 3. shrink the wasm with `wasm-opt -Oz` (Debian's binaryen),
//! 4. name every asset by its content hash under `dist/assets/`,
//! 5. write `index.html`, the service worker (with its precache list and version) and the
//!    manifest, copy `public/`, precompress text assets (.br, .gz),
//! 6. print the compressed size of wasm + js + css.
//!
//! Written by hand rather than with Trunk: Trunk would add minutes of `cargo install` to every
//! fresh machine and still not generate the service worker's precache list.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T> = std::result::Result<T, String>;

const CRATE: &str = "xueji-frontend";
const WASM_NAME: &str = "xueji_frontend";
const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist(),
        Some("wasm-check") => wasm_check(),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  dist        build the PWA into dist/\n  wasm-check  build the shared crate for wasm32 (the browser's rules)"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// How to compile for wasm32 on this machine.
enum Toolchain {
    /// rustup's toolchain has the wasm32 target.
    Rustup,
    /// Debian's rustc-web with std built from source and LLVM 22's wasm-ld.
    Debian,
}

fn detect_toolchain() -> Result<Toolchain> {
    match std::env::var("XUEJI_WASM_TOOLCHAIN").as_deref() {
        Ok("rustup") => return Ok(Toolchain::Rustup),
        Ok("debian") => return Ok(Toolchain::Debian),
        _ => {}
    }
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_owned();
    if Path::new(&sysroot)
        .join("lib/rustlib")
        .join(TARGET)
        .join("lib")
        .exists()
    {
        return Ok(Toolchain::Rustup);
    }
    if Path::new("/usr/lib/llvm-22/bin/wasm-ld").exists()
        && Path::new("/usr/lib/rustlib/src/rust").exists()
    {
        return Ok(Toolchain::Debian);
    }
    Err(format!(
        "no wasm32 toolchain: run `rustup target add {TARGET}`, or install Debian's \
         rustc-web rust-web-src lld-22 (scripts/setup.sh does this)"
    ))
}

fn wasm_cargo(tc: &Toolchain, args: &[&str]) -> Result<()> {
    let root = root();
    let (cargo, target_dir) = match tc {
        Toolchain::Rustup => (
            std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
            root.join("target/wasm"),
        ),
        Toolchain::Debian => ("/usr/bin/cargo".to_owned(), root.join("target/wasm-debian")),
    };
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root)
        .args(args)
        .args(["--target", TARGET])
        .env("CARGO_TARGET_DIR", &target_dir);
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        cmd.arg("--locked");
    }
    if let Toolchain::Debian = tc {
        cmd.env("RUSTC_BOOTSTRAP", "1")
            .env("RUSTC", "/usr/bin/rustc")
            .env_remove("RUSTUP_TOOLCHAIN")
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER",
                "/usr/lib/llvm-22/bin/wasm-ld",
            );
    }
    eprintln!("xtask: {cargo} {} --target {TARGET}", args.join(" "));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        return Err(format!("wasm build failed ({status})"));
    }
    Ok(())
}

fn wasm_target_dir(tc: &Toolchain) -> PathBuf {
    match tc {
        Toolchain::Rustup => root().join("target/wasm"),
        Toolchain::Debian => root().join("target/wasm-debian"),
    }
}

fn wasm_check() -> Result<()> {
    let tc = detect_toolchain()?;
    wasm_cargo(&tc, &["build", "-p", "xueji-shared"])
}

fn dist() -> Result<()> {
    let root = root();
    let tc = detect_toolchain()?;
    wasm_cargo(&tc, &["build", "-p", CRATE, "--profile", PROFILE])?;
    let wasm_in = wasm_target_dir(&tc)
        .join(TARGET)
        .join(PROFILE)
        .join(format!("{WASM_NAME}.wasm"));

    // Same variable the server reads; relative paths are taken from the repository root.
    let dist = match std::env::var_os("XUEJI_DIST_DIR") {
        Some(d) if !d.is_empty() => root.join(PathBuf::from(d)),
        _ => root.join("dist"),
    };
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot clean dist/: {e}"))?;
    }
    let assets = dist.join("assets");
    let staging = root.join("target/xtask-bindgen");
    let _ = std::fs::remove_dir_all(&staging);
    mkdir(&assets)?;
    mkdir(&staging)?;

    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm_in)
        .web(true)
        .map_err(|e| format!("wasm-bindgen: {e}"))?
        .typescript(false)
        .generate(&staging)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;

    let bg_wasm = staging.join(format!("{WASM_NAME}_bg.wasm"));
    let optimised = wasm_opt(&bg_wasm)?;

    let wasm_bytes = read(&bg_wasm)?;
    let js_bytes = read(&staging.join(format!("{WASM_NAME}.js")))?;
    let css_bytes = read(&root.join("public/app.css"))?;
    check_css(&String::from_utf8_lossy(&css_bytes)).map_err(|e| format!("public/app.css: {e}"))?;
    let wasm_name = format!("xueji-{}_bg.wasm", short_hash(&wasm_bytes));
    let js_name = format!("xueji-{}.js", short_hash(&js_bytes));
    let css_name = format!("app-{}.css", short_hash(&css_bytes));
    write(&assets.join(&wasm_name), &wasm_bytes)?;
    write(&assets.join(&js_name), &js_bytes)?;
    write(&assets.join(&css_name), &css_bytes)?;

    let boot_template = String::from_utf8_lossy(&read(&root.join("public/boot.js"))?).to_string();
    let boot = boot_template
        .replace("__JS__", &format!("./{js_name}"))
        .replace("__WASM__", &format!("/assets/{wasm_name}"));
    let boot_name = format!("boot-{}.js", short_hash(boot.as_bytes()));
    write(&assets.join(&boot_name), boot.as_bytes())?;

    // Static files of public/ (icons, manifest, …) except the templates handled here.
    let templates = ["index.html", "sw.js", "boot.js", "app.css"];
    let mut static_files = Vec::new();
    copy_public(&root.join("public"), &dist, &templates, &mut static_files)?;

    let index_template =
        String::from_utf8_lossy(&read(&root.join("public/index.html"))?).to_string();
    let index = index_template
        .replace("__CSS__", &format!("/assets/{css_name}"))
        .replace("__BOOT__", &format!("/assets/{boot_name}"))
        .replace("__JS__", &format!("/assets/{js_name}"))
        .replace("__WASM__", &format!("/assets/{wasm_name}"));
    write(&dist.join("index.html"), index.as_bytes())?;

    let mut precache: Vec<String> = vec!["/".into(), "/index.html".into()];
    for name in [&css_name, &boot_name, &js_name, &wasm_name] {
        precache.push(format!("/assets/{name}"));
    }
    static_files.sort();
    precache.extend(static_files);
    let version = short_hash(format!("{index}{}", precache.join("\n")).as_bytes());
    let sw_template = String::from_utf8_lossy(&read(&root.join("public/sw.js"))?).to_string();
    let precache_js = format!(
        "[\n{}\n]",
        precache
            .iter()
            .map(|p| format!("  {p:?}"))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let sw = sw_template
        .replace("__VERSION__", &version)
        .replace("__PRECACHE__", &precache_js);
    write(&dist.join("sw.js"), sw.as_bytes())?;

    precompress_tree(&dist)?;

    let mut total = (0usize, 0usize, 0usize);
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "asset", "raw", "gzip", "brotli"
    );
    for (name, bytes) in [
        (&wasm_name, &wasm_bytes),
        (&js_name, &js_bytes),
        (&css_name, &css_bytes),
    ] {
        let (gz, br) = (gzip(bytes)?.len(), brotli(bytes)?.len());
        println!("{name:<34} {:>10} {gz:>10} {br:>10}", bytes.len());
        total = (total.0 + bytes.len(), total.1 + gz, total.2 + br);
    }
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "total wasm+js+css (bytes)", total.0, total.1, total.2
    );
    println!("dist/ ready (service worker version {version})");
    if optimised {
        check_budget(total.2)?;
    }
    Ok(())
}

/// What a phone downloads on first visit (wasm + js + css, brotli), at most. A dependency that
/// drags in an engine or tables shows here first (the regex engine did: +230 KB); raise the
/// budget in the commit that needs it, saying why. `XUEJI_BUNDLE_BUDGET_KB` overrides it.
const BUNDLE_BUDGET_KB: usize = 700;

fn check_budget(brotli_total: usize) -> Result<()> {
    let budget = std::env::var("XUEJI_BUNDLE_BUDGET_KB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BUNDLE_BUDGET_KB);
    let kb = brotli_total.div_ceil(1024);
    if kb > budget {
        return Err(format!(
            "the bundle is {kb} KB brotli, over its budget of {budget} KB (xtask BUNDLE_BUDGET_KB): \
             find what grew (a new dependency of shared/ or frontend/?) or raise the budget deliberately"
        ));
    }
    println!("bundle {kb} KB brotli, within the budget of {budget} KB");
    Ok(())
}

/// A structural check of the stylesheet, cheap enough for every build and test run: braces
/// balance (outside comments and strings), and no rule starts at the left margin inside a
/// block — the two marks a bad merge leaves (a rule cut off from its body swallows every rule
/// after it, and browsers drop them silently).
fn check_css(css: &str) -> Result<()> {
    let mut depth = 0usize;
    let (mut in_comment, mut quote) = (false, None::<char>);
    for (n, line) in css.lines().enumerate() {
        let n = n + 1;
        let starts_rule = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '}');
        if depth > 0 && !in_comment && quote.is_none() && starts_rule {
            return Err(format!(
                "line {n} starts a rule at the left margin inside a block (a missing `}}` above?)"
            ));
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if in_comment {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    in_comment = false;
                }
            } else if let Some(q) = quote {
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            } else {
                match c {
                    '/' if chars.peek() == Some(&'*') => {
                        chars.next();
                        in_comment = true;
                    }
                    '"' | '\'' => quote = Some(c),
                    '{' => depth += 1,
                    '}' => {
                        depth = depth
                            .checked_sub(1)
                            .ok_or_else(|| format!("line {n}: `}}` without an open block"))?;
                    }
                    _ => {}
                }
            }
        }
    }
    match depth {
        0 => Ok(()),
        d => Err(format!("{d} block(s) not closed at the end")),
    }
}

/// Optimises the wasm in place; `false` when wasm-opt is missing (outside CI).
fn wasm_opt(path: &Path) -> Result<bool> {
    // binaryen from npm (xtask/package.json): Debian's binaryen 108 breaks the externref table
    // that wasm-bindgen emits for reference-types modules.
    let npm_bin = root().join("xtask/node_modules/.bin/wasm-opt");
    if !npm_bin.exists() {
        let msg = "wasm-opt not found: run `npm ci --prefix xtask` (scripts/setup.sh does)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            return Err(msg.into());
        }
        eprintln!("xtask: warning: {msg}; the wasm stays unoptimised");
        return Ok(false);
    }
    let bin = npm_bin.as_os_str();
    let out = path.with_extension("opt.wasm");
    let status = Command::new(bin)
        .args(["-Oz", "--strip-debug", "--strip-producers"])
        .args([
            // Exactly the features rustc enables for wasm32-unknown-unknown by default.
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(path)
        .arg("-o")
        .arg(&out)
        .status()
        .map_err(|e| format!("cannot run wasm-opt: {e}"))?;
    if !status.success() {
        return Err(format!("wasm-opt failed ({status})"));
    }
    std::fs::rename(&out, path).map_err(|e| format!("rename: {e}"))?;
    Ok(true)
}

fn copy_public(src: &Path, dst: &Path, skip: &[&str], urls: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(src).map_err(|e| format!("read {src:?}: {e}"))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            mkdir(&dst.join(&name))?;
            let mut sub = Vec::new();
            copy_public(&path, &dst.join(&name), &[], &mut sub)?;
            urls.extend(sub.into_iter().map(|u| format!("/{name}{u}")));
        } else if !skip.contains(&name.as_str()) {
            std::fs::copy(&path, dst.join(&name)).map_err(|e| format!("copy {path:?}: {e}"))?;
            urls.push(format!("/{name}"));
        }
    }
    Ok(())
}

fn precompress_tree(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            precompress_tree(&path)?;
            continue;
        }
        let compressible = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("js" | "wasm" | "css" | "html" | "webmanifest" | "json" | "svg")
        );
        if compressible {
            let bytes = read(&path)?;
            write(&append_ext(&path, "br"), &brotli(&bytes)?)?;
            write(&append_ext(&path, "gz"), &gzip(&bytes)?)?;
        }
    }
    Ok(())
}

fn append_ext(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))[..16].to_owned()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn mkdir(p: &Path) -> Result<()> {
    std::fs::create_dir_all(p).map_err(|e| format!("mkdir {p:?}: {e}"))
}

fn read(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).map_err(|e| format!("read {p:?}: {e}"))
}

fn write(p: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(p, bytes).map_err(|e| format!("write {p:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::check_css;

    #[test]
    fn the_stylesheet_is_well_formed() {
        let css = std::fs::read_to_string(super::root().join("public/app.css")).expect("app.css");
        check_css(&css).expect("public/app.css");
    }

    #[test]
    fn a_rule_cut_off_from_its_body_is_caught() {
        assert!(check_css(
            ".a {\n  color: red;\n}\n\n@media (min-width: 1px) {\n  .b {\n    top: 0;\n  }\n}\n"
        )
        .is_ok());
        assert!(check_css("/* { */ .a { content: \"}\"; }\n").is_ok());
        let e = check_css(".a {\n.b {\n  color: red;\n}\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(check_css(".a {\n  color: red;\n")
            .unwrap_err()
            .contains("not closed"));
        assert!(check_css("}\n")
            .unwrap_err()
            .contains("without an open block"));
    }
}
