//! Hand-written SOAP 1.1 envelopes for SSBTEK v10 (`Sammansatt_Bastjanst_v10.wsdl`), and
//! their parsing with roxmltree. Both sides use this module: the connector encodes a
//! [`Fraga`] and decodes a [`Svar`]; the simulator does the reverse. Elements inside a
//! source's `data` are matched by local name, since each agency has its own namespace.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use roxmltree::{Document, Node};

use crate::model::*;

/// The SSBTEK v10 namespace.
pub const NS: &str = "http://schema.forsakringskassan.se/integration/ssbt/10";
/// The SOAP 1.1 envelope namespace.
pub const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

const NAMESPACES: &str = concat!(
    r#"xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
    r#"xmlns:ssbt="http://schema.forsakringskassan.se/integration/ssbt/10""#
);
const SOURCE_NAMESPACES: &str = concat!(
    r#" xmlns:af="http://api.arbetsformedlingen.se/arbetssokande/ersattningsstod/v2""#,
    r#" xmlns:skv="http://beskattningws.ws.service.bs.zg.rsv.se/""#,
    r#" xmlns:so="http://INT014.UBPService.Schemas""#,
    r#" xmlns:tns="http://schema.transportstyrelsen.se/ssbtek/hamtauppgifterresponder/1""#,
    r#" xmlns:miv="http://schema.migrationsverket.se/ssbtek/1/""#
);

/// A SOAP message that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed SSBTEK message: {0}")]
pub struct Malformed(pub String);

/// A SOAP fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `Client` (the question is wrong: never retry) or `Server`.
    pub code: FaultCode,
    /// `faultstring`.
    pub message: String,
    /// `felkod` of the `…Fault` detail.
    pub felkod: String,
}

/// Whose fault a SOAP fault is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    /// The question was refused.
    Client,
    /// SSBTEK failed.
    Server,
}

/// Escapes text and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A tiny indenting XML writer: enough for fixed envelopes.
struct W {
    out: String,
    depth: usize,
}

impl W {
    fn new() -> Self {
        Self {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        }
    }
    fn pad(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
    fn open(&mut self, tag: &str) {
        self.open_with(tag, "");
    }
    fn open_with(&mut self, tag: &str, attrs: &str) {
        self.pad();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }
    fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.pad();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }
    fn empty(&mut self, tag: &str, attrs: &str) {
        self.pad();
        self.out.push_str(&format!("<{tag}{attrs}/>\n"));
    }
    fn leaf(&mut self, tag: &str, text: impl std::fmt::Display) {
        self.pad();
        let text = esc(&text.to_string());
        self.out.push_str(&format!("<{tag}>{text}</{tag}>\n"));
    }
    fn opt(&mut self, tag: &str, text: Option<impl std::fmt::Display>) {
        if let Some(t) = text {
            self.leaf(tag, t);
        }
    }
    fn envelope_start(&mut self, extra_ns: &str) {
        self.open_with("soapenv:Envelope", &format!(" {NAMESPACES}{extra_ns}"));
        self.empty("soapenv:Header", "");
        self.open("soapenv:Body");
    }
    fn envelope_end(mut self) -> String {
        self.close("soapenv:Body");
        self.close("soapenv:Envelope");
        self.out
    }
}

// ---- the question -----------------------------------------------------------------------

/// The LEFI question FK gets inside `lefiJsonFraga` (base64 JSON); only its period is used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LefiFraga {
    /// First day.
    pub fran: String,
    /// Last day.
    pub till: String,
}

