//! `pricebench report`: one self-contained HTML file to share — the Overview's numbers, the
//! waterfall (total and per segment), the pocket price bands per segment with the guidance
//! corridors, the panel elasticities as a forest plot, win-rate and Van Westendorp curves of the
//! best-evidenced cells, the value map and, with a scenario, its totals, recommended prices and
//! provenance. Every number comes from the code the matching command runs (`info`,
//! `waterfall`, `band`, `guidance`, `elasticity --model panel`, `wtp`, `psm`, `value`,
//! `scenario`, `recommend`); the tables are those commands' own reports.

use crate::analysis::demand::{self as demand, Persist};
use crate::analysis::realization::{self as realization, BandBasis, BandOptions, GroupBand};
use crate::chart::{self, BandRow};
use crate::cli::{ReportArgs, ScenarioRows, ScopeArgs};
use crate::html::{Block, Document, Section};
use crate::model::{DemandModel, ElasticityRow, PsmRow, WtpRow};
use crate::realization::band::BandBy;
use crate::realization::guidance::{Corridor, GuidanceOptions};
use crate::realization::waterfall::Waterfall;
use crate::report::{Cell, Report, fmt_money, fmt_pct};
use crate::scenario::{Level, Prepared};
use crate::store::realization::{Grouping, Scope};
use crate::store::{Origin, Workspace};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

/// Products charted per segment in the band section (the largest by volume).
pub const BAND_PRODUCTS: usize = 12;
/// Cells charted per segment in the elasticity forest (the largest by volume).
pub const FOREST_CELLS: usize = 15;
/// Cells whose win-rate and Van Westendorp curves are drawn (the most quotes / answers).
pub const CURVE_CELLS: usize = 3;

/// Writes the report to `--out` and says where (with `--out -`, the HTML goes to `out`).
pub fn run(args: &ReportArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let doc = build(args, ws)?;
    let html = doc.render();
    if args.out == Path::new("-") {
        out.write_all(html.as_bytes())?;
        return Ok(());
    }
    crate::outfile::write(&args.out, args.force, |w| Ok(w.write_all(html.as_bytes())?))?;
    writeln!(
        out,
        "wrote the report to {} ({} charts, {} KiB)",
        args.out.display(),
        doc.charts(),
        html.len().div_ceil(1024)
    )?;
    Ok(())
}

/// Everything the report shows, computed from the workspace (and the scenario).
pub fn build(args: &ReportArgs, ws: &Workspace) -> Result<Document> {
    let dates = ScopeArgs {
        segment: None,
        product: None,
        from: args.from.clone(),
        to: args.to.clone(),
    };
    let scope = super::scope(&dates, None)?;
    let prepared = match &args.scenario {
        Some(path) => Some((
            path.as_path(),
            crate::analysis::scenario::prepare(ws, path)?,
        )),
        None => None,
    };
    let overview =
        crate::store::query::overview(ws).context("cannot read the workspace overview")?;
    let period = period_text(crate::store::query::period_used(
        ws, scope.from, scope.to, None,
    )?);
    let bands = realization::bands(
        ws,
        &scope,
        &BandOptions {
            by: BandBy::SegmentProduct,
            basis: BandBasis::Customer,
            bins: 10,
        },
    )?;
    let volumes = cell_volumes(&bands);
    let mut sections = vec![
        overview_section(&overview),
        waterfall_section(ws, &scope, &period)?,
        band_section(ws, &scope, &bands, &period)?,
        elasticity_section(ws, &volumes)?,
        wtp_section(ws)?,
        psm_section(ws)?,
        value_section(prepared.as_ref().map(|p| &p.1))?,
    ];
    if let Some((_, p)) = &prepared {
        sections.push(scenario_section(p));
    }
    sections.push(provenance_section(ws, &overview, args, prepared.as_ref())?);
    let workspace = match ws.origin() {
        Origin::File(path) => path.display().to_string(),
        Origin::Sample => "the bundled sample".to_string(),
    };
    Ok(Document {
        title: "pricebench report".to_string(),
        subtitle: format!("workspace {workspace} · realization period {period}"),
        sections,
    })
}

/// The period the realization sections cover: the first and last date with lines in the
/// range asked for, as every aggregating output states it.
fn period_text(used: Option<(String, String)>) -> String {
    match used {
        Some((f, t)) => format!("{f} to {t}"),
        None => "no transactions".to_string(),
    }
}

