//! The job types flode does itself, as in-process workers (`flode_engine::worker`) that
//! `flode serve` starts on every node: the calculation, the decision letter, the notices to
//! the citizen and to staff, and SSBTEK (`flode_integrations`, set up by [`ssbtek`]).

use anyhow::Context;
use flode_casework::{
    Authority, NO_CALCULATION, NO_CALCULATION_ERROR, decision_letter, month_name, open_months_at,
    swedish_time,
};
use flode_engine::worker::{Handler, JobFailure};
use flode_engine::{ActivatedJob, Engine, new_id};
use flode_forsorjningsstod::{Error as CalcError, Household, Norms, calculate};
use flode_integrations::worker::{SsbtekFetch, WorkerOptions};
use flode_integrations::{Client, ClientConfig, LatencyProfile, Simulator, SimulatorConfig};
use flode_store::{CaseDocumentRecord, CaseMessageRecord, CaseRecord, Store};
use serde_json::{Map, Value, json};

use crate::settings::{Environment, Settings};

/// `forsorjningsstod.calculate`: the month's calculation by riksnorm for the household in the
/// instance's `hushall` variable (the input of docs/forsorjningsstod.md). Completes with
/// `berakning` (the whole calculation, every row with its reason), `utfall` (`deficit` or
/// `surplus`) and `inkomstavvikelser` (where SSBTEK's payments, counted in, exceed the
/// application), which the delegation rules read. Where the norms have no figures for the
/// month's year or for the household, or the household needs a rule not built, throws the
/// BPMN error `berakning-saknas` with the reason in `berakningSaknas`: the model sends the
/// case to a social worker to calculate by hand. Input that cannot be calculated is for a
/// person to correct: the job goes to an incident with the reasons, and is not retried.
pub(crate) struct Calculation {
    norms: Norms,
}

impl Calculation {
    pub(crate) const JOB_TYPE: &str = "forsorjningsstod.calculate";

    pub(crate) fn new(norms: Norms) -> Self {
        Self { norms }
    }

    fn run(&self, variables: &Map<String, Value>) -> Result<Map<String, Value>, JobFailure> {
        let household = variables.get("hushall").ok_or_else(|| {
            JobFailure::permanent(
                "variabeln hushall saknas: beräkningen behöver hushållets uppgifter",
            )
        })?;
        // What the agencies paid (SSBTEK, when fetched) counts where it is more than declared.
        let ssbtek = variables.get("ssbtek").unwrap_or(&Value::Null);
        let merged = flode_casework::with_ssbtek_incomes(household, ssbtek);
        let household = Household::from_json(&merged.hushall.to_string())
            .map_err(|e| JobFailure::permanent(format!("hushall: {e}")))?;
        let calculation = calculate(&self.norms, &household).map_err(|e| {
            let message = format!("beräkningen kunde inte göras: {e}");
            match e {
                // The norms or the rules cannot say (a year or a household the confirmed
                // figures do not cover, a rule not built): a social worker calculates by hand.
                CalcError::NoNorm { .. }
                | CalcError::NormLacks { .. }
                | CalcError::Unsupported(_) => {
                    let why = Map::from_iter([(NO_CALCULATION.to_owned(), json!(e.to_string()))]);
                    JobFailure::bpmn_error(NO_CALCULATION_ERROR, message, why)
                }
                _ => JobFailure::permanent(message),
            }
        })?;
        let berakning = serde_json::to_value(&calculation)
            .map_err(|e| JobFailure::permanent(format!("beräkningen: {e}")))?;
        let mut out = Map::new();
        out.insert("utfall".into(), berakning["outcome"].clone());
        out.insert("inkomstavvikelser".into(), json!(merged.deviations));
        out.insert("berakning".into(), berakning);
        Ok(out)
    }
}

/// The riksnorm years the calculation knows: the shipped ones and `norms_dir`'s. Logs them,
/// and warns when this month's or next month's year (in Sweden) has none: applications for
/// those months would stop at the calculation.
pub(crate) fn norms(settings: &Settings, now: i64) -> anyhow::Result<Norms> {
    // An empty value (`FLODE_NORMS_DIR=`) is unset, as an empty `public_url` or OIDC setting is.
    let dir = settings
        .norms_dir
        .as_deref()
        .filter(|d| !d.as_os_str().is_empty());
    let norms = match dir {
        Some(dir) => Norms::shipped_and_dir(dir)
            .with_context(|| format!("loading the riksnorm files in {}", dir.display()))?,
        None => Norms::shipped().context("loading the riksnorm tables")?,
    };
    let years: Vec<i32> = norms.years().map(|n| n.year()).collect();
    tracing::info!(?years, "riksnorm years");
    for year in missing_open_years(&norms, now) {
        tracing::warn!(
            year,
            "no riksnorm for {year}: applications for its months go to a social worker without a calculation until a riksnorm-{year}.dmn is added (norms_dir)"
        );
    }
    Ok(norms)
}

