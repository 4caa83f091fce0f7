//! All SQL, and the rules that live in the legacy system's database layer: the duplicate
//! checks, the record lock and "a signed note cannot be changed".
//!
//! One connection: the sim is a fixture, and one connection makes every check-then-insert
//! atomic without retry loops (and keeps an in-memory database alive).

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{FromRow, Row};

use crate::config::Database;
use crate::{Error, format};

/// A person in the sim's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// 12 digits, `ÅÅÅÅMMDDNNNK`; must be on the test whitelist.
    pub personnummer: String,
    /// Förnamn.
    pub fornamn: String,
    /// Efternamn.
    pub efternamn: String,
    /// Street address.
    pub adress: String,
    /// Postnummer, `NNN NN`.
    pub postnummer: String,
    /// Postort.
    pub ort: String,
    /// The household as one line of text (shown on the Hushåll tab / side panel).
    pub hushall: String,
    /// Sekretessmarkering: the address is masked on every screen.
    pub sekretess: bool,
}

/// A case (ärende).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// `IFO-ÅÅÅÅ-NNNN`, unique.
    pub diarienummer: String,
    /// The person's 12 digits.
    pub personnummer: String,
    /// The unit's name, e.g. `Ekonomiskt bistånd`.
    pub unit: String,
    /// Ärendetyp, e.g. `Ekonomiskt bistånd` or `Barn och unga`.
    pub arendetyp: String,
    /// `Öppet` or `Avslutat`.
    pub status: String,
    /// `ÅÅÅÅ-MM-DD TT:MM`.
    pub inkom: String,
    /// Free text.
    pub beskrivning: String,
    /// The user whose lock blocks saves on the case, if any.
    pub locked_by: Option<String>,
}

/// A new case for [`crate::Sim::add_case`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// `Ekonomiskt bistånd` or `Barn och unga mottagning`.
    pub unit: String,
    /// Ärendetyp.
    pub arendetyp: String,
    /// `Öppet` or `Avslutat`.
    pub status: String,
    /// `ÅÅÅÅ-MM-DD TT:MM`.
    pub inkom: String,
    /// Free text.
    pub beskrivning: String,
}

/// A registered aktualisering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aktualisering {
    /// The case's diarienummer.
    pub diarienummer: String,
    /// `Ansökan`, `Anmälan` or `Övrigt`.
    pub typ: String,
    /// `ÅÅÅÅ-MM-DD`.
    pub inkom_datum: String,
    /// `TT:MM`.
    pub inkom_tid: String,
    /// Where it came from, e.g. `Den enskilde`.
    pub fran: String,
    /// Free text.
    pub beskrivning: String,
    /// The user who saved it.
    pub registered_by: String,
}

/// A decision (beslut), saved by "Verkställ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The case's diarienummer.
    pub diarienummer: String,
    /// `Bifall`, `Delvis bifall` or `Avslag`.
    pub beslutstyp: String,
    /// The lagrum option's exact text.
    pub lagrum: String,
    /// `ÅÅÅÅ-MM-DD`.
    pub period_from: String,
    /// `ÅÅÅÅ-MM-DD`.
    pub period_tom: String,
    /// Whole öre.
    pub belopp_ore: i64,
    /// Free text.
    pub motivering: String,
    /// As typed on the form.
    pub beslutsfattare: String,
    /// v2's checked "Beslutsunderlag" items (empty from v1).
    pub beslutsunderlag: Vec<String>,
    /// The user who saved it.
    pub registered_by: String,
}

/// A payment (utbetalning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The case's diarienummer.
    pub diarienummer: String,
    /// The person's 12 digits.
    pub personnummer: String,
    /// Mottagare.
    pub mottagare: String,
    /// `Konto` or `Utbetalningskort`.
    pub satt: String,
    /// Utbetalningsdatum, `ÅÅÅÅ-MM-DD`.
    pub datum: String,
    /// The month paid for, `ÅÅÅÅ-MM`; the duplicate check is per person and period.
    pub period: String,
    /// Whole öre.
    pub belopp_ore: i64,
    /// The business reference (robots put their idempotency key here).
    pub referens: String,
    /// The user who saved it.
    pub registered_by: String,
}