/// Each segment × product's volume in the bands (customers with positive net volume).
fn cell_volumes(bands: &[GroupBand]) -> HashMap<(String, String), f64> {
    bands
        .iter()
        .map(|g| {
            let key = (
                g.key.segment_id.clone().unwrap_or_default(),
                g.key.product_id.clone().unwrap_or_default(),
            );
            (key, g.band.volume)
        })
        .collect()
}

fn overview_section(o: &crate::store::query::Overview) -> Section {
    let mut s = Section::new("overview", "Overview");
    let dates = match (&o.first_date, &o.last_date) {
        (Some(f), Some(l)) => format!("{f} to {l}"),
        _ => "–".to_string(),
    };
    let int = |n: i64| crate::report::fmt_int(n);
    s.blocks.push(Block::Facts(vec![
        ("Transactions".into(), int(o.transactions)),
        ("Dates".into(), dates),
        ("Segments".into(), int(o.segments)),
        ("Customers".into(), int(o.customers)),
        ("Products".into(), int(o.products)),
        ("Quotes".into(), int(o.quotes)),
        ("Survey answers".into(), int(o.survey_answers)),
        ("List revenue".into(), fmt_money(o.list_revenue)),
        ("Invoice revenue".into(), fmt_money(o.invoice_revenue)),
        ("Pocket revenue".into(), fmt_money(o.pocket_revenue)),
        ("Cost".into(), fmt_money(o.cost)),
        ("Realization".into(), fmt_pct(o.realization_pct)),
    ]));
    s.table("Segments, all dates", segment_table(o));
    s.text("Every number of the Overview (pricebench info) is listed at the end of the report.");
    s
}

fn segment_table(o: &crate::store::query::Overview) -> Report {
    let mut r = Report::new(&[
        "segment_id",
        "name",
        "customers",
        "list_revenue",
        "pocket_revenue",
        "pocket_share_pct",
        "realization_pct",
    ]);
    for seg in &o.by_segment {
        r.push(vec![
            Cell::Text(seg.segment_id.clone()),
            Cell::Text(seg.name.clone()),
            Cell::Int(seg.customers),
            Cell::money(seg.list_revenue),
            Cell::money(seg.pocket_revenue),
            Cell::pct(seg.pocket_share_pct),
            Cell::pct(seg.realization_pct),
        ]);
    }
    r
}

fn waterfall_section(ws: &Workspace, scope: &Scope, period: &str) -> Result<Section> {
    let mut s = Section::new("waterfall", "Pocket price waterfall");
    s.text(format!(
        "Per unit, from list price through each on-invoice and off-invoice element to the \
         pocket price, {period} (pricebench waterfall)."
    ));
    let total = realization::waterfalls(ws, Grouping::Total, scope)?;
    let segments = realization::waterfalls(ws, Grouping::Segment, scope)?;
    // With units of measure: each group's unit, `None` where its products mix units (no
    // per-unit waterfall then: a price per kilogram-or-piece is no price).
    let mut units = crate::store::units::group_units(ws, Grouping::Total, scope)?;
    if let (Some(u), Some(more)) = (
        units.as_mut(),
        crate::store::units::group_units(ws, Grouping::Segment, scope)?,
    ) {
        u.extend(more);
    }
    let chart_of = |title: &str, w: &Waterfall| match units
        .as_ref()
        .is_some_and(|u| u.get(&w.key).is_some_and(Option::is_none))
    {
        true => chart::empty(
            title,
            "mixed units: no per-unit waterfall (amounts and % of list in the table)",
        ),
        false => chart::waterfall(title, w),
    };
    for w in &total {
        s.chart("waterfall-total", chart_of("Waterfall · all segments", w)?);
    }
    for w in &segments {
        let id = w.key.segment_id.as_deref().unwrap_or("");
        s.chart(
            format!("waterfall-{id}"),
            chart_of(&format!("Waterfall · {id}"), w)?,
        );
    }
    let all: Vec<Waterfall> = total.into_iter().chain(segments).collect();
    s.table(
        "Waterfall steps, total then per segment",
        super::waterfall::report_with_units(&all, units.as_ref()),
    );
    Ok(s)
}

fn corridor_of(
    rows: &[crate::realization::guidance::GuidanceRow],
) -> HashMap<(&str, &str), Corridor> {
    rows.iter()
        .filter_map(|r| Some(((r.segment_id.as_deref()?, r.product_id.as_str()), r.pocket?)))
        .collect()
}