/// `hamtaBastjanstInformation` for a question.
pub fn encode_fraga(f: &Fraga) -> String {
    let mut w = W::new();
    w.envelope_start("");
    w.open("ssbt:hamtaBastjanstInformation");
    w.open("ssbt:generellaFrageparametrar");
    w.leaf("ssbt:korrelationsid", &f.korrelationsid);
    w.leaf("ssbt:fraganSkallInkluderasISvaret", "false");
    w.open("ssbt:ingivare");
    w.leaf("ssbt:organisationsnummer", &f.ingivare.organisationsnummer);
    w.leaf("ssbt:namn", &f.ingivare.namn);
    w.leaf("ssbt:handlaggare", &f.ingivare.handlaggare);
    w.close("ssbt:ingivare");
    w.leaf("ssbt:personidentitet", f.personidentitet.as_str());
    w.leaf("ssbt:arendeidentitet", &f.arendeidentitet);
    w.open("ssbt:tidsperiod");
    w.leaf("ssbt:fromDatum", &f.from);
    w.leaf("ssbt:tomDatum", &f.tom);
    w.close("ssbt:tidsperiod");
    w.leaf("ssbt:syfte", &f.syfte);
    w.leaf("ssbt:lagtext", &f.lagtext);
    w.close("ssbt:generellaFrageparametrar");
    w.open("ssbt:specifikaFrageparametrar");
    for s in Source::ALL {
        let tag = format!("ssbt:{}", s.element());
        if !f.sources.contains(&s) {
            w.empty(&tag, r#" inkludera="false""#);
        } else if s == Source::Fk {
            let lefi = serde_json::json!({ "fran": f.from, "till": f.tom }).to_string();
            w.open_with(&tag, r#" inkludera="true""#);
            w.open("ssbt:fraga");
            w.leaf("ssbt:version", "v9");
            w.leaf("ssbt:aktorsid", &f.ingivare.organisationsnummer);
            w.leaf("ssbt:lefiJsonFraga", BASE64.encode(lefi));
            w.close("ssbt:fraga");
            w.close(&tag);
        } else {
            w.empty(&tag, r#" inkludera="true""#);
        }
    }
    w.close("ssbt:specifikaFrageparametrar");
    w.close("ssbt:hamtaBastjanstInformation");
    w.envelope_end()
}

/// `testaBastjanstInformation` (connectivity test).
pub fn encode_test() -> String {
    let mut w = W::new();
    w.envelope_start("");
    w.empty("ssbt:testaBastjanstInformation", "");
    w.envelope_end()
}

/// A question as it arrived, before validation: every field as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFraga {
    /// `korrelationsid`.
    pub korrelationsid: Option<String>,
    /// `ingivare/organisationsnummer`.
    pub organisationsnummer: String,
    /// `ingivare/namn`.
    pub namn: String,
    /// `ingivare/handlaggare`.
    pub handlaggare: String,
    /// `personidentitet`.
    pub personidentitet: String,
    /// `arendeidentitet`.
    pub arendeidentitet: String,
    /// `tidsperiod/fromDatum`.
    pub from: String,
    /// `tidsperiod/tomDatum`.
    pub tom: String,
    /// `syfte`.
    pub syfte: String,
    /// `lagtext`.
    pub lagtext: String,
    /// Sources with `inkludera=true`.
    pub sources: Vec<Source>,
    /// FK's own period from `lefiJsonFraga`, when it could be read.
    pub fk_period: Option<LefiFraga>,
}

/// Which operation a request body calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `hamtaBastjanstInformation`.
    Hamta(Box<RawFraga>),
    /// `testaBastjanstInformation`.
    Testa,
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn text(n: Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name).map(|c| c.text().unwrap_or_default().trim().to_owned())
}

fn text_or_empty(n: Node<'_, '_>, name: &str) -> String {
    text(n, name).unwrap_or_default()
}

fn int(n: Node<'_, '_>, name: &str) -> Result<i64, Malformed> {
    let t = text(n, name).ok_or_else(|| Malformed(format!("{name} missing")))?;
    t.parse()
        .map_err(|_| Malformed(format!("{name} is not a whole number")))
}

fn boolean(n: Node<'_, '_>, name: &str) -> bool {
    matches!(text(n, name).as_deref(), Some("true" | "1"))
}

fn body<'a, 'i>(doc: &'a Document<'i>) -> Result<Node<'a, 'i>, Malformed> {
    let env = doc.root_element();
    if env.tag_name().name() != "Envelope" || env.tag_name().namespace() != Some(SOAP_NS) {
        return Err(Malformed("not a SOAP 1.1 envelope".into()));
    }
    let body = child(env, "Body").ok_or_else(|| Malformed("no SOAP Body".into()))?;
    body.children()
        .find(Node::is_element)
        .ok_or_else(|| Malformed("empty SOAP Body".into()))
}

/// Reads a request body (simulator side).
pub fn decode_request(xml: &str) -> Result<Request, Malformed> {
    let doc = Document::parse(xml).map_err(|e| Malformed(e.to_string()))?;
    let op = body(&doc)?;
    if op.tag_name().namespace() != Some(NS) {
        return Err(Malformed(
            "operation is not in the SSBTEK v10 namespace".into(),
        ));
    }
    match op.tag_name().name() {
        "testaBastjanstInformation" => return Ok(Request::Testa),
        "hamtaBastjanstInformation" => {}
        other => return Err(Malformed(format!("unknown operation {other}"))),
    }
    let g = child(op, "generellaFrageparametrar")
        .ok_or_else(|| Malformed("generellaFrageparametrar missing".into()))?;
    let ingivare = child(g, "ingivare");
    let period = child(g, "tidsperiod");
    let mut raw = RawFraga {
        korrelationsid: text(g, "korrelationsid"),
        organisationsnummer: ingivare
            .map(|i| text_or_empty(i, "organisationsnummer"))
            .unwrap_or_default(),
        namn: ingivare
            .map(|i| text_or_empty(i, "namn"))
            .unwrap_or_default(),
        handlaggare: ingivare
            .map(|i| text_or_empty(i, "handlaggare"))
            .unwrap_or_default(),
        personidentitet: text_or_empty(g, "personidentitet"),
        arendeidentitet: text_or_empty(g, "arendeidentitet"),
        from: period
            .map(|p| text_or_empty(p, "fromDatum"))
            .unwrap_or_default(),
        tom: period
            .map(|p| text_or_empty(p, "tomDatum"))
            .unwrap_or_default(),
        syfte: text_or_empty(g, "syfte"),
        lagtext: text_or_empty(g, "lagtext"),
        sources: Vec::new(),
        fk_period: None,
    };
    if let Some(spec) = child(op, "specifikaFrageparametrar") {
        for s in Source::ALL {
            let Some(e) = child(spec, s.element()) else {
                continue;
            };
            if matches!(e.attribute("inkludera"), Some("true" | "1")) {
                raw.sources.push(s);
            }
            if s == Source::Fk {
                raw.fk_period = child(e, "fraga")
                    .and_then(|f| text(f, "lefiJsonFraga"))
                    .and_then(|b| BASE64.decode(b).ok())
                    .and_then(|j| serde_json::from_slice(&j).ok());
            }
        }
    }
    Ok(Request::Hamta(Box::new(raw)))
}

// ---- the answer -------------------------------------------------------------------------

/// `hamtaBastjanstInformationResponse` for an answer (simulator side). `ingivare` is echoed
/// by SO, as the a-kassor do.
pub fn encode_svar(svar: &Svar, ingivare: &Ingivare, from: &str, tom: &str) -> String {
    let mut w = W::new();
    w.envelope_start(SOURCE_NAMESPACES);
    w.open("ssbt:hamtaBastjanstInformationResponse");
    w.opt("ssbt:korrelationsid", svar.korrelationsid.as_deref());
    w.open("ssbt:svarsdata");
    source(&mut w, "AF", &svar.af, |w, a| {
        w.leaf("af:StatusSokandeinformationKod", a.status_kod);
        w.leaf("af:StatusSokandeinformationKodText", &a.status_text);
        w.leaf("af:Sekretessmarkering", a.sekretessmarkering);
        w.open("af:ArbetssokandeInfo");
        w.leaf("af:Arbetssokande", a.arbetssokande);
        w.opt("af:ArbetssokandeSKAT", a.kategori.as_deref());
        w.opt("af:ArbetssokandeRegistrerad", a.registrerad.as_deref());
        w.opt("af:ArbetssokandeOmfattning", a.omfattning);
        w.close("af:ArbetssokandeInfo");
        w.opt("af:Akassetillhorighet", a.akassa.as_deref());
    });
    source(&mut w, "CSN", &svar.csn, |w, c| {
        w.leaf("ssbt:svar", BASE64.encode(csn_xml(c)));
    });
    source(&mut w, "FK", &svar.fk, |w, f| {
        w.leaf("ssbt:lefiJsonSvar", BASE64.encode(lefi_json(f).to_string()));
    });
    source(&mut w, "SKV", &svar.skv, |w, s| {
        w.open("skv:PersonuppgiftLista");
        w.open("skv:Personuppgift");
        w.leaf("skv:StatusPersonuppgiftKod", s.status_kod);
        for k in &s.kapital {
            w.open("skv:Kapitaluppgift");
            w.leaf("skv:Taxeringsar", k.taxeringsar);
            w.leaf("skv:SummaIntakterPaKapital", k.summa_intakter);
            w.leaf("skv:OverskottPaKapital", k.overskott);
            w.close("skv:Kapitaluppgift");
        }
        w.close("skv:Personuppgift");
        w.close("skv:PersonuppgiftLista");
    });
    source(&mut w, "SO", &svar.so, |w, s| {
        w.leaf(
            "so:OrganisationsnummerIngivare",
            &ingivare.organisationsnummer,
        );
        w.leaf("so:NamnIngivare", &ingivare.namn);
        w.leaf("so:KontonamnHandlaggare", &ingivare.handlaggare);
        w.leaf("so:From", from);
        w.leaf("so:Tom", tom);
        let mut orgs: Vec<&str> = Vec::new();
        for u in &s.utbetalningar {
            if !orgs.contains(&u.organisation.as_str()) {
                orgs.push(&u.organisation);
            }
        }
        for org in orgs {
            w.open("so:Svar");
            w.leaf("so:SvarandeOrganisation", org);
            w.leaf("so:StatusSvarandeOrganisation", "OK");
            w.open("so:Utbetalningar");
            for u in s.utbetalningar.iter().filter(|u| u.organisation == org) {
                w.open("so:Utbetalning");
                w.leaf("so:Utbetalningsdatum", &u.utbetalningsdatum);
                w.leaf("so:NettoEfterSkatt", u.netto_efter_skatt);
                w.leaf("so:NettoEfterAvdrag", u.netto_efter_avdrag);
                w.leaf("so:Ersattningsdagar", u.ersattningsdagar);
                w.leaf("so:AvserFrom", &u.avser_from);
                w.leaf("so:AvserTom", &u.avser_tom);
                w.close("so:Utbetalning");
            }
            w.close("so:Utbetalningar");
            w.close("so:Svar");
        }
    });
    source(&mut w, "TNS", &svar.tns, |w, t| {
        w.leaf("tns:resultat", "OK");
        w.open("tns:fordonsinnehav");
        for f in &t.fordon {
            w.open("tns:fordon");
            w.leaf("tns:regnr", &f.regnr);
            w.leaf("tns:fabrikat", &f.fabrikat);
            w.leaf("tns:fordonsar", f.fordonsar);
            w.leaf("tns:fordonsslag", &f.fordonsslag);
            w.leaf("tns:handelsbeteckning", &f.handelsbeteckning);
            w.close("tns:fordon");
        }
        w.close("tns:fordonsinnehav");
    });
    source(&mut w, "MIV", &svar.miv, |w, m| {
        w.opt("miv:korrelationsid", svar.korrelationsid.as_deref());
        for b in &m.beslut {
            w.open("miv:svar");
            w.leaf("miv:ansokningsdatum", &b.ansokningsdatum);
            w.leaf("miv:arendeTyp", &b.arende_typ);
            w.leaf("miv:beslutsKod", &b.beslutskod);
            w.leaf("miv:beslutsTyp", &b.beslutstyp);
            w.leaf("miv:beslutsdatum", &b.beslutsdatum);
            w.opt("miv:giltighetstid", b.giltighetstid.as_deref());
            w.close("miv:svar");
        }
    });
    w.close("ssbt:svarsdata");
    w.close("ssbt:hamtaBastjanstInformationResponse");
    w.envelope_end()
}

fn source<T>(w: &mut W, element: &str, outcome: &Outcome<T>, data: impl FnOnce(&mut W, &T)) {
    let tag = format!("ssbt:{element}");
    match outcome {
        Outcome::NotRequested => {}
        Outcome::Data(d) => {
            w.open(&tag);
            w.open("ssbt:data");
            data(w, d);
            w.close("ssbt:data");
            w.close(&tag);
        }
        Outcome::Error(e) => {
            w.open(&tag);
            w.open("ssbt:error");
            w.leaf("ssbt:kalla", &e.kalla);
            w.leaf("ssbt:felkod", &e.felkod);
            w.leaf("ssbt:felmeddelande", &e.felmeddelande);
            w.close("ssbt:error");
            w.close(&tag);
        }
    }
}

fn csn_xml(c: &Csn) -> String {
    let mut w = W::new();
    w.open("GemensamtSvarEkbistand");
    w.open("Resultat");
    w.leaf("ResultatKod", c.resultat_kod);
    w.leaf("ResultatText", &c.resultat_text);
    w.close("Resultat");
    if let Some(status) = &c.status {
        w.open("Person");
        w.leaf("sekretess", c.sekretess);
        w.leaf("Status", status);
        w.open("Studiestodstypforteckning");
        for kind in [
            "studiemedel",
            "studiehjalp",
            "hemutrustningslan",
            "studiestartsstod",
        ] {
            w.leaf(kind, c.studiestod.iter().any(|s| s == kind));
        }
        w.close("Studiestodstypforteckning");
        w.close("Person");
    }
    w.close("GemensamtSvarEkbistand");
    w.out
}

fn lefi_json(f: &Fk) -> serde_json::Value {
    let kod = if f.tillstand_ok {
        "OK"
    } else {
        "EJ_TILLGANGLIG"
    };
    let mut groups: Vec<&str> = f
        .utbetalningar
        .iter()
        .map(|u| u.formansgrupp.as_str())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    let formansinformation: Vec<_> = groups
        .iter()
        .map(|g| {
            let rows: Vec<_> = f
                .utbetalningar
                .iter()
                .filter(|u| u.formansgrupp == *g)
                .map(|u| {
                    serde_json::json!({
                        "utbetalningsdatum": u.utbetalningsdatum,
                        "belopp": u.belopp,
                        "period": { "fran": u.avser_from, "till": u.avser_tom },
                    })
                })
                .collect();
            serde_json::json!({ "formansgrupp": g, "utbetalningar": rows })
        })
        .collect();
    serde_json::json!({
        "utlamnare": [
            { "namn": "Försäkringskassan", "tillstand": { "kod": kod } },
            { "namn": "Pensionsmyndigheten", "tillstand": { "kod": kod } },
        ],
        "avvikelser": f.avvikelser,
        "formansinformation": formansinformation,
        "generellPersoninformation": f.foddes.as_ref().map(|foddes| serde_json::json!({
            "foddes": foddes,
            "skyddad": f.skyddad,
        })),
    })
}

/// The result of decoding a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// An answer.
    Svar(Box<Svar>),
    /// A SOAP fault.
    Fault(Fault),
}

