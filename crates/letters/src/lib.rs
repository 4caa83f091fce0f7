//! Decision letters (beslutsbrev) for ekonomiskt bistånd: [`render_pdf`] sets a
//! [`DecisionLetter`] as an A4 PDF/A-1b in DejaVu Sans (embedded, for archiving), and
//! [`render_text`] gives the same content as plain text for the case file and as a text
//! alternative. Both are built from one Swedish content model (`document.rs`), so they
//! cannot say different things.
//!
//! Pure and deterministic: the same letter gives the same bytes (no dates or random ids in
//! the PDF). Text is encoded as WinAnsi; a character outside it is an error naming the field
//! and the character, never silently dropped.

mod document;
mod icc;
mod layout;
mod metrics;
mod pdf;
mod text;
mod truetype;
mod winansi;

/// A decision on an application for ekonomiskt bistånd, as the applicant is told it.
/// Text fields are free text; runs of whitespace (also line breaks) become one space, except
/// that blank lines in `motivering` separate paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLetter {
    /// The deciding authority, e.g. "Norrtälje kommun, Socialtjänsten".
    pub authority: String,
    /// The authority's postal address, one line each; appeals are sent there.
    pub authority_address: Vec<String>,
    /// The case number (diarienummer), e.g. "EB-2026-000042".
    pub case_number: String,
    /// The date of the decision, as it should be printed (e.g. "2026-12-04").
    pub date: String,
    /// The applicant.
    pub recipient: Recipient,
    /// The letter's heading, e.g. "Beslut om ekonomiskt bistånd (försörjningsstöd) för januari 2027".
    pub subject: String,
    /// What was decided.
    pub outcome: Outcome,
    /// Kronor granted, if any.
    pub amount: Option<i64>,
    /// The period the application concerns, e.g. "januari 2027".
    pub period: String,
    /// Why: free text, paragraphs separated by blank lines.
    pub motivering: String,
    /// The legal grounds, one provision each, e.g. "4 kap. 1 § socialtjänstlagen (2025:400)".
    pub lagrum: Vec<String>,
    /// The rows of the calculation, grouped under their `section` in the order given.
    pub calculation: Vec<CalculationRow>,
    /// The sums under the calculation, e.g. ("Behov", 9 450), ("Att betala ut", 4 590).
    pub totals: Vec<(String, i64)>,
    /// Who decided, e.g. "Anna Andersson, socialsekreterare".
    pub decided_by: String,
    /// Whether the decision was made automatically (förvaltningslagen 28 §); the letter then
    /// says so and whom to contact.
    pub automated: bool,
    /// How to reach the social services with questions (phone, e-mail).
    pub contact: String,
}

/// The applicant the letter is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Full name.
    pub name: String,
    /// Postal address, one line each.
    pub address: Vec<String>,
}

/// What the application led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Granted as applied for.
    Bifall,
    /// Granted in part; the rest is refused.
    DelvisBifall,
    /// Refused.
    Avslag,
}

/// One row of the calculation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculationRow {
    /// The group the row belongs to, e.g. "Norm", "Kostnader", "Inkomster".
    pub section: String,
    /// What the amount is, e.g. "Boendekostnad".
    pub label: String,
    /// Kronor per period; negative amounts are printed with a minus sign.
    pub amount: i64,
    /// Why the amount is what it is, in plain Swedish; printed under the row.
    pub reason: String,
}

/// Why a letter could not be rendered. Messages are in Swedish: they reach case workers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    /// A field holds a character the letter's fonts (DejaVu Sans in WinAnsi) cannot show.
    #[error(
        "fältet {field} innehåller tecknet {character:?} (U+{:04X}) som inte kan skrivas i brevet",
        u32::from(*character)
    )]
    Unencodable {
        /// The field of [`DecisionLetter`], e.g. "motivering" or "calculation[3].reason".
        field: String,
        /// The character that cannot be shown.
        character: char,
    },
    /// A shipped font could not be embedded (a defect of the build, not of the letter).
    #[error("brevets typsnitt kunde inte bäddas in: {0}")]
    Font(String),
}

/// The letter as an A4 PDF.
pub fn render_pdf(letter: &DecisionLetter) -> Result<Vec<u8>, LetterError> {
    document::check(letter)?;
    let doc = document::Document::new(letter);
    let pages = layout::lay_out(&doc)?;
    pdf::write(&doc, &pages)
}

/// The letter as plain text: the same content as the PDF, in reading order, one paragraph a
/// line. It cannot fail, as plain text has no font limits.
pub fn render_text(letter: &DecisionLetter) -> String {
    text::render(&document::Document::new(letter))
}

/// Kronor in Swedish style: `kronor(4590) == "4 590 kr"`, `kronor(-1200) == "-1 200 kr"`.
/// The spaces are no-break spaces (U+00A0), so an amount never splits over two lines.
pub fn kronor(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if amount < 0 {
        // U+2212 (minus sign) is not in WinAnsi, so the hyphen-minus it is.
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(d);
    }
    out.push_str("\u{a0}kr");
    out
}

#[cfg(test)]
mod tests {
    use super::kronor;

    #[test]
    fn kronor_groups_thousands_with_no_break_spaces() {
        let plain = |n| kronor(n).replace('\u{a0}', " ");
        assert_eq!(plain(4590), "4 590 kr");
        assert_eq!(plain(0), "0 kr");
        assert_eq!(plain(999), "999 kr");
        assert_eq!(plain(1000), "1 000 kr");
        assert_eq!(plain(1_234_567), "1 234 567 kr");
        assert_eq!(plain(-1200), "-1 200 kr");
        assert_eq!(plain(-5), "-5 kr");
        assert_eq!(plain(i64::MIN), "-9 223 372 036 854 775 808 kr");
        assert_eq!(kronor(4590), "4\u{a0}590\u{a0}kr");
    }
}
