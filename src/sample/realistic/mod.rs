//! The realistic sample world (`pricebench sample --world realistic`, the default): monthly
//! demand per customer with a true elasticity per segment × product, and what fools a weekly
//! cell regression on real B2B data — discounts that grow with customer size, seasonality with
//! promotions in the peak months, list increases once or twice a year, a demand trend.
//!
//! A customer c buys product j in month m with a probability that does not depend on price
//! (its order rate); when it does, the month's quantity is
//!
//! ```text
//! ln q = ln a(c, j) + season(segment, month of year) + g(c)·years + e(segment, j)·ln(p / p_ref) + ε
//! ```
//!
//! with p the pocket price charged on every line of that customer, product and month, g(c) the
//! customer's growth (a common trend plus its own), and ε autocorrelated within the pair
//! (AR(1), so the noise is not the i.i.d. error any estimator assumes). The month's quantity is
//! split over one or more lines on random days; 2% of lines are returns that net out within
//! the month.

mod lines;
mod world;

pub use lines::write_transactions;
pub use world::{RealWorld, build};

use super::{CellTruth, WtpTruth, survey::SurveyCell};
use serde::{Deserialize, Serialize};

/// Calendar months of data: January 2024 to December 2025 (the 104 weeks of the simple world).
pub const MONTHS: usize = 24;
/// Standard deviation of ε (log scale) in a pair's month.
pub const NOISE_SD: f64 = 0.25;
/// Autocorrelation of ε from one month to the next within a customer × product pair.
pub const NOISE_AR1: f64 = 0.4;
/// Common demand growth per year (log scale); each customer adds its own.
pub const TREND_PER_YEAR: f64 = 0.06;
/// Standard deviation of a customer's own growth per year around the common trend.
pub const GROWTH_SD: f64 = 0.05;
/// Month-of-year demand effect (log scale) before each segment's amplitude: peaks in spring
/// and autumn, troughs in summer and at the turn of the year.
pub const SEASON: [f64; 12] = [
    -0.30, -0.15, 0.15, 0.30, 0.30, 0.05, -0.20, -0.30, 0.15, 0.30, 0.05, -0.35,
];
/// A product runs a promotion in a month with this probability in peak months (SEASON ≥ 0.15)
/// and [`PROMO_OFF_PEAK`] otherwise.
pub const PROMO_PEAK: f64 = 0.6;
pub const PROMO_OFF_PEAK: f64 = 0.05;

/// What truth.json adds for the realistic world: everything needed to check an estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealisticTruth {
    /// The demand model, in words.
    pub model: String,
    /// "month": the period within which a customer's price is constant.
    pub period: String,
    /// First month, `YYYY-MM`.
    pub first_month: String,
    pub months: u32,
    /// σ of ε (log scale) and its month-to-month autocorrelation within a pair.
    pub noise_sd: f64,
    pub noise_ar1: f64,
    /// Common demand growth per year (log scale) and the sd of a customer's own around it.
    pub trend_per_year: f64,
    pub customer_growth_sd: f64,
    /// Month-of-year demand effect (log scale, January first) per segment.
    pub seasonality: Vec<SegmentSeason>,
    /// Promotion probability in peak and other months, and the peak months (1 = January).
    pub promo_peak_probability: f64,
    pub promo_off_peak_probability: f64,
    pub peak_months: Vec<u32>,
    /// Mean order lines per customer × product × month with an order.
    pub lines_per_order_month: f64,
    pub products: Vec<ProductTruth>,
    pub customers: Vec<CustomerTruth>,
}

/// One segment's seasonality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSeason {
    pub segment_id: String,
    /// Log effect per month of year, January first.
    pub by_month: Vec<f64>,
}

/// A product's list price path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductTruth {
    pub product_id: String,
    /// List price (currency per unit) in the first month.
    pub first_list_price: f64,
    /// List increases: month (`YYYY-MM`) and change in %.
    pub list_increases: Vec<ListIncrease>,
    /// Months with a promotion (`YYYY-MM`).
    pub promo_months: Vec<String>,
    /// True when the product is never discounted and its list never changes.
    pub fixed_price: bool,
}

/// One list-price change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListIncrease {
    pub month: String,
    pub pct: f64,
}

