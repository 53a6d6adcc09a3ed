//! The workflow as a user lives it: the real binary in a real terminal (tmux, 100×30), driven
//! by keys and read back from the screen. Skipped, with a printed reason, where tmux is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One tmux server of its own (its own socket), so tests never touch anyone else's sessions.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, cwd: &Path) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let tmux = Tmux {
            socket: format!("pricebench-test-{name}-{}", std::process::id()),
        };
        let ok = tmux
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "100",
                "-y",
                "30",
                "-c",
                cwd.to_str().unwrap(),
                "sh",
            ])
            .status
            .success();
        assert!(ok, "tmux new-session failed");
        tmux.cmd(&["set-option", "-g", "status", "off"]);
        Some(tmux)
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap()
    }

    /// Sends keys (tmux key names, e.g. "Enter", "Tab", or literal text with `-l`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success());
    }

    fn text(&self, text: &str) {
        assert!(
            self.cmd(&["send-keys", "-t", "t", "-l", text])
                .status
                .success()
        );
    }

    fn screen(&self) -> String {
        String::from_utf8(self.cmd(&["capture-pane", "-p", "-t", "t"]).stdout).unwrap()
    }

    /// Waits until every needle is on the screen; panics with the screen after 15 s.
    fn wait_for(&self, needles: &[&str]) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            if started.elapsed() > Duration::from_secs(15) {
                panic!("waited for {needles:?}; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn alternate_screen(&self) -> bool {
        let out = self.cmd(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// Visits every view with the documented keys and checks each shows its numbers, filters a
/// table, opens a shipped scenario, nudges a price, exports the recommendations, quits, and
/// checks the terminal was restored.
fn walk(tmux: &Tmux, dir: &Path, db: &Path, title: &str) {
    copy_scenarios(dir);
    let exe = env!("CARGO_BIN_EXE_pricebench");
    // No workspace file: no --db at all, so the TUI opens the bundled sample.
    match db.exists() {
        true => tmux.text(&format!("'{exe}' --db '{}'; echo EXIT=$?", db.display())),
        false => tmux.text(&format!("'{exe}'; echo EXIT=$?")),
    }
    tmux.keys(&["Enter"]);
    let overview = tmux.wait_for(&[title, "Realization", "Transactions", "Pocket revenue"]);
    assert!(
        tmux.alternate_screen(),
        "the TUI runs on the alternate screen"
    );
    assert!(overview.contains("Segments"), "{overview}");

    tmux.keys(&["2"]);
    tmux.wait_for(&["segments", "segment_id", "rows 1–"]);
    tmux.keys(&["]", "]", "]"]);
    let txns = tmux.wait_for(&["transactions · rows 1–", "txn_id"]);
    assert!(txns.contains("T00000001") || txns.contains("T1 "), "{txns}");
    // Filter the customers table by one id.
    tmux.keys(&["[", "[", "/"]);
    tmux.text("C00007");
    tmux.keys(&["Enter"]);
    let filtered = tmux.wait_for(&["customers · rows 1–1 of 1"]);
    assert!(filtered.contains("C00007"), "{filtered}");

    tmux.keys(&["3"]);
    let elasticity = tmux.wait_for(&[
        "Elasticity · cell · week · pocket",
        "SEG-DIS",
        "P0001",
        "95% CI",
    ]);
    if let Some(e) = first_csv_value(db, &["elasticity", "--format", "csv"], "elasticity") {
        assert!(
            elasticity.contains(&e),
            "elasticity {e} not shown:\n{elasticity}"
        );
    }
    // m switches to the panel model and back; the title and the fit pane name it.
    tmux.keys(&["m"]);
    tmux.wait_for(&[
        "Elasticity · panel · month · pocket",
        "panel · FE ·",
        "within R²",
    ]);
    tmux.keys(&["m"]);
    tmux.wait_for(&["Elasticity · cell · week · pocket", "cell · OLS per week"]);
    tmux.keys(&["4"]);
    let wtp = tmux.wait_for(&["Willingness-to-pay", "Models · * = best AIC", "median"]);
    assert!(wtp.contains("SEG-DIS") && wtp.contains("P0002"), "{wtp}");
    tmux.keys(&["5"]);
    let psm = tmux.wait_for(&["Price sensitivity", "PMC", "acceptable"]);
    if let Some(pmc) = first_csv_value(db, &["psm", "--format", "csv"], "pmc") {
        assert!(psm.contains(&pmc), "PMC {pmc} not shown:\n{psm}");
    }

    tmux.keys(&["6"]);
    let realization = tmux.wait_for(&[
        "Waterfall",
        "list_price",
        "pocket_price",
        "Pocket price band",
    ]);
    // The pocket price per unit the headless command computes is the one on the screen.
    // (The bundled sample is the committed testdata/sample, imported here into a workspace.)
    let pocket = pocket_per_unit(db)
        .or_else(bundled_pocket_per_unit)
        .unwrap();
    assert!(
        realization.contains(&pocket),
        "pocket price {pocket} not shown:\n{realization}"
    );

    tmux.keys(&["0"]);
    let evidence = tmux.wait_for(&[
        "invoice price per unit",
        "list today",
        "WTP median",
        "Disagreements",
    ]);
    if let Some(list) = first_csv_value(db, &["evidence", "--format", "csv"], "value") {
        assert!(
            evidence.contains(&list),
            "list price {list} not shown:\n{evidence}"
        );
    }

    scenario_walk(tmux, dir);

    // Esc never quits; q with the nudged, unsaved scenario asks, Esc stays, d discards.
    tmux.keys(&["Escape"]);
    tmux.wait_for(&["Esc goes back; q quits"]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["has unsaved edits", "s save and quit", "d discard and quit"]);
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(tmux.alternate_screen(), "Esc in the quit question quit");
    tmux.keys(&["q"]);
    tmux.wait_for(&["has unsaved edits"]);
    tmux.keys(&["d"]);
    let after = tmux.wait_for(&["EXIT=0"]);
    assert!(
        !tmux.alternate_screen(),
        "the terminal was not restored:\n{after}"
    );
}

/// A number from the first row of a headless command's CSV, to 2 decimals (None without a
/// workspace file, where the TUI shows the bundled sample).
fn first_csv_value(db: &Path, args: &[&str], column: &str) -> Option<String> {
    if !db.exists() {
        return None;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    let row = reader.records().next().unwrap().unwrap();
    Some(format!("{:.2}", row[col].parse::<f64>().unwrap()))
}

/// The total pocket price per unit from `pricebench waterfall --format csv`, to 2 decimals
/// (None when there is no workspace file: the TUI then shows the bundled sample).
/// [`pocket_per_unit`] of the committed sample, imported into a temporary workspace.
fn bundled_pocket_per_unit() -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample");
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&sample)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    pocket_per_unit(&db)
}

fn pocket_per_unit(db: &Path) -> Option<String> {
    if !db.exists() {
        return None;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(["waterfall", "--format", "csv"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (step, per_unit) = (col("step"), col("per_unit"));
    reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[step] == "pocket_price")
        .map(|r| {
            let v: f64 = r[per_unit].parse().unwrap();
            format!("{v:.2}")
        })
}

#[test]
fn the_tui_walks_through_every_view_on_the_bundled_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("sample", tmp.path()) else {
        return;
    };
    walk(
        &tmux,
        tmp.path(),
        &tmp.path().join("pricebench.db"),
        "sample data",
    );
}

#[test]
fn a_missing_db_is_refused_and_the_help_scrolls_and_closes_with_q() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("help", tmp.path()) else {
        return;
    };
    let exe = env!("CARGO_BIN_EXE_pricebench");
    tmux.text(&format!("'{exe}' --db typo.db; echo EXIT=$?"));
    tmux.keys(&["Enter"]);
    let refused = tmux.wait_for(&["EXIT=1"]);
    assert!(
        refused.contains("workspace 'typo.db' does not exist"),
        "{refused}"
    );
    tmux.text(&format!("'{exe}'; echo EXIT=$?"));
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["sample data", "Pocket revenue"]);
    // A click (SGR mouse report: button 0 at column 13, row 2) on the tab "2 Data".
    tmux.text("\x1b[<0;13;2M\x1b[<0;13;2m");
    tmux.wait_for(&["segments · rows 1–"]);
    tmux.keys(&["8", "?"]);
    tmux.wait_for(&["Scenarios · this view", "raise the cell's list price 1%"]);
    tmux.keys(&["End"]);
    tmux.wait_for(&["Evidence", "compute every method"]);
    tmux.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(tmux.alternate_screen(), "q in the help quit the app");
    tmux.wait_for(&["Pick a scenario"]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["EXIT=0"]);
}

#[test]
fn the_tui_walks_through_every_view_on_an_imported_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("imported", tmp.path()) else {
        return;
    };
    let db = tmp.path().join("ws.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample");
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&sample)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    walk(&tmux, tmp.path(), &db, &db.display().to_string());
}

