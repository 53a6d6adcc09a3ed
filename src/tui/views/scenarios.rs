//! View 8, Scenarios: pick a scenario file from `scenarios/` (or type a path), see its
//! evaluation per segment × product with the totals, nudge a cell's list price or discount cap
//! and watch every total move, undo, save the edited scenario, and compare two side by side.
//!
//! The worker loads a scenario's baseline once; after that every edit re-plans the one cell it
//! touches and re-evaluates the scenario on the UI thread — pure arithmetic, no SQLite, well
//! under a millisecond for thousands of cells. The recommendations (view 9) are recomputed
//! lazily, only after an edit that changes the discount policy or a switch of level.
//!
//! Saving never destroys a file by surprise: another scenario file is overwritten only after a
//! second Enter, anything that is not a scenario file (a workspace, a CSV) never, and the file is
//! written whole or not at all. The TUI writes only regular files: a FIFO would block the screen.

use super::recommendations::RecsState;
use crate::outfile::OutfileError;
use crate::report::{SCIENTIFIC_FROM, fmt_num};
use crate::scenario::bundled;
use crate::scenario::file::{is_scenario, to_toml};
pub use crate::scenario::session::Session;
use crate::scenario::{Evaluation, Prepared};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending, Status};
use crate::tui::theme;
use crate::tui::view::View;
use crate::tui::widgets::list;
use crate::tui::widgets::prompt::{self, Key};
use crate::tui::widgets::sorted::{Outcome, SortedTable};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where scenario files are looked for.
pub const SCENARIO_DIR: &str = "scenarios";

/// What a path prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptFor {
    Open,
    Save,
    Export,
}

/// The state shared by views 7, 8 and 9: the scenario files, the loaded session, the
/// comparison, and each view's selected row.
#[derive(Debug, Default)]
pub struct ScenarioState {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub picked: usize,
    /// The scenario file loading.
    pub loading: Pending<PathBuf>,
    /// The scenario file loading as the second of a comparison.
    pub compare_loading: Pending<PathBuf>,
    pub session: Option<Session>,
    /// The second scenario of a comparison and its evaluation.
    pub compare: Option<(PathBuf, Prepared, Evaluation)>,
    /// The selected cell (row of the evaluation; same order in view 7).
    pub selected: usize,
    /// View 9's selected row and margin curve.
    pub recs: RecsState,
    /// View 7's sort and filter; its selection is `selected`'s cell.
    pub value_table: SortedTable,
    /// View 8's cell table's sort and filter (`O`, `S`, `/`); its selection is `selected`.
    pub cells_table: SortedTable,
    /// View 7 was shown since the scenario loaded (it opens on a cell with value drivers).
    pub value_opened: bool,
    /// View 7 shows the value map of the selected cell's segment × family (else its ladder).
    pub value_map: bool,
    pub prompt: Option<(PromptFor, String)>,
    /// The existing scenario file a save asked about: the next Enter on it overwrites it.
    pub confirm: Option<PathBuf>,
}

impl ScenarioState {
    /// Lists the scenario files of `dir`, then the bundled ones (always there).
    pub fn scan(&mut self, dir: &Path) {
        self.dir = dir.to_path_buf();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.extend(bundled::paths());
        self.files = files;
        self.picked = self.picked.min(self.files.len().saturating_sub(1));
    }

    /// What the status line says while a scenario loads.
    pub fn busy_text(&self) -> Option<String> {
        let p = self.loading.what().or(self.compare_loading.what())?;
        Some(format!(
            "loading scenario {} and its baseline…",
            p.display()
        ))
    }

    /// Asks the worker for a scenario and its baseline.
    pub fn load(&mut self, path: PathBuf, compare: bool, ctx: &mut Ctx) {
        let request = Request::Scenario {
            path: path.clone(),
            compare,
        };
        match compare {
            true => self.compare_loading.ask(ctx, request, path),
            false => self.loading.ask(ctx, request, path),
        }
    }

    fn rows(&self) -> usize {
        self.session
            .as_ref()
            .map_or(0, |s| s.prepared.baseline.cells.len())
    }

