//! The SSBTEK question and the normalised answer, shared by the connector and the
//! simulator. Amounts are whole kronor (as in `flode-forsorjningsstod`); dates are
//! `YYYY-MM-DD` strings as they arrive on the wire.

use serde::{Deserialize, Serialize};

use crate::personnummer::Personidentitet;

/// One source behind SSBTEK, in the order of `specifikaFrageparametrar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Source {
    /// Arbetsförmedlingen.
    #[serde(rename = "AF")]
    Af,
    /// CSN.
    #[serde(rename = "CSN")]
    Csn,
    /// Försäkringskassan and Pensionsmyndigheten (LEFI).
    #[serde(rename = "FK")]
    Fk,
    /// Skatteverket.
    #[serde(rename = "SKV")]
    Skv,
    /// The a-kassor via Sveriges a-kassor.
    #[serde(rename = "SO")]
    So,
    /// Transportstyrelsen.
    #[serde(rename = "TNS")]
    Tns,
    /// Migrationsverket.
    #[serde(rename = "MIV")]
    Miv,
}

impl Source {
    /// All sources, in wire order.
    pub const ALL: [Source; 7] = [
        Source::Af,
        Source::Csn,
        Source::Fk,
        Source::Skv,
        Source::So,
        Source::Tns,
        Source::Miv,
    ];

    /// The v10 element name (`AF`, `CSN`, …).
    pub fn element(self) -> &'static str {
        match self {
            Source::Af => "AF",
            Source::Csn => "CSN",
            Source::Fk => "FK",
            Source::Skv => "SKV",
            Source::So => "SO",
            Source::Tns => "TNS",
            Source::Miv => "MIV",
        }
    }

    /// The lower-case key of the JSON façade (`af`, `csn`, …).
    pub fn key(self) -> &'static str {
        match self {
            Source::Af => "af",
            Source::Csn => "csn",
            Source::Fk => "fk",
            Source::Skv => "skv",
            Source::So => "so",
            Source::Tns => "tns",
            Source::Miv => "miv",
        }
    }

    /// From an element name or façade key, any case.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|x| x.element().eq_ignore_ascii_case(s))
    }
}

/// The asking organisation (`ingivare`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ingivare {
    /// 12 digits with the `16` prefix.
    pub organisationsnummer: String,
    /// e.g. the kommun's name.
    pub namn: String,
    /// The handläggare's account, or a system account for automated calls.
    pub handlaggare: String,
}

/// A question to SSBTEK (`SammansattBastjanstFraga`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fraga {
    /// Who asks.
    pub ingivare: Ingivare,
    /// About whom.
    pub personidentitet: Personidentitet,
    /// The open case (`arendeidentitet`).
    pub arendeidentitet: String,
    /// First day asked about (`YYYY-MM-DD`).
    pub from: String,
    /// Last day asked about.
    pub tom: String,
    /// Purpose (`syfte`).
    pub syfte: String,
    /// The sekretessbrytande provision (`lagtext`).
    pub lagtext: String,
    /// Echoed in the answer; the job's idempotency key when a worker asks.
    pub korrelationsid: String,
    /// Sources to include (`inkludera=true`); the others are sent with `inkludera=false`.
    pub sources: Vec<Source>,
}

/// An `error` element of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceError {
    /// `SSBT` (the platform, e.g. a timeout) or `BT` (the source itself).
    pub kalla: String,
    /// e.g. `TIMEOUT`.
    pub felkod: String,
    /// Human-readable, usually Swedish.
    pub felmeddelande: String,
}

/// What one source answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome<T> {
    /// The source's data (possibly "no data" for an unknown person).
    Data(T),
    /// The source could not answer.
    Error(SourceError),
    /// Not asked (`inkludera=false`).
    NotRequested,
}

impl<T> Outcome<T> {
    /// The data, if any.
    pub fn data(&self) -> Option<&T> {
        match self {
            Outcome::Data(d) => Some(d),
            _ => None,
        }
    }

    /// The error, if any.
    pub fn error(&self) -> Option<&SourceError> {
        match self {
            Outcome::Error(e) => Some(e),
            _ => None,
        }
    }
}

