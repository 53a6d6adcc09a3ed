//! Reads for scenarios: the ids a scenario may name, the baseline period's per segment × product
//! sums (from `agg_month` for whole months), and the demand inputs per cell.
//!
//! `demand_inputs` is the one place that turns the demand models' results (`store::demand`:
//! the current elasticities and the best WTP fit per cell) into a [`CellDemand`].

use super::realization::{self, Grouping, Scope};
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::model::{self, FitStatus, WtpModel};
use crate::realization::sums::{ElementKind, GroupSums};
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
        elements: super::elements(ws)?.into_iter().map(|e| e.name).collect(),
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
    let elements = super::elements(ws)?;
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
    let demand = demand_inputs(ws)?;
    let cells = groups
        .into_iter()
        .filter(|g| g.sums.quantity > 0.0 && g.sums.list_revenue > 0.0)
        .map(|g| baseline_cell(g, &families, &demand))
        .collect();
    Ok(Baseline {
        from: from.to_string(),
        to: to.to_string(),
        elements: elements
            .iter()
            .map(|e| ElementDef {
                column: e.column.clone(),
                on_invoice: e.kind == ElementKind::OnInvoice,
            })
            .collect(),
        cells,
    })
}

/// Per-unit amounts from a cell's sums (Σ q·x / Σ q), with its family and demand inputs; the
/// WTP curve's elasticity is taken at the cell's pocket price.
fn baseline_cell(
    g: GroupSums,
    families: &HashMap<String, Option<String>>,
    demand: &HashMap<CellKey, DemandInput>,
) -> BaselineCell {
    let q = g.sums.quantity;
    let segment_id = g.key.segment_id.unwrap_or_default();
    let product_id = g.key.product_id.unwrap_or_default();
    let mut cell = BaselineCell {
        family: families.get(&product_id).cloned().flatten(),
        quantity: q,
        list_price: g.sums.list_revenue / q,
        unit_cost: g.sums.cost / q,
        elements: g.sums.elements.iter().map(|e| e / q).collect(),
        demand: CellDemand::default(),
        segment_id,
        product_id,
    };
    if let Some((d, curve)) = demand.get(&(cell.segment_id.clone(), cell.product_id.clone())) {
        cell.demand = d.clone();
        let p0 = cell.pocket_price();
        cell.demand.wtp_elasticity = curve.as_ref().and_then(|f| f.elasticity_at(p0));
    }
    cell
}

type CellKey = (String, String);

/// A cell's demand and its best WTP curve where quotes exist.
pub type DemandInput = (CellDemand, Option<WtpCurve>);

/// The demand inputs of every segment × product cell, from the demand models' current results:
/// the elasticities at the default settings (weekly, pocket price; stored results when fresh,
/// else fitted and stored) and the best WTP model (by AIC) of each cell's quotes.
pub fn demand_inputs(ws: &Workspace) -> Result<HashMap<CellKey, DemandInput>, StoreError> {
    let estimate = |e: Option<f64>, lo: Option<f64>, hi: Option<f64>| {
        Some(Estimate {
            elasticity: e?,
            ci_low: lo?,
            ci_high: hi?,
        })
    };
    let mut out: HashMap<CellKey, DemandInput> = HashMap::new();
    for r in super::demand::current_elasticities(ws)? {
        let demand = CellDemand {
            raw: estimate(r.elasticity, r.ci_low, r.ci_high),
            raw_ok: r.flag == FitStatus::Ok,
            pooled: estimate(r.pooled_elasticity, r.pooled_ci_low, r.pooled_ci_high),
            ..CellDemand::default()
        };
        out.insert((r.segment_id, r.product_id), (demand, None));
    }
    for w in super::demand::current_wtp(ws)? {
        let f = &w.fit;
        let Some((demand, curve)) = out.get_mut(&(w.segment_id, w.product_id)) else {
            continue;
        };
        if f.status != model::WtpStatus::Ok {
            continue;
        }
        demand.wtp_median = f.median_wtp;
        *curve = match (f.alpha, f.beta) {
            (Some(alpha), Some(beta)) => Some(WtpCurve {
                model: f.model,
                alpha,
                beta,
            }),
            _ => None,
        };
    }
    Ok(out)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// ln P(win) at `price` for the curve, computed directly.
    fn ln_win(c: &WtpCurve, price: f64) -> f64 {
        use statrs::distribution::{ContinuousCDF, Normal};
        let x = match c.model {
            WtpModel::LogNormal => price.ln(),
            _ => price,
        };
        let eta = c.alpha + c.beta * x;
        match c.model {
            WtpModel::Logistic => -(1.0 + (-eta).exp()).ln(),
            _ => Normal::standard().cdf(eta).ln(),
        }
    }

    #[test]
    fn wtp_point_elasticity_is_the_log_derivative_of_the_win_curve() {
        let curves = [
            (WtpModel::Logistic, 6.0, -0.05, 100.0),
            (WtpModel::Normal, 3.0, -0.03, 90.0),
            (WtpModel::LogNormal, 12.0, -2.6, 110.0),
        ];
        for (model, alpha, beta, price) in curves {
            let c = WtpCurve { model, alpha, beta };
            let h = 1e-5;
            let numeric =
                (ln_win(&c, price * (1.0 + h)) - ln_win(&c, price * (1.0 - h))) / (2.0 * h);
            let e = c.elasticity_at(price).unwrap_or(f64::NAN);
            assert!((e - numeric).abs() < 1e-5, "{model:?}: {e} vs {numeric}");
            assert!(e < 0.0);
        }
        let c = WtpCurve {
            model: WtpModel::Logistic,
            alpha: 1.0,
            beta: -0.1,
        };
        assert_eq!(c.elasticity_at(0.0), None);
    }
}
