//! The scenario file: a TOML document an analyst can read and diff, parsed strictly (unknown
//! keys, unknown ids and impossible values are errors with the line and column), and written
//! back as clean TOML with its comments regenerated.

use super::ScenarioError;
use super::bounds::{Check, MAX_AMOUNT, MAX_CHANGE_PCT, show};
use super::drivers::{CompetitorRef, DriverValue, check_value};
use super::elements::ElementSetting;
use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// A value and where it was written (byte range in the file; `0..0` when made in the TUI).
pub type At<T> = Spanned<T>;

/// Makes a value that was not read from a file.
pub fn at<T>(value: T) -> At<T> {
    Spanned::new(0..0, value)
}

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "BaselinePeriod::is_default")]
    pub baseline: BaselinePeriod,
    #[serde(default)]
    pub demand: DemandConfig,
    #[serde(default)]
    pub guardrails: Guardrails,
    /// How each element follows a list-price change and whether it returns money to the
    /// customer (absent: the defaults of `elements::default_role`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub elements: BTreeMap<String, ElementSetting>,
    #[serde(
        default,
        rename = "price_change",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub price_changes: Vec<At<PriceChange>>,
    #[serde(default, rename = "discount", skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<At<DiscountRule>>,
    #[serde(default, rename = "cost_change", skip_serializing_if = "Vec::is_empty")]
    pub cost_changes: Vec<At<CostChange>>,
    #[serde(
        default,
        rename = "value_driver",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub value_drivers: Vec<At<ValueDriver>>,
}

/// The period the scenario is evaluated against; both ends inclusive, YYYY-MM-DD. Absent: the
/// twelve calendar months ending with the last whole month of the workspace's transactions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BaselinePeriod {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<At<String>>,
}

impl BaselinePeriod {
    fn is_default(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// Where the demand response comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandSource {
    /// The cell's own elasticity when its fit is ok, else the segment-pooled one.
    #[default]
    Pooled,
    /// The cell's own OLS elasticity only (cells without one are not projected).
    Raw,
    /// The point elasticity of the WTP win curve at today's pocket price where quotes exist,
    /// pooled elsewhere.
    Wtp,
}

impl DemandSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DemandSource::Pooled => "pooled",
            DemandSource::Raw => "raw",
            DemandSource::Wtp => "wtp",
        }
    }
}

/// Which elasticity model a scenario's cells take their estimates from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandModelChoice {
    /// Per cell, the panel model (customer fixed effects, month-of-year, trend) where it is
    /// estimable — an estimate with an interval from enough customers — else the cell model.
    #[default]
    Auto,
    /// The panel model only (cells it cannot estimate are not projected).
    Panel,
    /// The cell model (weekly log-log OLS on the cell's totals) only.
    Cell,
}

impl DemandModelChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DemandModelChoice::Auto => "auto",
            DemandModelChoice::Panel => "panel",
            DemandModelChoice::Cell => "cell",
        }
    }

    fn is_auto(&self) -> bool {
        *self == DemandModelChoice::Auto
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DemandConfig {
    #[serde(default)]
    pub source: DemandSource,
    #[serde(default, skip_serializing_if = "DemandModelChoice::is_auto")]
    pub model: DemandModelChoice,
}

/// Bounds on the recommended list price. Absent increase / decrease limits default to
/// [`DEFAULT_MAX_CHANGE_PCT`] so that inelastic demand never runs away.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Guardrails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_increase_pct: Option<At<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_decrease_pct: Option<At<f64>>,
    /// Pocket margin (pocket − cost) / pocket, in %, that the recommended price must keep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pocket_margin_pct: Option<At<f64>>,
    /// Flag a recommended price whose customer net price (invoice less the off-invoice money
    /// returned to the customer) exceeds the economic value where value drivers define one.
    #[serde(default)]
    pub cap_at_economic_value: bool,
    /// Make the economic value a bound on the customer net price instead of a flag.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enforce_economic_value: bool,
    /// Make the range of pocket prices observed in the baseline a bound.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stay_within_observed: bool,
    /// Within a product family (and a segment, for segment targets), recommended list prices
    /// keep today's order.
    #[serde(default)]
    pub price_ladder: bool,
}

