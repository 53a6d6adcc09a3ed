//! Everything that can happen to the app, as one semantic enum: keys become these through the
//! keymap, the worker's answers arrive as `Action::Loaded`.

use super::worker::{Loaded, Response};

/// An imperative the app applies in `App::update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Leave the program; with unsaved scenario edits, ask first (save / discard / cancel);
    /// with the help open, close it.
    Quit,
    /// Close the help overlay, the prompt or the quit question, clear a filter or back up a
    /// drill-down. Never quits.
    Back,
    /// Clear the shown table's filter (Ctrl-U; in a prompt: its text).
    ClearFilter,
    /// Answering the quit question: save the edited scenario, then quit.
    QuitSave,
    /// Answering the quit question: drop the edits and quit.
    QuitDiscard,
    ToggleHelp,
    NextView,
    PrevView,
    /// Show the view with this digit (1 Overview, 2 Data, …).
    ShowView(u8),
    /// Reload everything from the workspace.
    Reload,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    NextTable,
    PrevTable,
    CycleSort,
    FlipSort,
    OpenFilter,
    /// `P`: the prompt for the session's period.
    OpenPeriod,
    PromptInput(char),
    PromptBackspace,
    PromptSubmit,
    PromptCancel,
    /// A left click at this column and row of the terminal.
    Click(u16, u16),
    /// The terminal is now this many columns × rows.
    Resize(u16, u16),
    /// A job the worker finished, for the view that asked for it.
    Loaded(Box<Loaded>),
    /// Drill into the selected row (Realization: segment → products → customers;
    /// Recommendations: the row's margin curve).
    Drill,
    /// Move the scenario picker to the next / previous file.
    NextFile,
    PrevFile,
    /// Load the picked scenario file.
    LoadScenario,
    /// Load the picked scenario file as the second of a side-by-side comparison (again: clear).
    CompareScenario,
    /// Open a prompt for a scenario path.
    OpenPath,
    /// Change the selected cell's list price by this many %.
    NudgePrice(i8),
    /// Move the cap of the selected cell's largest discount element by this many points of list.
    NudgeCap(i8),
    Undo,
    /// Save the edited scenario (prompt with its path).
    SaveScenario,
    /// Write the shown view's chart as SVG under exports/ (the report's chart code).
    ExportChart,
    /// Export the recommended price table (prompt with a path under exports/).
    Export,
    /// Recommend one list price per product, or segment × product net-price targets.
    SwitchLevel,
    /// Another process changed the workspace on disk; `r` reloads.
    DataChanged,
    /// The worker is waiting for another process (an import) to finish with the workspace
    /// (true), or has stopped waiting (false).
    WorkspaceBusy(bool),
    /// Fit the elasticities again and store them (Elasticity view).
    Refit,
    /// Show all cells, only `ok` ones, or only flagged ones (Evidence: all cells, or only those
    /// where methods disagree).
    CycleFlagFilter,
    /// Switch the Elasticity view between the cell and the panel model.
    SwitchModel,
    /// Elasticity: fit the cell model on weeks or on months.
    SwitchPeriod,
    /// Elasticity: the price the fit uses, pocket → invoice → list.
    CyclePriceBasis,
    /// Open the Bridge sub-view of Realization (why pocket revenue moved).
    OpenBridge,
    /// Open the Increase sub-view of Realization (how much of each list increase was realized).
    OpenIncrease,
    /// Open (again: close) the Realization view's deal guidance.
    OpenGuidance,
    /// Elasticity: show the selected cell over time (prices, volume, list changes) instead of
    /// its demand curve, or back.
    ToggleTimeChart,
    /// View 7: switch the panel under the table between the selected cell's value ladder and
    /// the value map of its segment × family (price against perceived benefit).
    ToggleValueMap,
}

impl Action {
    /// True for what the user did (a key), false for what happened to the app: an answer, a
    /// notice from the worker, a resize.
    pub fn is_from_user(&self) -> bool {
        !matches!(
            self,
            Action::Loaded(..)
                | Action::WorkspaceBusy(..)
                | Action::DataChanged
                | Action::Resize(..)
        )
    }
}

impl Response {
    /// The action that applies this response to the app.
    pub fn into_action(self) -> Action {
        match self {
            Response::Loaded(loaded) => Action::Loaded(loaded),
            Response::DataChanged => Action::DataChanged,
            Response::WorkspaceBusy(busy) => Action::WorkspaceBusy(busy),
        }
    }
}
