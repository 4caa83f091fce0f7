//! The simulator's data: the whitelist of identities it answers for
//! (`fixtures/testpersonnummer.json`, with provenance) and the fixture persons
//! (`fixtures/persons.json`), from which an answer is generated for any period.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::{Date, Month};

use crate::model::*;

const WHITELIST: &str = include_str!("../fixtures/testpersonnummer.json");
const PERSONS: &str = include_str!("../fixtures/persons.json");

/// A shipped fixture file that does not parse (a build-time mistake, caught by tests).
#[derive(Debug, thiserror::Error)]
#[error("fixture file {file}: {source}")]
pub struct FixtureError {
    file: &'static str,
    #[source]
    source: serde_json::Error,
}

#[derive(Deserialize)]
struct WhitelistFile {
    skatteverket: NumberList,
    synthetic: NumberList,
}

#[derive(Deserialize)]
struct NumberList {
    numbers: Vec<String>,
}

#[derive(Deserialize)]
struct PersonsFile {
    persons: Vec<Person>,
}

#[derive(Debug, Clone, Deserialize)]
struct Person {
    id: String,
    foddes: String,
    af: Option<AfFixture>,
    csn: Option<CsnFixture>,
    fk: Option<FkFixture>,
    skv: Option<SkvFixture>,
    so: Option<SoFixture>,
    #[serde(default)]
    tns: Vec<Fordon>,
    #[serde(default)]
    miv: Vec<MivBeslut>,
}