/// The limit used when a scenario sets no maximum increase or decrease.
pub const DEFAULT_MAX_CHANGE_PCT: f64 = 25.0;

impl Guardrails {
    pub fn max_increase(&self) -> f64 {
        self.max_increase_pct
            .as_ref()
            .map_or(DEFAULT_MAX_CHANGE_PCT, |v| *v.get_ref())
    }

    pub fn max_decrease(&self) -> f64 {
        self.max_decrease_pct
            .as_ref()
            .map_or(DEFAULT_MAX_CHANGE_PCT, |v| *v.get_ref())
    }

    pub fn min_margin(&self) -> Option<f64> {
        self.min_pocket_margin_pct.as_ref().map(|v| *v.get_ref())
    }
}

/// Which segment × product cells a rule applies to; each id may use `*` wildcards; absent = all.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<At<String>>,
}

impl Selector {
    /// The selector of exactly one cell.
    pub fn cell(segment: &str, product: &str) -> Selector {
        Selector {
            segment: Some(at(segment.to_string())),
            product: Some(at(product.to_string())),
            family: None,
        }
    }

    /// True when the cell matches every given pattern.
    pub fn matches(&self, segment: &str, product: &str, family: Option<&str>) -> bool {
        let ok = |p: &Option<At<String>>, v: Option<&str>| {
            p.as_ref()
                .is_none_or(|p| v.is_some_and(|v| glob_match(p.get_ref(), v)))
        };
        ok(&self.segment, Some(segment))
            && ok(&self.product, Some(product))
            && ok(&self.family, family)
    }

    /// True when this selects exactly the one cell (no wildcard, no family).
    pub fn is_cell(&self, segment: &str, product: &str) -> bool {
        self.family.is_none()
            && self
                .segment
                .as_ref()
                .is_some_and(|s| s.get_ref() == segment)
            && self
                .product
                .as_ref()
                .is_some_and(|p| p.get_ref() == product)
    }
}

/// A list-price change: `pct` (+3 = 3% up) or `amount` (currency per unit), not both.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriceChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pct: Option<At<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<At<f64>>,
}

/// A unit-cost change, in the same form as a price change.
pub type CostChange = PriceChange;

impl PriceChange {
    pub fn selector(&self) -> Selector {
        Selector {
            segment: self.segment.clone(),
            product: self.product.clone(),
            family: self.family.clone(),
        }
    }

    /// The new value of `base` under this change.
    pub fn apply(&self, base: f64) -> f64 {
        match (&self.pct, &self.amount) {
            (Some(p), _) => base * (1.0 + p.get_ref() / 100.0),
            (None, Some(a)) => base + a.get_ref(),
            (None, None) => base,
        }
    }
}

/// A discount-policy rule on one waterfall element (`on_competitive`, `off_freight`, …):
/// exactly one of `cap_pct` (at most this % of list), `remove = true`, or `scale` (× factor).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountRule {
    pub element: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_pct: Option<At<f64>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<At<f64>>,
}

impl DiscountRule {
    pub fn selector(&self) -> Selector {
        Selector {
            segment: self.segment.clone(),
            product: self.product.clone(),
            family: self.family.clone(),
        }
    }

    /// What the rule does to an element's amount (a cap is a share of the new list price).
    pub fn step(&self) -> super::money::PolicyStep {
        use super::money::PolicyStep;
        match (&self.cap_pct, &self.scale) {
            _ if self.remove => PolicyStep::Remove,
            (Some(cap), _) => PolicyStep::Cap(cap.get_ref() / 100.0),
            (None, Some(k)) => PolicyStep::Scale(*k.get_ref()),
            (None, None) => PolicyStep::Scale(1.0),
        }
    }
}