/// The years of the months open for applications that the norms lack.
fn missing_open_years(norms: &Norms, now: i64) -> Vec<i32> {
    let mut years: Vec<i32> = open_months_at(now).iter().map(|&(y, _)| y).collect();
    years.dedup();
    years.retain(|&y| norms.year(y).is_err());
    years
}

impl Handler for Calculation {
    fn job_type(&self) -> &str {
        Self::JOB_TYPE
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        self.run(&job.variables)
    }
}

/// The case a job's process instance carries. An instance started without a case (through
/// the raw API, say) has no applicant to write to: that is for a person to look at.
async fn case_of_job(store: &Store, job: &ActivatedJob) -> Result<CaseRecord, JobFailure> {
    let instance = job.job.instance_id.as_deref().ok_or_else(|| {
        JobFailure::permanent("jobbet hör inte till någon processinstans och därmed inget ärende")
    })?;
    store
        .case_of_instance(instance)
        .await
        .map_err(|e| JobFailure::transient(format!("ärendet kunde inte läsas: {e}")))?
        .ok_or_else(|| {
            JobFailure::permanent(
                "processinstansen hör inte till något ärende (den startades inte från en \
                 ansökan), så det finns ingen sökande att skriva till",
            )
        })
}

/// `document.decision_letter`: the decision letter of the case, as a PDF with a plain-text
/// copy, stored with the case (kind `beslutsbrev`). Completes with `beslutsbrev`, the
/// document's id. The job's idempotency key is the document's dedup key, so a retried job
/// (a lost completion, a node that died) stores the letter once.
pub(crate) struct DecisionLetterWorker {
    engine: Engine,
    authority: Authority,
}

impl DecisionLetterWorker {
    pub(crate) const JOB_TYPE: &str = "document.decision_letter";

    pub(crate) fn new(engine: Engine, authority: Authority) -> Self {
        Self { engine, authority }
    }
}

impl Handler for DecisionLetterWorker {
    fn job_type(&self) -> &str {
        Self::JOB_TYPE
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        let store = self.engine.store();
        let case = case_of_job(store, job).await?;
        let now = self.engine.now();
        let letter = decision_letter(
            &case,
            &job.variables,
            &self.authority,
            &swedish_time::date(now),
        )
        .map_err(|e| match e {
            flode_casework::Error::Corrupt(why) => JobFailure::permanent(why),
            other => JobFailure::permanent(format!("beslutsbrevet kunde inte skapas: {other}")),
        })?;
        let pdf = flode_letters::render_pdf(&letter).map_err(|e| {
            JobFailure::permanent(format!("beslutsbrevet kunde inte skrivas som PDF: {e}"))
        })?;
        let stored = store
            .insert_case_document(
                &CaseDocumentRecord {
                    id: new_id(),
                    case_id: case.id.clone(),
                    kind: "beslutsbrev".into(),
                    title: format!("Beslut {}", case.case_number),
                    media_type: "application/pdf".into(),
                    text: flode_letters::render_text(&letter),
                    dedup_key: job.job.idempotency_key.clone(),
                    created_at: now,
                },
                &pdf,
            )
            .await
            .map_err(|e| JobFailure::transient(format!("beslutsbrevet kunde inte sparas: {e}")))?;
        tracing::info!(case = %case.case_number, document = %stored.id, "decision letter stored");
        let mut out = Map::new();
        out.insert("beslutsbrev".into(), json!(stored.id));
        Ok(out)
    }
}

/// `notify.citizen`: tells the citizen, in the case's messages under Mina sidor, that the
/// decision is made and where the letter is. The job's idempotency key is the message's
/// dedup key, so a retried job writes it once.
pub(crate) struct NotifyCitizenWorker {
    engine: Engine,
}

