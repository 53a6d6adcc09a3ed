#!/usr/bin/env python3
"""Independent reference numbers for pricebench's estimators (src/model/).

Builds fixed fixtures deterministically (numpy default_rng with fixed seeds), writes them to
fixtures.json, fits them with statsmodels and writes the results to expected.json. The Rust
tests (tests/model_reference.rs) read both files and compare.

  elasticity: statsmodels OLS of ln Q on ln P (with constant): slope, intercept, slope SE,
              R², 95% CI (Student t, n - 2 df).
  wtp:        statsmodels Logit (won ~ price), Probit (won ~ price), Probit (won ~ ln price):
              alpha, beta, their SEs, log-likelihood and the implied median WTP
              (-alpha/beta, or exp(-alpha/beta) for ln price).

Run from the repository root:  python3 testdata/reference/make_reference.py
"""
import json
import os

import numpy as np
import statsmodels
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))


def elasticity_cells():
    specs = [  # name, seed, periods, true elasticity, noise sd, price spread (log)
        ("weekly_104", 1, 104, -1.4, 0.15, 0.10),
        ("weekly_52", 2, 52, -0.6, 0.25, 0.08),
        ("thin_6", 3, 6, -2.2, 0.20, 0.15),
        ("three_periods", 4, 3, -1.0, 0.10, 0.20),
        ("positive_slope", 5, 26, 0.4, 0.10, 0.12),
        ("noisy_12", 6, 12, -1.1, 0.60, 0.05),
    ]
    cells = []
    for name, seed, n, e, sd, spread in specs:
        rng = np.random.default_rng(seed)
        price = np.round(20.0 * np.exp(rng.normal(0.0, spread, n)), 2)
        qty = np.round(np.exp(6.0 + e * np.log(price / 20.0) + rng.normal(0.0, sd, n)), 3)
        points = [{"quantity": float(q), "price": float(p)} for q, p in zip(qty, price)]
        cells.append({"name": name, "points": points})
    return cells


def wtp_cells():
    specs = [  # name, seed, quotes, price low, price high, true WTP draw
        ("logistic_200", 11, 200, 60.0, 140.0, lambda r, n: r.logistic(100.0, 12.0, n)),
        ("normal_150", 12, 150, 30.0, 70.0, lambda r, n: r.normal(50.0, 8.0, n)),
        ("lognormal_300", 13, 300, 15.0, 60.0, lambda r, n: np.exp(r.normal(np.log(30.0), 0.3, n))),
        ("small_40", 14, 40, 8.0, 14.0, lambda r, n: r.normal(11.0, 1.5, n)),
    ]
    cells = []
    for name, seed, n, lo, hi, draw in specs:
        rng = np.random.default_rng(seed)
        price = np.round(rng.uniform(lo, hi, n), 2)
        won = draw(rng, n) >= price
        quotes = [{"price": float(p), "won": bool(w)} for p, w in zip(price, won)]
        cells.append({"name": name, "quotes": quotes})
    return cells


def fit_ols(points):
    q = np.array([p["quantity"] for p in points])
    p = np.array([p["price"] for p in points])
    res = sm.OLS(np.log(q), sm.add_constant(np.log(p))).fit()
    ci = res.conf_int(0.05)
    return {
        "n": len(points),
        "elasticity": res.params[1],
        "intercept": res.params[0],
        "std_error": res.bse[1],
        "r_squared": res.rsquared,
        "ci_low": ci[1][0],
        "ci_high": ci[1][1],
    }


def fit_binary(quotes):
    price = np.array([q["price"] for q in quotes])
    won = np.array([1.0 if q["won"] else 0.0 for q in quotes])
    out = {}
    for model, cls, x in [
        ("logistic", sm.Logit, price),
        ("normal", sm.Probit, price),
        ("log_normal", sm.Probit, np.log(price)),
    ]:
        res = cls(won, sm.add_constant(x)).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
        a, b = res.params
        m = -a / b
        out[model] = {
            "alpha": a,
            "beta": b,
            "alpha_std_error": res.bse[0],
            "beta_std_error": res.bse[1],
            "log_likelihood": res.llf,
            "aic": res.aic,
            "median_wtp": float(np.exp(m)) if model == "log_normal" else m,
        }
    return out


def main():
    fixtures = {"elasticity": elasticity_cells(), "wtp": wtp_cells()}
    expected = {
        "generator": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}",
        "elasticity": {c["name"]: fit_ols(c["points"]) for c in fixtures["elasticity"]},
        "wtp": {c["name"]: fit_binary(c["quotes"]) for c in fixtures["wtp"]},
    }
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, default=float)
        f.write("\n")


if __name__ == "__main__":
    main()
