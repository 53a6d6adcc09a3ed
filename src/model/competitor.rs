//! Competitor prices against ours: the price index (our invoice and pocket price ÷ the
//! competitor's, × 100) per product and calendar month, its latest value and its trend — pure.

use serde::Serialize;
use std::collections::BTreeMap;

/// One competitor price as `competitors.csv` gives it: per unit of our equivalent product
/// (`product_id`), in the workspace's currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetitorPrice {
    /// YYYY-MM-DD.
    pub date: String,
    pub competitor: String,
    /// Our equivalent product.
    pub product_id: String,
    /// The competitor's own name or code for it.
    pub competitor_product: String,
    pub price: f64,
}

/// Our sales of one product (or segment × product) in one calendar month.
#[derive(Debug, Clone, PartialEq)]
pub struct OurMonth {
    pub segment_id: Option<String>,
    pub product_id: String,
    /// YYYY-MM.
    pub month: String,
    /// Σ quantity, net of returns.
    pub quantity: f64,
    /// Σ quantity × list price.
    pub list_revenue: f64,
    /// Σ quantity × invoice price.
    pub invoice_revenue: f64,
    /// Σ quantity × pocket price.
    pub pocket_revenue: f64,
}

/// The index of one month: our quantity-weighted prices against the competitor's mean price of
/// the month (the mean of the dated prices it quoted that month).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexMonth {
    pub segment_id: Option<String>,
    pub product_id: String,
    pub competitor: String,
    pub competitor_product: String,
    /// YYYY-MM.
    pub month: String,
    pub competitor_price: f64,
    /// Σ list revenue / Σ quantity.
    pub list_price: f64,
    /// Σ invoice revenue / Σ quantity.
    pub invoice_price: f64,
    /// Σ pocket revenue / Σ quantity.
    pub pocket_price: f64,
    /// 100 × list price / competitor price.
    pub list_index: f64,
    /// 100 × invoice price / competitor price (100 = parity, 110 = we are 10% dearer).
    pub invoice_index: f64,
    /// 100 × pocket price / competitor price.
    pub pocket_index: f64,
}

/// One product × competitor product over the months both were priced: the latest month and the
/// trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexSummary {
    pub segment_id: Option<String>,
    pub product_id: String,
    pub competitor: String,
    pub competitor_product: String,
    /// Months with both our sales and a competitor price.
    pub months: usize,
    pub first_month: String,
    /// The latest such month and its numbers.
    pub latest: IndexMonth,
    /// The same for the list index.
    pub list_trend_per_year: Option<f64>,
    /// OLS slope of the monthly invoice index on the month number, × 12: index points per
    /// year; `None` with fewer than two months.
    pub invoice_trend_per_year: Option<f64>,
    /// The same for the pocket index.
    pub pocket_trend_per_year: Option<f64>,
}

/// (product, month) -> (competitor, competitor product) -> (Σ price, number of prices).
type Quoted<'a> = BTreeMap<(&'a str, &'a str), BTreeMap<(&'a str, &'a str), (f64, f64)>>;

/// The monthly index of every (segment ×) product × competitor product where, in a month, we
/// sold a positive net quantity with positive prices and the competitor quoted a price; in
/// (segment, product, competitor, competitor product, month) order.
pub fn index_months(ours: &[OurMonth], theirs: &[CompetitorPrice]) -> Vec<IndexMonth> {
    let mut quoted: Quoted = BTreeMap::new();
    for p in theirs.iter().filter(|p| p.price > 0.0 && p.date.len() >= 7) {
        let slot = quoted
            .entry((p.product_id.as_str(), &p.date[..7]))
            .or_default()
            .entry((p.competitor.as_str(), p.competitor_product.as_str()))
            .or_default();
        slot.0 += p.price;
        slot.1 += 1.0;
    }
    let mut rows = Vec::new();
    for m in ours.iter().filter(|m| m.quantity > 0.0) {
        let q = m.quantity;
        let (list, invoice, pocket) = (
            m.list_revenue / q,
            m.invoice_revenue / q,
            m.pocket_revenue / q,
        );
        if !(invoice > 0.0 && [list, invoice, pocket].iter().all(|v| v.is_finite())) {
            continue;
        }
        let Some(competitors) = quoted.get(&(m.product_id.as_str(), m.month.as_str())) else {
            continue;
        };
        for ((competitor, product), (sum, n)) in competitors {
            let price = sum / n;
            rows.push(IndexMonth {
                segment_id: m.segment_id.clone(),
                product_id: m.product_id.clone(),
                competitor: competitor.to_string(),
                competitor_product: product.to_string(),
                month: m.month.clone(),
                competitor_price: price,
                list_price: list,
                invoice_price: invoice,
                pocket_price: pocket,
                list_index: 100.0 * list / price,
                invoice_index: 100.0 * invoice / price,
                pocket_index: 100.0 * pocket / price,
            });
        }
    }
    rows.sort_by(|a, b| key(a).cmp(&key(b)));
    rows
}

/// (segment, product, competitor, competitor product): one index series.
fn series(m: &IndexMonth) -> (Option<&str>, &str, &str, &str) {
    let k = key(m);
    (k.0, k.1, k.2, k.3)
}

type Key<'a> = (Option<&'a str>, &'a str, &'a str, &'a str, &'a str);

fn key(m: &IndexMonth) -> Key<'_> {
    (
        m.segment_id.as_deref(),
        &m.product_id,
        &m.competitor,
        &m.competitor_product,
        &m.month,
    )
}