/// Reads a `hamtaBastjanstInformationResponse` or a fault (connector side).
pub fn decode_response(xml: &str) -> Result<Response, Malformed> {
    let doc = Document::parse(xml).map_err(|e| Malformed(e.to_string()))?;
    let op = body(&doc)?;
    if op.tag_name().name() == "Fault" {
        return Ok(Response::Fault(decode_fault(op)));
    }
    if op.tag_name().name() != "hamtaBastjanstInformationResponse" {
        return Err(Malformed(format!(
            "unexpected element {}",
            op.tag_name().name()
        )));
    }
    let data = child(op, "svarsdata").ok_or_else(|| Malformed("svarsdata missing".into()))?;
    let mut svar = Svar::empty(text(op, "korrelationsid"));
    svar.af = outcome(data, "AF", decode_af)?;
    svar.csn = outcome(data, "CSN", decode_csn)?;
    svar.fk = outcome(data, "FK", decode_fk)?;
    svar.skv = outcome(data, "SKV", decode_skv)?;
    svar.so = outcome(data, "SO", decode_so)?;
    svar.tns = outcome(data, "TNS", decode_tns)?;
    svar.miv = outcome(data, "MIV", decode_miv)?;
    Ok(Response::Svar(Box::new(svar)))
}

fn decode_fault(f: Node<'_, '_>) -> Fault {
    let faultcode = text_or_empty(f, "faultcode");
    let code = if faultcode.ends_with("Client") {
        FaultCode::Client
    } else {
        FaultCode::Server
    };
    let felkod = f
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "felkod")
        .and_then(|n| n.text())
        .unwrap_or_default()
        .trim()
        .to_owned();
    Fault {
        code,
        message: text_or_empty(f, "faultstring"),
        felkod,
    }
}

