//! Every pricing method's answer for one segment × product on one price axis, each with its
//! interval, and the pairs of methods that disagree by more than their intervals allow
//! (triangulation) — pure functions over the models' results.
//!
//! The axis is the **invoice price per unit**: quotes are invoice prices, survey answers are the
//! prices a customer would pay. Two answers are moved onto it, each by what today's waterfall
//! takes away: the elasticity optimum (a pocket price) plus today's off-invoice amount per unit,
//! and the economic value (a customer net price) plus the off-invoice money returned to the
//! customer.

use super::cells::WtpRow;
use super::elasticity::FitStatus;
use super::psm::{PsmIntervals, PsmResult, PsmStatus};
use super::recommend::{Binding, Bounds, optimise};
use super::wtp::WtpStatus;
use serde::Serialize;

/// One method (or one of today's prices) on the axis. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    ListPrice,
    InvoicePrice,
    PocketPrice,
    /// The pocket-margin-maximising price under the cell model's elasticity.
    ElasticityCell,
    /// The same under the panel model's elasticity.
    ElasticityPanel,
    WtpMedian,
    /// The quoted price that maximises expected margin per quote.
    WtpMaxMargin,
    /// Van Westendorp's range of acceptable prices, PMC to PME.
    PsmRange,
    PsmOpp,
    PsmIpp,
    EconomicValue,
}

/// Where a method's evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Today's prices: what is charged, not an estimate.
    Today,
    Transactions,
    Quotes,
    Survey,
    /// The scenario's value drivers.
    Scenario,
}

impl Method {
    /// Every method, in the order a cell lists them.
    pub const ALL: [Method; 11] = [
        Method::ListPrice,
        Method::InvoicePrice,
        Method::PocketPrice,
        Method::ElasticityCell,
        Method::ElasticityPanel,
        Method::WtpMedian,
        Method::WtpMaxMargin,
        Method::PsmRange,
        Method::PsmOpp,
        Method::PsmIpp,
        Method::EconomicValue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::ListPrice => "list_price",
            Method::InvoicePrice => "invoice_price",
            Method::PocketPrice => "pocket_price",
            Method::ElasticityCell => "elasticity_optimum_cell",
            Method::ElasticityPanel => "elasticity_optimum_panel",
            Method::WtpMedian => "wtp_median",
            Method::WtpMaxMargin => "wtp_max_margin",
            Method::PsmRange => "psm_range",
            Method::PsmOpp => "psm_opp",
            Method::PsmIpp => "psm_ipp",
            Method::EconomicValue => "economic_value",
        }
    }

    /// A short name for the screen and the notes (at most 15 characters).
    pub fn label(self) -> &'static str {
        match self {
            Method::ListPrice => "list today",
            Method::InvoicePrice => "invoice today",
            Method::PocketPrice => "pocket today",
            Method::ElasticityCell => "elasticity cell",
            Method::ElasticityPanel => "elasticity panel",
            Method::WtpMedian => "WTP median",
            Method::WtpMaxMargin => "WTP max margin",
            Method::PsmRange => "VW range",
            Method::PsmOpp => "VW OPP",
            Method::PsmIpp => "VW IPP",
            Method::EconomicValue => "economic value",
        }
    }

    pub fn source(self) -> Source {
        match self {
            Method::ListPrice | Method::InvoicePrice | Method::PocketPrice => Source::Today,
            Method::ElasticityCell | Method::ElasticityPanel => Source::Transactions,
            Method::WtpMedian | Method::WtpMaxMargin => Source::Quotes,
            Method::PsmRange | Method::PsmOpp | Method::PsmIpp => Source::Survey,
            Method::EconomicValue => Source::Scenario,
        }
    }

    /// The price the method measures natively, before it is put on the invoice axis.
    pub fn basis(self) -> &'static str {
        match self {
            Method::ListPrice => "list",
            Method::InvoicePrice => "invoice",
            Method::PocketPrice => "pocket",
            Method::ElasticityCell | Method::ElasticityPanel => "from_pocket",
            Method::WtpMedian | Method::WtpMaxMargin => "quoted",
            Method::PsmRange | Method::PsmOpp | Method::PsmIpp => "stated",
            Method::EconomicValue => "from_customer_net",
        }
    }

    /// True for the estimates that are checked against each other: the margin-optimal prices,
    /// the WTP median and max-margin price, the acceptable range and the economic value (the
    /// survey's OPP and IPP lie inside its range, which stands for them).
    pub fn triangulates(self) -> bool {
        matches!(
            self,
            Method::ElasticityCell
                | Method::ElasticityPanel
                | Method::WtpMedian
                | Method::WtpMaxMargin
                | Method::PsmRange
                | Method::EconomicValue
        )
    }
}

