//! The app state and `App::update`, the only place it changes. View-specific actions go to each
//! view's own `update`; requests for the worker are returned to the caller as `Job`s.

use super::action::Action;
use super::ctx::{Ctx, Jobs, Status};
use super::keymap::KeyContext;
use super::view::{CHROME_ROWS, View};
use super::views::data::DataState;
use super::views::elasticity::ElasticityState;
use super::views::overview::OverviewState;
use super::views::psm::PsmState;
use super::views::realization::RealizationState;
use super::views::scenarios::{PromptFor, SCENARIO_DIR, ScenarioState};
use super::views::wtp::WtpState;
use super::worker::Job;
use crate::store::Origin;

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    /// "sample data" or the workspace path, for the title bar.
    pub origin_label: String,
    pub view: View,
    pub show_help: bool,
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
    pub message: Option<Status>,
    /// Another process changed the workspace since the last load.
    pub data_changed: bool,
    /// The worker waits for another process to finish writing to the workspace.
    pub workspace_busy: bool,
    jobs: Jobs,
}

impl App {
    /// A fresh app for a workspace of this origin; send `Resize` then `Reload` to start it.
    pub fn new(origin: &Origin) -> App {
        let origin_label = match origin {
            Origin::Sample => "sample data".to_string(),
            Origin::File(path) => path.display().to_string(),
        };
        App {
            origin_label,
            view: View::Overview,
            show_help: false,
            quit: false,
            size: (80, 24),
            overview: OverviewState::default(),
            data: DataState::default(),
            realization: RealizationState::default(),
            scenarios: ScenarioState::default(),
            elasticity: ElasticityState::default(),
            wtp: WtpState::default(),
            psm: PsmState::default(),
            message: None,
            data_changed: false,
            workspace_busy: false,
            jobs: Jobs::default(),
        }
    }

    /// Applies one action; returns the jobs it asks the worker to run.
    pub fn update(&mut self, action: Action) -> Vec<Job> {
        let mut ctx = Ctx {
            jobs: &mut self.jobs,
            message: &mut self.message,
        };
        if !matches!(
            action,
            Action::OverviewLoaded(..)
                | Action::PageLoaded(..)
                | Action::RealizationLoaded(..)
                | Action::SegmentDetailLoaded(..)
                | Action::ProductCustomersLoaded(..)
                | Action::ScenarioLoaded(..)
                | Action::ElasticityLoaded(..)
                | Action::ElasticityPointsLoaded(..)
                | Action::WtpLoaded(..)
                | Action::PsmLoaded(..)
                | Action::WorkspaceBusy(..)
                | Action::DataChanged
                | Action::Resize(..)
        ) {
            // A keypress means the last message has been seen.
            *ctx.message = None;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Back if self.show_help => self.show_help = false,
            Action::Back if self.data.prompt.is_some() => self.data.prompt = None,
            Action::Back if self.scenarios.prompt.is_some() => self.scenarios.prompt = None,
            Action::Back if self.elasticity.prompt.is_some() => self.elasticity.prompt = None,
            Action::Back if self.view == View::Realization && !self.realization.at_top() => {
                self.realization.update(Action::Back, &mut ctx)
            }
            Action::Back => self.quit = true,
            Action::ToggleHelp => self.show_help = !self.show_help,
            Action::NextView => self.view = self.view.next(),
            Action::PrevView => self.view = self.view.prev(),
            Action::ShowView(d) => match View::from_digit(d) {
                Some(v) => self.view = v,
                None => *ctx.message = Some(Status::Info(format!("no view {d} yet"))),
            },
            Action::DataChanged => self.data_changed = true,
            Action::WorkspaceBusy(busy) => self.workspace_busy = busy,
            Action::Reload => {
                *ctx.message = None;
                self.data_changed = false;
                // Realization first: its reads take milliseconds, the Overview's date range
                // scans the transactions, and the worker runs one job at a time.
                self.realization.load(&mut ctx);
                self.overview.load(&mut ctx);
                self.data.reload(&mut ctx);
                self.scenarios.scan(std::path::Path::new(SCENARIO_DIR));
                // The fits load when their view is shown.
                self.elasticity.reset();
                self.wtp = WtpState::default();
                self.psm = PsmState::default();
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                let rows = h.saturating_sub(CHROME_ROWS);
                self.data.resize(rows, &mut ctx);
            }
            a @ Action::OverviewLoaded(..) => self.overview.update(a, &mut ctx),
            a @ Action::PageLoaded(..) => self.data.update(a, &mut ctx),
            a @ (Action::RealizationLoaded(..)
            | Action::SegmentDetailLoaded(..)
            | Action::ProductCustomersLoaded(..)) => self.realization.update(a, &mut ctx),
            a @ Action::ScenarioLoaded(..) => self.scenarios.update(a, &mut ctx),
            a @ (Action::ElasticityLoaded(..) | Action::ElasticityPointsLoaded(..)) => {
                self.elasticity.update(a, &mut ctx)
            }
            a @ Action::WtpLoaded(..) => self.wtp.update(a, &mut ctx),
            a @ Action::PsmLoaded(..) => self.psm.update(a, &mut ctx),
            a => match self.view {
                View::Overview => self.overview.update(a, &mut ctx),
                View::Data => self.data.update(a, &mut ctx),
                View::Elasticity => self.elasticity.update(a, &mut ctx),
                View::Wtp => self.wtp.update(a, &mut ctx),
                View::Psm => self.psm.update(a, &mut ctx),
                View::Realization => self.realization.update(a, &mut ctx),
                View::Value => {
                    self.scenarios.update_shared(&a, &mut ctx);
                }
                View::Scenarios => self.scenarios.update(a, &mut ctx),
                View::Recommendations => match a {
                    Action::Export => self.scenarios.open_prompt(PromptFor::Export, &mut ctx),
                    a => {
                        self.scenarios.update_shared(&a, &mut ctx);
                    }
                },
            },
        }
        self.load_shown_view();
        if self.view == View::Recommendations
            && let Some(s) = self.scenarios.session.as_mut()
        {
            // Computed here, not while drawing: rendering never mutates the app.
            s.recommendations();
        }
        self.jobs.take()
    }

