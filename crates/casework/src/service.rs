//! The case service: a citizen's drafts and submission, where each case stands, and what a
//! social worker does with it. Every write goes through the store in one statement or, for
//! a submission, one transaction together with the start of the case's process.

use flode_engine::{Engine, new_id};
use flode_store::{ApplicationRecord, CaseNoteRecord, CaseReadRecord, CaseRecord, UserTaskRecord};
use serde_json::{Map, Value, json};

use crate::answers::{Answers, FieldProblem, Form, Page, month_name};
use crate::decision::Decision;
use crate::household::{age_in, household};
use crate::status::{CaseStatus, status_of};
use crate::swedish_time;
use crate::{Error, KIND};

/// Saves of one page that find the draft changed under them before one goes through.
const SAVE_ATTEMPTS: u32 = 5;

/// The signed-in citizen, as the identity provider verified them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    /// 12-digit personnummer.
    pub personnummer: String,
    /// Name.
    pub name: String,
    /// The identity provider's reference for the sign-in (stored with the submission).
    pub auth_ref: String,
}

/// Settings of the case service.
#[derive(Debug, Clone)]
pub struct CaseworkOptions {
    /// The process that carries a case.
    pub process_key: String,
    /// Case number prefix, `EB` → `EB-2026-000001`.
    pub case_prefix: String,
    /// Whether the nämnd's delegation to the automated decision function is active
    /// (KL 6 kap. 37 §); read by the delegation rules.
    pub delegation_active: bool,
    /// Days from receipt until a decision is due (the municipality's own target).
    pub decision_days: i64,
}

impl Default for CaseworkOptions {
    fn default() -> Self {
        Self {
            process_key: "forsorjningsstod".into(),
            case_prefix: "EB".into(),
            delegation_active: true,
            decision_days: 10,
        }
    }
}

/// The (year, month) pairs that may be applied for at `now` (Unix ms): this month and the
/// next, in Sweden.
pub fn open_months_at(now: i64) -> [(i32, u8); 2] {
    let now = swedish_time::at(now);
    let (y, m) = (now.year(), u8::from(now.month()));
    let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    [(y, m), next]
}

/// The BPMN error the calculation throws when the norms cannot calculate a case; the
/// shipped model catches it on `berakna` and sends the case to a social worker.
pub const NO_CALCULATION_ERROR: &str = "berakning-saknas";
/// The process variable, set with that error, that says why (Swedish, no personal data).
pub const NO_CALCULATION: &str = "berakningSaknas";

/// A case with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary {
    /// The case.
    pub case: CaseRecord,
    /// Its status, read from its process.
    pub status: CaseStatus,
    /// A social worker is to decide it and calculate the need by hand, as the norms could
    /// not (the process variable `berakningSaknas`).
    pub calculate_by_hand: bool,
}

/// Everything a social worker sees of a case.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    /// The case and its status.
    pub summary: CaseSummary,
    /// The application as submitted.
    pub application: ApplicationRecord,
    /// Its answers.
    pub answers: Answers,
    /// The process variables (fetched data, calculation, proposal, decision).
    pub variables: Map<String, Value>,
    /// The open decision task, if the case waits for a person.
    pub decision_task: Option<UserTaskRecord>,
    /// Journal notes, oldest first.
    pub notes: Vec<CaseNoteRecord>,
    /// Who read it, newest first.
    pub reads: Vec<CaseReadRecord>,
}

/// The case service (cheap to clone).
#[derive(Debug, Clone)]
pub struct Casework {
    engine: Engine,
    /// Shared: the web layer clones the service with its state for every request.
    options: std::sync::Arc<CaseworkOptions>,
}