    /// Takes the worker's answer to one of this state's requests.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Scenario(result) = answer else {
            return;
        };
        if let Some(path) = self.loading.answered(seq) {
            match *result {
                Ok(p) => {
                    ctx.info(format!(
                        "loaded '{}': {} cells, baseline {} – {}",
                        p.scenario.name,
                        p.baseline.cells.len(),
                        p.baseline.from,
                        p.baseline.to
                    ));
                    self.session = Some(Session::new(path, p));
                    self.selected = 0;
                    self.cells_table.rewind();
                    self.recs = RecsState::default();
                    self.value_opened = false;
                }
                Err(e) => ctx.error(e),
            }
        } else if let Some(path) = self.compare_loading.answered(seq) {
            match *result {
                Ok(p) => {
                    let e = p.evaluation();
                    self.compare = Some((path, p, e));
                }
                Err(e) => ctx.error(e),
            }
        }
    }

    /// Answers a prompt (open a path, save the scenario, export the recommendations).
    fn submit(&mut self, ctx: &mut Ctx) {
        let Some((what, text)) = self.prompt.take() else {
            return;
        };
        let path = self.typed_path(text.trim());
        if path.as_os_str().is_empty() {
            return;
        }
        let confirmed = self.confirm.take().is_some_and(|c| c == path);
        let result = match what {
            PromptFor::Open => {
                self.load(path, false, ctx);
                return;
            }
            PromptFor::Save => match self.save_question(&path, confirmed) {
                Ok(Some(question)) => {
                    self.prompt = Some((what, text));
                    self.confirm = Some(path);
                    ctx.info(question);
                    return;
                }
                Ok(None) => self.save(&path),
                Err(e) => Err(e),
            },
            PromptFor::Export => match self.export(&path, confirmed) {
                Err(ExportError::Exists(existing)) => {
                    self.prompt = Some((what, text));
                    self.confirm = Some(path);
                    ctx.info(format!(
                        "'{}' exists; press Enter again to overwrite, or edit the name",
                        existing.display()
                    ));
                    return;
                }
                Err(ExportError::Other(e)) => Err(e),
                Ok(done) => Ok(done),
            },
        };
        *ctx.message = Some(match result {
            Ok(done) => Status::Info(done),
            Err(e) => Status::Error(format!("{e:#}")),
        });
    }

    /// The path the prompt's text names: an absolute or home path typed after the prompt's
    /// `scenarios/` start stands for itself (`scenarios//home/a.toml` is `/home/a.toml`).
    fn typed_path(&self, text: &str) -> PathBuf {
        let start = format!("{}/", self.dir.display());
        match text.strip_prefix(&start) {
            Some(rest) if rest.starts_with('/') || rest.starts_with('~') => PathBuf::from(rest),
            _ => PathBuf::from(text),
        }
    }

    /// Where saving the loaded scenario writes: its own file, or for a bundled one a copy of
    /// it under `scenarios/`.
    fn save_target(&self, s: &Session) -> PathBuf {
        match bundled::name(&s.path) {
            Some(name) => self.dir_or_default().join(name),
            None => s.path.clone(),
        }
    }

    fn dir_or_default(&self) -> PathBuf {
        match self.dir.as_os_str().is_empty() {
            true => PathBuf::from(SCENARIO_DIR),
            false => self.dir.clone(),
        }
    }

    /// Saves the loaded scenario to its file (a bundled one to its copy under `scenarios/`)
    /// without a prompt, for the quit question; true when it was saved. A copy that exists
    /// already is not overwritten: the status line says to save under another name.
    pub fn save_in_place(&mut self, ctx: &mut Ctx) -> bool {
        let Some(s) = &self.session else {
            return true;
        };
        let path = self.save_target(s);
        let result = match self.save_question(&path, false) {
            Ok(Some(_)) => Err(anyhow::anyhow!(
                "'{}' exists; not quitting — save with s under another name",
                path.display()
            )),
            Ok(None) => self.save(&path),
            Err(e) => Err(e),
        };
        match result {
            Ok(done) => {
                ctx.info(done);
                true
            }
            Err(e) => {
                ctx.error(format!("{e:#}; not quitting"));
                false
            }
        }
    }

    /// Whether saving to `path` may go ahead (`None`) or must be confirmed first (the question);
    /// an error when it must not happen at all.
    fn save_question(&self, path: &Path, confirmed: bool) -> anyhow::Result<Option<String>> {
        let shown = path.display();
        let meta = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => anyhow::bail!("cannot save to '{shown}': {e}"),
            Ok(m) => m,
        };
        if !meta.is_file() {
            anyhow::bail!("'{shown}' is not a regular file; save the scenario to a .toml file");
        }
        if !holds_scenario(path) {
            anyhow::bail!(
                "'{shown}' is not a scenario file; it is left alone (save under another name)"
            );
        }
        let own = self
            .session
            .as_ref()
            .is_some_and(|s| same_file(&s.path, path));
        Ok((!own && !confirmed)
            .then(|| format!("'{shown}' exists; press Enter again to overwrite, Esc to cancel")))
    }

    fn save(&mut self, path: &Path) -> anyhow::Result<String> {
        let Some(s) = self.session.as_mut() else {
            anyhow::bail!("no scenario loaded");
        };
        let text = to_toml(&s.prepared.scenario)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create '{}': {e}", dir.display()))?;
        }
        // Only a file `save_question` has let through is overwritten; one that appeared since is not.
        let overwrite = path.exists();
        match crate::outfile::write(path, overwrite, |w| Ok(w.write_all(text.as_bytes())?)) {
            Err(OutfileError::Exists(_)) => anyhow::bail!(
                "'{}' appeared while saving; save again to be asked about it",
                path.display()
            ),
            other => other?,
        }
        s.saved_as(path.to_path_buf(), &text);
        let dir = self.dir.clone();
        self.scan(&dir);
        Ok(format!("saved the scenario to {}", path.display()))
    }

    /// Exports the recommendations to `path`; an existing file is overwritten only when
    /// `overwrite` (the user answered the question).
    fn export(&mut self, path: &Path, overwrite: bool) -> Result<String, ExportError> {
        let Some(s) = self.session.as_mut() else {
            return Err(ExportError::Other(anyhow::anyhow!("no scenario loaded")));
        };
        if crate::outfile::is_stream_path(path) {
            return Err(ExportError::Other(anyhow::anyhow!(
                "'{}' is a pipe or device; the TUI writes only files (use 'pricebench export --out')",
                path.display()
            )));
        }
        let level = s.level;
        let paths = crate::export::ExportPaths::new(path, level);
        let files = [Some(&paths.table), paths.segments.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| p.display().to_string())
            .collect();
        let mut provenance = crate::export::Provenance::new(&s.path, &s.prepared, level, files);
        if s.dirty {
            // The file no longer says what produced the numbers; the edited scenario does.
            let text = to_toml(&s.prepared.scenario).map_err(|e| ExportError::Other(e.into()))?;
            provenance = provenance.edited(&text);
        }
        let recs = s.recommendations();
        match crate::export::export(recs, &provenance, &paths, overwrite) {
            Err(OutfileError::Exists(p)) => return Err(ExportError::Exists(p)),
            other => other.map_err(|e| ExportError::Other(e.into()))?,
        }
        let rows = match level {
            crate::scenario::Level::Product => recs.products.len(),
            crate::scenario::Level::SegmentProduct => recs.cells.len(),
        };
        Ok(format!("exported {rows} rows to {}", path.display()))
    }

    /// Opens a path prompt with its default text.
    pub fn open_prompt(&mut self, what: PromptFor, ctx: &mut Ctx) {
        let default = match (what, &self.session) {
            (PromptFor::Open, _) => format!("{}/", self.dir.display()),
            (_, None) => {
                ctx.info("load a scenario first (view 8, Enter)".into());
                return;
            }
            (PromptFor::Save, Some(s)) => self.save_target(s).display().to_string(),
            (PromptFor::Export, Some(s)) => {
                let stem = self
                    .save_target(s)
                    .file_stem()
                    .map_or("scenario".into(), |f| f.to_string_lossy().to_string());
                format!("exports/{stem}-recommended.csv")
            }
        };
        self.prompt = Some((what, default));
        self.confirm = None;
    }

    /// The prompt's keys, and what views 7–9 share; true when the action was handled.
    fn update_shared(&mut self, action: &Action, ctx: &mut Ctx) -> bool {
        if let Some(key) = self
            .prompt
            .as_mut()
            .and_then(|p| prompt::edit(&mut p.1, action))
        {
            self.prompt_key(key, ctx);
            return true;
        }
        match list::moved(self.selected, self.rows(), action) {
            Some(moved) => {
                self.selected = moved;
                true
            }
            None => false,
        }
    }

    /// Enter answers the prompt; any other key withdraws a question about overwriting.
    fn prompt_key(&mut self, key: Key, ctx: &mut Ctx) {
        match key {
            Key::Submit => self.submit(ctx),
            Key::Edited => self.confirm = None,
            Key::Cancel => {
                self.confirm = None;
                self.prompt = None;
            }
        }
    }

    /// The actions of view 7, 8 or 9 (`view`), which share this state.
    pub fn update(&mut self, view: View, action: Action, ctx: &mut Ctx) {
        match view {
            View::Recommendations if self.prompt.is_none() => {
                super::recommendations::update(self, action, ctx)
            }
            View::Value if self.prompt.is_none() => super::value::update(self, &action),
            View::Scenarios if self.prompt.is_none() && self.update_cells_table(&action) => {}
            _ if self.update_shared(&action, ctx) => {}
            View::Scenarios => self.update_scenarios(action, ctx),
            _ => {}
        }
    }

    /// View 8's cell table's keys (move, sort, filter); true when the action was one. The
    /// edited cell is the table's selected one.
    fn update_cells_table(&mut self, action: &Action) -> bool {
        let outcome = self
            .cells_table
            .update(action, super::scenario_tables::CELL_COLUMNS);
        if outcome == Outcome::Reorder {
            refresh(self);
        }
        // A click selected a row already (App::click): the edited cell follows it too.
        let taken = outcome != Outcome::Ignored || matches!(action, Action::Click(..));
        if let (true, Some(i)) = (taken, self.cells_table.current()) {
            self.selected = i;
        }
        taken
    }

    /// View 8's own actions.
    fn update_scenarios(&mut self, action: Action, ctx: &mut Ctx) {
        let n = self.files.len();
        match action {
            Action::NextFile if n > 0 => self.picked = (self.picked + 1) % n,
            Action::PrevFile if n > 0 => self.picked = (self.picked + n - 1) % n,
            Action::LoadScenario => self.load_picked(false, ctx),
            Action::CompareScenario => self.load_picked(true, ctx),
            Action::OpenPath => self.open_prompt(PromptFor::Open, ctx),
            Action::SaveScenario => self.open_prompt(PromptFor::Save, ctx),
            Action::NudgePrice(_) | Action::NudgeCap(_) | Action::Undo
                if self.session.is_none() =>
            {
                ctx.info("no scenario loaded: pick one with n/p and press Enter first".into());
            }
            Action::NudgePrice(pct) => {
                let i = self.selected;
                if let Some(Err(why)) = self
                    .session
                    .as_mut()
                    .map(|s| s.nudge_price(i, f64::from(pct)))
                {
                    ctx.error(why);
                }
            }
            Action::NudgeCap(points) => self.nudge_cap(points, ctx),
            Action::Undo => {
                let undone = self.session.as_mut().is_some_and(Session::undo);
                if !undone {
                    ctx.info("nothing to undo".into());
                }
            }
            _ => {}
        }
    }

    /// Loads the picked file, as the comparison when `compare` (which clears one shown).
    fn load_picked(&mut self, compare: bool, ctx: &mut Ctx) {
        if compare && self.compare.take().is_some() {
            return;
        }
        match self.files.get(self.picked).cloned() {
            Some(path) => self.load(path, compare, ctx),
            None => {
                let dir = self.dir.display();
                ctx.info(format!(
                    "no scenario files in {dir}/; press o to open a path"
                ));
            }
        }
    }

    /// Moves the cap of the selected cell's largest discount by `points` of list.
    fn nudge_cap(&mut self, points: i8, ctx: &mut Ctx) {
        let i = self.selected;
        let Some(s) = self.session.as_mut() else {
            return;
        };
        ctx.info(match s.nudge_cap(i, f64::from(points)) {
            Some(e) => format!("cap on {e} moved {points:+} point(s) of list"),
            None => "no cap of this cell to loosen".into(),
        });
    }
}

