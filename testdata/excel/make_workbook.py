"""Writes testdata/excel/sales.xlsx, an Excel export as analysts have them (run once; the
workbook is committed):

- sheet "Sales": the newcomer lines (testdata/newcomer/sales_us.csv) with dates as date
  cells, one date typed as text (11/30/2025 style), quantities and prices as number cells,
  one price typed as text with a thousands separator, an extra "Sales Rep" column and a
  TOTAL row at the end;
- sheet "Notes": a note, to show that the mapping's `sheet` picks the data;
- sheet "Bad": the same header with a quantity that is not a number and a date that is not
  a date, for the error messages.

With `--rows N PATH`, writes a benchmark workbook of N generated lines to PATH instead.

    pip install openpyxl
    python3 testdata/excel/make_workbook.py
"""

import datetime as dt
import pathlib
import sys

from openpyxl import Workbook

HEADER = ["Invoice Date", "Customer ID", "Product", "Qty", "List Price", "Sales Rep"]


def committed(path):
    wb = Workbook()
    sales = wb.active
    sales.title = "Sales"
    sales.append(HEADER)
    rows = [
        ("11/30/2025", "C001", "P-100", 2, "1,234.50", "Anna"),
        (dt.datetime(2025, 12, 1), "C002", "P-200", 10, 12.0, "Ben"),
        (dt.datetime(2025, 12, 2), "C001", "P-200", 5, 12, "Smith, Joe"),
        (dt.datetime(2025, 12, 3), "C003", "P-100", 1, 1199.0, "Anna"),
        ("TOTAL", None, None, 18, 2457.5, None),
    ]
    for r in rows:
        sales.append(list(r))
    for row in sales.iter_rows(min_row=2, max_col=1):
        if isinstance(row[0].value, dt.datetime):
            row[0].number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("Notes")
    notes.append(["Exported from the ERP on 2025-12-04; prices in USD."])
    bad = wb.create_sheet("Bad")
    bad.append(HEADER)
    bad.append([dt.datetime(2025, 12, 1), "C002", "P-200", "12 pcs", 12.0, "Ben"])
    bad.append(["31/12/2025", "C001", "P-100", 1, 1199.0, "Anna"])
    bad["A2"].number_format = "yyyy-mm-dd"
    wb.save(path)


def bench(n, path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sales")
    ws.append(HEADER)
    start = dt.datetime(2024, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=i % 730)
        ws.append([day, f"C{i % 5000:05d}", f"P-{i % 400:04d}", 1 + i % 17,
                   round(10 + (i % 400) * 1.25, 2), "Rep"])
    wb.save(path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--rows":
        bench(int(sys.argv[2]), sys.argv[3])
    else:
        committed(pathlib.Path(__file__).with_name("sales.xlsx"))
