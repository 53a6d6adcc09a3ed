//! `pricebench report` run as a binary on the bundled sample: the HTML file's structure, its
//! tables against the commands' CSV, and the marks of each chart's SVG against the data (bars
//! per waterfall step, points per elasticity cell, one polyline per Van Westendorp curve, one
//! band and one median per product).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use plotters::style::RGBColor;
use pricebench::chart::colour;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use support::assert_close;

/// The bundled sample imported once, and the report of `bundled:value-based.toml` on it.
fn fixture() -> &'static (tempfile::TempDir, PathBuf, String) {
    static FIXTURE: OnceLock<(tempfile::TempDir, PathBuf, String)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sample.db");
        let out = pricebench(&db, &["import", "testdata/sample"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = dir.path().join("report.html");
        let out = pricebench(
            &db,
            &[
                "report",
                "bundled:value-based.toml",
                "--out",
                html.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(said.starts_with("wrote the report to "), "{said}");
        assert!(said.contains("(27 charts, "), "{said}");
        let text = std::fs::read_to_string(&html).unwrap();
        (dir, db, text)
    })
}

fn db() -> &'static Path {
    &fixture().1
}

fn html() -> &'static str {
    &fixture().2
}

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// The CLI's CSV as maps from column to field.
fn csv_of(args: &[&str]) -> Vec<HashMap<String, String>> {
    let out = pricebench(db(), args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The SVG of the chart named `name`.
fn chart(name: &str) -> &'static str {
    let start = format!("data-chart=\"{name}\">");
    let at = html()
        .find(&start)
        .unwrap_or_else(|| panic!("no chart '{name}'"))
        + start.len();
    let end = html()[at..].find("</figure>").unwrap();
    &html()[at..at + end]
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Elements `<tag ...>` of `svg` whose attributes name the colour `c`.
fn marks(svg: &str, tag: &str, c: RGBColor) -> usize {
    let hex = hex(c);
    svg.split('<')
        .filter(|el| el.starts_with(&format!("{tag} ")) && el.contains(&hex))
        .count()
}

/// The texts of an SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .map(|el| {
            let body = &el[el.find('>').unwrap() + 1..];
            body[..body.find("</text>").unwrap()].trim().to_string()
        })
        .collect()
}

/// The rows of the HTML table with this caption, as text cells.
fn table(caption: &str) -> Vec<Vec<String>> {
    let start = format!("<caption>{caption}</caption>");
    let at = html()
        .find(&start)
        .unwrap_or_else(|| panic!("no table '{caption}'"));
    let end = at + html()[at..].find("</table>").unwrap();
    html()[at..end]
        .split("<tr>")
        .skip(2)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|td| {
                    let body = &td[td.find('>').unwrap() + 1..];
                    body[..body.find("</td>").unwrap()].to_string()
                })
                .collect()
        })
        .collect()
}

fn number(text: &str) -> f64 {
    text.replace(',', "").parse().unwrap()
}

