//! Reads for scenarios: the ids a scenario may name, the baseline period's per segment × product
//! sums (from `agg_month` for whole months), and the demand inputs per cell.
//!
//! `demand_inputs` is the one place that turns the workspace's evidence into a
//! [`CellDemand`]: today it fits the elasticities itself (log-log OLS per cell over `agg_week`
//! on the pocket price, pooled per segment) and the WTP curves from the quotes; it is meant to
//! be replaced by the stored demand results once they exist.

use super::realization::{self, Grouping, Scope};
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::model::{self, FitStatus, PeriodPoint, Quote, WtpModel};
use crate::scenario::baseline::{Baseline, BaselineCell, CellDemand, ElementDef, Estimate};
use crate::scenario::file::{BaselinePeriod, Catalog};
use std::collections::HashMap;

/// The segments, products (with family) and element columns of the workspace.
pub fn catalog(ws: &Workspace) -> Result<Catalog, StoreError> {
    let conn = ws.conn();
    let strings = |sql: &str| -> Result<Vec<String>, StoreError> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let mut stmt = conn.prepare("SELECT product_id, family FROM products ORDER BY product_id")?;
    let products = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Catalog {
        segments: strings("SELECT segment_id FROM segments ORDER BY segment_id")?,
        products,
        elements: strings("SELECT name FROM elements ORDER BY position")?,
    })
}

/// The baseline period's first and last day: the scenario's, or by default the twelve calendar
/// months ending with the last month that has transactions (read from `agg_month`, not
/// `date_range`, which the import does not always fill). `None` without transactions.
pub fn baseline_period(
    ws: &Workspace,
    period: &BaselinePeriod,
) -> Result<Option<(Date, Date)>, StoreError> {
    let last: Option<String> =
        ws.conn()
            .query_row("SELECT MAX(period) FROM agg_month", [], |r| r.get(0))?;
    let Some(last_month) = last.as_deref().and_then(Date::parse) else {
        return Ok(None);
    };
    let given =
        |v: &Option<toml::Spanned<String>>| v.as_ref().and_then(|s| Date::parse(s.get_ref()));
    // The first of the next month, less a day.
    let month_end = last_month.add_days(40).month_start().add_days(-1);
    let end = given(&period.to).unwrap_or(month_end);
    let start = given(&period.from).unwrap_or_else(|| {
        let (y, m, _) = end.ymd();
        let months = y * 12 + m as i32 - 1 - 11;
        Date::from_ymd(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1).unwrap_or(end)
    });
    Ok(Some((start, end)))
}

/// The baseline cells (positive net volume and list revenue) of the period, in segment,
/// product order, with their demand inputs.
pub fn baseline(ws: &Workspace, period: &BaselinePeriod) -> Result<Baseline, StoreError> {
    let elements = realization::elements(ws)?;
    let Some((from, to)) = baseline_period(ws, period)? else {
        return Ok(Baseline::default());
    };
    let scope = Scope {
        from: Some(from),
        to: Some(to),
        ..Scope::default()
    };
    let groups = realization::group_sums(ws, &elements, Grouping::SegmentProduct, &scope)?;
    let families: HashMap<String, Option<String>> = catalog(ws)?.products.into_iter().collect();
    let mut cells: Vec<BaselineCell> = groups
        .into_iter()
        .filter(|g| g.sums.quantity > 0.0 && g.sums.list_revenue > 0.0)
        .map(|g| {
            let q = g.sums.quantity;
            let product_id = g.key.product_id.unwrap_or_default();
            BaselineCell {
                segment_id: g.key.segment_id.unwrap_or_default(),
                family: families.get(&product_id).cloned().flatten(),
                product_id,
                quantity: q,
                list_price: g.sums.list_revenue / q,
                unit_cost: g.sums.cost / q,
                elements: g.sums.elements.iter().map(|e| e / q).collect(),
                demand: CellDemand::default(),
            }
        })
        .collect();
    let demand = demand_inputs(ws)?;
    for c in &mut cells {
        let key = (c.segment_id.clone(), c.product_id.clone());
        if let Some((d, curve)) = demand.get(&key) {
            c.demand = d.clone();
            let p0 = c.pocket_price();
            c.demand.wtp_elasticity = curve.as_ref().and_then(|f| f.elasticity_at(p0));
        }
    }
    Ok(Baseline {
        from: from.to_string(),
        to: to.to_string(),
        elements: elements
            .iter()
            .map(|e| ElementDef {
                column: e.column.clone(),
                on_invoice: e.kind == super::query::ElementKind::OnInvoice,
            })
            .collect(),
        cells,
    })
}

type CellKey = (String, String);

