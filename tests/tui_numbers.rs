//! Numbers a reader can trust at 80×24 and up: every view (with a scenario loaded and a
//! comparison) rendered at 80×24, 100×30 and 200×50 shows no number cut short (`120,96`,
//! `2,214.`), every box closed (its sides run unbroken from corner to corner), and a tab label
//! for every view.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::tui::action::Action;
use pricebench::tui::view::View;
use support::Harness;

const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (200, 50)];

/// The numbers on a line: runs of digits with their separators, sign and unit.
fn numbers(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joins = c.is_ascii_digit()
            || (c == '.' && !cur.is_empty())
            // A comma before a space separates a list ("[-5.514, -3.137]").
            || (c == ',' && !cur.is_empty() && chars.get(i + 1).is_some_and(|n| *n != ' '))
            || (c == '-'
                && cur.is_empty()
                && !(i > 0 && chars[i - 1].is_alphanumeric())
                && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if joins {
            cur.push(c);
        } else if !cur.is_empty() {
            // A digit run glued to letters is an id (P0001, SEG-DIS), not a number.
            let before = chars[..i - cur.chars().count()].last().copied();
            let id = before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == '-')
                || c.is_alphanumeric() && !matches!(c, 'k' | 'M' | 'B' | 'T' | 'e' | 'x');
            if !id {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Why `n` cannot be a whole number as printed (thousands groups of three, no dangling
/// separator), or `None`.
fn cut(n: &str) -> Option<&'static str> {
    let body = n.trim_start_matches('-');
    let body = body.trim_end_matches('.');
    if n.ends_with(',') {
        return Some("ends in a thousands separator");
    }
    if n.trim_end_matches('.') != n && !n.ends_with("..") && n.len() > 1 {
        // "2,214." — a decimal point with its digits cut off (a sentence's full stop follows
        // a space-free word only in prose, which has no digits before it in these views).
        return Some("ends in a decimal point");
    }
    let int = body.split('.').next().unwrap_or_default();
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() > 1 {
        if groups[0].is_empty() || groups[0].len() > 3 {
            return Some("first thousands group");
        }
        if groups[1..].iter().any(|g| g.len() != 3) {
            return Some("a thousands group is not three digits");
        }
    }
    None
}

/// Every box's vertical sides run unbroken between its corners.
fn broken_border(screen: &[Vec<char>]) -> Option<(usize, usize)> {
    for (y, row) in screen.iter().enumerate() {
        for (x, &c) in row.iter().enumerate() {
            let (side, bottom) = match c {
                '┌' => ('│', '└'),
                '┐' => ('│', '┘'),
                _ => continue,
            };
            let mut yy = y + 1;
            loop {
                let Some(&below) = screen.get(yy).and_then(|r| r.get(x)) else {
                    return Some((x, y));
                };
                if below == bottom {
                    break;
                }
                // A side may meet another box's corner or a tee (├ ┤) on the way.
                if below != side && !matches!(below, '├' | '┤' | '┼' | '┬' | '┴') {
                    return Some((x, yy));
                }
                yy += 1;
            }
        }
    }
    None
}

fn check(h: &Harness, what: &str) {
    let screen = h.screen();
    let grid: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    for line in screen.lines() {
        for n in numbers(line) {
            if let Some(why) = cut(&n) {
                panic!("{what}: '{n}' looks cut ({why}) in line\n{line}\n\n{screen}");
            }
        }
    }
    if let Some((x, y)) = broken_border(&grid) {
        panic!("{what}: a box side is broken at column {x}, row {y}:\n{screen}");
    }
    let tabs = screen.lines().nth(1).unwrap_or_default();
    for v in View::ALL {
        assert!(
            tabs.contains(&format!("{} {}", v.digit(), v.short_title()))
                || tabs.contains(&format!("{} {}", v.digit(), v.tab_title())),
            "{what}: no tab for view {}:\n{tabs}",
            v.digit()
        );
    }
}

#[test]
fn the_checks_catch_cut_numbers_and_broken_boxes() {
    assert_eq!(
        numbers("TOTAL 504,48 │ 2,214. P0001 SEG-DIS 12.5% 1.2M [-5.5, -3.1]"),
        ["504,48", "2,214.", "12.5", "1.2", "-5.5", "-3.1"]
    );
    assert!(cut("120,96").is_some() && cut("2,214.").is_some() && cut("1234,567").is_some());
    assert!(cut("120,965").is_none() && cut("-2,305.50").is_none() && cut("0.75").is_none());
    let grid =
        |rows: &[&str]| -> Vec<Vec<char>> { rows.iter().map(|r| r.chars().collect()).collect() };
    assert_eq!(broken_border(&grid(&["┌─┐", "│ │", "└─┘"])), None);
    assert_eq!(broken_border(&grid(&["┌─┐", "│ T", "└─┘"])), Some((2, 1)));
}

#[test]
fn every_view_shows_whole_numbers_and_closed_boxes_at_80x24_and_up() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = Harness::with(ws, false, 100, 30);
    // A scenario and a comparison, so that views 7–9 show their tables.
    h.send(&[Action::ShowView(8), Action::NextFile, Action::LoadScenario]);
    h.send(&[Action::NextFile, Action::CompareScenario]);
    assert!(h.app.scenarios.session.is_some() && h.app.scenarios.compare.is_some());
    for v in View::ALL {
        h.send(&[Action::ShowView(v.digit())]);
        for (w, ht) in SIZES {
            h.send(&[Action::Resize(w, ht)]);
            check(&h, &format!("{v:?} at {w}x{ht}"));
            h.send(&[Action::Down, Action::Down]);
            check(&h, &format!("{v:?} at {w}x{ht}, two rows down"));
        }
    }
}

#[test]
fn the_elasticity_time_chart_shows_whole_numbers_on_weeks_and_months() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(3), Action::ToggleTimeChart]);
    for period in ["week", "month"] {
        for (w, ht) in SIZES {
            h.send(&[Action::Resize(w, ht)]);
            let screen = h.screen();
            assert!(screen.contains(&format!("units per {period}")), "{screen}");
            assert!(screen.contains("List price changes"), "{screen}");
            check(&h, &format!("time chart per {period} at {w}x{ht}"));
        }
        h.send(&[Action::SwitchPeriod]);
    }
}
