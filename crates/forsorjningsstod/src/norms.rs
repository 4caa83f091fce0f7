//! Riksnorm tables as versioned data: one DMN model per calendar year
//! (`norms/riksnorm-YYYY.dmn`). Every amount carries its provenance and source, so that a
//! result built on anything but a confirmed figure says so.
//!
//! A year's model has either the full tables (decisions `personal_cost`, `common_cost` and
//! `part_time_child_common_cost`), or only the confirmed totals for households of adults
//! (`adults_only_norm`), or both. Every figure is read from the model once, when it is
//! loaded, so a table with a gap is refused at load and not halfway through a calculation.

use std::collections::BTreeMap;
use std::path::Path;

use flode_decision::DecisionModel;
use serde_json::{Map, Value, json};

use crate::Error;

/// The tables shipped with flode: years whose figures the domain notes confirm.
const SHIPPED: [(i32, &str); 2] = [
    (2021, include_str!("../norms/riksnorm-2021.dmn")),
    (2026, include_str!("../norms/riksnorm-2026.dmn")),
];

/// Children are household members up to and including this age (SOSFS 2013:1: under 21).
pub(crate) const OLDEST_CHILD: u32 = 20;
/// The riksnorm sets common costs for households of up to this many persons.
const LARGEST_TABULATED_HOUSEHOLD: u32 = 7;

/// How sure a figure is (the markers of the domain notes). Ordered from most to least sure,
/// so that the provenance of a figure derived from several is the largest of theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Seen in the official text.
    Confirmed,
    /// A secondary source consistent with an official figure.
    Secondary,
    /// Derived (e.g. uprated from an earlier year): never for production decisions.
    Estimated,
}

/// One amount from a norm table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormAmount {
    /// Kronor per month.
    pub amount: i64,
    /// How sure it is.
    pub provenance: Provenance,
    /// Where it comes from, e.g. "SFS 2020:1013".
    pub source: String,
}

/// Who a personal cost is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalCategory {
    /// An adult living alone (or sharing a home without being sambo).
    SingleAdult,
    /// Two adults who are sambor or married: one amount for both.
    CohabitingAdults,
    /// A child (0–20), by age and whether it eats lunch outside the home five days a week
    /// (which only lowers the amount for ages 0–6).
    Child {
        /// Age in whole years.
        age: u32,
        /// Lunch outside the home five days a week (förskola).
        lunch_outside_home: bool,
    },
}

/// A household of adults only, for a year that has only such totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdultsOnly {
    /// One adult.
    Single,
    /// Two sambor or spouses.
    Cohabiting,
}

/// How an umgängesbarn (in the household part of the month) adds to the common costs. Not
/// part of the riksnorm: each municipality chooses, in the norm file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartTimeChildMethod {
    /// The step to the next household size × days in the household / days of the month.
    StepProRata,
    /// No addition.
    None,
}

/// The full tables of a year.
#[derive(Debug, Clone)]
struct Tables {
    single_adult: NormAmount,
    cohabiting_adults: NormAmount,
    /// Index: age 0–20; [lunch at home, lunch outside the home].
    children: Vec<[NormAmount; 2]>,
    /// Index: persons − 1, for 1–7 persons.
    common: Vec<NormAmount>,
    part_time_child: PartTimeChildMethod,
}

/// The confirmed totals for households of adults only.
#[derive(Debug, Clone)]
struct Totals {
    single: NormAmount,
    cohabiting: NormAmount,
}

/// The riksnorm of one year.
#[derive(Debug, Clone)]
pub struct Norm {
    year: i32,
    name: String,
    tables: Option<Tables>,
    totals: Option<Totals>,
}

