//! Writes laid-out pages as PDF/A-1b (ISO 19005-1, PDF 1.4) with pdf-writer, for a letter
//! that is kept as a record (arkivlagen): both fonts embedded as subsets of the characters
//! the letter uses, an sRGB output intent for its device grays, XMP metadata that says
//! PDF/A-1b and repeats the title and producer, and a file identifier. PDF/A-1b rather than
//! a later part because it is the one a validator available offline (Apache PDFBox
//! Preflight) checks; the tests run it over every kind of letter. Content streams stay
//! uncompressed (the fonts are deflated) and nothing time-dependent is written, so the
//! bytes are reproducible.

use std::collections::BTreeSet;

use pdf_writer::types::{FontFlags, OutputIntentSubtype};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::LetterError;
use crate::document::Document;
use crate::icc;
use crate::layout::{Item, PAGE_HEIGHT, PAGE_WIDTH, Page};
use crate::metrics::Font;
use crate::truetype::TrueType;
use crate::winansi;

const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
const METADATA: Ref = Ref::new(4);
const OUTPUT_PROFILE: Ref = Ref::new(5);
/// Each font takes three ids from here on: the font, its descriptor and its file.
const FIRST_FONT: i32 = 6;
/// Pages take two ids each from here on: the page and its content stream.
const FIRST_PAGE: i32 = FIRST_FONT + 3 * Font::ALL.len() as i32;
const PRODUCER: &str = "flode";

fn font_name(font: Font) -> Name<'static> {
    match font {
        Font::Regular => Name(b"F1"),
        Font::Bold => Name(b"F2"),
    }
}

fn font_refs(font: Font) -> (Ref, Ref, Ref) {
    let first = FIRST_FONT + 3 * (font as i32);
    (Ref::new(first), Ref::new(first + 1), Ref::new(first + 2))
}

pub(crate) fn write(doc: &Document, pages: &[Page]) -> Result<Vec<u8>, LetterError> {
    let mut next = FIRST_PAGE;
    let ids: Vec<(Ref, Ref)> = pages
        .iter()
        .map(|_| {
            next += 2;
            (Ref::new(next - 2), Ref::new(next - 1))
        })
        .collect();
    let contents: Vec<Vec<u8>> = pages.iter().map(content).collect();

    let mut pdf = Pdf::new();
    pdf.set_version(1, 4);
    let mut catalog = pdf.catalog(CATALOG);
    catalog
        .pages(PAGE_TREE)
        .lang(TextStr("sv-SE"))
        .metadata(METADATA);
    // Viewers show the letter's subject instead of a file name.
    catalog.viewer_preferences().display_doc_title(true);
    catalog
        .output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr(icc::DESCRIPTION))
        .info(TextStr(icc::DESCRIPTION))
        .dest_output_profile(OUTPUT_PROFILE);
    catalog.finish();
    pdf.document_info(INFO)
        .title(TextStr(&doc.title))
        .producer(TextStr(PRODUCER));
    pdf.metadata(METADATA, xmp(&doc.title).as_bytes());
    pdf.icc_profile(OUTPUT_PROFILE, &icc::srgb_profile()).n(3);
    pdf.pages(PAGE_TREE)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    for font in Font::ALL {
        embed(&mut pdf, font, &used_chars(pages, font))?;
    }

    for ((page_id, content_id), content) in ids.iter().zip(&contents) {
        let mut writer = pdf.page(*page_id);
        writer
            .parent(PAGE_TREE)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_id);
        let mut resources = writer.resources();
        let mut fonts = resources.fonts();
        for font in Font::ALL {
            fonts.pair(font_name(font), font_refs(font).0);
        }
        fonts.finish();
        resources.finish();
        writer.finish();
        pdf.stream(*content_id, content);
    }
    // The same letter gets the same identifier (PDF/A requires one).
    let id = file_id(&doc.title, &contents);
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

/// The characters set in `font` anywhere in the letter, in order; always the space.
fn used_chars(pages: &[Page], font: Font) -> Vec<char> {
    let mut chars = BTreeSet::from([' ']);
    for page in pages {
        for item in &page.items {
            if let Item::Text { font: f, text, .. } = item
                && *f == font
            {
                chars.extend(text.iter().filter_map(|&b| winansi::decode(b)));
            }
        }
    }
    chars.into_iter().collect()
}

/// `font` as a simple TrueType font in WinAnsiEncoding, its program a subset of `chars`.
fn embed(pdf: &mut Pdf, font: Font, chars: &[char]) -> Result<(), LetterError> {
    let failed = |e: crate::truetype::FontError| LetterError::Font(e.to_string());
    let program = TrueType::parse(font.program()).map_err(failed)?;
    let subset = program.subset(chars).map_err(failed)?;
    let em = f32::from(program.units_per_em().map_err(failed)?);
    let scale = |v: i16| f32::from(v) * 1000.0 / em;
    let [x_min, y_min, x_max, y_max] = program.bbox().map_err(failed)?;
    let (ascent, descent) = program.ascent_descent().map_err(failed)?;
    let cap_height = program
        .glyph_top('H')
        .map_err(failed)?
        .map_or(scale(ascent) * 0.7, scale);
    // A subset's name starts with a tag of six capitals, here derived from its characters.
    let tag: String = fnv1a(chars.iter().collect::<String>().as_bytes(), 0)
        .to_be_bytes()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let base_font = format!("{tag}+{}", font.name());
    let (font_id, descriptor_id, file_id) = font_refs(font);

    let mut dict = pdf.indirect(font_id).dict();
    dict.pair(Name(b"Type"), Name(b"Font"));
    dict.pair(Name(b"Subtype"), Name(b"TrueType"));
    dict.pair(Name(b"BaseFont"), Name(base_font.as_bytes()));
    dict.pair(Name(b"FirstChar"), 0x20);
    dict.pair(Name(b"LastChar"), 0xFF);
    dict.insert(Name(b"Widths"))
        .array()
        .items(font.widths().iter().map(|&w| i32::from(w)));
    dict.pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"));
    dict.pair(Name(b"FontDescriptor"), descriptor_id);
    dict.finish();

    pdf.font_descriptor(descriptor_id)
        .name(Name(base_font.as_bytes()))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(x_min),
            scale(y_min),
            scale(x_max),
            scale(y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(ascent))
        .descent(scale(descent))
        .cap_height(cap_height)
        .stem_v(match font {
            Font::Regular => 80.0,
            Font::Bold => 140.0,
        })
        .font_file2(file_id);
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(file_id, &deflated)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );
    Ok(())
}

/// The XMP packet: PDF/A-1b, and the title and producer the document information has.
fn xmp(title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    // The packet starts with a byte order mark, as XMP requires.
    let begin = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>";
    format!(
        r#"{begin}
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>1</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>sv-SE</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>{PRODUCER}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#
    )
}

/// 64-bit FNV-1a of `data`, from a basis varied by `seed`.
fn fnv1a(data: &[u8], seed: u64) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// 16 bytes that follow from the letter's title and pages.
fn file_id(title: &str, contents: &[Vec<u8>]) -> Vec<u8> {
    let mut all = title.as_bytes().to_vec();
    for c in contents {
        all.extend_from_slice(c);
    }
    [fnv1a(&all, 0), fnv1a(&all, 0x5bd1_e995)]
        .iter()
        .flat_map(|h| h.to_be_bytes())
        .collect()
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