/// One customer's size and standard terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerTruth {
    pub customer_id: String,
    /// Relative size (demand scale); discounts grow with it.
    pub size: f64,
    /// Probability of ordering a product of its basket in a month.
    pub order_rate: f64,
    /// Demand growth per year (log scale), the common trend included.
    pub growth_per_year: f64,
    /// Standard pocket discount, % of list (volume tier, negotiated, rebate, terms, freight,
    /// co-op) before promotions and month-to-month deal noise.
    pub standard_discount_pct: f64,
}

/// The world's demand model, seasonality, prices and customers for truth.json.
pub fn truth(w: &RealWorld) -> RealisticTruth {
    let month = |m: usize| format!("{}-{:02}", 2024 + m / 12, m % 12 + 1);
    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
    RealisticTruth {
        model: "ln q(customer, month) = ln a(customer, product) + season(segment, month of year) \
                + growth(customer) * years + elasticity(segment, product) * ln pocket_price(customer, month) \
                + AR(1) noise; the customer orders in a month with a probability independent of price"
            .to_string(),
        period: "month".to_string(),
        first_month: month(0),
        months: MONTHS as u32,
        noise_sd: NOISE_SD,
        noise_ar1: NOISE_AR1,
        trend_per_year: TREND_PER_YEAR,
        customer_growth_sd: GROWTH_SD,
        seasonality: w
            .base
            .segments
            .iter()
            .zip(&w.season)
            .map(|(s, by_month)| SegmentSeason {
                segment_id: s.id.to_string(),
                by_month: by_month.iter().map(|&x| round(x, 4)).collect(),
            })
            .collect(),
        promo_peak_probability: PROMO_PEAK,
        promo_off_peak_probability: PROMO_OFF_PEAK,
        peak_months: (1..=12).filter(|&m| SEASON[m as usize - 1] >= 0.15).collect(),
        lines_per_order_month: round(w.lines_per_order_month, 4),
        products: w
            .base
            .products
            .iter()
            .zip(&w.paths)
            .map(|(p, path)| ProductTruth {
                product_id: p.id.clone(),
                first_list_price: path.list_cents[0] as f64 / 100.0,
                list_increases: path
                    .increases
                    .iter()
                    .map(|&(m, pct)| ListIncrease {
                        month: month(m),
                        pct: round(100.0 * pct, 4),
                    })
                    .collect(),
                promo_months: (0..MONTHS)
                    .filter(|&m| path.promo_pct[m] > 0.0)
                    .map(month)
                    .collect(),
                fixed_price: path.fixed,
            })
            .collect(),
        customers: w
            .base
            .customers
            .iter()
            .zip(&w.buyers)
            .map(|(c, b)| CustomerTruth {
                customer_id: c.id.clone(),
                size: round(c.size, 4),
                order_rate: round(b.order_rate, 4),
                growth_per_year: round(b.growth, 4),
                standard_discount_pct: round(standard_discount_pct(c), 4),
            })
            .collect(),
    }
}

/// The customer's standard pocket discount in % of list (on a product that is discounted).
fn standard_discount_pct(c: &crate::sample::world::Customer) -> f64 {
    let invoice = 1.0 - c.volume_pct - c.competitive_pct;
    let pocket = invoice * (1.0 - c.rebate_pct - c.terms_pct - c.coop_pct) - c.freight_pct;
    100.0 * (1.0 - pocket)
}

/// The truth of every cell: its elasticity, kind, customers, and the WTP / survey truths.
pub fn cell_truths(
    w: &RealWorld,
    wtp: Vec<Option<WtpTruth>>,
    survey: &[Option<SurveyCell>],
) -> Vec<CellTruth> {
    let customers = w.customers_per_cell();
    w.base
        .cells
        .iter()
        .zip(wtp)
        .zip(survey)
        .zip(customers)
        .map(|(((cell, wtp), sc), n)| CellTruth {
            segment_id: w.base.segments[cell.segment].id.to_string(),
            product_id: w.base.products[cell.product].id.clone(),
            elasticity: cell.elasticity,
            kind: cell.kind,
            wtp,
            psm: sc.as_ref().map(|s| s.truth.clone()),
            customers: Some(n),
        })
        .collect()
}