fn band_section(
    ws: &Workspace,
    scope: &Scope,
    bands: &[GroupBand],
    period: &str,
) -> Result<Section> {
    let mut s = Section::new("bands", "Pocket price bands and guidance");
    s.text(format!(
        "Pocket price as % of list across each product's customers in a segment, {period}: the \
         bar spans p10 to p90, the dot is p50; the orange outline is the guidance corridor \
         (floor p25 to stretch p75, the tick the target p50; pricebench band --by \
         segment-product and pricebench guidance). The {BAND_PRODUCTS} largest products of \
         each segment by volume are shown."
    ));
    let guidance = crate::analysis::guidance::guidance(ws, scope, &GuidanceOptions::default())?;
    let corridors = corridor_of(&guidance);
    let mut table = band_table();
    for (segment, group) in by_segment(bands) {
        let top = largest(group, BAND_PRODUCTS, |g| g.band.volume);
        let rows: Vec<BandRow> = top
            .iter()
            .filter_map(|g| {
                let p = g.band.percentiles?;
                let product = g.key.product_id.as_deref().unwrap_or("");
                let c = corridors.get(&(segment, product));
                Some(BandRow {
                    label: product.to_string(),
                    p10: p.p10,
                    p50: p.p50,
                    p90: p.p90,
                    corridor: c.map(|c| [c.floor, c.target, c.stretch]),
                })
            })
            .collect();
        let title = format!("Pocket price band · {segment}");
        s.chart(format!("band-{segment}"), chart::bands(&title, &rows)?);
        for g in top {
            let product = g.key.product_id.as_deref().unwrap_or("");
            band_row(&mut table, segment, g, corridors.get(&(segment, product)));
        }
    }
    s.table("Bands and corridors of the charted products", table);
    Ok(s)
}

fn band_table() -> Report {
    Report::new(&[
        "segment_id",
        "product_id",
        "customers",
        "volume",
        "p10",
        "p50",
        "p90",
        "band_width",
        "floor",
        "target",
        "stretch",
    ])
}

fn band_row(r: &mut Report, segment: &str, g: &GroupBand, c: Option<&Corridor>) {
    let pct = super::leakage::pct2;
    let p = g.band.percentiles;
    r.push(vec![
        Cell::Text(segment.to_string()),
        Cell::opt_text(g.key.product_id.as_deref()),
        Cell::Int(g.band.observations as i64),
        Cell::money(g.band.volume),
        pct(p.map(|p| p.p10)),
        pct(p.map(|p| p.p50)),
        pct(p.map(|p| p.p90)),
        pct(p.map(|p| p.width())),
        pct(c.map(|c| c.floor)),
        pct(c.map(|c| c.target)),
        pct(c.map(|c| c.stretch)),
    ]);
}

/// The bands grouped by segment, in segment order.
fn by_segment(bands: &[GroupBand]) -> BTreeMap<&str, Vec<&GroupBand>> {
    let mut out: BTreeMap<&str, Vec<&GroupBand>> = BTreeMap::new();
    for g in bands {
        let segment = g.key.segment_id.as_deref().unwrap_or("");
        out.entry(segment).or_default().push(g);
    }
    out
}

/// The `n` largest of `items` by `size` (ties in their order), largest first.
fn largest<T: Copy>(mut items: Vec<T>, n: usize, size: impl Fn(&T) -> f64) -> Vec<T> {
    items.sort_by(|a, b| size(b).total_cmp(&size(a)));
    items.truncate(n);
    items
}

fn elasticity_section(ws: &Workspace, volumes: &HashMap<(String, String), f64>) -> Result<Section> {
    let mut s = Section::new("elasticity", "Price elasticity");
    s.text(format!(
        "Panel model on the pocket price (customer fixed effects, month of year, trend; 95% \
         interval clustered by customer; pricebench elasticity --model panel), all dates. The \
         {FOREST_CELLS} largest cells of each segment by volume; a cell without an estimate is \
         in the table with its flag."
    ));
    let settings =
        crate::store::demand::ElasticitySettings::panel(crate::store::demand::PriceBasis::Pocket);
    let rows = demand::fresh_elasticity(ws, &settings, Persist::Discard)
        .context("cannot fit the elasticities")?
        .rows;
    let mut segments: BTreeMap<&str, Vec<&ElasticityRow>> = BTreeMap::new();
    for r in &rows {
        segments.entry(r.segment_id.as_str()).or_default().push(r);
    }
    let mut shown = Vec::new();
    for (segment, cells) in segments {
        let volume = |r: &&ElasticityRow| {
            let key = (r.segment_id.clone(), r.product_id.clone());
            volumes.get(&key).copied().unwrap_or(0.0)
        };
        let top = largest(cells, FOREST_CELLS, volume);
        let title = format!("Elasticity · {segment} · panel, pocket");
        s.chart(
            format!("elasticity-{segment}"),
            chart::figures::elasticity_forest(&title, &top, false)?,
        );
        shown.extend(top);
    }
    s.table(
        "Elasticity of the charted cells",
        super::elasticity::report(&shown, DemandModel::Panel, false),
    );
    Ok(s)
}

