//! The letter's content in Swedish, independent of the medium: the PDF and the plain text
//! are both rendered from a [`Document`].

use crate::{DecisionLetter, LetterError, Outcome, kronor, winansi};

/// What the letter says, in reading order.
pub(crate) struct Document {
    /// The heading (the letter's subject); also the PDF's title.
    pub(crate) title: String,
    /// The authority (first line) and its address.
    pub(crate) sender: Vec<String>,
    /// Case number and date, with their labels.
    pub(crate) reference: Vec<String>,
    /// The applicant's name and address.
    pub(crate) recipient: Vec<String>,
    /// Printed in the footer of every page, so that loose pages can be put back.
    pub(crate) case_number: String,
    pub(crate) blocks: Vec<Block>,
}

pub(crate) enum Block {
    Heading(String),
    Paragraph(String),
    /// One item of a bulleted list.
    Item(String),
    Table(Vec<TableLine>),
}

pub(crate) enum TableLine {
    Group(String),
    Row {
        label: String,
        amount: i64,
        reason: String,
    },
    Total {
        label: String,
        amount: i64,
    },
}

/// Refuses the letter if any field holds a character the PDF cannot show, naming the field.
/// Whitespace is exempt: [`clean`] turns it into plain spaces.
pub(crate) fn check(letter: &DecisionLetter) -> Result<(), LetterError> {
    let mut fields: Vec<(String, &str)> = vec![
        ("authority".into(), &letter.authority),
        ("case_number".into(), &letter.case_number),
        ("date".into(), &letter.date),
        ("recipient.name".into(), &letter.recipient.name),
        ("subject".into(), &letter.subject),
        ("period".into(), &letter.period),
        ("motivering".into(), &letter.motivering),
        ("decided_by".into(), &letter.decided_by),
        ("contact".into(), &letter.contact),
    ];
    let lists = [
        ("authority_address", &letter.authority_address),
        ("recipient.address", &letter.recipient.address),
        ("lagrum", &letter.lagrum),
    ];
    for (name, list) in lists {
        for (i, line) in list.iter().enumerate() {
            fields.push((format!("{name}[{i}]"), line));
        }
    }
    for (i, row) in letter.calculation.iter().enumerate() {
        fields.push((format!("calculation[{i}].section"), &row.section));
        fields.push((format!("calculation[{i}].label"), &row.label));
        fields.push((format!("calculation[{i}].reason"), &row.reason));
    }
    for (i, (label, _)) in letter.totals.iter().enumerate() {
        fields.push((format!("totals[{i}]"), label));
    }
    for (field, value) in fields {
        if let Some(character) = value
            .chars()
            .find(|&c| !c.is_whitespace() && winansi::encode_char(c).is_none())
        {
            return Err(LetterError::Unencodable { field, character });
        }
    }
    Ok(())
}

/// Free text as one line: runs of whitespace (line breaks, tabs) become one space.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Paragraphs separated by blank lines, each cleaned.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    out.push(current);
    out.iter()
        .map(|p| clean(p))
        .filter(|p| !p.is_empty())
        .collect()
}

fn lines(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|l| clean(l))
        .filter(|l| !l.is_empty())
        .collect()
}

