//! Every view, with data, at every terminal size from tiny to large: drawing never panics, the
//! title row always names the program, and no NaN or inf is ever on screen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::store::bundled_sample;
use pricebench::tui::action::Action;
use pricebench::tui::app::App;
use pricebench::tui::frame;
use pricebench::tui::view::View;
use pricebench::tui::worker::Worker;
use pricebench::tui::{dispatch, start, till_ready};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| frame::render(f, app)).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

const SIZES: [(u16, u16); 12] = [
    (1, 1),
    (2, 2),
    (10, 3),
    (20, 5),
    (30, 8),
    (40, 12),
    (60, 16),
    (79, 23),
    (80, 24),
    (100, 30),
    (132, 43),
    (200, 50),
];

/// Draws the view on screen at every size, moving about a little at each as a user would
/// after resizing, and checks the title row and that no NaN or inf shows.
fn draw_at_every_size(app: &mut App, worker: &mut Worker) {
    let view = app.view;
    for (w, h) in SIZES {
        dispatch(app, worker, Action::Resize(w, h));
        till_ready(app, worker, Duration::from_secs(60));
        for action in [Action::Down, Action::Down, Action::PageDown, Action::Up] {
            dispatch(app, worker, action);
            till_ready(app, worker, Duration::from_secs(60));
        }
        let text = screen(app, w, h);
        if w >= 20 && h >= 3 {
            assert!(
                text.lines()
                    .next()
                    .unwrap_or_default()
                    .contains("pricebench"),
                "{view:?} at {w}×{h}:\n{text}"
            );
        }
        for bad in ["NaN", "inf"] {
            let words = text.split(|c: char| !c.is_ascii_alphanumeric());
            assert!(
                !words.clone().any(|word| word == bad),
                "{view:?} at {w}×{h} shows {bad}:\n{text}"
            );
        }
    }
    dispatch(app, worker, Action::Resize(100, 30));
}

#[test]
fn every_view_draws_at_every_size() {
    let ws = bundled_sample().unwrap();
    let mut app = App::new(ws.origin());
    let mut worker = Worker::inline(ws);
    start(&mut app, &mut worker, 100, 30);
    for &view in View::ALL {
        dispatch(&mut app, &mut worker, Action::ShowView(view.digit()));
        assert!(till_ready(&mut app, &mut worker, Duration::from_secs(60)));
        draw_at_every_size(&mut app, &mut worker);
    }
}

#[test]
fn the_elasticity_views_panel_model_draws_at_every_size() {
    let ws = bundled_sample().unwrap();
    let mut app = App::new(ws.origin());
    let mut worker = Worker::inline(ws);
    start(&mut app, &mut worker, 100, 30);
    for action in [Action::ShowView(3), Action::SwitchModel] {
        dispatch(&mut app, &mut worker, action);
        assert!(till_ready(&mut app, &mut worker, Duration::from_secs(60)));
    }
    let stored = app.elasticity.stored.as_ref().unwrap();
    assert_eq!(stored.settings.model.as_str(), "panel");
    draw_at_every_size(&mut app, &mut worker);
}