impl Norm {
    /// Parses a year's DMN model and reads every figure in it.
    pub fn parse(year: i32, xml: &str) -> Result<Self, Error> {
        let invalid = |reason: String| Error::NormInvalid { year, reason };
        let model = DecisionModel::parse(xml).map_err(|e| invalid(e.to_string()))?;
        let has = |id: &str| model.decisions().iter().any(|d| d.id == id);
        let reader = Reader {
            year,
            model: &model,
        };
        let tables = match (
            has("personal_cost"),
            has("common_cost"),
            has("part_time_child_common_cost"),
        ) {
            (false, false, false) => None,
            (true, true, true) => Some(reader.tables()?),
            _ => {
                return Err(invalid(
                    "the full tables need all three decisions personal_cost, common_cost and \
                     part_time_child_common_cost"
                        .to_owned(),
                ));
            }
        };
        let totals = if has("adults_only_norm") {
            Some(Totals {
                single: reader.amount("adults_only_norm", json!({"category": "single_adult"}))?,
                cohabiting: reader
                    .amount("adults_only_norm", json!({"category": "cohabiting_adults"}))?,
            })
        } else {
            None
        };
        if tables.is_none() && totals.is_none() {
            return Err(invalid(
                "the model has neither the full tables (personal_cost, common_cost, \
                 part_time_child_common_cost) nor adults_only_norm"
                    .to_owned(),
            ));
        }
        Ok(Self {
            year,
            name: model.name().to_owned(),
            tables,
            totals,
        })
    }

    /// The calendar year it applies to.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Its name in the model, e.g. "Riksnorm 2026".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the year has the full tables (personal costs by age, common costs by size).
    pub fn has_full_tables(&self) -> bool {
        self.tables.is_some()
    }

    /// Every figure of the year, for checks of shipped data.
    pub fn figures(&self) -> Vec<&NormAmount> {
        let mut all = Vec::new();
        if let Some(t) = &self.tables {
            all.extend([&t.single_adult, &t.cohabiting_adults]);
            all.extend(t.children.iter().flatten());
            all.extend(&t.common);
        }
        if let Some(t) = &self.totals {
            all.extend([&t.single, &t.cohabiting]);
        }
        all
    }

    /// The personal cost for a category.
    pub fn personal_cost(&self, category: PersonalCategory) -> Result<&NormAmount, Error> {
        let t = self.full_tables("personliga kostnader per person")?;
        match category {
            PersonalCategory::SingleAdult => Ok(&t.single_adult),
            PersonalCategory::CohabitingAdults => Ok(&t.cohabiting_adults),
            PersonalCategory::Child {
                age,
                lunch_outside_home,
            } => t
                .children
                .get(age as usize)
                .map(|by_lunch| &by_lunch[usize::from(lunch_outside_home)])
                .ok_or_else(|| Error::NormLacks {
                    year: self.year,
                    what: format!("barn som är {age} år"),
                }),
        }
    }

    /// The common household costs for a household of 1–7 persons (larger households are
    /// the caller's arithmetic, see [`crate::calculate`]).
    pub fn common_cost(&self, persons: u32) -> Result<&NormAmount, Error> {
        let t = self.full_tables("gemensamma hushållskostnader per hushållsstorlek")?;
        persons
            .checked_sub(1)
            .and_then(|i| t.common.get(i as usize))
            .ok_or_else(|| Error::NormLacks {
                year: self.year,
                what: format!("gemensamma hushållskostnader för {persons} personer"),
            })
    }

    /// The municipality's method for an umgängesbarn's share of the common costs.
    pub fn part_time_child_method(&self) -> Result<PartTimeChildMethod, Error> {
        Ok(self.full_tables("umgängesbarn")?.part_time_child)
    }

    /// The total norm (personal and common costs) of a household of adults only, when the
    /// year has only such totals confirmed.
    pub fn adults_only_total(&self, household: AdultsOnly) -> Result<&NormAmount, Error> {
        let t = self.totals.as_ref().ok_or_else(|| Error::NormLacks {
            year: self.year,
            what: "totalbelopp för hushåll med bara vuxna".to_owned(),
        })?;
        Ok(match household {
            AdultsOnly::Single => &t.single,
            AdultsOnly::Cohabiting => &t.cohabiting,
        })
    }

    fn full_tables(&self, what: &str) -> Result<&Tables, Error> {
        self.tables.as_ref().ok_or_else(|| Error::NormLacks {
            year: self.year,
            what: format!(
                "{what} (bara totalbeloppen för ensamstående och sambor utan barn är bekräftade)"
            ),
        })
    }
}

/// Reads figures out of a model.
struct Reader<'a> {
    year: i32,
    model: &'a DecisionModel,
}

