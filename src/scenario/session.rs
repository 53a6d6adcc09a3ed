//! An edited scenario: the loaded scenario with its evaluation, value map and recommendations
//! kept current as single cells are nudged (list price, discount cap), with undo. Each edit
//! re-plans only the cell it touches and re-evaluates the totals — pure arithmetic, fast enough
//! to run on every keypress; the recommendations are recomputed lazily after a policy change.

use super::bounds::{MAX_CHANGE_PCT, check_cell, show};
use super::file::{At, DiscountRule, PriceChange, Selector, at};
use super::{Evaluation, Level, Prepared, Recommendations, Scenario, ValueRow};
use std::path::PathBuf;

/// A loaded scenario and what it implies, kept current as it is edited.
#[derive(Debug, Clone)]
pub struct Session {
    pub path: PathBuf,
    pub prepared: Prepared,
    pub evaluation: Evaluation,
    pub values: Vec<ValueRow>,
    recommendations: Option<Recommendations>,
    /// The level the recommendations are made at.
    pub level: Level,
    /// Each edit's scenario before it, the cell it touched and whether it changed the policy.
    undo: Vec<(Scenario, usize, bool)>,
    /// The scenario as it was last loaded or saved.
    saved: Scenario,
    /// Edited since it was loaded or saved.
    pub dirty: bool,
}

impl Session {
    pub fn new(path: PathBuf, prepared: Prepared) -> Session {
        Session {
            path,
            evaluation: prepared.evaluation(),
            values: prepared.value_rows(),
            recommendations: None,
            level: Level::default(),
            saved: prepared.scenario.clone(),
            prepared,
            undo: Vec::new(),
            dirty: false,
        }
    }

    /// Makes the recommendations at `level` (computed on next use).
    pub fn set_level(&mut self, level: Level) {
        if self.level != level {
            self.level = level;
            self.recommendations = None;
        }
    }

    /// The scenario was written to `path` as `text`: that file is now its source, and what its
    /// provenance hashes.
    pub fn saved_as(&mut self, path: PathBuf, text: &str) {
        self.path = path;
        self.saved = self.prepared.scenario.clone();
        self.dirty = false;
        if let Some(inputs) = self.prepared.inputs.as_mut() {
            inputs.scenario_sha256 = super::sha256_hex(text.as_bytes());
        }
    }

    /// The recommended prices, computed on first use after a change to the discount policy.
    pub fn recommendations(&mut self) -> &Recommendations {
        let (prepared, level) = (&self.prepared, self.level);
        self.recommendations
            .get_or_insert_with(|| prepared.recommendations(level))
    }

    /// The recommendations if they are current.
    pub fn cached_recommendations(&self) -> Option<&Recommendations> {
        self.recommendations.as_ref()
    }

    fn ids(&self, i: usize) -> Option<(String, String)> {
        let c = self.prepared.baseline.cells.get(i)?;
        Some((c.segment_id.clone(), c.product_id.clone()))
    }

    /// Raises (or lowers) cell `i`'s list price by `pct` %, compounding with an edit of the same
    /// cell made just before; re-evaluates. An edit that would take the change past the bounds
    /// of a scenario file (`bounds`) is not made: the message says why.
    pub fn nudge_price(&mut self, i: usize, pct: f64) -> Result<(), String> {
        let Some((seg, prod)) = self.ids(i) else {
            return Ok(());
        };
        self.undo.push((self.prepared.scenario.clone(), i, false));
        let rules = &mut self.prepared.scenario.price_changes;
        let last_is_ours = rules.last().is_some_and(|r| {
            let r = r.get_ref();
            r.selector().is_cell(&seg, &prod) && r.pct.is_some()
        });
        match rules.last_mut().filter(|_| last_is_ours) {
            Some(r) => {
                let old = r.get_ref().pct.as_ref().map_or(0.0, |p| *p.get_ref());
                let new = round(((1.0 + old / 100.0) * (1.0 + pct / 100.0) - 1.0) * 100.0);
                r.get_mut().pct = Some(at(new));
            }
            None => rules.push(at(PriceChange {
                pct: Some(at(pct)),
                amount: None,
                ..price_rule(Selector::cell(&seg, &prod))
            })),
        }
        if let Err(why) = self.within_bounds(i) {
            if let Some((previous, _, _)) = self.undo.pop() {
                self.prepared.scenario = previous;
            }
            return Err(why);
        }
        self.edited(i, false);
        Ok(())
    }