/// Whether two methods' answers are checked against each other: both triangulate and they come
/// from different evidence, or they are the two elasticity models (the same sales, two
/// estimators). The WTP median and max-margin price come from one fit and are not compared.
pub fn compared(a: Method, b: Method) -> bool {
    let elasticities = [Method::ElasticityCell, Method::ElasticityPanel];
    let both_elasticity = elasticities.contains(&a) && elasticities.contains(&b);
    a != b && a.triangulates() && b.triangulates() && (a.source() != b.source() || both_elasticity)
}

/// What a method's interval is. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// No interval: a point (today's prices, the max-margin price, the economic value).
    None,
    /// The optimum at the ends of the elasticity's 95% confidence interval, clipped to the
    /// observed range.
    ElasticityCi,
    /// The WTP median's 95% interval by the delta method.
    DeltaMethod,
    /// A 95% percentile bootstrap over the survey's respondents.
    Bootstrap,
    /// Van Westendorp's range of acceptable prices (not a confidence interval).
    AcceptableRange,
}

impl IntervalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalKind::None => "none",
            IntervalKind::ElasticityCi => "elasticity_ci",
            IntervalKind::DeltaMethod => "delta_method",
            IntervalKind::Bootstrap => "bootstrap",
            IntervalKind::AcceptableRange => "acceptable_range",
        }
    }
}

/// One method's answer on the invoice axis (currency per unit): a value, an interval, or both;
/// or, when the method cannot answer, neither and the reason in `status` and `note`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodPrice {
    pub method: Method,
    pub value: Option<f64>,
    /// (low, high), low ≤ high.
    pub interval: Option<(f64, f64)>,
    pub interval_kind: IntervalKind,
    /// `ok`, a caveat that keeps the value (`extrapolated`, `clipped`), or why there is no
    /// number (`no_quotes`, `not_significant`, `at_upper_bound`, …).
    pub status: &'static str,
    /// Where the number comes from, or why there is none, in words.
    pub note: String,
}

impl MethodPrice {
    /// A method that answers.
    pub fn price(
        method: Method,
        value: Option<f64>,
        interval: Option<(f64, f64)>,
        kind: IntervalKind,
        note: String,
    ) -> MethodPrice {
        let finite = |v: f64| v.is_finite();
        let interval = interval
            .filter(|(lo, hi)| finite(*lo) && finite(*hi))
            .map(|(lo, hi)| (lo.min(hi), lo.max(hi)));
        MethodPrice {
            method,
            value: value.filter(|v| finite(*v)),
            interval_kind: match interval {
                Some(_) => kind,
                None => IntervalKind::None,
            },
            interval,
            status: "ok",
            note,
        }
    }

    /// A method that cannot answer, and why.
    pub fn missing(method: Method, status: &'static str, note: impl Into<String>) -> MethodPrice {
        MethodPrice {
            method,
            value: None,
            interval: None,
            interval_kind: IntervalKind::None,
            status,
            note: note.into(),
        }
    }

    fn with_status(mut self, status: &'static str) -> MethodPrice {
        self.status = status;
        self
    }

    /// The stretch of the axis the answer covers: its interval, else its value as a point.
    pub fn span(&self) -> Option<(f64, f64)> {
        self.interval.or(self.value.map(|v| (v, v)))
    }

    /// True when the method gave a number.
    pub fn answers(&self) -> bool {
        self.span().is_some()
    }
}

/// A number for a sentence, two decimals, never `-0.00`.
pub fn two(v: f64) -> String {
    format!("{:.2}", (v * 100.0).round() / 100.0 + 0.0)
}

/// `a–b`, or `a` when both ends are the same.
pub fn show_span((lo, hi): (f64, f64)) -> String {
    match two(lo) == two(hi) {
        true => two(lo),
        false => format!("{}–{}", two(lo), two(hi)),
    }
}

