//! Scenarios: the TOML file an analyst writes, its evaluation against a baseline (volume, pocket
//! revenue and pocket margin before and after, with a range), the value map and the recommended
//! prices it implies, and the comparison of two scenarios — pure, no SQLite, no terminal.

pub mod baseline;
pub mod bounds;
pub mod evaluate;
pub mod file;
pub mod pricing;
pub mod session;

pub use baseline::{Baseline, BaselineCell, CellDemand, Confidence, ElementDef, Estimate};
pub use evaluate::{CellPlan, CellResult, Evaluation, Measures, Outcome, evaluate, plan};
pub use file::{Catalog, DemandSource, Scenario, Source, load, parse, to_toml};
pub use pricing::{Recommendation, ValueRow, recommendations, value_rows};

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
}

impl Prepared {
    pub fn new(scenario: Scenario, baseline: Baseline) -> Prepared {
        let plans = plan(&scenario, &baseline);
        Prepared {
            scenario,
            baseline,
            plans,
        }
    }

    pub fn evaluation(&self) -> Evaluation {
        evaluate(&self.baseline, &self.plans)
    }

    pub fn recommendations(&self) -> Vec<Recommendation> {
        recommendations(&self.scenario, &self.baseline, &self.plans)
    }

    pub fn value_rows(&self) -> Vec<ValueRow> {
        value_rows(&self.scenario, &self.baseline, &self.plans)
    }

    /// Re-plans one cell after its rules changed.
    pub fn replan_cell(&mut self, i: usize) {
        let elements: Vec<String> = self
            .baseline
            .elements
            .iter()
            .map(|e| e.column.clone())
            .collect();
        if let (Some(cell), Some(plan)) = (self.baseline.cells.get(i), self.plans.get_mut(i)) {
            *plan = evaluate::plan_cell(&self.scenario, cell, &elements);
        }
    }
}