/// The number the Overview shows beside `label` (`│Transactions      5│` → "5").
fn overview_count(screen: &str, label: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.contains(&format!("│{label} ")))
        .unwrap_or_default();
    let after = line.split(&format!("│{label} ")).nth(1).unwrap_or_default();
    after
        .split('│')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn an_import_by_another_process_shows_a_notice_and_r_reloads() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(tmux) = Tmux::start("concurrent", tmp.path()) else {
        return;
    };
    let exe = env!("CARGO_BIN_EXE_pricebench");
    let db = tmp.path().join("ws.db");
    let dir = support::write_fixture(&tmp.path().join("in"));
    let import = |path: &Path| {
        let out = Command::new(exe)
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    import(&dir);
    tmux.text(&format!("'{exe}' --db '{}'; echo EXIT=$?", db.display()));
    tmux.keys(&["Enter"]);
    let before = tmux.wait_for(&["Transactions", "ready"]);
    assert_eq!(overview_count(&before, "Transactions"), "5", "{before}");
    let more = tmp.path().join("more");
    std::fs::create_dir_all(&more).unwrap();
    std::fs::write(
        more.join("transactions.csv"),
        "txn_id,date,customer_id,product_id,quantity,list_price\nT6,2024-02-02,C1,P1,1,10\nT7,2024-02-03,C2,P2,1,20\n",
    )
    .unwrap();
    import(&more);
    tmux.wait_for(&["the workspace changed on disk — press r to reload"]);
    tmux.keys(&["r"]);
    let after = tmux.wait_for(&["ready"]);
    assert_eq!(overview_count(&after, "Transactions"), "7", "{after}");
    tmux.keys(&["q"]);
    tmux.wait_for(&["EXIT=0"]);
}