/// Today's list, invoice and pocket price of a cell (per unit over its sales), or why there are
/// none.
pub fn today(prices: Option<(f64, f64, f64)>) -> Vec<MethodPrice> {
    let methods = [Method::ListPrice, Method::InvoicePrice, Method::PocketPrice];
    match prices {
        Some((list, invoice, pocket)) => methods
            .into_iter()
            .zip([list, invoice, pocket])
            .map(|(m, v)| {
                let note = "per unit over the cell's sales (the waterfall)".to_string();
                MethodPrice::price(m, Some(v), None, IntervalKind::None, note)
            })
            .collect(),
        None => methods
            .into_iter()
            .map(|m| MethodPrice::missing(m, "no_sales", "the cell has no net sales"))
            .collect(),
    }
}

/// What the elasticity optimum of one model is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptimumInput {
    pub elasticity: Option<f64>,
    /// The elasticity's 95% interval.
    pub ci: Option<(f64, f64)>,
    pub flag: FitStatus,
    pub unit_cost: f64,
    /// The lowest and highest weekly pocket price the cell's sales saw.
    pub observed: Option<(f64, f64)>,
    /// Today's invoice − pocket price per unit: what moves a pocket price onto the axis.
    pub off_invoice: f64,
}

/// Why an elasticity flag gives no optimum, in words; `None` when it gives one.
fn unusable(flag: FitStatus) -> Option<&'static str> {
    match flag {
        FitStatus::Ok | FitStatus::WideInterval => None,
        FitStatus::NotSignificant => Some("the elasticity's 95% interval includes 0"),
        FitStatus::PositiveSlope => Some("demand rises with price (a confounded estimate)"),
        FitStatus::TooFewPeriods => Some("too few periods for an estimate with an interval"),
        FitStatus::NoPriceVariation => Some("the price never moved"),
        FitStatus::FewCustomers => Some("too few customers for a clustered interval"),
    }
}

/// Where an optimum lies in the range searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Inside,
    Low,
    High,
}

/// The pocket price in `[lo, hi]` that maximises pocket margin (p − c)·p^e under constant
/// elasticity e (volume Q ∝ p^e), and whether it lies at an end of the range.
fn margin_optimum(e: f64, cost: f64, (lo, hi): (f64, f64)) -> (f64, End) {
    let margin = |p: f64| (p - cost) * p.powf(e);
    let bounds = Bounds::new(lo, Binding::ObservedRange, hi, Binding::ObservedRange);
    let o = optimise(&margin, &bounds);
    let end = match o.binding {
        Binding::None => End::Inside,
        _ if (o.price - hi).abs() <= (o.price - lo).abs() => End::High,
        _ => End::Low,
    };
    (o.price, end)
}

/// The pocket-margin-maximising price within the observed range under one model's
/// elasticity, on the invoice axis: the optimum of (p − c)·p^e over the observed weekly pocket
/// prices, plus today's off-invoice amount per unit. Its interval is the optimum at the ends
/// of the elasticity's 95% interval, clipped to the observed range (status `clipped` when an
/// end is). No number when the flag is not `ok` or `wide_interval`, or when the optimum lies
/// at an end of the observed range (the data show no optimum inside it).
pub fn elasticity_optimum(method: Method, input: &OptimumInput) -> MethodPrice {
    if let Some(why) = unusable(input.flag) {
        return MethodPrice::missing(method, input.flag.as_str(), why);
    }
    let (Some(e), Some((lo, hi))) = (input.elasticity, input.observed) else {
        return match input.elasticity {
            None => MethodPrice::missing(method, "no_estimate", "no elasticity estimate"),
            Some(_) => MethodPrice::missing(method, "no_observed_range", "no pocket prices seen"),
        };
    };
    let range = format!("observed pocket {}", show_span((lo, hi)));
    if !(lo > 0.0 && hi > lo) {
        return MethodPrice::missing(method, "no_observed_range", range);
    }
    let (pocket, end) = margin_optimum(e, input.unit_cost, (lo, hi));
    match end {
        End::High => {
            let note = format!(
                "pocket margin still rises at the top of the {range} (e = {})",
                two(e)
            );
            return MethodPrice::missing(method, "at_upper_bound", note);
        }
        End::Low => {
            let note = format!(
                "pocket margin still rises at the bottom of the {range} (e = {})",
                two(e)
            );
            return MethodPrice::missing(method, "at_lower_bound", note);
        }
        End::Inside => {}
    }
    let ends = input.ci.map(|(a, b)| {
        let (pa, ba) = margin_optimum(a, input.unit_cost, (lo, hi));
        let (pb, bb) = margin_optimum(b, input.unit_cost, (lo, hi));
        ((pa, pb), ba != End::Inside || bb != End::Inside)
    });
    let shift = input.off_invoice;
    let clipped = ends.is_some_and(|(_, c)| c);
    let note = format!(
        "pocket {} at e = {}, cost {} ({range}{}); + {} off-invoice",
        two(pocket),
        two(e),
        two(input.unit_cost),
        if clipped {
            "; interval clipped to it"
        } else {
            ""
        },
        two(shift),
    );
    let interval = ends.map(|((a, b), _)| (a + shift, b + shift));
    let price = MethodPrice::price(
        method,
        Some(pocket + shift),
        interval,
        IntervalKind::ElasticityCi,
        note,
    );
    match clipped {
        true => price.with_status("clipped"),
        false => price,
    }
}

