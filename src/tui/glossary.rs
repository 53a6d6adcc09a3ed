//! What each view's columns, flags and marks mean, in one or two lines each, for the `?` help
//! (the same words as README's "The models" and "Price realization").

use super::view::View;

/// `(term, meaning)` pairs.
pub type Terms = &'static [(&'static str, &'static str)];

const OVERVIEW: Terms = &[
    (
        "list / invoice / pocket",
        "revenue at list price; less on-invoice discounts (on_*) = invoice; less off-invoice items (off_*: rebates, terms, freight) = pocket",
    ),
    (
        "realization",
        "pocket revenue / list revenue: the share of the list price that reaches our pocket",
    ),
    ("gross margin", "pocket revenue − unit cost × quantity"),
];

const DATA: Terms = &[
    (
        "rows a–b of n",
        "the page shown and the table's row count (after the filter)",
    ),
    (
        "filter",
        "case-insensitive substring over the table's id and name columns",
    ),
];

const ELASTICITY: Terms = &[
    (
        "e",
        "price elasticity: the slope of ln Q on ln P (log-log OLS per cell, or the panel's within estimator); −2 means +1% price → −2% volume",
    ),
    (
        "n",
        "periods fitted (weeks or months; customer-months for the panel model)",
    ),
    (
        "pooled",
        "e shrunk toward the segment's mean, weighted by precision (DerSimonian–Laird): usable for thin cells",
    ),
    (
        "95% CI / band",
        "the interval from Student's t (n − 2 df; panel: G − 1, customers); the band on the chart is the curve at both ends",
    ),
    ("ok", "an estimate worth using"),
    ("wide_interval", "the 95% interval is wider than 2.0"),
    (
        "not_significant",
        "the 95% interval includes 0: no response distinguishable from none",
    ),
    (
        "positive_slope",
        "demand rises with price beyond doubt: a confounded estimate",
    ),
    ("too_few_periods", "fewer than 3 periods (cell model)"),
    ("no_price_variation", "the price never moved: no estimate"),
    (
        "time chart (t)",
        "the cell's weeks (w: months) as the fit sees them: Σ revenue / Σ units on the price basis and list revenue / units above, units below",
    ),
    (
        "list +5.0% on …",
        "the list price per unit moved ≥ 0.05% from the period before (a change inside a period: its two steps as one); red lines mark them",
    ),
    (
        "few_customers",
        "panel model: fewer than 10 customers with two or more months",
    ),
    (
        "cell / panel",
        "cell: weekly log-log OLS per cell; panel: customer fixed effects, month of year and trend, on monthly data",
    ),
    (
        "STALE",
        "the data changed since these fits were stored: R refits",
    ),
];

const WTP: Terms = &[
    ("win%", "share of the cell's quotes that were won"),
    (
        "median",
        "median willingness-to-pay: the price at which half the quotes would be won (MLE; 95% CI by the delta method)",
    ),
    (
        "logis / normal / lnorm",
        "the WTP distribution fitted: logistic, normal, log-normal; `best` = lowest AIC",
    ),
    (
        "AIC",
        "Akaike information criterion: 2k − 2·log-likelihood; lower fits better",
    ),
    (
        "max-mgn",
        "the quoted price that maximises expected pocket margin per quote, (pocket − cost)·P(win)",
    ),
    (
        "all_won / all_lost / separated",
        "no maximum-likelihood fit exists: every quote won, lost, or won and lost prices do not overlap",
    ),
    (
        "extrapolated",
        "the max-margin price lies outside the quoted prices",
    ),
];

const PSM: Terms = &[
    (
        "PMC",
        "point of marginal cheapness: too cheap crosses not cheap",
    ),
    (
        "OPP",
        "optimal price point: too cheap crosses too expensive",
    ),
    ("IPP", "indifference price point: cheap crosses expensive"),
    (
        "PME",
        "point of marginal expensiveness: not expensive crosses too expensive",
    ),
    (
        "acceptable range",
        "[PMC, PME]: the range of acceptable prices (not a confidence interval)",
    ),
    (
        "n",
        "respondents with strictly increasing answers (others are dropped and counted)",
    ),
];

const REALIZATION: Terms = &[
    (
        "waterfall",
        "list price − each on-invoice discount = invoice − each off-invoice item = pocket, per unit (Σ q·x / Σ q)",
    ),
    ("% list", "an amount as a share of list revenue"),
    (
        "pocket %",
        "pocket revenue / list revenue of one customer (or line)",
    ),
    (
        "band p10 / p50 / p90",
        "volume-weighted percentiles of pocket %; band width = p90 − p10",
    ),
    (
        "recoverable",
        "(p50 − pocket %) / 100 × list revenue of a customer below p10",
    ),
];

const VALUE: Terms = &[
    ("reference", "the next-best alternative's price per unit"),
    (
        "differ.",
        "differentiation value: Σ positive − Σ negative value drivers",
    ),
    (
        "econ. value",
        "economic value = reference + differentiation",
    ),
    (
        "cust. net",
        "customer net price: invoice less money returned to the customer (rebates, co-op)",
    ),
    (
        "capture",
        "value-capture ratio = customer net price / economic value",
    ),
];

const SCENARIOS: Terms = &[
    (
        "baseline",
        "the period of the workspace's data the scenario is evaluated against (whole months)",
    ),
    (
        "vol / Δ vol",
        "volume after, and its change: Q1 = Q0·(P1/P0)^e on the pocket price",
    ),
    ("pocket rev.", "revenue at pocket price, before → after"),
    (
        "pocket mgn",
        "pocket margin = Q × (pocket − unit cost), before → after",
    ),
    (
        "95% range",
        "the margin change at both ends of the elasticity's 95% interval",
    ),
    (
        "conf",
        "the demand evidence: panel, cell, pooled, wtp, or none (volume kept)",
    ),
    (
        "(edited)",
        "the scenario has edits not yet saved: s saves; q asks before quitting",
    ),
    (
        "(bundled)",
        "shipped in the binary; saving it writes a copy to scenarios/",
    ),
    (
        "A / B",
        "c loads the picked file as comparison B; both on the same baseline, else a warning",
    ),
];

const RECOMMENDATIONS: Terms = &[
    (
        "new list",
        "the list price that maximises pocket margin under the fitted demand and guardrails",
    ),
    (
        "b/e vol",
        "break-even volume change: the volume loss at which the new price earns the same margin",
    ),
    (
        "P(gain)",
        "probability that the change gains margin, over the elasticity's uncertainty",
    ),
    (
        "binding",
        "the guardrail that stops the optimum (max change, margin floor, value ceiling)",
    ),
    ("conf", "the demand evidence behind the row"),
];

const EVIDENCE: Terms = &[
    (
        "methods",
        "every method's price for the cell on one axis: today's prices, elasticity optimum, WTP, Van Westendorp, economic value",
    ),
    ("!", "the methods disagree for this cell"),
];

/// The terms view `view` shows.
pub fn terms(view: View) -> Terms {
    match view {
        View::Overview => OVERVIEW,
        View::Data => DATA,
        View::Elasticity => ELASTICITY,
        View::Wtp => WTP,
        View::Psm => PSM,
        View::Realization => REALIZATION,
        View::Value => VALUE,
        View::Scenarios => SCENARIOS,
        View::Recommendations => RECOMMENDATIONS,
        View::Evidence => EVIDENCE,
    }
}
