//! Everything that can happen to the app, as one semantic enum: keys become these through the
//! keymap, worker results arrive as the `…Loaded` variants.

use crate::analysis::demand::WtpCells;
use crate::analysis::realization::{ProductCustomers, RealizationRoot, SegmentDetail};
use crate::model::{CellPoints, PsmRow};
use crate::scenario::Prepared;
use crate::store::demand::StoredElasticity;
use crate::store::query::{Overview, Page};

/// An imperative the app applies in `App::update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Leave the program.
    Quit,
    /// Close the help overlay or the prompt if one is open, else quit.
    Back,
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
    PromptInput(char),
    PromptBackspace,
    PromptSubmit,
    PromptCancel,
    /// The terminal is now this many columns × rows.
    Resize(u16, u16),
    OverviewLoaded(u64, Box<Result<Overview, String>>),
    PageLoaded(u64, Box<Result<Page, String>>),
    /// Drill into the selected row (Realization: segment → products → customers).
    Drill,
    RealizationLoaded(u64, Box<Result<RealizationRoot, String>>),
    SegmentDetailLoaded(u64, Box<Result<SegmentDetail, String>>),
    ProductCustomersLoaded(u64, Box<Result<ProductCustomers, String>>),
    ScenarioLoaded(u64, Box<Result<Prepared, String>>),
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
    /// Export the recommended price table (prompt with a path under exports/).
    Export,
    /// Another process changed the workspace on disk; `r` reloads.
    DataChanged,
    /// The worker is waiting for another process (an import) to finish with the workspace
    /// (true), or has stopped waiting (false).
    WorkspaceBusy(bool),
    /// Fit the elasticities again and store them (Elasticity view).
    Refit,
    /// Show all cells, only `ok` ones, or only flagged ones.
    CycleFlagFilter,
    ElasticityLoaded(u64, Box<Result<StoredElasticity, String>>),
    ElasticityPointsLoaded(u64, Box<Result<CellPoints, String>>),
    WtpLoaded(u64, Box<Result<WtpCells, String>>),
    PsmLoaded(u64, Box<Result<Vec<PsmRow>, String>>),
}
