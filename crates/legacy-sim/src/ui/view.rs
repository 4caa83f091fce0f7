//! View models both UIs render, each in its own markup.

use crate::format;
use crate::personnummer::{ten_with_hyphen, twelve_with_hyphen};
use crate::store::{Aktualisering, CaseRow, Decision, NoteRow, Payment, PersonRow};

/// The frame around every page.
pub(crate) struct Chrome {
    pub(crate) title: String,
    pub(crate) user: String,
    pub(crate) unit: String,
    pub(crate) maintenance: bool,
    pub(crate) spinner_ms: Option<u128>,
    /// v2: show the "Nyheter i systemet" modal.
    pub(crate) news: bool,
    pub(crate) notice: Option<String>,
    pub(crate) errors: Vec<String>,
}

impl Chrome {
    pub(crate) fn notice(mut self, notice: Option<&str>) -> Self {
        self.notice = notice.and_then(notice_text).map(str::to_owned);
        self
    }

    pub(crate) fn errors(mut self, errors: Vec<String>) -> Self {
        self.errors = errors;
        self
    }
}

/// The text for a `?meddelande=` / `?notice=` flag after a redirect.
fn notice_text(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "utbetalning-sparad" => "Utbetalningen har registrerats.",
        "utbetalning-avbruten" => "Utbetalningen registrerades inte.",
        "beslut-verkstallt" => "Beslutet har verkställts.",
        "aktualisering-sparad" => "Aktualiseringen har registrerats.",
        "aktualisering-avbruten" => "Aktualiseringen registrerades inte.",
        "anteckning-sparad" => "Journalanteckningen har sparats.",
        "anteckning-signerad" => "Journalanteckningen har signerats.",
        _ => return None,
    })
}

/// A minimal standalone page (error pages).
pub(crate) fn plain_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body>{body}</body></html>"
    )
}

pub(crate) struct PersonView {
    pub(crate) id: i64,
    /// 12 digits, for v2 URLs.
    pub(crate) pnr: String,
    /// `ÅÅMMDD-NNNN`.
    pub(crate) pnr10: String,
    /// `ÅÅÅÅMMDD-NNNN`.
    pub(crate) pnr12: String,
    pub(crate) fornamn: String,
    pub(crate) efternamn: String,
    /// The address, or the masking text for a protected person.
    pub(crate) adress: String,
    pub(crate) postadress: String,
    pub(crate) hushall: String,
    pub(crate) sekretess: bool,
}

impl From<&PersonRow> for PersonView {
    fn from(r: &PersonRow) -> Self {
        let p = &r.person;
        // Protected identity: the address never reaches a screen (identifiers.md ID-2).
        let (adress, postadress) = if p.sekretess {
            ("Skyddad adress".to_owned(), "Skyddad adress".to_owned())
        } else {
            (p.adress.clone(), format!("{} {}", p.postnummer, p.ort))
        };
        PersonView {
            id: r.id,
            pnr: p.personnummer.clone(),
            pnr10: ten_with_hyphen(&p.personnummer),
            pnr12: twelve_with_hyphen(&p.personnummer),
            fornamn: p.fornamn.clone(),
            efternamn: p.efternamn.clone(),
            adress,
            postadress,
            hushall: p.hushall.clone(),
            sekretess: p.sekretess,
        }
    }
}

pub(crate) struct CaseLine {
    pub(crate) id: i64,
    pub(crate) diarienummer: String,
    pub(crate) arendetyp: String,
    pub(crate) inkom: String,
    pub(crate) status: String,
    pub(crate) unit: String,
    pub(crate) beskrivning: String,
    pub(crate) locked_by: Option<String>,
    /// "Efternamn, Förnamn" for the worklist (filled in where known).
    pub(crate) person_name: String,
    pub(crate) pnr: String,
}

impl From<&CaseRow> for CaseLine {
    fn from(r: &CaseRow) -> Self {
        let c = &r.case;
        CaseLine {
            id: r.id,
            diarienummer: c.diarienummer.clone(),
            arendetyp: c.arendetyp.clone(),
            inkom: c.inkom.clone(),
            status: c.status.clone(),
            unit: c.unit.clone(),
            beskrivning: c.beskrivning.clone(),
            locked_by: c.locked_by.clone(),
            person_name: String::new(),
            pnr: c.personnummer.clone(),
        }
    }
}

pub(crate) struct PaymentLine {
    pub(crate) diarienummer: String,
    pub(crate) mottagare: String,
    pub(crate) satt: String,
    pub(crate) datum: String,
    pub(crate) datum_kort: String,
    pub(crate) period: String,
    pub(crate) belopp: String,
    pub(crate) referens: String,
    pub(crate) registered_by: String,
}