/// Why an export from the prompt did not happen.
#[derive(Debug)]
enum ExportError {
    /// This file exists: the prompt asks before overwriting it.
    Exists(PathBuf),
    Other(anyhow::Error),
}

/// True when the file at `path` reads as a scenario: UTF-8 TOML of at most 1 MiB with a
/// scenario's keys (a workspace, a CSV or a large file is not one).
fn holds_scenario(path: &Path) -> bool {
    const LIMIT: u64 = 1 << 20;
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(LIMIT + 1).read_to_end(&mut bytes));
    read.is_ok_and(|n| n as u64 <= LIMIT) && std::str::from_utf8(&bytes).is_ok_and(is_scenario)
}

/// True when both paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Currency in at most eight characters, for totals that run into millions and billions
/// (`83.14M`, `119.4k`, `-2,305`, `1.000e19`): a narrow column shows it whole rather than cut.
pub fn money0(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    match a {
        _ if !a.is_finite() || a >= SCIENTIFIC_FROM => fmt_num(v, 0),
        _ if a >= 1e12 => format!("{sign}{:.2}T", a / 1e12),
        _ if a >= 1e9 => format!("{sign}{:.2}B", a / 1e9),
        _ if a >= 1e6 => format!("{sign}{:.2}M", a / 1e6),
        _ if a >= 1e5 => format!("{sign}{:.1}k", a / 1e3),
        _ => fmt_num(v, 0),
    }
}

