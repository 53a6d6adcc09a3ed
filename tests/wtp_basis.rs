//! The WTP max-margin price on the right basis: quotes are invoice prices, and a won quote
//! costs the cell's off-invoice elements besides the unit cost. The optimum with those costs
//! equals a brute-force search over the fitted curve; on the workspace each cell carries the
//! costs its sales show (checked with SQL); a curve too flat for an interior optimum prints no
//! price, never the search bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::cli::Format;
use pricebench::model::{
    ALL_SEGMENTS, Quote, QuoteCell, QuoteCosts, WtpModel, fit_wtp, fit_wtp_cells, fit_wtp_costs,
};
use pricebench::store::demand::DemandFilter;
use support::assert_close;

/// Quotes at `prices` prices evenly from 60 to 140, `n` each, with the share of wins `win(p)`
/// rounded: the fitted curve is close to the planted one, without randomness.
fn planted(win: impl Fn(f64) -> f64, prices: usize, n: usize) -> Vec<Quote> {
    let mut quotes = Vec::new();
    for k in 0..prices {
        let price = 60.0 + 80.0 * k as f64 / (prices - 1) as f64;
        let won = (win(price) * n as f64).round() as usize;
        quotes.extend((0..n).map(|i| Quote {
            price,
            won: i < won,
        }));
    }
    quotes
}

/// The price on a 0.001 grid over [lo, hi] that maximises `margin`.
fn brute_force(margin: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    let steps = ((hi - lo) / 1e-3) as usize;
    (0..=steps)
        .map(|k| lo + k as f64 * 1e-3)
        .max_by(|a, b| margin(*a).total_cmp(&margin(*b)))
        .unwrap()
}

#[test]
fn the_max_margin_price_with_off_invoice_costs_equals_a_brute_force_search() {
    let quotes = planted(|p| 1.0 / (1.0 + ((p - 100.0) / 10.0).exp()), 41, 200);
    let costs = QuoteCosts {
        unit_cost: 50.0,
        off_share: 0.04,
        off_fixed: 6.0,
    };
    for model in WtpModel::ALL {
        let fit = fit_wtp_costs(&quotes, model, &costs);
        let win = |p: f64| fit.win_probability_at(p).unwrap();
        let margin = |p: f64| (p * (1.0 - 0.04) - 6.0 - 50.0) * win(p);
        let best = brute_force(margin, 58.0, 200.0);
        let found = fit.optimal_price.unwrap();
        assert!((found - best).abs() < 2e-3, "{model}: {found} vs {best}");
        assert_close(fit.expected_margin_at_optimum.unwrap(), margin(best), 1e-6);
        assert_close(fit.win_probability_at_optimum.unwrap(), win(found), 1e-12);
        // The costs move the optimum: (p − 50)·P(win) alone peaks lower.
        let unit_only = fit_wtp(&quotes, model, 50.0).optimal_price.unwrap();
        let without = brute_force(|p| (p - 50.0) * win(p), 50.0, 200.0);
        assert!((unit_only - without).abs() < 2e-3, "{model}");
        assert!(found > unit_only + 2.0, "{model}: {found} vs {unit_only}");
    }
}

/// Σ q·x over the cell's transaction lines for each SQL expression `x` (all dates).
fn line_sums(ws: &pricebench::store::Workspace, segment: &str, product: &str) -> [f64; 4] {
    let (seg_where, params): (&str, Vec<&str>) = match segment {
        ALL_SEGMENTS => ("product_id = ?1", vec![product]),
        _ => (
            "segment_id = ?1 AND product_id = ?2",
            vec![segment, product],
        ),
    };
    let sql = format!(
        "SELECT SUM(quantity * off_payment_terms),
                SUM(quantity * (list_price - on_volume - on_promo - on_competitive)),
                SUM(quantity * (off_rebate + off_freight + off_coop)),
                SUM(quantity)
         FROM transaction_lines WHERE {seg_where}"
    );
    ws.conn()
        .query_row(&sql, rusqlite::params_from_iter(params), |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
        })
        .unwrap()
}

