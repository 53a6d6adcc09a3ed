//! The scenario parser under arbitrary and mutated input, and every scenario field at the edges
//! of the numbers: never a panic, either a scenario or an error with a real line and column,
//! and no NaN or inf in any output of the commands that use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use pricebench::scenario::ScenarioError;
use pricebench::scenario::file::{Catalog, parse};
use proptest::prelude::*;

const SHIPPED: &str = include_str!("../scenarios/list-increase.toml");

/// The bundled sample's ids, read once (importing the sample for every case would dominate
/// the run).
fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        let ws = pricebench::store::bundled_sample().unwrap();
        pricebench::store::scenario::catalog(&ws).unwrap()
    })
}

/// Parses `src`; an error must point inside the text.
fn check(src: &str, catalog: &Catalog) -> Result<(), TestCaseError> {
    match parse(src, "s.toml", catalog) {
        Ok(_) => {}
        Err(ScenarioError::Invalid {
            file,
            line,
            column,
            message,
        }) => {
            prop_assert_eq!(file, "s.toml");
            let lines = src.split('\n').count();
            prop_assert!(
                line >= 1 && line <= lines,
                "line {} of {}: {}",
                line,
                lines,
                message
            );
            let width = src
                .split('\n')
                .nth(line - 1)
                .map_or(0, |l| l.chars().count());
            prop_assert!(
                column >= 1 && column <= width + 1,
                "column {} of {}: {}",
                column,
                width,
                message
            );
        }
        Err(other) => prop_assert!(false, "unexpected error: {}", other),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,300}") {
        check(&src, catalog())?;
    }

    #[test]
    fn mutated_shipped_scenarios_parse_or_fail_with_line_and_column(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[a-z0-9_=.\\[\\]\"# \n*-]"), 1..6)
    ) {
        let mut text: Vec<char> = SHIPPED.chars().collect();
        for (at, kind, s) in edits {
            let i = at.index(text.len() + 1);
            let c = s.chars().next().unwrap_or(' ');
            match kind {
                0 if i < text.len() => text[i] = c,
                1 if i < text.len() => { text.remove(i); }
                _ => text.insert(i, c),
            }
        }
        check(&text.into_iter().collect::<String>(), catalog())?;
    }
}

/// Runs one headless command in process, its output captured.
fn command(ws: &pricebench::store::Workspace, args: &[&str]) -> Result<String, String> {
    use pricebench::cli::{Cli, Command as C};
    use pricebench::commands;
    let cli = Cli::try_parse_from(std::iter::once("pricebench").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let result = match cli.command {
        Some(C::Scenario(a)) => commands::scenario::run(&a, ws, &mut out),
        Some(C::Value(a)) => commands::value::run(&a, ws, &mut out),
        Some(C::Recommend(a)) => commands::recommend::run(&a, ws, &mut out),
        Some(C::Export(a)) => commands::export::run(&a, ws, &mut out),
        other => panic!("not a scenario command: {other:?}"),
    };
    result.map_err(|e| format!("{e:#}"))?;
    Ok(String::from_utf8(out).unwrap())
}

/// A scenario with one field set to `value` and everything else ordinary.
fn scenario_with(field: &str, value: &str) -> String {
    let mut text = String::from("name = \"edge\"\n[guardrails]\ncap_at_economic_value = true\n");
    let set = |f: &str, default: &str| {
        if f == field {
            value.to_string()
        } else {
            default.to_string()
        }
    };
    text += &format!(
        "max_increase_pct = {}\nmax_decrease_pct = {}\nmin_pocket_margin_pct = {}\n",
        set("max_increase_pct", "20"),
        set("max_decrease_pct", "20"),
        set("min_pocket_margin_pct", "10")
    );
    text += &format!("[[price_change]]\npct = {}\n", set("pct", "3"));
    text += &format!(
        "[[price_change]]\nproduct = \"P0001\"\namount = {}\n",
        set("amount", "1.5")
    );
    text += &format!(
        "[[discount]]\nelement = \"on_competitive\"\ncap_pct = {}\n",
        set("cap_pct", "5")
    );
    text += &format!(
        "[[discount]]\nelement = \"off_coop\"\nscale = {}\n",
        set("scale", "0.5")
    );
    text += &format!("[[cost_change]]\npct = {}\n", set("cost_pct", "2"));
    text += &format!(
        "[[value_driver]]\nsegment = \"SEG-ENT\"\nproduct = \"P0001\"\nalternative = \"x\"\nreference_price = {}\npositive = {{ a = {} }}\nnegative = {{ b = {} }}\n",
        set("reference_price", "120"),
        set("positive", "10"),
        set("negative", "3")
    );
    text
}

#[test]
fn numbers_at_the_edges_in_every_scenario_field_never_reach_an_output_as_nan_or_inf() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = pricebench::store::bundled_sample().unwrap();
    // Both elasticity models fitted and stored once, as an analyst's workspace holds them, so
    // that each of the ~300 commands below reads them instead of fitting again.
    {
        use pricebench::analysis::demand::{Persist, refit_elasticity};
        use pricebench::store::demand::{ElasticitySettings, PriceBasis};
        for settings in [
            ElasticitySettings::default(),
            ElasticitySettings::panel(PriceBasis::Pocket),
        ] {
            refit_elasticity(&ws, &settings, Persist::Store).unwrap();
        }
    }
    let fields = [
        "max_increase_pct",
        "max_decrease_pct",
        "min_pocket_margin_pct",
        "pct",
        "amount",
        "cap_pct",
        "scale",
        "cost_pct",
        "reference_price",
        "positive",
        "negative",
    ];
    let edges = ["0", "1e300", "-1e300", "1e-300", "0.123456789012345678"];
    let (mut accepted, mut refused) = (0, 0);
    for field in fields {
        for value in edges {
            let file = tmp.path().join("edge.toml");
            std::fs::write(&file, scenario_with(field, value)).unwrap();
            let file = file.to_str().unwrap();
            match command(&ws, &["scenario", file, "--format", "csv"]) {
                Err(err) => {
                    // Refused: the message names the file, line and column.
                    refused += 1;
                    assert!(err.contains("edge.toml:"), "{field} = {value}: {err}");
                    continue;
                }
                Ok(_) => accepted += 1,
            }
            let export = tmp.path().join("edge.csv");
            for written in ["edge.csv", "edge.segments.csv", "edge.csv.meta.json"] {
                let _ = std::fs::remove_file(tmp.path().join(written));
            }
            // CSV of `scenario` was checked above; each other output path once.
            for args in [
                vec!["scenario", file, "--compare", file, "--format", "json"],
                vec!["scenario", file],
                vec!["value", file, "--format", "csv"],
                vec!["recommend", file, "--format", "json"],
                vec!["export", file, "--out", export.to_str().unwrap()],
            ] {
                let mut text = command(&ws, &args)
                    .unwrap_or_else(|e| panic!("{field} = {value} {args:?}: {e}"));
                if args[0] == "export" {
                    text = std::fs::read_to_string(&export).unwrap();
                }
                for word in text
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .map(str::to_lowercase)
                {
                    assert!(
                        word != "nan" && word != "inf" && word != "infinity",
                        "{field} = {value} {args:?} printed {word}:\n{text}"
                    );
                }
            }
        }
    }
    // Both outcomes must actually happen, or the test checks too little.
    eprintln!("edge scenarios: {accepted} accepted, {refused} refused");
    assert!(
        accepted >= 20 && refused >= 10,
        "accepted {accepted}, refused {refused}"
    );
}