#[test]
fn the_report_is_one_self_contained_file_with_every_section() {
    let h = html();
    assert!(h.starts_with("<!DOCTYPE html>"));
    for id in [
        "overview",
        "waterfall",
        "bands",
        "elasticity",
        "wtp",
        "psm",
        "value",
        "scenario",
        "provenance",
    ] {
        assert!(h.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // Nothing loaded from elsewhere, nothing run.
    for outside in ["<script", "<link", "<img", "src=", "url(", "@import"] {
        assert!(!h.contains(outside), "{outside}");
    }
    assert!(h.contains("@media print"));
    assert!(!h.contains("NaN"));
    assert!(
        !h.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "inf" || w == "Infinity")
    );
}

#[test]
fn every_waterfall_step_is_one_bar_and_the_bars_name_the_steps() {
    let total = csv_of(&["waterfall", "--format", "csv"]);
    let svg = chart("waterfall-total");
    let bars = marks(svg, "rect", colour::LEVEL) + marks(svg, "rect", colour::LEAK);
    assert_eq!(bars, total.len());
    let levels = total
        .iter()
        .filter(|r| ["list", "invoice", "pocket"].contains(&r["kind"].as_str()));
    assert_eq!(marks(svg, "rect", colour::LEVEL), levels.count());
    let labels = texts(svg);
    for step in &total {
        assert!(labels.contains(&step["step"]), "{}", step["step"]);
        let per_unit: f64 = step["per_unit"].parse().unwrap();
        let shown = pricebench::report::fmt_num(per_unit, 2);
        assert!(labels.contains(&shown), "{shown}");
    }
    let by_segment = csv_of(&["waterfall", "--by", "segment", "--format", "csv"]);
    for segment in ["SEG-DIS", "SEG-ENT", "SEG-MID", "SEG-PUB", "SEG-SMB"] {
        let svg = chart(&format!("waterfall-{segment}"));
        let steps = by_segment
            .iter()
            .filter(|r| r["segment_id"] == segment)
            .count();
        assert_eq!(steps, total.len());
        let bars = marks(svg, "rect", colour::LEVEL) + marks(svg, "rect", colour::LEAK);
        assert_eq!(bars, steps, "{segment}");
    }
}

#[test]
fn each_charted_band_has_one_bar_one_median_and_the_band_commands_percentiles() {
    let cli = csv_of(&["band", "--by", "segment-product", "--format", "csv"]);
    let guidance = csv_of(&["guidance", "--format", "csv"]);
    let rows = table("Bands and corridors of the charted products");
    for segment in ["SEG-DIS", "SEG-ENT", "SEG-MID", "SEG-PUB", "SEG-SMB"] {
        let shown: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == segment).collect();
        let cells = cli.iter().filter(|r| r["segment_id"] == segment).count();
        assert_eq!(
            shown.len(),
            cells.min(pricebench::commands::report::BAND_PRODUCTS)
        );
        let svg = chart(&format!("band-{segment}"));
        assert_eq!(marks(svg, "rect", colour::BAND), shown.len(), "{segment}");
        assert_eq!(
            marks(svg, "circle", colour::MEDIAN),
            shown.len(),
            "{segment}"
        );
        let with_corridor = shown.iter().filter(|r| !r[8].is_empty()).count();
        assert!(with_corridor > 0);
        assert_eq!(marks(svg, "rect", colour::CORRIDOR), with_corridor);
        for r in shown {
            let band = cli
                .iter()
                .find(|c| c["segment_id"] == segment && c["product_id"] == r[1])
                .unwrap();
            for (col, i) in [("p10", 4), ("p50", 5), ("p90", 6)] {
                assert_close(number(&r[i]), band[col].parse().unwrap(), 1e-9);
            }
            let g = guidance
                .iter()
                .find(|g| g["segment_id"] == segment && g["product_id"] == r[1])
                .unwrap();
            assert_close(number(&r[8]), g["pocket_floor_pct"].parse().unwrap(), 1e-3);
            assert_close(
                number(&r[10]),
                g["pocket_stretch_pct"].parse().unwrap(),
                1e-3,
            );
        }
    }
}

