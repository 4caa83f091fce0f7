//! The letter as plain text, in reading order, one paragraph a line (readers and screen
//! readers wrap it themselves).

use crate::document::{Block, Document, TableLine};
use crate::kronor;

pub(crate) fn render(doc: &Document) -> String {
    let mut lines: Vec<String> = Vec::new();
    lines.extend(doc.sender.iter().cloned());
    lines.push(String::new());
    lines.extend(doc.reference.iter().cloned());
    lines.push(String::new());
    lines.extend(doc.recipient.iter().cloned());
    lines.push(String::new());
    lines.push(doc.title.clone());

    let mut previous: Option<&Block> = None;
    for block in &doc.blocks {
        // Blank lines between blocks, but not after a heading or inside a list.
        let joined = matches!(
            (previous, block),
            (Some(Block::Heading(_)), _)
                | (Some(Block::Paragraph(_) | Block::Item(_)), Block::Item(_))
        );
        if !joined {
            lines.push(String::new());
        }
        match block {
            Block::Heading(text) | Block::Paragraph(text) => lines.push(text.clone()),
            Block::Item(text) => lines.push(format!("• {text}")),
            Block::Table(table) => table_lines(table, &mut lines),
        }
        previous = Some(block);
    }
    let mut out = lines.join("\n").replace('\u{a0}', " ");
    out.push('\n');
    out
}

fn table_lines(table: &[TableLine], lines: &mut Vec<String>) {
    let mut in_totals = false;
    for line in table {
        match line {
            TableLine::Group(name) => lines.push(name.clone()),
            TableLine::Row {
                label,
                amount,
                reason,
            } => {
                lines.push(format!("  {label}: {}", kronor(*amount)));
                if !reason.is_empty() {
                    lines.push(format!("    {reason}"));
                }
            }
            TableLine::Total { label, amount } => {
                if !in_totals && lines.last().is_some_and(|l| !l.is_empty()) {
                    lines.push(String::new());
                }
                in_totals = true;
                lines.push(format!("{label}: {}", kronor(*amount)));
            }
        }
    }
}