fn outcome<T>(
    data: Node<'_, '_>,
    element: &str,
    decode: impl FnOnce(Node<'_, '_>) -> Result<T, Malformed>,
) -> Result<Outcome<T>, Malformed> {
    let Some(e) = child(data, element) else {
        return Ok(Outcome::NotRequested);
    };
    if let Some(err) = child(e, "error") {
        return Ok(Outcome::Error(SourceError {
            kalla: text_or_empty(err, "kalla"),
            felkod: text_or_empty(err, "felkod"),
            felmeddelande: children(err, "felmeddelande")
                .map(|m| m.text().unwrap_or_default().trim().to_owned())
                .collect::<Vec<_>>()
                .join(" "),
        }));
    }
    let d = child(e, "data").ok_or_else(|| Malformed(format!("{element}: no data or error")))?;
    decode(d)
        .map(Outcome::Data)
        .map_err(|m| Malformed(format!("{element}: {}", m.0)))
}

fn decode_af(d: Node<'_, '_>) -> Result<Af, Malformed> {
    let info = child(d, "ArbetssokandeInfo");
    Ok(Af {
        status_kod: int(d, "StatusSokandeinformationKod")?,
        status_text: text_or_empty(d, "StatusSokandeinformationKodText"),
        sekretessmarkering: boolean(d, "Sekretessmarkering"),
        arbetssokande: info.is_some_and(|i| boolean(i, "Arbetssokande")),
        kategori: info.and_then(|i| text(i, "ArbetssokandeSKAT")),
        registrerad: info.and_then(|i| text(i, "ArbetssokandeRegistrerad")),
        omfattning: info
            .and_then(|i| text(i, "ArbetssokandeOmfattning"))
            .and_then(|t| t.parse().ok()),
        akassa: text(d, "Akassetillhorighet"),
    })
}