impl Reader<'_> {
    fn tables(&self) -> Result<Tables, Error> {
        let personal = |input: Value| self.amount("personal_cost", input);
        let mut children = Vec::new();
        for age in 0..=OLDEST_CHILD {
            let child = |lunch: bool| {
                personal(json!({"category": "child", "age": age, "lunch_outside_home": lunch}))
            };
            children.push([child(false)?, child(true)?]);
        }
        let common = (1..=LARGEST_TABULATED_HOUSEHOLD)
            .map(|persons| self.amount("common_cost", json!({ "persons": persons })))
            .collect::<Result<_, _>>()?;
        let method = self.evaluate("part_time_child_common_cost", Map::new())?;
        let part_time_child = match method.as_str() {
            Some("step_pro_rata") => PartTimeChildMethod::StepProRata,
            Some("none") => PartTimeChildMethod::None,
            _ => {
                return Err(self.invalid(format!(
                    "part_time_child_common_cost must be \"step_pro_rata\" or \"none\", not {method}"
                )));
            }
        };
        Ok(Tables {
            single_adult: personal(json!({"category": "single_adult"}))?,
            cohabiting_adults: personal(json!({"category": "cohabiting_adults"}))?,
            children,
            common,
            part_time_child,
        })
    }

    fn amount(&self, decision: &str, input: Value) -> Result<NormAmount, Error> {
        let input = match input {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let shown = Value::Object(input.clone());
        let out = self.evaluate(decision, input)?;
        let bad = |what: &str| self.invalid(format!("{decision} for {shown}: {what}, got {out}"));
        let amount = out
            .get("amount")
            .and_then(Value::as_i64)
            .filter(|a| *a >= 0)
            .ok_or_else(|| bad("no row, or no whole non-negative krona amount"))?;
        let provenance = match out.get("provenance").and_then(Value::as_str) {
            Some("C") => Provenance::Confirmed,
            Some("S") => Provenance::Secondary,
            Some("E") => Provenance::Estimated,
            _ => return Err(bad("provenance must be \"C\", \"S\" or \"E\"")),
        };
        let source = out
            .get("source")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| bad("every figure needs a source"))?
            .to_owned();
        Ok(NormAmount {
            amount,
            provenance,
            source,
        })
    }

    fn evaluate(&self, decision: &str, input: Map<String, Value>) -> Result<Value, Error> {
        self.model
            .evaluate(decision, &input)
            .map_err(|e| self.invalid(format!("{decision}: {e}")))
    }

    fn invalid(&self, reason: String) -> Error {
        Error::NormInvalid {
            year: self.year,
            reason,
        }
    }
}

/// The norms of every year known.
#[derive(Debug, Clone)]
pub struct Norms {
    years: BTreeMap<i32, Norm>,
}

impl Norms {
    /// The tables shipped with flode.
    pub fn shipped() -> Result<Self, Error> {
        let mut years = BTreeMap::new();
        for (year, xml) in SHIPPED {
            years.insert(year, Norm::parse(year, xml)?);
        }
        Ok(Self { years })
    }

    /// The shipped tables plus every `riksnorm-YYYY.dmn` in `dir`, which replace a shipped
    /// year: a new year's norm is a file, not a code change.
    pub fn shipped_and_dir(dir: &Path) -> Result<Self, Error> {
        let unreadable = |path: &Path, e: std::io::Error| Error::NormDir {
            dir: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut norms = Self::shipped()?;
        for entry in std::fs::read_dir(dir).map_err(|e| unreadable(dir, e))? {
            let path = entry.map_err(|e| unreadable(dir, e))?.path();
            let Some(year) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("riksnorm-"))
                .and_then(|n| n.strip_suffix(".dmn"))
                .and_then(|y| y.parse::<i32>().ok())
            else {
                continue;
            };
            let xml = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
            norms.years.insert(year, Norm::parse(year, &xml)?);
        }
        Ok(norms)
    }

    /// The norm for `year`, or a clear error naming the years there are.
    pub fn year(&self, year: i32) -> Result<&Norm, Error> {
        self.years.get(&year).ok_or_else(|| Error::NoNorm {
            year,
            known: self.years.keys().copied().collect(),
        })
    }

