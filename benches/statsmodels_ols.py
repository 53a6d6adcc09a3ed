#!/usr/bin/env python3
"""The statsmodels baseline for benches/demand.rs: per-cell OLS of ln Q on ln P (pocket price,
weekly) on a workspace, one sm.OLS(...).fit() per cell as an analyst's loop would do it.

  python3 benches/statsmodels_ols.py WORKSPACE.db

Prints the cells, the seconds of the fitting loop alone and fits per second.
"""
import sqlite3
import sys
import time

import numpy as np
import statsmodels.api as sm


def main():
    conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT segment_id, product_id, quantity, pocket_revenue FROM agg_week "
        "WHERE quantity > 0 ORDER BY segment_id, product_id, period"
    ).fetchall()
    cells = {}
    for seg, prod, q, rev in rows:
        cells.setdefault((seg, prod), []).append((q, rev / q))
    data = []
    for pts in cells.values():
        a = np.array(pts)
        if len(a) >= 3 and np.ptp(np.log(a[:, 1])) > 0:
            data.append((np.log(a[:, 0]), sm.add_constant(np.log(a[:, 1]))))
    started = time.perf_counter()
    for y, x in data:
        fit = sm.OLS(y, x).fit()
        fit.conf_int(0.05)
        _ = fit.rsquared
    seconds = time.perf_counter() - started
    print(f"statsmodels OLS: {len(data)} cells in {seconds:.3f} s = {len(data) / seconds:,.0f} fits/s")


if __name__ == "__main__":
    main()
