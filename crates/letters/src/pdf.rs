//! Writes laid-out pages as PDF 1.7 with pdf-writer. Helvetica and Helvetica-Bold are
//! standard fonts every viewer has, so nothing is embedded; content streams stay
//! uncompressed and nothing time-dependent is written, so the bytes are reproducible.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::document::Document;
use crate::layout::{Item, PAGE_HEIGHT, PAGE_WIDTH, Page};
use crate::metrics::Font;

const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const REGULAR: Ref = Ref::new(3);
const BOLD: Ref = Ref::new(4);
const INFO: Ref = Ref::new(5);
/// Pages take two ids each from here on: the page and its content stream.
const FIRST_PAGE: i32 = 6;

fn font_name(font: Font) -> Name<'static> {
    match font {
        Font::Regular => Name(b"F1"),
        Font::Bold => Name(b"F2"),
    }
}

pub(crate) fn write(doc: &Document, pages: &[Page]) -> Vec<u8> {
    let mut next = FIRST_PAGE;
    let ids: Vec<(Ref, Ref)> = pages
        .iter()
        .map(|_| {
            next += 2;
            (Ref::new(next - 2), Ref::new(next - 1))
        })
        .collect();

    let mut pdf = Pdf::new();
    let mut catalog = pdf.catalog(CATALOG);
    catalog.pages(PAGE_TREE).lang(TextStr("sv-SE"));
    // Viewers show the letter's subject instead of a file name.
    catalog.viewer_preferences().display_doc_title(true);
    catalog.finish();
    pdf.document_info(INFO)
        .title(TextStr(&doc.title))
        .producer(TextStr("flode"));
    pdf.pages(PAGE_TREE)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    for (id, base) in [(REGULAR, "Helvetica"), (BOLD, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }

    for (page, (page_id, content_id)) in pages.iter().zip(&ids) {
        let mut writer = pdf.page(*page_id);
        writer
            .parent(PAGE_TREE)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        writer
            .resources()
            .fonts()
            .pair(font_name(Font::Regular), REGULAR)
            .pair(font_name(Font::Bold), BOLD);
        writer.finish();
        let content = content(page);
        pdf.stream(*content_id, &content);
    }
    pdf.finish()
}

fn content(page: &Page) -> Vec<u8> {
    let mut content = Content::new();
    for item in &page.items {
        match item {
            Item::Text {
                font,
                size,
                gray,
                x,
                y,
                text,
            } => {
                content.set_fill_gray(*gray);
                content.begin_text();
                content.set_font(font_name(*font), *size);
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                content.show(Str(text));
                content.end_text();
            }
            Item::Rule {
                x1,
                x2,
                y,
                width,
                gray,
            } => {
                content.set_stroke_gray(*gray);
                content.set_line_width(*width);
                content.move_to(*x1, *y);
                content.line_to(*x2, *y);
                content.stroke();
            }
        }
    }
    content.finish().to_vec()
}