/// The segment cells (not the product-wide `*` rows) with the most `size`, most first.
fn top_cells<T>(items: &[T], size: impl Fn(&T) -> usize, segment: impl Fn(&T) -> &str) -> Vec<&T> {
    let cells: Vec<&T> = items
        .iter()
        .filter(|c| segment(c) != crate::model::ALL_SEGMENTS)
        .collect();
    largest(cells, CURVE_CELLS, |c| size(c) as f64)
}

fn wtp_section(ws: &Workspace) -> Result<Section> {
    let mut s = Section::new("wtp", "Willingness-to-pay from quotes");
    let data = demand::wtp_top_cells(ws, CURVE_CELLS).context("cannot read quotes")?;
    if data.cells.is_empty() {
        s.text("No quotes in the workspace: import quotes.csv to estimate willingness-to-pay.");
        return Ok(s);
    }
    s.text(format!(
        "The {CURVE_CELLS} cells with the most quotes: the share won per quoted-price bin, the \
         best model's P(win) by AIC, its median WTP and the price that maximises the expected \
         pocket margin per quote (pricebench wtp)."
    ));
    let mut shown: Vec<WtpRow> = Vec::new();
    for cell in &data.cells {
        let fits: Vec<&WtpRow> = data
            .rows
            .iter()
            .filter(|r| r.segment_id == cell.segment_id && r.product_id == cell.product_id)
            .collect();
        let best = fits.iter().find(|r| r.fit.best_by_aic).copied();
        s.chart(
            format!("wtp-{}-{}", cell.segment_id, cell.product_id),
            chart::figures::win_rate(cell, best)?,
        );
        shown.extend(fits.into_iter().cloned());
    }
    s.table(
        "WTP fits of the charted cells, every model",
        super::wtp::report(&shown),
    );
    Ok(s)
}

fn psm_section(ws: &Workspace) -> Result<Section> {
    let mut s = Section::new("psm", "Price sensitivity (Van Westendorp)");
    let rows =
        demand::psm_rows(ws, &Default::default()).context("cannot read the survey answers")?;
    if rows.is_empty() {
        s.text(
            "No survey answers in the workspace: import survey.csv for the Van Westendorp meter.",
        );
        return Ok(s);
    }
    s.text(format!(
        "The {CURVE_CELLS} cells with the most consistent answers: the four cumulative curves \
         and the price points PMC, OPP, IPP and PME (pricebench psm)."
    ));
    let top = top_cells(&rows, |r| r.result.n_valid, |r| &r.segment_id);
    for row in &top {
        s.chart(
            format!("psm-{}-{}", row.segment_id, row.product_id),
            chart::figures::van_westendorp(row)?,
        );
    }
    let shown: Vec<PsmRow> = top.into_iter().cloned().collect();
    s.table(
        "Van Westendorp points of the charted cells",
        super::psm::report(&shown, false),
    );
    Ok(s)
}

fn value_section(prepared: Option<&Prepared>) -> Result<Section> {
    let mut s = Section::new("value", "Value map");
    let Some(p) = prepared else {
        s.text(
            "The value map needs a scenario with value drivers: pricebench report \
             bundled:value-based.toml --out report.html.",
        );
        return Ok(s);
    };
    let rows: Vec<_> = p
        .value_rows()
        .into_iter()
        .filter(|r| r.value.is_some())
        .collect();
    if rows.is_empty() {
        s.text("The scenario defines no value drivers.");
        return Ok(s);
    }
    value_map_blocks(&mut s, p)?;
    s.text(
        "The value ladder, per cell with value drivers: unit cost, pocket price, what the \
         customer pays (invoice less the off-invoice money returned to them), the WTP median \
         and the economic value (reference + differentiation value), per unit (pricebench \
         value).",
    );
    s.chart(
        "value-ladder",
        chart::figures::value_ladder("Value ladder", &rows)?,
    );
    s.table("Economic value per cell", super::value::report(&rows));
    Ok(s)
}

