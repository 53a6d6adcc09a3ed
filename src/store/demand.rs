//! Typed reads for the demand models (weekly or monthly cell points, quotes, survey answers)
//! and the stored elasticity results (per model, period and price basis) with the data stamp
//! that tells fresh from stale. The panel model's customer-months are read in `store::panel`.
//!
//! Elasticity points come from `agg_week` / `agg_month` (one row per cell × period, returns
//! already netted), read in primary-key order so cells arrive grouped. Fits are always made over
//! every cell, because pooling is per segment; filters apply to the rows afterwards.

use super::{CellGroups, StoreError, Workspace};
use crate::model::series::{CellSeries, SeriesPeriod};
use crate::model::{
    ALL_SEGMENTS, CellPoints, DemandModel, ElasticityRow, FitStatus, PeriodPoint, Quote, QuoteCell,
    SurveyAnswer, SurveyCell,
};
use rusqlite::{OptionalExtension, params};
use std::collections::{BTreeMap, HashMap};

/// Which aggregate a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Period {
    /// Calendar weeks starting Monday (`agg_week`).
    #[default]
    Week,
    /// Calendar months (`agg_month`).
    Month,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Period::Week => "agg_week",
            Period::Month => "agg_month",
        }
    }
}

/// Which net price the elasticity is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PriceBasis {
    #[default]
    Pocket,
    Invoice,
    List,
}

impl PriceBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceBasis::Pocket => "pocket",
            PriceBasis::Invoice => "invoice",
            PriceBasis::List => "list",
        }
    }

    fn column(self) -> &'static str {
        match self {
            PriceBasis::Pocket => "pocket_revenue",
            PriceBasis::Invoice => "invoice_revenue",
            PriceBasis::List => "list_revenue",
        }
    }
}

/// The settings an elasticity fit depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ElasticitySettings {
    /// The cell model aggregates to `period`; the panel model always uses calendar months.
    pub period: Period,
    pub price: PriceBasis,
    pub model: DemandModel,
}

impl ElasticitySettings {
    /// The panel model at `price` (monthly by construction).
    pub fn panel(price: PriceBasis) -> ElasticitySettings {
        ElasticitySettings {
            period: Period::Month,
            price,
            model: DemandModel::Panel,
        }
    }
}

/// Which cells a command shows; `None` means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemandFilter {
    pub segment: Option<String>,
    pub product: Option<String>,
}

impl DemandFilter {
    /// True when the cell passes; a product-wide row ([`ALL_SEGMENTS`]) passes any segment.
    pub fn keeps(&self, segment_id: &str, product_id: &str) -> bool {
        let seg = self
            .segment
            .as_deref()
            .is_none_or(|s| s == segment_id || segment_id == ALL_SEGMENTS);
        let prod = self.product.as_deref().is_none_or(|p| p == product_id);
        seg && prod
    }
}

