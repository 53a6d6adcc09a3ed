"""Independent derivation of the master files of testdata/flat/erp_flat.csv, by the rules the
README states for flat sales files (kind = "sales"), written as the canonical files that
tests/import_map.rs imports to compare with `map suggest` + `import --map`.

Run once from the repository root: python3 testdata/reference/flat_masters.py
Rules: segment name = its id (no segment_name column); customer = first line's segment and
name; product = first line's name and family, list price of the latest line (latest date,
then last line), unit cost = quantity-weighted mean of the costs of lines with quantity > 0
(plain mean if none); rows holding 'grand total' are skipped; txn_id = FILE:LINE (an invoice number is no line id).
"""
import csv
import os

SRC = "testdata/flat/erp_flat.csv"
OUT = "testdata/flat/expected"


def num(s):
    return float(s.replace(",", ""))


rows = []
with open(SRC, newline="") as f:
    reader = csv.DictReader(f)
    for line, r in enumerate(reader, start=2):
        if any(v.strip().lower().startswith("grand total") for v in r.values()):
            continue
        r["txn_id"] = f"erp_flat.csv:{line}"
        rows.append(r)

segments, customers, products = {}, {}, {}
for r in rows:
    segments.setdefault(r["Segment"], r["Segment"])
    customers.setdefault(r["Customer"], (r["Segment"], r["Customer Name"]))
    p = products.setdefault(
        r["Item"],
        {"name": r["Item Description"], "family": r["Product Group"], "latest": None,
         "qc": 0.0, "q": 0.0, "c": 0.0, "n": 0},
    )
    q, cost, lst = num(r["Qty"]), num(r["Unit Cost"]), num(r["List Price"])
    if p["latest"] is None or r["Invoice Date"] >= p["latest"][0]:
        p["latest"] = (r["Invoice Date"], lst)
    if q > 0:
        p["qc"] += q * cost
        p["q"] += q
    p["c"] += cost
    p["n"] += 1

os.makedirs(OUT, exist_ok=True)
with open(f"{OUT}/segments.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["segment_id", "name"])
    for s, name in segments.items():
        w.writerow([s, name])
with open(f"{OUT}/customers.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["customer_id", "segment_id", "name", "region", "channel"])
    for c, (s, name) in customers.items():
        w.writerow([c, s, name, "", ""])
with open(f"{OUT}/products.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["product_id", "name", "unit_cost", "list_price", "family"])
    for pid, p in products.items():
        cost = p["qc"] / p["q"] if p["q"] > 0 else p["c"] / p["n"]
        w.writerow([pid, p["name"], repr(cost), repr(p["latest"][1]), p["family"]])
with open(f"{OUT}/transactions.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["txn_id", "date", "customer_id", "product_id", "quantity", "list_price", "unit_cost"])
    for r in rows:
        w.writerow([r["txn_id"], r["Invoice Date"], r["Customer"], r["Item"],
                    repr(num(r["Qty"])), repr(num(r["List Price"])), repr(num(r["Unit Cost"]))])
