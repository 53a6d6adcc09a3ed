//! Every pricing method's answer for one segment × product on one price axis, each with its
//! interval, and the pairs of methods that disagree by more than their intervals allow
//! (triangulation) — pure functions over the models' results.
//!
//! The axis is the **invoice price per unit**: quotes are invoice prices, survey answers are the
//! prices a customer would pay. Two answers are moved onto it, each by what today's waterfall
//! takes away: the elasticity optimum (a pocket price) plus today's off-invoice amount per unit,
//! and the economic value (a customer net price) plus the off-invoice money returned to the
//! customer.

mod answers;

pub use answers::{OptimumInput, ValueInput, economic_value, elasticity_optimum, psm, today, wtp};
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

    pub(super) fn with_status(mut self, status: &'static str) -> MethodPrice {
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
}