/// Value drivers of the segment × product cells it selects (ids with `*` wildcards, or a
/// family; absent = all): the price of the next-best alternative and named per-unit
/// differentiation values (positive: worth more than the alternative; negative: worth less,
/// written as positive amounts). The last driver that matches a cell is its value.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDriver {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<At<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<At<String>>,
    /// What the next-best alternative is (free text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative: Option<String>,
    /// The alternative's price per unit (give this or `reference`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_price: Option<At<f64>>,
    /// The alternative's price as a competitor's latest price in the baseline period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<At<CompetitorRef>>,
    /// Each a number per unit or `{ formula = "…", inputs = { … } }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub positive: BTreeMap<String, At<DriverValue>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub negative: BTreeMap<String, At<DriverValue>>,
}

impl ValueDriver {
    pub fn selector(&self) -> Selector {
        Selector {
            segment: self.segment.clone(),
            product: self.product.clone(),
            family: self.family.clone(),
        }
    }
}

/// The ids a scenario may name: the workspace's segments, products (with family) and elements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub segments: Vec<String>,
    /// (product_id, family)
    pub products: Vec<(String, Option<String>)>,
    /// Element columns, `on_*` / `off_*`.
    pub elements: Vec<String>,
}

/// `*` matches any run of characters (including none); everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Converts a byte offset into a 1-based line and column (in characters).
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses and checks a scenario against the workspace's ids; `origin` names the file in errors.
pub fn parse(src: &str, origin: &str, catalog: &Catalog) -> Result<Scenario, ScenarioError> {
    let err = |span: Range<usize>, message: String| invalid(src, origin, span, message);
    let scenario: Scenario = toml::from_str(src).map_err(|e| {
        let message = e.message().trim().to_string();
        err(e.span().unwrap_or(0..0), message)
    })?;
    Checker { catalog }
        .scenario(&scenario)
        .map_err(|(span, m)| err(span, m))?;
    Ok(scenario)
}

fn invalid(src: &str, origin: &str, span: Range<usize>, message: String) -> ScenarioError {
    let (line, column) = line_col(src, span.start);
    ScenarioError::Invalid {
        file: origin.to_string(),
        line,
        column,
        message,
    }
}

/// True when `text` reads as a scenario file (its keys and types; ids are not checked).
pub fn is_scenario(text: &str) -> bool {
    toml::from_str::<Scenario>(text).is_ok()
}

/// A scenario file's text and the name its errors give it, kept so that a check against the
/// workspace's data (see `bounds::check_plans`) can point into the file too.
#[derive(Debug, Clone)]
pub struct Source {
    pub origin: String,
    pub text: String,
}

impl Source {
    pub fn read(path: &std::path::Path) -> Result<Source, ScenarioError> {
        let origin = path.display().to_string();
        if let Some(text) = super::bundled::text(path) {
            let text = text.to_string();
            return Ok(Source { origin, text });
        }
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Source { origin, text }),
            Err(reason) => Err(ScenarioError::Read {
                file: origin,
                reason,
            }),
        }
    }

    pub fn parse(&self, catalog: &Catalog) -> Result<Scenario, ScenarioError> {
        parse(&self.text, &self.origin, catalog)
    }

    /// A check's problem as an error with this file's line and column.
    pub fn error(&self, (span, message): (Range<usize>, String)) -> ScenarioError {
        invalid(&self.text, &self.origin, span, message)
    }
}

/// Reads and parses a scenario file.
pub fn load(path: &std::path::Path, catalog: &Catalog) -> Result<Scenario, ScenarioError> {
    Source::read(path)?.parse(catalog)
}

fn fail<T>(at: &At<T>, message: String) -> Check {
    Err((at.span(), message))
}

struct Checker<'a> {
    catalog: &'a Catalog,
}

