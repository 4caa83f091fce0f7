//! Sets a [`Document`] on A4 pages: wraps text by the fonts' real widths, right-aligns
//! amounts and starts a new page when the next piece does not fit. Coordinates are PDF
//! points from the bottom left corner.

use crate::LetterError;
use crate::document::{Block, Document, TableLine};
use crate::kronor;
use crate::metrics::Font;
use crate::winansi;

pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// 20 mm.
const MARGIN: f32 = 56.69;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
pub(crate) const COLUMN: f32 = RIGHT - LEFT;
const TOP: f32 = PAGE_HEIGHT - MARGIN;
/// Content stops above the footer.
const BOTTOM: f32 = MARGIN + 12.0;
const FOOTER_Y: f32 = MARGIN - 20.0;
/// Width kept free for amounts at the right of the calculation table.
const AMOUNT_COLUMN: f32 = 100.0;
const INDENT: f32 = 12.0;

#[derive(Debug, Clone, Copy)]
struct Style {
    font: Font,
    size: f32,
    /// Baseline to baseline.
    leading: f32,
    /// 0 is black; reasons and the footer are dark grey.
    gray: f32,
}

const BODY: Style = Style {
    font: Font::Regular,
    size: 10.0,
    leading: 14.0,
    gray: 0.0,
};
const BODY_BOLD: Style = Style {
    font: Font::Bold,
    ..BODY
};
const SMALL: Style = Style {
    font: Font::Regular,
    size: 8.5,
    leading: 11.0,
    gray: 0.3,
};
const HEADING: Style = Style {
    font: Font::Bold,
    size: 11.5,
    leading: 16.0,
    gray: 0.0,
};
const TITLE: Style = Style {
    font: Font::Bold,
    size: 14.0,
    leading: 18.0,
    gray: 0.0,
};
const FOOTER: Style = Style {
    font: Font::Regular,
    size: 8.0,
    leading: 10.0,
    gray: 0.3,
};

#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) items: Vec<Item>,
}

#[derive(Debug)]
pub(crate) enum Item {
    /// WinAnsi `text` with its baseline starting at (x, y).
    Text {
        font: Font,
        size: f32,
        gray: f32,
        x: f32,
        y: f32,
        text: Vec<u8>,
    },
    /// A horizontal line.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        gray: f32,
    },
}

/// Text that check() has let through encodes; a failure here is a character in the
/// letter's own wording, reported all the same.
fn encode(text: &str) -> Result<Vec<u8>, LetterError> {
    winansi::encode(text).map_err(|character| LetterError::Unencodable {
        field: "brevtext".into(),
        character,
    })
}

