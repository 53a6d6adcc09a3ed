//! The HTML report as a document: sections of facts, tables (the commands' own [`Report`]s,
//! shown in the table format's numbers) and charts (inline SVG from [`crate::chart`]), written
//! as ONE self-contained file — inline CSS, no script, no external asset — that prints cleanly
//! to PDF. Every piece of text is escaped here; the SVG comes escaped from plotters.

use crate::report::{Cell, Report};
use std::fmt::Write;

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub title: String,
    /// One line under the title (workspace and period).
    pub subtitle: String,
    pub sections: Vec<Section>,
}

/// A titled part of the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    /// The anchor (`id`) and the table of contents' link.
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// What a section holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of plain text.
    Text(String),
    /// Name–value pairs shown as a grid of cards.
    Facts(Vec<(String, String)>),
    /// A table with its caption.
    Table { caption: String, report: Report },
    /// A chart: `name` identifies it (`data-chart`), `svg` is a whole `<svg>` document.
    Chart { name: String, svg: String },
}

impl Section {
    /// An empty section.
    pub fn new(id: &str, title: &str) -> Section {
        Section {
            id: id.to_string(),
            title: title.to_string(),
            blocks: Vec::new(),
        }
    }

    pub fn text(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Text(text.into()));
    }

    pub fn table(&mut self, caption: impl Into<String>, report: Report) {
        self.blocks.push(Block::Table {
            caption: caption.into(),
            report,
        });
    }

    pub fn chart(&mut self, name: impl Into<String>, svg: String) {
        self.blocks.push(Block::Chart {
            name: name.into(),
            svg,
        });
    }
}

impl Document {
    /// How many charts the document holds.
    pub fn charts(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter(|b| matches!(b, Block::Chart { .. }))
            .count()
    }

    /// The document as one HTML5 file.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(1 << 16);
        let title = escape(&self.title);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <header><h1>{title}</h1><p class=\"subtitle\">{}</p></header>\n<nav><ol>",
            escape(&self.subtitle)
        );
        for s in &self.sections {
            let _ = write!(
                out,
                "<li><a href=\"#{}\">{}</a></li>",
                escape(&s.id),
                escape(&s.title)
            );
        }
        out.push_str("</ol></nav>\n<main>\n");
        for s in &self.sections {
            render_section(&mut out, s);
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

fn render_section(out: &mut String, s: &Section) {
    let _ = write!(
        out,
        "<section id=\"{}\">\n<h2>{}</h2>\n",
        escape(&s.id),
        escape(&s.title)
    );
    let mut in_charts = false;
    for b in &s.blocks {
        let chart = matches!(b, Block::Chart { .. });
        if chart != in_charts {
            out.push_str(if chart {
                "<div class=\"charts\">\n"
            } else {
                "</div>\n"
            });
            in_charts = chart;
        }
        match b {
            Block::Text(t) => {
                let _ = writeln!(out, "<p>{}</p>", escape(t));
            }
            Block::Facts(facts) => {
                out.push_str("<dl class=\"facts\">");
                for (k, v) in facts {
                    let _ = write!(
                        out,
                        "<div><dt>{}</dt><dd>{}</dd></div>",
                        escape(k),
                        escape(v)
                    );
                }
                out.push_str("</dl>\n");
            }
            Block::Table { caption, report } => render_table(out, caption, report),
            Block::Chart { name, svg } => {
                let _ = writeln!(
                    out,
                    "<figure class=\"chart\" data-chart=\"{}\">\n{}</figure>",
                    escape(name),
                    strip_xml_declaration(svg)
                );
            }
        }
    }
    if in_charts {
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(svg, |i| rest[i + 2..].trim_start()),
        None => svg,
    }
}

/// A report as an HTML table: numbers as the table format prints them (thousands
/// separators, never NaN or inf), right-aligned.
fn render_table(out: &mut String, caption: &str, report: &Report) {
    out.push_str("<div class=\"table\"><table>");
    let _ = write!(out, "<caption>{}</caption><thead><tr>", escape(caption));
    for c in &report.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &report.rows {
        out.push_str("<tr>");
        for cell in row {
            let class = match cell {
                Cell::Int(_) | Cell::Num { .. } => " class=\"num\"",
                _ => "",
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell.display()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// `text` with `& < > " '` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_quoted_attribute(text)
}

const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #5f6b7a; --rule: #d8dee6; --accent: #1F4E79; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.4; }
header h1 { margin: 0; color: var(--accent); }
.subtitle { color: var(--muted); margin-top: 4px; }
nav ol { columns: 3; font-size: 14px; }
section { margin-top: 32px; }
h2 { border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px; }
.facts div { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 10px; }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 2px 0 0; font-size: 18px; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
figure.chart { flex: 1 1 calc(50% - 12px); min-width: 360px; max-width: 760px; margin: 0; }
figure.chart svg { width: 100%; height: auto; }
.table { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; font-size: 12px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left; white-space: nowrap; }
th { background: #f3f6f9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
@media print {
  body { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  figure.chart, tr, .facts div { break-inside: avoid; }
  .table { overflow: visible; }
  table { font-size: 9px; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_table_cells_are_escaped() {
        let mut r = Report::new(&["id", "value"]);
        r.push(vec![Cell::Text("<b>&\"x\"".into()), Cell::money(1234.5)]);
        let mut s = Section::new("a", "A <section>");
        s.table("caption & more", r);
        s.text("it's <i>");
        let doc = Document {
            title: "t".into(),
            subtitle: "s".into(),
            sections: vec![s],
        };
        let html = doc.render();
        assert!(html.contains("<td>&lt;b&gt;&amp;&quot;x&quot;</td>"));
        assert!(html.contains("<td class=\"num\">1,234.50</td>"));
        assert!(html.contains("<h2>A &lt;section&gt;</h2>"));
        assert!(html.contains("<p>it&#x27;s &lt;i&gt;</p>"));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn a_chart_is_inlined_in_a_figure_without_its_xml_declaration() {
        let mut s = Section::new("c", "C");
        s.chart("demo", "<?xml version=\"1.0\"?>\n<svg></svg>".to_string());
        let doc = Document {
            sections: vec![s],
            ..Document::default()
        };
        let html = doc.render();
        assert!(
            html.contains(
                "<div class=\"charts\">\n<figure class=\"chart\" data-chart=\"demo\">\n<svg></svg></figure>\n</div>"
            )
        );
        assert_eq!(doc.charts(), 1);
    }
}
