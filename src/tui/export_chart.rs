//! The `x` key: the chart of the view on screen written as SVG under `exports/`, drawn by the
//! same code as the HTML report ([`crate::chart`]): Realization's waterfall of the selected
//! row, Elasticity's estimates as a forest, the selected cell's win-rate or Van Westendorp
//! curves, Value's ladder. The status line says where it went, or why nothing was written.

use super::app::App;
use super::ctx::Status;
use super::view::View;
use crate::chart::{self, ChartError, figures};
use crate::model::ElasticityRow;
use crate::scenario::value_map::value_map;
use std::path::Path;

/// Where `x` writes, relative to the working directory.
pub const EXPORT_DIR: &str = "exports";
/// Rows of the elasticity forest (the table's first, in its order).
pub const FOREST_ROWS: usize = 60;

/// A chart to write: the file's stem and the SVG.
type Drawn = (String, String);

/// Writes the shown view's chart into `dir`; the status says the path or why not.
pub fn export(app: &App, dir: &Path) -> Status {
    let drawn = match current(app) {
        Ok(Some(drawn)) => drawn,
        Ok(None) => {
            return Status::Info(
                "no chart to export here: x exports in Elasticity, WTP, Price sensitivity, \
                 Realization and Value"
                    .to_string(),
            );
        }
        Err(e) => return Status::Error(e.to_string()),
    };
    let path = dir.join(format!("{}.svg", file_stem(&drawn.0)));
    match write(&path, &drawn.1) {
        Ok(()) => Status::Info(format!("wrote the chart to {}", path.display())),
        Err(e) => Status::Error(format!("{e:#}")),
    }
}

fn write(path: &Path, svg: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    crate::outfile::write(path, true, |w| Ok(w.write_all(svg.as_bytes())?))?;
    Ok(())
}

/// Ids as they may appear in a file name: letters, digits, `-`, `_` and `.`; anything else `_`.
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| match c.is_ascii_alphanumeric() || "-_.".contains(c) {
            true => c,
            false => '_',
        })
        .collect()
}

/// The shown view's chart, or `None` when it has none (yet).
pub fn current(app: &App) -> Result<Option<Drawn>, ChartError> {
    match app.view {
        View::Realization => realization(app),
        View::Elasticity => elasticity(app),
        View::Wtp => Ok(match app.wtp.selected_cell() {
            Some((cell, fits)) => {
                let best = fits.iter().find(|r| r.fit.best_by_aic);
                let stem = format!("wtp-{}-{}", cell.segment_id, cell.product_id);
                Some((stem, figures::win_rate(cell, best)?))
            }
            None => None,
        }),
        View::Psm => Ok(match app.psm.selected_row() {
            Some(row) => {
                let stem = format!("psm-{}-{}", row.segment_id, row.product_id);
                Some((stem, figures::van_westendorp(row)?))
            }
            None => None,
        }),
        View::Value => value(app),
        _ => Ok(None),
    }
}

/// The value map of the selected cell's segment × family (as edited), or the scenario's
/// value ladder when the cell has no value drivers.
fn value(app: &App) -> Result<Option<Drawn>, ChartError> {
    let Some(s) = &app.scenarios.session else {
        return Ok(None);
    };
    let selected = s.values.get(app.scenarios.selected);
    let map = value_map(&s.values, &s.prepared.baseline.competitors);
    let group = selected.and_then(|r| {
        map.groups
            .iter()
            .find(|g| g.segment_id == r.segment_id && g.family == r.family && r.value.is_some())
    });
    if let Some(g) = group {
        let family = g.family.as_deref().unwrap_or("none");
        let stem = format!("value-map-{}-{family}", g.segment_id);
        return Ok(Some((stem, figures::value_map(g)?)));
    }
    let title = format!("Value ladder · {}", s.prepared.scenario.name);
    let svg = figures::value_ladder(&title, &s.values)?;
    Ok(Some(("value-ladder".to_string(), svg)))
}

fn realization(app: &App) -> Result<Option<Drawn>, ChartError> {
    let r = &app.realization;
    if r.guidance.open || r.sub.is_some() {
        return Ok(None);
    }
    let Some(w) = &r.waterfall else {
        return Ok(None);
    };
    let ids: Vec<&str> = [&w.key.segment_id, &w.key.product_id, &w.key.customer_id]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let name = match ids.is_empty() {
        true => "all segments".to_string(),
        false => ids.join(" × "),
    };
    let stem = match ids.is_empty() {
        true => "waterfall-total".to_string(),
        false => format!("waterfall-{}", ids.join("-")),
    };
    Ok(Some((
        stem,
        chart::waterfall(&format!("Waterfall · {name}"), w)?,
    )))
}

fn elasticity(app: &App) -> Result<Option<Drawn>, ChartError> {
    let e = &app.elasticity;
    let rows: Vec<&ElasticityRow> = e.rows().into_iter().take(FOREST_ROWS).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let s = &e.settings;
    let model = s.model.as_str();
    let title = format!(
        "Elasticity · {model} · {} of {} rows",
        rows.len(),
        e.rows().len()
    );
    let svg = figures::elasticity_forest(&title, &rows, true)?;
    Ok(Some((format!("elasticity-{model}"), svg)))
}