impl NotifyCitizenWorker {
    pub(crate) const JOB_TYPE: &str = "notify.citizen";

    pub(crate) fn new(engine: Engine) -> Self {
        Self { engine }
    }
}

impl Handler for NotifyCitizenWorker {
    fn job_type(&self) -> &str {
        Self::JOB_TYPE
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        let store = self.engine.store();
        let case = case_of_job(store, job).await?;
        let body = format!(
            "Beslut är fattat i ditt ärende {} om ekonomiskt bistånd för {}. Du hittar \
             beslutsbrevet under Mina sidor, i ärendet. Där står också hur du gör om du vill \
             överklaga.",
            case.case_number,
            month_name(&case.month)
        );
        store
            .add_case_message(&CaseMessageRecord {
                id: new_id(),
                case_id: case.id.clone(),
                sender: "system".into(),
                author: "Socialtjänsten".into(),
                body,
                dedup_key: Some(job.job.idempotency_key.clone()),
                created_at: self.engine.now(),
            })
            .await
            .map_err(|e| JobFailure::transient(format!("meddelandet kunde inte sparas: {e}")))?;
        tracing::info!(case = %case.case_number, "citizen told of the decision");
        Ok(Map::new())
    }
}

/// `notify.staff`: the reminder when a case has waited three days for a decision. For now
/// it only logs the case number; a real channel to the social worker (e-mail, a task list
/// badge) is future work.
pub(crate) struct NotifyStaffWorker;

impl NotifyStaffWorker {
    pub(crate) const JOB_TYPE: &str = "notify.staff";
}

impl Handler for NotifyStaffWorker {
    fn job_type(&self) -> &str {
        Self::JOB_TYPE
    }

    async fn handle(&self, job: &ActivatedJob) -> Result<Map<String, Value>, JobFailure> {
        let case = job
            .variables
            .get("arendeId")
            .and_then(Value::as_str)
            .unwrap_or("(okänt ärende)");
        tracing::info!(
            case,
            "reminder: the case has waited three days for a decision"
        );
        Ok(Map::new())
    }
}

