//! The app state and `App::update`, the only place it changes. View-specific actions go to each
//! view's own `update`, and the worker's answers to the `loaded` of the view that asked; requests
//! for the worker are returned to the caller as `Job`s.

use super::action::Action;
use super::ctx::{Ctx, Jobs, Status};
use super::keymap::{KeyContext, Overlay};
use super::period::Period;
use super::view::{CHROME_ROWS, View};
use super::views::data::DataState;
use super::views::elasticity::ElasticityState;
use super::views::evidence::EvidenceState;
use super::views::overview::OverviewState;
use super::views::psm::PsmState;
use super::views::realization::{self, RealizationState};
use super::views::recommendations;
use super::views::scenarios::{SCENARIO_DIR, ScenarioState};
use super::views::wtp::WtpState;
use super::widgets::sorted::SortedTable;
use super::worker::{Job, Loaded};
use crate::store::Origin;

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    /// "sample data" or the workspace path, for the title bar.
    pub origin_label: String,
    pub view: View,
    pub show_help: bool,
    /// The first line of the help shown at the top of the overlay (it scrolls).
    pub help_scroll: u16,
    /// `q` was pressed with unsaved scenario edits: the app asks save / discard / cancel.
    pub asking_quit: bool,
    pub quit: bool,
    /// Terminal columns × rows.
    pub size: (u16, u16),
    pub overview: OverviewState,
    pub data: DataState,
    pub realization: RealizationState,
    /// The loaded scenario, shared by views 7 (Value), 8 (Scenarios) and 9 (Recommendations).
    pub scenarios: ScenarioState,
    pub elasticity: ElasticityState,
    pub wtp: WtpState,
    pub psm: PsmState,
    pub evidence: EvidenceState,
    pub message: Option<Status>,
    /// Another process changed the workspace since the last load.
    pub data_changed: bool,
    /// The worker waits for another process to finish writing to the workspace.
    pub workspace_busy: bool,
    /// The period prompt's text while it is open (`P`).
    pub period_prompt: Option<String>,
    /// Where `x` writes the view's chart (`exports/` in the working directory).
    pub export_dir: std::path::PathBuf,
    jobs: Jobs,
}

impl App {
    /// A fresh app for a workspace of this origin; send `Resize` then `Reload` to start it.
    pub fn new(origin: &Origin) -> App {
        let origin_label = match origin {
            Origin::Sample => {
                "sample data (bundled; no workspace: pricebench import DIR)".to_string()
            }
            Origin::File(path) => path.display().to_string(),
        };
        App {
            origin_label,
            view: View::Overview,
            show_help: false,
            help_scroll: 0,
            asking_quit: false,
            quit: false,
            size: (80, 24),
            overview: OverviewState::default(),
            data: DataState::default(),
            realization: RealizationState::default(),
            scenarios: ScenarioState::default(),
            elasticity: ElasticityState::default(),
            wtp: WtpState::default(),
            psm: PsmState::default(),
            evidence: EvidenceState::default(),
            message: None,
            data_changed: false,
            workspace_busy: false,
            period_prompt: None,
            export_dir: std::path::PathBuf::from(super::export_chart::EXPORT_DIR),
            jobs: Jobs::default(),
        }
    }

