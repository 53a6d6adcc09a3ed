//! The one keymap table: it turns key events into `Action`s and also writes the footer hints and
//! the `?` help screen, so the three can never disagree (after gitui's key list).

use super::action::Action;
use super::view::View;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Code(KeyCode),
    /// A character, whatever Shift says (`S` arrives as Shift + 'S').
    Char(char),
    Ctrl(char),
    /// Any digit 0–9; the action gets the digit.
    Digit,
    /// Any printable character; the action gets it.
    AnyChar,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// Every view with a list or table: moving its selection.
    List,
    /// Every view whose table sorts and filters with `s`, `S`, `/` (all but Overview and
    /// Scenarios, whose `s` saves: its cell table sorts with `O`).
    Table,
    View(View),
    /// While the filter prompt is open (and nothing else applies then).
    Prompt,
    /// While the `?` help is open (with the list keys, which scroll it).
    Help,
    /// While the app asks what to do with unsaved scenario edits before quitting.
    QuitQuestion,
}

/// What covers the view and takes its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    QuitQuestion,
}

/// One line of the keymap.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the footer and the help.
    pub label: &'static str,
    /// One or two words for the footer.
    pub hint: &'static str,
    /// A sentence for the help screen.
    pub help: &'static str,
    pub action: Action,
    pub scope: Scope,
    pub in_footer: bool,
}

const fn bind(
    keys: &'static [Key],
    label: &'static str,
    hint: &'static str,
    help: &'static str,
    action: Action,
    scope: Scope,
    in_footer: bool,
) -> Binding {
    Binding {
        keys,
        label,
        hint,
        help,
        action,
        scope,
        in_footer,
    }
}

use Key::{Char, Code, Ctrl};
use Scope::{Global, Help, List, Prompt, QuitQuestion, Table};
const DATA: Scope = Scope::View(View::Data);
const REAL: Scope = Scope::View(View::Realization);
const SCEN: Scope = Scope::View(View::Scenarios);
const RECS: Scope = Scope::View(View::Recommendations);
const ELAS: Scope = Scope::View(View::Elasticity);
const WTP: Scope = Scope::View(View::Wtp);
const PSM: Scope = Scope::View(View::Psm);
const EVID: Scope = Scope::View(View::Evidence);
const VALUE: Scope = Scope::View(View::Value);