fn base64_field(d: Node<'_, '_>, name: &str) -> Result<Vec<u8>, Malformed> {
    let b = text(d, name).ok_or_else(|| Malformed(format!("{name} missing")))?;
    BASE64
        .decode(b.as_bytes())
        .map_err(|e| Malformed(format!("{name}: {e}")))
}

fn decode_csn(d: Node<'_, '_>) -> Result<Csn, Malformed> {
    let bytes = base64_field(d, "svar")?;
    let xml = String::from_utf8(bytes).map_err(|e| Malformed(e.to_string()))?;
    let doc = Document::parse(&xml).map_err(|e| Malformed(e.to_string()))?;
    let root = doc.root_element();
    let resultat = child(root, "Resultat").ok_or_else(|| Malformed("Resultat missing".into()))?;
    let person = child(root, "Person");
    let studiestod = person
        .and_then(|p| child(p, "Studiestodstypforteckning"))
        .map(|list| {
            list.children()
                .filter(|c| c.is_element() && matches!(c.text(), Some("true" | "1")))
                .map(|c| c.tag_name().name().to_owned())
                .collect()
        })
        .unwrap_or_default();
    Ok(Csn {
        resultat_kod: int(resultat, "ResultatKod")?,
        resultat_text: text_or_empty(resultat, "ResultatText"),
        sekretess: person.is_some_and(|p| boolean(p, "sekretess")),
        status: person.and_then(|p| text(p, "Status")),
        studiestod,
    })
}

