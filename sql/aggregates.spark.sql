-- pricebench: the sums a workspace keeps, computed where the transaction lines are.
--
-- ENGINE: Spark SQL (3.0 or later). The queries of sql/aggregates.sql (the SQLite file, whose
-- comments document every column, the column notes below repeat them) with the date
-- functions of Spark: the week and month of a date are trunc(date, "week") (the Monday) and
-- trunc(date, "month"), where SQLite needs date() and strftime(). Not run by the tests of
-- pricebench (no Spark there): the DuckDB and SQLite files are. No comment in this file
-- holds a semicolon or a single quote, which some spark-sql versions split statements at.
--
-- INPUT: tables (or views) transactions, customers and products with the canonical columns
-- (see sql/aggregates.sql), date may be DATE or yyyy-MM-dd text. Over files, register
-- them first, e.g. CREATE TEMPORARY VIEW transactions USING parquet OPTIONS (path "...").
--
-- ELEMENTS: Spark SQL cannot select columns by a pattern inside a SUM, so the two blocks
-- marked ELEMENTS name them, written for the columns of the bundled sample: list yours there, one
-- SUM(quantity * <column>) AS <column> per on_* / off_* column, in the column order of the table,
-- the same list in both. From PySpark the lines can be made from the table itself:
--     els = [c for c in spark.table("transactions").columns if c.startswith(("on_", "off_"))]
--     block = "".join(f"       , SUM(quantity * {c}) AS {c}\n" for c in els)
--
-- OUTPUT: the INSERT OVERWRITE DIRECTORY statements at the end write the three results as
-- CSV directories ${out}/agg_week, ${out}/agg_customer_month and ${out}/agg_list_day (part
-- files with a header each, which pricebench reads as one file per directory), ${out} being
-- set by the SET line there (edit it):
--     spark-sql -f sql/aggregates.spark.sql
-- Copy the three directories beside segments.csv, customers.csv, products.csv (quotes.csv,
-- survey.csv) and run: pricebench import --aggregates DIR

-- Each line with the segment of its customer, its product as found in products, its unit cost
-- (that of the product when the line has none), its day, the Monday of its week and the first day
-- of its month.
CREATE OR REPLACE TEMPORARY VIEW pb_lines AS
SELECT t.*,
       c.segment_id AS pb_segment,
       p.product_id AS pb_product,
       COALESCE(t.unit_cost, p.unit_cost) AS pb_unit_cost,
       CAST(t.date AS DATE) AS pb_date,
       trunc(CAST(t.date AS DATE), 'week') AS pb_week,
       trunc(CAST(t.date AS DATE), 'month') AS pb_month
FROM transactions t
LEFT JOIN customers c ON c.customer_id = t.customer_id
LEFT JOIN products p ON p.product_id = t.product_id;

-- agg_week.csv: one row per segment x product x week with lines.
--   segment_id    the segment of the customer (customers.segment_id), empty when the
--                 customer is not in customers, which pricebench refuses
--   product_id    the product
--   week          the Monday of the week, YYYY-MM-DD (ISO weeks: Monday to Sunday)
--   lines         the number of transaction lines (returns count as lines too)
--   quantity      sum of quantity (returns negative)
--   list_revenue  sum of quantity x list_price
--   cost          sum of quantity x unit_cost
--   on_*, off_*   per element: sum of quantity x the per-unit amount of the element
CREATE OR REPLACE TEMPORARY VIEW pb_agg_week AS
SELECT pb_segment AS segment_id,
       product_id,
       pb_week AS week,
       COUNT(*) AS lines,
       SUM(quantity) AS quantity,
       SUM(quantity * list_price) AS list_revenue,
       SUM(quantity * pb_unit_cost) AS cost
       -- ELEMENTS (one line per on_* / off_* column of transactions, in its column order)
       , SUM(quantity * on_volume) AS on_volume
       , SUM(quantity * on_promo) AS on_promo
       , SUM(quantity * on_competitive) AS on_competitive
       , SUM(quantity * off_rebate) AS off_rebate
       , SUM(quantity * off_payment_terms) AS off_payment_terms
       , SUM(quantity * off_freight) AS off_freight
       , SUM(quantity * off_coop) AS off_coop
       -- END ELEMENTS
FROM pb_lines
GROUP BY pb_segment, product_id, pb_week;

-- agg_customer_month.csv: one row per customer x product x calendar month with lines, what
-- pricebench keeps as agg_customer_month (in chunks) and adds up into agg_month and
-- agg_customer. Written sorted by month, so that each chunk holds few months (unsorted is
-- right too, only ranges of dates then read more chunks).
--   customer_id   the customer
--   product_id    the product
--   month         the first day of the month, YYYY-MM-01
--   lines, quantity, list_revenue, cost, on_*, off_*   as in agg_week.csv
CREATE OR REPLACE TEMPORARY VIEW pb_agg_customer_month AS
SELECT customer_id,
       product_id,
       pb_month AS month,
       COUNT(*) AS lines,
       SUM(quantity) AS quantity,
       SUM(quantity * list_price) AS list_revenue,
       SUM(quantity * pb_unit_cost) AS cost
       -- ELEMENTS (the same list as in pb_agg_week)
       , SUM(quantity * on_volume) AS on_volume
       , SUM(quantity * on_promo) AS on_promo
       , SUM(quantity * on_competitive) AS on_competitive
       , SUM(quantity * off_rebate) AS off_rebate
       , SUM(quantity * off_payment_terms) AS off_payment_terms
       , SUM(quantity * off_freight) AS off_freight
       , SUM(quantity * off_coop) AS off_coop
       -- END ELEMENTS
FROM pb_lines
GROUP BY customer_id, product_id, pb_month;

-- agg_list_day.csv: one row per product x day x list price with lines, what finds the
-- list-price changes (pricebench increase).
--   product_id    the product
--   date          the day, YYYY-MM-DD
--   list_price    the list price per unit (+ 0.0: -0.0 and 0.0 are one price)
--   quantity      sum of |quantity| (returns count positive here)
--   lines         the number of transaction lines
CREATE OR REPLACE TEMPORARY VIEW pb_agg_list_day AS
SELECT product_id,
       pb_date AS date,
       list_price + 0.0 AS list_price,
       SUM(ABS(quantity)) AS quantity,
       COUNT(*) AS lines
FROM pb_lines
GROUP BY product_id, pb_date, list_price + 0.0;

-- The lines the import of pricebench would refuse, and why (the first reason that applies).
CREATE OR REPLACE TEMPORARY VIEW pb_rejects AS
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

-- The three results as CSV directories (agg_customer_month sorted by month: see above).
SET out=/tmp/pricebench-aggregates;
INSERT OVERWRITE DIRECTORY '${out}/agg_week' USING csv OPTIONS (header 'true')
SELECT * FROM pb_agg_week ORDER BY segment_id, product_id, week;
INSERT OVERWRITE DIRECTORY '${out}/agg_customer_month' USING csv OPTIONS (header 'true')
SELECT * FROM pb_agg_customer_month ORDER BY month, customer_id, product_id;
INSERT OVERWRITE DIRECTORY '${out}/agg_list_day' USING csv OPTIONS (header 'true')
SELECT * FROM pb_agg_list_day ORDER BY product_id, date, list_price;