#[derive(Debug, Clone, Deserialize)]
struct AfFixture {
    #[serde(default)]
    sekretessmarkering: bool,
    #[serde(default)]
    arbetssokande: bool,
    kategori: Option<String>,
    registrerad: Option<String>,
    omfattning: Option<i64>,
    akassa: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct CsnFixture {
    #[serde(default)]
    sekretess: bool,
    status: String,
    studiestod: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct FkFixture {
    #[serde(default)]
    skyddad: bool,
    utbetalningar: Vec<Recurring>,
}

/// A monthly payment from `fran` to `till` (YYYY-MM, inclusive).
#[derive(Debug, Clone, Deserialize)]
struct Recurring {
    formansgrupp: String,
    belopp: i64,
    fran: String,
    till: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct SkvFixture {
    kapital: Vec<Kapital>,
}

#[derive(Debug, Clone, Deserialize)]
struct SoFixture {
    organisation: String,
    dagpenning_netto: i64,
    fran: String,
    till: Option<String>,
}

/// Who is whitelisted and what the sources know about them.
#[derive(Debug, Clone)]
pub struct Fixtures {
    skatteverket: HashSet<String>,
    synthetic: HashSet<String>,
    persons: HashMap<String, Person>,
}

/// Everything the sources hold about one person for one period, before faults.
pub(crate) struct Answer {
    pub(crate) af: Af,
    pub(crate) csn: Csn,
    pub(crate) fk: Fk,
    pub(crate) skv: Skv,
    pub(crate) so: So,
    pub(crate) tns: Tns,
    pub(crate) miv: Miv,
}

impl Fixtures {
    /// The fixtures shipped in the crate.
    pub fn shipped() -> Result<Self, FixtureError> {
        let w: WhitelistFile = serde_json::from_str(WHITELIST).map_err(|source| FixtureError {
            file: "testpersonnummer.json",
            source,
        })?;
        let p: PersonsFile = serde_json::from_str(PERSONS).map_err(|source| FixtureError {
            file: "persons.json",
            source,
        })?;
        Ok(Self {
            skatteverket: w.skatteverket.numbers.into_iter().collect(),
            synthetic: w.synthetic.numbers.into_iter().collect(),
            persons: p.persons.into_iter().map(|p| (p.id.clone(), p)).collect(),
        })
    }

    /// Whether the simulator may answer for this number (Skatteverket test number or a
    /// simulator-only synthetic identity).
    pub fn allowed(&self, id: &str) -> bool {
        self.skatteverket.contains(id) || self.synthetic.contains(id)
    }

    /// Whether the number is a simulator-only synthetic identity (not Skatteverket's).
    pub fn is_synthetic(&self, id: &str) -> bool {
        self.synthetic.contains(id)
    }

    /// Every whitelisted number, sorted.
    pub fn identities(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .skatteverket
            .iter()
            .chain(&self.synthetic)
            .map(String::as_str)
            .collect();
        all.sort_unstable();
        all
    }

    /// Whether the number has fixture data (others answer "no data").
    pub fn known(&self, id: &str) -> bool {
        self.persons.contains_key(id)
    }

    /// What each source holds for `id` in `from..=tom`, the same for the same inputs.
    pub(crate) fn answer(&self, id: &str, from: Date, tom: Date, seed: u64) -> Answer {
        let person = self.persons.get(id);
        let months = months(from, tom);
        let af = match person.and_then(|p| p.af.as_ref()) {
            Some(a) => Af {
                status_kod: 0,
                status_text: "Uppgifter lämnade".into(),
                sekretessmarkering: a.sekretessmarkering,
                arbetssokande: a.arbetssokande,
                kategori: a.kategori.clone(),
                registrerad: a.registrerad.clone(),
                omfattning: a.omfattning,
                akassa: a.akassa.clone(),
            },
            None => Af {
                status_kod: 0,
                status_text: "Personen är inte inskriven".into(),
                ..Af::default()
            },
        };
        let csn = match person.and_then(|p| p.csn.as_ref()) {
            Some(c) => Csn {
                resultat_kod: 0,
                resultat_text: "OK".into(),
                sekretess: c.sekretess,
                status: Some(c.status.clone()),
                studiestod: c.studiestod.clone(),
            },
            None => Csn {
                resultat_kod: 0,
                resultat_text: "OK".into(),
                ..Csn::default()
            },
        };
        let fk = Fk {
            tillstand_ok: true,
            skyddad: person
                .and_then(|p| p.fk.as_ref())
                .is_some_and(|f| f.skyddad),
            foddes: person.map(|p| p.foddes.clone()),
            avvikelser: Vec::new(),
            utbetalningar: person
                .and_then(|p| p.fk.as_ref())
                .map(|f| {
                    let mut rows = Vec::new();
                    for (y, m) in &months {
                        for r in &f.utbetalningar {
                            if in_range(*y, *m, &r.fran, r.till.as_deref()) {
                                rows.push(FkUtbetalning {
                                    formansgrupp: r.formansgrupp.clone(),
                                    utbetalningsdatum: day(*y, *m, 25),
                                    belopp: r.belopp,
                                    avser_from: day(*y, *m, 1),
                                    avser_tom: last_day(*y, *m),
                                });
                            }
                        }
                    }
                    rows
                })
                .unwrap_or_default(),
        };
        let skv = Skv {
            status_kod: 0,
            kapital: person
                .and_then(|p| p.skv.as_ref())
                .map(|s| s.kapital.clone())
                .unwrap_or_default(),
        };
        let so = So {
            utbetalningar: person
                .and_then(|p| p.so.as_ref())
                .map(|s| {
                    months
                        .iter()
                        .filter(|(y, m)| in_range(*y, *m, &s.fran, s.till.as_deref()))
                        .map(|(y, m)| {
                            // 20–22 compensated days: varies by month, fixed per seed.
                            let days = 20 + (mix(seed, &[id, &day(*y, *m, 1)]) % 3) as i64;
                            let netto = days * s.dagpenning_netto;
                            AkassaUtbetalning {
                                organisation: s.organisation.clone(),
                                utbetalningsdatum: day(*y, *m, 28),
                                netto_efter_skatt: netto,
                                netto_efter_avdrag: netto,
                                ersattningsdagar: days,
                                avser_from: day(*y, *m, 1),
                                avser_tom: last_day(*y, *m),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            dubbletter: 0,
        };
        Answer {
            af,
            csn,
            fk,
            skv,
            so,
            tns: Tns {
                fordon: person.map(|p| p.tns.clone()).unwrap_or_default(),
            },
            miv: Miv {
                beslut: person.map(|p| p.miv.clone()).unwrap_or_default(),
            },
        }
    }
}

/// A stable 64-bit mix of a seed and some strings (SHA-256; speed is irrelevant here).
pub(crate) fn mix(seed: u64, parts: &[&str]) -> u64 {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

/// A uniform draw in `[0, 1)` from [`mix`].
pub(crate) fn unit(seed: u64, parts: &[&str]) -> f64 {
    (mix(seed, parts) >> 11) as f64 / (1u64 << 53) as f64
}

fn months(from: Date, tom: Date) -> Vec<(i32, u8)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), u8::from(from.month()));
    let end = (tom.year(), u8::from(tom.month()));
    while (y, m) <= end {
        out.push((y, m));
        if m == 12 {
            (y, m) = (y + 1, 1);
        } else {
            m += 1;
        }
    }
    out
}

fn in_range(y: i32, m: u8, fran: &str, till: Option<&str>) -> bool {
    let ym = format!("{y:04}-{m:02}");
    ym.as_str() >= fran && till.is_none_or(|t| ym.as_str() <= t)
}

fn day(y: i32, m: u8, d: u8) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn last_day(y: i32, m: u8) -> String {
    let d = Month::try_from(m).map_or(28, |month| month.length(y));
    day(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::personnummer::Personidentitet;

    #[test]
    fn shipped_fixtures_are_consistent() {
        let f = Fixtures::shipped().expect("fixtures parse");
        assert!(f.allowed("201701012393") && !f.is_synthetic("201701012393"));
        assert!(
            !f.known("201701012393"),
            "Skatteverket's number is the unknown person"
        );
        for id in f.identities() {
            Personidentitet::parse(id).expect("every whitelisted number is valid");
        }
        for id in f.persons.keys() {
            assert!(f.is_synthetic(id), "{id} must be flagged synthetic");
            let p = Personidentitet::parse(id).expect("valid");
            assert_eq!(p.kind(), crate::personnummer::Kind::Samordningsnummer);
        }
    }

    #[test]
    fn answers_are_deterministic_and_cover_three_months() {
        let f = Fixtures::shipped().expect("fixtures parse");
        let (from, tom) = (
            Date::from_calendar_date(2026, Month::January, 1).expect("date"),
            Date::from_calendar_date(2026, Month::March, 31).expect("date"),
        );
        let a = f.answer("199204722020", from, tom, 7);
        let b = f.answer("199204722020", from, tom, 7);
        assert_eq!(a.so, b.so);
        assert_eq!(a.so.utbetalningar.len(), 3);
        assert_eq!(
            f.answer("198503611017", from, tom, 7)
                .fk
                .utbetalningar
                .len(),
            3
        );
        assert!(
            f.answer("201701012393", from, tom, 7)
                .fk
                .utbetalningar
                .is_empty()
        );
    }
}