#[derive(serde::Deserialize)]
struct Lefi {
    #[serde(default)]
    utlamnare: Vec<LefiUtlamnare>,
    #[serde(default)]
    avvikelser: Vec<String>,
    #[serde(default)]
    formansinformation: Vec<LefiGrupp>,
    #[serde(rename = "generellPersoninformation")]
    person: Option<LefiPerson>,
}

#[derive(serde::Deserialize)]
struct LefiUtlamnare {
    tillstand: LefiTillstand,
}

#[derive(serde::Deserialize)]
struct LefiTillstand {
    kod: String,
}

#[derive(serde::Deserialize)]
struct LefiGrupp {
    formansgrupp: String,
    #[serde(default)]
    utbetalningar: Vec<LefiUtbetalning>,
}

#[derive(serde::Deserialize)]
struct LefiUtbetalning {
    utbetalningsdatum: String,
    belopp: i64,
    period: LefiFraga,
}

#[derive(serde::Deserialize)]
struct LefiPerson {
    foddes: Option<String>,
    #[serde(default)]
    skyddad: bool,
}

fn decode_fk(d: Node<'_, '_>) -> Result<Fk, Malformed> {
    let bytes = base64_field(d, "lefiJsonSvar")?;
    let lefi: Lefi =
        serde_json::from_slice(&bytes).map_err(|e| Malformed(format!("LEFI JSON: {e}")))?;
    let mut utbetalningar: Vec<FkUtbetalning> = lefi
        .formansinformation
        .into_iter()
        .flat_map(|g| {
            let grupp = g.formansgrupp;
            g.utbetalningar.into_iter().map(move |u| FkUtbetalning {
                formansgrupp: grupp.clone(),
                utbetalningsdatum: u.utbetalningsdatum,
                belopp: u.belopp,
                avser_from: u.period.fran,
                avser_tom: u.period.till,
            })
        })
        .collect();
    utbetalningar.sort_by(|a, b| {
        (&a.utbetalningsdatum, &a.formansgrupp).cmp(&(&b.utbetalningsdatum, &b.formansgrupp))
    });
    Ok(Fk {
        tillstand_ok: lefi.utlamnare.iter().all(|u| u.tillstand.kod == "OK"),
        skyddad: lefi.person.as_ref().is_some_and(|p| p.skyddad),
        foddes: lefi.person.and_then(|p| p.foddes),
        avvikelser: lefi.avvikelser,
        utbetalningar,
    })
}