/// Every key binding, in the order the help screen lists them.
#[rustfmt::skip]
pub static KEYMAP: &[Binding] = &[
    bind(&[Char('?')], "?", "help", "show or hide this help", Action::ToggleHelp, Global, true),
    bind(&[Char('q')], "q", "quit", "quit (asks first when a scenario has unsaved edits)", Action::Quit, Global, true),
    bind(&[Ctrl('c')], "Ctrl-C", "quit", "quit from anywhere (asks like q)", Action::Quit, Global, false),
    bind(&[Code(KeyCode::Esc)], "Esc", "back", "close, clear the filter or back up; never quits", Action::Back, Global, false),
    bind(&[Ctrl('u')], "Ctrl-U", "clear", "clear the table's filter", Action::ClearFilter, Global, false),
    bind(&[Code(KeyCode::Tab)], "Tab", "next view", "next view", Action::NextView, Global, true),
    bind(&[Code(KeyCode::BackTab)], "S-Tab", "prev view", "previous view", Action::PrevView, Global, false),
    bind(&[Key::Digit], "0-9", "view", "go to view by number (0: Evidence)", Action::ShowView(0), Global, false),
    bind(&[Char('P')], "P", "period", "set the session's period (a day, 2024-05, 2024-Q3, 2024, or A..B; empty: all dates): Overview and Realization read only its lines", Action::OpenPeriod, Global, true),
    bind(&[Char('x')], "x", "chart svg", "write the view's chart as SVG under exports/ (Realization, Elasticity, WTP, Price sensitivity, Value)", Action::ExportChart, Global, false),
    bind(&[Char('r')], "r", "reload", "reload everything from the workspace (R refits a model view)", Action::Reload, Global, true),
    bind(&[Code(KeyCode::Up), Char('k')], "↑/k", "up", "previous row", Action::Up, List, false),
    bind(&[Code(KeyCode::Down), Char('j')], "↓/j", "down", "next row", Action::Down, List, true),
    bind(&[Code(KeyCode::PageUp)], "PgUp", "page up", "a page up", Action::PageUp, List, false),
    bind(&[Code(KeyCode::PageDown), Char(' ')], "PgDn", "page", "a page down", Action::PageDown, List, false),
    bind(&[Code(KeyCode::Home), Char('g')], "Home/g", "first", "first row", Action::Home, List, false),
    bind(&[Code(KeyCode::End), Char('G')], "End/G", "last", "last row", Action::End, List, false),
    bind(&[Char('s')], "s", "sort", "sort by the next column (after the last: the table's own order)", Action::CycleSort, Table, true),
    bind(&[Char('S')], "S", "flip", "flip the sort direction", Action::FlipSort, Table, false),
    bind(&[Char('/')], "/", "filter", "filter rows: the ids and names that contain the text (Enter applies; Esc or Ctrl-U clears)", Action::OpenFilter, Table, true),
    bind(&[Code(KeyCode::Left), Char('h')], "←/h", "left", "scroll columns left", Action::Left, DATA, false),
    bind(&[Code(KeyCode::Right), Char('l')], "→/l", "right", "scroll columns right", Action::Right, DATA, false),
    bind(&[Char(']'), Char('t')], "]/t", "table", "next table", Action::NextTable, DATA, true),
    bind(&[Char('[')], "[", "prev table", "previous table", Action::PrevTable, DATA, false),
    bind(&[Code(KeyCode::Enter), Char('l'), Code(KeyCode::Right)], "Enter/l", "drill", "drill down: segment → its products → their customers", Action::Drill, REAL, true),
    bind(&[Code(KeyCode::Esc)], "Esc", "up", "back up a level", Action::Back, REAL, true),
    bind(&[Char('h'), Code(KeyCode::Left)], "h/←", "up", "back up a level", Action::Left, REAL, false),
    bind(&[Char('b')], "b", "bridge", "price-volume-mix bridge: last 12 months against the 12 before (Esc closes)", Action::OpenBridge, REAL, true),
    bind(&[Char('i')], "i", "increase", "list-price increases: how much reached the pocket, who leaked (Esc closes)", Action::OpenIncrease, REAL, true),
    bind(&[Char('d')], "d", "guidance", "deal guidance: floor / target / stretch per cell, customers below the floor (Enter), quotes on the corridor; d again closes", Action::OpenGuidance, REAL, true),
    bind(&[Char('n')], "n", "next file", "pick the next scenario file", Action::NextFile, SCEN, false),
    bind(&[Char('p')], "p", "prev file", "pick the previous scenario file", Action::PrevFile, SCEN, false),
    bind(&[Code(KeyCode::Enter)], "Enter", "load", "load the picked scenario file", Action::LoadScenario, SCEN, true),
    bind(&[Char('c')], "c", "compare", "load the picked file as the comparison (again: clear it)", Action::CompareScenario, SCEN, false),
    bind(&[Char('o')], "o", "open", "open a scenario file by path", Action::OpenPath, SCEN, false),
    bind(&[Char('+'), Char('=')], "+", "+1%", "raise the cell's list price 1%", Action::NudgePrice(1), SCEN, true),
    bind(&[Char('-')], "-", "-1%", "lower the cell's list price 1%", Action::NudgePrice(-1), SCEN, true),
    bind(&[Char('>')], ">", "+5%", "raise the cell's list price 5%", Action::NudgePrice(5), SCEN, false),
    bind(&[Char('<')], "<", "-5%", "lower the cell's list price 5%", Action::NudgePrice(-5), SCEN, false),
    bind(&[Char('[')], "[", "cap -1", "cap the cell's largest discount 1 point of list lower", Action::NudgeCap(-1), SCEN, false),
    bind(&[Char(']')], "]", "cap +1", "loosen that cap by 1 point of list", Action::NudgeCap(1), SCEN, false),
    bind(&[Char('u')], "u", "undo", "undo the last edit", Action::Undo, SCEN, true),
    bind(&[Char('s')], "s", "save", "save the edited scenario as TOML", Action::SaveScenario, SCEN, true),
    bind(&[Char('O')], "O", "order", "sort the cell table by the next column (s saves here; after the last column: the table's own order)", Action::CycleSort, SCEN, false),
    bind(&[Char('S')], "S", "flip", "flip the sort direction", Action::FlipSort, SCEN, false),
    bind(&[Char('/')], "/", "filter", "filter cells: the segment and product ids that contain the text (Enter applies; Esc or Ctrl-U clears)", Action::OpenFilter, SCEN, true),
    bind(&[Code(KeyCode::Enter)], "Enter", "curve", "the selected row's pocket margin over price: today, optimum, bounds, recommendation", Action::Drill, RECS, true),
    bind(&[Code(KeyCode::Esc)], "Esc", "back", "close the margin curve", Action::Back, RECS, false),
    bind(&[Char('L')], "L", "level", "switch level: one list price per product / segment net-price targets", Action::SwitchLevel, RECS, true),
    bind(&[Char('e')], "e", "export", "export the level's table as CSV, provenance beside it (path prompt)", Action::Export, RECS, true),
    bind(&[Code(KeyCode::Enter)], "Enter", "apply", "apply the filter or path", Action::PromptSubmit, Prompt, true),
    bind(&[Code(KeyCode::Esc)], "Esc", "cancel", "cancel the prompt", Action::PromptCancel, Prompt, true),
    bind(&[Char('f')], "f", "flags", "show all cells, ok cells, or flagged cells", Action::CycleFlagFilter, ELAS, true),
    bind(&[Char('R')], "R", "refit", "fit every cell again and store the results", Action::Refit, ELAS, true),
    bind(&[Char('m')], "m", "model", "switch between the cell model (log-log OLS per cell) and the panel model (customer fixed effects)", Action::SwitchModel, ELAS, true),
    bind(&[Char('w')], "w", "week/month", "fit the cell model on weeks or on months", Action::SwitchPeriod, ELAS, false),
    bind(&[Char('p')], "p", "price", "fit on the pocket, invoice or list price", Action::CyclePriceBasis, ELAS, false),
    bind(&[Char('t')], "t", "time", "the selected cell over time: price and list price per unit, units, list-price changes marked (t again: the demand curve)", Action::ToggleTimeChart, ELAS, true),
    bind(&[Char('R')], "R", "refit", "fit every cell's quotes again", Action::Refit, WTP, true),
    bind(&[Char('R')], "R", "recompute", "read the survey answers again", Action::Refit, PSM, true),
    bind(&[Char('m')], "m", "map", "the value map of the selected cell's segment × family: our products and the competitors' at price against perceived benefit, with the value-equivalence line (m again: the cell's value ladder)", Action::ToggleValueMap, VALUE, true),
    bind(&[Char('f')], "f", "disagree", "show all cells, or only those where methods disagree", Action::CycleFlagFilter, EVID, true),
    bind(&[Char('R')], "R", "recompute", "compute every method for every cell again", Action::Refit, EVID, true),
    bind(&[Code(KeyCode::Backspace)], "Bksp", "delete", "delete a character", Action::PromptBackspace, Prompt, false),
    bind(&[Ctrl('u')], "Ctrl-U", "clear", "clear the typed text", Action::ClearFilter, Prompt, false),
    bind(&[Code(KeyCode::Esc), Char('q')], "Esc/q", "close", "close the help", Action::Back, Help, true),
    bind(&[Char('?')], "?", "close", "close the help", Action::ToggleHelp, Help, false),
    bind(&[Char('s')], "s", "save+quit", "save the edited scenario to its file, then quit", Action::QuitSave, QuitQuestion, true),
    bind(&[Char('d')], "d", "discard+quit", "drop the edits and quit", Action::QuitDiscard, QuitQuestion, true),
    bind(&[Code(KeyCode::Esc), Char('c')], "Esc/c", "cancel", "stay in pricebench", Action::Back, QuitQuestion, true),
    bind(&[Key::AnyChar], "text", "type", "type the filter text", Action::PromptInput(' '), Prompt, false),
];