#[test]
fn the_elasticity_forest_has_one_point_per_cell_with_an_estimate() {
    let cli = csv_of(&["elasticity", "--model", "panel", "--format", "csv"]);
    let rows = table("Elasticity of the charted cells");
    let mut charted = 0;
    for segment in ["SEG-DIS", "SEG-ENT", "SEG-MID", "SEG-PUB", "SEG-SMB"] {
        let shown: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == segment).collect();
        let cells = cli.iter().filter(|r| r["segment_id"] == segment).count();
        assert_eq!(
            shown.len(),
            cells.min(pricebench::commands::report::FOREST_CELLS)
        );
        let estimates: Vec<&&Vec<String>> = shown.iter().filter(|r| !r[3].is_empty()).collect();
        let svg = chart(&format!("elasticity-{segment}"));
        assert_eq!(
            marks(svg, "circle", colour::ESTIMATE),
            estimates.len(),
            "{segment}"
        );
        let with_interval = estimates.iter().filter(|r| !r[5].is_empty()).count();
        assert_eq!(marks(svg, "polyline", colour::INTERVAL), with_interval);
        let labels = texts(svg);
        for r in estimates {
            assert!(labels.contains(&r[1]), "{}", r[1]);
            let c = cli
                .iter()
                .find(|c| c["segment_id"] == segment && c["product_id"] == r[1])
                .unwrap();
            assert_close(number(&r[3]), c["elasticity"].parse().unwrap(), 1e-9);
            charted += 1;
        }
    }
    assert!(charted >= 50, "{charted}");
}

#[test]
fn each_van_westendorp_chart_draws_its_four_curves_once_and_its_price_points() {
    let cli = csv_of(&["psm", "--format", "csv"]);
    let rows = table("Van Westendorp points of the charted cells");
    let names: Vec<&str> = html()
        .split("data-chart=\"psm-")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(names.len(), pricebench::commands::report::CURVE_CELLS);
    for name in names {
        let svg = chart(&format!("psm-{name}"));
        for c in colour::PSM {
            assert_eq!(marks(svg, "polyline", c), 1, "{name}");
        }
        let (segment, product) = name.split_at(name.rfind('-').unwrap());
        let product = &product[1..];
        let row = cli
            .iter()
            .find(|r| r["segment_id"] == segment && r["product_id"] == product)
            .unwrap();
        let points = ["pmc", "opp", "ipp", "pme"]
            .iter()
            .filter(|p| !row[**p].is_empty());
        assert_eq!(marks(svg, "polyline", colour::PSM_POINT), points.count());
        assert!(rows.iter().any(|r| r[0] == segment && r[1] == product));
    }
}

#[test]
fn each_win_rate_chart_draws_its_bins_and_the_best_model() {
    let cli = csv_of(&["wtp", "--format", "csv"]);
    let names: Vec<&str> = html()
        .split("data-chart=\"wtp-")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(names.len(), pricebench::commands::report::CURVE_CELLS);
    for name in names {
        let svg = chart(&format!("wtp-{name}"));
        let bins = marks(svg, "circle", colour::OBSERVED);
        assert!((2..=10).contains(&bins), "{name}: {bins}");
        assert_eq!(marks(svg, "polyline", colour::FITTED), 1, "{name}");
        let (segment, product) = name.split_at(name.rfind('-').unwrap());
        let best = cli
            .iter()
            .find(|r| {
                r["segment_id"] == segment && r["product_id"] == product[1..] && r["best"] == "1"
            })
            .unwrap();
        assert!(
            texts(svg).iter().any(|t| t.ends_with(&best["model"])),
            "{name}"
        );
    }
}

#[test]
fn the_value_ladder_has_a_bar_per_known_amount_of_each_cell_with_drivers() {
    let cli = csv_of(&["value", "bundled:value-based.toml", "--format", "csv"]);
    let with_value: Vec<_> = cli
        .iter()
        .filter(|r| !r["economic_value"].is_empty())
        .collect();
    assert!(!with_value.is_empty());
    let svg = chart("value-ladder");
    let known = |col: &str| with_value.iter().filter(|r| !r[col].is_empty()).count();
    assert_eq!(marks(svg, "rect", colour::LADDER[0]), known("unit_cost"));
    assert_eq!(marks(svg, "rect", colour::LADDER[3]), known("wtp_median"));
    assert_eq!(marks(svg, "rect", colour::LADDER[4]), with_value.len());
}