fn decode_skv(d: Node<'_, '_>) -> Result<Skv, Malformed> {
    let Some(person) = child(d, "PersonuppgiftLista").and_then(|l| child(l, "Personuppgift"))
    else {
        return Ok(Skv::default());
    };
    let kapital = children(person, "Kapitaluppgift")
        .map(|k| {
            Ok(Kapital {
                taxeringsar: int(k, "Taxeringsar")?,
                summa_intakter: int(k, "SummaIntakterPaKapital")?,
                overskott: int(k, "OverskottPaKapital")?,
            })
        })
        .collect::<Result<_, Malformed>>()?;
    Ok(Skv {
        status_kod: int(person, "StatusPersonuppgiftKod")?,
        kapital,
    })
}

fn decode_so(d: Node<'_, '_>) -> Result<So, Malformed> {
    let mut seen = std::collections::HashSet::new();
    let mut so = So::default();
    for svar in children(d, "Svar") {
        let org = text_or_empty(svar, "SvarandeOrganisation");
        let Some(list) = child(svar, "Utbetalningar") else {
            continue;
        };
        for u in children(list, "Utbetalning") {
            let row = AkassaUtbetalning {
                organisation: org.clone(),
                utbetalningsdatum: text_or_empty(u, "Utbetalningsdatum"),
                netto_efter_skatt: int(u, "NettoEfterSkatt")?,
                netto_efter_avdrag: int(u, "NettoEfterAvdrag")?,
                ersattningsdagar: int(u, "Ersattningsdagar")?,
                avser_from: text_or_empty(u, "AvserFrom"),
                avser_tom: text_or_empty(u, "AvserTom"),
            };
            // The same payment twice would be counted twice as income.
            if seen.insert(row.clone()) {
                so.utbetalningar.push(row);
            } else {
                so.dubbletter += 1;
            }
        }
    }
    so.utbetalningar
        .sort_by(|a, b| a.utbetalningsdatum.cmp(&b.utbetalningsdatum));
    Ok(so)
}

