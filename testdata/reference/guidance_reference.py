"""Independent computation of the deal guidance on the bundled sample (testdata/sample), with
pandas and numpy's weighted quantile (method="inverted_cdf", the band's definition), for
tests/guidance.rs. Run once: python3 testdata/reference/guidance_reference.py; it writes
testdata/reference/guidance.json (committed).

Per segment × product: customers' net sums; floor / target / stretch = weighted p25 / p50 / p75
of pocket % of list (weights: net quantity); cells with fewer than 5 customers borrow the
product's customers across segments (else the segment's); off-invoice % = (invoice − pocket) /
list over the cell's own customers; worth = Σ (corridor − pocket %) / 100 × list revenue over
customers below it."""
import json
import pathlib

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).parent
SAMPLE = HERE.parent / "sample"
MIN_CUSTOMERS = 5


def customer_cells():
    lines = pd.read_csv(SAMPLE / "transactions.csv")
    customers = pd.read_csv(SAMPLE / "customers.csv")[["customer_id", "segment_id"]]
    on = [c for c in lines.columns if c.startswith("on_")]
    off = [c for c in lines.columns if c.startswith("off_")]
    lines = lines.fillna({c: 0.0 for c in on + off})
    q = lines["quantity"]
    lines["list"] = q * lines["list_price"]
    lines["invoice"] = q * (lines["list_price"] - lines[on].sum(axis=1))
    lines["pocket"] = lines["invoice"] - q * lines[off].sum(axis=1)
    cells = lines.groupby(["customer_id", "product_id"], as_index=False)[
        ["quantity", "list", "invoice", "pocket"]
    ].sum()
    cells = cells.merge(customers, on="customer_id")
    cells = cells[(cells["quantity"] > 1e-9) & (cells["list"] != 0)].copy()
    cells["pct"] = cells["pocket"] / cells["list"] * 100.0
    return cells


def corridor(pool):
    qs = np.quantile(
        pool["pct"].to_numpy(), [0.25, 0.5, 0.75], method="inverted_cdf",
        weights=pool["quantity"].to_numpy(),
    )
    return [float(v) for v in qs]


def main():
    cells = customer_cells()
    rows = []
    for (segment, product), own in cells.groupby(["segment_id", "product_id"]):
        source, pool = "own", own
        if len(own) < MIN_CUSTOMERS:
            by_product = cells[cells["product_id"] == product]
            by_segment = cells[cells["segment_id"] == segment]
            if len(by_product) >= MIN_CUSTOMERS:
                source, pool = "product", by_product
            elif len(by_segment) >= MIN_CUSTOMERS:
                source, pool = "segment", by_segment
            else:
                source, pool = "none", None
        row = {"segment_id": segment, "product_id": product, "customers": len(own), "source": source}
        if pool is not None:
            floor, target, stretch = corridor(pool)
            below = lambda level: own[own["pct"] < level]
            worth = lambda level: float(((level - below(level)["pct"]) / 100 * below(level)["list"]).sum())
            row.update(
                floor=floor, target=target, stretch=stretch,
                off_invoice_pct=float((own["invoice"].sum() - own["pocket"].sum()) / own["list"].sum() * 100),
                to_floor=worth(floor), to_target=worth(target),
                below_floor=len(below(floor)), below_target=len(below(target)),
            )
        rows.append(row)
    (HERE / "guidance.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(f"{len(rows)} rows, {sum(r['source'] != 'own' for r in rows)} borrowed or without corridor")


if __name__ == "__main__":
    main()