    /// The last price rule (the one just edited) and cell `i` within what a file may hold, so
    /// that a saved scenario loads back.
    fn within_bounds(&self, i: usize) -> Result<(), String> {
        let s = &self.prepared.scenario;
        let last = s
            .price_changes
            .last()
            .and_then(|r| r.get_ref().pct.as_ref());
        if let Some(&pct) = last.map(At::get_ref)
            && !(pct > -100.0 && pct <= MAX_CHANGE_PCT)
        {
            return Err(format!(
                "a list-price change of {}% is outside what a scenario may hold (above -100, at most {MAX_CHANGE_PCT})",
                show(pct)
            ));
        }
        match self.prepared.baseline.cells.get(i) {
            Some(cell) => check_cell(s, cell).map_err(|(_, message)| message),
            None => Ok(()),
        }
    }

    /// Moves the cap of cell `i`'s largest discount element by `points` % of list (negative:
    /// tighter); returns the element's name, or `None` when there is nothing to cap.
    pub fn nudge_cap(&mut self, i: usize, points: f64) -> Option<String> {
        let (seg, prod) = self.ids(i)?;
        let plan = self.prepared.plans.get(i)?;
        let (k, share) = plan
            .element_shares
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let element = self.prepared.baseline.elements.get(k)?.column.clone();
        let before = self.prepared.scenario.clone();
        let rules = &mut self.prepared.scenario.discounts;
        let ours = |r: &DiscountRule| {
            r.selector().is_cell(&seg, &prod)
                && *r.element.get_ref() == element
                && r.cap_pct.is_some()
        };
        let cap = round((share * 100.0 + points).clamp(0.0, 100.0));
        match rules.last_mut().filter(|r| ours(r.get_ref())) {
            Some(r) => {
                let old = r.get_ref().cap_pct.as_ref().map_or(cap, |c| *c.get_ref());
                r.get_mut().cap_pct = Some(at(round((old + points).clamp(0.0, 100.0))));
            }
            None if points < 0.0 && share > 0.0 => rules.push(at(DiscountRule {
                element: at(element.clone()),
                segment: Some(at(seg)),
                product: Some(at(prod)),
                family: None,
                cap_pct: Some(at(cap)),
                remove: false,
                scale: None,
            })),
            None => return None,
        }
        self.undo.push((before, i, true));
        self.edited(i, true);
        Some(element)
    }

    fn edited(&mut self, i: usize, policy: bool) {
        self.prepared.replan_cell(i);
        self.evaluation = self.prepared.evaluation();
        if policy {
            self.recommendations = None;
        }
        self.dirty = self.prepared.scenario != self.saved;
    }

    /// Goes back to the scenario before the last edit; false when there is none. An edit
    /// touched one cell's rules, so only that cell is re-planned (as the edit did), not all of
    /// them: undo answers as fast as a nudge.
    pub fn undo(&mut self) -> bool {
        let Some((previous, i, policy)) = self.undo.pop() else {
            return false;
        };
        self.prepared.scenario = previous;
        self.edited(i, policy);
        true
    }
}

fn price_rule(sel: Selector) -> PriceChange {
    PriceChange {
        segment: sel.segment,
        product: sel.product,
        family: sel.family,
        pct: None,
        amount: None,
    }
}

/// Edits are kept to 6 decimals of a percentage, so that a saved file reads cleanly and
/// evaluates exactly as the session did.
fn round(pct: f64) -> f64 {
    (pct * 1e6).round() / 1e6
}