#[test]
fn the_scenario_tables_and_provenance_are_the_commands_own() {
    let totals = csv_of(&[
        "scenario",
        "bundled:value-based.toml",
        "--rows",
        "totals",
        "--format",
        "csv",
    ]);
    let shown = table("Scenario totals per segment and overall");
    assert_eq!(shown.len(), totals.len());
    let last = shown.last().unwrap();
    assert_eq!(last[0], "total");
    let total = totals.last().unwrap();
    assert_close(
        number(&last[17]),
        total["margin_after"].parse().unwrap(),
        1e-9,
    );
    let recs = csv_of(&["recommend", "bundled:value-based.toml", "--format", "csv"]);
    let shown = table("Recommended list prices");
    assert_eq!(shown.len(), recs.len());
    let out = pricebench(
        db(),
        &["recommend", "bundled:value-based.toml", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sha = json["provenance"]["scenario_sha256"].as_str().unwrap();
    assert!(html().contains(&format!("<dd>{sha}</dd>")), "{sha}");
    let stamp = json["provenance"]["data_stamp"].as_str().unwrap();
    assert!(html().contains(&format!("<dd>{stamp}</dd>")));
    assert!(html().contains(&format!("<dd>{}</dd>", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn without_a_scenario_the_report_says_what_the_value_map_needs() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("plain.html");
    let out = pricebench(
        db(),
        &[
            "report",
            "--out",
            out_path.to_str().unwrap(),
            "--from",
            "2025-01-01",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(!text.contains("<section id=\"scenario\">"));
    assert!(text.contains("The value map needs a scenario with value drivers"));
    assert!(text.contains("realization period 2025-01-01 to 2025-12-28"));
    // The period reaches the waterfall: the same numbers as the command over the same dates.
    let cli = csv_of(&["waterfall", "--from", "2025-01-01", "--format", "csv"]);
    let pocket = cli.iter().find(|r| r["step"] == "pocket_price").unwrap();
    let shown = pricebench::report::fmt_num(pocket["per_unit"].parse().unwrap(), 2);
    assert!(text.contains(&shown));
    // An existing file is kept unless --force.
    let again = pricebench(db(), &["report", "--out", out_path.to_str().unwrap()]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("exists; pass --force to overwrite it"),
        "{err}"
    );
}

#[test]
fn each_value_map_draws_one_dot_per_offer_the_references_ringed_and_the_line() {
    let rows = table("Value map: every offer and its distance from the line");
    let mut groups: Vec<(String, String)> =
        rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    groups.dedup();
    assert_eq!(groups.len(), 4, "{groups:?}");
    let charts = html().matches("data-chart=\"value-map-").count();
    assert_eq!(charts, groups.len());
    for (segment, family) in groups {
        let svg = chart(&format!("value-map-{segment}-{family}"));
        let offers: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| r[0] == segment && r[1] == family)
            .collect();
        let dots: usize = colour::MAP.iter().map(|c| marks(svg, "circle", *c)).sum();
        assert_eq!(dots, offers.len(), "{segment} {family}");
        let ours = offers.iter().filter(|r| r[2] == "ours").count();
        assert_eq!(marks(svg, "circle", colour::MAP[0]), ours);
        let references = offers.iter().filter(|r| r[4] == "yes").count();
        assert!(references >= 1);
        assert_eq!(marks(svg, "circle", colour::MAP_LINE), references);
        assert_eq!(marks(svg, "polyline", colour::MAP_LINE), 1);
        for r in offers {
            // gap = price − benefit, and the sign says the position.
            let gap = number(&r[5]) - number(&r[6]);
            assert_close(number(&r[7]), gap, 1e-2);
            let position = match gap {
                g if g > 0.005 * number(&r[6]) => "over_priced",
                g if g < -0.005 * number(&r[6]) => "under_priced",
                _ => "on_line",
            };
            assert_eq!(r[9], position, "{r:?}");
            assert!(texts(svg).iter().any(|t| t == &r[3]), "{}", r[3]);
        }
    }
}