/// The WTP median (with its delta-method interval) and the max-margin quoted price (a point) of
/// a cell's best WTP fit, or why there are none.
pub fn wtp(row: Option<&WtpRow>) -> [MethodPrice; 2] {
    let [median, best] = [Method::WtpMedian, Method::WtpMaxMargin];
    let Some(row) = row.filter(|r| r.fit.n_quotes > 0) else {
        let why = "no quotes for the cell";
        return [
            MethodPrice::missing(median, "no_quotes", why),
            MethodPrice::missing(best, "no_quotes", why),
        ];
    };
    let f = &row.fit;
    if f.status != WtpStatus::Ok {
        let why = format!(
            "the WTP fit of {} quotes: {}",
            f.n_quotes,
            f.status.as_str()
        );
        return [
            MethodPrice::missing(median, f.status.as_str(), why.clone()),
            MethodPrice::missing(best, f.status.as_str(), why),
        ];
    }
    let fit = format!("{} by AIC, {} quotes", f.model.as_str(), f.n_quotes);
    let ci = f.median_ci_low.zip(f.median_ci_high);
    let median_price = MethodPrice::price(
        median,
        f.median_wtp,
        ci,
        IntervalKind::DeltaMethod,
        fit.clone(),
    );
    let best_price = match (f.optimal_price, f.no_interior_optimum) {
        (_, true) => MethodPrice::missing(
            best,
            "no_interior_optimum",
            "expected margin still rises at the top of the price search",
        ),
        (None, _) => MethodPrice::missing(best, "no_optimum", "no price maximises the margin"),
        (Some(p), _) => {
            let note = format!("{fit}; a point: the fit gives it no interval");
            let price = MethodPrice::price(best, Some(p), None, IntervalKind::None, note);
            match f.optimal_price_extrapolated {
                true => price.with_status("extrapolated"),
                false => price,
            }
        }
    };
    [median_price, best_price]
}

/// Van Westendorp's range of acceptable prices (PMC–PME, the interval of its row), its OPP and
/// IPP (with bootstrap intervals when given), or why there are none.
pub fn psm(result: Option<&PsmResult>, intervals: &PsmIntervals) -> [MethodPrice; 3] {
    let methods = [Method::PsmRange, Method::PsmOpp, Method::PsmIpp];
    let Some(p) = result.filter(|p| p.n_respondents > 0) else {
        return methods.map(|m| MethodPrice::missing(m, "no_survey", "no survey answers"));
    };
    if p.status == PsmStatus::TooFewRespondents {
        let why = format!("{} consistent respondents", p.n_valid);
        return methods.map(|m| MethodPrice::missing(m, p.status.as_str(), why.clone()));
    }
    let who = format!("{} of {} respondents", p.n_valid, p.n_respondents);
    let range = match (p.status, p.pmc.zip(p.pme)) {
        (PsmStatus::InvertedRange, _) => {
            MethodPrice::missing(Method::PsmRange, "inverted_range", "PMC lies above PME")
        }
        (_, None) => MethodPrice::missing(
            Method::PsmRange,
            "no_intersection",
            "a curve pair does not cross",
        ),
        (_, Some(r)) => MethodPrice::price(
            Method::PsmRange,
            None,
            Some(r),
            IntervalKind::AcceptableRange,
            format!("PMC–PME, {who}; a range of acceptable prices, not a confidence interval"),
        ),
    };
    let point = |m: Method, v: Option<f64>, ci: Option<(f64, f64)>| match v {
        None => MethodPrice::missing(m, "no_intersection", "its curves do not cross"),
        Some(v) => {
            let how = match ci {
                Some(_) => format!("{who}; 95% bootstrap of {} resamples", intervals.resamples),
                None => format!("{who}; no interval"),
            };
            MethodPrice::price(m, Some(v), ci, IntervalKind::Bootstrap, how)
        }
    };
    [
        range,
        point(Method::PsmOpp, p.opp, intervals.opp),
        point(Method::PsmIpp, p.ipp, intervals.ipp),
    ]
}