impl From<&Payment> for PaymentLine {
    fn from(p: &Payment) -> Self {
        PaymentLine {
            diarienummer: p.diarienummer.clone(),
            mottagare: p.mottagare.clone(),
            satt: p.satt.clone(),
            datum: p.datum.clone(),
            datum_kort: format::short_date(&p.datum),
            period: p.period.clone(),
            belopp: format::amount(p.belopp_ore),
            referens: p.referens.clone(),
            registered_by: p.registered_by.clone(),
        }
    }
}

pub(crate) struct DecisionLine {
    pub(crate) diarienummer: String,
    pub(crate) beslutstyp: String,
    pub(crate) lagrum: String,
    pub(crate) period: String,
    pub(crate) belopp: String,
    pub(crate) motivering: String,
    pub(crate) beslutsfattare: String,
}

impl From<&Decision> for DecisionLine {
    fn from(d: &Decision) -> Self {
        DecisionLine {
            diarienummer: d.diarienummer.clone(),
            beslutstyp: d.beslutstyp.clone(),
            lagrum: d.lagrum.clone(),
            period: format!("{} – {}", d.period_from, d.period_tom),
            belopp: format::amount(d.belopp_ore),
            motivering: d.motivering.clone(),
            beslutsfattare: d.beslutsfattare.clone(),
        }
    }
}

pub(crate) struct NoteLine {
    pub(crate) id: i64,
    pub(crate) diarienummer: String,
    pub(crate) datum: String,
    pub(crate) rubrik: String,
    pub(crate) text: String,
    pub(crate) author: String,
    pub(crate) signed: bool,
    pub(crate) signed_at: String,
}

impl From<&NoteRow> for NoteLine {
    fn from(r: &NoteRow) -> Self {
        let n = &r.note;
        NoteLine {
            id: r.id,
            diarienummer: n.diarienummer.clone(),
            datum: n.datum.clone(),
            rubrik: n.rubrik.clone(),
            text: n.text.clone(),
            author: n.author.clone(),
            signed: n.signed_at.is_some(),
            signed_at: n.signed_at.clone().unwrap_or_default(),
        }
    }
}

pub(crate) struct AktLine {
    pub(crate) typ: String,
    pub(crate) inkom: String,
    pub(crate) fran: String,
    pub(crate) beskrivning: String,
    pub(crate) registered_by: String,
}

impl From<&Aktualisering> for AktLine {
    fn from(a: &Aktualisering) -> Self {
        AktLine {
            typ: a.typ.clone(),
            inkom: format!("{} {}", a.inkom_datum, a.inkom_tid),
            fran: a.fran.clone(),
            beskrivning: a.beskrivning.clone(),
            registered_by: a.registered_by.clone(),
        }
    }
}

/// Everything on a case (the case view and, in part, the forms).
pub(crate) struct CaseDetail {
    pub(crate) case: CaseLine,
    pub(crate) person: PersonView,
    pub(crate) akts: Vec<AktLine>,
    pub(crate) decisions: Vec<DecisionLine>,
    pub(crate) payments: Vec<PaymentLine>,
    pub(crate) notes: Vec<NoteLine>,
}

/// One page of a list and where it is.
pub(crate) struct Pager {
    pub(crate) page: usize,
    pub(crate) pages: usize,
    pub(crate) total: usize,
}

pub(crate) const PAGE_SIZE: usize = 10;

impl Pager {
    /// Cuts `rows` to page `page` (1-based, clamped).
    pub(crate) fn cut<T>(rows: Vec<T>, page: usize) -> (Vec<T>, Pager) {
        let total = rows.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let rows = rows
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        (rows, Pager { page, pages, total })
    }

    pub(crate) fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub(crate) fn has_next(&self) -> bool {
        self.page < self.pages
    }

    pub(crate) fn prev(&self) -> usize {
        self.page.saturating_sub(1).max(1)
    }

    pub(crate) fn next(&self) -> usize {
        self.page + 1
    }
}

/// Loads everything the case view shows.
pub(crate) async fn case_detail(
    store: &crate::store::Store,
    case_id: i64,
) -> Result<CaseDetail, crate::Error> {
    use crate::store::Scope;
    let row = store
        .case(case_id)
        .await?
        .ok_or_else(|| crate::Error::NotFound(format!("case {case_id}")))?;
    let person = store
        .person(row.person_id)
        .await?
        .ok_or_else(|| crate::Error::NotFound(format!("person {}", row.person_id)))?;
    let scope = Scope::Case(case_id);
    let mut case = CaseLine::from(&row);
    case.person_name = format!("{}, {}", person.person.efternamn, person.person.fornamn);
    Ok(CaseDetail {
        case,
        person: PersonView::from(&person),
        akts: store
            .aktualiseringar(scope)
            .await?
            .iter()
            .map(AktLine::from)
            .collect(),
        decisions: store
            .decisions(scope)
            .await?
            .iter()
            .map(DecisionLine::from)
            .collect(),
        payments: store
            .payments(scope)
            .await?
            .iter()
            .map(PaymentLine::from)
            .collect(),
        notes: store
            .notes(scope)
            .await?
            .iter()
            .map(NoteLine::from)
            .collect(),
    })
}