/// A journal note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalNote {
    /// The case's diarienummer.
    pub diarienummer: String,
    /// `ÅÅÅÅ-MM-DD`.
    pub datum: String,
    /// The rubrik option's text.
    pub rubrik: String,
    /// The note.
    pub text: String,
    /// The user who wrote it.
    pub author: String,
    /// When it was signed (`ÅÅÅÅ-MM-DD TT:MM:SS`); a signed note cannot be changed.
    pub signed_at: Option<String>,
}

/// The unit names, in the "Välj enhet" order.
pub(crate) const UNITS: [&str; 2] = ["Ekonomiskt bistånd", "Barn och unga mottagning"];

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) username: String,
    pub(crate) display_name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct PersonRow {
    pub(crate) id: i64,
    pub(crate) person: Person,
}

#[derive(Debug, Clone)]
pub(crate) struct CaseRow {
    pub(crate) id: i64,
    pub(crate) person_id: i64,
    pub(crate) case: Case,
}

#[derive(Debug, Clone)]
pub(crate) struct NoteRow {
    pub(crate) id: i64,
    pub(crate) note: JournalNote,
}

/// What a save that may be a duplicate came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Saved {
    Yes,
    /// Nothing written: one already exists for the period and the user has not confirmed.
    DuplicateWarning,
}

/// Why the system refuses a save (shown in the page's error banner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    Locked(String),
    Signed,
}