/// Arbetsförmedlingen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Af {
    /// `StatusSokandeinformationKod` (0 = answered normally).
    pub status_kod: i64,
    /// `StatusSokandeinformationKodText`.
    pub status_text: String,
    /// `Sekretessmarkering`: triggers protected-identity handling.
    pub sekretessmarkering: bool,
    /// `Arbetssokande`.
    pub arbetssokande: bool,
    /// `ArbetssokandeSKAT` (category text).
    pub kategori: Option<String>,
    /// `ArbetssokandeRegistrerad`.
    pub registrerad: Option<String>,
    /// `ArbetssokandeOmfattning` (%).
    pub omfattning: Option<i64>,
    /// `Akassetillhorighet`.
    pub akassa: Option<String>,
}

/// CSN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Csn {
    /// `ResultatKod` (0 = OK).
    pub resultat_kod: i64,
    /// `ResultatText`.
    pub resultat_text: String,
    /// `sekretess`: triggers protected-identity handling.
    pub sekretess: bool,
    /// `Status` of the person, when CSN knows them.
    pub status: Option<String>,
    /// Kinds of study aid flagged (`studiemedel`, `studiehjalp`, `hemutrustningslan`,
    /// `studiestartsstod`).
    pub studiestod: Vec<String>,
}

/// Försäkringskassan and Pensionsmyndigheten (LEFI).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fk {
    /// Every `utlamnare` answered with `tillstand` OK.
    pub tillstand_ok: bool,
    /// `generellPersoninformation.skyddad`.
    pub skyddad: bool,
    /// `generellPersoninformation.foddes`.
    pub foddes: Option<String>,
    /// Benefit groups not delivered (`avvikelser`).
    pub avvikelser: Vec<String>,
    /// Payments, oldest first.
    pub utbetalningar: Vec<FkUtbetalning>,
}

/// One FK or PM payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FkUtbetalning {
    /// Group code, e.g. `FK:SJP` or `PM:AP`.
    pub formansgrupp: String,
    /// Paid on.
    pub utbetalningsdatum: String,
    /// Kronor paid.
    pub belopp: i64,
    /// Period it is for.
    pub avser_from: String,
    /// Period it is for.
    pub avser_tom: String,
}

/// Skatteverket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skv {
    /// `StatusPersonuppgiftKod`.
    pub status_kod: i64,
    /// `Kapitaluppgift` per taxeringsår.
    pub kapital: Vec<Kapital>,
}

/// One `Kapitaluppgift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kapital {
    /// `Taxeringsar`.
    pub taxeringsar: i64,
    /// `SummaIntakterPaKapital`, kronor.
    pub summa_intakter: i64,
    /// `OverskottPaKapital`, kronor.
    pub overskott: i64,
}

/// The a-kassor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct So {
    /// Payments, oldest first, exact duplicates removed.
    pub utbetalningar: Vec<AkassaUtbetalning>,
    /// Rows that arrived twice and were dropped (a known data-quality fault).
    pub dubbletter: usize,
}

/// One a-kassa payment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AkassaUtbetalning {
    /// `SvarandeOrganisation`.
    pub organisation: String,
    /// `Utbetalningsdatum`.
    pub utbetalningsdatum: String,
    /// `NettoEfterSkatt`, kronor: the income row of the calculation.
    pub netto_efter_skatt: i64,
    /// `NettoEfterAvdrag`, kronor.
    pub netto_efter_avdrag: i64,
    /// `Ersattningsdagar`.
    pub ersattningsdagar: i64,
    /// `AvserFrom`.
    pub avser_from: String,
    /// `AvserTom`.
    pub avser_tom: String,
}

/// Transportstyrelsen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tns {
    /// `fordonsinnehav.fordon`.
    pub fordon: Vec<Fordon>,
}

/// One vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fordon {
    /// `regnr`.
    pub regnr: String,
    /// `fabrikat`.
    pub fabrikat: String,
    /// `fordonsar`.
    pub fordonsar: i64,
    /// `fordonsslag`.
    pub fordonsslag: String,
    /// `handelsbeteckning`.
    pub handelsbeteckning: String,
}

