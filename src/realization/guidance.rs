//! Deal guidance: the pocket price band turned into a floor / target / stretch corridor per
//! segment × product (and customer-size band), what bringing customers up to it is worth, and
//! how a deal scores against it.
//!
//! The corridor is three volume-weighted percentiles (the band's lower weighted quantile, see
//! [`super::band`]) of pocket % of list across the row's customers. On the invoice basis it is
//! the pocket corridor plus the row's off-invoice % of list: the invoice price a rep must get
//! for the pocket price to land on the corridor after the off-invoice items the row's customers
//! receive. Pure functions over plain data.

use super::band::{BandBy, Observation, observation, sorted_observations, weighted_quantile};
use super::sums::Cell;
use super::{MIN_VOLUME, pct};
use std::collections::HashMap;

/// Fewer customers than this make no corridor of their own: the row borrows a bigger pool's
/// distribution, and a size band this thin is merged with its neighbour.
pub const MIN_CUSTOMERS: usize = 5;

/// Floor, target and stretch, in % of list (pocket or invoice basis, as the holder says).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corridor {
    pub floor: f64,
    pub target: f64,
    pub stretch: f64,
}

impl Corridor {
    /// The corridor moved up by `points` of list (pocket → invoice basis).
    pub fn shifted(self, points: f64) -> Corridor {
        Corridor {
            floor: self.floor + points,
            target: self.target + points,
            stretch: self.stretch + points,
        }
    }

    /// The corridor in currency per unit at `list_price`.
    pub fn prices(self, list_price: f64) -> Corridor {
        let at = |p: f64| p / 100.0 * list_price;
        Corridor {
            floor: at(self.floor),
            target: at(self.target),
            stretch: at(self.stretch),
        }
    }
}

/// How the guidance is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GuidanceOptions {
    pub by: BandBy,
    /// Customer-size bands per cell (1: none).
    pub size_bands: usize,
    /// The percentiles (0–100, floor ≤ target ≤ stretch) that make the corridor.
    pub percentiles: Corridor,
    pub min_customers: usize,
}

impl Default for GuidanceOptions {
    fn default() -> Self {
        GuidanceOptions {
            by: BandBy::SegmentProduct,
            size_bands: 1,
            percentiles: Corridor {
                floor: 25.0,
                target: 50.0,
                stretch: 75.0,
            },
            min_customers: MIN_CUSTOMERS,
        }
    }
}

/// Where a row's corridor comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Its own customers.
    Own,
    /// Too few customers: the product's customers in every segment.
    BorrowedProduct,
    /// Too few customers, and too few for the product too: the segment's customers of every
    /// product.
    BorrowedSegment,
    /// Too few customers everywhere it could borrow from: no corridor.
    None,
}

impl Source {
    /// The `status` column: `ok`, `borrowed` or `too_few_customers`.
    pub fn status(self) -> &'static str {
        match self {
            Source::Own => "ok",
            Source::BorrowedProduct | Source::BorrowedSegment => "borrowed",
            Source::None => "too_few_customers",
        }
    }

    /// The `borrowed_from` column.
    pub fn borrowed_from(self) -> &'static str {
        match self {
            Source::BorrowedProduct => "product",
            Source::BorrowedSegment => "segment",
            _ => "",
        }
    }
}

/// A customer-size band of a cell: the customers whose volume in the cell is in
/// `[volume_from, volume_to)`.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeBand {
    /// 1-based, after merging.
    pub index: usize,
    /// Bands of the cell after merging.
    pub of: usize,
    pub volume_from: f64,
    /// `None` for the top band.
    pub volume_to: Option<f64>,
    /// The bands asked for (1-based) that were merged into this one; empty when not merged.
    pub merged: Vec<usize>,
}

/// What a row's corridor is worth at constant volume (an upper bound: customers brought up
/// would not all keep buying the same).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Worth {
    pub below_floor: usize,
    /// Σ (floor − pocket %) / 100 × list revenue over customers below the floor, in currency.
    pub to_floor: f64,
    pub below_target: usize,
    pub to_target: f64,
}

/// One row of the guidance table.
#[derive(Debug, Clone, PartialEq)]
pub struct GuidanceRow {
    /// `None` when grouped by product.
    pub segment_id: Option<String>,
    pub product_id: String,
    pub size_band: SizeBand,
    /// The row's own customers (positive net volume and list revenue).
    pub customers: usize,
    pub volume: f64,
    pub list_revenue: f64,
    pub source: Source,
    /// Customers in the distribution the corridor comes from.
    pub pool_customers: usize,
    /// The corridor on the pocket basis, % of list.
    pub pocket: Option<Corridor>,
    /// Off-invoice items as % of list over the row's customers.
    pub off_invoice_pct: Option<f64>,
    /// The product's current list price.
    pub list_price: Option<f64>,
    pub worth: Worth,
}