/// The file list and the scenario panel, in `area`.
fn split(area: Rect) -> [Rect; 2] {
    Layout::horizontal([
        Constraint::Length((area.width / 4).min(26)),
        Constraint::Min(20),
    ])
    .areas(area)
}

/// Where the cell table is drawn when the view is drawn in `area` (for mouse clicks).
pub fn table_area(area: Rect, state: &ScenarioState) -> Option<Rect> {
    let s = state.session.as_ref()?;
    let right = split(area)[1];
    Some(super::scenario_tables::cells_area(
        right,
        s,
        state.compare.as_ref(),
    ))
}

/// Sorts and filters view 8's cell table (its numbers move with every edit) and keeps its
/// selection on the selected cell while the table shows it.
pub fn refresh(state: &mut ScenarioState) {
    let Some(s) = &state.session else {
        return;
    };
    super::scenario_tables::apply(&mut state.cells_table, s);
    if state.cells_table.current() != Some(state.selected)
        && !state.cells_table.select_row(state.selected)
        && let Some(i) = state.cells_table.current()
    {
        // The filter hides the selected cell: the table's own selection stands.
        state.selected = i;
    }
}

/// Draws view 8.
pub fn render(frame: &mut Frame, area: Rect, state: &ScenarioState) {
    let [left, right] = split(area);
    render_files(frame, left, state);
    let Some(s) = &state.session else {
        let text = match state.loading.what() {
            Some(p) => format!("loading {}…", p.display()),
            None => "Pick a scenario with n/p and press Enter (o: open a path).".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text).block(Block::bordered().title(" Scenario ")),
            right,
        );
        render_prompt(frame, area, state);
        return;
    };
    let compare = state.compare.as_ref();
    super::scenario_tables::render(frame, right, s, &state.cells_table, compare);
    render_prompt(frame, area, state);
}