/// What decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyContext {
    pub view: View,
    /// The help or the quit question, which take every key.
    pub overlay: Option<Overlay>,
    pub prompt_open: bool,
}

impl KeyContext {
    /// The scopes whose bindings apply, in the order the footer shows them.
    fn scopes(self) -> Vec<Scope> {
        match (self.overlay, self.prompt_open) {
            (Some(Overlay::QuitQuestion), _) => vec![Scope::QuitQuestion],
            (Some(Overlay::Help), _) => vec![Scope::Help, Scope::List],
            (None, true) => vec![Scope::Prompt],
            (None, false) => [view_scopes(self.view), vec![Scope::Global]].concat(),
        }
    }
}

/// A view's own scopes: the list's keys when it shows a list or table, then its own.
fn view_scopes(view: View) -> Vec<Scope> {
    match view {
        View::Overview => vec![Scope::View(view)],
        // Scenarios' `s` saves: its table sorts with its own `O`.
        View::Scenarios => vec![Scope::List, Scope::View(view)],
        _ => vec![Scope::List, Scope::Table, Scope::View(view)],
    }
}

/// True when `view`'s table sorts (`s`, `S`) and filters (`/`).
pub fn sorts(view: View) -> bool {
    view_scopes(view).contains(&Scope::Table)
}