/// The `ssbtek.fetch` worker for `settings`: SSBTEK at `ssbtek_endpoint`, or, in `test`
/// without one, the simulator embedded on a free local port. Production without an
/// endpoint or a lagtext is refused: the simulator answers synthetic people only.
pub(crate) async fn ssbtek(settings: &Settings, store: &Store) -> anyhow::Result<SsbtekFetch> {
    let production = settings.environment == Environment::Production;
    let endpoint = match (&settings.ssbtek_endpoint, production) {
        (Some(endpoint), _) => endpoint.clone(),
        (None, true) => anyhow::bail!(
            "ssbtek_endpoint is required with environment = \"production\": the SSBTEK simulator answers synthetic test identities only"
        ),
        (None, false) => {
            let simulator = Simulator::new(SimulatorConfig::new(LatencyProfile::None, 1))
                .context("starting the embedded SSBTEK simulator")?;
            let address = simulator
                .spawn("127.0.0.1:0")
                .await
                .context("starting the embedded SSBTEK simulator")?;
            tracing::warn!(
                %address,
                "SSBTEK is simulated: no ssbtek_endpoint is set, so ssbtek.fetch asks the embedded simulator (test identities only)"
            );
            format!("http://{address}/ssbtek/v10")
        }
    };
    let lagtext = match (&settings.ssbtek_lagtext, production) {
        (Some(lagtext), _) => lagtext.clone(),
        (None, true) => anyhow::bail!(
            "ssbtek_lagtext is required with environment = \"production\": take the provision from the current SSBTEK agreement"
        ),
        (None, false) => "Testlagtext (ej verifierad)".into(),
    };
    let config = ClientConfig::new(endpoint, &settings.ssbtek_org, &settings.authority_name);
    let client = Client::new(config, store.clone()).context("setting up the SSBTEK client")?;
    Ok(SsbtekFetch::new(
        client,
        WorkerOptions::new(format!("{}/ssbtek", settings.node_name), lagtext),
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use flode_casework::{Casework, CaseworkOptions, Citizen, Form, Page, cost_field};
    use flode_engine::worker::Workers;
    use flode_engine::{Engine, EngineOptions, ManualClock, SystemClock};
    use flode_store::{InstanceState, StoreOptions};

    use super::*;

    const MODEL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="https://flode.example/test">
  <bpmn:process id="calc" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="berakna"/>
    <bpmn:serviceTask id="berakna"><bpmn:extensionElements><zeebe:taskDefinition type="forsorjningsstod.calculate"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="berakna" targetRef="wait"/>
    <bpmn:userTask id="wait"/>
  </bpmn:process>
</bpmn:definitions>"#;

    async fn engine(dir: &tempfile::TempDir) -> Engine {
        let url = format!("sqlite://{}", dir.path().join("flode.db").display());
        let store = Store::connect(&StoreOptions::new(&url))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let engine = Engine::new(store, Arc::new(SystemClock), EngineOptions::default())
            .await
            .expect("engine");
        engine.deploy("calc.bpmn", MODEL).await.expect("deploy");
        engine
    }

    /// Waits until the instance has `name`, or an open incident; returns the variable.
    async fn outcome(engine: &Engine, instance: &str) -> Result<Value, String> {
        for _ in 0..200 {
            let vars = engine.store().variables(instance).await.expect("vars");
            if let Some(v) = vars.iter().find(|v| v.name == "berakning") {
                return Ok(v.value.clone());
            }
            let incidents = engine
                .store()
                .incidents_of(instance)
                .await
                .expect("incidents");
            if let Some(i) = incidents.first() {
                return Err(i.message.clone());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the calculation job was not worked");
    }

    #[tokio::test]
    async fn the_worker_calculates_the_household_of_the_instance() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = engine(&dir).await;
        let mut workers = Workers::default();
        workers.start(&engine, Calculation::new(Norms::shipped().expect("norms")));
        let household_json = || -> Value {
            serde_json::from_str(include_str!(
                "../../../docs/examples/forsorjningsstod/ex1-ensamstaende.json"
            ))
            .expect("example")
        };
        let mut vars = Map::new();
        vars.insert("hushall".into(), household_json());
        let started = engine.start("calc", vars, None).await.expect("start");
        let calculation = outcome(&engine, &started.id).await.expect("calculated");
        assert_eq!(calculation["support"], 4590, "{calculation}");
        let utfall = engine.store().variables(&started.id).await.expect("vars");
        assert!(
            utfall
                .iter()
                .any(|v| v.name == "utfall" && v.value == json!("deficit"))
        );

        // SSBTEK's a-kassa for november (the kontrollperiod), more than the 7 480 kr
        // declared: counted in, named by source, and listed as a deviation.
        let mut vars = Map::new();
        vars.insert("hushall".into(), household_json());
        vars.insert(
            "ssbtek".into(),
            json!({"inkomster": [{"source": "SO", "slag": "akassa", "utbetalningsdatum": "2026-11-27", "belopp": 8480}]}),
        );
        let started = engine.start("calc", vars, None).await.expect("start");
        let calculation = outcome(&engine, &started.id).await.expect("calculated");
        assert_eq!(
            calculation["support"], 3590,
            "1 000 kr more income: {calculation}"
        );
        let reasons = calculation["rows"].to_string();
        assert!(
            reasons.contains("a-kassan, utbetalt 2026-11-27"),
            "{reasons}"
        );
        let vars = engine.store().variables(&started.id).await.expect("vars");
        let deviations = vars
            .iter()
            .find(|v| v.name == "inkomstavvikelser")
            .expect("deviations");
        assert_eq!(deviations.value.as_array().map(Vec::len), Some(1));

        // Input it cannot calculate goes to a person, with the reasons, untried again.
        let mut bad = Map::new();
        bad.insert("hushall".into(), json!({"month": "2026-12", "members": []}));
        let started = engine.start("calc", bad, None).await.expect("start");
        let reason = outcome(&engine, &started.id)
            .await
            .expect_err("an incident");
        assert!(reason.contains("sökande"), "{reason}");
        workers.shutdown().await;
    }

    /// 2026-12-04 08:00 UTC: december 2026 is open for applications.
    const NOW: i64 = 1_796_371_200_000;

    fn form(pairs: &[(&str, &str)]) -> Form {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The case service over a fresh SQLite file with the shipped models, at [`NOW`].
    async fn casework(dir: &tempfile::TempDir) -> Casework {
        let url = format!("sqlite://{}", dir.path().join("flode.db").display());
        let store = Store::connect(&StoreOptions::new(&url))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let engine = Engine::new(
            store,
            Arc::new(ManualClock::new(NOW)),
            EngineOptions::default(),
        )
        .await
        .expect("engine");
        crate::processes::deploy(&engine).await.expect("deploy");
        Casework::new(engine, CaseworkOptions::default())
    }

    /// Leases the one open job of `job_type`.
    async fn job(engine: &Engine, job_type: &str) -> ActivatedJob {
        let mut jobs = engine
            .activate_jobs(job_type, "test", 1, 60_000)
            .await
            .expect("activate");
        assert_eq!(jobs.len(), 1, "one {job_type} job");
        jobs.remove(0)
    }

    async fn complete(engine: &Engine, job: &ActivatedJob, vars: Map<String, Value>) {
        engine
            .complete_job(&job.job.id, Some("test"), vars)
            .await
            .expect("complete");
    }

    /// A case for december 2026 (alone, rent 6 850 kr, no incomes), with its SSBTEK data
    /// and calculation done: it waits for a social worker's decision.
    async fn case_to_decide(cw: &Casework, who: &Citizen) -> CaseRecord {
        let case = fetched_case(cw, who, "2026-12").await;
        let engine = cw.engine();
        let calc = job(engine, Calculation::JOB_TYPE).await;
        let worker = Calculation::new(Norms::shipped().expect("norms"));
        let vars = worker.handle(&calc).await.expect("calculated");
        complete(engine, &calc, vars).await;
        case
    }

    /// A case for `month` (alone, rent 6 850 kr, no incomes), with its SSBTEK data fetched:
    /// the calculation is next.
    async fn fetched_case(cw: &Casework, who: &Citizen, month: &str) -> CaseRecord {
        let draft = cw.draft(who).await.expect("draft");
        let rent = cost_field(flode_casework::COSTS[0]);
        for (page, f) in [
            (Page::Month, form(&[("manad", month)])),
            (Page::Household, form(&[("sambo", "nej")])),
            (Page::Children, form(&[])),
            (Page::Costs, form(&[(rent.as_str(), "6850")])),
            (Page::Incomes, form(&[])),
            (Page::Assets, form(&[("tillgangar", "nej")])),
            (Page::OtherNeeds, form(&[("ovriga-behov", "nej")])),
            (Page::Changes, form(&[("forandringar", "nej")])),
            (Page::Consent, form(&[("samtycke", "ja")])),
        ] {
            cw.save_page(who, &draft.id, page, &f).await.expect("page");
        }
        let case = cw.submit(who, &draft.id).await.expect("submitted");
        let engine = cw.engine();
        let fetch = job(engine, "ssbtek.fetch").await;
        let mut ssbtek = Map::new();
        ssbtek.insert(
            "ssbtek".into(),
            json!({"kallorMedFel": [], "skyddadIdentitet": false}),
        );
        complete(engine, &fetch, ssbtek).await;
        case
    }

    async fn decide(cw: &Casework, case: &CaseRecord, utfall: &str, belopp: &str) {
        cw.decide(
            &case.id,
            "anna",
            &form(&[
                ("utfall", utfall),
                ("belopp", belopp),
                ("motivering", "Behovet är prövat enligt riksnormen."),
                ("lagrum-0", "ja"),
            ]),
        )
        .await
        .expect("decided");
    }

    async fn variable(engine: &Engine, instance: &str, name: &str) -> Option<Value> {
        engine
            .store()
            .variables(instance)
            .await
            .expect("vars")
            .into_iter()
            .find(|v| v.scope == 0 && v.name == name)
            .map(|v| v.value)
    }

    fn citizen(personnummer: &str) -> Citizen {
        Citizen {
            personnummer: personnummer.into(),
            name: "Testa Testsson".into(),
            auth_ref: "test-idp".into(),
        }
    }

    #[tokio::test]
    async fn a_month_without_a_riksnorm_goes_to_a_social_worker_who_decides_by_hand() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cw = casework(&dir).await;
        let engine = cw.engine().clone();
        let store = engine.store().clone();
        let mut workers = Workers::default();
        workers.start(&engine, Calculation::new(Norms::shipped().expect("norms")));
        workers.start(
            &engine,
            DecisionLetterWorker::new(engine.clone(), Authority::default()),
        );

        // January 2027 is open in December 2026, and no riksnorm 2027 ships.
        let who = citizen("199204722020");
        let case = fetched_case(&cw, &who, "2027-01").await;
        let mut tasks = Vec::new();
        for _ in 0..400 {
            tasks = store.user_tasks_of(&case.instance_id).await.expect("tasks");
            if !tasks.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            tasks.iter().map(|t| t.node_id.as_str()).collect::<Vec<_>>(),
            ["utred-och-besluta"]
        );
        let incidents = store
            .incidents_of(&case.instance_id)
            .await
            .expect("incidents");
        assert!(incidents.is_empty(), "{incidents:?}");
        let why = variable(&engine, &case.instance_id, NO_CALCULATION)
            .await
            .expect("the reason is kept for the social worker");
        assert!(
            why.as_str()
                .is_some_and(|w| w.contains("ingen riksnorm för år 2027")),
            "{why}"
        );
        assert_eq!(
            variable(&engine, &case.instance_id, "berakning").await,
            None
        );
        assert_eq!(
            variable(&engine, &case.instance_id, "delegation").await,
            None
        );

        // The social worker's own amount is what the letter grants.
        decide(&cw, &case, "bifall", "7120").await;
        let mut documents = Vec::new();
        for _ in 0..400 {
            documents = store.case_documents(&case.id).await.expect("documents");
            if !documents.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        workers.shutdown().await;
        assert_eq!(documents.len(), 1, "one letter");
        assert!(documents[0].text.contains("7 120"), "{}", documents[0].text);
        assert!(
            documents[0].text.contains("januari 2027"),
            "{}",
            documents[0].text
        );
    }

    #[tokio::test]
    async fn a_decided_case_gets_its_letter_and_the_citizen_is_told_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cw = casework(&dir).await;
        let engine = cw.engine().clone();
        let store = engine.store().clone();

        // Through the node's workers: a granted decision, a letter, the payment (a robot's,
        // done here by hand), the notice.
        let mut workers = Workers::default();
        workers.start(
            &engine,
            DecisionLetterWorker::new(engine.clone(), Authority::default()),
        );
        workers.start(&engine, NotifyCitizenWorker::new(engine.clone()));
        let who = citizen("199204722020");
        let case = case_to_decide(&cw, &who).await;
        let support = variable(&engine, &case.instance_id, "berakning")
            .await
            .expect("berakning")["support"]
            .to_string();
        decide(&cw, &case, "bifall", &support).await;
        let mut paid = false;
        for _ in 0..400 {
            if !paid {
                let jobs = engine
                    .activate_jobs("legacy.register_payment", "test", 1, 60_000)
                    .await
                    .expect("activate");
                if let Some(payment) = jobs.first() {
                    complete(&engine, payment, Map::new()).await;
                    paid = true;
                }
            }
            let state = store.instance(&case.instance_id).await.expect("instance");
            if state.state == InstanceState::Completed {
                break;
            }
            let incidents = store
                .incidents_of(&case.instance_id)
                .await
                .expect("incidents");
            assert!(incidents.is_empty(), "{incidents:?}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        workers.shutdown().await;
        assert!(paid, "the case reached the payment");
        assert_eq!(
            store
                .instance(&case.instance_id)
                .await
                .expect("instance")
                .state,
            InstanceState::Completed
        );
        let documents = store.case_documents(&case.id).await.expect("documents");
        assert_eq!(documents.len(), 1);
        let letter = &documents[0];
        assert_eq!(
            (letter.kind.as_str(), letter.title.as_str()),
            ("beslutsbrev", "Beslut EB-2026-000001")
        );
        assert_eq!(letter.media_type, "application/pdf");
        assert!(letter.text.contains("Du beviljas"), "{}", letter.text);
        assert!(letter.text.contains("Testa Testsson"));
        let (_, pdf) = store
            .case_document(&letter.id)
            .await
            .expect("read")
            .expect("stored");
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(
            variable(&engine, &case.instance_id, "beslutsbrev").await,
            Some(json!(letter.id))
        );
        let messages = store.case_messages(&case.id).await.expect("messages");
        assert_eq!(messages.len(), 1);
        assert_eq!(
            (messages[0].sender.as_str(), messages[0].author.as_str()),
            ("system", "Socialtjänsten")
        );
        assert!(messages[0].body.contains("EB-2026-000001"));
        assert!(messages[0].body.contains("Mina sidor"));
        assert!(!messages[0].body.contains(&who.personnummer));

        // The same job worked twice (a completion lost, the lease run out) stores one letter
        // and one message, and completes with the same document.
        let other = citizen("199906644043");
        let case = case_to_decide(&cw, &other).await;
        decide(&cw, &case, "avslag", "").await;
        let letters = DecisionLetterWorker::new(engine.clone(), Authority::default());
        let letter_job = job(&engine, DecisionLetterWorker::JOB_TYPE).await;
        let first = letters.handle(&letter_job).await.expect("letter");
        let second = letters.handle(&letter_job).await.expect("letter again");
        assert_eq!(first, second);
        let documents = store.case_documents(&case.id).await.expect("documents");
        assert_eq!(documents.len(), 1);
        assert!(
            documents[0].text.contains("avslås"),
            "{}",
            documents[0].text
        );
        complete(&engine, &letter_job, first).await;
        // An avslag pays nothing: the citizen is told next.
        let notices = NotifyCitizenWorker::new(engine.clone());
        let notice_job = job(&engine, NotifyCitizenWorker::JOB_TYPE).await;
        notices.handle(&notice_job).await.expect("notice");
        notices.handle(&notice_job).await.expect("notice again");
        assert_eq!(
            store.case_messages(&case.id).await.expect("messages").len(),
            1
        );
        // The staff reminder only logs.
        assert_eq!(
            NotifyStaffWorker
                .handle(&notice_job)
                .await
                .expect("reminder"),
            Map::new()
        );
        complete(&engine, &notice_job, Map::new()).await;
        assert_eq!(
            store
                .instance(&case.instance_id)
                .await
                .expect("instance")
                .state,
            InstanceState::Completed
        );
    }

    #[tokio::test]
    async fn an_instance_without_a_case_gets_no_letter_and_goes_to_a_person() {
        const LETTER_ONLY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="https://flode.example/test">
  <bpmn:process id="brev" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="brev-task"/>
    <bpmn:serviceTask id="brev-task"><bpmn:extensionElements><zeebe:taskDefinition type="document.decision_letter"/></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="brev-task" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"#;
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = engine(&dir).await;
        engine
            .deploy("brev.bpmn", LETTER_ONLY)
            .await
            .expect("deploy");
        let mut vars = Map::new();
        vars.insert("beslut".into(), json!({"utfall": "avslag"}));
        engine.start("brev", vars, None).await.expect("start");
        let letter_job = job(&engine, DecisionLetterWorker::JOB_TYPE).await;
        let failure = DecisionLetterWorker::new(engine.clone(), Authority::default())
            .handle(&letter_job)
            .await
            .expect_err("no case");
        assert!(!failure.retry, "a person must look: {failure:?}");
        assert!(failure.message.contains("ärende"), "{}", failure.message);
        let failure = NotifyCitizenWorker::new(engine.clone())
            .handle(&letter_job)
            .await
            .expect_err("no case");
        assert!(!failure.retry);
    }

    #[test]
    fn a_norms_dir_adds_a_year_and_open_years_without_a_norm_are_found() {
        const DAY: i64 = 86_400_000;
        let shipped = norms(&Settings::default(), NOW).expect("shipped");
        assert_eq!(
            missing_open_years(&shipped, NOW),
            [2027],
            "in December, January is open"
        );
        assert!(missing_open_years(&shipped, NOW - 180 * DAY).is_empty());
        let empty = Settings {
            norms_dir: Some("".into()),
            ..Settings::default()
        };
        assert_eq!(
            missing_open_years(&norms(&empty, NOW).expect("empty is unset"), NOW),
            [2027]
        );
        assert_eq!(missing_open_years(&shipped, NOW + 60 * DAY), [2027]);

        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(
            dir.path().join("riksnorm-2027.dmn"),
            include_str!("../../forsorjningsstod/norms/riksnorm-2026.dmn"),
        )
        .expect("write");
        let settings = Settings {
            norms_dir: Some(dir.path().into()),
            ..Settings::default()
        };
        let with = norms(&settings, NOW).expect("with 2027");
        assert!(missing_open_years(&with, NOW).is_empty());
        assert!(with.year(2026).is_ok(), "the shipped years stay");

        // A broken file stops the start, naming where it is.
        std::fs::write(dir.path().join("riksnorm-2028.dmn"), "<nej/>").expect("write");
        let err = norms(&settings, NOW).expect_err("broken");
        assert!(
            format!("{err:#}").contains(&dir.path().display().to_string()),
            "{err:#}"
        );
    }
}
