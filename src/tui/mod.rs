//! The terminal UI: the event loop that turns keys into actions, feeds them to the app, hands the
//! app's requests to the worker and draws the frame.

pub mod action;
pub mod app;
pub mod ctx;
pub mod export_chart;
pub mod frame;
pub mod glossary;
pub mod keymap;
pub mod period;
pub mod theme;
pub mod view;
pub mod views;
pub mod widgets;
pub mod worker;

use crate::store::Workspace;
use action::Action;
use anyhow::{Context, Result};
use app::App;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;
use std::path::Path;
use std::time::{Duration, Instant};
use worker::Worker;

/// Opens the TUI on the workspace at `db`; on the bundled sample only when `db` is the default
/// (`given` false: no `--db`, no `PRICEBENCH_DB`) and does not exist. A named workspace that
/// does not exist is an error, as in every command.
pub fn run(db: &Path, given: bool) -> Result<()> {
    let ws = match (db.exists(), given) {
        (true, _) => Workspace::open(db)?,
        (false, false) => {
            crate::store::bundled_sample().context("cannot load the bundled sample")?
        }
        (false, true) => anyhow::bail!(
            "workspace '{}' does not exist; run 'pricebench --db {} import DIR' first, or start \
             pricebench without --db to explore the bundled sample",
            db.display(),
            db.display()
        ),
    };
    let mut app = App::new(ws.origin());
    let shown = app.origin_label.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        eprintln!("pricebench crashed; the workspace was {shown}");
    }));
    let mut worker = Worker::spawn(ws);
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    // Without the mouse the app works as before: a terminal that refuses it is no error.
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let result = event_loop(&mut terminal, &mut app, &mut worker);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    worker: &mut Worker,
) -> Result<()> {
    let size = terminal.size()?;
    start(app, worker, size.width, size.height);
    while !app.quit {
        terminal.draw(|f| frame::render(f, app))?;
        if event::poll(Duration::from_millis(40))? {
            let action = match event::read()? {
                Event::Key(key) if key.kind == KeyEventKind::Press => {
                    keymap::action_for(&key, app.key_context())
                }
                Event::Resize(w, h) => Some(Action::Resize(w, h)),
                Event::Mouse(mouse) => mouse_action(&mouse),
                _ => None,
            };
            if let Some(action) = action {
                dispatch(app, worker, action);
            }
        }
        pump(app, worker);
    }
    Ok(())
}

/// What a mouse event means: a left click where it happened; the wheel moves the selection
/// (or scrolls the help) as ↑/↓ do.
pub fn mouse_action(mouse: &MouseEvent) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::Down(event::MouseButton::Left) => {
            Some(Action::Click(mouse.column, mouse.row))
        }
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::ScrollDown => Some(Action::Down),
        _ => None,
    }
}

/// Sizes the app and asks for its first data.
pub fn start(app: &mut App, worker: &mut Worker, width: u16, height: u16) {
    dispatch(app, worker, Action::Resize(width, height));
    dispatch(app, worker, Action::Reload);
}

/// Applies one action and hands the jobs it asks for to the worker.
pub fn dispatch(app: &mut App, worker: &mut Worker, action: Action) {
    for job in app.update(action) {
        worker.submit(job);
    }
}

/// Applies every response the worker has finished, without waiting.
pub fn pump(app: &mut App, worker: &mut Worker) {
    while let Some(response) = worker.try_recv() {
        dispatch(app, worker, response.into_action());
    }
}

/// Waits until the app has every answer it asked for (csvlens' `till_app_ready`); false on
/// timeout. With an inline worker this returns at once.
pub fn till_ready(app: &mut App, worker: &mut Worker, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while app.is_loading() {
        let left = deadline.saturating_duration_since(Instant::now());
        match worker.recv_timeout(left) {
            Some(response) => dispatch(app, worker, response.into_action()),
            None => return false,
        }
    }
    true
}
