//! A scenario's `[demand] model`: by default (`auto`) each cell takes the panel model's estimate
//! where the panel can estimate it and the cell model's elsewhere; `panel` and `cell` take one
//! model only. Checked through `recommend --rows segments` against `elasticity --model ...` on
//! the same realistic workspace.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

type Rows = Vec<HashMap<String, String>>;

fn csv_rows(out: &Output) -> Rows {
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

fn key(r: &HashMap<String, String>) -> (String, String) {
    (r["segment_id"].clone(), r["product_id"].clone())
}

/// `elasticity --model MODEL` as (segment, product) → (elasticity, flag).
fn elasticities(db: &Path, model: &str) -> HashMap<(String, String), (String, String)> {
    csv_rows(&run(
        db,
        &["elasticity", "--model", model, "--format", "csv"],
    ))
    .into_iter()
    .map(|r| (key(&r), (r["elasticity"].clone(), r["flag"].clone())))
    .collect()
}

fn recommend(db: &Path, dir: &Path, demand: &str) -> Rows {
    let path = dir.join(format!("s-{}.toml", demand.len()));
    std::fs::write(
        &path,
        format!("name = \"model choice\"\n{demand}\n[guardrails]\nmax_increase_pct = 5\n"),
    )
    .unwrap();
    csv_rows(&run(
        db,
        &[
            "recommend",
            path.to_str().unwrap(),
            "--level",
            "segment-product",
            "--format",
            "csv",
        ],
    ))
}

/// The estimate a row shows must be the named model's own estimate for the cell (the row's
/// elasticity is the own fit when the flag is ok; a pooled stand-in otherwise).
fn same_flag(row: &HashMap<String, String>, fits: &HashMap<(String, String), (String, String)>) {
    let (_, flag) = &fits[&key(row)];
    assert_eq!(&row["elasticity_flag"], flag, "{:?}", key(row));
}

#[test]
fn each_cell_takes_its_estimate_from_the_model_the_scenario_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let db = tmp.path().join("w.db");
    let d = dir.to_str().unwrap();
    run(
        &db,
        &[
            "sample",
            "--world",
            "realistic",
            "--rows",
            "30000",
            "--seed",
            "5",
            "--out",
            d,
        ],
    );
    run(&db, &["import", d]);
    let panel = elasticities(&db, "panel");
    let cell = elasticities(&db, "cell");

    let auto = recommend(&db, tmp.path(), "");
    assert!(!auto.is_empty());
    let (mut from_panel, mut from_cell) = (0, 0);
    for r in &auto {
        let (e, flag) = &panel[&key(r)];
        // The panel is estimable: an estimate (with its interval) from enough customers.
        let estimable = !e.is_empty() && flag != "few_customers" && flag != "too_few_periods";
        match estimable {
            true => {
                assert_eq!(r["elasticity_model"], "panel", "{:?}", key(r));
                same_flag(r, &panel);
                from_panel += 1;
            }
            false => {
                assert_eq!(r["elasticity_model"], "cell", "{:?}", key(r));
                same_flag(r, &cell);
                from_cell += 1;
            }
        }
    }
    // The realistic world has cells of both kinds (thin cells have few customers).
    assert!(
        from_panel >= auto.len() / 2,
        "{from_panel} of {}",
        auto.len()
    );
    assert!(from_cell >= 1, "no cell fell back to the cell model");

    for (demand, model, fits) in [
        ("[demand]\nmodel = \"cell\"", "cell", &cell),
        ("[demand]\nmodel = \"panel\"", "panel", &panel),
    ] {
        let rows = recommend(&db, tmp.path(), demand);
        assert_eq!(rows.len(), auto.len());
        for r in &rows {
            assert_eq!(r["elasticity_model"], model, "{demand}: {:?}", key(r));
            same_flag(r, fits);
        }
    }
}

#[test]
fn an_unknown_model_is_refused_naming_the_line() {
    let text = "name = \"x\"\n[demand]\nmodel = \"weekly\"\n";
    let err = pricebench::scenario::parse(text, "bad.toml", &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.toml:3:"), "{err}");
    assert!(err.contains("weekly") && err.contains("auto"), "{err}");
    let ok = pricebench::scenario::parse(
        "name = \"x\"\n[demand]\nmodel = \"panel\"\n",
        "ok.toml",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(
        ok.demand.model,
        pricebench::scenario::DemandModelChoice::Panel
    );
    // The default is not written back, an explicit choice is.
    let auto =
        pricebench::scenario::parse("name = \"x\"\n", "a.toml", &Default::default()).unwrap();
    assert!(
        !pricebench::scenario::to_toml(&auto)
            .unwrap()
            .contains("model")
    );
    assert!(
        pricebench::scenario::to_toml(&ok)
            .unwrap()
            .contains("model = \"panel\"")
    );
}
