#!/usr/bin/env python3
"""Runs pricebench's warehouse SQL in DuckDB and in SQLite over the same lines and compares.

    python3 testdata/aggregates/duckdb_check.py [--data DIR] [--out DIR]

--data: a directory of canonical CSV files (transactions.csv, customers.csv, products.csv);
        default: the bundled sample, testdata/sample.
--out:  keep DuckDB's three CSV files there (agg_week.csv, agg_customer_month.csv,
        agg_list_day.csv), e.g. for `pricebench import --aggregates`.

DuckDB runs sql/aggregates.duckdb.sql as it is (its COPY statements write the files) over the
lines loaded with `date` as a DATE, as a warehouse table has it; SQLite (Python's sqlite3) runs
sql/aggregates.sql over the same lines with `date` as text. Every row must be in both, with the
same lines exactly and every sum within half a cent: the engines add doubles in different
orders (DuckDB's threads, fsum's compensation), so the last bits differ, never a cent.

Prints one line per file and `ok`, and exits 0; exits 1 on a difference. Without the duckdb
Python package it prints `skipped: ...` and exits 0, so that CI without DuckDB passes.
"""

import argparse
import csv
import math
import os
import sqlite3
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = {
    "agg_week": ["segment_id", "product_id", "week"],
    "agg_customer_month": ["customer_id", "product_id", "month"],
    "agg_list_day": ["product_id", "date", "list_price"],
}
TOLERANCE = 0.005


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(ROOT, "testdata", "sample"))
    parser.add_argument("--out")
    args = parser.parse_args()
    try:
        import duckdb
    except ImportError:
        print("skipped: the duckdb Python package is not installed (pip install duckdb)")
        return 0
    out = args.out or tempfile.mkdtemp(prefix="pricebench-duckdb-")
    os.makedirs(out, exist_ok=True)
    duck = run_duckdb(duckdb, args.data, out)
    lite = run_sqlite(args.data)
    failures = 0
    for name, keys in FILES.items():
        failures += compare(name, keys, duck[name], lite[name])
    print(f"duckdb {duckdb.__version__}, sqlite {sqlite3.sqlite_version}: "
          + ("ok" if failures == 0 else f"{failures} differences"))
    return 1 if failures else 0


def run_duckdb(duckdb, data, out):
    """DuckDB's three files, written by the SQL's COPY statements into `out`, read back."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE transactions AS SELECT * FROM read_csv(?, header = true, "
        "types = {'date': 'DATE', 'unit_cost': 'DOUBLE'})",
        [os.path.join(data, "transactions.csv")],
    )
    for table in ["customers", "products"]:
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [os.path.join(data, f"{table}.csv")],
        )
    con.execute("ALTER TABLE products ALTER unit_cost TYPE DOUBLE")
    sql = open(os.path.join(ROOT, "sql", "aggregates.duckdb.sql")).read()
    here = os.getcwd()
    os.chdir(out)
    try:
        con.execute(sql)
    finally:
        os.chdir(here)
    rejects = con.execute("SELECT count(*) FROM pb_rejects").fetchone()[0]
    if rejects:
        print(f"note: pb_rejects lists {rejects} lines")
    result = {}
    for name in FILES:
        with open(os.path.join(out, f"{name}.csv"), newline="") as f:
            result[name] = list(csv.DictReader(f))
    return result


def run_sqlite(data):
    """SQLite's three views over the same files, loaded as text and numbers."""
    con = sqlite3.connect(":memory:")
    for table in ["transactions", "customers", "products"]:
        with open(os.path.join(data, f"{table}.csv"), newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            numeric = {c for c in header if c in ("quantity", "list_price", "unit_cost")
                       or c.startswith("on_") or c.startswith("off_")}
            cols = ", ".join(f'"{c}" {"REAL" if c in numeric else "TEXT"}' for c in header)
            con.execute(f"CREATE TABLE {table} ({cols})")
            marks = ", ".join("?" for _ in header)
            con.executemany(
                f"INSERT INTO {table} VALUES ({marks})",
                ([None if v == "" else float(v) if c in numeric else v
                  for c, v in zip(header, row)] for row in reader),
            )
    con.executescript(open(os.path.join(ROOT, "sql", "aggregates.sql")).read())
    result = {}
    for name in FILES:
        cur = con.execute(f"SELECT * FROM pb_{name}")
        columns = [d[0] for d in cur.description]
        result[name] = [dict(zip(columns, ("" if v is None else str(v) for v in row)))
                        for row in cur]
    return result


def compare(name, keys, duck, lite):
    """Differences between DuckDB's and SQLite's rows of one file, printed; their count."""
    def index(rows):
        return {tuple(normal(k, r[k]) for k in keys): r for r in rows}
    d, s = index(duck), index(lite)
    failures = 0
    columns = list(lite[0].keys()) if lite else []
    if duck and list(duck[0].keys()) != columns:
        print(f"{name}: columns differ: duckdb {list(duck[0].keys())}, sqlite {columns}")
        failures += 1
    for key in sorted(set(d) ^ set(s)):
        where = "duckdb" if key in d else "sqlite"
        print(f"{name}: {key} only in {where}")
        failures += 1
    worst = 0.0
    for key in sorted(set(d) & set(s)):
        for column in columns:
            if column in keys:
                continue
            a, b = d[key].get(column, ""), s[key][column]
            if column == "lines":
                same = int(float(a)) == int(float(b))
            else:
                x, y = float(a or 0), float(b or 0)
                worst = max(worst, abs(x - y))
                same = math.isclose(x, y, rel_tol=0, abs_tol=TOLERANCE)
            if not same:
                print(f"{name}: {key} {column}: duckdb {a}, sqlite {b}")
                failures += 1
    print(f"{name}: {len(d)} rows in duckdb, {len(s)} in sqlite, largest difference {worst:.2e}")
    return failures


def normal(column, value):
    """A key as both engines write it (a list price as a number)."""
    return float(value) if column == "list_price" else value


if __name__ == "__main__":
    sys.exit(main())
