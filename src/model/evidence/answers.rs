//! Each method's answer for one cell on the invoice axis, from its model's result: today's
//! prices, the elasticity optimum within the observed prices, WTP, Van Westendorp and the
//! economic value — or, where a method cannot answer, the reason.

use super::{IntervalKind, Method, MethodPrice, show_span, two};
use crate::model::cells::WtpRow;
use crate::model::elasticity::FitStatus;
use crate::model::psm::{PsmIntervals, PsmResult, PsmStatus};
use crate::model::recommend::{Binding, Bounds, optimise};
use crate::model::wtp::WtpStatus;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::evidence::CellEvidence;

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