impl Checker<'_> {
    fn scenario(&self, s: &Scenario) -> Check {
        self.baseline(&s.baseline)?;
        self.guardrails(&s.guardrails)?;
        super::elements::check(&s.elements, self.catalog)?;
        for c in &s.price_changes {
            self.change(c, "price_change")?;
        }
        for c in &s.cost_changes {
            self.change(c, "cost_change")?;
        }
        for d in &s.discounts {
            self.discount(d)?;
        }
        for v in &s.value_drivers {
            self.value_driver(v)?;
        }
        Ok(())
    }

    fn baseline(&self, b: &BaselinePeriod) -> Check {
        let mut dates = Vec::new();
        for end in [&b.from, &b.to].into_iter().flatten() {
            match end.get_ref().parse::<Date>() {
                Ok(d) => dates.push(d),
                Err(e) => fail(end, e.to_string())?,
            }
        }
        if let (Some(to), [from, until]) = (&b.to, dates.as_slice())
            && from > until
        {
            return fail(to, format!("baseline 'to' {until} is before 'from' {from}"));
        }
        Ok(())
    }

    fn guardrails(&self, g: &Guardrails) -> Check {
        for (v, name, max) in [
            (&g.max_increase_pct, "max_increase_pct", MAX_CHANGE_PCT),
            (&g.max_decrease_pct, "max_decrease_pct", 99.0),
            (&g.min_pocket_margin_pct, "min_pocket_margin_pct", 99.0),
        ] {
            if let Some(v) = v
                && !(0.0..=max).contains(v.get_ref())
            {
                fail(
                    v,
                    format!("{name} {} must be between 0 and {max}", show(*v.get_ref())),
                )?;
            }
        }
        Ok(())
    }

    fn selector(
        &self,
        segment: &Option<At<String>>,
        product: &Option<At<String>>,
        family: &Option<At<String>>,
    ) -> Check {
        if let Some(s) = segment {
            self.known(
                s,
                "segment",
                self.catalog.segments.iter().map(String::as_str),
            )?;
        }
        if let Some(p) = product {
            self.known(
                p,
                "product",
                self.catalog.products.iter().map(|(p, _)| p.as_str()),
            )?;
        }
        if let Some(f) = family {
            let families = self
                .catalog
                .products
                .iter()
                .filter_map(|(_, f)| f.as_deref());
            self.known(f, "family", families)?;
        }
        Ok(())
    }

    /// The pattern names (or, with `*`, matches) at least one id of the catalog.
    fn known<'a>(
        &self,
        id: &At<String>,
        what: &str,
        mut ids: impl Iterator<Item = &'a str>,
    ) -> Check {
        let pattern = id.get_ref();
        if ids.any(|known| glob_match(pattern, known)) {
            return Ok(());
        }
        match pattern.contains('*') {
            true => fail(id, format!("{what} pattern '{pattern}' matches no {what}")),
            false => fail(id, format!("unknown {what} '{pattern}'")),
        }
    }

    /// A price or cost change; whether it keeps every cell's price possible depends on the data
    /// (`bounds::check_plans`).
    fn change(&self, c: &At<PriceChange>, what: &str) -> Check {
        let r = c.get_ref();
        self.selector(&r.segment, &r.product, &r.family)?;
        match (&r.pct, &r.amount) {
            (Some(_), Some(a)) => fail(a, format!("{what}: give 'pct' or 'amount', not both")),
            (None, None) => fail(c, format!("{what}: needs 'pct' or 'amount'")),
            (Some(p), None) => change_pct(p, what),
            (None, Some(a)) if !(-MAX_AMOUNT..=MAX_AMOUNT).contains(a.get_ref()) => fail(
                a,
                format!(
                    "{what}: amount {} must be a number between -1e12 and 1e12",
                    show(*a.get_ref())
                ),
            ),
            (None, Some(_)) => Ok(()),
        }
    }

    fn discount(&self, d: &At<DiscountRule>) -> Check {
        let r = d.get_ref();
        let name = r.element.get_ref();
        if !self.catalog.elements.iter().any(|e| e == name) {
            let known = self.catalog.elements.join(", ");
            fail(
                &r.element,
                format!("unknown element '{name}' (the workspace has: {known})"),
            )?;
        }
        self.selector(&r.segment, &r.product, &r.family)?;
        let actions = usize::from(r.cap_pct.is_some())
            + usize::from(r.remove)
            + usize::from(r.scale.is_some());
        if actions != 1 {
            return fail(
                d,
                format!(
                    "discount on '{name}': give exactly one of 'cap_pct', 'remove = true', 'scale'"
                ),
            );
        }
        if let Some(c) = &r.cap_pct
            && !(0.0..=100.0).contains(c.get_ref())
        {
            fail(
                c,
                format!(
                    "cap_pct {} must be between 0 and 100 (% of list)",
                    show(*c.get_ref())
                ),
            )?;
        }
        if let Some(s) = &r.scale
            && !(0.0..=10.0).contains(s.get_ref())
        {
            fail(
                s,
                format!("scale {} must be between 0 and 10", show(*s.get_ref())),
            )?;
        }
        Ok(())
    }

    fn value_driver(&self, v: &At<ValueDriver>) -> Check {
        let r = v.get_ref();
        self.selector(&r.segment, &r.product, &r.family)?;
        match (&r.reference_price, &r.reference) {
            (Some(_), Some(c)) => fail(
                c,
                "value_driver: give 'reference_price' or 'reference', not both".into(),
            )?,
            (None, None) => fail(
                v,
                "value_driver: needs 'reference_price' (a number) or 'reference = { competitor = \"…\", product = \"…\" }'".into(),
            )?,
            (Some(p), None) if !(*p.get_ref() > 0.0 && *p.get_ref() <= MAX_AMOUNT) => fail(
                p,
                format!(
                    "reference_price {} must be positive and at most 1e12",
                    show(*p.get_ref())
                ),
            )?,
            (Some(_), None) => {}
            (None, Some(c)) => {
                let product = &c.get_ref().product;
                self.known(
                    product,
                    "product",
                    self.catalog.products.iter().map(|(p, _)| p.as_str()),
                )?;
            }
        }
        for (name, amount) in r.positive.iter().chain(&r.negative) {
            check_value(name, amount)?;
        }
        Ok(())
    }
}