/// Copies two shipped scenarios into `dir/scenarios`, where the Scenarios view looks.
fn copy_scenarios(dir: &Path) {
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    for name in ["discount-cleanup.toml", "list-increase.toml"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        std::fs::copy(from, scenarios.join(name)).unwrap();
    }
}

/// Views 8, 9 and 7: opens a shipped scenario, nudges a price and sees the totals move,
/// exports the recommended price table, opens the value map; then checks the CSV.
fn scenario_walk(tmux: &Tmux, dir: &Path) {
    tmux.keys(&["8"]);
    tmux.wait_for(&["discount-cleanup", "list-increase"]);
    tmux.keys(&["n", "Enter"]);
    let loaded = tmux.wait_for(&["List price increase 2026", "· baseline", "TOTAL", "loaded"]);
    tmux.keys(&["+"]);
    let edited = tmux.wait_for(&["List price increase 2026 (edited)"]);
    // The totals block: the segment rows and TOTAL below the "totals" header.
    let total = |screen: &str| {
        let mut lines: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("totals "))
            .collect();
        let end = lines
            .iter()
            .position(|l| l.contains("TOTAL"))
            .map_or(0, |i| i + 1);
        lines.truncate(end);
        lines.join("\n")
    };
    assert_ne!(
        total(&loaded),
        total(&edited),
        "the totals did not move:\n{edited}"
    );
    tmux.keys(&["9"]);
    tmux.wait_for(&[
        "level: product (one list price per product)",
        "price list · 24 products",
        "max_increase",
        "cost of each guardrail",
    ]);
    // The first product's margin curve, and back; then the segment targets, and back.
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[
        "Pocket margin · P0001",
        "list price",
        "today",
        "recommended",
    ]);
    tmux.keys(&["Escape"]);
    tmux.wait_for(&["price list · 24 products"]);
    tmux.keys(&["L"]);
    tmux.wait_for(&[
        "level: segment-product (segment net-price targets)",
        "SEG-DIS",
    ]);
    tmux.keys(&["L"]);
    tmux.wait_for(&["price list · 24 products"]);
    tmux.keys(&["e"]);
    tmux.wait_for(&["export CSV to: exports/list-increase-recommended.csv"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["exported 24 rows"]);
    let exported =
        std::fs::read_to_string(dir.join("exports/list-increase-recommended.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    // The price list: one list price per product, with its evidence.
    assert_eq!(
        header.join(","),
        "product_id,family,segments,segments_with_evidence,current_list_price,recommended_list_price,\
         change_pct,elasticity,volume_change_pct,pocket_margin_change,break_even_volume_pct,\
         prob_margin_gain,confidence,flags,binding_constraint,guardrail_cost,reason"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 24);
    // Whole words only: a reason may say "inside".
    for field in rows.iter().flat_map(|r| r.iter()) {
        let lower = field.to_lowercase();
        assert!(
            lower != "nan" && lower != "inf" && lower != "-inf",
            "{field}"
        );
    }
    let segments = dir.join("exports/list-increase-recommended.segments.csv");
    assert_eq!(
        std::fs::read_to_string(segments).unwrap().lines().count(),
        121
    );
    // The scenario was nudged and not saved: the provenance says so and hashes the edit.
    let meta: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("exports/list-increase-recommended.csv.meta.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["scenario_edited"], true, "{meta}");
    let file = std::fs::read(dir.join("scenarios/list-increase.toml")).unwrap();
    assert_ne!(
        meta["scenario_sha256"],
        pricebench::scenario::sha256_hex(&file)
    );
    tmux.keys(&["7"]);
    tmux.wait_for(&["value map", "cost floor", "cust. net", "customer net"]);
}
