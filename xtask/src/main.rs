//! `cargo xtask serve` and `cargo xtask test`: everything a fresh machine needs, installed
//! only when missing, from the package registries alone.
//!
//! - `serve`: the wasm target, Trunk and wasm-bindgen-cli at pinned versions, then builds
//!   the page and serves it on http://127.0.0.1:8080.
//! - `test`: every test — the native crates (the training session and the page's state
//!   included), checks that the page program links no Burn and the CPU-only worker no
//!   WebGPU, then the page built by Trunk and driven in headless Chromium on WebGPU and on
//!   the CPU. Each step has a time limit;
//!   a failing step does not hide the others, and the closing `xtask: N passed, M failed`
//!   line is printed whatever happens. `cargo xtask test --native-gpu` adds the model on
//!   burn-wgpu through Vulkan (lavapipe when there is no GPU); `--ndarray` adds the model's
//!   tests with burn-ndarray beside flex (the same numbers on both).
//! - `bench`: the benchmarks of BENCHMARKS.md (Burn on each CPU backend natively and in
//!   wasm, PyTorch beside it, whole training runs, and the page in Chromium).

use std::env;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Versions known to build this stack offline (see shared/docs/toolchain.md).
const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` crate version in Cargo.lock, or Trunk tries to download one.
const WASM_BINDGEN_VERSION: &str = "0.2.130";

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// No step of the set-up or of the tests may run longer than this unless it says otherwise:
/// a hung browser or build fails with a message instead of a silent CI time-out.
const STEP_LIMIT: Duration = Duration::from_secs(40 * 60);

/// Kills `child` and everything it started (its own process group) once `limit` has
/// passed, unless the returned flag is set first.
fn watchdog(child: &Child, limit: Duration, what: String) -> Arc<AtomicBool> {
    let done = Arc::new(AtomicBool::new(false));
    let pid = child.id();
    let flag = done.clone();
    thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < limit {
            if flag.load(Ordering::Relaxed) {
                return;
            }
            thread::sleep(Duration::from_millis(500));
        }
        if !flag.load(Ordering::Relaxed) {
            eprintln!(
                "xtask: `{what}` ran past its limit of {} min: stopped",
                limit.as_secs() / 60
            );
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{pid}")])
                .status();
        }
    });
    done
}

/// Starts `command` in its own process group, so its time limit can stop all of it.
fn spawn(command: &mut Command, what: &str) -> Result<Child> {
    command
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))
}

/// Runs `command` in its own process group under `limit`, echoing its output line by line
/// to `on_line` when given one (test runners, whose lines carry the counts).
fn supervise(
    command: &mut Command,
    what: &str,
    limit: Duration,
    mut on_line: Option<&mut dyn FnMut(&str)>,
) -> Result {
    eprintln!("xtask: {what}");
    let started = Instant::now();
    if on_line.is_some() {
        command.stdout(Stdio::piped());
    }
    let mut child = spawn(command, what)?;
    let done = watchdog(&child, limit, what.to_string());
    if let (Some(on_line), Some(stdout)) = (on_line.as_mut(), child.stdout.take()) {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            println!("{line}");
            on_line(&line);
        }
    }
    let status = child.wait().map_err(|e| e.to_string());
    done.store(true, Ordering::Relaxed);
    let status = status?;
    if status.success() {
        Ok(())
    } else if started.elapsed() >= limit {
        Err(format!(
            "`{what}` ran past its limit of {} min",
            limit.as_secs() / 60
        ))
    } else {
        Err(format!("`{what}` failed ({status})"))
    }
}

fn run(program: &str, args: &[&str], dir: &Path) -> Result {
    run_with_env(program, args, dir, &[])
}

/// As [`run`], with these environment variables set for the program.
fn run_with_env(program: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Result {
    let what = format!("{program} {}", args.join(" "));
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied());
    supervise(&mut command, &what, STEP_LIMIT, None)
}

/// Runs a test command under `limit`, echoing its output; `count` reads the lines that
/// carry results.
fn run_counting(
    command: &mut Command,
    what: &str,
    limit: Duration,
    mut count: impl FnMut(&str),
) -> Result {
    supervise(command, what, limit, Some(&mut count))
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ensure_wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
        &root(),
    )
}

/// Installs a cargo tool unless `binary --version` already reports `version`.
fn ensure_cargo_tool(binary: &str, krate: &str, version: &str, locked: bool) -> Result {
    let reported = output(binary, &["--version"]).unwrap_or_default();
    if reported.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing {krate} {version} (once per machine; this takes a while on 2 cores)"
    );
    let mut args = vec!["install", krate, "--version", version];
    if locked {
        args.push("--locked");
    }
    // The tools' own release profiles ask for LTO and one codegen unit: on 2 cores that is
    // most of their install time, and it buys nothing measurable for a tool that runs a few
    // seconds per build. Profile settings from the environment take precedence.
    let mut command = Command::new("cargo");
    command
        .args(&args)
        .current_dir(root())
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "2")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
    supervise(
        &mut command,
        &format!("cargo {}", args.join(" ")),
        STEP_LIMIT,
        None,
    )
}

/// The page's toolchain. wasm-bindgen-cli is installed without `--locked`: its lockfile
/// pins a crate version the registry no longer serves.
fn ensure_page_tools() -> Result {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        WASM_BINDGEN_VERSION,
        false,
    )
}

/// Builds the page into dist/ with the release profile (parallel codegen, no LTO: minutes,
/// not half an hour, on 2 cores). Crates are fetched first: Trunk builds offline.
fn build_page() -> Result {
    ensure_page_tools()?;
    run("cargo", &["fetch"], &root())?;
    run("trunk", &["build", "--release"], &root())
}

/// What a learner downloads, gzip -9, against the layout issue's goals (BENCHMARKS.md): the
/// page program once passed its goal unnoticed. Said, not failed on: a compiler update moves
/// these sizes by a percent or so, and the benchmark is where they are measured.
fn report_sizes() {
    let gzipped = |file: &str| -> Option<f64> {
        let path = root().join("dist").join(file);
        if !path.is_file() {
            return None;
        }
        let out = output(
            "sh",
            &["-c", &format!("gzip -9 -c '{}' | wc -c", path.display())],
        )?;
        let bytes = out.trim().parse::<f64>().ok().filter(|&b| b > 0.0)?;
        Some(bytes / 1e6)
    };
    let (Some(page), Some(cpu), Some(gpu)) = (
        gzipped("app_bg.wasm"),
        gzipped("worker_bg.wasm"),
        gzipped("worker_gpu_bg.wasm"),
    ) else {
        eprintln!("xtask: the programs' sizes could not be read (gzip, dist/)");
        return;
    };
    let against = |size: f64, goal: f64| {
        let verdict = if size <= goal { "within" } else { "OVER" };
        format!("{size:.3} MB ({verdict} the goal, {goal} MB)")
    };
    eprintln!(
        "xtask: downloaded, gzip -9: the page {}; with the CPU program {}; with the WebGPU \
         program {}",
        against(page, 0.8),
        against(page + cpu, 3.5),
        against(page + gpu, 3.5),
    );
}

/// Debian's Chromium and Node.js for the browser tests, installed when missing. Debian
/// bookworm's Node.js is 18: tests/package.json pins playwright-core 1.61, the last release
/// that runs on it.
fn ensure_browser() -> Result {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if output("node", &["--version"]).is_none() || output("npm", &["--version"]).is_none() {
        missing.extend(["nodejs", "npm"]);
    }
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!(
        "xtask: installing {} for the browser tests",
        missing.join(", ")
    );
    run("apt-get", &["update"], &root())?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(missing);
    run("apt-get", &args, &root())
}

/// The browser tests in tests/ (playwright-core from npm, driving /usr/bin/chromium), on
/// WebGPU and on the CPU; adds their "browser: N passed, M failed" line to the totals.
fn browser_tests(totals: &mut Totals) -> Result {
    ensure_browser()?;
    let tests = root().join("tests");
    run("npm", &["ci", "--no-audit", "--no-fund"], &tests)?;
    let mut counted = false;
    let result = run_counting(
        Command::new("node")
            .arg("browser/page.test.mjs")
            .current_dir(&tests),
        "node browser/page.test.mjs",
        Duration::from_secs(25 * 60),
        |line| {
            if let Some(rest) = line.strip_prefix("browser: ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                if let [passed, "passed,", failed, "failed"] = words[..] {
                    totals.passed += passed.parse::<usize>().unwrap_or(0);
                    totals.failed += failed.parse::<usize>().unwrap_or(1);
                    counted = true;
                }
            }
        },
    );
    if !counted {
        // The run ended before it could count: that is a failure of its own.
        totals.failed += 1;
    }
    result
}

fn serve() -> Result {
    ensure_page_tools()?;
    run("cargo", &["fetch"], &root())?;
    eprintln!("xtask: the page will be at http://127.0.0.1:8080 once built");
    run(
        "trunk",
        &[
            "serve",
            "--release",
            "--address",
            "127.0.0.1",
            "--port",
            "8080",
        ],
        &root(),
    )
}

/// Tests passed and failed, over every step.
#[derive(Default)]
struct Totals {
    passed: usize,
    failed: usize,
}

/// Runs `cargo test`, echoing its output, and adds up its "test result" lines.
fn cargo_test(args: &[&str], totals: &mut Totals) -> Result {
    let mut command = Command::new("cargo");
    command.args(args).current_dir(root());
    run_counting(
        &mut command,
        &format!("cargo {}", args.join(" ")),
        STEP_LIMIT,
        |line| {
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| {
                    rest.split(';')
                        .find_map(|part| {
                            part.trim()
                                .strip_suffix(word)?
                                .trim()
                                .rsplit(' ')
                                .next()?
                                .parse::<usize>()
                                .ok()
                        })
                        .unwrap_or(0)
                };
                totals.passed += count("passed");
                totals.failed += count("failed");
            }
        },
    )
}

/// Crates that must never be linked into the page program: Burn and its GPU stack. The
/// page renders what the worker reports; it trains nothing.
const NOT_IN_THE_PAGE: [&str; 5] = ["burn*", "cubecl*", "wgpu*", "naga*", "pliron*"];

/// Crates that must never be linked into the CPU-only worker program: the WebGPU stack, three
/// quarters of the other program's code (the page loads that one only for WebGPU). Burn's
/// CPU crates use three small `cubecl-` helper crates (common, environment, zspace), which
/// stay allowed.
const NOT_IN_THE_CPU_WORKER: [&str; 10] = [
    "burn-wgpu",
    "burn-cubecl",
    "cubecl",
    "cubecl-core",
    "cubecl-runtime",
    "cubecl-wgpu",
    "cubek*",
    "wgpu*",
    "naga*",
    "pliron*",
];

/// Whether a crate's name is `pattern`, or of its family for `name*` (`name` and `name-…`).
fn is_banned(name: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => name == stem || name.starts_with(&format!("{stem}-")),
        None => name == pattern,
    }
}

/// Fails when `package`'s dependency tree for the browser (default features) holds any crate
/// `banned` names (see [`is_banned`]); counts as one test.
fn links_none_of(package: &str, banned: &[&str], totals: &mut Totals) -> Result {
    let tree = Command::new("cargo")
        .args([
            "tree",
            "--package",
            package,
            "--target",
            "wasm32-unknown-unknown",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot start cargo tree: {e}"))?;
    if !tree.status.success() {
        totals.failed += 1;
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&tree.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&tree.stdout);
    let mut found: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| banned.iter().any(|pattern| is_banned(name, pattern)))
        .collect();
    found.sort();
    found.dedup();
    if found.is_empty() {
        println!(
            "xtask: the {package} program links none of {}: ok",
            banned.join(", ")
        );
        totals.passed += 1;
        Ok(())
    } else {
        totals.failed += 1;
        Err(format!("the {package} program links {}", found.join(", ")))
    }
}

/// A Vulkan driver for the native GPU test: Mesa's software one (lavapipe) where the
/// machine has no GPU. Installed from Debian's packages when missing.
fn ensure_vulkan() -> Result {
    let icds = Path::new("/usr/share/vulkan/icd.d");
    let has_driver = std::fs::read_dir(icds)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".json"))
        })
        .unwrap_or(false);
    if env::var_os("XDG_RUNTIME_DIR").is_none() {
        // Vulkan loaders complain without one; any private folder will do.
        let dir = env::temp_dir().join("vitp-xdg-runtime");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        env::set_var("XDG_RUNTIME_DIR", dir);
    }
    if has_driver {
        return Ok(());
    }
    eprintln!("xtask: installing Mesa's Vulkan drivers (lavapipe) for the GPU-path test");
    run("apt-get", &["update"], &root())?;
    run(
        "apt-get",
        &["install", "-y", "mesa-vulkan-drivers"],
        &root(),
    )
}

/// Every test. Each step runs even when an earlier one failed (except where it needs what
/// failed), and the closing line counts them all.
fn test(native_gpu: bool, ndarray: bool) -> Result {
    let start = Instant::now();
    let mut totals = Totals::default();
    let mut failures = Vec::new();
    let mut note = |step: Result| {
        if let Err(message) = step {
            eprintln!("xtask: {message}");
            failures.push(message);
        }
    };
    // One build of the workspace's native crates, shared by every test binary.
    let native = cargo_test(
        &[
            "test",
            "--workspace",
            "--exclude",
            "xtask",
            // wasm32 only: timed by `cargo xtask bench`, nothing to test natively.
            "--exclude",
            "wasm-bench",
            "--all-targets",
            "--no-fail-fast",
        ],
        &mut totals,
    );
    if native.is_err() && totals.failed == 0 {
        totals.failed += 1; // a build error runs no test
    }
    note(native);
    if ndarray {
        let compared = cargo_test(
            &["test", "--package", "model", "--features", "model/ndarray"],
            &mut totals,
        );
        if compared.is_err() && totals.failed == 0 {
            totals.failed += 1;
        }
        note(compared);
    }
    if native_gpu {
        let gpu = ensure_vulkan().and_then(|()| {
            cargo_test(
                &[
                    "test",
                    "--package",
                    "model",
                    "--features",
                    "model/wgpu",
                    "--test",
                    "wgpu",
                ],
                &mut totals,
            )
        });
        if gpu.is_err() && totals.failed == 0 {
            totals.failed += 1;
        }
        note(gpu);
    }
    // Burn stays in the worker; WebGPU in the worker program that needs it.
    note(links_none_of("app", &NOT_IN_THE_PAGE, &mut totals));
    note(links_none_of("worker", &NOT_IN_THE_CPU_WORKER, &mut totals));
    // The page and the worker built by Trunk, then Chromium drives them on WebGPU and on the
    // CPU.
    match build_page() {
        Ok(()) => {
            report_sizes();
            note(browser_tests(&mut totals))
        }
        Err(message) => {
            totals.failed += 1;
            note(Err(message));
        }
    }
    eprintln!(
        "xtask: every step ran in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    // The closing line CI reads.
    println!("xtask: {} passed, {} failed", totals.passed, totals.failed);
    if failures.is_empty() && totals.failed == 0 {
        Ok(())
    } else {
        Err(format!("{} step(s) failed", failures.len().max(1)))
    }
}

fn bench() -> Result {
    let root = root();
    run(
        "cargo",
        &[
            "build",
            "--release",
            "--package",
            "vitp",
            "--features",
            "ndarray",
        ],
        &root,
    )?;
    if output("python3", &["-c", "import torch"]).is_none() {
        return Err(
            "PyTorch is not installed: `pip install torch` for the side-by-side figure".into(),
        );
    }
    // Burn and PyTorch side by side, at one thread and then at one per core (each
    // framework's default), so that each ratio comes from the same minutes.
    let one_thread = [("RAYON_NUM_THREADS", "1")];
    for threads in [Some("1"), None] {
        let env: &[(&str, &str)] = if threads.is_some() { &one_thread } else { &[] };
        let mut burn = vec!["bench", "--presets", "tiny,small", "--backends"];
        // ndarray and the breakdown once, at one thread: the table at the top of BENCHMARKS.md.
        burn.extend(match threads {
            Some(_) => ["flex,ndarray", "--breakdown"].as_slice(),
            None => ["flex"].as_slice(),
        });
        run_with_env("target/release/vitp", &burn, &root, env)?;
        if threads.is_none() {
            // And the batch split between the cores, as the page splits it between workers.
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let cores = cores.to_string();
            run(
                "target/release/vitp",
                &[&burn[..], &["--shares", &cores]].concat(),
                &root,
            )?;
        }
        let mut torch = vec!["bench/pytorch_vit.py", "bench", "--presets", "tiny,small"];
        if let Some(threads) = threads {
            torch.extend(["--threads", threads]);
        }
        run("python3", &torch, &root)?;
    }
    wasm_bench(&root)?;
    train_bench(&root)?;
    page_bench(&root)
}

/// The page in headless Chromium: load → first update, ms per update on each backend, and
/// the wasm sizes (tests/browser/page.bench.mjs).
fn page_bench(root: &Path) -> Result {
    build_page()?;
    ensure_browser()?;
    let tests = root.join("tests");
    run("npm", &["ci", "--no-audit", "--no-fund"], &tests)?;
    run("node", &["browser/page.bench.mjs"], &tests)
}

/// The train step compiled to wasm32 as the page runs it, timed in Node.js (V8, Chromium's
/// engine), on each CPU backend: which one the page should default to.
fn wasm_bench(root: &Path) -> Result {
    ensure_wasm_target()?;
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        WASM_BINDGEN_VERSION,
        false,
    )?;
    run(
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--package",
            "wasm-bench",
        ],
        root,
    )?;
    run(
        "wasm-bindgen",
        &[
            "--target",
            "nodejs",
            "--out-dir",
            "target/wasm-bench",
            "target/wasm32-unknown-unknown/release/wasm_bench.wasm",
        ],
        root,
    )?;
    run("node", &["bench/wasm/run.mjs", "target/wasm-bench"], root)
}

/// Validation accuracy and wall time of whole training runs: the synthetic faces, and ORL
/// where the shared copy is present (it is never part of the repository).
fn train_bench(root: &Path) -> Result {
    let vitp = "target/release/vitp";
    let mut sets = vec!["synthetic".to_string()];
    let orl = root.join("../shared/data/orl_faces");
    if orl.join("s1").is_dir() {
        let pack = root.join("target/orl.pack");
        let (orl, pack) = (
            orl.to_string_lossy().into_owned(),
            pack.to_string_lossy().into_owned(),
        );
        run(
            vitp,
            &["faces", "import", &orl, "--size", "32", "--out", &pack],
            root,
        )?;
        sets.push(pack);
    } else {
        eprintln!("xtask: ../shared/data/orl_faces is absent: the ORL runs are skipped");
    }
    for data in &sets {
        for preset in ["tiny", "small"] {
            let args = [
                "train", "--data", data, "--preset", preset, "--epochs", "60", "--flip", "--shift",
                "2", "--json",
            ];
            run(vitp, &args, root)?;
        }
    }
    Ok(())
}

/// The trained model the page offers ("Start from a trained model"): `small` on the built-in
/// faces with the page's own settings (seed 0, Adam at 0.001, batch 32, shifts of up to
/// 2 pixels), trained natively for [`TRAINED_EPOCHS`] epochs by `vitp` (the dev profile the
/// tests build, its numeric crates at opt-level 3). Run twice on one machine it gives the
/// same bytes: `--check` trains it again and compares it with the committed file.
const TRAINED_MODEL: &str = "assets/trained-small.vitp";
const TRAINED_EPOCHS: &str = "150";

fn assets(check: bool) -> Result {
    let root = root();
    run("cargo", &["build", "--bin", "vitp"], &root)?;
    let target = if check {
        env::temp_dir().join("vitp-trained-check.vitp")
    } else {
        root.join(TRAINED_MODEL)
    };
    let target_text = target.to_string_lossy().into_owned();
    run(
        "target/debug/vitp",
        &[
            "train",
            "--preset",
            "small",
            "--seed",
            "0",
            "--optimizer",
            "adam",
            "--lr",
            "0.001",
            "--batch",
            "32",
            "--shift",
            "2",
            "--data",
            "synthetic",
            "--epochs",
            TRAINED_EPOCHS,
            "--save",
            &target_text,
        ],
        &root,
    )?;
    run("target/debug/vitp", &["info", &target_text], &root)?;
    if check {
        let made = std::fs::read(&target).map_err(|e| e.to_string())?;
        let kept = std::fs::read(root.join(TRAINED_MODEL)).map_err(|e| e.to_string())?;
        if made != kept {
            return Err(format!(
                "{TRAINED_MODEL} is not what `cargo xtask assets` makes here (rebuild it, or see BENCHMARKS.md: another kind of CPU may round differently)"
            ));
        }
        eprintln!("xtask: {TRAINED_MODEL} reproduced bit for bit");
    }
    Ok(())
}

fn main() -> ExitCode {
    let task = env::args().nth(1);
    let result = match task.as_deref() {
        Some("serve") => serve(),
        Some("test") => test(
            env::args().any(|a| a == "--native-gpu"),
            env::args().any(|a| a == "--ndarray"),
        ),
        Some("bench") => bench(),
        Some("assets") => assets(env::args().any(|a| a == "--check")),
        _ => Err(
            "usage: cargo xtask <serve|test [--native-gpu] [--ndarray]|bench|assets [--check]>"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
