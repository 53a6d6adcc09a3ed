-- pricebench: the sums a workspace keeps, computed where the transaction lines are.
--
-- ENGINE: SQLite (a pricebench workspace, or any SQLite database with the three tables below;
-- the tests run this file). The same queries for other engines, where only the view pb_lines
-- differs (the week and month of a date, and the view syntax):
--   sql/aggregates.duckdb.sql  DuckDB: date_trunc; finds the element columns by name itself
--   sql/aggregates.spark.sql   Spark SQL: trunc(date, 'week'); writes the CSV files itself
-- SQLite has no date_trunc and DuckDB and Spark no SQLite date(); everything else here is
-- plain SQL that all three run.
--
-- INPUT: three tables with pricebench's canonical columns (README, "Input formats"):
--   transactions  txn_id, date ('YYYY-MM-DD' text here), customer_id, product_id, quantity,
--                 list_price, unit_cost (per unit; NULL: the product's), then one column per
--                 waterfall element: on_<name> (per-unit on-invoice discount) and off_<name>
--                 (per-unit off-invoice adjustment); a NULL element is 0
--   customers     customer_id, segment_id (the other columns are not read)
--   products      product_id, unit_cost (the other columns are not read)
--
-- OUTPUT: three views; export each to a CSV file of its name without the pb_ prefix (a header
-- row, comma-separated), put them in one directory with segments.csv, customers.csv and
-- products.csv (and quotes.csv, survey.csv if you have them), then
--     pricebench import --aggregates DIR
--   pb_agg_week            -> agg_week.csv
--   pb_agg_customer_month  -> agg_customer_month.csv
--   pb_agg_list_day        -> agg_list_day.csv
-- With the sqlite3 shell, from the directory the files go to:
--   for t in agg_week agg_customer_month agg_list_day; do
--     sqlite3 -header -csv warehouse.db ".read sql/aggregates.sql" "SELECT * FROM pb_$t" > $t.csv
--   done
-- pricebench adds up the rest itself: agg_month (the customer-months by the customer's
-- segment), agg_customer (the customer-months over all months), date_range (the first and
-- last day of agg_list_day), invoice revenue (list revenue - the on_* sums) and pocket revenue
-- (invoice revenue - the off_* sums). It checks that the files agree (the lines of each
-- segment x product in agg_week and agg_customer_month, of each product in
-- agg_customer_month and agg_list_day), so exports from two different runs are refused.
--
-- ELEMENTS. The element columns are your data's: pricebench takes every on_* / off_* column
-- of agg_week.csv and agg_customer_month.csv as an element (on_* on invoice, off_* off
-- invoice, in column order), as it does in transactions.csv. Portable SQL cannot find
-- columns by their names, so the two queries below name them: written for the columns of
-- the bundled sample (on_volume, on_promo, on_competitive, off_rebate, off_payment_terms,
-- off_freight, off_coop). For your table, list your element columns in the two blocks marked
-- "ELEMENTS", one line per column, each as SUM(quantity * <column>) AS <column>, in the
-- table's column order (the waterfall's order), the same list in both blocks. Why wide rows
-- (one per key, a column per element) and not a long format (a row per key and element):
-- a long format still has to name every column to unpivot it, so it saves no edit, and it
-- has eight times the rows at seven elements (the customer-month file is the largest); wide
-- rows have the shape of the workspace's own tables and are read in one pass. DuckDB can
-- select columns by a pattern, so its file needs no edit at all.
--
-- ROWS LEFT OUT. pricebench's own import refuses a line whose customer or product is unknown,
-- whose date, quantity or list price is missing, or whose price or cost is negative; here such
-- lines would be summed. SELECT * FROM pb_rejects lists them (it should return no row).

DROP VIEW IF EXISTS pb_lines;
DROP VIEW IF EXISTS pb_agg_week;
DROP VIEW IF EXISTS pb_agg_customer_month;
DROP VIEW IF EXISTS pb_agg_list_day;
DROP VIEW IF EXISTS pb_rejects;

-- Each line with its customer's segment, its product as found in products, its unit cost
-- (the product's when the line has none), its day, the Monday of its week and the first day
-- of its month.
CREATE TEMP VIEW pb_lines AS
SELECT t.*,
       c.segment_id AS pb_segment,
       p.product_id AS pb_product,
       COALESCE(t.unit_cost, p.unit_cost) AS pb_unit_cost,
       t.date AS pb_date,
       date(t.date, '-' || ((CAST(strftime('%w', t.date) AS INTEGER) + 6) % 7) || ' days') AS pb_week,
       substr(t.date, 1, 7) || '-01' AS pb_month
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
CREATE TEMP VIEW pb_agg_week AS
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
GROUP BY pb_segment, product_id, pb_week
ORDER BY segment_id, product_id, week;

-- agg_customer_month.csv: one row per customer x product x calendar month with lines; what
-- pricebench keeps as agg_customer_month (in chunks) and adds up into agg_month and
-- agg_customer. Sorted by month, so that each chunk holds few months (unsorted is right too,
-- only ranges of dates then read more chunks).
--   customer_id   the customer
--   product_id    the product
--   month         the first day of the month, YYYY-MM-01
--   lines, quantity, list_revenue, cost, on_*, off_*   as in agg_week.csv
CREATE TEMP VIEW pb_agg_customer_month AS
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
GROUP BY customer_id, product_id, pb_month
ORDER BY month, customer_id, product_id;

-- agg_list_day.csv: one row per product x day x list price with lines; what finds the
-- list-price changes (pricebench increase).
--   product_id    the product
--   date          the day, YYYY-MM-DD
--   list_price    the list price per unit (+ 0.0: -0.0 and 0.0 are one price)
--   quantity      sum of |quantity| (returns count positive here)
--   lines         the number of transaction lines
CREATE TEMP VIEW pb_agg_list_day AS
SELECT product_id,
       pb_date AS date,
       list_price + 0.0 AS list_price,
       SUM(ABS(quantity)) AS quantity,
       COUNT(*) AS lines
FROM pb_lines
GROUP BY product_id, pb_date, list_price + 0.0
ORDER BY product_id, date, list_price;

-- The lines pricebench's own import would refuse, and why (the first reason that applies).
CREATE TEMP VIEW pb_rejects AS
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
