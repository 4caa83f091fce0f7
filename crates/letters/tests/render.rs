//! The three outcomes as text snapshots, and the PDF's shape: header, trailer, determinism,
//! PDF/A parts, pages. All data is synthetic.

use flode_letters::{
    CalculationRow, DecisionLetter, LetterError, Outcome, Recipient, render_pdf, render_text,
};

fn row(section: &str, label: &str, amount: i64, reason: &str) -> CalculationRow {
    CalculationRow {
        section: section.into(),
        label: label.into(),
        amount,
        reason: reason.into(),
    }
}

fn bifall() -> DecisionLetter {
    DecisionLetter {
        authority: "Norrtälje kommun, Socialtjänsten".into(),
        authority_address: vec!["Box 801".into(), "761 28 Norrtälje".into()],
        case_number: "EB-2026-000042".into(),
        date: "2026-12-04".into(),
        recipient: Recipient {
            name: "Testa Testsson".into(),
            address: vec!["Exempelgatan 1 B".into(), "761 30 Norrtälje".into()],
        },
        subject: "Beslut om ekonomiskt bistånd (försörjningsstöd) för januari 2027".into(),
        outcome: Outcome::Bifall,
        amount: Some(4590),
        period: "januari 2027".into(),
        motivering: "Du har ansökt om försörjningsstöd för januari 2027. Dina inkomster \
                     räcker inte till dina kostnader enligt riksnormen och dina skäliga \
                     boendekostnader.\n\nVi har räknat med de uppgifter du lämnat i \
                     ansökan och de uppgifter vi har hämtat från Försäkringskassan."
            .into(),
        lagrum: vec!["4 kap. 1 § socialtjänstlagen (2025:400)".into()],
        calculation: vec![
            row(
                "Norm",
                "Personliga kostnader",
                3320,
                "Riksnorm 2027 för en vuxen som bor ensam.",
            ),
            row(
                "Norm",
                "Gemensamma hushållskostnader",
                1270,
                "Riksnorm 2027 för ett hushåll med en person.",
            ),
            row(
                "Kostnader",
                "Boendekostnad",
                6850,
                "Hyra enligt hyresavi för januari 2027.",
            ),
            row("Kostnader", "Hushållsel", 310, "Enligt faktura."),
            row(
                "Inkomster",
                "Bostadsbidrag",
                -1160,
                "Enligt uppgift från Försäkringskassan.",
            ),
            row(
                "Inkomster",
                "Aktivitetsstöd",
                -6000,
                "Utbetalt belopp efter skatt.",
            ),
        ],
        totals: vec![
            ("Behov".into(), 11750),
            ("Inkomster".into(), 7160),
            ("Att betala ut".into(), 4590),
        ],
        decided_by: "Anna Andersson, socialsekreterare".into(),
        automated: false,
        contact:
            "Socialtjänstens mottagning, telefon 0176-710 00, e-post socialtjansten@example.se"
                .into(),
    }
}

fn delvis_bifall() -> DecisionLetter {
    DecisionLetter {
        outcome: Outcome::DelvisBifall,
        amount: Some(2100),
        motivering: "Du har ansökt om bistånd till hyra och till en ny säng. Hyran ingår i \
                     beräkningen. Kostnaden för en säng kan inte beviljas, eftersom du fick \
                     bistånd till möbler i oktober 2026."
            .into(),
        calculation: vec![
            row(
                "Norm",
                "Personliga kostnader",
                3320,
                "Riksnorm 2027 för en vuxen som bor ensam.",
            ),
            row("Kostnader", "Boendekostnad", 6850, "Hyra enligt hyresavi."),
            row(
                "Kostnader",
                "Säng",
                0,
                "Sökt 4 200 kr. Avslås: bistånd till möbler beviljades i oktober 2026.",
            ),
            row("Inkomster", "Lön", -8070, "Nettolön för december 2026."),
        ],
        totals: vec![
            ("Behov".into(), 10170),
            ("Inkomster".into(), 8070),
            ("Att betala ut".into(), 2100),
        ],
        ..bifall()
    }
}

fn avslag() -> DecisionLetter {
    DecisionLetter {
        outcome: Outcome::Avslag,
        amount: None,
        motivering: "Dina inkomster är högre än dina kostnader enligt riksnormen och dina \
                     skäliga boendekostnader. Du har därför inte rätt till försörjningsstöd \
                     för januari 2027."
            .into(),
        calculation: vec![
            row(
                "Norm",
                "Personliga kostnader",
                3320,
                "Riksnorm 2027 för en vuxen som bor ensam.",
            ),
            row("Kostnader", "Boendekostnad", 6850, "Hyra enligt hyresavi."),
            row(
                "Inkomster",
                "Sjukpenning",
                -12400,
                "Enligt uppgift från Försäkringskassan.",
            ),
        ],
        totals: vec![
            ("Behov".into(), 10170),
            ("Inkomster".into(), 12400),
            ("Överskott".into(), 2230),
        ],
        decided_by: "Automatiserat beslut enligt delegation från socialnämnden".into(),
        automated: true,
        ..bifall()
    }
}