    /// The model views fit on first show, on the worker.
    fn load_shown_view(&mut self) {
        let mut ctx = Ctx {
            jobs: &mut self.jobs,
            message: &mut self.message,
        };
        match self.view {
            View::Elasticity => self.elasticity.ensure_loaded(&mut ctx),
            View::Wtp => self.wtp.ensure_loaded(&mut ctx),
            View::Psm => self.psm.ensure_loaded(&mut ctx),
            _ => {}
        }
    }

    /// Which keys apply now.
    pub fn key_context(&self) -> KeyContext {
        KeyContext {
            view: self.view,
            prompt_open: match self.view {
                View::Data => self.data.prompt.is_some(),
                View::Elasticity => self.elasticity.prompt.is_some(),
                View::Value | View::Scenarios | View::Recommendations => {
                    self.scenarios.prompt.is_some()
                }
                _ => false,
            },
        }
    }

    /// True while a request is out whose answer the app is waiting for.
    pub fn is_loading(&self) -> bool {
        self.overview.loading.is_some()
            || self.data.pending.is_some()
            || self.realization.is_loading()
            || self.scenarios.is_loading()
            || self.elasticity.is_loading()
            || self.wtp.is_loading()
            || self.psm.is_loading()
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
        if let Some(busy) = self.data.busy_text() {
            return Status::Busy(busy.to_string());
        }
        if self.overview.loading.is_some() {
            return Status::Busy("loading overview…".to_string());
        }
        if let Some(busy) = self
            .realization
            .busy_text()
            .filter(|_| self.view == View::Realization)
        {
            return Status::Busy(busy.to_string());
        }
        if let Some(busy) = self.scenarios.busy_text() {
            return Status::Busy(busy);
        }
        let model_busy = match self.view {
            View::Elasticity => self.elasticity.busy_text(),
            View::Wtp => self.wtp.busy_text().map(str::to_string),
            View::Psm => self.psm.busy_text().map(str::to_string),
            _ => None,
        };
        if let Some(busy) = model_busy {
            return Status::Busy(busy);
        }
        if let Some(message) = &self.message {
            return message.clone();
        }
        match self.data_changed {
            true => Status::Info("the workspace changed on disk — press r to reload".to_string()),
            false => Status::Info("ready".to_string()),
        }
    }
}