/// A price change's `pct` lies in (−100, 1000]; a cost change's in [−100, 1000] (free is a cost).
fn change_pct(p: &At<f64>, what: &str) -> Check {
    let v = *p.get_ref();
    let (low_ok, low) = match what {
        "cost_change" => (v >= -100.0, "at least -100 (a cost of 0)"),
        _ => (v > -100.0, "above -100 (a price of 0)"),
    };
    if low_ok && v <= MAX_CHANGE_PCT {
        return Ok(());
    }
    let message = format!(
        "{what}: pct {} must be {low} and at most {MAX_CHANGE_PCT}",
        show(v)
    );
    fail(p, message)
}

/// The scenario as TOML, with a header comment; reads back to an equal scenario.
pub fn to_toml(s: &Scenario) -> Result<String, ScenarioError> {
    let body = toml::to_string_pretty(s).map_err(|e| ScenarioError::Write(e.to_string()))?;
    Ok(format!(
        "# pricebench scenario '{}' (written by pricebench; see README \"Scenario files\").\n\
         # Percentages are in % (3 = 3%); amounts are currency per unit.\n\n{body}",
        s.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob_match("*", "P0001"));
        assert!(glob_match("P00*", "P0001"));
        assert!(glob_match("*01", "P0001"));
        assert!(glob_match("P*0*1", "P0001"));
        assert!(!glob_match("P01*", "P0001"));
        assert!(!glob_match("P0001", "P00011"));
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let src = "a = 1\nbc = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 9), (2, 4));
    }
}