/// What a cell's economic value is read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueInput {
    /// No scenario was given.
    NoScenario,
    /// The scenario has no value drivers for the cell.
    NoDrivers,
    /// Not in the scenario's baseline (no sales in its period).
    NotInBaseline,
    Value {
        /// Reference value + differentiation value (a customer net price).
        economic_value: f64,
        /// Off-invoice money returned to the customer per unit (rebates, co-op) over the
        /// scenario's baseline: what moves a customer net price onto the invoice axis.
        returned: f64,
    },
}

/// The economic value on the invoice axis (a point: value drivers give no range), or why there
/// is none.
pub fn economic_value(input: ValueInput) -> MethodPrice {
    let m = Method::EconomicValue;
    match input {
        ValueInput::NoScenario => {
            MethodPrice::missing(m, "no_scenario", "no scenario given (--scenario FILE)")
        }
        ValueInput::NoDrivers => MethodPrice::missing(
            m,
            "no_value_drivers",
            "the scenario gives the cell no value drivers",
        ),
        ValueInput::NotInBaseline => {
            MethodPrice::missing(m, "not_in_baseline", "no sales in the scenario's baseline")
        }
        ValueInput::Value {
            economic_value,
            returned,
        } => MethodPrice::price(
            m,
            Some(economic_value + returned),
            None,
            IntervalKind::None,
            format!(
                "customer net {} + {} returned off-invoice; a point: value drivers give no range",
                two(economic_value),
                two(returned)
            ),
        ),
    }
}

/// Two methods whose answers do not overlap: `lower`'s span lies wholly below `upper`'s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Disagreement {
    pub lower: Method,
    pub lower_span: (f64, f64),
    pub upper: Method,
    pub upper_span: (f64, f64),
    /// upper's low end − lower's high end (> 0), currency per unit.
    pub gap: f64,
}

impl Disagreement {
    /// The note, naming both methods and the gap.
    pub fn note(&self) -> String {
        format!(
            "{} {} lies above {} {} by {}",
            self.upper.label(),
            show_span(self.upper_span),
            self.lower.label(),
            show_span(self.lower_span),
            two(self.gap)
        )
    }
}

/// Every pair of [`compared`] methods whose spans do not overlap, in method order. A point is
/// checked against an interval; two points (neither with an interval) are not judged: nothing
/// says how far apart they may be.
pub fn disagreements(methods: &[MethodPrice]) -> Vec<Disagreement> {
    let mut out = Vec::new();
    for (i, a) in methods.iter().enumerate() {
        for b in &methods[i + 1..] {
            if let Some(d) = disagreement(a, b) {
                out.push(d);
            }
        }
    }
    out
}

fn disagreement(a: &MethodPrice, b: &MethodPrice) -> Option<Disagreement> {
    if !compared(a.method, b.method) || (a.interval.is_none() && b.interval.is_none()) {
        return None;
    }
    let (sa, sb) = (a.span()?, b.span()?);
    let ((lower, ls), (upper, us)) = match sa.0 <= sb.0 {
        true => ((a.method, sa), (b.method, sb)),
        false => ((b.method, sb), (a.method, sa)),
    };
    let gap = us.0 - ls.1;
    (gap > 0.0).then_some(Disagreement {
        lower,
        lower_span: ls,
        upper,
        upper_span: us,
        gap,
    })
}

/// The common axis of a cell: from the lowest to the highest number any method gives (values
/// and interval ends, today's prices included), widened 5% of that range each side (5% of the
/// price when all are one number); `None` when no method gives a number.
pub fn axis(methods: &[MethodPrice]) -> Option<(f64, f64)> {
    let xs = methods
        .iter()
        .flat_map(|m| [m.value, m.interval.map(|i| i.0), m.interval.map(|i| i.1)])
        .flatten()
        .filter(|x| x.is_finite());
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let pad = match hi > lo {
        true => (hi - lo) * 0.05,
        false => (lo.abs() * 0.05).max(1.0),
    };
    Some((lo - pad, hi + pad))
}