fn render_files(frame: &mut Frame, area: Rect, state: &ScenarioState) {
    let first_bundled = state.files.iter().position(|f| bundled::name(f).is_some());
    let mut lines: Vec<Line> = state
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // Without ".toml", so that the name fits the narrow list at 80 columns.
            let name = match bundled::name(f) {
                Some(n) => n.trim_end_matches(".toml").to_string(),
                None => f
                    .file_stem()
                    .map_or(String::new(), |n| n.to_string_lossy().to_string()),
            };
            let loaded = state.session.as_ref().is_some_and(|s| &s.path == f);
            let compared = state.compare.as_ref().is_some_and(|c| &c.0 == f);
            let mark = match (loaded, compared) {
                (true, _) => "● ",
                (_, true) => "◆ ",
                _ => "  ",
            };
            let style = if i == state.picked {
                theme::SELECTED_ROW
            } else {
                theme::VALUE
            };
            Line::styled(format!("{mark}{name}"), style)
        })
        .collect();
    if let Some(at) = first_bundled {
        lines.insert(at, Line::styled("bundled:", theme::LABEL));
    }
    let title = format!(" {}/ ", state.dir.display());
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        area,
    );
}

/// The path prompt, over the last line of the view.
pub fn render_prompt(frame: &mut Frame, area: Rect, state: &ScenarioState) {
    let Some((what, text)) = &state.prompt else {
        return;
    };
    let label = match what {
        PromptFor::Open => "open scenario",
        PromptFor::Save if state.confirm.is_some() => "overwrite (Enter) or cancel (Esc)",
        PromptFor::Save => "save scenario to",
        PromptFor::Export if state.confirm.is_some() => "overwrite (Enter) or edit the name",
        PromptFor::Export => "export CSV to",
    };
    let y = area.y + area.height.saturating_sub(1);
    let line = Rect::new(area.x, y, area.width, 1.min(area.height));
    let spans = [vec![Span::raw(" ")], prompt::spans(label, text)].concat();
    frame.render_widget(ratatui::widgets::Clear, line);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme::PROMPT), line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_money_stays_narrow_and_right_at_every_magnitude() {
        assert_eq!(money0(83_140_000.0), "83.14M");
        assert_eq!(money0(-2_305.4), "-2,305");
        assert_eq!(money0(999e12), "999.00T");
        assert_eq!(money0(1e19), "1.000e19");
        assert_eq!(money0(-f64::MAX), "-1.798e308");
        assert_eq!(money0(-0.3), "0");
        assert_eq!(money0(f64::NAN), "–");
    }
}
