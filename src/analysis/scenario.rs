//! A scenario against the workspace: its file checked against the workspace's ids, its
//! baseline (the period's per segment × product sums with each cell's demand inputs), and the
//! plans its rules make.
//!
//! `demand_inputs` is the one place that turns the demand models' results (the current
//! elasticities and the best WTP fit per cell) into a [`CellDemand`].

use super::demand::{current_elasticities, current_panel_elasticities, current_wtp};
use crate::model::{self, DemandModel, ElasticityRow, FitStatus, WtpModel};
use crate::realization::sums::{Element, ElementKind, GroupSums};
use crate::scenario::baseline::{
    Baseline, BaselineCell, CellDemand, CustomerLine, ElementDef, Estimate,
};
use crate::scenario::file::BaselinePeriod;
use crate::scenario::{self, DemandModelChoice, Inputs, Prepared};
use crate::store::realization::{self, Grouping, Scope};
use crate::store::scenario::{baseline_period, catalog};
use crate::store::{StoreError, Workspace};
use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;

/// How much of the baseline to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Each cell's customers only when the scenario's rules need them (a cap, which binds
    /// customer by customer): reading them scans the period's transaction lines.
    AsNeeded,
    /// Always each cell's customers, for a scenario that will be edited (the TUI adds caps).
    Customers,
}

/// Reads and checks the scenario at `path`, loads its baseline from the workspace, and checks
/// that its rules keep every cell's list price and unit cost possible.
pub fn prepare(ws: &Workspace, path: &Path) -> anyhow::Result<Prepared> {
    prepare_with(ws, path, Detail::AsNeeded)
}

/// [`prepare`], reading the baseline in `detail`.
pub fn prepare_with(ws: &Workspace, path: &Path, detail: Detail) -> anyhow::Result<Prepared> {
    let catalog = catalog(ws).context("cannot read the workspace's ids")?;
    let source = scenario::Source::read(path)?;
    let s = source.parse(&catalog)?;
    let customers = detail == Detail::Customers || scenario::needs_customers(&s, &catalog.elements);
    let baseline = baseline_with(ws, &s.baseline, s.demand.model, customers)
        .context("cannot read the scenario's baseline")?;
    scenario::bounds::check_plans(&s, &baseline).map_err(|p| source.error(p))?;
    scenario::drivers::check_references(&s, &baseline).map_err(|p| source.error(p))?;
    let dates = (
        crate::date::Date::parse(&baseline.from),
        crate::date::Date::parse(&baseline.to),
    );
    let period = match dates {
        (Some(from), Some(to)) => crate::store::query::period_used(ws, Some(from), Some(to), None)?,
        _ => None,
    };
    let mut prepared = Prepared::new(s, baseline);
    prepared.inputs = Some(Inputs {
        scenario_sha256: scenario::sha256_hex(source.text.as_bytes()),
        data_stamp: crate::store::demand::data_stamp(ws)?,
        data_imported_at: crate::store::query::latest_import(ws)?.map(|i| i.imported_at),
        currency: crate::store::query::reporting_currency(ws)?,
        period,
    });
    Ok(prepared)
}

/// The baseline cells (positive net volume and list revenue) of the period, in segment,
/// product order, with their demand inputs and customers.
pub fn baseline(ws: &Workspace, period: &BaselinePeriod) -> Result<Baseline, StoreError> {
    baseline_with(ws, period, DemandModelChoice::default(), true)
}

/// [`baseline`], its demand inputs from `model`, with each cell's customers only when
/// `customers`.
pub fn baseline_with(
    ws: &Workspace,
    period: &BaselinePeriod,
    model: DemandModelChoice,
    customers: bool,
) -> Result<Baseline, StoreError> {
    let elements = crate::store::elements(ws)?;
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
    let demand = demand_inputs(ws, model)?;
    let mut customers = match customers {
        true => customer_lines(ws, &elements, &scope)?,
        false => HashMap::new(),
    };
    let observed = observed_pockets(ws, from, to)?;
    let cells = groups
        .into_iter()
        .filter(|g| g.sums.quantity > 0.0 && g.sums.list_revenue > 0.0)
        .map(|g| {
            let key = (
                g.key.segment_id.clone().unwrap_or_default(),
                g.key.product_id.clone().unwrap_or_default(),
            );
            let mut cell = baseline_cell(g, &families, &demand);
            cell.customers = customers.remove(&key).unwrap_or_default();
            cell.observed_pocket = observed.get(&key).copied();
            cell
        })
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
        competitors: crate::model::competitor::latest_prices(
            &crate::store::competitors::competitor_prices(ws, None, None)?,
            &from.to_string(),
            &to.to_string(),
        ),
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
        customers: Vec::new(),
        observed_pocket: None,
    };
    if let Some((d, curve)) = demand.get(&(cell.segment_id.clone(), cell.product_id.clone())) {
        cell.demand = d.clone();
        let p0 = cell.pocket_price();
        cell.demand.wtp_elasticity = curve.as_ref().and_then(|f| f.elasticity_at(p0));
    }
    cell
}