/// One segment × product with every method's answer, the disagreements and the axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellEvidence {
    pub segment_id: String,
    pub product_id: String,
    /// In [`Method::ALL`] order.
    pub methods: Vec<MethodPrice>,
    pub disagreements: Vec<Disagreement>,
    pub axis: Option<(f64, f64)>,
}

impl CellEvidence {
    /// A cell's answers with their disagreements and axis worked out.
    pub fn new(segment_id: String, product_id: String, mut methods: Vec<MethodPrice>) -> Self {
        methods.sort_by_key(|m| m.method);
        CellEvidence {
            disagreements: disagreements(&methods),
            axis: axis(&methods),
            segment_id,
            product_id,
            methods,
        }
    }

    /// The answer of `method`, if the cell has a row for it.
    pub fn get(&self, method: Method) -> Option<&MethodPrice> {
        self.methods.iter().find(|m| m.method == method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// Cost 40 and a constant elasticity e: the margin (p − 40)·p^e peaks at 40·e / (1 + e).
    fn input(e: f64, ci: (f64, f64)) -> OptimumInput {
        OptimumInput {
            elasticity: Some(e),
            ci: Some(ci),
            flag: FitStatus::Ok,
            unit_cost: 40.0,
            observed: Some((50.0, 80.0)),
            off_invoice: 5.0,
        }
    }

    #[test]
    fn elasticity_optimum_is_the_closed_form_moved_by_the_off_invoice_amount() {
        // e = −3: p* = 60; CI ends −3.5 → 56 and −2.5 → 66.67; + 5 off-invoice.
        let m = elasticity_optimum(Method::ElasticityCell, &input(-3.0, (-3.5, -2.5)));
        assert_eq!(m.status, "ok");
        assert!(close(m.value.unwrap_or(0.0), 65.0, 1e-5), "{m:?}");
        let (lo, hi) = m.interval.unwrap_or_default();
        assert!(
            close(lo, 61.0, 1e-5) && close(hi, 40.0 * 2.5 / 1.5 + 5.0, 1e-5),
            "{m:?}"
        );
        assert_eq!(m.interval_kind, IntervalKind::ElasticityCi);
    }

    #[test]
    fn elasticity_optimum_interval_is_clipped_to_the_observed_range() {
        // CI end −1.5 alone would give 40·1.5/0.5 = 120, above the observed 80.
        let m = elasticity_optimum(Method::ElasticityPanel, &input(-3.0, (-3.5, -1.5)));
        assert_eq!(m.status, "clipped");
        let (lo, hi) = m.interval.unwrap_or_default();
        assert!(close(lo, 61.0, 1e-5) && close(hi, 85.0, 1e-6), "{m:?}");
        assert!(m.note.contains("clipped"), "{}", m.note);
    }

    #[test]
    fn an_optimum_at_the_bound_or_an_unusable_flag_gives_a_reason_not_a_number() {
        // e = −1.2: p* = 240, far above the observed 80.
        let high = elasticity_optimum(Method::ElasticityCell, &input(-1.2, (-1.5, -0.9)));
        assert_eq!(
            (high.status, high.value, high.interval),
            ("at_upper_bound", None, None)
        );
        assert!(high.note.contains("50.00–80.00"), "{}", high.note);
        // Cost 40 and e = −30: p* = 41.4, below the observed 50.
        let low = elasticity_optimum(Method::ElasticityCell, &input(-30.0, (-31.0, -29.0)));
        assert_eq!(low.status, "at_lower_bound");
        let flat = OptimumInput {
            flag: FitStatus::NotSignificant,
            ..input(-3.0, (-6.0, 0.5))
        };
        let m = elasticity_optimum(Method::ElasticityCell, &flat);
        assert_eq!((m.status, m.value), ("not_significant", None));
        let unseen = OptimumInput {
            observed: None,
            ..input(-3.0, (-3.5, -2.5))
        };
        assert_eq!(
            elasticity_optimum(Method::ElasticityCell, &unseen).status,
            "no_observed_range"
        );
    }

    fn priced(method: Method, value: Option<f64>, interval: Option<(f64, f64)>) -> MethodPrice {
        MethodPrice::price(
            method,
            value,
            interval,
            IntervalKind::DeltaMethod,
            String::new(),
        )
    }

    #[test]
    fn intervals_that_do_not_overlap_disagree_with_the_gap() {
        let methods = [
            priced(Method::ElasticityCell, Some(65.0), Some((61.0, 70.0))),
            priced(Method::WtpMedian, Some(86.0), Some((81.5, 90.0))),
            priced(Method::PsmRange, None, Some((56.0, 118.0))),
        ];
        let d = disagreements(&methods);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].lower, d[0].upper),
            (Method::ElasticityCell, Method::WtpMedian)
        );
        assert!(close(d[0].gap, 11.5, 1e-12));
        assert_eq!(
            d[0].note(),
            "WTP median 81.50–90.00 lies above elasticity cell 61.00–70.00 by 11.50"
        );
    }

    #[test]
    fn a_point_is_judged_against_an_interval_but_two_points_are_not() {
        let wtp_best = priced(Method::WtpMaxMargin, Some(76.0), None);
        let value = priced(Method::EconomicValue, Some(120.0), None);
        let cell = priced(Method::ElasticityCell, Some(65.0), Some((61.0, 77.0)));
        assert!(disagreements(&[wtp_best.clone(), value.clone()]).is_empty());
        assert!(
            disagreements(&[wtp_best, cell.clone()]).is_empty(),
            "76 lies inside"
        );
        let d = disagreements(&[cell, value]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].lower, d[0].upper),
            (Method::ElasticityCell, Method::EconomicValue)
        );
        assert!(close(d[0].gap, 43.0, 1e-12));
    }

    #[test]
    fn only_different_evidence_or_the_two_elasticity_models_are_compared() {
        assert!(compared(Method::ElasticityCell, Method::ElasticityPanel));
        assert!(compared(Method::WtpMedian, Method::PsmRange));
        assert!(!compared(Method::WtpMedian, Method::WtpMaxMargin));
        assert!(!compared(Method::PsmRange, Method::PsmOpp));
        assert!(!compared(Method::PocketPrice, Method::ElasticityCell));
        let far = [
            priced(Method::WtpMedian, Some(86.0), Some((81.0, 90.0))),
            priced(Method::WtpMaxMargin, Some(60.0), Some((59.0, 61.0))),
            priced(Method::ListPrice, Some(200.0), Some((200.0, 200.0))),
        ];
        assert!(disagreements(&far).is_empty());
        let models = [
            priced(Method::ElasticityCell, Some(60.0), Some((58.0, 62.0))),
            priced(Method::ElasticityPanel, Some(70.0), Some((66.0, 74.0))),
        ];
        assert_eq!(disagreements(&models).len(), 1);
    }

    #[test]
    fn the_axis_spans_every_number_with_a_margin() {
        let methods = [
            priced(Method::ListPrice, Some(100.0), None),
            priced(Method::PsmRange, None, Some((60.0, 140.0))),
            MethodPrice::missing(Method::WtpMedian, "no_quotes", ""),
        ];
        assert_eq!(axis(&methods), Some((56.0, 144.0)));
        assert_eq!(axis(&methods[..1]), Some((95.0, 105.0)));
        assert_eq!(axis(&methods[2..]), None);
    }

    #[test]
    fn non_finite_numbers_never_become_answers() {
        let m = priced(
            Method::WtpMedian,
            Some(f64::NAN),
            Some((1.0, f64::INFINITY)),
        );
        assert_eq!(
            (m.value, m.interval, m.interval_kind),
            (None, None, IntervalKind::None)
        );
        assert!(!m.answers());
    }

    #[test]
    fn methods_without_evidence_say_why() {
        let [median, best] = wtp(None);
        assert_eq!((median.status, best.status), ("no_quotes", "no_quotes"));
        let [range, opp, _] = psm(None, &PsmIntervals::default());
        assert_eq!((range.status, opp.status), ("no_survey", "no_survey"));
        assert_eq!(economic_value(ValueInput::NoScenario).status, "no_scenario");
        let v = economic_value(ValueInput::Value {
            economic_value: 100.0,
            returned: 3.5,
        });
        assert_eq!((v.value, v.status), (Some(103.5), "ok"));
        let cell = CellEvidence::new("S".into(), "P".into(), today(None));
        assert!(cell.methods.iter().all(|m| m.status == "no_sales"));
        assert_eq!(cell.axis, None);
    }
}
