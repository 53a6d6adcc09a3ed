//! Import problems: what is wrong, where (file, line, column), collected up to a limit.

use std::fmt;

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
            write!(f, ": column '{column}'")?;
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