    /// Every year, in order.
    pub fn years(&self) -> impl Iterator<Item = &Norm> {
        self.years.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms() -> Norms {
        Norms::shipped().expect("shipped norms parse")
    }

    fn child(age: u32, lunch_outside_home: bool) -> PersonalCategory {
        PersonalCategory::Child {
            age,
            lunch_outside_home,
        }
    }

    /// Every figure of the 2021 table in ekonomiskt-bistand.md §3 (SFS 2020:1013, [C]).
    #[test]
    fn the_2021_table_holds_every_figure_of_the_notes() {
        let norms = norms();
        let n = norms.year(2021).expect("2021");
        let amount = |c| n.personal_cost(c).expect("amount").amount;
        assert_eq!(amount(PersonalCategory::SingleAdult), 3160);
        assert_eq!(amount(PersonalCategory::CohabitingAdults), 5700);
        let ages = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 14, 15, 18, 19, 20];
        let at_home = [
            2180, 2440, 2440, 2170, 2440, 2440, 2440, 3060, 3060, 3520, 3520, 3970, 3970, 4000,
            4000,
        ];
        let outside = [
            2050, 2240, 2240, 1990, 2170, 2170, 2170, 3060, 3060, 3520, 3520, 3970, 3970, 4000,
            4000,
        ];
        for (i, age) in ages.into_iter().enumerate() {
            assert_eq!(amount(child(age, false)), at_home[i], "age {age} at home");
            assert_eq!(amount(child(age, true)), outside[i], "age {age} outside");
        }
        let common: Vec<i64> = (1..=7)
            .map(|p| n.common_cost(p).expect("common").amount)
            .collect();
        assert_eq!(common, [1020, 1130, 1420, 1610, 1860, 2100, 2270]);
        assert_eq!(
            n.part_time_child_method().expect("method"),
            PartTimeChildMethod::StepProRata
        );
    }

    /// 2026: only the official totals [C]; the [S] split and the [E] table are not shipped.
    #[test]
    fn the_2026_norm_has_only_the_confirmed_totals() {
        let norms = norms();
        let n = norms.year(2026).expect("2026");
        assert_eq!(
            n.adults_only_total(AdultsOnly::Single).expect("1").amount,
            5220
        );
        assert_eq!(
            n.adults_only_total(AdultsOnly::Cohabiting)
                .expect("2")
                .amount,
            8510
        );
        assert!(!n.has_full_tables());
        let err = n.personal_cost(child(12, false)).expect_err("no table");
        assert!(err.to_string().contains("riksnorm 2026 saknar"), "{err}");
    }

    #[test]
    fn every_shipped_figure_is_confirmed_and_sourced() {
        for norm in norms().years() {
            for figure in norm.figures() {
                assert_eq!(
                    figure.provenance,
                    Provenance::Confirmed,
                    "{}: {figure:?}",
                    norm.year()
                );
                assert!(!figure.source.is_empty());
            }
        }
    }

    #[test]
    fn a_year_without_a_table_is_an_error_naming_the_known_years() {
        let err = norms().year(2027).expect_err("no 2027");
        assert_eq!(
            err.to_string(),
            "det finns ingen riksnorm för år 2027 (kända år: 2021, 2026)"
        );
    }

    #[test]
    fn a_table_with_a_gap_is_refused_at_load() {
        // The 2021 file without its row for 19–20-year-olds.
        let xml = include_str!("../norms/riksnorm-2021.dmn");
        let start = xml.find(r#"<rule id="p14">"#).expect("rule p14");
        let end = start + xml[start..].find("</rule>").expect("end") + "</rule>".len();
        let gap = format!("{}{}", &xml[..start], &xml[end..]);
        let err = Norm::parse(2021, &gap).expect_err("refused");
        assert!(
            matches!(err, Error::NormInvalid { year: 2021, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("\"age\":19"), "{err}");
    }

    #[test]
    fn a_figure_without_provenance_is_refused() {
        let xml = include_str!("../norms/riksnorm-2026.dmn").replacen(r#""C""#, r#""U""#, 1);
        let err = Norm::parse(2026, &xml).expect_err("refused");
        assert!(err.to_string().contains("provenance"), "{err}");
    }
}
