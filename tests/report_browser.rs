//! The HTML report in a real browser: headless Chromium (the Debian package `chromium`, which
//! `.ci/run` installs) loads the report with every host unresolvable, so that anything fetched
//! from elsewhere fails; a probe placed first in the page records every error (a script error,
//! a resource that failed, `console.error`) and, once loaded, each chart's rendered size; the
//! DOM is dumped and read back. The report is printed to PDF. A screenshot is saved to `target/tmp/report-screenshot.png` (and to
//! `docs/report-screenshot.png` with `PRICEBENCH_UPDATE_SCREENSHOT=1`).
//!
//! Without Chromium the test says so and passes, unless `PRICEBENCH_BROWSER_REQUIRED` is set
//! (as `.ci/run` sets it): there a missing browser fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The page's own view of itself, written into the DOM by the probe.
const PROBE: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  var what = e.message || (t && (t.src || t.href || t.outerHTML)) || 'error';
  window.__errors.push(String(what));
}, true);
var __consoleError = console.error;
console.error = function () {
  window.__errors.push(Array.prototype.join.call(arguments, ' '));
  __consoleError.apply(console, arguments);
};
window.addEventListener('load', function () {
  var figures = Array.prototype.map.call(document.querySelectorAll('figure.chart'), function (f) {
    var svg = f.querySelector('svg');
    var r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    var marks = svg ? svg.querySelectorAll('rect, circle, polyline, line').length : 0;
    return { name: f.dataset.chart, width: r.width, height: r.height, marks: marks };
  });
  var out = document.createElement('pre');
  out.id = 'browser-check';
  out.textContent = JSON.stringify({ errors: window.__errors, figures: figures, title: document.title });
  document.body.appendChild(out);
});
</script>"#;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PRICEBENCH_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn browser(bin: &Path, args: &[&str], page: &Path) -> Output {
    let url = format!("file://{}", page.display());
    run(Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .args(args)
        .arg(url))
}

/// The sample imported and its report with a scenario written into `dir`.
fn report(dir: &Path) -> PathBuf {
    let db = dir.join("sample.db");
    let html = dir.join("report.html");
    let pricebench = env!("CARGO_BIN_EXE_pricebench");
    run(Command::new(pricebench)
        .arg("--db")
        .arg(&db)
        .args(["import", "testdata/sample"]));
    run(Command::new(pricebench)
        .arg("--db")
        .arg(&db)
        .args(["report", "bundled:value-based.toml", "--out"])
        .arg(&html));
    html
}

/// The probe's JSON from the dumped DOM.
fn probe_result(dom: &str) -> serde_json::Value {
    let start = dom
        .find("<pre id=\"browser-check\">")
        .expect("the probe did not run: no #browser-check in the DOM");
    let body = &dom[start + "<pre id=\"browser-check\">".len()..];
    let text = &body[..body.find("</pre>").unwrap()];
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_report_loads_in_chromium_without_errors_and_every_chart_has_a_size() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("PRICEBENCH_BROWSER_REQUIRED").is_none(),
            "PRICEBENCH_BROWSER_REQUIRED is set but no chromium was found (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium on PATH (set PRICEBENCH_CHROMIUM or install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path());
    let text = std::fs::read_to_string(&html).unwrap();
    let charts = text.matches("<figure class=\"chart\"").count();
    assert!(charts >= 20, "{charts}");
    let probed = dir.path().join("probed.html");
    std::fs::write(
        &probed,
        text.replacen("<head>", &format!("<head>\n{PROBE}"), 1),
    )
    .unwrap();

    let dom = browser(
        &bin,
        &["--virtual-time-budget=10000", "--dump-dom"],
        &probed,
    );
    let result = probe_result(&String::from_utf8_lossy(&dom.stdout));
    assert_eq!(result["title"], "pricebench report");
    assert_eq!(
        result["errors"],
        serde_json::json!([]),
        "errors in the page"
    );
    let figures = result["figures"].as_array().unwrap();
    assert_eq!(figures.len(), charts);
    for f in figures {
        let (w, h) = (f["width"].as_f64().unwrap(), f["height"].as_f64().unwrap());
        assert!(w > 100.0 && h > 50.0, "chart {} is {w}×{h}", f["name"]);
        assert!(
            f["marks"].as_u64().unwrap() > 5,
            "chart {} draws nothing",
            f["name"]
        );
    }

    // Cargo's own scratch directory for integration tests: it exists wherever the target is.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let arg = format!("--screenshot={}", shot.display());
    browser(&bin, &[&arg, "--window-size=1200,2000"], &html);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        png.len() > 20_000,
        "a blank screenshot? {} bytes",
        png.len()
    );
    // Printed to PDF as a reader would: the print style sheet applies, one page per section.
    let pdf = dir.path().join("report.pdf");
    let arg = format!("--print-to-pdf={}", pdf.display());
    browser(&bin, &[&arg, "--no-pdf-header-footer"], &html);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&bytes);
    let pages = raw.matches("/Type /Page").count() - raw.matches("/Type /Pages").count();
    let sections = text.matches("<section id=").count();
    assert!(bytes.len() > 50_000, "{} bytes", bytes.len());
    assert!(pages >= sections, "{pages} pages for {sections} sections");
    if std::env::var_os("PRICEBENCH_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot, docs.join("report-screenshot.png")).unwrap();
    }
}

#[test]
fn the_probe_reports_an_outside_asset_and_a_script_error() {
    let Some(bin) = chromium() else {
        assert!(std::env::var_os("PRICEBENCH_BROWSER_REQUIRED").is_none());
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    let body = "<!DOCTYPE html><html><head><title>bad</title></head><body>\
                <img src=\"https://assets.example.com/logo.png\">\
                <script>undefined_function();</script></body></html>";
    std::fs::write(
        &page,
        body.replacen("<head>", &format!("<head>\n{PROBE}"), 1),
    )
    .unwrap();
    let dom = browser(&bin, &["--virtual-time-budget=10000", "--dump-dom"], &page);
    let result = probe_result(&String::from_utf8_lossy(&dom.stdout));
    let errors = result["errors"].as_array().unwrap();
    let text = format!("{errors:?}");
    assert!(text.contains("logo.png"), "{text}");
    assert!(text.contains("undefined_function"), "{text}");
}