/// The user task where a social worker decides.
pub const DECISION_TASK: &str = "utred-och-besluta";
/// Days in ms.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl Casework {
    /// A case service over `engine`.
    pub fn new(engine: Engine, options: CaseworkOptions) -> Self {
        Self {
            engine,
            options: std::sync::Arc::new(options),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn now(&self) -> i64 {
        self.engine.now()
    }

    /// The months that may be applied for now: this month and the next, in Sweden.
    pub fn open_months(&self) -> Vec<String> {
        open_months_at(self.now())
            .iter()
            .map(|(y, m)| format!("{y:04}-{m:02}"))
            .collect()
    }

    // ---- the citizen's side ---------------------------------------------------------

    /// The citizen's draft, or a new one. A new draft after an earlier application is
    /// prefilled from it (the monthly re-application): every page is shown again for the
    /// citizen to confirm or change.
    pub async fn draft(&self, citizen: &Citizen) -> Result<ApplicationRecord, Error> {
        let store = self.engine.store();
        let mine = store.applications_of(&citizen.personnummer).await?;
        if let Some(draft) = mine.iter().find(|a| a.state == "draft" && a.kind == KIND) {
            return Ok(draft.clone());
        }
        let answers = match mine
            .iter()
            .find(|a| a.state == "submitted" && a.kind == KIND)
        {
            Some(last) => {
                let last: Answers = decode(&last.answers)?;
                Answers {
                    partner: last.partner,
                    partner_age: last.partner_age,
                    children: last.children,
                    costs: last.costs,
                    incomes: last.incomes,
                    ..Answers::default()
                }
            }
            None => Answers::default(),
        };
        let now = self.now();
        let record = ApplicationRecord {
            id: new_id(),
            kind: KIND.into(),
            applicant: citizen.personnummer.clone(),
            month: String::new(),
            state: "draft".into(),
            answers: encode(&answers),
            auth_ref: None,
            created_at: now,
            updated_at: now,
            submitted_at: None,
        };
        store.insert_application(&record).await?;
        Ok(record)
    }

    /// The citizen's unsubmitted draft, if any (nothing is created).
    pub async fn open_draft(&self, citizen: &Citizen) -> Result<Option<ApplicationRecord>, Error> {
        Ok(self
            .engine
            .store()
            .applications_of(&citizen.personnummer)
            .await?
            .into_iter()
            .find(|a| a.state == "draft" && a.kind == KIND))
    }

    /// The decision of a case (the process variable `beslut`), once made.
    pub async fn decision_of(&self, case: &CaseRecord) -> Result<Option<Value>, Error> {
        Ok(self.variables(&case.instance_id).await?.remove("beslut"))
    }

    /// The citizen's own application; another person's is "not found".
    pub async fn application(
        &self,
        citizen: &Citizen,
        id: &str,
    ) -> Result<(ApplicationRecord, Answers), Error> {
        let found = self.engine.store().application(id).await?;
        Self::own(citizen, found)
    }

    /// `found`, an application read by id, with its answers, if it is `citizen`'s own;
    /// another person's is not found, like one that does not exist.
    pub fn own(
        citizen: &Citizen,
        found: Option<ApplicationRecord>,
    ) -> Result<(ApplicationRecord, Answers), Error> {
        match found {
            Some(a) if a.applicant == citizen.personnummer => {
                let answers = decode(&a.answers)?;
                Ok((a, answers))
            }
            _ => Err(Error::NotFound("ansökan")),
        }
    }

    /// Saves one page of a draft; on problems nothing is saved. The page is applied to
    /// the answers as they are when written: a page saved meanwhile from another tab is
    /// kept, not overwritten (the draft is read again and the page applied anew).
    pub async fn save_page(
        &self,
        citizen: &Citizen,
        id: &str,
        page: Page,
        form: &Form,
    ) -> Result<Answers, Error> {
        let (application, answers) = self.application(citizen, id).await?;
        self.save_page_of(citizen, application, answers, page, form)
            .await
    }

    /// As [`Casework::save_page`], on the citizen's draft as already read (see
    /// [`Casework::own`]): read again only when another request saved it meanwhile.
    pub async fn save_page_of(
        &self,
        citizen: &Citizen,
        mut application: ApplicationRecord,
        mut answers: Answers,
        page: Page,
        form: &Form,
    ) -> Result<Answers, Error> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            if application.state != "draft" {
                return Err(Error::AlreadySubmitted);
            }
            let next = answers
                .apply(page, form, &self.open_months())
                .map_err(Error::Invalid)?;
            let month = next.month.clone().unwrap_or_default();
            match self
                .engine
                .store()
                .save_draft(
                    &application.id,
                    &month,
                    &encode(&next),
                    self.now(),
                    application.updated_at,
                )
                .await
            {
                Ok(()) => return Ok(next),
                Err(flode_store::Error::Conflict(_)) if attempts < SAVE_ATTEMPTS => {
                    (application, answers) = self.application(citizen, &application.id).await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Submits a draft: registers the case with a case number and starts its process, in
    /// one transaction. Submitting again (a double click, a retry) returns the same case.
    pub async fn submit(&self, citizen: &Citizen, id: &str) -> Result<CaseRecord, Error> {
        let (application, answers) = self.application(citizen, id).await?;
        let store = self.engine.store();
        if application.state == "submitted" {
            return self.case_of(id).await;
        }
        let missing = answers.unanswered();
        if !missing.is_empty() {
            return Err(Error::Invalid(missing));
        }
        let month = answers.month.clone().unwrap_or_default();
        if !self.open_months().contains(&month) {
            return Err(Error::Invalid(vec![
                FieldProblem::new(
                    Page::Month.slug(),
                    "problem-month-closed",
                    format!(
                        "Det går inte längre att söka för {}; välj en annan månad",
                        month_name(&month)
                    ),
                )
                .month_args(&month),
            ]));
        }
        let earlier: Vec<String> = store
            .applications_of(&citizen.personnummer)
            .await?
            .into_iter()
            .filter(|a| a.state == "submitted" && a.kind == KIND)
            .map(|a| a.month)
            .collect();
        let consecutive = consecutive_months_before(&month, &earlier);
        let age = age_in(&citizen.personnummer, &month).ok_or(Error::Invalid(vec![
            FieldProblem::new(
                Page::Month.slug(),
                "problem-age-unknown",
                "Din ålder kunde inte räknas ut från ditt personnummer; kontakta socialtjänsten",
            ),
        ]))?;
        let now = self.now();
        let year = swedish_time::at(now).year();

        let mut tx = self.engine.transaction().await?;
        match tx.mark_submitted(id, &citizen.auth_ref, now).await {
            Ok(_) => {}
            // Submitted a moment ago by the other click: that submission made the case.
            Err(flode_store::Error::Conflict(_)) => {
                drop(tx);
                return match self.case_of(id).await {
                    Ok(case) => Ok(case),
                    Err(_) => Err(Error::Invalid(vec![
                        FieldProblem::new(
                            Page::Month.slug(),
                            "problem-already-submitted",
                            format!("Du har redan skickat en ansökan för {}", month_name(&month)),
                        )
                        .month_args(&month),
                    ])),
                };
            }
            Err(e) => return Err(e.into()),
        }
        let serial = tx.next_case_number(&self.options.case_prefix, year).await?;
        let case_number = format!("{}-{year}-{serial:06}", self.options.case_prefix);
        let case_id = new_id();
        let variables = self.start_variables(
            citizen,
            &case_number,
            &answers,
            household(&answers, age, consecutive),
            &month,
            earlier
                .iter()
                .any(|m| months_between(m, &month).is_some_and(|d| (1..=2).contains(&d))),
        );
        let instance = self
            .engine
            .start_in(
                &mut tx,
                &self.options.process_key,
                variables,
                Some(case_number.clone()),
            )
            .await?;
        let case = CaseRecord {
            id: case_id,
            case_number,
            kind: KIND.into(),
            applicant: citizen.personnummer.clone(),
            applicant_name: citizen.name.clone(),
            application_id: id.to_owned(),
            instance_id: instance.id,
            month,
            received_at: now,
            due_at: now + self.options.decision_days * DAY_MS,
        };
        tx.insert_case(&case).await?;
        self.engine.commit_transaction(tx).await?;
        tracing::info!(case = %case.case_number, "application submitted");
        Ok(case)
    }

    fn start_variables(
        &self,
        citizen: &Citizen,
        case_number: &str,
        answers: &Answers,
        hushall: Value,
        month: &str,
        recent: bool,
    ) -> Map<String, Value> {
        let (from, tom) = control_period(month);
        let mut v = Map::new();
        v.insert("arendeId".into(), json!(case_number));
        v.insert("personnummer".into(), json!(citizen.personnummer));
        v.insert("manad".into(), json!(month));
        v.insert("ansokan".into(), encode(answers));
        v.insert("hushall".into(), hushall);
        v.insert(
            "ansokningstyp".into(),
            json!(if recent { "aterkommande" } else { "nyansokan" }),
        );
        v.insert("forandringar".into(), json!(answers.changes == Some(true)));
        v.insert("tillgangar".into(), json!(answers.assets == Some(true)));
        v.insert(
            "ovrigaBehov".into(),
            json!(answers.other_needs == Some(true)),
        );
        v.insert(
            "delegationAktiv".into(),
            json!(self.options.delegation_active),
        );
        v.insert("period".into(), json!({ "from": from, "tom": tom }));
        v
    }

    async fn case_of(&self, application_id: &str) -> Result<CaseRecord, Error> {
        self.engine
            .store()
            .case_of_application(application_id)
            .await?
            .ok_or(Error::NotFound("ärende"))
    }

    /// The citizen's cases with their status, newest first.
    pub async fn cases_of(&self, citizen: &Citizen) -> Result<Vec<CaseSummary>, Error> {
        let cases = self.engine.store().cases_of(&citizen.personnummer).await?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(self.summary(case).await?);
        }
        Ok(out)
    }

    /// One of the citizen's own cases; another person's is "not found".
    pub async fn citizen_case(
        &self,
        citizen: &Citizen,
        case_id: &str,
    ) -> Result<CaseSummary, Error> {
        match self.engine.store().case(case_id).await? {
            Some(c) if c.applicant == citizen.personnummer => self.summary(c).await,
            _ => Err(Error::NotFound("ärende")),
        }
    }

    async fn summary(&self, case: CaseRecord) -> Result<CaseSummary, Error> {
        let store = self.engine.store();
        let instance = store.instance(&case.instance_id).await?;
        let variables = self.variables(&case.instance_id).await?;
        let open_task = store
            .user_tasks_of(&case.instance_id)
            .await?
            .into_iter()
            .any(|t| t.node_id == DECISION_TASK && t.state == "created");
        let status = status_of(instance.state, &variables, open_task);
        Ok(CaseSummary {
            case,
            status,
            calculate_by_hand: open_task && variables.contains_key(NO_CALCULATION),
        })
    }

    async fn variables(&self, instance_id: &str) -> Result<Map<String, Value>, Error> {
        Ok(self
            .engine
            .store()
            .variables(instance_id)
            .await?
            .into_iter()
            .filter(|v| v.scope == 0)
            .map(|v| (v.name, v.value))
            .collect())
    }

    // ---- the social worker's side ------------------------------------------------------

    /// Open cases, earliest due first.
    pub async fn inbox(&self) -> Result<Vec<CaseSummary>, Error> {
        let cases = self.engine.store().open_cases(500).await?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(self.summary(case).await?);
        }
        Ok(out)
    }

    /// A case as a social worker sees it; the read is logged first.
    pub async fn case_for_staff(&self, case_id: &str, reader: &str) -> Result<CaseDetail, Error> {
        let store = self.engine.store();
        let case = store
            .case(case_id)
            .await?
            .ok_or(Error::NotFound("ärende"))?;
        store
            .log_case_read(&CaseReadRecord {
                id: new_id(),
                case_id: case.id.clone(),
                reader: reader.to_owned(),
                what: "arende".into(),
                read_at: self.now(),
            })
            .await?;
        let application = store
            .application(&case.application_id)
            .await?
            .ok_or(Error::NotFound("ansökan"))?;
        let answers = decode(&application.answers)?;
        let variables = self.variables(&case.instance_id).await?;
        let decision_task = store
            .user_tasks_of(&case.instance_id)
            .await?
            .into_iter()
            .find(|t| t.node_id == DECISION_TASK && t.state == "created");
        let notes = store.case_notes(&case.id).await?;
        let reads = store.case_reads(&case.id).await?;
        let instance = store.instance(&case.instance_id).await?;
        let status = status_of(instance.state, &variables, decision_task.is_some());
        Ok(CaseDetail {
            summary: CaseSummary {
                case,
                status,
                calculate_by_hand: decision_task.is_some()
                    && variables.contains_key(NO_CALCULATION),
            },
            application,
            answers,
            variables,
            decision_task,
            notes,
            reads,
        })
    }

    /// Decides a case waiting for a person: completes its decision task with the decision.
    pub async fn decide(
        &self,
        case_id: &str,
        decided_by: &str,
        form: &Form,
    ) -> Result<Decision, Error> {
        let store = self.engine.store();
        let case = store
            .case(case_id)
            .await?
            .ok_or(Error::NotFound("ärende"))?;
        let task = store
            .user_tasks_of(&case.instance_id)
            .await?
            .into_iter()
            .find(|t| t.node_id == DECISION_TASK && t.state == "created")
            .ok_or(Error::NotAwaitingDecision)?;
        let decision = Decision::from_form(form, decided_by).map_err(Error::Invalid)?;
        let mut vars = Map::new();
        vars.insert("beslut".into(), decision.to_value());
        match self
            .engine
            .complete_user_task(&task.id, vars, Some(decided_by.to_owned()))
            .await
        {
            Ok(()) => Ok(decision),
            Err(flode_engine::Error::Conflict(_)) => Err(Error::NotAwaitingDecision),
            Err(e) => Err(e.into()),
        }
    }

    /// Adds a journal note; notes are never changed (a correction is a new note).
    pub async fn add_note(&self, case_id: &str, author: &str, body: &str) -> Result<(), Error> {
        let body = body.trim();
        if body.is_empty() {
            return Err(Error::Invalid(vec![FieldProblem::new(
                "anteckning",
                "problem-missing-note",
                "Skriv en anteckning",
            )]));
        }
        let store = self.engine.store();
        store
            .case(case_id)
            .await?
            .ok_or(Error::NotFound("ärende"))?;
        store
            .add_case_note(&CaseNoteRecord {
                id: new_id(),
                case_id: case_id.to_owned(),
                author: author.to_owned(),
                body: body.to_owned(),
                created_at: self.now(),
            })
            .await?;
        Ok(())
    }
}

fn encode(answers: &Answers) -> Value {
    serde_json::to_value(answers).unwrap_or(Value::Null)
}

fn decode(value: &Value) -> Result<Answers, Error> {
    serde_json::from_value(value.clone())
        .map_err(|e| Error::Corrupt(format!("applications.answers: {e}")))
}

/// Months from `a` to `b` (`YYYY-MM`), if both can be read.
fn months_between(a: &str, b: &str) -> Option<i32> {
    let parse = |m: &str| -> Option<i32> {
        let (y, m) = m.split_once('-')?;
        Some(y.parse::<i32>().ok()? * 12 + m.parse::<i32>().ok()? - 1)
    };
    Some(parse(b)? - parse(a)?)
}

/// Months in a row with a submitted application right before `month`.
fn consecutive_months_before(month: &str, submitted: &[String]) -> u32 {
    let mut n = 0;
    while submitted
        .iter()
        .any(|m| months_between(m, month) == Some(i32::try_from(n + 1).unwrap_or(i32::MAX)))
    {
        n += 1;
    }
    n
}

/// SSBTEK's kontrollperiod and ansökningsperiod: the month before and the month applied
/// for (ekonomiskt-bistand.md §4), as dates.
fn control_period(month: &str) -> (String, String) {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, m) = m.split_once('-')?;
        Some((y.parse().ok()?, m.parse().ok()?))
    };
    let Some((y, m)) = parse(month) else {
        return (String::new(), String::new());
    };
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let last = match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (
        format!("{py:04}-{pm:02}-01"),
        format!("{y:04}-{m:02}-{last:02}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_months() {
        let s = |v: &[&str]| v.iter().map(|m| (*m).to_owned()).collect::<Vec<_>>();
        assert_eq!(consecutive_months_before("2026-12", &s(&[])), 0);
        assert_eq!(
            consecutive_months_before("2026-12", &s(&["2026-11", "2026-10", "2026-08"])),
            2
        );
        assert_eq!(
            consecutive_months_before("2027-01", &s(&["2026-12", "2026-11"])),
            2
        );
        assert_eq!(months_between("2026-11", "2027-01"), Some(2));
    }

    #[test]
    fn control_periods() {
        assert_eq!(
            control_period("2026-12"),
            ("2026-11-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            control_period("2027-01"),
            ("2026-12-01".into(), "2027-01-31".into())
        );
        assert_eq!(
            control_period("2028-02"),
            ("2028-01-01".into(), "2028-02-29".into())
        );
    }
}
