//! Scenarios: the TOML file an analyst writes, its evaluation against a baseline (volume, pocket
//! revenue and pocket margin before and after, with a range), the value map and the recommended
//! prices it implies, and the comparison of two scenarios — pure, no SQLite, no terminal.

pub mod baseline;
pub mod bounds;
pub mod bundled;
pub mod curve;
pub mod decision;
pub mod drivers;
pub mod elements;
pub mod evaluate;
pub mod file;
pub mod money;
pub mod pricing;
pub mod session;
pub mod value_map;

pub use baseline::{
    Baseline, BaselineCell, CellDemand, Confidence, CustomerLine, ElementDef, Estimate,
};
pub use evaluate::{CellPlan, CellResult, Evaluation, Measures, Outcome, evaluate, plan};
pub use file::{Catalog, DemandModelChoice, DemandSource, Scenario, Source, load, parse, to_toml};
pub use pricing::{
    GuardrailCost, Level, ProductPrice, Recommendation, Recommendations, ValueRow, recommendations,
    value_rows,
};

/// True when the scenario's rules need each cell's customers to be evaluated exactly: a cap
/// binds customer by customer, and an invoice-scaled element follows each customer's own
/// invoice, which moves apart from the list when an on-invoice element is fixed or changed by
/// a rule. Otherwise every amount is linear in the cell's sums, which give the same answer.
pub fn needs_customers(s: &Scenario, columns: &[String]) -> bool {
    let roles = elements::roles(&s.elements, columns);
    let capped = s.discounts.iter().any(|d| d.get_ref().cap_pct.is_some());
    let on_moved = roles
        .iter()
        .any(|r| r.on_invoice && r.scales == elements::Scales::Fixed)
        || s.discounts
            .iter()
            .any(|d| d.get_ref().element.get_ref().starts_with("on_"));
    let invoice_off = roles
        .iter()
        .any(|r| !r.on_invoice && r.scales == elements::Scales::Invoice);
    capped || (on_moved && invoice_off)
}

/// Why a scenario cannot be read, checked or written.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    // The cause is shown in the message, not chained as a source, so that "{:#}" prints it once.
    #[error("cannot read scenario '{file}': {reason}")]
    Read {
        file: String,
        reason: std::io::Error,
    },
    #[error("cannot write the scenario as TOML: {0}")]
    Write(String),
}

/// A scenario with its baseline and plan, ready to evaluate, value and recommend.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub scenario: Scenario,
    pub baseline: Baseline,
    pub plans: Vec<CellPlan>,
    /// What the scenario was read from, when it was read from a file and a workspace.
    pub inputs: Option<Inputs>,
}

/// The file and data a prepared scenario was read from, for provenance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Inputs {
    /// SHA-256 of the scenario file's text, lowercase hex.
    pub scenario_sha256: String,
    /// The workspace's data stamp (latest import and aggregate row counts).
    pub data_stamp: String,
    /// When the latest import ran (UTC).
    pub data_imported_at: Option<String>,
    /// The workspace's reporting currency, when it has one: every amount is in it.
    pub currency: Option<String>,
    /// The first and last date with lines in the baseline period (`None`: none).
    pub period: Option<(String, String)>,
}

/// SHA-256 of `bytes`, lowercase hex (a scenario's text, for provenance).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Prepared {
    /// The reporting currency of the workspace it was read from, if it has one.
    pub fn currency(&self) -> Option<&str> {
        self.inputs.as_ref()?.currency.as_deref()
    }

    /// Why comparing `self` (A) with `other` (B) misleads, when they are evaluated on different
    /// baseline periods: each scenario's totals are then measured on different data.
    pub fn baseline_warning(&self, other: &Prepared) -> Option<String> {
        let (a, b) = (&self.baseline, &other.baseline);
        (a.from != b.from || a.to != b.to).then(|| {
            format!(
                "baselines differ: A {} – {}, B {} – {}; the totals are not comparable",
                a.from, a.to, b.from, b.to
            )
        })
    }

    pub fn new(scenario: Scenario, baseline: Baseline) -> Prepared {
        let plans = plan(&scenario, &baseline);
        Prepared {
            scenario,
            baseline,
            plans,
            inputs: None,
        }
    }

    pub fn evaluation(&self) -> Evaluation {
        evaluate(&self.baseline, &self.plans)
    }

    pub fn recommendations(&self, level: Level) -> Recommendations {
        recommendations(&self.scenario, &self.baseline, &self.plans, level)
    }

    /// The margin curve of row `row` of `recs` (see [`curve::margin_curve`]).
    pub fn margin_curve(
        &self,
        recs: &Recommendations,
        row: usize,
    ) -> Result<curve::MarginCurve, String> {
        curve::margin_curve(&self.scenario, &self.baseline, &self.plans, recs, row)
    }

    pub fn value_rows(&self) -> Vec<ValueRow> {
        value_rows(&self.scenario, &self.baseline, &self.plans)
    }

    /// The value map per segment × family: our products and the competitors' at price against
    /// perceived benefit, with the value-equivalence line (see [`value_map`]).
    pub fn value_map(&self) -> value_map::ValueMap {
        value_map::value_map(&self.value_rows(), &self.baseline.competitors)
    }

    /// Re-plans one cell after its rules changed.
    pub fn replan_cell(&mut self, i: usize) {
        let columns = evaluate::columns(&self.baseline);
        let roles = elements::roles(&self.scenario.elements, &columns);
        if let (Some(cell), Some(plan)) = (self.baseline.cells.get(i), self.plans.get_mut(i)) {
            *plan = evaluate::plan_cell(&self.scenario, cell, &roles, &columns);
        }
    }
}