impl GuidanceRow {
    /// The corridor on the invoice basis, % of list.
    pub fn invoice(&self) -> Option<Corridor> {
        Some(self.pocket?.shifted(self.off_invoice_pct?))
    }
}

/// A size band while the bands are merged: its members (indexes into the group), its volume
/// range and the bands asked for that it holds.
struct Draft {
    members: Vec<usize>,
    from: f64,
    to: Option<f64>,
    asked: Vec<usize>,
}

/// Customers of one group, by volume, split into size bands.
fn size_bands(cells: &[&Cell], bands: usize, min_customers: usize) -> Vec<(SizeBand, Vec<usize>)> {
    let mut volumes: Vec<f64> = cells.iter().map(|c| c.quantity).collect();
    volumes.sort_by(f64::total_cmp);
    let n = volumes.len();
    let wanted = match n < min_customers {
        true => 1,
        false => bands.max(1),
    };
    // The lower k/N quantiles of customer volume: each band holds about n/N customers.
    let cuts: Vec<f64> = (1..wanted).map(|k| volumes[k * n / wanted]).collect();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); wanted];
    for (i, c) in cells.iter().enumerate() {
        members[cuts.partition_point(|&cut| cut <= c.quantity)].push(i);
    }
    let mut bands: Vec<Draft> = (0..wanted)
        .map(|b| Draft {
            members: std::mem::take(&mut members[b]),
            from: if b == 0 { 0.0 } else { cuts[b - 1] },
            to: cuts.get(b).copied(),
            asked: vec![b + 1],
        })
        .collect();
    merge_thin(&mut bands, min_customers);
    let of = bands.len();
    bands
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let band = SizeBand {
                index: i + 1,
                of,
                volume_from: d.from,
                volume_to: d.to,
                merged: if d.asked.len() > 1 {
                    d.asked
                } else {
                    Vec::new()
                },
            };
            (band, d.members)
        })
        .collect()
}

/// Merges the thinnest band with its thinner neighbour until every band has `min_customers`
/// or one band is left.
fn merge_thin(bands: &mut Vec<Draft>, min_customers: usize) {
    while bands.len() > 1 {
        let Some((thin, _)) = bands
            .iter()
            .enumerate()
            .filter(|(_, b)| b.members.len() < min_customers)
            .min_by_key(|(i, b)| (b.members.len(), *i))
        else {
            return;
        };
        let other = match thin {
            0 => 1,
            t if t + 1 == bands.len() => t - 1,
            t if bands[t + 1].members.len() < bands[t - 1].members.len() => t + 1,
            t => t - 1,
        };
        let (lo, hi) = (thin.min(other), thin.max(other));
        let upper = bands.remove(hi);
        let lower = &mut bands[lo];
        lower.members.extend(upper.members);
        lower.members.sort_unstable();
        lower.to = upper.to;
        lower.asked.extend(upper.asked);
    }
}

/// The corridor at `percentiles` of `sorted` (by pocket %); `None` when it is empty.
pub fn corridor(sorted: &[Observation], percentiles: Corridor) -> Option<Corridor> {
    Some(Corridor {
        floor: weighted_quantile(sorted, percentiles.floor / 100.0)?,
        target: weighted_quantile(sorted, percentiles.target / 100.0)?,
        stretch: weighted_quantile(sorted, percentiles.stretch / 100.0)?,
    })
}

/// What bringing `cells` up to `pocket` is worth, at constant volume.
pub fn worth(cells: &[&Cell], pocket: Corridor) -> Worth {
    let mut w = Worth::default();
    for c in cells {
        let Some(p) = pct(c.pocket_revenue, c.list_revenue) else {
            continue;
        };
        if p < pocket.floor {
            w.below_floor += 1;
            w.to_floor += (pocket.floor - p) / 100.0 * c.list_revenue;
        }
        if p < pocket.target {
            w.below_target += 1;
            w.to_target += (pocket.target - p) / 100.0 * c.list_revenue;
        }
    }
    w
}

/// True for a customer that counts in a band: positive net volume and a pocket % of list.
fn counts(c: &Cell) -> bool {
    c.quantity > MIN_VOLUME && pct(c.pocket_revenue, c.list_revenue).is_some()
}

