//! Shared test helpers: float comparison, workspace dumps, small CSV fixtures on disk, and the
//! TUI harness that drives an app with actions and reads back its screen.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pricebench::store::Workspace;
use pricebench::tui::action::Action;
use pricebench::tui::app::App;
use pricebench::tui::worker::Worker;
use pricebench::tui::{dispatch, start, till_ready};
use rusqlite::types::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Asserts |actual − expected| ≤ tol · max(1, |expected|).
pub fn assert_close(actual: f64, expected: f64, tol: f64) {
    let scale = expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol * scale,
        "{actual} is not within {tol} (relative) of {expected}"
    );
}

/// Every table's rows as sorted text, plus the schema: equal dumps mean an unchanged workspace.
pub fn dump(ws: &Workspace) -> Vec<String> {
    let conn = ws.conn();
    let mut out = Vec::new();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master ORDER BY name")
        .unwrap();
    let tables: Vec<(String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (name, sql) in tables {
        out.push(format!("schema {name}: {sql:?}"));
        if sql
            .as_deref()
            .is_some_and(|s| s.starts_with("CREATE TABLE"))
        {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let vals: Vec<Value> = (0..n).map(|i| r.get(i).unwrap()).collect();
                    Ok(format!("{name}: {vals:?}"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            rows.sort();
            out.extend(rows);
        }
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    out.push(format!("user_version {version}"));
    out
}

/// A directory of small, valid input files (two segments, three customers, two products,
/// transactions with two elements, quotes and survey answers).
pub fn write_fixture(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let files = [
        (
            "segments.csv",
            "segment_id,name,description\nS1,Enterprise,Large accounts\nS2,Small business,\n",
        ),
        (
            "customers.csv",
            "customer_id,segment_id,name,region,channel\nC1,S1,Alpha,North,direct\nC2,S1,Beta,South,direct\nC3,S2,Gamma,North,online\n",
        ),
        (
            "products.csv",
            "product_id,name,unit_cost,list_price,family\nP1,Widget,4,10,W\nP2,Gadget,12,20,G\n",
        ),
        (
            "transactions.csv",
            "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate\n\
             T1,2024-01-01,C1,P1,10,10,1,0.5\n\
             T2,2024-01-03,C2,P1,5,10,0,0.5\n\
             T3,2024-01-04,C3,P2,2,20,2,1\n\
             T4,2024-01-08,C1,P1,-1,10,1,0.5\n\
             T5,2024-02-01,C3,P1,4,11,0,0\n",
        ),
        (
            "quotes.csv",
            "quote_id,date,customer_id,product_id,quantity,quoted_price,won\nQ1,2024-01-02,C1,P1,10,9.5,1\nQ2,2024-01-05,C3,P1,3,11,lost\n",
        ),
        (
            "survey.csv",
            "respondent_id,segment_id,product_id,too_cheap,cheap,expensive,too_expensive\nR1,S1,P1,4,6,12,15\nR2,S2,P1,3,5,10,14\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir.to_path_buf()
}

/// The screen the app draws at its current size, as text, one line per row.
pub fn render_screen(app: &App) -> String {
    let (w, h) = app.size;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| pricebench::tui::frame::render(f, app))
        .unwrap();
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The TUI on a workspace, without a terminal: actions in, the rendered screen out. Test files
/// add their own constructors and helpers in `impl Harness` blocks.
pub struct Harness {
    pub app: App,
    pub worker: Worker,
}

impl Harness {
    /// The app on `ws` at `w`×`h`, with everything it first asks for loaded; the worker runs each
    /// job at once on this thread, or on its own thread when `threaded`.
    pub fn with(ws: Workspace, threaded: bool, w: u16, h: u16) -> Harness {
        let mut app = App::new(ws.origin());
        let mut worker = match threaded {
            true => Worker::spawn(ws),
            false => Worker::inline(ws),
        };
        start(&mut app, &mut worker, w, h);
        let mut h = Harness { app, worker };
        h.settle();
        h
    }

    /// Waits until the app has every answer it asked for.
    pub fn settle(&mut self) {
        assert!(till_ready(
            &mut self.app,
            &mut self.worker,
            Duration::from_secs(60)
        ));
    }

    /// Applies each action in turn, settling after each.
    pub fn send(&mut self, actions: &[Action]) {
        for a in actions {
            dispatch(&mut self.app, &mut self.worker, a.clone());
            self.settle();
        }
    }

    /// The screen at the app's size.
    pub fn screen(&self) -> String {
        render_screen(&self.app)
    }
}

/// A product's projected pocket margin over its segments with evidence at list price `list`,
/// computed from the plans directly: Σ q0·(p1/p0)^e·(p1 − cost).
pub fn product_margin(p: &pricebench::scenario::Prepared, product: &str, list: f64) -> f64 {
    let cells: Vec<_> = p
        .baseline
        .cells
        .iter()
        .zip(&p.plans)
        .filter(|(c, _)| c.product_id == product)
        .collect();
    let q: f64 = cells.iter().map(|(c, _)| c.quantity).sum();
    let anchor = cells
        .iter()
        .map(|(c, _)| c.quantity * c.list_price)
        .sum::<f64>()
        / q;
    cells
        .iter()
        .filter_map(|(c, plan)| {
            let e = plan.estimate?.elasticity;
            let p1 = plan.money.pocket(list / anchor);
            Some(c.quantity * (p1 / c.pocket_price()).powf(e) * (p1 - plan.unit_cost))
        })
        .sum()
}
