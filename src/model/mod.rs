//! Estimators: elasticity, willingness-to-pay, Van Westendorp — pure functions over plain data.

pub mod backtest;
pub mod cells;
pub mod competitor;
pub mod elasticity;
pub mod evidence;
pub mod forecast;
mod normal_equations;
pub mod panel;
pub(crate) mod parallel;
pub mod psm;
pub mod recommend;
pub mod series;
pub mod value;
pub mod wtp;

pub use cells::{
    ALL_SEGMENTS, CellPoints, DemandModel, ElasticityRow, PanelCell, PsmRow, QuoteCell, SurveyCell,
    WtpRow, best_wtp, compute_psm_cells, fit_elasticity_cells, fit_panel_cells, fit_wtp_cells,
};
pub use elasticity::{
    ElasticityFit, Estimate, FitStatus, PeriodPoint, PooledElasticity, SegmentPooling,
    fit_elasticity, pool_elasticities, pool_estimates,
};
pub use panel::{
    CustomerEffect, PanelEstimate, PanelFit, PanelModel, PanelObs, PanelOptions, estimate_panel,
    fit_panel,
};
pub use psm::{
    PsmCurvePoint, PsmIntervals, PsmResult, PsmStatus, SurveyAnswer, bootstrap_psm, compute_psm,
};
pub use wtp::{
    Quote, QuoteCosts, WtpComparison, WtpFit, WtpModel, WtpStatus, fit_wtp, fit_wtp_all,
    fit_wtp_all_costs, fit_wtp_costs,
};
