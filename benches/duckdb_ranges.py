"""The day-range questions of `cargo bench --bench ranges`, answered by DuckDB (one thread) on
the same lines, for a same-run comparison of whole-process times.

    duckdb_ranges.py build WORKSPACE.db DUCK.duckdb    # once: the workspace's lines into DuckDB
    duckdb_ranges.py QUESTION DUCK.duckdb FROM TO [FROM2 TO2]

QUESTION is one of waterfall-customer, waterfall-segment-product, band, band-transaction,
bridge; it prints the number of result rows. `build` exports `transactions` and `customers`
with the sqlite3 shell (CSV) and loads them with DuckDB's CSV reader.
"""

import os
import subprocess
import sys

import duckdb


def build(workspace, target):
    work = os.path.dirname(os.path.abspath(target))
    con = duckdb.connect(target)
    for table in ["transactions", "customers"]:
        csv = os.path.join(work, f"{table}.export.csv")
        with open(csv, "w") as out:
            subprocess.run(
                ["sqlite3", "-readonly", "-csv", "-header", workspace, f"SELECT * FROM {table}"],
                stdout=out,
                check=True,
            )
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{csv}')")
        os.remove(csv)
    con.close()


def element_columns(con):
    names = [r[0] for r in con.execute("DESCRIBE transactions").fetchall()]
    return [n for n in names if n.startswith("on_") or n.startswith("off_")]


def sums(con):
    elements = element_columns(con)
    on = " + ".join(e for e in elements if e.startswith("on_")) or "0"
    off = " + ".join(e for e in elements if e.startswith("off_")) or "0"
    columns = [
        "count(*) AS lines",
        "sum(quantity) AS quantity",
        "sum(quantity * list_price) AS list_revenue",
        f"sum(quantity * (list_price - ({on}))) AS invoice_revenue",
        f"sum(quantity * (list_price - ({on}) - ({off}))) AS pocket_revenue",
        "sum(quantity * unit_cost) AS cost",
    ] + [f"sum(quantity * {e}) AS {e}" for e in elements]
    return ", ".join(columns)


def question(name, con, ranges):
    (lo, hi) = ranges[0]
    where = f"t.date BETWEEN DATE '{lo}' AND DATE '{hi}'"
    joined = "transactions t JOIN customers c ON c.customer_id = t.customer_id"
    if name == "waterfall-customer":
        sql = f"""SELECT c.segment_id, t.customer_id, {sums(con)} FROM {joined}
                  WHERE {where} GROUP BY ALL ORDER BY 1, 2"""
    elif name == "waterfall-segment-product":
        sql = f"""SELECT c.segment_id, t.product_id, {sums(con)} FROM {joined}
                  WHERE {where} GROUP BY ALL ORDER BY 1, 2"""
    elif name == "band":
        sql = f"""WITH cells AS (
                    SELECT t.product_id, t.customer_id, {sums(con)} FROM {joined}
                    WHERE {where} GROUP BY ALL)
                  SELECT product_id,
                         quantile_cont(100 * pocket_revenue / list_revenue, [0.1, 0.5, 0.9])
                  FROM cells WHERE list_revenue > 0 GROUP BY product_id ORDER BY 1"""
    elif name == "band-transaction":
        # One point per line, as `band --basis transaction`; DuckDB's quantiles are not
        # weighted by quantity (pricebench's are), which only makes its side lighter.
        elements = element_columns(con)
        on = " + ".join(e for e in elements if e.startswith("on_")) or "0"
        off = " + ".join(e for e in elements if e.startswith("off_")) or "0"
        pct = f"round(100 * (t.list_price - ({on}) - ({off})) / t.list_price, 4)"
        sql = f"""SELECT c.segment_id, t.product_id, quantile_cont({pct}, [0.1, 0.5, 0.9])
                  FROM {joined} WHERE {where} AND t.list_price > 0 GROUP BY ALL ORDER BY 1, 2"""
    elif name == "bridge":
        (lo2, hi2) = ranges[1]
        pair = lambda a, b: f"""SELECT c.segment_id, t.product_id, t.customer_id, {sums(con)}
                  FROM {joined} WHERE t.date BETWEEN DATE '{a}' AND DATE '{b}' GROUP BY ALL"""
        sql = f"""SELECT * FROM ({pair(lo, hi)}) x FULL OUTER JOIN ({pair(lo2, hi2)}) y
                  USING (segment_id, product_id, customer_id) ORDER BY 1, 2, 3"""
    else:
        raise SystemExit(f"unknown question {name}")
    return con.execute(sql).fetchall()


def main():
    if sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
        return
    name, target = sys.argv[1], sys.argv[2]
    dates = sys.argv[3:]
    ranges = list(zip(dates[0::2], dates[1::2]))
    con = duckdb.connect(target, read_only=True)
    con.execute("SET threads = 1")
    rows = question(name, con, ranges)
    print(len(rows))


if __name__ == "__main__":
    main()