/// Pools the thin rows may borrow: each product's and each segment's customers, sorted.
struct Pools<'a> {
    cells: &'a [Cell],
    product: Option<HashMap<&'a str, Vec<Observation>>>,
    segment: Option<HashMap<&'a str, Vec<Observation>>>,
}

impl<'a> Pools<'a> {
    fn build(
        cells: &'a [Cell],
        key: fn(&'a Cell) -> &'a str,
    ) -> HashMap<&'a str, Vec<Observation>> {
        let mut pools: HashMap<&str, Vec<Observation>> = HashMap::new();
        for c in cells {
            pools.entry(key(c)).or_default().push(observation(c));
        }
        pools
            .into_iter()
            .map(|(k, obs)| (k, sorted_observations(&obs)))
            .collect()
    }

    fn product(&mut self, id: &str) -> &[Observation] {
        let cells = self.cells;
        let pools = self
            .product
            .get_or_insert_with(|| Pools::build(cells, |c| &*c.product_id));
        pools.get(id).map_or(&[], Vec::as_slice)
    }

    fn segment(&mut self, id: &str) -> &[Observation] {
        let cells = self.cells;
        let pools = self
            .segment
            .get_or_insert_with(|| Pools::build(cells, |c| &*c.segment_id));
        pools.get(id).map_or(&[], Vec::as_slice)
    }
}

/// The guidance table of `cells` (customer × product sums), in key order then size band.
/// `list_prices`: each product's current list price.
pub fn guidance(
    cells: &[Cell],
    list_prices: &HashMap<String, f64>,
    options: &GuidanceOptions,
) -> Vec<GuidanceRow> {
    let mut pools = Pools {
        cells,
        product: None,
        segment: None,
    };
    let mut rows = Vec::new();
    for (key, group) in super::band::group_cells(cells, options.by) {
        let kept: Vec<&Cell> = group.into_iter().filter(|c| counts(c)).collect();
        if kept.is_empty() {
            continue;
        }
        let product = key.product_id.clone().unwrap_or_default();
        for (size_band, members) in size_bands(&kept, options.size_bands, options.min_customers) {
            let own: Vec<&Cell> = members.iter().map(|&i| kept[i]).collect();
            let obs: Vec<Observation> = own.iter().map(|c| observation(c)).collect();
            let own_sorted = sorted_observations(&obs);
            let (source, pool): (Source, &[Observation]) = if own.len() >= options.min_customers {
                (Source::Own, &own_sorted)
            } else {
                borrow(&mut pools, &key.segment_id, &product, options.min_customers)
            };
            let pocket = corridor(pool, options.percentiles).filter(|_| source != Source::None);
            let sum = |f: fn(&Cell) -> f64| own.iter().map(|c| f(c)).sum::<f64>();
            let list_revenue = sum(|c| c.list_revenue);
            rows.push(GuidanceRow {
                segment_id: key.segment_id.clone(),
                product_id: product.clone(),
                size_band,
                customers: own.len(),
                volume: sum(|c| c.quantity),
                list_revenue,
                source,
                pool_customers: if source == Source::None {
                    0
                } else {
                    pool.len()
                },
                worth: pocket.map(|p| worth(&own, p)).unwrap_or_default(),
                pocket,
                off_invoice_pct: pct(
                    sum(|c| c.invoice_revenue) - sum(|c| c.pocket_revenue),
                    list_revenue,
                ),
                list_price: list_prices.get(&product).copied(),
            });
        }
    }
    rows
}

/// The pool a thin row borrows: the product's customers, else the segment's, else none.
fn borrow<'p>(
    pools: &'p mut Pools,
    segment: &Option<String>,
    product: &str,
    min_customers: usize,
) -> (Source, &'p [Observation]) {
    let Some(segment) = segment else {
        return (Source::None, &[]);
    };
    if pools.product(product).len() >= min_customers {
        return (Source::BorrowedProduct, pools.product(product));
    }
    if pools.segment(segment).len() >= min_customers {
        return (Source::BorrowedSegment, pools.segment(segment));
    }
    (Source::None, &[])
}

/// Where a deal's pocket % of list falls against the corridor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Position {
    /// Below the floor.
    BelowFloor,
    /// At or above the floor, below the target.
    FloorTarget,
    /// At or above the target, at or below the stretch.
    TargetStretch,
    /// Above the stretch.
    AboveStretch,
}

impl Position {
    pub const ALL: [Position; 4] = [
        Position::BelowFloor,
        Position::FloorTarget,
        Position::TargetStretch,
        Position::AboveStretch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Position::BelowFloor => "below_floor",
            Position::FloorTarget => "floor_target",
            Position::TargetStretch => "target_stretch",
            Position::AboveStretch => "above_stretch",
        }
    }
}

