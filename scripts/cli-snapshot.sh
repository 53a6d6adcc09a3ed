#!/usr/bin/env bash
# Snapshots the realization commands and `info` on a workspace, one file per command line, so
# that two builds can be compared byte for byte:
#
#   scripts/cli-snapshot.sh BINARY WORKSPACE OUT_DIR
#   diff -r /tmp/before /tmp/after
#
# Each file holds the command's stdout, then its stderr and exit code. Covers `waterfall` at
# every --by, `band` at both bases, every --show and --by, `leakage` at every --by and `info`,
# each in table, csv and json, over all dates and over date ranges that take every read path
# (no range, whole months, partial months, open-ended), plus segment, product and customer
# filters, bad arguments, and reads that fail on a damaged copy of the workspace. The ranges suit the bundled sample (2024-01-01 to 2025-12-28);
# override them with RANGES (one range a line, flags separated by spaces).
set -euo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: $0 BINARY WORKSPACE OUT_DIR" >&2
    exit 2
fi
bin=$1
db=$2
out=$3
mkdir -p "$out"

default_ranges='
--from 2024-02-03 --to 2025-01-15
--from 2024-03-01 --to 2024-08-31
--from 2025-01-01 --to 2025-01-31
--from 2024-06-15
--to 2024-05-31'
ranges=${RANGES:-$default_ranges}

# Runs one command line and writes stdout, stderr and the exit code to OUT_DIR/NAME.
snap() {
    local name=$1
    shift
    local file="$out/$name"
    local rc=0
    "$bin" --db "$db" "$@" >"$file" 2>"$file.stderr" || rc=$?
    {
        echo "--- stderr"
        cat "$file.stderr"
        echo "--- exit $rc"
    } >>"$file"
    rm -f "$file.stderr"
}

# The file name of a command line: its words joined by '_', without dashes.
name_of() {
    local IFS=_
    local joined="$*"
    echo "${joined//-/}"
}

# Runs a command line in every format, over all dates and over every range.
snap_all() {
    local range format
    for format in table csv json; do
        snap "$(name_of "$@" "$format")" "$@" --format "$format"
        while IFS= read -r range; do
            [ -z "$range" ] && continue
            # shellcheck disable=SC2086 # the range's words are separate flags
            snap "$(name_of "$@" $range "$format")" "$@" $range --format "$format"
        done <<<"$ranges"
    done
}

# The first id in a column of a command's CSV output (for the id filters).
first_id() {
    local column=$1
    shift
    "$bin" --db "$db" "$@" --format csv |
        awk -F, -v c="$column" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
                                k && $k != "" { print $k; exit }'
}

for format in table csv json; do
    snap "info_$format" info --format "$format"
done

for by in total segment product segment-product customer; do
    snap_all waterfall --by "$by"
done
segment=$(first_id segment_id waterfall --by segment)
product=$(first_id product_id waterfall --by product)
customer=$(first_id customer_id waterfall --by customer)
snap_all waterfall --by product --segment "$segment"
snap_all waterfall --by segment --product "$product"
snap_all waterfall --customer "$customer"
snap_all waterfall --by customer --segment "$segment" --product "$product"

for basis in customer transaction; do
    for show in summary histogram outliers; do
        for by in product segment-product; do
            snap_all band --basis "$basis" --show "$show" --by "$by"
        done
    done
    snap_all band --basis "$basis" --by segment-product --segment "$segment"
    snap_all band --basis "$basis" --show histogram --bins 3 --product "$product"
done

for by in element customer correlation; do
    snap_all leakage --by "$by"
done
snap_all leakage --by customer --top 5 --segment "$segment"
snap_all leakage --by element --product "$product"

# Errors: a range the wrong way round, a date that is not one.
snap waterfall_badrange waterfall --from 2025-01-01 --to 2024-01-01
snap band_baddate band --from 2024-13-01
snap leakage_badrange leakage --from 2025-01-01 --to 2024-01-01

# Reads that fail: the error names what could not be read. Each on a copy of the workspace with
# one table (or the lines view) dropped; skipped without python3.
if command -v python3 >/dev/null; then
    broken=$(mktemp -d)
    trap 'rm -rf "$broken"' EXIT
    # The copies are named alike on every run, since an error may quote the workspace's path.
    bin=$(realpath "$bin")
    out=$(realpath "$out")
    cp "$db" "$broken/workspace.db"
    cd "$broken"
    for drop in "TABLE agg_customer" "TABLE agg_month" "VIEW transaction_lines"; do
        db=broken.db
        cp workspace.db "$db"
        python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DROP " + sys.argv[2]); c.commit()' "$db" "$drop"
        for cmd in "waterfall" "waterfall --by customer" "band" "band --basis transaction" \
            "leakage" "leakage --by customer" "leakage --by correlation" "info"; do
            # shellcheck disable=SC2086 # the command's words are separate arguments
            snap "broken_$(name_of $drop $cmd)" $cmd
        done
    done
fi

echo "$(find "$out" -type f | wc -l) snapshots in $out"
