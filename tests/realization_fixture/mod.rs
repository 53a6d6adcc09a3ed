//! A hand-computed workspace for the realization views, imported through the real importer so
//! every aggregate is the importer's own.
//!
//! Lines (customer/segment, product, qty × list, on_volume, off_rebate → pocket, pocket % list):
//! T01 C1/S1 P1  100 × 10  1   0.5 → 8.5  85 %
//! T02 C2/S1 P1   50 × 10  0   0.5 → 9.5  95 %   (on_volume zero)
//! T03 C3/S1 P1   20 × 10  2   1   → 7    70 %
//! T04 C1/S1 P1  −10 × 10  1   0.5 → 8.5       (a return: C1 × P1 nets to 90 at 85 %)
//! T05 C4/S2 P1   40 × 10  1   1   → 8    80 %
//! T06 C5/S2 P1   10 × 10  0   0   → 10  100 %
//! T07 C4/S2 P2   30 × 20  2   1   → 17   85 %
//! T08 C5/S2 P2   10 × 20  4   2   → 14   70 %
//! T09 C2/S1 P3    5 × 5   0   0   → 5         (bought …
//! T10 C2/S1 P3   −5 × 5   0   0   → 5          … and returned: P3 has zero net volume)
//!
//! Totals: quantity 250, list 2,900, on_volume 270, invoice 2,630, off_rebate 180, pocket 2,450,
//! realization 84.48 %. Per unit: list 11.60, on 1.08, invoice 10.52, off 0.72, pocket 9.80.
//! P1: q 210, list 2,100, on 170, off 130, pocket 1,800. P2: q 40, list 800, on 100, off 50,
//! pocket 650. P3: q 0, list 0.
//!
//! Band of P1 (customer basis; pocket %, volume): 70 (20), 80 (40), 85 (90), 95 (50), 100 (10);
//! cumulative 20, 60, 150, 200, 210 of W = 210. Lower weighted quantile (first value with
//! cumulative ≥ p·W): p10 (21) = 80, p25 (52.5) = 80, p50 (105) = 85, p75 (157.5) = 95,
//! p90 (189) = 95; width 15. Outlier: C3 (70 < 80), volume 20, list 200, recoverable
//! (85 − 70) % × 200 = 30.
//! Its histogram in 4 bins of 7.5 points: 20, 40, 90, 60 (the last bin includes 100).
//! Band of P2: 70 (10), 85 (30): p10 = p25 = 70 (cumulative 10 meets 0.25 × 40 exactly),
//! p50 = p75 = p90 = 85; no outlier. P3: one customer, excluded (zero net volume), no band.
//! Segment × product medians: S1/P1 85, S2/P1 80, S2/P2 85 → recoverable C3 30 (P1),
//! C5 30 (P2: (85 − 70) % × 200); everyone else 0.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pricebench::store::import::{ImportOptions, Source, import};
use pricebench::store::{Origin, Workspace};
use std::path::Path;

const FILES: [(&str, &str); 4] = [
    (
        "segments.csv",
        "segment_id,name\nS1,Industrial\nS2,Retail\n",
    ),
    (
        "customers.csv",
        "customer_id,segment_id,name\nC1,S1,Ajax\nC2,S1,Brio\nC3,S1,Cato\nC4,S2,Dune\nC5,S2,Echo\n",
    ),
    (
        "products.csv",
        "product_id,name,unit_cost,list_price\nP1,Bolt,6,10\nP2,Gear,12,20\nP3,Pin,2,5\n",
    ),
    (
        "transactions.csv",
        "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate\n\
         T01,2024-01-10,C1,P1,100,10,1,0.5\n\
         T02,2024-01-20,C2,P1,50,10,0,0.5\n\
         T03,2024-02-05,C3,P1,20,10,2,1\n\
         T04,2024-02-10,C1,P1,-10,10,1,0.5\n\
         T05,2024-02-15,C4,P1,40,10,1,1\n\
         T06,2024-03-01,C5,P1,10,10,0,0\n\
         T07,2024-03-05,C4,P2,30,20,2,1\n\
         T08,2024-03-10,C5,P2,10,20,4,2\n\
         T09,2024-03-15,C2,P3,5,5,0,0\n\
         T10,2024-03-20,C2,P3,-5,5,0,0\n",
    ),
];

/// Writes the fixture's CSV files into `dir`.
pub fn write_csv(dir: &Path) {
    for (name, text) in FILES {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn fill(ws: &mut Workspace) {
    let dir = tempfile::tempdir().unwrap();
    write_csv(dir.path());
    let sources = FILES
        .iter()
        .map(|(name, _)| Source::open(&dir.path().join(name)).unwrap())
        .collect();
    import(ws, sources, ImportOptions::default()).unwrap();
}

/// The fixture in memory, labelled as a file.
pub fn workspace() -> Workspace {
    let mut ws = Workspace::in_memory(Origin::File("realization.db".into())).unwrap();
    fill(&mut ws);
    ws
}

/// The fixture written to a workspace file at `path`.
pub fn workspace_file(path: &Path) {
    let mut ws = Workspace::open(path).unwrap();
    fill(&mut ws);
}
