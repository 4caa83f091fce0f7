//! Försörjningsstöd (the monthly ekonomiskt bistånd): the calculation by riksnorm.
//!
//! [`Household::from_json`] (or [`Household::parse`] for a typed [`HouseholdInput`]) checks
//! a household as submitted and lists every problem in Swedish; [`calculate`] turns it into a
//! [`Calculation`]: need (riksnorm per member and household size, approved costs outside the
//! norm), counted income (net incomes, minus the jobbstimulans share), and the result, with
//! a reason in Swedish on every row. The norms are versioned data, one DMN model per year
//! ([`Norms`]), each figure with its provenance; a year without one is an error. Money is
//! whole kronor (`i64`), rounded per row. `flode calc forsorjningsstod` calls this crate.
//! Input and output: docs/forsorjningsstod.md.
//!
//! Pure: no IO beyond reading a norm directory when asked to.

mod calculation;
mod input;
mod norms;
mod table;

pub use calculation::{Calculation, NormUsed, Outcome, Row, Section, calculate, kr};
pub use input::{
    CostInput, CostKind, Household, HouseholdInput, IncomeInput, IncomeKind, MemberInput, Month,
    Role,
};
pub use norms::{
    AdultsOnly, Norm, NormAmount, Norms, PartTimeChildMethod, PersonalCategory, Provenance,
};

/// Why a calculation could not be made. Messages about the household and the norm years are
/// in Swedish (they reach case workers); those about a broken norm file are for operators.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The household input is wrong; every problem is listed.
    #[error("felaktig indata: {}", problems.join("; "))]
    Invalid {
        /// Each problem, in Swedish, starting with the field it concerns.
        problems: Vec<String>,
    },
    /// No norm table for the year of the month applied for.
    #[error("det finns ingen riksnorm för år {year} (kända år: {})", known.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))]
    NoNorm {
        /// The year asked for.
        year: i32,
        /// The years there are.
        known: Vec<i32>,
    },
    /// The year's norm has no confirmed figure the household needs.
    #[error("riksnorm {year} saknar bekräftade belopp för {what}")]
    NormLacks {
        /// The year.
        year: i32,
        /// What is missing, in Swedish.
        what: String,
    },
    /// The household needs a rule this calculation does not have yet.
    #[error("{0}")]
    Unsupported(String),
    /// A norm file is malformed or has a gap.
    #[error("riksnorm {year}: {reason}")]
    NormInvalid {
        /// Its year.
        year: i32,
        /// What is wrong.
        reason: String,
    },
    /// A norm directory could not be read.
    #[error("cannot read norms from {dir}: {reason}")]
    NormDir {
        /// The directory or file.
        dir: String,
        /// Why.
        reason: String,
    },
}