/// A calculation long enough to need several pages.
fn long() -> DecisionLetter {
    let calculation = (1..=60)
        .map(|i| {
            row(
                if i <= 30 { "Kostnader" } else { "Inkomster" },
                &format!("Post nummer {i} med en beskrivning som är ganska lång"),
                if i <= 30 { 1000 + i } else { -i },
                "En motivering som är så lång att den inte får plats på en rad i tabellen \
                 utan måste brytas på flera rader, med å, ä och ö – och ett tankstreck.",
            )
        })
        .collect();
    DecisionLetter {
        calculation,
        ..bifall()
    }
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(at, m)| !text[at + m.len()..].starts_with('s'))
        .count()
}

#[test]
fn text_of_bifall() {
    insta::assert_snapshot!(render_text(&bifall()));
}

#[test]
fn text_of_delvis_bifall() {
    insta::assert_snapshot!(render_text(&delvis_bifall()));
}

#[test]
fn text_of_avslag() {
    insta::assert_snapshot!(render_text(&avslag()));
}

#[test]
fn pdf_is_a_complete_reproducible_file() {
    for letter in [bifall(), delvis_bifall(), avslag()] {
        let pdf = render_pdf(&letter).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert_eq!(
            pdf,
            render_pdf(&letter).expect("renders"),
            "same input, same bytes"
        );
        let text = String::from_utf8_lossy(&pdf);
        assert!(!text.contains("/CreationDate"), "no timestamp");
        // PDF/A-1b: fonts embedded, an output intent, XMP that says so, an identifier.
        assert!(text.contains("+DejaVuSans-Bold"), "a subset's name");
        assert_eq!(text.matches("/Subtype /TrueType").count(), 2);
        assert_eq!(text.matches("/FontFile2").count(), 2, "both fonts embedded");
        assert!(text.contains("/Encoding /WinAnsiEncoding"));
        assert!(text.contains("/S /GTS_PDFA1"), "output intent");
        assert!(text.contains("/DestOutputProfile"));
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(text.contains("<pdfaid:part>1</pdfaid:part>"));
        assert!(text.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
        assert!(text.contains("/ID ["), "file identifier");
    }
}

#[test]
fn short_letter_fits_two_pages_and_long_calculation_flows_onward() {
    let short = page_count(&render_pdf(&bifall()).expect("renders"));
    assert!((1..=2).contains(&short), "{short} pages");
    let long = render_pdf(&long()).expect("renders");
    let pages = page_count(&long);
    assert!(pages > short, "{pages} pages");
    let text = String::from_utf8_lossy(&long);
    assert!(text.contains(&format!("(Sida {pages} av {pages})")));
}

#[test]
fn unencodable_character_names_field_and_character() {
    let mut letter = bifall();
    letter.calculation[2].reason = "Hyra 🏠 enligt avi".into();
    let err = render_pdf(&letter).expect_err("emoji cannot be set in WinAnsi");
    assert_eq!(
        err,
        LetterError::Unencodable {
            field: "calculation[2].reason".into(),
            character: '🏠'
        }
    );
    assert!(err.to_string().contains("U+1F3E0"), "{err}");
    // The text version has no font limits.
    assert!(render_text(&letter).contains('🏠'));
}

/// Turns on the PDF/A validation below (`scripts/test` sets it, after
/// `scripts/install-pdfa-validator`).
const PDFA_GATE: &str = "FLODE_PDFA";

/// Apache PDFBox Preflight and what it needs, as Debian installs them.
const PREFLIGHT: [&str; 7] = [
    "/usr/share/java/preflight.jar",
    "/usr/share/java/pdfbox2.jar",
    "/usr/share/java/xmpbox.jar",
    "/usr/share/java/fontbox2.jar",
    "/usr/share/java/commons-logging.jar",
    "/usr/share/java/javax.activation.jar",
    "/usr/share/java/jaxb-api.jar",
];

#[test]
fn every_kind_of_letter_is_valid_pdf_a_1b_by_pdfbox_preflight() {
    if std::env::var(PDFA_GATE).as_deref() != Ok("1") {
        eprintln!(
            "\n*** SKIPPED: the letters' PDF/A validation did not run: set {PDFA_GATE}=1 \
             (scripts/test does; it needs scripts/install-pdfa-validator) ***\n"
        );
        return;
    }
    for jar in PREFLIGHT {
        assert!(
            std::path::Path::new(jar).exists(),
            "{jar} is missing: run scripts/install-pdfa-validator"
        );
    }
    let without_calculation = DecisionLetter {
        calculation: Vec::new(),
        totals: vec![("Att betala ut".into(), 7120)],
        ..bifall()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let letters = [
        ("bifall", bifall()),
        ("delvis-bifall", delvis_bifall()),
        ("avslag", avslag()),
        ("lang", long()),
        ("utan-berakning", without_calculation),
    ];
    for (name, letter) in letters {
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, render_pdf(&letter).expect("renders")).expect("write");
        let out = std::process::Command::new("java")
            .arg("-cp")
            .arg(PREFLIGHT.join(":"))
            .arg("org.apache.pdfbox.preflight.Validator_A1b")
            .arg(&path)
            .output()
            .expect("java runs (scripts/install-pdfa-validator)");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains("is a valid PDF/A-1b file"),
            "{name}: {said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