/// Breaks `text` at spaces (not at no-break spaces) into lines no wider than `width`; a
/// word wider than the line on its own is broken between characters.
pub(crate) fn wrap(text: &[u8], font: Font, size: f32, width: f32) -> Vec<Vec<u8>> {
    let space = font.width(b" ", size);
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for mut word in text.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() {
            if font.width(&line, size) + space + font.width(word, size) <= width {
                line.push(b' ');
                line.extend_from_slice(word);
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        while font.width(word, size) > width {
            // At least one character per line, so that this always ends.
            let fits = (1..word.len())
                .rev()
                .find(|&n| font.width(&word[..n], size) <= width)
                .unwrap_or(1);
            lines.push(word[..fits].to_vec());
            word = &word[fits..];
        }
        line = word.to_vec();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pages being filled; `y` is the baseline of the last line set.
struct Flow {
    pages: Vec<Page>,
    y: f32,
}

impl Flow {
    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y >= TOP
    }

    /// Starts a new page unless `height` more fits on this one (or this one is still
    /// empty: a piece taller than a page then flows line by line).
    /// Whether it started one.
    fn need(&mut self, height: f32) -> bool {
        let full = self.y - height < BOTTOM && !self.at_top();
        if full {
            self.new_page();
        }
        full
    }

    /// Vertical space, dropped at the top of a page.
    fn gap(&mut self, height: f32) {
        if !self.at_top() {
            self.y -= height;
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    fn text_at(&mut self, style: Style, x: f32, text: Vec<u8>) {
        let y = self.y;
        self.push(Item::Text {
            font: style.font,
            size: style.size,
            gray: style.gray,
            x,
            y,
            text,
        });
    }

    /// Moves down one line and sets `text` at `x`.
    fn line(&mut self, style: Style, x: f32, text: Vec<u8>) {
        self.need(style.leading);
        self.y -= style.leading;
        self.text_at(style, x, text);
    }

    /// Sets `text` on the current line, ending at the right margin.
    fn right(&mut self, style: Style, text: Vec<u8>) {
        let x = RIGHT - style.font.width(&text, style.size);
        self.text_at(style, x, text);
    }

    fn wrapped(&mut self, style: Style, x: f32, text: &str) -> Result<(), LetterError> {
        let lines = wrap(&encode(text)?, style.font, style.size, RIGHT - x);
        // Two lines together at least, so no paragraph leaves one line behind.
        self.need(style.leading * lines.len().min(2) as f32);
        for line in lines {
            self.line(style, x, line);
        }
        Ok(())
    }

    fn rule(&mut self, below: f32, width: f32, gray: f32) {
        let y = self.y - below;
        self.push(Item::Rule {
            x1: LEFT,
            x2: RIGHT,
            y,
            width,
            gray,
        });
    }
}

pub(crate) fn lay_out(doc: &Document) -> Result<Vec<Page>, LetterError> {
    let mut flow = Flow {
        pages: Vec::new(),
        y: TOP,
    };
    flow.new_page();
    header(&mut flow, doc)?;

    let mut previous: Option<&Block> = None;
    for block in &doc.blocks {
        match block {
            Block::Heading(text) => {
                // Keep a heading with the first two lines under it.
                flow.need(12.0 + HEADING.leading + 2.0 * BODY.leading);
                flow.gap(12.0);
                flow.wrapped(HEADING, LEFT, text)?;
            }
            Block::Paragraph(text) => {
                flow.gap(if matches!(previous, Some(Block::Heading(_))) {
                    1.0
                } else {
                    5.0
                });
                flow.wrapped(BODY, LEFT, text)?;
            }
            Block::Item(text) => {
                flow.gap(2.0);
                let lines = wrap(&encode(text)?, BODY.font, BODY.size, COLUMN - INDENT);
                for (i, line) in lines.into_iter().enumerate() {
                    flow.line(BODY, LEFT + INDENT, line);
                    if i == 0 {
                        flow.text_at(BODY, LEFT + 2.0, vec![0x95]);
                    }
                }
            }
            Block::Table(table) => {
                flow.gap(5.0);
                calculation_table(&mut flow, table)?;
            }
        }
        previous = Some(block);
    }

    let count = flow.pages.len();
    for (i, page) in flow.pages.iter_mut().enumerate() {
        let mut footer = |x_of: &dyn Fn(&[u8]) -> f32, text: &str| -> Result<(), LetterError> {
            let text = encode(text)?;
            let x = x_of(&text);
            page.items.push(Item::Text {
                font: FOOTER.font,
                size: FOOTER.size,
                gray: FOOTER.gray,
                x,
                y: FOOTER_Y,
                text,
            });
            Ok(())
        };
        footer(&|_| LEFT, &doc.case_number)?;
        footer(
            &|t| RIGHT - FOOTER.font.width(t, FOOTER.size),
            &format!("Sida {} av {count}", i + 1),
        )?;
    }
    Ok(flow.pages)
}

/// Sender (left) and case number and date (right), the recipient, the title.
fn header(flow: &mut Flow, doc: &Document) -> Result<(), LetterError> {
    let reference_width = doc
        .reference
        .iter()
        .map(|r| encode(r).map(|t| BODY.font.width(&t, BODY.size)))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .fold(0.0, f32::max);
    let sender_width = COLUMN - reference_width - 24.0;
    for (i, line) in doc.sender.iter().enumerate() {
        let style = if i == 0 { BODY_BOLD } else { BODY };
        for part in wrap(&encode(line)?, style.font, style.size, sender_width) {
            flow.line(style, LEFT, part);
        }
    }
    let below_sender = flow.y;
    flow.y = TOP;
    for line in &doc.reference {
        flow.y -= BODY.leading;
        flow.right(BODY, encode(line)?);
    }
    // The recipient about 50 mm from the top edge, where a window envelope shows it.
    flow.y = (below_sender.min(flow.y) - 24.0).min(PAGE_HEIGHT - 128.0);
    for line in &doc.recipient {
        flow.wrapped(BODY, LEFT, line)?;
    }
    flow.gap(40.0);
    flow.wrapped(TITLE, LEFT, &doc.title)?;
    Ok(())
}

/// Label and amount per row, the reason under it in small type, totals in bold. Rows are
/// separated by hairlines, the totals by a heavier rule.
fn calculation_table(flow: &mut Flow, table: &[TableLine]) -> Result<(), LetterError> {
    let label_width = COLUMN - INDENT - AMOUNT_COLUMN;
    let mut after_row = false;
    let mut in_totals = false;
    let mut group: Option<&str> = None;
    for line in table {
        match line {
            TableLine::Group(name) => {
                flow.need(6.0 + 2.0 * BODY.leading + SMALL.leading);
                flow.gap(6.0);
                flow.line(BODY_BOLD, LEFT, encode(name)?);
                group = Some(name);
                after_row = false;
            }
            TableLine::Row {
                label,
                amount,
                reason,
            } => {
                let label = wrap(&encode(label)?, BODY.font, BODY.size, label_width);
                let reason = wrap(
                    &encode(reason)?,
                    SMALL.font,
                    SMALL.size,
                    label_width - INDENT,
                );
                let height =
                    label.len() as f32 * BODY.leading + reason.len() as f32 * SMALL.leading;
                if flow.need(height + 3.0)
                    && let Some(name) = group
                {
                    // The group's name again, so a continued table still reads on its own.
                    flow.line(BODY_BOLD, LEFT, encode(&format!("{name} (forts.)"))?);
                } else if after_row {
                    separator(flow, 0.4, 0.75);
                }
                for (i, part) in label.into_iter().enumerate() {
                    flow.line(BODY, LEFT + INDENT, part);
                    if i == 0 {
                        flow.right(BODY, encode(&kronor(*amount))?);
                    }
                }
                for part in reason {
                    flow.line(SMALL, LEFT + 2.0 * INDENT, part);
                }
                after_row = true;
            }
            TableLine::Total { label, amount } => {
                let label = wrap(&encode(label)?, BODY_BOLD.font, BODY.size, label_width);
                flow.need(label.len() as f32 * BODY.leading + 3.0);
                if !in_totals {
                    flow.gap(2.0);
                    separator(flow, 0.8, 0.0);
                    in_totals = true;
                }
                for (i, part) in label.into_iter().enumerate() {
                    flow.line(BODY_BOLD, LEFT, part);
                    if i == 0 {
                        flow.right(BODY_BOLD, encode(&kronor(*amount))?);
                    }
                }
            }
        }
    }
    Ok(())
}

/// A rule across the column between the last line and the next, none at the top of a page.
fn separator(flow: &mut Flow, width: f32, gray: f32) {
    if !flow.at_top() {
        flow.rule(6.0, width, gray);
        flow.y -= 3.0;
    }
}

#[cfg(test)]
mod tests {
    use super::{COLUMN, wrap};
    use crate::metrics::Font;
    use crate::winansi::encode;

    #[test]
    fn wrapped_lines_fit_the_column_and_keep_every_word() {
        let text = "Du har ansökt om försörjningsstöd för januari 2027. Dina inkomster räcker \
                    inte till dina kostnader enligt riksnormen och dina skäliga \
                    boendekostnader, och därför beviljas du bistånd med 4\u{a0}590\u{a0}kr.";
        let bytes = encode(text).expect("WinAnsi");
        for (font, size, width) in [(Font::Regular, 10.0, COLUMN), (Font::Bold, 14.0, 200.0)] {
            let lines = wrap(&bytes, font, size, width);
            assert!(lines.len() > 1);
            for line in &lines {
                assert!(
                    font.width(line, size) <= width,
                    "{line:?} wider than {width}"
                );
            }
            assert_eq!(
                lines.join(&b' '),
                bytes,
                "only spaces were replaced by breaks"
            );
            // The amount is one unbreakable word.
            assert!(lines.iter().any(|l| l.ends_with(b"4\xa0590\xa0kr.")));
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken_between_characters() {
        let word = b"socialtjansten@en-mycket-lang-adress.example.se";
        let lines = wrap(word, Font::Regular, 10.0, 60.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| Font::Regular.width(l, 10.0) <= 60.0));
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn blank_text_gives_no_lines() {
        assert!(wrap(b"", Font::Regular, 10.0, COLUMN).is_empty());
        assert!(wrap(b"   ", Font::Regular, 10.0, COLUMN).is_empty());
    }
}