    /// Applies one action; returns the jobs it asks the worker to run.
    pub fn update(&mut self, action: Action) -> Vec<Job> {
        if action.is_from_user() {
            // A keypress means the last message has been seen.
            self.message = None;
        }
        match action {
            Action::Quit => self.ask_quit(),
            Action::QuitSave => self.save_and_quit(),
            Action::QuitDiscard => self.quit = self.asking_quit,
            Action::Back => self.back(),
            Action::ToggleHelp => {
                self.show_help = !self.show_help;
                self.help_scroll = 0;
            }
            a if self.show_help && a.is_from_user() => self.scroll_help(&a),
            Action::OpenPeriod => self.period_prompt = Some(self.jobs.period.text()),
            a if self.period_prompt.is_some() && a.is_from_user() => self.period_key(&a),
            Action::NextView => self.view = self.view.next(),
            Action::PrevView => self.view = self.view.prev(),
            Action::ShowView(d) => match View::from_digit(d) {
                Some(v) => self.view = v,
                None => self.message = Some(Status::Info(format!("no view {d} yet"))),
            },
            Action::DataChanged => self.data_changed = true,
            Action::WorkspaceBusy(busy) => self.workspace_busy = busy,
            Action::Reload => self.reload(),
            Action::Resize(w, h) => {
                self.size = (w, h);
                let rows = h.saturating_sub(CHROME_ROWS);
                let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, View::Data);
                self.data.resize(rows, &mut ctx);
            }
            Action::Loaded(loaded) => self.deliver(*loaded),
            Action::Click(x, y) => self.click(x, y),
            Action::ExportChart => {
                self.message = Some(super::export_chart::export(self, &self.export_dir));
            }
            a => self.update_view(a),
        }
        self.load_shown_view();
        // Computed here, not while drawing: rendering never mutates the app.
        match self.view {
            View::Recommendations => recommendations::refresh(&mut self.scenarios),
            View::Value => super::views::value::refresh(&mut self.scenarios),
            View::Scenarios => super::views::scenarios::refresh(&mut self.scenarios),
            _ => {}
        }
        self.jobs.take()
    }

    /// A click on the tab row shows that tab's view; on a row of the WTP, Price sensitivity or
    /// Realization table it selects that row; elsewhere it is not (yet) meaningful.
    fn click(&mut self, x: u16, y: u16) {
        let overlay = self.show_help || self.asking_quit;
        if overlay {
            return;
        }
        if y == 1
            && let Some(v) = super::frame::tab_at(self.view, self.size.0, x)
        {
            self.view = v;
            return;
        }
        let (w, h) = self.size;
        let body = ratatui::layout::Rect::new(0, 2, w, h.saturating_sub(CHROME_ROWS));
        if self.view == View::Realization
            && let Some(hit) = realization::chart_at(body, &self.realization, x, y)
        {
            let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, View::Realization);
            return self.realization.click_chart(hit, &mut ctx);
        }
        let Some((area, boxed)) = self.table_area(body) else {
            return;
        };
        // A boxed table's side borders are not its rows.
        let side = u16::from(boxed);
        let inside = x >= area.x + side && x + side < area.x + area.width;
        let Some(table) = self.table_mut().filter(|t| t.prompt.is_none() && inside) else {
            return;
        };
        let (len, selected) = (table.order().len(), table.selected());
        let row = match boxed {
            true => super::widgets::list::row_at(len, selected, area, y),
            false => super::widgets::list::row_at_open(len, selected, area, y),
        };
        if let Some(row) = row {
            table.select(row);
            // What shows the selection follows it (Realization's charts, the scenario cell).
            self.update_view(Action::Click(x, y));
        }
    }

    /// Where the shown view draws its sorted table in `body`, and whether the table is boxed
    /// (else it has a title rule only, or no border).
    fn table_area(&self, body: ratatui::layout::Rect) -> Option<(ratatui::layout::Rect, bool)> {
        use super::views::{recommendations as recs, scenarios, value, wtp};
        match self.view {
            View::Wtp => Some((wtp::table_area(body), true)),
            View::Psm => Some((super::views::psm::table_area(body), true)),
            View::Realization => Some((realization::table_area(body, &self.realization), true)),
            View::Value => value::table_area(body, &self.scenarios).map(|a| (a, false)),
            View::Recommendations => recs::table_area(body, &self.scenarios).map(|a| (a, false)),
            View::Scenarios => scenarios::table_area(body, &self.scenarios).map(|a| (a, false)),
            View::Evidence => Some((super::views::evidence::table_area(body), true)),
            _ => None,
        }
    }

    /// `q`: closes the help; with unsaved scenario edits asks first; else quits.
    fn ask_quit(&mut self) {
        if self.show_help {
            self.show_help = false;
        } else if self.asking_quit {
            // The question stays until it is answered.
        } else if self.scenarios.session.as_ref().is_some_and(|s| s.dirty) {
            self.asking_quit = true;
        } else {
            self.quit = true;
        }
    }

    /// The quit question's `s`: saves the scenario to its file (a bundled one to a copy under
    /// `scenarios/`), then quits; on an error the app stays, saying why.
    fn save_and_quit(&mut self) {
        if !self.asking_quit {
            return;
        }
        self.asking_quit = false;
        let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, View::Scenarios);
        self.quit = self.scenarios.save_in_place(&mut ctx);
    }

    /// The session's period (`P`), which every job carries.
    pub fn period(&self) -> Period {
        self.jobs.period
    }

    /// Sets the session's period and reads again what depends on it.
    pub fn set_period(&mut self, period: Period) {
        if period != self.jobs.period {
            self.jobs.period = period;
            self.reload();
        }
        self.message = Some(Status::Info(format!(
            "period: {} (Overview and Realization read only its lines)",
            period.label()
        )));
    }

    /// A key while the period prompt is open: editing, Enter sets the period (a period it
    /// cannot read keeps the prompt open, saying why), Esc closes it.
    fn period_key(&mut self, action: &Action) {
        use super::widgets::prompt::{Key, edit};
        let Some(text) = self.period_prompt.as_mut() else {
            return;
        };
        match edit(text, action) {
            Some(Key::Edited) | None if !matches!(action, Action::Back) => {}
            Some(Key::Submit) => match Period::parse(text) {
                Ok(period) => {
                    self.period_prompt = None;
                    self.set_period(period);
                }
                Err(e) => self.message = Some(Status::Error(e)),
            },
            _ => self.period_prompt = None,
        }
    }

    /// The list keys move the help's text while it is open; other keys are not for the view
    /// under it.
    fn scroll_help(&mut self, action: &Action) {
        let page = self.size.1.saturating_sub(4);
        self.help_scroll = match action {
            Action::Up => self.help_scroll.saturating_sub(1),
            Action::Down => self.help_scroll.saturating_add(1),
            Action::PageUp => self.help_scroll.saturating_sub(page),
            Action::PageDown => self.help_scroll.saturating_add(page),
            Action::Home => 0,
            Action::End => u16::MAX,
            _ => self.help_scroll,
        };
    }

    /// Esc: closes the help, the quit question or an open prompt, clears a filter, backs up a
    /// drill-down; it never quits (a stray Esc costs no work).
    fn back(&mut self) {
        if self.show_help {
            self.show_help = false;
        } else if self.asking_quit {
            self.asking_quit = false;
        } else if self.data.prompt.is_some() {
            self.data.prompt = None;
        } else if self.scenarios.prompt.is_some() {
            self.scenarios.prompt = None;
        } else if self.elasticity.prompt.is_some() {
            self.elasticity.prompt = None;
        } else if let Some(t) = self.table_mut().filter(|t| t.prompt.is_some()) {
            t.prompt = None;
        } else if self.view == View::Recommendations && self.scenarios.recs.curve_open {
            let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, View::Recommendations);
            recommendations::update(&mut self.scenarios, Action::Back, &mut ctx);
        } else if self.has_filter() {
            // A filter clears before a drill-down backs up.
            self.update_view(Action::ClearFilter);
        } else if self.view == View::Realization && !self.realization.at_top() {
            let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, View::Realization);
            self.realization.update(Action::Back, &mut ctx);
        } else {
            self.message = Some(Status::Info("Esc goes back; q quits".to_string()));
        }
    }

    /// True when the view on screen shows a filtered table.
    fn has_filter(&self) -> bool {
        match self.view {
            View::Data => !self.data.settings().filter.is_empty(),
            View::Elasticity => !self.elasticity.text.is_empty(),
            _ => self.table().is_some_and(SortedTable::is_filtered),
        }
    }

    /// The sorted and filtered table of the view on screen, for the views that keep one.
    pub fn table(&self) -> Option<&SortedTable> {
        match self.view {
            View::Wtp => Some(&self.wtp.table),
            View::Psm => Some(&self.psm.table),
            View::Value => Some(&self.scenarios.value_table),
            View::Scenarios => Some(&self.scenarios.cells_table),
            View::Evidence => Some(&self.evidence.table),
            View::Recommendations => Some(&self.scenarios.recs.table),
            View::Realization => Some(self.realization.table()),
            _ => None,
        }
    }

    fn table_mut(&mut self) -> Option<&mut SortedTable> {
        match self.view {
            View::Wtp => Some(&mut self.wtp.table),
            View::Psm => Some(&mut self.psm.table),
            View::Value => Some(&mut self.scenarios.value_table),
            View::Scenarios => Some(&mut self.scenarios.cells_table),
            View::Evidence => Some(&mut self.evidence.table),
            View::Recommendations => Some(&mut self.scenarios.recs.table),
            View::Realization => Some(self.realization.table_mut()),
            _ => None,
        }
    }

    /// Forgets what was loaded and asks for it again.
    fn reload(&mut self) {
        self.message = None;
        self.data_changed = false;
        // Realization first: its reads take milliseconds, the Overview's date range scans the
        // transactions, and the worker runs one job at a time.
        let (jobs, message) = (&mut self.jobs, &mut self.message);
        self.realization
            .load(&mut Ctx::new(jobs, message, View::Realization));
        self.overview
            .load(&mut Ctx::new(jobs, message, View::Overview));
        self.data.reload(&mut Ctx::new(jobs, message, View::Data));
        self.scenarios.scan(std::path::Path::new(SCENARIO_DIR));
        // The fits load when their view is shown.
        self.elasticity.reset();
        self.wtp = WtpState::default();
        self.psm = PsmState::default();
        self.evidence = EvidenceState::default();
    }

    /// Hands a key's action to the view on screen.
    fn update_view(&mut self, action: Action) {
        let view = self.view;
        let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, view);
        match view {
            View::Overview => {}
            View::Data => self.data.update(action, &mut ctx),
            View::Elasticity => self.elasticity.update(action, &mut ctx),
            View::Wtp => self.wtp.update(action, &mut ctx),
            View::Psm => self.psm.update(action, &mut ctx),
            View::Evidence => self.evidence.update(action, &mut ctx),
            View::Realization => self.realization.update(action, &mut ctx),
            View::Value | View::Scenarios | View::Recommendations => {
                self.scenarios.update(view, action, &mut ctx)
            }
        }
    }

    /// Hands the worker's answer to the view that asked for it.
    fn deliver(&mut self, loaded: Loaded) {
        let Loaded { seq, asker, answer } = loaded;
        let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, asker);
        match asker {
            View::Overview => {
                self.overview.loaded(seq, answer, &mut ctx);
                // The Realization view names the reporting currency the Overview read.
                let o = self.overview.data.as_ref();
                // It and the other views showing money name the reporting currency the
                // Overview read.
                let currency = o.and_then(|o| o.currency.clone());
                self.realization.guidance.currency = currency.clone();
                self.wtp.currency = currency.clone();
                self.psm.currency = currency.clone();
                self.evidence.currency = currency.clone();
                self.realization.currency = currency;
                self.realization.mixed_units = o.is_some_and(|o| o.mixed_units);
            }
            View::Data => self.data.loaded(seq, answer, &mut ctx),
            View::Elasticity => self.elasticity.loaded(seq, answer, &mut ctx),
            View::Wtp => self.wtp.loaded(seq, answer, &mut ctx),
            View::Psm => self.psm.loaded(seq, answer, &mut ctx),
            View::Evidence => self.evidence.loaded(seq, answer, &mut ctx),
            View::Realization => self.realization.loaded(seq, answer, &mut ctx),
            View::Value | View::Scenarios | View::Recommendations => {
                self.scenarios.loaded(seq, answer, &mut ctx)
            }
        }
    }

    /// The model views fit on first show, on the worker.
    fn load_shown_view(&mut self) {
        let view = self.view;
        let mut ctx = Ctx::new(&mut self.jobs, &mut self.message, view);
        match view {
            View::Elasticity => self.elasticity.ensure_loaded(&mut ctx),
            View::Wtp => self.wtp.ensure_loaded(&mut ctx),
            View::Psm => self.psm.ensure_loaded(&mut ctx),
            View::Evidence => {
                let scenario = self.scenarios.session.as_ref().map(|s| s.path.as_path());
                self.evidence.ensure_loaded(scenario, &mut ctx);
            }
            _ => {}
        }
    }

    /// Which keys apply now.
    pub fn key_context(&self) -> KeyContext {
        KeyContext {
            view: self.view,
            overlay: match (self.asking_quit, self.show_help) {
                (true, _) => Some(Overlay::QuitQuestion),
                (false, true) => Some(Overlay::Help),
                _ => None,
            },
            prompt_open: self.period_prompt.is_some()
                || match self.view {
                    View::Data => self.data.prompt.is_some(),
                    View::Elasticity => self.elasticity.prompt.is_some(),
                    View::Scenarios => {
                        self.scenarios.prompt.is_some()
                            || self.scenarios.cells_table.prompt.is_some()
                    }
                    View::Value | View::Recommendations if self.scenarios.prompt.is_some() => true,
                    _ => self.table().is_some_and(|t| t.prompt.is_some()),
                },
        }
    }

    /// True while a request is out whose answer the app is waiting for.
    pub fn is_loading(&self) -> bool {
        self.work().iter().any(|(text, _)| text.is_some())
    }

    /// Each view's work under way, in the order the status line tells of it, with the view it
    /// is told on (`None`: on every view).
    fn work(&self) -> [(Option<String>, Option<View>); 8] {
        [
            (self.data.busy_text(), None),
            (self.overview.busy_text(), None),
            (self.realization.busy_text(), Some(View::Realization)),
            (self.scenarios.busy_text(), None),
            (self.elasticity.busy_text(), Some(View::Elasticity)),
            (self.wtp.busy_text(), Some(View::Wtp)),
            (self.psm.busy_text(), Some(View::Psm)),
            (self.evidence.busy_text(), Some(View::Evidence)),
        ]
    }

    /// The status line: work under way first, then the last message.
    pub fn status(&self) -> Status {
        if self.workspace_busy {
            // Says why whatever else is loading does not finish.
            return Status::Busy(
                "waiting for another process (an import?) to finish writing to the workspace…"
                    .to_string(),
            );
        }
        let told = self
            .work()
            .into_iter()
            .find_map(|(text, on)| text.filter(|_| on.is_none_or(|v| v == self.view)));
        if let Some(busy) = told {
            return Status::Busy(busy);
        }
        if let Some(message) = &self.message {
            return message.clone();
        }
        if self.data_changed {
            return Status::Info("the workspace changed on disk — press r to reload".to_string());
        }
        let filter = self.table().and_then(SortedTable::describe);
        Status::Info(filter.unwrap_or_else(|| "ready".to_string()))
    }
}
