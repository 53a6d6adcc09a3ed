//! `increase` on the bundled realistic sample against its planted truth (truth.json): every
//! planted list increase is found in its month with its size, nothing else is, and the planted
//! promotions show up as leakage (a promotion starting with the increase absorbs it through
//! on_promo; one ending with it makes the pocket rise more than the list).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::analysis::bridge::{IncreaseOptions, increase_realization};

struct Planted {
    product: String,
    month: String,
    pct: f64,
}

fn truth() -> (Vec<Planted>, Vec<(String, Vec<String>)>) {
    let text = std::fs::read_to_string("testdata/sample/truth.json").unwrap();
    let t: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut planted = Vec::new();
    let mut promos = Vec::new();
    for p in t["realistic"]["products"].as_array().unwrap() {
        let id = p["product_id"].as_str().unwrap().to_string();
        for inc in p["list_increases"].as_array().unwrap() {
            planted.push(Planted {
                product: id.clone(),
                month: inc["month"].as_str().unwrap().to_string(),
                pct: inc["pct"].as_f64().unwrap(),
            });
        }
        let months = p["promo_months"].as_array().unwrap();
        promos.push((
            id,
            months
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect(),
        ));
    }
    (planted, promos)
}

fn previous_month(month: &str) -> String {
    let (y, m) = (
        month[..4].parse::<i32>().unwrap(),
        month[5..].parse::<u32>().unwrap(),
    );
    match m {
        1 => format!("{}-12", y - 1),
        _ => format!("{y}-{:02}", m - 1),
    }
}

#[test]
fn planted_increases_are_found_with_their_month_and_size_and_promotions_leak() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let options = IncreaseOptions {
        effective: None,
        announced: None,
        window_days: 30,
    };
    let results = increase_realization(&ws, &options).unwrap();
    let (planted, promos) = truth();
    assert!(planted.len() > 40);
    assert_eq!(
        results.len(),
        planted.len(),
        "one detected change per planted increase"
    );
    for p in &planted {
        let found = results
            .iter()
            .find(|r| {
                r.change.product_id == p.product && r.change.effective.to_string()[..7] == p.month
            })
            .unwrap_or_else(|| panic!("{} {} not found", p.product, p.month));
        let day = found.change.effective.ymd().2;
        assert!(day <= 7, "{} {}: effective day {day}", p.product, p.month);
        assert!(
            (found.change.pct - p.pct).abs() < 0.1,
            "{} {}: {} vs planted {}",
            p.product,
            p.month,
            found.change.pct,
            p.pct
        );
        let promo = |m: &str| {
            promos
                .iter()
                .any(|(id, ms)| *id == p.product && ms.iter().any(|x| x == m))
        };
        let (before, after) = (promo(&previous_month(&p.month)), promo(&p.month));
        let t = &found.total;
        if after && !before {
            assert_eq!(
                t.mostly_through(),
                Some("on_promo"),
                "{} {}",
                p.product,
                p.month
            );
            assert!(t.pocket_pct().unwrap() < t.list_pct().unwrap() - 5.0);
        }
        if before && !after {
            assert!(t.pocket_pct().unwrap() > t.list_pct().unwrap() + 5.0);
        }
    }
}
