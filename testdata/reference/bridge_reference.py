#!/usr/bin/env python3
"""Independent reference for `pricebench bridge` on the bundled sample (testdata/sample).

Computes the price-volume-mix bridge 2024 -> 2025 with pandas group-bys, written from the
formulas in the README, not from the Rust code:
  per customer x product pair: q = sum quantity, value R = sum quantity x price on the basis
  (pocket = list - every element; margin = pocket - unit_cost); continuing pairs have q > 0 in
  both years; price = (v1 - v0) * (q0 + q1)/2, cost = -(c1 - c0) * (q0 + q1)/2 (margin only);
  volume = (Q1 - Q0) * sum vbar * sbar; product mix = Qbar * sum_p (S1 - S0) * sum vbar * ubar;
  customer mix = Qbar * sum_p Sbar * sum vbar * (u1 - u0); new / lost / other = R1 - R0 of pairs
  with q > 0 only in compare / only in base / in neither.
Amounts are rounded to cents half away from zero; what rounding leaves over (change in cents
minus the sum of the rounded effects) goes to the effect largest in magnitude (first of equals).

Run from the repository root:  python3 testdata/reference/bridge_reference.py
Writes testdata/reference/bridge_expected.csv.
"""
import os
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "sample")
EFFECTS = ["price", "cost", "volume", "product_mix", "customer_mix", "new", "lost", "other"]


def cents(x):
    return int(Decimal(repr(float(x) * 100.0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def load():
    t = pd.read_csv(os.path.join(SAMPLE, "transactions.csv"), dtype={"date": str})
    c = pd.read_csv(os.path.join(SAMPLE, "customers.csv"))[["customer_id", "segment_id"]]
    t = t.merge(c, on="customer_id")
    elements = [col for col in t.columns if col.startswith("on_") or col.startswith("off_")]
    t["pocket"] = t["list_price"] - t[elements].sum(axis=1)
    t["year"] = t["date"].str[:4]
    return t


def pairs(t, measure):
    t = t.assign(
        q=t["quantity"],
        r=t["quantity"] * (t["pocket"] - (t["unit_cost"] if measure == "pocket_margin" else 0.0)),
        c=t["quantity"] * t["unit_cost"],
    )
    g = t.groupby(["segment_id", "product_id", "customer_id", "year"])[["q", "r", "c"]].sum()
    g = g.unstack("year").fillna(0.0)
    out = pd.DataFrame(
        {
            "q0": g[("q", "2024")], "q1": g[("q", "2025")],
            "r0": g[("r", "2024")], "r1": g[("r", "2025")],
            "c0": g[("c", "2024")], "c1": g[("c", "2025")],
        }
    ).reset_index()
    return out


def row_effects(p, measure):
    eps = 1e-9
    cont = p[(p.q0 > eps) & (p.q1 > eps)].copy()
    e = dict.fromkeys(EFFECTS, 0.0)
    e["new"] = (p.r1 - p.r0)[(p.q0 <= eps) & (p.q1 > eps)].sum()
    e["lost"] = (p.r1 - p.r0)[(p.q0 > eps) & (p.q1 <= eps)].sum()
    e["other"] = (p.r1 - p.r0)[(p.q0 <= eps) & (p.q1 <= eps)].sum()
    if len(cont):
        qbar = (cont.q0 + cont.q1) / 2
        v0, v1 = cont.r0 / cont.q0, cont.r1 / cont.q1
        vbar = (v0 + v1) / 2
        if measure == "pocket_margin":
            u0, u1 = cont.c0 / cont.q0, cont.c1 / cont.q1
            e["cost"] = (-(u1 - u0) * qbar).sum()
            e["price"] = ((v1 - v0) * qbar).sum() - e["cost"]
        else:
            e["price"] = ((v1 - v0) * qbar).sum()
        Q0, Q1 = cont.q0.sum(), cont.q1.sum()
        s0, s1 = cont.q0 / Q0, cont.q1 / Q1
        e["volume"] = (Q1 - Q0) * (vbar * (s0 + s1) / 2).sum()
        P0 = cont.groupby("product_id").q0.transform("sum")
        P1 = cont.groupby("product_id").q1.transform("sum")
        S0, S1 = P0 / Q0, P1 / Q1
        w0, w1 = cont.q0 / P0, cont.q1 / P1
        Qm = (Q0 + Q1) / 2
        e["product_mix"] = Qm * ((S1 - S0) * vbar * (w0 + w1) / 2).sum()
        e["customer_mix"] = Qm * ((S0 + S1) / 2 * vbar * (w1 - w0)).sum()
    base, compare = cents(p.r0.sum()), cents(p.r1.sum())
    rounded = [cents(e[k]) for k in EFFECTS]
    residual = (compare - base) - sum(rounded)
    largest = max(range(len(EFFECTS)), key=lambda i: (abs(e[EFFECTS[i]]), -i))
    rounded[largest] += residual
    return base, compare, rounded


def main():
    t = load()
    rows = []
    for measure in ["revenue", "pocket_margin"]:
        p = pairs(t, measure)
        for by, keys in [("segment-product", ["segment_id", "product_id"]), ("customer", ["segment_id", "customer_id"])]:
            for key, grp in p.groupby(keys, sort=True):
                base, compare, eff = row_effects(grp, measure)
                rec = {"measure": measure, "by": by, "key": "/".join(key), "base": base, "compare": compare}
                rec.update(dict(zip(EFFECTS, eff)))
                rows.append(rec)
    out = pd.DataFrame(rows)
    out.to_csv(os.path.join(HERE, "bridge_expected.csv"), index=False)
    print(f"{len(out)} rows; numpy {np.__version__}, pandas {pd.__version__}")


if __name__ == "__main__":
    main()