impl Refusal {
    pub(crate) fn message(&self) -> String {
        match self {
            Refusal::Locked(user) => format!("Ärendet är låst av användare {user}"),
            Refusal::Signed => "Anteckningen är signerad och kan inte ändras. \
                                Skriv en ny anteckning i stället."
                .to_owned(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PaymentInput {
    pub(crate) mottagare: String,
    pub(crate) satt: String,
    pub(crate) datum: String,
    pub(crate) period: String,
    pub(crate) belopp_ore: i64,
    pub(crate) referens: String,
}

#[derive(Debug, Clone)]
pub(crate) struct DecisionInput {
    pub(crate) beslutstyp: String,
    pub(crate) lagrum: String,
    pub(crate) period_from: String,
    pub(crate) period_tom: String,
    pub(crate) belopp_ore: i64,
    pub(crate) motivering: String,
    pub(crate) beslutsfattare: String,
    pub(crate) beslutsunderlag: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct AktInput {
    pub(crate) typ: String,
    pub(crate) inkom_datum: String,
    pub(crate) inkom_tid: String,
    pub(crate) fran: String,
    pub(crate) beskrivning: String,
}

#[derive(Debug, Clone)]
pub(crate) struct NoteInput {
    pub(crate) datum: String,
    pub(crate) rubrik: String,
    pub(crate) text: String,
    pub(crate) sign: bool,
}

#[derive(FromRow)]
struct PersonDb {
    id: i64,
    personnummer: String,
    fornamn: String,
    efternamn: String,
    adress: String,
    postnummer: String,
    ort: String,
    hushall: String,
    sekretess: bool,
}

impl From<PersonDb> for PersonRow {
    fn from(r: PersonDb) -> Self {
        PersonRow {
            id: r.id,
            person: Person {
                personnummer: r.personnummer,
                fornamn: r.fornamn,
                efternamn: r.efternamn,
                adress: r.adress,
                postnummer: r.postnummer,
                ort: r.ort,
                hushall: r.hushall,
                sekretess: r.sekretess,
            },
        }
    }
}

#[derive(FromRow)]
struct CaseDb {
    id: i64,
    person_id: i64,
    diarienummer: String,
    personnummer: String,
    unit: String,
    arendetyp: String,
    status: String,
    inkom: String,
    beskrivning: String,
    locked_by: Option<String>,
}

impl From<CaseDb> for CaseRow {
    fn from(r: CaseDb) -> Self {
        CaseRow {
            id: r.id,
            person_id: r.person_id,
            case: Case {
                diarienummer: r.diarienummer,
                personnummer: r.personnummer,
                unit: r.unit,
                arendetyp: r.arendetyp,
                status: r.status,
                inkom: r.inkom,
                beskrivning: r.beskrivning,
                locked_by: r.locked_by,
            },
        }
    }
}

// SQL fragments as macros: sqlx only takes `&'static str` (or asserted) SQL, and `concat!`
// joins only literals.
macro_rules! case_select {
    () => {
        "SELECT c.id, c.person_id, c.diarienummer, p.personnummer, \
         u.name AS unit, c.arendetyp, c.status, c.inkom, c.beskrivning, c.locked_by \
         FROM cases c JOIN persons p ON p.id = c.person_id JOIN units u ON u.id = c.unit_id"
    };
}

/// Rows of one of the case-bound tables, for a case or for all of a person's cases.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    Case(i64),
    Person(i64),
}

impl Scope {
    fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Scope::Case(id) => (Some(id), None),
            Scope::Person(id) => (None, Some(id)),
        }
    }
}

/// The scope filter every case-bound read ends with (`c` is the case).
macro_rules! scope_where {
    () => {
        " WHERE (?1 IS NULL OR c.id = ?1) AND (?2 IS NULL OR c.person_id = ?2)"
    };
}

#[derive(Clone)]
pub(crate) struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating when missing) and seeds an empty database.
    pub(crate) async fn open(database: &Database) -> Result<Store, Error> {
        let options = match database {
            Database::InMemory => SqliteConnectOptions::from_str("sqlite::memory:")?,
            Database::File(path) => SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal),
        }
        .foreign_keys(true);
        // One connection that never idles out: an in-memory database lives as long as it.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(include_str!("schema.sql"))
            .execute(&pool)
            .await?;
        let store = Store { pool };
        let seeded: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&store.pool)
            .await?;
        if seeded == 0 {
            crate::seed::seed(&store).await?;
        }
        Ok(store)
    }

    // ---- seeding and inspection ----

    pub(crate) async fn insert_user(
        &self,
        username: &str,
        display_name: &str,
        robot: bool,
    ) -> Result<(), Error> {
        sqlx::query("INSERT INTO users (username, display_name, is_robot) VALUES (?1, ?2, ?3)")
            .bind(username)
            .bind(display_name)
            .bind(robot)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(crate) async fn insert_unit(&self, name: &str) -> Result<(), Error> {
        sqlx::query("INSERT INTO units (name) VALUES (?1)")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(crate) async fn insert_person(&self, p: &Person) -> Result<(), Error> {
        let pnr = crate::personnummer::checked_twelve(&p.personnummer)?;
        sqlx::query(
            "INSERT INTO persons (personnummer, fornamn, efternamn, adress, postnummer, ort, \
             hushall, sekretess) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(pnr)
        .bind(&p.fornamn)
        .bind(&p.efternamn)
        .bind(&p.adress)
        .bind(&p.postnummer)
        .bind(&p.ort)
        .bind(&p.hushall)
        .bind(p.sekretess)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Inserts a case with the next diarienummer (`IFO-<inkom year>-<sequence>`).
    pub(crate) async fn insert_case(&self, pnr: &str, c: &NewCase) -> Result<Case, Error> {
        let person = self
            .person_by_pnr(pnr)
            .await?
            .ok_or_else(|| Error::NotFound(format!("person {pnr}")))?;
        let unit: i64 = sqlx::query_scalar("SELECT id FROM units WHERE name = ?1")
            .bind(&c.unit)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(format!("unit {}", c.unit)))?;
        let year = c
            .inkom
            .get(..4)
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
        let year = year.ok_or_else(|| Error::Invalid(format!("inkom {}", c.inkom)))?;
        let mut tx = self.pool.begin().await?;
        let next: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM cases")
            .fetch_one(&mut *tx)
            .await?;
        let diarienummer = format!("IFO-{year}-{next:04}");
        sqlx::query(
            "INSERT INTO cases (id, person_id, unit_id, diarienummer, arendetyp, status, inkom, \
             beskrivning) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(next)
        .bind(person.id)
        .bind(unit)
        .bind(&diarienummer)
        .bind(&c.arendetyp)
        .bind(&c.status)
        .bind(&c.inkom)
        .bind(&c.beskrivning)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Case {
            diarienummer,
            personnummer: person.person.personnummer,
            unit: c.unit.clone(),
            arendetyp: c.arendetyp.clone(),
            status: c.status.clone(),
            inkom: c.inkom.clone(),
            beskrivning: c.beskrivning.clone(),
            locked_by: None,
        })
    }

    /// Sets or clears a case's lock; false when there is no such case.
    pub(crate) async fn set_lock(
        &self,
        diarienummer: &str,
        by: Option<&str>,
    ) -> Result<bool, Error> {
        let done = sqlx::query("UPDATE cases SET locked_by = ?2 WHERE diarienummer = ?1")
            .bind(diarienummer)
            .bind(by)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // ---- users and units ----

    pub(crate) async fn user(&self, username: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query("SELECT username, display_name FROM users WHERE username = ?1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| User {
            username: r.get(0),
            display_name: r.get(1),
        }))
    }

    /// Records today's login; true when it is the user's first today.
    pub(crate) async fn first_login_today(&self, username: &str) -> Result<bool, Error> {
        let today = format::today();
        let done = sqlx::query(
            "UPDATE users SET last_login_day = ?2 WHERE username = ?1 \
             AND (last_login_day IS NULL OR last_login_day <> ?2)",
        )
        .bind(username)
        .bind(today)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn units(&self) -> Result<Vec<(i64, String)>, Error> {
        let rows = sqlx::query("SELECT id, name FROM units ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    // ---- persons and cases ----

    pub(crate) async fn persons(&self) -> Result<Vec<PersonRow>, Error> {
        let rows: Vec<PersonDb> = sqlx::query_as("SELECT * FROM persons ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(PersonRow::from).collect())
    }

    pub(crate) async fn person(&self, id: i64) -> Result<Option<PersonRow>, Error> {
        let row: Option<PersonDb> = sqlx::query_as("SELECT * FROM persons WHERE id = ?1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(PersonRow::from))
    }

    pub(crate) async fn person_by_pnr(&self, pnr: &str) -> Result<Option<PersonRow>, Error> {
        let digits: String = pnr.chars().filter(char::is_ascii_digit).collect();
        let row: Option<PersonDb> = sqlx::query_as("SELECT * FROM persons WHERE personnummer = ?1")
            .bind(digits)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(PersonRow::from))
    }

    /// A person's cases, in id order (pages sort them themselves).
    pub(crate) async fn cases_of(&self, person_id: i64) -> Result<Vec<CaseRow>, Error> {
        let sql = concat!(case_select!(), " WHERE c.person_id = ?1 ORDER BY c.id");
        let rows: Vec<CaseDb> = sqlx::query_as(sql)
            .bind(person_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(CaseRow::from).collect())
    }

    /// Open cases of a unit, newest first (the worklist).
    pub(crate) async fn open_cases_in(&self, unit: &str) -> Result<Vec<CaseRow>, Error> {
        let sql = concat!(
            case_select!(),
            " WHERE u.name = ?1 AND c.status = 'Öppet' ORDER BY c.inkom DESC, c.id DESC",
        );
        let rows: Vec<CaseDb> = sqlx::query_as(sql).bind(unit).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(CaseRow::from).collect())
    }

    pub(crate) async fn case(&self, id: i64) -> Result<Option<CaseRow>, Error> {
        let sql = concat!(case_select!(), " WHERE c.id = ?1");
        let row: Option<CaseDb> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(CaseRow::from))
    }

    // ---- case-bound records ----

    pub(crate) async fn aktualiseringar(&self, scope: Scope) -> Result<Vec<Aktualisering>, Error> {
        let (case, person) = scope.ids();
        let rows = sqlx::query(concat!(
            "SELECT c.diarienummer, a.typ, a.inkom_datum, a.inkom_tid, a.fran, a.beskrivning, \
             a.registered_by FROM aktualiseringar a JOIN cases c ON c.id = a.case_id",
            scope_where!(),
            " ORDER BY a.id",
        ))
        .bind(case)
        .bind(person)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Aktualisering {
                diarienummer: r.get(0),
                typ: r.get(1),
                inkom_datum: r.get(2),
                inkom_tid: r.get(3),
                fran: r.get(4),
                beskrivning: r.get(5),
                registered_by: r.get(6),
            })
            .collect())
    }

    pub(crate) async fn decisions(&self, scope: Scope) -> Result<Vec<Decision>, Error> {
        let (case, person) = scope.ids();
        let rows = sqlx::query(concat!(
            "SELECT c.diarienummer, d.beslutstyp, d.lagrum, d.period_from, d.period_tom, \
             d.belopp_ore, d.motivering, d.beslutsfattare, d.beslutsunderlag, d.registered_by \
             FROM decisions d JOIN cases c ON c.id = d.case_id",
            scope_where!(),
            " ORDER BY d.id",
        ))
        .bind(case)
        .bind(person)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let underlag: String = r.get(8);
                Decision {
                    diarienummer: r.get(0),
                    beslutstyp: r.get(1),
                    lagrum: r.get(2),
                    period_from: r.get(3),
                    period_tom: r.get(4),
                    belopp_ore: r.get(5),
                    motivering: r.get(6),
                    beslutsfattare: r.get(7),
                    beslutsunderlag: underlag
                        .split('\n')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    registered_by: r.get(9),
                }
            })
            .collect())
    }

    pub(crate) async fn payments(&self, scope: Scope) -> Result<Vec<Payment>, Error> {
        let (case, person) = scope.ids();
        let rows = sqlx::query(concat!(
            "SELECT c.diarienummer, p.personnummer, x.mottagare, x.satt, x.datum, x.period, \
             x.belopp_ore, x.referens, x.registered_by FROM payments x \
             JOIN cases c ON c.id = x.case_id JOIN persons p ON p.id = c.person_id",
            scope_where!(),
            " ORDER BY x.id",
        ))
        .bind(case)
        .bind(person)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Payment {
                diarienummer: r.get(0),
                personnummer: r.get(1),
                mottagare: r.get(2),
                satt: r.get(3),
                datum: r.get(4),
                period: r.get(5),
                belopp_ore: r.get(6),
                referens: r.get(7),
                registered_by: r.get(8),
            })
            .collect())
    }

    pub(crate) async fn notes(&self, scope: Scope) -> Result<Vec<NoteRow>, Error> {
        let (case, person) = scope.ids();
        let rows = sqlx::query(concat!(
            "SELECT n.id, c.diarienummer, n.datum, n.rubrik, n.text, n.author, n.signed_at \
             FROM journal_notes n JOIN cases c ON c.id = n.case_id",
            scope_where!(),
            " ORDER BY n.id",
        ))
        .bind(case)
        .bind(person)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(note_row).collect())
    }

    pub(crate) async fn note(&self, id: i64) -> Result<Option<(i64, NoteRow)>, Error> {
        let row = sqlx::query(
            "SELECT n.id, c.diarienummer, n.datum, n.rubrik, n.text, n.author, n.signed_at, \
             n.case_id FROM journal_notes n JOIN cases c ON c.id = n.case_id WHERE n.id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| {
            let case_id: i64 = r.get(7);
            (case_id, note_row(r))
        }))
    }

    // ---- saves ----

    async fn lock_of(
        &self,
        tx: &mut sqlx::SqliteConnection,
        case_id: i64,
    ) -> Result<Option<String>, Error> {
        let lock: Option<Option<String>> =
            sqlx::query_scalar("SELECT locked_by FROM cases WHERE id = ?1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
        match lock {
            None => Err(Error::NotFound(format!("case {case_id}"))),
            Some(lock) => Ok(lock),
        }
    }

    /// Saves a payment unless the case is locked, or another payment exists for the
    /// person and period and `confirmed` is false.
    pub(crate) async fn save_payment(
        &self,
        case_id: i64,
        p: &PaymentInput,
        user: &str,
        confirmed: bool,
    ) -> Result<Result<Saved, Refusal>, Error> {
        let mut tx = self.pool.begin().await?;
        if let Some(by) = self.lock_of(&mut tx, case_id).await? {
            return Ok(Err(Refusal::Locked(by)));
        }
        let existing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM payments x JOIN cases c ON c.id = x.case_id \
             WHERE c.person_id = (SELECT person_id FROM cases WHERE id = ?1) AND x.period = ?2",
        )
        .bind(case_id)
        .bind(&p.period)
        .fetch_one(&mut *tx)
        .await?;
        if existing > 0 && !confirmed {
            return Ok(Ok(Saved::DuplicateWarning));
        }
        sqlx::query(
            "INSERT INTO payments (case_id, mottagare, satt, datum, period, belopp_ore, referens, \
             registered_by, registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(case_id)
        .bind(&p.mottagare)
        .bind(&p.satt)
        .bind(&p.datum)
        .bind(&p.period)
        .bind(p.belopp_ore)
        .bind(&p.referens)
        .bind(user)
        .bind(format::now_stamp())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(Saved::Yes))
    }

    /// Saves an aktualisering unless the case is locked, or the person already has one of
    /// the same type received the same month and `confirmed` is false.
    pub(crate) async fn save_aktualisering(
        &self,
        case_id: i64,
        a: &AktInput,
        user: &str,
        confirmed: bool,
    ) -> Result<Result<Saved, Refusal>, Error> {
        let mut tx = self.pool.begin().await?;
        if let Some(by) = self.lock_of(&mut tx, case_id).await? {
            return Ok(Err(Refusal::Locked(by)));
        }
        let existing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM aktualiseringar a JOIN cases c ON c.id = a.case_id \
             WHERE c.person_id = (SELECT person_id FROM cases WHERE id = ?1) AND a.typ = ?2 \
             AND substr(a.inkom_datum, 1, 7) = substr(?3, 1, 7)",
        )
        .bind(case_id)
        .bind(&a.typ)
        .bind(&a.inkom_datum)
        .fetch_one(&mut *tx)
        .await?;
        if existing > 0 && !confirmed {
            return Ok(Ok(Saved::DuplicateWarning));
        }
        sqlx::query(
            "INSERT INTO aktualiseringar (case_id, typ, inkom_datum, inkom_tid, fran, beskrivning, \
             registered_by, registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(case_id)
        .bind(&a.typ)
        .bind(&a.inkom_datum)
        .bind(&a.inkom_tid)
        .bind(&a.fran)
        .bind(&a.beskrivning)
        .bind(user)
        .bind(format::now_stamp())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(Saved::Yes))
    }

    pub(crate) async fn save_decision(
        &self,
        case_id: i64,
        d: &DecisionInput,
        user: &str,
    ) -> Result<Result<Saved, Refusal>, Error> {
        let mut tx = self.pool.begin().await?;
        if let Some(by) = self.lock_of(&mut tx, case_id).await? {
            return Ok(Err(Refusal::Locked(by)));
        }
        sqlx::query(
            "INSERT INTO decisions (case_id, beslutstyp, lagrum, period_from, period_tom, \
             belopp_ore, motivering, beslutsfattare, beslutsunderlag, registered_by, \
             registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .bind(case_id)
        .bind(&d.beslutstyp)
        .bind(&d.lagrum)
        .bind(&d.period_from)
        .bind(&d.period_tom)
        .bind(d.belopp_ore)
        .bind(&d.motivering)
        .bind(&d.beslutsfattare)
        .bind(d.beslutsunderlag.join("\n"))
        .bind(user)
        .bind(format::now_stamp())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(Saved::Yes))
    }

    /// Saves a new note (`note_id` None) or changes a draft; a signed note is refused.
    pub(crate) async fn save_note(
        &self,
        case_id: i64,
        note_id: Option<i64>,
        n: &NoteInput,
        user: &str,
    ) -> Result<Result<Saved, Refusal>, Error> {
        let mut tx = self.pool.begin().await?;
        if let Some(by) = self.lock_of(&mut tx, case_id).await? {
            return Ok(Err(Refusal::Locked(by)));
        }
        let signed_at = n.sign.then(format::now_stamp);
        match note_id {
            None => {
                sqlx::query(
                    "INSERT INTO journal_notes (case_id, datum, rubrik, text, author, signed_at, \
                     created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .bind(case_id)
                .bind(&n.datum)
                .bind(&n.rubrik)
                .bind(&n.text)
                .bind(user)
                .bind(signed_at)
                .bind(format::now_stamp())
                .execute(&mut *tx)
                .await?;
            }
            Some(id) => {
                // The signed check is in the statement, so a note signed meanwhile is safe.
                let done = sqlx::query(
                    "UPDATE journal_notes SET datum = ?3, rubrik = ?4, text = ?5, signed_at = ?6 \
                     WHERE id = ?1 AND case_id = ?2 AND signed_at IS NULL",
                )
                .bind(id)
                .bind(case_id)
                .bind(&n.datum)
                .bind(&n.rubrik)
                .bind(&n.text)
                .bind(signed_at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(Err(Refusal::Signed));
                }
            }
        }
        tx.commit().await?;
        Ok(Ok(Saved::Yes))
    }
}

fn note_row(r: sqlx::sqlite::SqliteRow) -> NoteRow {
    NoteRow {
        id: r.get(0),
        note: JournalNote {
            diarienummer: r.get(1),
            datum: r.get(2),
            rubrik: r.get(3),
            text: r.get(4),
            author: r.get(5),
            signed_at: r.get(6),
        },
    }
}
