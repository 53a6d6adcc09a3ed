//! TUI responsiveness on a large workspace: time to the first complete frame, and per view the
//! time from a key press to the next frame (App::update + the worker's answer + rendering into
//! a 200×50 buffer), plus the peak memory of the process.
//!
//! `cargo bench --bench tui [-- PATH.db]` — by default the 10M-line workspace that
//! `cargo bench --bench import -- 10000000` leaves in `target/bench-data/`.

use pricebench::store::Workspace;
use pricebench::tui::action::Action;
use pricebench::tui::app::App;
use pricebench::tui::frame;
use pricebench::tui::view::View;
use pricebench::tui::worker::Worker;
use pricebench::tui::{dispatch, start, till_ready};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
const WAIT: Duration = Duration::from_secs(120);
/// A key should answer within a frame at 60 Hz.
const BUDGET_MS: f64 = 16.0;

fn main() -> Result<(), String> {
    let db = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/bench-10000000.db")
        });
    if !db.exists() {
        return Err(format!(
            "{} is missing: run `cargo bench --bench import -- 10000000` first",
            db.display()
        ));
    }
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).map_err(|e| e.to_string())?;
    let opened = Instant::now();
    let ws = Workspace::open(&db).map_err(|e| e.to_string())?;
    let mut app = App::new(ws.origin());
    let mut worker = Worker::spawn(ws);
    start(&mut app, &mut worker, WIDTH, HEIGHT);
    if !till_ready(&mut app, &mut worker, WAIT) {
        return Err("the first screen did not load".into());
    }
    draw(&mut terminal, &app)?;
    println!("workspace: {}", db.display());
    println!("open to first full frame: {:.0} ms", ms(opened.elapsed()));
    // Views 7–9 show a scenario: load the first one in scenarios/ (its baseline loads on the
    // worker, as after a user's Enter).
    let loaded = Instant::now();
    dispatch(
        &mut app,
        &mut worker,
        Action::ShowView(View::Scenarios.digit()),
    );
    dispatch(&mut app, &mut worker, Action::LoadScenario);
    till_ready(&mut app, &mut worker, WAIT);
    println!("load a scenario: {:.0} ms", ms(loaded.elapsed()));
    println!(
        "{:<20} {:>10} {:>10} {:>11} {:>11} {:>11} {:>6}",
        "view", "switch ms", "render ms", "key p50 ms", "key p99 ms", "key max ms", "keys"
    );
    for &view in View::ALL {
        let switched = Instant::now();
        dispatch(&mut app, &mut worker, Action::ShowView(view.digit()));
        till_ready(&mut app, &mut worker, WAIT);
        draw(&mut terminal, &app)?;
        let switch = ms(switched.elapsed());
        let render = median(
            (0..20)
                .map(|_| timed(|| draw(&mut terminal, &app)))
                .collect(),
        );
        let mut keys = Vec::new();
        // Data: on the 10M-line transactions table (keyset paging); elsewhere: the selection.
        let extra: &[Action] = match view {
            View::Data => &[
                Action::NextTable,
                Action::NextTable,
                Action::NextTable,
                Action::End,
            ],
            View::Scenarios => &[
                Action::NudgePrice(1),
                Action::NudgePrice(-1),
                Action::NudgePrice(5),
                Action::Undo,
                // O: the cell table by segment, product, list, new list; then flipped.
                Action::CycleSort,
                Action::CycleSort,
                Action::CycleSort,
                Action::CycleSort,
                Action::FlipSort,
            ],
            // The time chart of each cell the selection moves to.
            View::Elasticity => &[Action::ToggleTimeChart],
            View::Evidence | View::Value | View::Recommendations => &[
                Action::CycleSort,
                Action::CycleSort,
                Action::CycleSort,
                Action::FlipSort,
            ],
            _ => &[],
        };
        let moves = [
            Action::Down,
            Action::Down,
            Action::Down,
            Action::PageDown,
            Action::Up,
            Action::Home,
        ];
        let mut slow = Vec::new();
        for action in extra.iter().chain(&moves) {
            let repeats = if extra.contains(action) { 1 } else { 20 };
            for _ in 0..repeats {
                let t = timed(|| {
                    dispatch(&mut app, &mut worker, action.clone());
                    till_ready(&mut app, &mut worker, WAIT);
                    draw(&mut terminal, &app)
                });
                if t > BUDGET_MS {
                    slow.push(format!("{action:?} {t:.1} ms"));
                }
                keys.push(t);
            }
        }
        let max = keys.iter().copied().fold(0.0, f64::max);
        let n = keys.len();
        println!(
            "{:<20} {switch:>10.2} {render:>10.2} {:>11.2} {:>11.2} {max:>11.2} {n:>6}",
            view.title(),
            quantile(keys.clone(), 0.5),
            quantile(keys, 0.99),
        );
        if !slow.is_empty() {
            println!("  over {BUDGET_MS} ms: {}", slow.join(", "));
        }
    }
    println!("peak memory: {}", peak_memory());
    Ok(())
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) -> Result<(), String> {
    terminal
        .draw(|f| frame::render(f, app))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn timed(f: impl FnOnce() -> Result<(), String>) -> f64 {
    let started = Instant::now();
    let _ = f();
    ms(started.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: Vec<f64>) -> f64 {
    quantile(v, 0.5)
}

/// The nearest-rank quantile `q` of `v` (0 for none).
fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1));
    v.get(rank - 1).copied().unwrap_or(0.0)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "-".into())
}
