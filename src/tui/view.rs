//! The views as one enum, in PRODUCT.md's order: their titles, digits and tab order (after
//! ratatui's demo2 `Tab`). A new view is a variant here plus a file in `views/`.

/// Rows the frame takes around a view's body: title, tabs, status, footer.
pub const CHROME_ROWS: u16 = 4;

/// The views, in PRODUCT.md's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Overview,
    Data,
    Elasticity,
    Wtp,
    Psm,
    Realization,
    Value,
    Scenarios,
    Recommendations,
    Evidence,
}

impl View {
    /// Every view that exists, in tab order.
    pub const ALL: &'static [View] = &[
        View::Overview,
        View::Data,
        View::Elasticity,
        View::Wtp,
        View::Psm,
        View::Realization,
        View::Value,
        View::Scenarios,
        View::Recommendations,
        View::Evidence,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Data => "Data",
            View::Elasticity => "Elasticity",
            View::Wtp => "Willingness-to-pay",
            View::Psm => "Price sensitivity",
            View::Realization => "Realization",
            View::Value => "Value",
            View::Scenarios => "Scenarios",
            View::Recommendations => "Recommendations",
            View::Evidence => "Evidence",
        }
    }

    /// The short name on the tab bar (the full title is in the help).
    pub fn tab_title(self) -> &'static str {
        match self {
            View::Wtp => "WTP",
            View::Psm => "Sensitivity",
            v => v.title(),
        }
    }

    /// The shortest name on the tab bar, for a narrow terminal (at most five letters).
    pub fn short_title(self) -> &'static str {
        match self {
            View::Overview => "Over",
            View::Data => "Data",
            View::Elasticity => "Elast",
            View::Wtp => "WTP",
            View::Psm => "Sens",
            View::Realization => "Real",
            View::Value => "Value",
            View::Scenarios => "Scen",
            View::Recommendations => "Recs",
            View::Evidence => "Evid",
        }
    }

    /// The digit that shows this view (fixed by the product, so views added later keep theirs;
    /// the tenth is 0, as on the keyboard's digit row).
    /// True for the views whose numbers come from the session's period (`P`): the Overview
    /// and Realization (with its bridge, increase and guidance). The others say they keep every
    /// date: the Data view shows the tables as stored, and the fitted models, the survey and the
    /// scenarios' baselines use their own history.
    pub fn follows_period(self) -> bool {
        matches!(self, View::Overview | View::Realization)
    }

    pub fn digit(self) -> u8 {
        match self {
            View::Overview => 1,
            View::Data => 2,
            View::Elasticity => 3,
            View::Wtp => 4,
            View::Psm => 5,
            View::Realization => 6,
            View::Value => 7,
            View::Scenarios => 8,
            View::Recommendations => 9,
            View::Evidence => 0,
        }
    }

    pub fn from_digit(digit: u8) -> Option<View> {
        View::ALL.iter().copied().find(|v| v.digit() == digit)
    }

    /// The view's place in tab order.
    pub fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    /// The next view, wrapping around.
    pub fn next(self) -> View {
        View::ALL[(self.index() + 1) % View::ALL.len()]
    }

    /// The previous view, wrapping around.
    pub fn prev(self) -> View {
        View::ALL[(self.index() + View::ALL.len() - 1) % View::ALL.len()]
    }
}