impl Document {
    pub(crate) fn new(letter: &DecisionLetter) -> Document {
        let authority = clean(&letter.authority);
        let address = lines(&letter.authority_address);
        let case_number = clean(&letter.case_number);
        let date = clean(&letter.date);
        let period = clean(&letter.period);
        // The sentence supplies the full stop.
        let contact = clean(&letter.contact).trim_end_matches('.').to_owned();
        // "…: 0176-710 00." with a contact, a plain full stop without one.
        let contact_end = if contact.is_empty() {
            ".".to_owned()
        } else {
            format!(": {contact}.")
        };

        let mut blocks = vec![Block::Heading("Beslut".into())];
        let amount = letter.amount.map(kronor);
        let granted = match amount {
            Some(a) => format!("ekonomiskt bistånd med {a} för {period}"),
            None => format!("ekonomiskt bistånd för {period}"),
        };
        blocks.push(Block::Paragraph(match letter.outcome {
            Outcome::Bifall => format!("Du beviljas {granted}."),
            Outcome::DelvisBifall => {
                format!("Du beviljas delvis {granted}. I övrigt avslås din ansökan.")
            }
            Outcome::Avslag => format!("Din ansökan om ekonomiskt bistånd för {period} avslås."),
        }));
        blocks.push(Block::Paragraph(format!(
            "Beslutsfattare: {}",
            clean(&letter.decided_by)
        )));

        blocks.push(Block::Heading("Skäl för beslutet".into()));
        blocks.extend(
            paragraphs(&letter.motivering)
                .into_iter()
                .map(Block::Paragraph),
        );
        let lagrum = lines(&letter.lagrum);
        if !lagrum.is_empty() {
            blocks.push(Block::Paragraph(
                "Beslutet har fattats med stöd av följande bestämmelser:".into(),
            ));
            blocks.extend(lagrum.into_iter().map(Block::Item));
        }

        if !letter.calculation.is_empty() || !letter.totals.is_empty() {
            blocks.push(Block::Heading("Beräkning".into()));
            blocks.push(Block::Paragraph(format!(
                "Så här har vi räknat för {period}."
            )));
            let mut table = Vec::new();
            let mut section: Option<String> = None;
            for row in &letter.calculation {
                let name = clean(&row.section);
                if section.as_ref() != Some(&name) {
                    table.push(TableLine::Group(name.clone()));
                    section = Some(name);
                }
                table.push(TableLine::Row {
                    label: clean(&row.label),
                    amount: row.amount,
                    reason: clean(&row.reason),
                });
            }
            table.extend(
                letter
                    .totals
                    .iter()
                    .map(|(label, amount)| TableLine::Total {
                        label: clean(label),
                        amount: *amount,
                    }),
            );
            blocks.push(Block::Table(table));
        }

        if letter.automated {
            blocks.push(Block::Heading("Automatiserat beslut".into()));
            blocks.push(Block::Paragraph(
                "Beslutet har fattats automatiskt, det vill säga av ett datorsystem utifrån \
                 uppgifterna i ditt ärende och de regler som gäller (28 § förvaltningslagen \
                 (2017:900))."
                    .into(),
            ));
            blocks.push(Block::Paragraph(format!(
                "Du kan kontakta socialtjänsten om du har frågor om beslutet eller om hur det \
                 har fattats{contact_end}"
            )));
        } else if !contact.is_empty() {
            blocks.push(Block::Heading("Frågor om beslutet".into()));
            blocks.push(Block::Paragraph(format!(
                "Om du har frågor om beslutet kan du kontakta oss{contact_end}"
            )));
        }

        blocks.push(Block::Heading("Så här överklagar du".into()));
        blocks.push(Block::Paragraph(
            "Om du inte är nöjd med beslutet kan du överklaga det. Det är förvaltningsrätten \
             som prövar överklagandet, men du ska skicka det till socialnämnden och inte direkt \
             till förvaltningsrätten. Socialnämnden ser först över om beslutet ska ändras och \
             skickar sedan överklagandet vidare till förvaltningsrätten."
                .into(),
        ));
        let mut to = vec![authority.clone()];
        to.extend(address.iter().cloned());
        blocks.push(Block::Paragraph(format!(
            "Skicka överklagandet till: {}.",
            to.join(", ")
        )));
        blocks.push(Block::Paragraph(
            "Överklagandet måste ha kommit in till socialnämnden inom tre veckor från den dag \
             du fick del av beslutet. Kommer det in för sent kan det inte prövas."
                .into(),
        ));
        blocks.push(Block::Paragraph(format!(
            "Skriv i överklagandet vilket beslut du överklagar (diarienummer {case_number}, \
             beslutsdatum {date}) och vilken ändring du vill ha. Berätta gärna varför du tycker \
             att beslutet ska ändras. Skriv under överklagandet och skriv också ditt namn, din \
             adress och ditt telefonnummer."
        )));
        blocks.push(Block::Paragraph(format!(
            "Om du behöver hjälp med att överklaga kan du kontakta socialtjänsten{contact_end}"
        )));

        let mut sender = vec![authority];
        sender.extend(address);
        let mut recipient = vec![clean(&letter.recipient.name)];
        recipient.extend(lines(&letter.recipient.address));
        Document {
            title: clean(&letter.subject),
            sender,
            reference: vec![
                format!("Diarienummer: {case_number}"),
                format!("Beslutsdatum: {date}"),
            ],
            recipient,
            case_number,
            blocks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::paragraphs;

    #[test]
    fn blank_lines_separate_paragraphs_and_other_breaks_join() {
        let text = "Första stycket\nfortsätter här.\n\n  \r\nAndra\tstycket.\n\n\n";
        assert_eq!(
            paragraphs(text),
            ["Första stycket fortsätter här.", "Andra stycket."]
        );
    }
}
