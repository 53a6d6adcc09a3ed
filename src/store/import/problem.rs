//! Import problems: what is wrong, where (file, line, column), collected up to a limit; and
//! how a message quotes a value from a file.

use std::fmt::{self, Write};

/// At most this many problems are kept; the rest are only counted.
pub const MAX_PROBLEMS: usize = 20;

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as named on the command line (or its file name for the bundled sample).
    pub file: String,
    /// 1-based physical line (the header is line 1); 0 when the problem is the whole file.
    pub line: u64,
    /// The column's header name, when the problem is one field.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column {}", quoted(column))?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The problems found so far: the first [`MAX_PROBLEMS`] kept, the rest counted.
#[derive(Debug, Default)]
pub struct Problems {
    pub kept: Vec<Problem>,
    pub more: usize,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(problem);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    pub fn len(&self) -> usize {
        self.kept.len() + self.more
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.kept {
            writeln!(f, "{p}")?;
        }
        if self.more > 0 {
            writeln!(f, "... and {} more problems", self.more)?;
        }
        Ok(())
    }
}

/// The most characters of a value from a file that a message quotes.
pub const QUOTE_CHARS: usize = 40;

/// A value from a file as a message shows it: in single quotes; at most [`QUOTE_CHARS`]
/// characters, then `…` and the value's whole length (`'AAAA…' (1,000,000 bytes)`); control
/// characters and bidi overrides and isolates escaped as `report::escape_for_terminal` does
/// (`\t`, `\u{1b}`), so that no file can move the terminal's cursor, set its title or reorder
/// what a message says, wherever the message is shown.
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(4 * QUOTE_CHARS) + 2);
    out.push('\'');
    for (n, c) in value.chars().enumerate() {
        if n == QUOTE_CHARS {
            let _ = write!(out, "…' ({} bytes)", grouped(value.len()));
            return out;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The bidi overrides and isolates, which reorder the text after them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `1000000` → `1,000,000`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The message for an id met a second time in one import call (with or without `--replace`):
/// `what` is the quoted id, `file` and `line` where it was first.
pub fn appears_twice(what: &str, file: &str, line: u64) -> String {
    format!("{what} appears twice in this import (first at {file}:{line})")
}

/// The message for an id already in the workspace when `--replace` is not given.
pub fn already_exists(what: &str) -> String {
    format!("{what} already exists in the workspace (use --replace to overwrite it)")
}

#[cfg(test)]
mod tests {
    use super::{Problem, quoted};

    #[test]
    fn short_values_are_quoted_whole() {
        assert_eq!(quoted("T0005"), "'T0005'");
        assert_eq!(quoted(""), "''");
        assert_eq!(quoted("Zürich café"), "'Zürich café'");
        assert_eq!(quoted(&"x".repeat(40)), format!("'{}'", "x".repeat(40)));
    }

    #[test]
    fn long_values_are_cut_on_a_char_boundary_with_their_length() {
        assert_eq!(
            quoted(&"A".repeat(1_000_000)),
            format!("'{}…' (1,000,000 bytes)", "A".repeat(40))
        );
        assert_eq!(
            quoted(&"é".repeat(41)),
            format!("'{}…' (82 bytes)", "é".repeat(40))
        );
    }

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(
            quoted("a\u{1b}[31mred\u{7}\r\n\t\u{9b}x"),
            "'a\\u{1b}[31mred\\u{7}\\r\\n\\t\\u{9b}x'"
        );
        assert_eq!(quoted("ab\u{202e}cd\u{2066}"), "'ab\\u{202e}cd\\u{2066}'");
    }

    #[test]
    fn values_are_escaped_as_the_terminal_output_escapes_them() {
        let nasty = [
            "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}",
            "tab\there\r\n",
            "\u{0}\u{7f}\u{85}\u{2069}\u{200e}é",
        ];
        for s in nasty {
            let shown = crate::report::escape_for_terminal(s);
            assert_eq!(quoted(s), format!("'{shown}'"), "{s:?}");
        }
    }

    #[test]
    fn column_names_in_problems_are_quoted_too() {
        let p = Problem {
            file: "t.csv".into(),
            line: 1,
            column: Some(format!("\u{1b}]0;{}", "n".repeat(100))),
            message: "unknown column".into(),
        };
        assert_eq!(
            p.to_string(),
            format!(
                "t.csv:1: column '\\u{{1b}}]0;{}…' (104 bytes): unknown column",
                "n".repeat(36)
            )
        );
    }
}