/// The position of `pct_of_list` against `c` (both on the same basis).
pub fn position(c: Corridor, pct_of_list: f64) -> Position {
    match pct_of_list {
        x if x < c.floor => Position::BelowFloor,
        x if x < c.target => Position::FloorTarget,
        x if x <= c.stretch => Position::TargetStretch,
        _ => Position::AboveStretch,
    }
}

/// The deal score, 0–100: piecewise linear in % of list through 25 at the floor, 50 at the
/// target and 75 at the stretch, reaching 0 half a corridor width (stretch − floor) below the
/// floor and 100 half a width above the stretch, clamped. A zero-width part of the corridor is
/// a step; a corridor of zero width scores 0 below, 50 on and 100 above it.
pub fn score(c: Corridor, pct_of_list: f64) -> f64 {
    let half = (c.stretch - c.floor) / 2.0;
    let x = pct_of_list;
    let along = |from: f64, to: f64, lo: f64| match to > from {
        true => lo + 25.0 * ((x - from) / (to - from)).clamp(0.0, 1.0),
        false => lo + 25.0,
    };
    let s = match position(c, x) {
        Position::BelowFloor if half > 0.0 => along(c.floor - half, c.floor, 0.0),
        Position::BelowFloor => 0.0,
        Position::FloorTarget => along(c.floor, c.target, 25.0),
        Position::TargetStretch if c.stretch > c.target => along(c.target, c.stretch, 50.0),
        Position::TargetStretch => 50.0,
        Position::AboveStretch if half > 0.0 => along(c.stretch, c.stretch + half, 75.0),
        Position::AboveStretch => 100.0,
    };
    s.clamp(0.0, 100.0)
}

/// Margin a deal leaves below `target_pct` of list: (target − actual) / 100 × list price ×
/// quantity when below it, else 0, in currency.
pub fn margin_to(target_pct: f64, pct_of_list: f64, list_price: f64, quantity: f64) -> f64 {
    ((target_pct - pct_of_list).max(0.0) / 100.0 * list_price * quantity).max(0.0)
}

/// A guidance row as scoring needs it: from the computed guidance or a saved guidance CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedRow {
    pub segment_id: Option<String>,
    pub product_id: String,
    pub size_band: usize,
    /// The lowest customer volume in the cell of the row's size band.
    pub volume_from: f64,
    pub list_price: Option<f64>,
    pub pocket: Option<Corridor>,
    pub off_invoice_pct: Option<f64>,
    /// `ok`, `borrowed` or `too_few_customers`.
    pub status: String,
}

impl From<&GuidanceRow> for PublishedRow {
    fn from(r: &GuidanceRow) -> Self {
        PublishedRow {
            segment_id: r.segment_id.clone(),
            product_id: r.product_id.clone(),
            size_band: r.size_band.index,
            volume_from: r.size_band.volume_from,
            list_price: r.list_price,
            pocket: r.pocket,
            off_invoice_pct: r.off_invoice_pct,
            status: r.source.status().to_string(),
        }
    }
}

/// Guidance rows indexed for scoring: by product, then segment (empty when by product), each
/// cell's size bands in volume order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoringTable {
    /// True when the rows are per product (no segment).
    pub by_product: bool,
    /// True when some cell has more than one size band.
    size_bands: bool,
    cells: HashMap<String, HashMap<String, Vec<PublishedRow>>>,
}

impl ScoringTable {
    /// Indexes `rows`; by product when none names a segment.
    pub fn new(rows: Vec<PublishedRow>) -> ScoringTable {
        let by_product = rows.iter().all(|r| r.segment_id.is_none());
        let mut cells: HashMap<String, HashMap<String, Vec<PublishedRow>>> = HashMap::new();
        for r in rows {
            let segment = r.segment_id.clone().unwrap_or_default();
            let product = cells.entry(r.product_id.clone()).or_default();
            product.entry(segment).or_default().push(r);
        }
        for bands in cells.values_mut().flat_map(|p| p.values_mut()) {
            bands.sort_by(|a, b| a.volume_from.total_cmp(&b.volume_from));
        }
        let size_bands = cells.values().flat_map(|p| p.values()).any(|b| b.len() > 1);
        ScoringTable {
            by_product,
            size_bands,
            cells,
        }
    }

    /// True when some cell has more than one size band (so scoring needs customer volumes).
    pub fn has_size_bands(&self) -> bool {
        self.size_bands
    }

