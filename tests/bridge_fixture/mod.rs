//! Hand-computed workspaces for `bridge` and `increase`, imported through the real importer.
//!
//! BRIDGE (base 2024-01, compare 2024-02; elements on_volume (on), off_rebate (off)).
//! Lines: customer/segment product q × list, on, off, cost → pocket
//!   base    C1/S1 P1 10 × 10, 1, 1, 5 → 8      compare C1/S1 P1 12 × 11, 1, 2, 6 → 8
//!   base    C1/S1 P2 20 × 20, 2, 0, 10 → 18    compare C1/S1 P2 15 × 20, 3, 0, 10 → 17
//!   base    C2/S1 P1 10 × 10, 0, 0, 5 → 10     compare C2/S1 P1 20 × 11, 0.5, 0, 6 → 10.5
//!   base    C3/S2 P1  5 × 10, 1, 1, 5 → 8      (lost)
//!                                              compare C3/S2 P2  3 × 20, 0, 0, 10 → 20 (new)
//!   base    C4/S2 P2  4 × 20 and −4 × 25 (a return at another price: zero net volume,
//!           pocket revenue 80 − 100 = −20; "other")
//!
//! Pocket revenue, S1 (all three pairs continue), q̄ = (q0 + q1)/2, v̄ = (v0 + v1)/2:
//!   C1P1 q 10 → 12, v 8 → 8:     price 0 × 11 = 0,        quantity 2 × 8 = 16
//!   C1P2 q 20 → 15, v 18 → 17:   price −1 × 17.5 = −17.5, quantity −5 × 17.5 = −87.5
//!   C2P1 q 10 → 20, v 10 → 10.5: price 0.5 × 15 = 7.5,    quantity 10 × 10.25 = 102.5
//!   base 540, compare 561, change 21 = price −10 + quantity 31.
//!   Price by step: list (1·11 + 0 + 1·15) = 26; on_volume −(0 + 1·17.5 + 0.5·15) = −25;
//!   off_rebate −(1·11) = −11.
//!   Q 40 → 47, Q̄ 43.5. volume = (Q1 − Q0)·Σ v̄·s̄ = 7 · ½ (532.5/40 + 563.5/47) = 88.5565 → 88.56
//!   P1 q 20 → 32, P2 20 → 15: S1 − S0 = ±17/94; Σ v̄·ū: P1 8·0.4375 + 10.25·0.5625 = 9.265625,
//!   P2 17.5. product_mix = 43.5 · 17/94 · (9.265625 − 17.5) = −64.77998 → −64.78
//!   customer_mix = 43.5 · S̄(P1) = 111/188 · (8·(−0.125) + 10.25·0.125) = 7.22349 → 7.22
//!   88.56 − 64.78 + 7.22 = 31.00.
//! S2: lost −40 (C3P1), new +60 (C3P2), other +20 (C4P2): base 20, compare 60, change 40.
//! Total: base 560, compare 621, change 61.
//!
//! Pocket margin, S1 (margin per unit 3 → 2, 8 → 7, 5 → 4.5): price −10 as above, cost
//! −(1·11 + 0 + 1·15) = −26, quantity 2·2.5 − 5·7.5 + 10·4.75 = 15, of which volume
//! 3.5 · (222.5/40 + 237.5/47) = 37.155, product_mix 43.5 · 17/94 · (3.765625 − 7.5) = −29.38,
//! customer_mix 43.5 · 111/188 · 0.28125 = 7.22; rounded they make 14.99, so the cent left over
//! goes to the largest (volume 37.16); base 240, compare 219, change −21.
//! S2: lost −15, new +30, other +20 (cost nets to zero): change 35.
//!
//! INCREASE (P1 list 10 → 11 from 2024-03-01; --window 10: 02-20..02-29 vs 03-01..03-10):
//!   C1/S1 q 10 at list 10, on 1, off 1 (pocket 8) → q 10 at 11, 1.1, 1.1 (pocket 8.8): all of it
//!   C2/S1 q 10 at 10, 0, 0 (pocket 10) → q 30 at 11, on 1, 0 (pocket 10): none of it
//!   C3/S2 only after: not like for like (unmatched)
//!   weights q̄ 10 and 20: list 300 → 330 (+10%), invoice 290 → 299 (+3.1%), pocket 280 → 288
//!   (+2.9%); target 0.1 · 280 = 28, arrived 8, leaked 20 = 71%, all through on_volume
//!   (C2: Δon − a·on0 = 20 − 0); C2 leaked 20 (100%), C1 0.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pricebench::store::import::{ImportOptions, Source, import};
use pricebench::store::{Origin, Workspace};
use std::path::Path;

const COMMON: [(&str, &str); 3] = [
    (
        "segments.csv",
        "segment_id,name\nS1,Industrial\nS2,Retail\n",
    ),
    (
        "customers.csv",
        "customer_id,segment_id\nC1,S1\nC2,S1\nC3,S2\nC4,S2\n",
    ),
    (
        "products.csv",
        "product_id,name,unit_cost,list_price,family\nP1,Bolt,5,10,fasteners\nP2,Gear,10,20,drives\n",
    ),
];

pub const BRIDGE_LINES: &str = "txn_id,date,customer_id,product_id,quantity,list_price,unit_cost,on_volume,off_rebate\n\
     B1,2024-01-05,C1,P1,10,10,5,1,1\n\
     B2,2024-01-06,C1,P2,20,20,10,2,0\n\
     B3,2024-01-07,C2,P1,10,10,5,0,0\n\
     B4,2024-01-08,C3,P1,5,10,5,1,1\n\
     B5,2024-01-09,C4,P2,4,20,10,0,0\n\
     B6,2024-01-20,C4,P2,-4,25,10,0,0\n\
     K1,2024-02-05,C1,P1,12,11,6,1,2\n\
     K2,2024-02-06,C1,P2,15,20,10,3,0\n\
     K3,2024-02-07,C2,P1,20,11,6,0.5,0\n\
     K4,2024-02-08,C3,P2,3,20,10,0,0\n";

pub const INCREASE_LINES: &str = "txn_id,date,customer_id,product_id,quantity,list_price,unit_cost,on_volume,off_rebate\n\
     I1,2024-02-20,C1,P1,10,10,5,1,1\n\
     I2,2024-02-25,C2,P1,10,10,5,0,0\n\
     I3,2024-03-01,C1,P1,10,11,5,1.1,1.1\n\
     I4,2024-03-05,C2,P1,30,11,5,1,0\n\
     I5,2024-03-08,C3,P1,5,11,5,0,0\n";

/// Writes the common files and `lines` as transactions.csv into `dir`.
pub fn write_csv(dir: &Path, lines: &str) {
    for (name, text) in COMMON {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("transactions.csv"), lines).unwrap();
}

/// An in-memory workspace holding the common files and `lines`.
pub fn workspace(lines: &str) -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    write_csv(dir.path(), lines);
    let mut ws = Workspace::in_memory(Origin::Sample).unwrap();
    let sources = [
        "segments.csv",
        "customers.csv",
        "products.csv",
        "transactions.csv",
    ]
    .iter()
    .map(|name| Source::open(&dir.path().join(name)).unwrap())
    .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    ws
}

/// A workspace file in `dir` imported by the binary's library from the fixture.
pub fn workspace_file(dir: &Path, lines: &str) -> std::path::PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_csv(&data, lines);
    let db = dir.join("ws.db");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "import",
            data.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    db
}