type CellKey = (String, String);

/// Each cell's customers over the scope: net quantity, list revenue and element sums.
fn customer_lines(
    ws: &Workspace,
    elements: &[Element],
    scope: &Scope,
) -> Result<HashMap<CellKey, Vec<CustomerLine>>, StoreError> {
    let groups = realization::group_sums(ws, elements, Grouping::CustomerProduct, scope)?;
    let mut out: HashMap<CellKey, Vec<CustomerLine>> = HashMap::new();
    for g in groups {
        let key = (
            g.key.segment_id.unwrap_or_default(),
            g.key.product_id.unwrap_or_default(),
        );
        out.entry(key).or_default().push(CustomerLine {
            quantity: g.sums.quantity,
            list_revenue: g.sums.list_revenue,
            element_sums: g.sums.elements,
        });
    }
    Ok(out)
}

/// Each cell's lowest and highest weekly pocket price over the weeks starting in the period.
fn observed_pockets(
    ws: &Workspace,
    from: crate::date::Date,
    to: crate::date::Date,
) -> Result<HashMap<CellKey, (f64, f64)>, StoreError> {
    let settings = crate::store::demand::ElasticitySettings::default();
    let cells = crate::store::demand::period_points(ws, &settings, from, to)?;
    Ok(cells
        .into_iter()
        .filter_map(|c| {
            let prices = c.points.iter().map(|p| p.price);
            let lo = prices.clone().fold(f64::INFINITY, f64::min);
            let hi = prices.fold(f64::NEG_INFINITY, f64::max);
            (lo.is_finite() && hi.is_finite()).then_some(((c.segment_id, c.product_id), (lo, hi)))
        })
        .collect())
}

/// A cell's demand and its best WTP curve where quotes exist.
pub type DemandInput = (CellDemand, Option<WtpCurve>);

/// The demand inputs of every segment × product cell, from the demand models' current results
/// (stored results when fresh, else fitted now and not stored): the elasticities `model` asks
/// for — the cell model weekly on the pocket price, the panel model monthly on the pocket
/// price, or per cell the panel where [`panel_estimable`] and the cell model elsewhere — and
/// the best WTP model (by AIC) of each cell's quotes.
pub fn demand_inputs(
    ws: &Workspace,
    model: DemandModelChoice,
) -> Result<HashMap<CellKey, DemandInput>, StoreError> {
    let mut out: HashMap<CellKey, DemandInput> = HashMap::new();
    if model != DemandModelChoice::Panel {
        for r in current_elasticities(ws)? {
            let demand = cell_demand(&r, DemandModel::Cell);
            out.insert((r.segment_id, r.product_id), (demand, None));
        }
    }
    if model != DemandModelChoice::Cell {
        for r in current_panel_elasticities(ws)? {
            if model == DemandModelChoice::Panel || panel_estimable(&r) {
                let demand = cell_demand(&r, DemandModel::Panel);
                out.insert((r.segment_id, r.product_id), (demand, None));
            }
        }
    }
    for w in current_wtp(ws)? {
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

/// True when the panel model could estimate the cell: an estimate with its interval, from
/// enough customers for a cluster-robust interval (not `few_customers`).
pub fn panel_estimable(r: &ElasticityRow) -> bool {
    own_estimate(r).is_some() && r.flag != FitStatus::FewCustomers
}

fn cell_demand(r: &ElasticityRow, model: DemandModel) -> CellDemand {
    CellDemand {
        model: Some(model),
        raw: own_estimate(r),
        flag: Some(r.flag),
        pooled: pooled_estimate(r),
        ..CellDemand::default()
    }
}

/// A cell's own fit as an estimate: Student t with n − 2 degrees of freedom for the cell
/// model, G − 1 (G customers, the clusters) for the panel.
fn own_estimate(r: &ElasticityRow) -> Option<Estimate> {
    let df = match r.n_customers {
        Some(g) => g.saturating_sub(1),
        None => r.n_periods.saturating_sub(2),
    };
    Some(Estimate {
        elasticity: r.elasticity?,
        ci_low: r.ci_low?,
        ci_high: r.ci_high?,
        std_error: r.std_error?,
        df: Some(df as f64),
    })
}

/// A cell's pooled estimate: normal, its interval ± 1.96 SE.
fn pooled_estimate(r: &ElasticityRow) -> Option<Estimate> {
    let (lo, hi) = (r.pooled_ci_low?, r.pooled_ci_high?);
    Some(Estimate {
        elasticity: r.pooled_elasticity?,
        ci_low: lo,
        ci_high: hi,
        std_error: (hi - lo) / (2.0 * 1.959_963_984_540_054),
        df: None,
    })
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