/// The action a key press means in `ctx`, if any.
pub fn action_for(key: &KeyEvent, ctx: KeyContext) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    ctx.scopes().into_iter().find_map(|scope| {
        KEYMAP
            .iter()
            .filter(|b| b.scope == scope)
            .find_map(|b| b.keys.iter().find_map(|k| matches(*k, key, &b.action)))
    })
}

fn matches(k: Key, ev: &KeyEvent, action: &Action) -> Option<Action> {
    // Alt chords are not ours (and Esc typed fast before a key arrives as Alt + key).
    let ctrl = ev
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match (k, ev.code) {
        (Key::Code(code), c) if code == c && !ctrl => Some(action.clone()),
        (Key::Char(ch), KeyCode::Char(c)) if ch == c && !ctrl => Some(action.clone()),
        (Key::Ctrl(ch), KeyCode::Char(c))
            if ch == c && ev.modifiers.contains(KeyModifiers::CONTROL) =>
        {
            Some(action.clone())
        }
        (Key::Digit, KeyCode::Char(c @ '0'..='9')) if !ctrl => {
            Some(Action::ShowView(c as u8 - b'0'))
        }
        (Key::AnyChar, KeyCode::Char(c)) if !ctrl => Some(Action::PromptInput(c)),
        _ => None,
    }
}

/// `(keys, hint)` pairs for the footer in `ctx`.
pub fn footer(ctx: KeyContext) -> Vec<(&'static str, &'static str)> {
    ctx.scopes()
        .into_iter()
        .flat_map(|scope| {
            KEYMAP
                .iter()
                .filter(move |b| b.scope == scope && b.in_footer)
        })
        .map(|b| (b.label, b.hint))
        .collect()
}