/// One summary per run of [`index_months`] rows with the same (segment,) product and
/// competitor product; `months` must be in [`index_months`] order.
pub fn summarize(months: &[IndexMonth]) -> Vec<IndexSummary> {
    months
        .chunk_by(|a, b| series(a) == series(b))
        .filter_map(|run| {
            let latest = run.last()?.clone();
            let trend = |f: fn(&IndexMonth) -> f64| trend_per_year(run, f);
            Some(IndexSummary {
                segment_id: latest.segment_id.clone(),
                product_id: latest.product_id.clone(),
                competitor: latest.competitor.clone(),
                competitor_product: latest.competitor_product.clone(),
                months: run.len(),
                first_month: run[0].month.clone(),
                list_trend_per_year: trend(|m| m.list_index),
                invoice_trend_per_year: trend(|m| m.invoice_index),
                pocket_trend_per_year: trend(|m| m.pocket_index),
                latest,
            })
        })
        .collect()
}

/// Months since year 0 of a YYYY-MM month (so gaps between months count).
fn month_number(month: &str) -> Option<f64> {
    let (y, m) = month.split_once('-')?;
    Some(y.parse::<f64>().ok()? * 12.0 + m.get(..2)?.parse::<f64>().ok()?)
}

/// 12 × the OLS slope of `f` on the month number; `None` below two distinct months.
fn trend_per_year(run: &[IndexMonth], f: fn(&IndexMonth) -> f64) -> Option<f64> {
    let points: Vec<(f64, f64)> = run
        .iter()
        .filter_map(|m| Some((month_number(&m.month)?, f(m))))
        .collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = 12.0 * sxy / sxx;
    (points.len() >= 2 && sxx > 0.0 && slope.is_finite()).then_some(slope)
}

/// The latest price of each competitor × our product × competitor product dated within
/// `from..=to` (YYYY-MM-DD; the later row of a date wins), in that key's order.
pub fn latest_prices(prices: &[CompetitorPrice], from: &str, to: &str) -> Vec<CompetitorPrice> {
    let mut latest: BTreeMap<(&str, &str, &str), &CompetitorPrice> = BTreeMap::new();
    for p in prices
        .iter()
        .filter(|p| p.date.as_str() >= from && p.date.as_str() <= to)
    {
        let slot = latest
            .entry((&p.competitor, &p.product_id, &p.competitor_product))
            .or_insert(p);
        if p.date >= slot.date {
            *slot = p;
        }
    }
    latest.into_values().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(month: &str, q: f64, invoice: f64, pocket: f64) -> OurMonth {
        OurMonth {
            segment_id: None,
            product_id: "P1".into(),
            month: month.into(),
            quantity: q,
            list_revenue: q * 110.0,
            invoice_revenue: q * invoice,
            pocket_revenue: q * pocket,
        }
    }

    fn theirs(date: &str, price: f64) -> CompetitorPrice {
        CompetitorPrice {
            date: date.into(),
            competitor: "A".into(),
            product_id: "P1".into(),
            competitor_product: "A-1".into(),
            price,
        }
    }

    #[test]
    fn index_is_our_price_over_the_competitors_mean_of_the_month() {
        // January: two quotes 90 and 110 -> mean 100; our invoice 105, pocket 95 -> 105, 95.
        // February: one quote 100; invoice 108, pocket 96 -> 108, 96.
        // April (March unsold): quote 80; invoice 100, pocket 90 -> 125, 112.5.
        // Invoice trend: x = 0, 1, 3 (months), y = 105, 108, 125; mean x 4/3, mean y 338/3;
        // sxx = 16/9 + 1/9 + 25/9 = 42/9; sxy = (-4/3)(-23/3) + (-1/3)(-14/3) + (5/3)(37/3)
        // = (92 + 14 + 185)/9 = 291/9; slope 291/42 = 6.928571 per month, × 12 = 83.142857.
        let months = index_months(
            &[
                ours("2025-01", 10.0, 105.0, 95.0),
                ours("2025-02", 5.0, 108.0, 96.0),
                ours("2025-03", 5.0, 108.0, 96.0),
                ours("2025-04", 2.0, 100.0, 90.0),
            ],
            &[
                theirs("2025-01-05", 90.0),
                theirs("2025-01-20", 110.0),
                theirs("2025-02-11", 100.0),
                theirs("2025-04-02", 80.0),
            ],
        );
        let idx: Vec<(&str, f64, f64)> = months
            .iter()
            .map(|m| (m.month.as_str(), m.invoice_index, m.pocket_index))
            .collect();
        assert_eq!(
            idx,
            vec![
                ("2025-01", 105.0, 95.0),
                ("2025-02", 108.0, 96.0),
                ("2025-04", 125.0, 112.5)
            ]
        );
        let s = summarize(&months);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].months, s[0].first_month.as_str()), (3, "2025-01"));
        assert_eq!(s[0].latest.month, "2025-04");
        let trend = s[0].invoice_trend_per_year.unwrap_or(f64::NAN);
        assert!((trend - 12.0 * 291.0 / 42.0).abs() < 1e-9, "{trend}");
    }

    #[test]
    fn one_month_has_no_trend() {
        let months = index_months(
            &[ours("2025-01", 1.0, 10.0, 9.0)],
            &[theirs("2025-01-01", 10.0)],
        );
        assert_eq!(summarize(&months)[0].invoice_trend_per_year, None);
    }

    #[test]
    fn latest_price_within_the_period() {
        let all = [
            theirs("2024-12-31", 70.0),
            theirs("2025-03-01", 80.0),
            theirs("2025-06-30", 85.0),
            theirs("2026-01-01", 99.0),
        ];
        let l = latest_prices(&all, "2025-01-01", "2025-12-31");
        assert_eq!(l.len(), 1);
        assert_eq!((l[0].date.as_str(), l[0].price), ("2025-06-30", 85.0));
    }
}