/// Every cell's points: per period Q = Σ quantity (returns net out) and P = revenue / Q on the
/// chosen basis; periods with Q ≤ 0 are left out. Cells in (segment, product) order.
pub fn elasticity_cells(
    ws: &Workspace,
    settings: &ElasticitySettings,
) -> Result<Vec<CellPoints>, StoreError> {
    let sql = format!(
        "SELECT segment_id, product_id, quantity, {} FROM {} ORDER BY segment_id, product_id, period",
        settings.price.column(),
        settings.period.table()
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut cells: Vec<CellPoints> = Vec::new();
    while let Some(r) = rows.next()? {
        let (segment, product) = (text(r, 0)?, text(r, 1)?);
        let same = cells
            .last()
            .is_some_and(|c| c.segment_id == segment && c.product_id == product);
        if !same {
            cells.push(CellPoints {
                segment_id: segment.to_string(),
                product_id: product.to_string(),
                points: Vec::with_capacity(128),
            });
        }
        let (quantity, revenue): (f64, f64) = (r.get(2)?, r.get(3)?);
        if quantity > 0.0
            && let Some(cell) = cells.last_mut()
        {
            cell.points.push(PeriodPoint {
                quantity,
                price: revenue / quantity,
            });
        }
    }
    Ok(cells)
}

/// Every cell's points (see [`elasticity_cells`]) of the periods starting from `from` to `to`.
pub fn period_points(
    ws: &Workspace,
    settings: &ElasticitySettings,
    from: crate::date::Date,
    to: crate::date::Date,
) -> Result<Vec<CellPoints>, StoreError> {
    let sql = format!(
        "SELECT segment_id, product_id, quantity, {} FROM {} WHERE period BETWEEN ?1 AND ?2
         ORDER BY segment_id, product_id, period",
        settings.price.column(),
        settings.period.table()
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    let mut cells: Vec<CellPoints> = Vec::new();
    while let Some(r) = rows.next()? {
        let (segment, product) = (text(r, 0)?, text(r, 1)?);
        if !cells
            .last()
            .is_some_and(|c| c.segment_id == segment && c.product_id == product)
        {
            cells.push(CellPoints {
                segment_id: segment.to_string(),
                product_id: product.to_string(),
                points: Vec::new(),
            });
        }
        let (quantity, revenue): (f64, f64) = (r.get(2)?, r.get(3)?);
        if quantity > 0.0
            && let Some(cell) = cells.last_mut()
        {
            cell.points.push(PeriodPoint {
                quantity,
                price: revenue / quantity,
            });
        }
    }
    Ok(cells)
}

/// One cell's points (see [`elasticity_cells`]), read through the aggregate's primary key.
pub fn cell_points(
    ws: &Workspace,
    settings: &ElasticitySettings,
    segment_id: &str,
    product_id: &str,
) -> Result<CellPoints, StoreError> {
    let sql = format!(
        "SELECT quantity, {} FROM {} WHERE segment_id = ?1 AND product_id = ?2 ORDER BY period",
        settings.price.column(),
        settings.period.table()
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let points = stmt
        .query_map(params![segment_id, product_id], |r| {
            Ok((r.get::<_, f64>(0)?, r.get::<_, f64>(1)?))
        })?
        .filter_map(|r| match r {
            Ok((quantity, revenue)) if quantity > 0.0 => Some(Ok(PeriodPoint {
                quantity,
                price: revenue / quantity,
            })),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(CellPoints {
        segment_id: segment_id.to_string(),
        product_id: product_id.to_string(),
        points,
    })
}

/// One cell's periods, dated, with units, revenue per unit on the fit's basis and list revenue
/// per unit (the series the Elasticity view charts; [`CellSeries::points`] are its fit's points).
pub fn cell_series(
    ws: &Workspace,
    settings: &ElasticitySettings,
    segment_id: &str,
    product_id: &str,
) -> Result<CellSeries, StoreError> {
    let sql = format!(
        "SELECT period, quantity, {}, list_revenue FROM {} WHERE segment_id = ?1 AND product_id = ?2
         ORDER BY period",
        settings.price.column(),
        settings.period.table()
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query(params![segment_id, product_id])?;
    let mut periods = Vec::new();
    while let Some(r) = rows.next()? {
        let start = text(r, 0)?;
        let Some(start) = crate::date::Date::parse(start) else {
            return Err(StoreError::BadValue {
                table: settings.period.table(),
                column: "period",
                value: start.to_string(),
                fix: "Import the transactions again to rebuild it.",
            });
        };
        periods.push(SeriesPeriod::from_sums(
            start,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
        ));
    }
    Ok(CellSeries {
        segment_id: segment_id.to_string(),
        product_id: product_id.to_string(),
        periods,
    })
}

/// A text column borrowed from the row (no allocation per row).
fn text<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
}

/// Quotes per segment × product, then per product over all segments ([`ALL_SEGMENTS`]), each
/// with the product's unit cost; in (segment, product) order with the product-wide cells last.
///
/// The table is read in its own order and grouped here: walking the `quotes_cell` index would
/// fetch each quote's row by rowid, a page read per quote (0.2 s for 424k quotes with 4 KiB
/// pages, 0.5 s with 16 KiB) where one pass over the table takes 0.04 s. Within a cell the
/// quotes keep their table order, and a product-wide cell lists its segments' quotes in segment
/// order, as an index walk would.
pub fn quote_cells(ws: &Workspace, filter: &DemandFilter) -> Result<Vec<QuoteCell>, StoreError> {
    let costs: HashMap<String, f64> = ws
        .conn()
        .prepare("SELECT product_id, unit_cost FROM products")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = ws
        .conn()
        .prepare("SELECT segment_id, product_id, quoted_price, won FROM quotes")?;
    let mut rows = stmt.query([])?;
    let mut groups: CellGroups<Vec<Quote>> = CellGroups::new();
    while let Some(r) = rows.next()? {
        groups.get(text(r, 0)?, text(r, 1)?).push(Quote {
            price: r.get(2)?,
            won: r.get::<_, i64>(3)? == 1,
        });
    }
    let mut cells: Vec<QuoteCell> = groups
        .into_sorted()
        .into_iter()
        .map(|(segment_id, product_id, quotes)| QuoteCell {
            unit_cost: costs.get(&product_id).copied().unwrap_or(0.0),
            off_share: 0.0,
            off_fixed: 0.0,
            segment_id,
            product_id,
            quotes,
        })
        .collect();
    let mut by_product: BTreeMap<&str, QuoteCell> = BTreeMap::new();
    for c in &cells {
        by_product
            .entry(&c.product_id)
            .or_insert_with(|| quote_cell(ALL_SEGMENTS, &c.product_id, c.unit_cost))
            .quotes
            .extend_from_slice(&c.quotes);
    }
    let by_product: Vec<QuoteCell> = by_product.into_values().collect();
    cells.extend(by_product);
    cells.retain(|c| filter.keeps(&c.segment_id, &c.product_id));
    Ok(cells)
}

fn quote_cell(segment: &str, product: &str, unit_cost: f64) -> QuoteCell {
    QuoteCell {
        segment_id: segment.to_string(),
        product_id: product.to_string(),
        unit_cost,
        off_share: 0.0,
        off_fixed: 0.0,
        quotes: Vec::new(),
    }
}

/// Survey answers per segment × product, then per product over all segments
/// ([`ALL_SEGMENTS`]).
pub fn survey_cells(ws: &Workspace, filter: &DemandFilter) -> Result<Vec<SurveyCell>, StoreError> {
    let mut stmt = ws.conn().prepare(
        "SELECT segment_id, product_id, too_cheap, cheap, expensive, too_expensive
         FROM survey ORDER BY segment_id, product_id, respondent_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut cells: Vec<SurveyCell> = Vec::new();
    let mut by_product: BTreeMap<String, SurveyCell> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (segment, product) = (text(r, 0)?, text(r, 1)?);
        let answer = SurveyAnswer {
            too_cheap: r.get(2)?,
            cheap: r.get(3)?,
            expensive: r.get(4)?,
            too_expensive: r.get(5)?,
        };
        let same = cells
            .last()
            .is_some_and(|c| c.segment_id == segment && c.product_id == product);
        if !same {
            cells.push(survey_cell(segment, product));
        }
        if let Some(c) = cells.last_mut() {
            c.answers.push(answer);
        }
        by_product
            .entry(product.to_string())
            .or_insert_with(|| survey_cell(ALL_SEGMENTS, product))
            .answers
            .push(answer);
    }
    cells.extend(by_product.into_values());
    cells.retain(|c| filter.keeps(&c.segment_id, &c.product_id));
    Ok(cells)
}

fn survey_cell(segment: &str, product: &str) -> SurveyCell {
    SurveyCell {
        segment_id: segment.to_string(),
        product_id: product.to_string(),
        answers: Vec::new(),
    }
}

/// What the workspace's data is now: the latest import and the aggregate row counts. Stored
/// results carrying another stamp are stale.
pub fn data_stamp(ws: &Workspace) -> Result<String, StoreError> {
    Ok(ws.conn().query_row(STAMP, [], |r| r.get(0))?)
}

/// The query of [`data_stamp`], for any connection to the workspace.
pub(crate) const STAMP: &str = "SELECT (SELECT COALESCE(MAX(id), 0) FROM import_log) || ':' ||
        (SELECT COUNT(*) FROM agg_week) || ':' || (SELECT COUNT(*) FROM agg_month)";

/// Stored elasticity results and whether the data has changed since they were fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredElasticity {
    pub settings: ElasticitySettings,
    pub rows: Vec<ElasticityRow>,
    /// When they were fitted (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub fitted_at: String,
    /// True when the workspace was imported into after the fit.
    pub stale: bool,
}

/// Replaces the stored results for `settings` with `rows`, stamped with the current data;
/// returns the time stamp it stored.
pub fn save_elasticity(
    ws: &Workspace,
    settings: &ElasticitySettings,
    rows: &[ElasticityRow],
    seconds: f64,
) -> Result<String, StoreError> {
    let stamp = data_stamp(ws)?;
    write_elasticity(ws, settings, rows, seconds, &stamp).map_err(|reason| StoreError::Save {
        what: "the fitted elasticities",
        reason,
    })
}

fn write_elasticity(
    ws: &Workspace,
    settings: &ElasticitySettings,
    rows: &[ElasticityRow],
    seconds: f64,
    stamp: &str,
) -> rusqlite::Result<String> {
    let (model, period, price) = keys(settings);
    let tx =
        rusqlite::Transaction::new_unchecked(ws.conn(), rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM elasticity_result WHERE model = ?1 AND period = ?2 AND price = ?3",
        params![model, period, price],
    )?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO elasticity_result (model, period, price, segment_id, product_id,
                 n_periods, n_customers, elasticity, std_error, ci_low, ci_high, r_squared,
                 pooled_elasticity, pooled_ci_low, pooled_ci_high, flag)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for r in rows {
            stmt.execute(params![
                model,
                period,
                price,
                r.segment_id,
                r.product_id,
                r.n_periods as i64,
                r.n_customers.map(|n| n as i64),
                r.elasticity,
                r.std_error,
                r.ci_low,
                r.ci_high,
                r.r_squared,
                r.pooled_elasticity,
                r.pooled_ci_low,
                r.pooled_ci_high,
                r.flag.as_str(),
            ])?;
        }
    }
    let fitted_at: String =
        tx.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| {
            r.get(0)
        })?;
    tx.execute(
        "INSERT OR REPLACE INTO elasticity_run (model, period, price, data_stamp, fitted_at, seconds)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![model, period, price, stamp, fitted_at, seconds],
    )?;
    tx.commit()?;
    Ok(fitted_at)
}

/// The key columns of a stored fit.
fn keys(settings: &ElasticitySettings) -> (&'static str, &'static str, &'static str) {
    (
        settings.model.as_str(),
        settings.period.as_str(),
        settings.price.as_str(),
    )
}

/// The stored results for `settings`, if any were saved.
pub fn load_elasticity(
    ws: &Workspace,
    settings: &ElasticitySettings,
) -> Result<Option<StoredElasticity>, StoreError> {
    let (model, period, price) = keys(settings);
    let run: Option<(String, String)> = ws
        .conn()
        .query_row(
            "SELECT data_stamp, fitted_at FROM elasticity_run
             WHERE model = ?1 AND period = ?2 AND price = ?3",
            params![model, period, price],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((stamp, fitted_at)) = run else {
        return Ok(None);
    };
    let mut stmt = ws.conn().prepare(
        "SELECT segment_id, product_id, n_periods, elasticity, std_error, ci_low, ci_high,
                r_squared, pooled_elasticity, pooled_ci_low, pooled_ci_high, flag, n_customers
         FROM elasticity_result WHERE model = ?1 AND period = ?2 AND price = ?3
         ORDER BY segment_id, product_id",
    )?;
    let read = stmt
        .query_map(params![model, period, price], |r| {
            let flag: String = r.get(11)?;
            let row = ElasticityRow {
                segment_id: r.get(0)?,
                product_id: r.get(1)?,
                n_periods: r.get::<_, i64>(2)?.max(0) as usize,
                n_customers: r.get::<_, Option<i64>>(12)?.map(|n| n.max(0) as usize),
                elasticity: r.get(3)?,
                std_error: r.get(4)?,
                ci_low: r.get(5)?,
                ci_high: r.get(6)?,
                r_squared: r.get(7)?,
                pooled_elasticity: r.get(8)?,
                pooled_ci_low: r.get(9)?,
                pooled_ci_high: r.get(10)?,
                flag: FitStatus::Ok,
            };
            Ok((row, flag))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let rows = read
        .into_iter()
        .map(|(row, flag)| match FitStatus::parse(&flag) {
            Some(flag) => Ok(ElasticityRow { flag, ..row }),
            None => Err(StoreError::BadValue {
                table: "elasticity_result",
                column: "flag",
                value: flag,
                fix: "Fit again with 'pricebench elasticity --refit'.",
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(StoredElasticity {
        settings: *settings,
        rows,
        fitted_at,
        stale: stamp != data_stamp(ws)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::{DemandFilter, quote_cells};
    use crate::model::ALL_SEGMENTS;
    use crate::store::{Origin, StoreError, Workspace};

    /// A cell as (segment, product, unit cost, [(price, won)]).
    type Shown = (String, String, f64, Vec<(f64, bool)>);

    #[test]
    fn quotes_are_grouped_by_cell_in_key_order_keeping_their_table_order() -> Result<(), StoreError>
    {
        let ws = Workspace::in_memory(Origin::Sample)?;
        ws.conn().execute_batch(
            "INSERT INTO products (product_id, name, unit_cost, list_price, family) VALUES ('P1', 'Widget', 4, 10, NULL), ('P2', 'Gadget', 12, 20, NULL);
             INSERT INTO quotes (quote_id, date, customer_id, segment_id, product_id, quantity,
  quoted_price, won) VALUES
               ('Q1', '2024-01-01', 'C9', 'S2', 'P1', 1, 9, 1),
               ('Q2', '2024-01-02', 'C1', 'S1', 'P2', 1, 20, 0),
               ('Q3', '2024-01-03', 'C1', 'S1', 'P1', 1, 10, 1),
               ('Q4', '2024-01-04', 'C9', 'S2', 'P1', 1, 8, 0),
               ('Q5', '2024-01-05', 'C2', 'S1', 'P1', 1, 11, 0),
               ('Q6', '2024-01-06', 'C2', 'S1', 'P3', 1, 5, 1);",
        )?;
        let cells = quote_cells(&ws, &DemandFilter::default())?;
        let shown: Vec<Shown> = cells
            .iter()
            .map(|c| {
                let quotes = c.quotes.iter().map(|q| (q.price, q.won)).collect();
                (
                    c.segment_id.clone(),
                    c.product_id.clone(),
                    c.unit_cost,
                    quotes,
                )
            })
            .collect();
        let cell = |s: &str, p: &str, cost: f64, q: &[(f64, bool)]| {
            (s.to_string(), p.to_string(), cost, q.to_vec())
        };
        let all = ALL_SEGMENTS;
        assert_eq!(
            shown,
            vec![
                cell("S1", "P1", 4.0, &[(10.0, true), (11.0, false)]),
                cell("S1", "P2", 12.0, &[(20.0, false)]),
                // A product missing from the catalog costs 0, as the LEFT JOIN it replaces said.
                cell("S1", "P3", 0.0, &[(5.0, true)]),
                cell("S2", "P1", 4.0, &[(9.0, true), (8.0, false)]),
                cell(
                    all,
                    "P1",
                    4.0,
                    &[(10.0, true), (11.0, false), (9.0, true), (8.0, false)]
                ),
                cell(all, "P2", 12.0, &[(20.0, false)]),
                cell(all, "P3", 0.0, &[(5.0, true)]),
            ]
        );
        let one = DemandFilter {
            segment: Some("S2".into()),
            product: None,
        };
        let kept: Vec<(String, String)> = quote_cells(&ws, &one)?
            .into_iter()
            .map(|c| (c.segment_id, c.product_id))
            .collect();
        let key = |s: &str, p: &str| (s.to_string(), p.to_string());
        assert_eq!(
            kept,
            vec![
                key("S2", "P1"),
                key(all, "P1"),
                key(all, "P2"),
                key(all, "P3")
            ]
        );
        Ok(())
    }
}