#[test]
fn on_the_workspace_each_cell_carries_the_off_invoice_costs_of_its_sales() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let data = pricebench::analysis::demand::wtp_cells(&ws).unwrap();
    let (mut checked, mut with_costs) = (0, 0);
    for (i, cell) in data.cells.iter().enumerate() {
        let [terms, invoice, others, quantity] = line_sums(&ws, &cell.segment_id, &cell.product_id);
        // Payment terms scale with the invoice; rebates, freight and co-op are per unit.
        assert_close(cell.off_share, terms / invoice, 1e-9);
        assert_close(cell.off_fixed, others / quantity, 1e-9);
        with_costs += usize::from(cell.off_share > 0.0 && cell.off_fixed > 0.0);
        // The fitted rows use exactly these costs.
        let costs = QuoteCosts {
            unit_cost: cell.unit_cost,
            off_share: terms / invoice,
            off_fixed: others / quantity,
        };
        for row in &data.rows[i * 3..i * 3 + 3] {
            let again = fit_wtp_costs(&cell.quotes, row.fit.model, &costs);
            match (row.fit.optimal_price, again.optimal_price) {
                (Some(a), Some(b)) => {
                    assert_close(a, b, 1e-6);
                    // Costs on top of the unit cost raise the price that pays.
                    let bare = fit_wtp(&cell.quotes, row.fit.model, cell.unit_cost);
                    let bare = bare.optimal_price.unwrap_or(0.0);
                    assert!(bare <= a + 1e-6, "{cell:?}");
                    checked += usize::from(bare < a - 0.01);
                }
                (a, b) => assert_eq!(a, b),
            }
        }
    }
    assert!(checked > 50, "{checked} optima checked");
    assert!(
        with_costs * 2 > data.cells.len(),
        "{with_costs} cells with costs"
    );
    // The command reads the same cells.
    let rows = pricebench::analysis::demand::wtp_rows(&ws, &DemandFilter::default(), None).unwrap();
    assert_eq!(rows, data.rows);
}

#[test]
fn a_flat_win_curve_has_no_interior_optimum_and_prints_no_price() {
    // P(win) falls from 0.9 to 0.8993 over the quoted prices: a WTP spread over tens of
    // thousands, so the expected margin still rises at 100× the top quote, where the search
    // ends.
    let quotes = planted(|p| 0.9 - 0.0007 * (p - 60.0) / 80.0, 5, 20_000);
    let cell = QuoteCell {
        segment_id: "S1".into(),
        product_id: "P1".into(),
        unit_cost: 40.0,
        off_share: 0.02,
        off_fixed: 3.0,
        quotes,
    };
    let rows = fit_wtp_cells(std::slice::from_ref(&cell), None);
    for row in &rows {
        let f = &row.fit;
        assert!(f.beta.unwrap() < 0.0, "{f:?}");
        assert!(f.no_interior_optimum, "{f:?}");
        assert_eq!(f.optimal_price, None);
        assert_eq!(f.expected_margin_at_optimum, None);
        assert_eq!(row.flag(), "no_interior_optimum");
    }
    let mut csv = Vec::new();
    pricebench::commands::wtp::report(&rows)
        .write(Format::Csv, &mut csv)
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        assert_eq!(&record[col("max_margin_price")], "");
        assert_eq!(&record[col("flag")], "no_interior_optimum");
    }
}

#[test]
fn the_wtp_view_says_quotes_are_invoice_prices_and_which_costs_it_nets() {
    use pricebench::report::fmt_num;
    use pricebench::tui::action::Action;
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = support::Harness::with(ws, false, 120, 36);
    h.send(&[Action::ShowView(4), Action::Down]);
    let (cell, _) = h.app.wtp.selected_cell().unwrap();
    let costs = format!(
        "max-mgn: invoice price; off-invoice {}% + {}/unit",
        fmt_num(cell.off_share * 100.0, 1),
        fmt_num(cell.off_fixed, 2)
    );
    assert!(cell.off_fixed > 0.0);
    let s = h.screen();
    assert!(s.contains(&costs), "no {costs:?} in\n{s}");
}