    /// True when `product` has any row.
    pub fn knows_product(&self, product: &str) -> bool {
        self.cells.contains_key(product)
    }

    /// Every cell's size bands in volume order, with its product and segment (empty when by
    /// product).
    pub fn cells(&self) -> impl Iterator<Item = (&str, &str, &[PublishedRow])> {
        self.cells.iter().flat_map(|(product, segments)| {
            segments
                .iter()
                .map(move |(segment, bands)| (product.as_str(), segment.as_str(), &bands[..]))
        })
    }

    /// The size band of a cell's bands (in volume order) for a customer of `volume`: the last
    /// starting at or below it (the first band for less).
    pub fn band(bands: &[PublishedRow], volume: f64) -> Option<&PublishedRow> {
        let i = bands.partition_point(|b| b.volume_from <= volume);
        bands.get(i.saturating_sub(1))
    }

    /// The row of `segment` × `product` for a customer of `volume` in the cell: the last size
    /// band starting at or below it (the first band for less).
    pub fn row(&self, segment: &str, product: &str, volume: f64) -> Option<&PublishedRow> {
        let segment = if self.by_product { "" } else { segment };
        ScoringTable::band(self.cells.get(product)?.get(segment)?, volume)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corridor3(floor: f64, target: f64, stretch: f64) -> Corridor {
        Corridor {
            floor,
            target,
            stretch,
        }
    }

    #[test]
    fn score_passes_25_50_75_at_the_corridor_and_clamps() {
        let c = corridor3(80.0, 85.0, 90.0);
        assert_eq!(score(c, 80.0), 25.0);
        assert_eq!(score(c, 85.0), 50.0);
        assert_eq!(score(c, 90.0), 75.0);
        assert_eq!(score(c, 82.5), 37.5);
        assert_eq!(score(c, 77.5), 12.5);
        assert_eq!(score(c, 75.0), 0.0);
        assert_eq!(score(c, 60.0), 0.0);
        assert_eq!(score(c, 92.5), 87.5);
        assert_eq!(score(c, 120.0), 100.0);
        let flat = corridor3(80.0, 80.0, 80.0);
        assert_eq!(
            (score(flat, 79.0), score(flat, 80.0), score(flat, 81.0)),
            (0.0, 50.0, 100.0)
        );
    }

    #[test]
    fn positions_include_the_lower_edge_of_each_part() {
        let c = corridor3(80.0, 85.0, 90.0);
        let at = |x| position(c, x).as_str();
        assert_eq!(
            [at(79.99), at(80.0), at(85.0), at(90.0), at(90.01)],
            [
                "below_floor",
                "floor_target",
                "target_stretch",
                "target_stretch",
                "above_stretch"
            ]
        );
    }

    fn cell(customer: &str, quantity: f64) -> Cell {
        Cell {
            segment_id: "S".into(),
            product_id: "P".into(),
            customer_id: customer.into(),
            quantity,
            list_revenue: quantity * 10.0,
            invoice_revenue: quantity * 9.0,
            pocket_revenue: quantity * 8.0,
        }
    }

    #[test]
    fn thin_size_bands_merge_with_their_thinner_neighbour() {
        // 12 customers, volumes 1..12, 4 bands asked, at least 4 customers each: bands of 3
        // merge pairwise (the first with the second, then the third with the fourth).
        let cells: Vec<Cell> = (1..=12)
            .map(|v| cell(&format!("C{v:02}"), v as f64))
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        let bands = size_bands(&refs, 4, 4);
        let shape: Vec<(usize, f64, Option<f64>, Vec<usize>)> = bands
            .iter()
            .map(|(b, m)| (m.len(), b.volume_from, b.volume_to, b.merged.clone()))
            .collect();
        assert_eq!(
            shape,
            [(6, 0.0, Some(7.0), vec![1, 2]), (6, 7.0, None, vec![3, 4])]
        );
        assert!(bands.iter().all(|(b, _)| b.of == 2));
    }

    #[test]
    fn ties_in_volume_stay_in_one_band_and_the_empty_band_merges() {
        // Volumes 5,5,5,5,5,5,9,9 in two bands: the cut at the 4th customer is 5, so every 5
        // goes above it and the first band is empty.
        let vols = [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 9.0, 9.0];
        let cells: Vec<Cell> = vols
            .iter()
            .enumerate()
            .map(|(i, v)| cell(&format!("C{i}"), *v))
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        let bands = size_bands(&refs, 2, 1);
        assert_eq!(bands.len(), 1);
        assert_eq!(bands[0].0.merged, vec![1, 2]);
        assert_eq!(bands[0].1.len(), 8);
    }
}
