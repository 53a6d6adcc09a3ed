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
  panel:      statsmodels OLS of ln q on customer dummies (no constant), month-of-year dummies
              (the first month of year present is the reference), a trend in years and ln p,
              with cov_type="cluster" by customer (CR1: G/(G-1)*(N-1)/(N-K), K counting the
              customer dummies) and use_t (df = G - 1): the price coefficient, its SE and 95%
              interval, the trend. Customer-months with quantity <= 0 are dropped, then
              customers with a single month (no within information); the trend is left out
              when the design would be rank deficient (twelve months or fewer).

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


def panel_cells():
    specs = [  # name, seed, customers, months, incidence, true e, noise sd, AR(1), trend
        ("balanced_24", 21, 30, 24, 1.0, -1.3, 0.20, 0.0, 0.05),
        ("unbalanced_24", 22, 40, 24, 0.6, -2.1, 0.25, 0.4, 0.08),
        ("one_year", 23, 25, 12, 0.8, -0.7, 0.20, 0.0, 0.0),
        ("few_customers", 24, 4, 24, 0.9, -1.6, 0.15, 0.3, 0.03),
        ("zero_elasticity", 25, 50, 18, 0.7, 0.0, 0.30, 0.5, -0.04),
    ]
    cells = []
    for name, seed, n_cust, n_months, incidence, e, sd, ar, trend in specs:
        rng = np.random.default_rng(seed)
        season = rng.normal(0.0, 0.15, 12)
        promo = rng.uniform(0.0, 0.15, n_months) * (rng.uniform(size=n_months) < 0.4)
        obs = []
        for c in range(n_cust):
            alpha = rng.normal(3.0, 1.0)
            base = np.exp(rng.normal(4.0, 0.7)) * (1.0 - rng.uniform(0.0, 0.2))
            noise = rng.normal(0.0, sd)
            for m in range(n_months):
                noise = ar * noise + np.sqrt(1.0 - ar * ar) * rng.normal(0.0, sd)
                price = round(base * (1.0 + 0.04 * (m >= 12)) * (1.0 - promo[m])
                              * (1.0 + rng.normal(0.0, 0.03)), 2)
                lnq = (alpha + season[m % 12] + trend * m / 12.0 + e * np.log(price / base)
                       + noise)
                qty = float(round(np.exp(lnq), 3))
                if rng.uniform() < incidence:
                    obs.append({"customer": c, "month": 2024 * 12 + m, "quantity": qty,
                                "revenue": float(round(qty * price, 4))})
        # A customer with one month only, and a month that netted to zero: both left out.
        obs.append({"customer": n_cust, "month": 2024 * 12 + 3, "quantity": 17.0,
                    "revenue": 170.0})
        obs.append({"customer": 0, "month": 2024 * 12 + n_months, "quantity": 0.0,
                    "revenue": 0.0})
        cells.append({"name": name, "obs": obs})
    return cells


def fit_panel(obs):
    rows = [o for o in obs if o["quantity"] > 0 and o["revenue"] > 0]
    months_of = {}
    for o in rows:
        months_of.setdefault(o["customer"], []).append(o)
    rows = [o for o in rows if len(months_of[o["customer"]]) >= 2]
    customers = sorted({o["customer"] for o in rows})
    moys = sorted({o["month"] % 12 for o in rows})[1:]
    first = min(o["month"] for o in rows)
    y = np.array([np.log(o["quantity"]) for o in rows])
    cust = np.array([[1.0 if o["customer"] == c else 0.0 for c in customers] for o in rows])
    month = np.array([[1.0 if o["month"] % 12 == m else 0.0 for m in moys] for o in rows])
    trend = np.array([[(o["month"] - first) / 12.0] for o in rows])
    price = np.array([[np.log(o["revenue"] / o["quantity"])] for o in rows])
    X = np.hstack([cust, month, trend, price])
    with_trend = np.linalg.matrix_rank(X) == X.shape[1]
    if not with_trend:
        X = np.hstack([cust, month, price])
    groups = np.array([customers.index(o["customer"]) for o in rows])
    res = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    ci = res.conf_int(0.05)
    g = len(customers)
    assert res.df_resid_inference == g - 1
    return {
        "n_obs": len(rows),
        "n_customers": g,
        "df": g - 1,
        "elasticity": res.params[-1],
        "std_error": res.bse[-1],
        "ci_low": ci[-1][0],
        "ci_high": ci[-1][1],
        "trend_per_year": res.params[-2] if with_trend else None,
    }


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
    fixtures = {"elasticity": elasticity_cells(), "wtp": wtp_cells(), "panel": panel_cells()}
    expected = {
        "generator": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}",
        "elasticity": {c["name"]: fit_ols(c["points"]) for c in fixtures["elasticity"]},
        "wtp": {c["name"]: fit_binary(c["quotes"]) for c in fixtures["wtp"]},
        "panel": {c["name"]: fit_panel(c["obs"]) for c in fixtures["panel"]},
    }
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, default=float)
        f.write("\n")


if __name__ == "__main__":
    main()