/// The value map per segment × family: a chart each and one table of every offer.
fn value_map_blocks(s: &mut Section, p: &Prepared) -> Result<()> {
    let map = p.value_map();
    s.text(
        "Per segment × product family, price (x) against perceived benefit in money (y): our \
         products at the customer net price and their economic value, the competitors' latest \
         prices in the baseline, the reference ringed. On the value-equivalence line an offer \
         is priced at what it delivers; right of it (gap > 0) it is over-priced for its \
         benefit, left of it under-priced.",
    );
    let mut table = Report::new(&[
        "segment_id",
        "family",
        "offer",
        "label",
        "reference",
        "price",
        "benefit",
        "gap",
        "gap_pct",
        "position",
    ]);
    for g in &map.groups {
        let family = g.family.as_deref().unwrap_or("none");
        s.chart(
            format!("value-map-{}-{family}", g.segment_id),
            chart::figures::value_map(g)?,
        );
        for v in &g.points {
            table.push(vec![
                Cell::Text(g.segment_id.clone()),
                Cell::opt_text(g.family.as_deref()),
                Cell::Text(offer_name(v.offer).to_string()),
                Cell::Text(v.label.clone()),
                Cell::Text(if v.is_reference { "yes" } else { "" }.to_string()),
                Cell::money(v.price),
                Cell::money(v.benefit),
                Cell::money(v.gap),
                Cell::pct(v.gap_pct),
                Cell::Text(v.position.as_str().to_string()),
            ]);
        }
    }
    s.table(
        "Value map: every offer and its distance from the line",
        table,
    );
    Ok(())
}

fn offer_name(o: crate::scenario::value_map::Offer) -> &'static str {
    use crate::scenario::value_map::Offer;
    match o {
        Offer::Ours => "ours",
        Offer::Competitor => "competitor",
        Offer::Alternative => "alternative",
    }
}

fn scenario_section(p: &Prepared) -> Section {
    let mut s = Section::new("scenario", &format!("Scenario · {}", p.scenario.name));
    s.text(format!(
        "Evaluated against the baseline {} to {}: volume, pocket revenue and pocket margin \
         before and after, with the range the elasticity's interval allows (pricebench \
         scenario --rows totals); the recommended list price per product with the constraint \
         that binds (pricebench recommend).",
        p.baseline.from, p.baseline.to
    ));
    s.table(
        "Scenario totals per segment and overall",
        super::scenario::report(&p.evaluation(), ScenarioRows::Totals),
    );
    let recs = p.recommendations(Level::Product);
    s.table(
        "What each binding constraint costs",
        crate::export::costs_report(&recs),
    );
    s.table("Recommended list prices", crate::export::report(&recs));
    s
}

fn provenance_section(
    ws: &Workspace,
    overview: &crate::store::query::Overview,
    args: &ReportArgs,
    prepared: Option<&(&Path, Prepared)>,
) -> Result<Section> {
    let mut s = Section::new("provenance", "Provenance");
    let mut facts = Vec::new();
    if let Some((path, p)) = prepared {
        let out = vec![args.out.display().to_string()];
        let record = crate::export::Provenance::new(path, p, Level::Product, out);
        facts.extend([
            ("Scenario".to_string(), record.scenario_name),
            ("Scenario file".to_string(), record.scenario_path),
            (
                "Scenario SHA-256".to_string(),
                record.scenario_sha256.unwrap_or_default(),
            ),
            (
                "Baseline".to_string(),
                format!("{} to {}", record.baseline_from, record.baseline_to),
            ),
        ]);
    }
    let stamp = crate::store::demand::data_stamp(ws).context("cannot read the data stamp")?;
    let imported = crate::store::query::latest_import(ws)?.map(|i| i.imported_at);
    facts.extend([
        ("Data stamp".to_string(), stamp),
        (
            "Data imported at".to_string(),
            imported.unwrap_or_else(|| "–".to_string()),
        ),
        (
            "pricebench version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        ("Generated at".to_string(), crate::date::utc_now()),
    ]);
    s.blocks.push(Block::Facts(facts));
    s.table(
        "Every number of the Overview (pricebench info), all dates",
        super::info::report(overview),
    );
    Ok(s)
}
