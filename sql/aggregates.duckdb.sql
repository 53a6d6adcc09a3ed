-- pricebench: the sums a workspace keeps, computed where the transaction lines are.
--
-- ENGINE: DuckDB (run with the duckdb shell or its Python package; tested with DuckDB 2.0.1).
-- The queries of sql/aggregates.sql (the SQLite file, whose comments document every column;
-- the column notes below repeat them) with DuckDB's date functions, and three differences:
--   * the week and month of a date come from date_trunc('week' | 'month', date) (ISO weeks,
--     Monday first), where SQLite needs date() and strftime();
--   * the element sums are SUM(quantity * COLUMNS('^(on|off)_')): every on_* / off_* column
--     of transactions, by name and in column order, so this file runs unchanged whatever your
--     elements are (a column such as on_hand_qty would be taken as an element too: rename it);
--   * sums are fsum (compensated, as SQLite's SUM), so every cent agrees with pricebench's
--     own import whatever order DuckDB's threads add the lines in.
--
-- INPUT: tables transactions, customers and products with the canonical columns (see
-- sql/aggregates.sql); date may be DATE or 'YYYY-MM-DD' text.
--
-- OUTPUT: the files agg_week.csv, agg_customer_month.csv and agg_list_day.csv, written by the
-- COPY statements at the end into the current directory. From the directory they go to:
--     duckdb warehouse.duckdb < /path/to/sql/aggregates.duckdb.sql
-- then put segments.csv, customers.csv, products.csv (quotes.csv, survey.csv) beside them and
--     pricebench import --aggregates .
-- Over Parquet files instead of tables, define the three as views first, e.g.
--     CREATE VIEW transactions AS SELECT * FROM read_parquet('lines/*.parquet');

-- Each line with its customer's segment, its product as found in products, its unit cost
-- (the product's when the line has none), its day, the Monday of its week and the first day
-- of its month.
CREATE OR REPLACE TEMP VIEW pb_lines AS
SELECT t.*,
       c.segment_id AS pb_segment,
       p.product_id AS pb_product,
       COALESCE(t.unit_cost, p.unit_cost) AS pb_unit_cost,
       CAST(t.date AS DATE) AS pb_date,
       CAST(date_trunc('week', CAST(t.date AS DATE)) AS DATE) AS pb_week,
       CAST(date_trunc('month', CAST(t.date AS DATE)) AS DATE) AS pb_month
FROM transactions t
LEFT JOIN customers c ON c.customer_id = t.customer_id
LEFT JOIN products p ON p.product_id = t.product_id;

-- agg_week.csv: one row per segment x product x week with lines.
--   segment_id    the customer's segment (customers.segment_id); empty when the customer is
--                 not in customers, which pricebench refuses
--   product_id    the product
--   week          the Monday of the week, YYYY-MM-DD (ISO weeks: Monday to Sunday)
--   lines         the number of transaction lines (returns count as lines too)
--   quantity      sum of quantity (returns negative)
--   list_revenue  sum of quantity x list_price
--   cost          sum of quantity x unit_cost
--   on_*, off_*   per element: sum of quantity x the element's per-unit amount
CREATE OR REPLACE TEMP VIEW pb_agg_week AS
SELECT pb_segment AS segment_id,
       product_id,
       pb_week AS week,
       COUNT(*) AS lines,
       fsum(quantity) AS quantity,
       fsum(quantity * list_price) AS list_revenue,
       fsum(quantity * pb_unit_cost) AS cost
       , fsum(quantity * COLUMNS('^(on|off)_'))
FROM pb_lines
GROUP BY pb_segment, product_id, pb_week;

-- agg_customer_month.csv: one row per customer x product x calendar month with lines; what
-- pricebench keeps as agg_customer_month (in chunks) and adds up into agg_month and
-- agg_customer. Written sorted by month, so that each chunk holds few months (unsorted is
-- right too, only ranges of dates then read more chunks).
--   customer_id   the customer
--   product_id    the product
--   month         the first day of the month, YYYY-MM-01
--   lines, quantity, list_revenue, cost, on_*, off_*   as in agg_week.csv
CREATE OR REPLACE TEMP VIEW pb_agg_customer_month AS
SELECT customer_id,
       product_id,
       pb_month AS month,
       COUNT(*) AS lines,
       fsum(quantity) AS quantity,
       fsum(quantity * list_price) AS list_revenue,
       fsum(quantity * pb_unit_cost) AS cost
       , fsum(quantity * COLUMNS('^(on|off)_'))
FROM pb_lines
GROUP BY customer_id, product_id, pb_month;

-- agg_list_day.csv: one row per product x day x list price with lines; what finds the
-- list-price changes (pricebench increase).
--   product_id    the product
--   date          the day, YYYY-MM-DD
--   list_price    the list price per unit (+ 0.0: -0.0 and 0.0 are one price)
--   quantity      sum of |quantity| (returns count positive here)
--   lines         the number of transaction lines
CREATE OR REPLACE TEMP VIEW pb_agg_list_day AS
SELECT product_id,
       pb_date AS date,
       list_price + 0.0 AS list_price,
       fsum(ABS(quantity)) AS quantity,
       COUNT(*) AS lines
FROM pb_lines
GROUP BY product_id, pb_date, list_price + 0.0;

-- The lines pricebench's own import would refuse, and why (the first reason that applies).
CREATE OR REPLACE TEMP VIEW pb_rejects AS
SELECT txn_id,
       CASE
           WHEN customer_id IS NULL THEN 'no customer_id'
           WHEN pb_segment IS NULL THEN 'customer not in customers'
           WHEN product_id IS NULL THEN 'no product_id'
           WHEN pb_product IS NULL THEN 'product not in products'
           WHEN date IS NULL THEN 'no date'
           WHEN quantity IS NULL THEN 'no quantity'
           WHEN list_price IS NULL THEN 'no list_price'
           WHEN list_price < 0 THEN 'negative list_price'
           ELSE 'negative unit_cost'
       END AS problem
FROM pb_lines
WHERE customer_id IS NULL OR pb_segment IS NULL OR product_id IS NULL
   OR pb_product IS NULL OR date IS NULL OR quantity IS NULL OR list_price IS NULL
   OR list_price < 0 OR pb_unit_cost < 0;

-- The three files, sorted (agg_customer_month by month: see above).
COPY (SELECT * FROM pb_agg_week ORDER BY segment_id, product_id, week)
    TO 'agg_week.csv' (HEADER, DELIMITER ',');
COPY (SELECT * FROM pb_agg_customer_month ORDER BY month, customer_id, product_id)
    TO 'agg_customer_month.csv' (HEADER, DELIMITER ',');
COPY (SELECT * FROM pb_agg_list_day ORDER BY product_id, date, list_price)
    TO 'agg_list_day.csv' (HEADER, DELIMITER ',');