/// The help screen for `view`: its own keys first (with the list's where it has a list), then
/// the ones that work everywhere, the prompt's, and every other view's, as
/// `(section, [(keys, help)])` groups.
pub fn help(view: View) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    let mut sections = vec![
        (format!("{} · this view", view.title()), view_scopes(view)),
        ("Everywhere".to_string(), vec![Scope::Global]),
        ("Filter and path prompts".to_string(), vec![Scope::Prompt]),
    ];
    sections.extend(
        View::ALL
            .iter()
            .filter(|v| **v != view)
            .map(|v| (v.title().to_string(), vec![Scope::View(*v)])),
    );
    sections
        .into_iter()
        .map(|(name, scopes)| {
            let lines: Vec<_> = scopes
                .iter()
                .flat_map(|scope| KEYMAP.iter().filter(move |b| b.scope == *scope))
                .map(|b| (b.label, b.help))
                .collect();
            (name, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn press(code: KeyCode, modifiers: KeyModifiers, ctx: KeyContext) -> Option<Action> {
        action_for(&KeyEvent::new(code, modifiers), ctx)
    }

    const DATA_CTX: KeyContext = KeyContext {
        view: View::Data,
        overlay: None,
        prompt_open: false,
    };

    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                let clash = a.scope == b.scope && a.keys.iter().any(|k| b.keys.contains(k));
                assert!(!clash, "{} and {} share a key", a.help, b.help);
            }
        }
    }

    #[test]
    fn no_view_binds_a_key_of_the_list() {
        let list = KEYMAP.iter().filter(|b| b.scope == Scope::List);
        for l in list {
            for b in KEYMAP.iter().filter(|b| matches!(b.scope, Scope::View(_))) {
                let clash = b.keys.iter().any(|k| l.keys.contains(k));
                assert!(!clash, "{} and {} share a key", b.help, l.help);
            }
        }
    }

    #[test]
    fn no_sorting_view_binds_a_key_of_the_table() {
        let table: Vec<&Binding> = KEYMAP.iter().filter(|b| b.scope == Table).collect();
        for view in View::ALL.iter().filter(|v| sorts(**v)) {
            for b in KEYMAP.iter().filter(|b| b.scope == Scope::View(*view)) {
                for t in &table {
                    let clash = b.keys.iter().any(|k| t.keys.contains(k));
                    assert!(!clash, "{view:?}: {} and {} share a key", b.help, t.help);
                }
            }
        }
    }

    #[test]
    fn every_table_view_sorts_and_filters_with_the_same_keys() {
        let plain = KeyModifiers::NONE;
        for view in [
            View::Data,
            View::Elasticity,
            View::Wtp,
            View::Psm,
            View::Realization,
            View::Value,
            View::Recommendations,
            View::Evidence,
        ] {
            let ctx = KeyContext {
                view,
                overlay: None,
                prompt_open: false,
            };
            assert_eq!(
                press(KeyCode::Char('s'), plain, ctx),
                Some(Action::CycleSort)
            );
            let shift = KeyModifiers::SHIFT;
            assert_eq!(
                press(KeyCode::Char('S'), shift, ctx),
                Some(Action::FlipSort)
            );
            assert_eq!(
                press(KeyCode::Char('/'), plain, ctx),
                Some(Action::OpenFilter)
            );
            let ctrl = KeyModifiers::CONTROL;
            assert_eq!(
                press(KeyCode::Char('u'), ctrl, ctx),
                Some(Action::ClearFilter)
            );
            assert!(footer(ctx).contains(&("/", "filter")), "{view:?}");
            assert!(help(view)[0].1.iter().any(|(k, _)| *k == "s"), "{view:?}");
        }
        // Scenarios keeps `s` for save.
        let scen = KeyContext {
            view: View::Scenarios,
            overlay: None,
            prompt_open: false,
        };
        let s = press(KeyCode::Char('s'), KeyModifiers::NONE, scen);
        assert_eq!(s, Some(Action::SaveScenario));
        // …and sorts its cell table with O, flips with S, filters with /.
        let shift = KeyModifiers::SHIFT;
        assert_eq!(
            press(KeyCode::Char('O'), shift, scen),
            Some(Action::CycleSort)
        );
        assert_eq!(
            press(KeyCode::Char('S'), shift, scen),
            Some(Action::FlipSort)
        );
        assert_eq!(
            press(KeyCode::Char('/'), KeyModifiers::NONE, scen),
            Some(Action::OpenFilter)
        );
        assert!(footer(scen).contains(&("/", "filter")));
    }

    #[test]
    fn keys_map_to_actions_by_context() {
        let shift = KeyModifiers::SHIFT;
        assert_eq!(
            press(KeyCode::Char('S'), shift, DATA_CTX),
            Some(Action::FlipSort)
        );
        assert_eq!(
            press(KeyCode::BackTab, shift, DATA_CTX),
            Some(Action::PrevView)
        );
        assert_eq!(
            press(KeyCode::Char('2'), KeyModifiers::NONE, DATA_CTX),
            Some(Action::ShowView(2))
        );
        assert_eq!(
            press(KeyCode::Char('j'), KeyModifiers::NONE, DATA_CTX),
            Some(Action::Down)
        );
        let overview = KeyContext {
            view: View::Overview,
            overlay: None,
            prompt_open: false,
        };
        assert_eq!(
            press(KeyCode::Char('s'), KeyModifiers::NONE, overview),
            None
        );
        let prompt = KeyContext {
            view: View::Data,
            overlay: None,
            prompt_open: true,
        };
        assert_eq!(
            press(KeyCode::Char('q'), KeyModifiers::NONE, prompt),
            Some(Action::PromptInput('q'))
        );
        assert_eq!(
            press(KeyCode::Esc, KeyModifiers::NONE, prompt),
            Some(Action::PromptCancel)
        );
        assert_eq!(
            press(KeyCode::Char('c'), KeyModifiers::CONTROL, prompt),
            Some(Action::Quit)
        );
    }

    #[test]
    fn footer_and_help_come_from_the_table() {
        let hints = footer(DATA_CTX);
        assert!(hints.contains(&("/", "filter")) && hints.contains(&("q", "quit")));
        let sections: Vec<String> = help(View::Scenarios).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            sections,
            [
                "Scenarios · this view",
                "Everywhere",
                "Filter and path prompts",
                "Data",
                "Elasticity",
                "Willingness-to-pay",
                "Price sensitivity",
                "Realization",
                "Value",
                "Recommendations",
                "Evidence"
            ]
        );
    }
}