/// Migrationsverket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Miv {
    /// `svar[]`.
    pub beslut: Vec<MivBeslut>,
}

/// One Migrationsverket decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MivBeslut {
    /// `ansokningsdatum`.
    pub ansokningsdatum: String,
    /// `arendeTyp`, e.g. `UAT`.
    pub arende_typ: String,
    /// `beslutsKod`, e.g. `BEV`.
    pub beslutskod: String,
    /// `beslutsTyp`: `PUT` (permanent) or `TUT` (temporary).
    pub beslutstyp: String,
    /// `beslutsdatum`.
    pub beslutsdatum: String,
    /// `giltighetstid`: last valid day of a temporary permit.
    pub giltighetstid: Option<String>,
}

/// The normalised answer, `{af, csn, fk, skv, so, tns, miv}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Svar {
    /// The echoed korrelationsid.
    pub korrelationsid: Option<String>,
    /// Arbetsförmedlingen.
    pub af: Outcome<Af>,
    /// CSN.
    pub csn: Outcome<Csn>,
    /// Försäkringskassan and Pensionsmyndigheten.
    pub fk: Outcome<Fk>,
    /// Skatteverket.
    pub skv: Outcome<Skv>,
    /// The a-kassor.
    pub so: Outcome<So>,
    /// Transportstyrelsen.
    pub tns: Outcome<Tns>,
    /// Migrationsverket.
    pub miv: Outcome<Miv>,
}

/// One income row for the calculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inkomst {
    /// Where it came from.
    pub source: Source,
    /// `akassa` or the FK/PM group code.
    pub slag: String,
    /// Paid on.
    pub utbetalningsdatum: String,
    /// Net kronor.
    pub belopp: i64,
}

impl Svar {
    /// An answer where nothing was asked.
    pub fn empty(korrelationsid: Option<String>) -> Self {
        Self {
            korrelationsid,
            af: Outcome::NotRequested,
            csn: Outcome::NotRequested,
            fk: Outcome::NotRequested,
            skv: Outcome::NotRequested,
            so: Outcome::NotRequested,
            tns: Outcome::NotRequested,
            miv: Outcome::NotRequested,
        }
    }

    /// Any source flags a protected identity (AF Sekretessmarkering, CSN sekretess, FK
    /// skyddad): the case must switch to protected-identity handling (identifiers.md §4).
    pub fn skyddad_identitet(&self) -> bool {
        self.af.data().is_some_and(|a| a.sekretessmarkering)
            || self.csn.data().is_some_and(|c| c.sekretess)
            || self.fk.data().is_some_and(|f| f.skyddad)
    }

    /// Sources that answered with an error.
    pub fn failed_sources(&self) -> Vec<Source> {
        let errors = [
            self.af.error().is_some(),
            self.csn.error().is_some(),
            self.fk.error().is_some(),
            self.skv.error().is_some(),
            self.so.error().is_some(),
            self.tns.error().is_some(),
            self.miv.error().is_some(),
        ];
        Source::ALL
            .into_iter()
            .zip(errors)
            .filter_map(|(s, e)| e.then_some(s))
            .collect()
    }

    /// Income rows: a-kassa `NettoEfterSkatt` and FK/PM payments, by payment date.
    pub fn inkomster(&self) -> Vec<Inkomst> {
        let mut rows = Vec::new();
        if let Some(so) = self.so.data() {
            rows.extend(so.utbetalningar.iter().map(|u| Inkomst {
                source: Source::So,
                slag: "akassa".into(),
                utbetalningsdatum: u.utbetalningsdatum.clone(),
                belopp: u.netto_efter_skatt,
            }));
        }
        if let Some(fk) = self.fk.data() {
            rows.extend(fk.utbetalningar.iter().map(|u| Inkomst {
                source: Source::Fk,
                slag: u.formansgrupp.clone(),
                utbetalningsdatum: u.utbetalningsdatum.clone(),
                belopp: u.belopp,
            }));
        }
        rows.sort_by(|a, b| a.utbetalningsdatum.cmp(&b.utbetalningsdatum));
        rows
    }
}
