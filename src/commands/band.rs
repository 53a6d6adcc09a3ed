//! `pricebench band`: the pocket price band per product (or segment × product) — percentiles,
//! histogram, or the customers below p10 with the margin recovered at the median.

use crate::analysis::realization::{self as analysis, BandOptions, GroupBand};
use crate::cli::{BandArgs, BandBasis, BandByArg, BandShow};
use crate::realization::band::BandBy;
use crate::realization::sums::GroupKey;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

/// Prints the table `--show` asks for.
pub fn run(args: &BandArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let bands = compute(args, ws)?;
    let basis = match args.basis {
        BandBasis::Customer => "customer",
        BandBasis::Transaction => "transaction",
    };
    let r = match args.show {
        BandShow::Summary => summary(&bands, basis),
        BandShow::Histogram => histogram(&bands),
        BandShow::Outliers => outlier_report(&bands),
    };
    let scope = super::scope(&args.scope, None)?;
    let period =
        crate::store::query::period_used(ws, scope.from, scope.to, scope.product.as_deref())?;
    r.with_period(period)
        .with_currency(
            crate::store::query::reporting_currency(ws)?,
            &["list_revenue", "recoverable_margin"],
        )
        .write(args.format.format, out)
}

/// The bands the arguments ask for, in key order.
pub fn compute(args: &BandArgs, ws: &Workspace) -> Result<Vec<GroupBand>> {
    let scope = super::scope(&args.scope, None)?;
    let options = BandOptions {
        by: match args.by {
            BandByArg::Product => BandBy::Product,
            BandByArg::SegmentProduct => BandBy::SegmentProduct,
        },
        basis: match args.basis {
            BandBasis::Customer => analysis::BandBasis::Customer,
            BandBasis::Transaction => analysis::BandBasis::Transaction,
        },
        bins: usize::from(args.bins),
    };
    Ok(analysis::bands(ws, &scope, &options)?)
}

fn key_cells(key: &GroupKey) -> [Cell; 2] {
    [
        Cell::opt_text(key.segment_id.as_deref()),
        Cell::opt_text(key.product_id.as_deref()),
    ]
}

/// One row per band: percentiles of pocket % of list and the band width (p90 − p10).
pub fn summary(bands: &[GroupBand], basis: &str) -> Report {
    let mut r = Report::new(&[
        "segment_id",
        "product_id",
        "basis",
        "observations",
        "excluded",
        "volume",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "band_width",
        "outliers",
        "status",
    ]);
    for g in bands {
        let p = g.band.percentiles;
        let at = |f: fn(&crate::realization::band::Percentiles) -> f64| {
            super::leakage::pct2(p.as_ref().map(f))
        };
        let mut row = key_cells(&g.key).to_vec();
        row.extend([
            Cell::Text(basis.to_string()),
            Cell::Int(g.band.observations as i64),
            Cell::Int(g.band.excluded as i64),
            Cell::money(g.band.volume),
            at(|p| p.p10),
            at(|p| p.p25),
            at(|p| p.p50),
            at(|p| p.p75),
            at(|p| p.p90),
            at(|p| p.width()),
            Cell::Int(g.outliers.len() as i64),
            Cell::Text(
                if p.is_some() {
                    "ok"
                } else {
                    "no positive volume"
                }
                .to_string(),
            ),
        ]);
        r.push(row);
    }
    r
}

/// One row per histogram bar of every band.
pub fn histogram(bands: &[GroupBand]) -> Report {
    let mut r = Report::new(&[
        "segment_id",
        "product_id",
        "bin",
        "lo_pct",
        "hi_pct",
        "volume",
        "volume_share_pct",
        "observations",
    ]);
    for g in bands {
        for (i, bin) in g.band.histogram.iter().enumerate() {
            let mut row = key_cells(&g.key).to_vec();
            row.extend([
                Cell::Int(i as i64 + 1),
                Cell::Num {
                    value: bin.lo_pct,
                    decimals: 2,
                },
                Cell::Num {
                    value: bin.hi_pct,
                    decimals: 2,
                },
                Cell::money(bin.volume),
                super::leakage::pct2(crate::realization::pct(bin.volume, g.band.volume)),
                Cell::Int(bin.observations as i64),
            ]);
            r.push(row);
        }
    }
    r
}

/// One row per customer below its band's p10, largest recoverable margin first within a band.
pub fn outlier_report(bands: &[GroupBand]) -> Report {
    let mut r = Report::new(&[
        "segment_id",
        "product_id",
        "customer_id",
        "customer_segment_id",
        "pocket_pct",
        "p10",
        "p50",
        "volume",
        "list_revenue",
        "recoverable_margin",
    ]);
    for g in bands {
        let p = g.band.percentiles;
        for o in &g.outliers {
            let mut row = key_cells(&g.key).to_vec();
            row.extend([
                Cell::Text(o.customer_id.to_string()),
                Cell::Text(o.segment_id.to_string()),
                super::leakage::pct2(Some(o.pocket_pct)),
                super::leakage::pct2(p.map(|p| p.p10)),
                super::leakage::pct2(p.map(|p| p.p50)),
                Cell::money(o.volume),
                Cell::money(o.list_revenue),
                Cell::money(o.recoverable),
            ]);
            r.push(row);
        }
    }
    r
}