fn decode_tns(d: Node<'_, '_>) -> Result<Tns, Malformed> {
    let fordon = child(d, "fordonsinnehav")
        .map(|f| {
            children(f, "fordon")
                .map(|v| {
                    Ok(Fordon {
                        regnr: text_or_empty(v, "regnr"),
                        fabrikat: text_or_empty(v, "fabrikat"),
                        fordonsar: int(v, "fordonsar")?,
                        fordonsslag: text_or_empty(v, "fordonsslag"),
                        handelsbeteckning: text_or_empty(v, "handelsbeteckning"),
                    })
                })
                .collect::<Result<Vec<_>, Malformed>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok(Tns { fordon })
}

fn decode_miv(d: Node<'_, '_>) -> Result<Miv, Malformed> {
    Ok(Miv {
        beslut: children(d, "svar")
            .map(|s| MivBeslut {
                ansokningsdatum: text_or_empty(s, "ansokningsdatum"),
                arende_typ: text_or_empty(s, "arendeTyp"),
                beslutskod: text_or_empty(s, "beslutsKod"),
                beslutstyp: text_or_empty(s, "beslutsTyp"),
                beslutsdatum: text_or_empty(s, "beslutsdatum"),
                giltighetstid: text(s, "giltighetstid"),
            })
            .collect(),
    })
}

/// A SOAP 1.1 fault envelope with a `…Fault` detail.
pub fn encode_fault(code: FaultCode, operation: &str, felkod: &str, message: &str) -> String {
    let mut w = W::new();
    w.envelope_start("");
    w.open("soapenv:Fault");
    w.leaf(
        "faultcode",
        match code {
            FaultCode::Client => "soapenv:Client",
            FaultCode::Server => "soapenv:Server",
        },
    );
    w.leaf("faultstring", message);
    w.open("detail");
    w.open(&format!("ssbt:{operation}Fault"));
    w.leaf("ssbt:felkod", felkod);
    w.leaf("ssbt:felmeddelande", message);
    w.close(&format!("ssbt:{operation}Fault"));
    w.close("detail");
    w.close("soapenv:Fault");
    w.envelope_end()
}

/// `testaBastjanstInformationResponse`: every source `anropad`.
pub fn encode_test_response() -> String {
    let mut w = W::new();
    w.envelope_start("");
    w.open("ssbt:testaBastjanstInformationResponse");
    for s in Source::ALL {
        let tag = format!("ssbt:{}", s.element());
        w.open(&tag);
        w.leaf("ssbt:anropad", "true");
        w.close(&tag);
    }
    w.close("ssbt:testaBastjanstInformationResponse");
    w.envelope_end()
}

/// Reads a `testaBastjanstInformationResponse`: the sources that were called.
pub fn decode_test_response(xml: &str) -> Result<Result<Vec<Source>, Fault>, Malformed> {
    let doc = Document::parse(xml).map_err(|e| Malformed(e.to_string()))?;
    let op = body(&doc)?;
    if op.tag_name().name() == "Fault" {
        return Ok(Err(decode_fault(op)));
    }
    Ok(Ok(Source::ALL
        .into_iter()
        .filter(|s| child(op, s.element()).is_some_and(|e| boolean(e, "anropad")))
        .collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::personnummer::Personidentitet;

    fn fraga() -> Fraga {
        Fraga {
            ingivare: Ingivare {
                organisationsnummer: "162120000217".into(),
                namn: "Norrtälje kommun".into(),
                handlaggare: "handl01".into(),
            },
            personidentitet: Personidentitet::parse("201701012393").expect("valid"),
            arendeidentitet: "EB-2026-0001".into(),
            from: "2026-01-01".into(),
            tom: "2026-03-31".into(),
            syfte: "Handläggning av ekonomiskt bistånd".into(),
            lagtext: "<test & lag>".into(),
            korrelationsid: "k-1".into(),
            sources: vec![Source::Af, Source::Fk, Source::Miv],
        }
    }

    #[test]
    fn a_question_round_trips() {
        let f = fraga();
        let Request::Hamta(raw) = decode_request(&encode_fraga(&f)).expect("decodes") else {
            panic!("not hamta");
        };
        assert_eq!(raw.personidentitet, "201701012393");
        assert_eq!(raw.lagtext, "<test & lag>");
        assert_eq!(raw.sources, f.sources);
        assert_eq!(raw.korrelationsid.as_deref(), Some("k-1"));
        assert_eq!(
            raw.fk_period,
            Some(LefiFraga {
                fran: "2026-01-01".into(),
                till: "2026-03-31".into()
            })
        );
        assert_eq!(decode_request(&encode_test()), Ok(Request::Testa));
    }

    #[test]
    fn an_answer_round_trips() {
        let mut svar = Svar::empty(Some("k-1".into()));
        svar.af = Outcome::Data(Af {
            sekretessmarkering: true,
            arbetssokande: true,
            omfattning: Some(100),
            ..Af::default()
        });
        svar.csn = Outcome::Data(Csn {
            status: Some("Aktiv".into()),
            studiestod: vec!["studiemedel".into()],
            ..Csn::default()
        });
        svar.fk = Outcome::Data(Fk {
            tillstand_ok: true,
            foddes: Some("1985-03-01".into()),
            utbetalningar: vec![FkUtbetalning {
                formansgrupp: "FK:SJP".into(),
                utbetalningsdatum: "2026-01-25".into(),
                belopp: 12_000,
                avser_from: "2026-01-01".into(),
                avser_tom: "2026-01-31".into(),
            }],
            ..Fk::default()
        });
        svar.so = Outcome::Error(SourceError {
            kalla: "SSBT".into(),
            felkod: "TIMEOUT".into(),
            felmeddelande: "x".into(),
        });
        let ingivare = fraga().ingivare;
        let xml = encode_svar(&svar, &ingivare, "2026-01-01", "2026-03-31");
        assert_eq!(decode_response(&xml), Ok(Response::Svar(Box::new(svar))));
    }

    #[test]
    fn faults_and_garbage() {
        let xml = encode_fault(FaultCode::Client, "hamtaBastjanstInformation", "X", "nej");
        let Ok(Response::Fault(f)) = decode_response(&xml) else {
            panic!("fault expected");
        };
        assert_eq!((f.code, f.felkod.as_str()), (FaultCode::Client, "X"));
        assert!(decode_response("<soapenv:Envelope").is_err());
        assert!(decode_response("<a/>").is_err());
    }
}