/// The demand inputs of every segment × product cell: elasticity per cell by log-log OLS over
/// the weekly aggregates (Q = Σ quantity, P = pocket revenue / quantity, weeks with Q ≤ 0
/// dropped), pooled per segment; median WTP of the best (AIC) model where quotes exist.
pub fn demand_inputs(ws: &Workspace) -> Result<HashMap<CellKey, DemandInput>, StoreError> {
    let mut stmt = ws.conn().prepare(
        "SELECT segment_id, product_id, quantity, pocket_revenue FROM agg_week \
         ORDER BY segment_id, product_id, period",
    )?;
    let mut points: Vec<(CellKey, Vec<PeriodPoint>)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: CellKey = (r.get(0)?, r.get(1)?);
        let (q, rev): (f64, f64) = (r.get(2)?, r.get(3)?);
        let point = PeriodPoint {
            quantity: q,
            price: if q > 0.0 { rev / q } else { 0.0 },
        };
        match points.last_mut() {
            Some((k, v)) if *k == key => v.push(point),
            _ => points.push((key, vec![point])),
        }
    }
    let fits: Vec<_> = points
        .iter()
        .map(|(_, p)| model::fit_elasticity(p))
        .collect();
    let mut out = HashMap::new();
    let mut start = 0;
    while start < points.len() {
        let segment = &points[start].0.0;
        let end = start
            + points[start..]
                .iter()
                .take_while(|(k, _)| &k.0 == segment)
                .count();
        let pooled = model::pool_elasticities(&fits[start..end]);
        for i in start..end {
            let (f, p) = (&fits[i], &pooled.cells[i - start]);
            let raw = match (f.elasticity, f.ci_low, f.ci_high) {
                (Some(e), Some(lo), Some(hi)) => Some(Estimate {
                    elasticity: e,
                    ci_low: lo,
                    ci_high: hi,
                }),
                _ => None,
            };
            let pooled = match (p.elasticity, p.ci_low, p.ci_high) {
                (Some(e), Some(lo), Some(hi)) => Some(Estimate {
                    elasticity: e,
                    ci_low: lo,
                    ci_high: hi,
                }),
                _ => None,
            };
            let demand = CellDemand {
                raw,
                raw_ok: f.status == FitStatus::Ok,
                pooled,
                ..CellDemand::default()
            };
            out.insert(points[i].0.clone(), (demand, None));
        }
        start = end;
    }
    add_wtp(ws, &mut out)?;
    Ok(out)
}

/// A cell's demand and its best WTP curve where quotes exist.
pub type DemandInput = (CellDemand, Option<WtpCurve>);

/// The best WTP curve of a cell: model and parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WtpCurve {
    model: WtpModel,
    alpha: f64,
    beta: f64,
}

impl WtpCurve {
    /// d ln P(win) / d ln p at `price`, for P(win) = G(α + β·x), x = p (ln p for log-normal).
    fn elasticity_at(&self, price: f64) -> Option<f64> {
        use statrs::distribution::{Continuous, ContinuousCDF, Normal};
        if price <= 0.0 {
            return None;
        }
        let x = match self.model {
            WtpModel::LogNormal => price.ln(),
            _ => price,
        };
        let eta = self.alpha + self.beta * x;
        let hazard = match self.model {
            WtpModel::Logistic => 1.0 - 1.0 / (1.0 + (-eta).exp()),
            _ => {
                let n = Normal::standard();
                n.pdf(eta) / n.cdf(eta)
            }
        };
        let dx_dlnp = match self.model {
            WtpModel::LogNormal => 1.0,
            _ => price,
        };
        Some(self.beta * dx_dlnp * hazard).filter(|e| e.is_finite())
    }
}

fn cell_quotes(ws: &Workspace, key: &CellKey) -> Result<Vec<Quote>, StoreError> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT quoted_price, won FROM quotes WHERE segment_id = ?1 AND product_id = ?2",
    )?;
    let rows = stmt.query_map([&key.0, &key.1], |r| {
        Ok(Quote {
            price: r.get(0)?,
            won: r.get::<_, i64>(1)? == 1,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn add_wtp(ws: &Workspace, cells: &mut HashMap<CellKey, DemandInput>) -> Result<(), StoreError> {
    let mut stmt = ws.conn().prepare(
        "SELECT DISTINCT segment_id, product_id FROM quotes ORDER BY segment_id, product_id",
    )?;
    let keys: Vec<CellKey> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for key in keys {
        let quotes = cell_quotes(ws, &key)?;
        let cmp = model::fit_wtp_all(&quotes, 0.0);
        let Some(best) = cmp
            .fits
            .iter()
            .find(|f| f.best_by_aic && f.status == model::WtpStatus::Ok)
        else {
            continue;
        };
        if let Some((d, curve)) = cells.get_mut(&key) {
            d.wtp_median = best.median_wtp;
            *curve = match (best.alpha, best.beta) {
                (Some(alpha), Some(beta)) => Some(WtpCurve {
                    model: best.model,
                    alpha,
                    beta,
                }),
                _ => None,
            };
        }
    }
    Ok(())
}
