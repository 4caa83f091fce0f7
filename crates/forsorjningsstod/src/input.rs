//! The household as submitted (JSON, documented in docs/forsorjningsstod.md) and its parsing
//! into a [`Household`] whose invariants the calculation relies on. Every problem is
//! reported, each starting with the JSON field it concerns, in Swedish.

use serde_json::{Map, Value};

use crate::Error;
use crate::norms::OLDEST_CHILD;

/// The largest amount accepted on one row: keeps sums far from overflow, and anything
/// larger is a typing error.
const MAX_AMOUNT: i64 = 10_000_000;
/// Applicants must be adults.
const ADULT_AGE: u32 = 18;
/// Ages above this are typing errors.
const MAX_AGE: u32 = 120;

/// JSON names, Swedish labels and parsing for the enums of the input.
macro_rules! coded {
    ($ty:ident { $($variant:ident => $code:literal, $label:literal;)* }) => {
        impl $ty {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// Its name in JSON.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }

            /// The Swedish label used in reasons and letters.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),* }
            }

            /// From its name in JSON.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

/// A member's role in the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The adult who applies.
    Applicant,
    /// The applicant's spouse, registered partner or sambo, applying together.
    CoApplicant,
    /// A child under 21 whom the applicants support (also an umgängesbarn, with its days).
    Child,
}

coded!(Role {
    Applicant => "applicant", "sökande";
    CoApplicant => "co_applicant", "medsökande";
    Child => "child", "barn";
});

/// A cost outside the norm (skälig kostnad).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostKind {
    /// Hyra, or interest for an owned home.
    Housing,
    /// Hushållsel.
    Electricity,
    /// Hemförsäkring.
    HomeInsurance,
    /// Arbetsresor.
    WorkTravel,
    /// Fackavgift.
    UnionFee,
    /// A-kasseavgift.
    UnemploymentFundFee,
    /// Läkarvård.
    Healthcare,
    /// Receptbelagd medicin.
    Medicine,
    /// Akut tandvård.
    DentalCare,
    /// Barnomsorgsavgift (förskola, fritids).
    Childcare,
    /// Livsföring i övrigt (e.g. glasögon), when granted.
    OtherLiving,
}

coded!(CostKind {
    Housing => "housing", "Boendekostnad";
    Electricity => "electricity", "Hushållsel";
    HomeInsurance => "home_insurance", "Hemförsäkring";
    WorkTravel => "work_travel", "Arbetsresor";
    UnionFee => "union_fee", "Fackavgift";
    UnemploymentFundFee => "unemployment_fund_fee", "A-kasseavgift";
    Healthcare => "healthcare", "Läkarvård";
    Medicine => "medicine", "Receptbelagd medicin";
    DentalCare => "dental_care", "Akut tandvård";
    Childcare => "childcare", "Barnomsorgsavgift";
    OtherLiving => "other_living", "Livsföring i övrigt";
});

/// An income, net after tax, per month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeKind {
    /// Lön från anställning (the only income jobbstimulans applies to).
    Salary,
    /// Arbetslöshetsersättning (a-kassa).
    UnemploymentBenefit,
    /// Aktivitetsstöd or utvecklingsersättning.
    ActivitySupport,
    /// Etableringsersättning.
    EstablishmentAllowance,
    /// Barnbidrag, including flerbarnstillägg.
    ChildBenefit,
    /// Bostadsbidrag or bostadstillägg.
    HousingAllowance,
    /// Underhållsstöd or underhållsbidrag.
    MaintenanceSupport,
    /// Föräldrapenning.
    ParentalBenefit,
    /// Sjukpenning.
    SicknessBenefit,
    /// Sjuk- eller aktivitetsersättning.
    DisabilityBenefit,
    /// Pension.
    Pension,
    /// Studiemedel, including the loan.
    StudentAid,
    /// Skatteåterbäring.
    TaxRefund,
    /// Kapitalinkomst.
    CapitalIncome,
    /// Swish and other deposits.
    Deposits,
    /// Another income that counts.
    OtherCounted,
    /// Skattefri handikappersättning / merkostnadsersättning: not counted.
    TaxFreeDisabilityAllowance,
    /// CSN:s extra tillägg: not counted.
    StudentAidSupplement,
    /// A small gift from a fond: not counted.
    SmallGift,
}

coded!(IncomeKind {
    Salary => "salary", "Lön efter skatt";
    UnemploymentBenefit => "unemployment_benefit", "Arbetslöshetsersättning";
    ActivitySupport => "activity_support", "Aktivitetsstöd/utvecklingsersättning";
    EstablishmentAllowance => "establishment_allowance", "Etableringsersättning";
    ChildBenefit => "child_benefit", "Barnbidrag och flerbarnstillägg";
    HousingAllowance => "housing_allowance", "Bostadsbidrag/bostadstillägg";
    MaintenanceSupport => "maintenance_support", "Underhållsstöd/underhållsbidrag";
    ParentalBenefit => "parental_benefit", "Föräldrapenning";
    SicknessBenefit => "sickness_benefit", "Sjukpenning";
    DisabilityBenefit => "disability_benefit", "Sjuk- eller aktivitetsersättning";
    Pension => "pension", "Pension";
    StudentAid => "student_aid", "Studiemedel";
    TaxRefund => "tax_refund", "Skatteåterbäring";
    CapitalIncome => "capital_income", "Kapitalinkomst";
    Deposits => "deposits", "Insättningar (t.ex. Swish)";
    OtherCounted => "other_counted", "Annan inkomst";
    TaxFreeDisabilityAllowance => "tax_free_disability_allowance", "Skattefri handikappersättning";
    StudentAidSupplement => "student_aid_supplement", "CSN:s extra tillägg";
    SmallGift => "small_gift", "Mindre gåva från fond";
});

impl IncomeKind {
    /// Whether it counts as income for försörjningsstöd (ekonomiskt-bistand.md §4).
    pub fn counted(self) -> bool {
        !matches!(
            self,
            Self::TaxFreeDisabilityAllowance | Self::StudentAidSupplement | Self::SmallGift
        )
    }
}

/// The input of [`crate::calculate`] before its checks; [`Household::from_json`] reads the
/// same shape from JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdInput {
    /// The month applied for, `YYYY-MM`.
    pub month: String,
    /// Everyone in the household the application is for.
    pub members: Vec<MemberInput>,
    /// When the applicants share a home with people outside the household (e.g. an adult
    /// child living with its parents): everyone living there. The household then bears its
    /// share of the common costs.
    pub shared_home_persons: Option<u32>,
    /// Costs outside the norm.
    pub costs: Vec<CostInput>,
    /// Incomes per member.
    pub incomes: Vec<IncomeInput>,
    /// Months in a row with försörjningsstöd before the month applied for.
    pub consecutive_months_on_support: u32,
}

/// One member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInput {
    /// A name for the member within this input (e.g. "sokande", "barn1"); never a
    /// personnummer.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Age in whole years in the month applied for.
    pub age: u32,
    /// Children: lunch outside the home five days a week (förskola); lowers the norm for
    /// ages 0–6 only.
    pub lunch_outside_home: bool,
    /// Children: days in the household this month (umgänge); `None` is the whole month.
    pub days_in_household: Option<u32>,
    /// Adults: months of jobbstimulans already used in the current 24-month period, when
    /// the case worker knows them; `None` derives them from the months in a row with support.
    pub job_stimulus_months_used: Option<u32>,
}

impl MemberInput {
    /// A member present the whole month, without jobbstimulans history.
    pub fn new(id: &str, role: Role, age: u32) -> Self {
        Self {
            id: id.to_owned(),
            role,
            age,
            lunch_outside_home: false,
            days_in_household: None,
            job_stimulus_months_used: None,
        }
    }
}

/// One cost: what was applied for and what the case worker approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostInput {
    /// Kind.
    pub kind: CostKind,
    /// Applied for, kronor per month.
    pub applied: i64,
    /// Approved, kronor; `None` is the amount applied for.
    pub approved: Option<i64>,
    /// The member it is for (läkarvård and medicin are per member), if one.
    pub member: Option<String>,
}

/// One income.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeInput {
    /// The member's `id`.
    pub member: String,
    /// Kind.
    pub kind: IncomeKind,
    /// Net per month, kronor.
    pub amount: i64,
    /// Where the figure comes from when not from the applicant (e.g. "SSBTEK, a-kassan,
    /// utbetalt 2026-11-28"); shown in the row's reason.
    pub source: Option<String>,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::read(text).ok_or_else(|| Error::Invalid {
            problems: vec![month_problem(text)],
        })
    }

    fn read(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// Days in the month (Gregorian).
    pub fn days(self) -> u32 {
        match self.month {
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }
}

fn month_problem(text: &str) -> String {
    format!("month: {text:?} ska skrivas ÅÅÅÅ-MM, till exempel 2026-04")
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A household that passed every check.
#[derive(Debug, Clone)]
pub struct Household {
    pub(crate) month: Month,
    pub(crate) members: Vec<MemberInput>,
    pub(crate) shared_home_persons: Option<u32>,
    pub(crate) costs: Vec<CostInput>,
    pub(crate) incomes: Vec<IncomeInput>,
    pub(crate) consecutive_months: u32,
}

impl Household {
    /// Reads and checks a household from JSON text (the shape in docs/forsorjningsstod.md).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "tar slut för tidigt",
                _ => "har ett syntaxfel",
            };
            Error::Invalid {
                problems: vec![format!(
                    "indata är inte giltig JSON: texten {what} (rad {}, kolumn {})",
                    e.line(),
                    e.column()
                )],
            }
        })?;
        Self::from_value(&value)
    }

    /// Reads and checks a household from a JSON value. Problems of shape (a missing field,
    /// a wrong type, an unknown name) and of content are reported together.
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let mut problems = Vec::new();
        let Some((input, read)) = read_input(value, &mut problems) else {
            return Err(Error::Invalid { problems });
        };
        check(&input, read, &mut problems);
        finish(input, problems)
    }

    /// Checks a typed input: one applicant, at most one co-applicant, children under 21
    /// with days within the month, unique member ids, incomes and costs of known members,
    /// amounts in whole kronor not above what was applied for. Every problem is reported.
    pub fn parse(input: HouseholdInput) -> Result<Self, Error> {
        let mut problems = Vec::new();
        check(&input, Complete::ALL, &mut problems);
        finish(input, problems)
    }

    /// The month applied for.
    pub fn month(&self) -> Month {
        self.month
    }
}

fn finish(input: HouseholdInput, problems: Vec<String>) -> Result<Household, Error> {
    match Month::read(&input.month) {
        Some(month) if problems.is_empty() => Ok(Household {
            month,
            members: input.members,
            shared_home_persons: input.shared_home_persons,
            costs: input.costs,
            incomes: input.incomes,
            consecutive_months: input.consecutive_months_on_support,
        }),
        // `check` reports a bad month, so problems is never empty here.
        _ => Err(Error::Invalid { problems }),
    }
}

/// Which parts of the JSON could be read. A part that could not is already reported, and
/// the checks that would then report a consequence instead of the cause are left out.
#[derive(Debug, Clone, Copy)]
struct Complete {
    month: bool,
    members: bool,
}

impl Complete {
    const ALL: Self = Self {
        month: true,
        members: true,
    };
}

/// The checks of content.
fn check(input: &HouseholdInput, read: Complete, problems: &mut Vec<String>) {
    let members_complete = read.members;
    let month = Month::read(&input.month);
    if month.is_none() && read.month {
        problems.push(month_problem(&input.month));
    }
    let members = &input.members;
    let count = |role| members.iter().filter(|m| m.role == role).count();
    if members_complete {
        let applicants = count(Role::Applicant);
        if applicants != 1 {
            problems.push(format!(
                "members: hushållet ska ha exakt en sökande (role \"applicant\"), har {applicants}"
            ));
        }
        if count(Role::CoApplicant) > 1 {
            problems.push("members: hushållet kan ha högst en medsökande".to_owned());
        }
    }
    for (i, m) in members.iter().enumerate() {
        let at = |field: &str| format!("members[{i}].{field}");
        if m.id.trim().is_empty() {
            problems.push(format!("{}: får inte vara tom", at("id")));
        } else if members[..i].iter().any(|o| o.id == m.id) {
            problems.push(format!(
                "{}: {:?} används redan för en annan medlem",
                at("id"),
                m.id
            ));
        }
        if m.age > MAX_AGE {
            problems.push(format!(
                "{}: {} år är inte en rimlig ålder",
                at("age"),
                m.age
            ));
        }
        match m.role {
            Role::Child if m.age > OLDEST_CHILD => problems.push(format!(
                "{}: {} är {} år; barn räknas till hushållet till och med {OLDEST_CHILD} år",
                at("age"),
                m.id,
                m.age
            )),
            Role::Applicant | Role::CoApplicant if m.age < ADULT_AGE => problems.push(format!(
                "{}: {} är {} år; en {} ska vara minst {ADULT_AGE} år",
                at("age"),
                m.id,
                m.age,
                m.role.label()
            )),
            _ => {}
        }
        if m.role == Role::Child {
            if m.job_stimulus_months_used.is_some() {
                problems.push(format!(
                    "{}: anges bara för vuxna",
                    at("job_stimulus_months_used")
                ));
            }
            if let (Some(days), Some(month)) = (m.days_in_household, month)
                && !(1..=month.days()).contains(&days)
            {
                problems.push(format!(
                    "{}: ska vara 1–{} för {month}, inte {days}",
                    at("days_in_household"),
                    month.days()
                ));
            }
        } else {
            if m.days_in_household.is_some() {
                problems.push(format!("{}: anges bara för barn", at("days_in_household")));
            }
            if m.lunch_outside_home {
                problems.push(format!("{}: anges bara för barn", at("lunch_outside_home")));
            }
        }
    }
    let known = |id: &str| !members_complete || members.iter().any(|m| m.id == id);
    for (i, c) in input.costs.iter().enumerate() {
        let at = |field: &str| format!("costs[{i}].{field}");
        amount_problems(&at("applied"), c.applied, problems);
        if let Some(approved) = c.approved {
            amount_problems(&at("approved"), approved, problems);
            if approved > c.applied {
                problems.push(format!(
                    "{}: {} får inte vara större än det sökta beloppet ({} kr)",
                    at("approved"),
                    c.kind.label(),
                    c.applied
                ));
            }
        }
        if let Some(member) = &c.member
            && !known(member)
        {
            problems.push(format!(
                "{}: {} gäller {member:?}, som inte finns bland members",
                at("member"),
                c.kind.label()
            ));
        }
    }
    for (i, income) in input.incomes.iter().enumerate() {
        let at = |field: &str| format!("incomes[{i}].{field}");
        amount_problems(&at("amount"), income.amount, problems);
        if !known(&income.member) {
            problems.push(format!(
                "{}: {} hör till {:?}, som inte finns bland members",
                at("member"),
                income.kind.label(),
                income.member
            ));
        }
    }
    if let Some(persons) = input.shared_home_persons
        && members_complete
        && persons as usize <= members.len()
    {
        problems.push(format!(
            "shared_home_persons: ett delat boende ska ha fler personer ({persons}) än hushållet ({})",
            members.len()
        ));
    }
}

fn amount_problems(at: &str, amount: i64, problems: &mut Vec<String>) {
    if amount < 0 {
        problems.push(format!(
            "{at}: ett belopp kan inte vara negativt ({amount})"
        ));
    } else if amount > MAX_AMOUNT {
        problems.push(format!(
            "{at}: {amount} kr är mer än vad som tas emot på en rad ({MAX_AMOUNT} kr)"
        ));
    }
}

/// Reads the JSON shape. Entries that cannot be read are left out after their problem is
/// recorded; `None` when the input is not even an object.
fn read_input(value: &Value, problems: &mut Vec<String>) -> Option<(HouseholdInput, Complete)> {
    let mut r = Reader { problems };
    let top = r.object(
        value,
        "indata",
        &[
            "month",
            "members",
            "shared_home_persons",
            "costs",
            "incomes",
            "consecutive_months_on_support",
        ],
    )?;
    let month = r.string(top, "", "month");
    let mut members_complete = true;
    let mut members = Vec::new();
    match top.get("members") {
        None | Some(Value::Null) => {
            r.problem("members", "saknas; ange minst den sökande");
            members_complete = false;
        }
        Some(list) => {
            for (i, item) in r.array(list, "members").iter().enumerate() {
                match r.member(item, &format!("members[{i}]")) {
                    Some(m) => members.push(m),
                    None => members_complete = false,
                }
            }
        }
    }
    let mut costs = Vec::new();
    if let Some(list) = top.get("costs") {
        for (i, item) in r.array(list, "costs").iter().enumerate() {
            costs.extend(r.cost(item, &format!("costs[{i}]")));
        }
    }
    let mut incomes = Vec::new();
    if let Some(list) = top.get("incomes") {
        for (i, item) in r.array(list, "incomes").iter().enumerate() {
            incomes.extend(r.income(item, &format!("incomes[{i}]")));
        }
    }
    let shared_home_persons = r.count(top, "", "shared_home_persons").flatten();
    let consecutive_months_on_support = r
        .count(top, "", "consecutive_months_on_support")
        .flatten()
        .unwrap_or(0);
    let read = Complete {
        month: month.is_some(),
        members: members_complete,
    };
    let input = HouseholdInput {
        month: month.unwrap_or_default(),
        members,
        shared_home_persons,
        costs,
        incomes,
        consecutive_months_on_support,
    };
    Some((input, read))
}

/// Reads fields, recording a Swedish problem for each that is missing or of the wrong type.
struct Reader<'a> {
    problems: &'a mut Vec<String>,
}

impl Reader<'_> {
    fn problem(&mut self, at: &str, what: &str) {
        self.problems.push(format!("{at}: {what}"));
    }

    fn object<'v>(
        &mut self,
        value: &'v Value,
        at: &str,
        fields: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.problem(at, "ska vara ett JSON-objekt { … }");
            return None;
        };
        for key in map.keys().filter(|k| !fields.contains(&k.as_str())) {
            let field = if at == "indata" {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            self.problem(
                &field,
                &format!("okänt fält (kända fält: {})", fields.join(", ")),
            );
        }
        Some(map)
    }

    fn array<'v>(&mut self, value: &'v Value, at: &str) -> &'v [Value] {
        match value {
            Value::Array(items) => items,
            Value::Null => &[],
            _ => {
                self.problem(at, "ska vara en lista [ … ]");
                &[]
            }
        }
    }

    fn path(at: &str, key: &str) -> String {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    }

    /// A required text.
    fn string(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> Option<String> {
        match map.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            None | Some(Value::Null) => {
                self.problem(&Self::path(at, key), "saknas");
                None
            }
            Some(other) => {
                self.problem(
                    &Self::path(at, key),
                    &format!("ska vara en text, inte {other}"),
                );
                None
            }
        }
    }

    /// An optional whole number ≥ 0: `Some(None)` when absent, `None` when wrong.
    fn count(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> Option<Option<u32>> {
        match map.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Some(Some(n)),
                None => {
                    self.problem(
                        &Self::path(at, key),
                        &format!("ska vara ett heltal, 0 eller större, inte {v}"),
                    );
                    None
                }
            },
        }
    }

    /// An optional amount in whole kronor: `Some(None)` when absent, `None` when wrong.
    /// Its sign and size are checked with the content.
    fn money(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> Option<Option<i64>> {
        match map.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => match v.as_i64() {
                Some(n) => Some(Some(n)),
                None => {
                    let what = if v.is_number() {
                        format!("ska anges i hela kronor, inte {v}")
                    } else {
                        format!("ska vara ett belopp i hela kronor, inte {v}")
                    };
                    self.problem(&Self::path(at, key), &what);
                    None
                }
            },
        }
    }

    fn flag(&mut self, map: &Map<String, Value>, at: &str, key: &str) -> Option<bool> {
        match map.get(key) {
            None | Some(Value::Null) => Some(false),
            Some(Value::Bool(b)) => Some(*b),
            Some(v) => {
                self.problem(
                    &Self::path(at, key),
                    &format!("ska vara true eller false, inte {v}"),
                );
                None
            }
        }
    }

    fn required<T>(&mut self, value: Option<Option<T>>, at: &str, key: &str) -> Option<T> {
        match value {
            Some(Some(v)) => Some(v),
            Some(None) => {
                self.problem(&Self::path(at, key), "saknas");
                None
            }
            None => None,
        }
    }

    fn code<T>(
        &mut self,
        map: &Map<String, Value>,
        at: &str,
        key: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
    ) -> Option<T> {
        let text = self.string(map, at, key)?;
        let parsed = parse(&text);
        if parsed.is_none() {
            self.problem(
                &Self::path(at, key),
                &format!("okänt värde {text:?} (tillåtna: {})", all.join(", ")),
            );
        }
        parsed
    }

    fn member(&mut self, value: &Value, at: &str) -> Option<MemberInput> {
        let map = self.object(
            value,
            at,
            &[
                "id",
                "role",
                "age",
                "lunch_outside_home",
                "days_in_household",
                "job_stimulus_months_used",
            ],
        )?;
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        let id = self.string(map, at, "id");
        let role = self.code(map, at, "role", Role::from_code, &roles);
        let age = self.count(map, at, "age");
        let age = self.required(age, at, "age");
        let lunch_outside_home = self.flag(map, at, "lunch_outside_home");
        let days_in_household = self.count(map, at, "days_in_household");
        let job_stimulus_months_used = self.count(map, at, "job_stimulus_months_used");
        Some(MemberInput {
            id: id?,
            role: role?,
            age: age?,
            lunch_outside_home: lunch_outside_home?,
            days_in_household: days_in_household?,
            job_stimulus_months_used: job_stimulus_months_used?,
        })
    }

    fn cost(&mut self, value: &Value, at: &str) -> Option<CostInput> {
        let map = self.object(value, at, &["kind", "applied", "approved", "member"])?;
        let kinds: Vec<&str> = CostKind::ALL.iter().map(|k| k.code()).collect();
        let kind = self.code(map, at, "kind", CostKind::from_code, &kinds);
        let applied = self.money(map, at, "applied");
        let applied = self.required(applied, at, "applied");
        let approved = self.money(map, at, "approved");
        let member = match map.get("member") {
            None | Some(Value::Null) => Some(None),
            Some(_) => self.string(map, at, "member").map(Some),
        };
        Some(CostInput {
            kind: kind?,
            applied: applied?,
            approved: approved?,
            member: member?,
        })
    }

    fn income(&mut self, value: &Value, at: &str) -> Option<IncomeInput> {
        let map = self.object(value, at, &["member", "kind", "amount", "source"])?;
        let kinds: Vec<&str> = IncomeKind::ALL.iter().map(|k| k.code()).collect();
        let member = self.string(map, at, "member");
        let kind = self.code(map, at, "kind", IncomeKind::from_code, &kinds);
        let amount = self.money(map, at, "amount");
        let amount = self.required(amount, at, "amount");
        let source = match map.get("source") {
            None | Some(Value::Null) => Some(None),
            Some(_) => self.string(map, at, "source").map(Some),
        };
        Some(IncomeInput {
            member: member?,
            kind: kind?,
            amount: amount?,
            source: source?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_know_their_length() {
        assert_eq!(Month::parse("2024-02").map(Month::days).ok(), Some(29));
        assert_eq!(Month::parse("2100-02").map(Month::days).ok(), Some(28));
        assert_eq!(Month::parse("2026-04").map(Month::days).ok(), Some(30));
        for bad in [
            "2026-13", "26-01", "2026/01", "2026-1", "2026-00", "+202-01",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_and_labels_round_trip() {
        for kind in IncomeKind::ALL {
            assert_eq!(IncomeKind::from_code(kind.code()), Some(*kind));
        }
        for kind in CostKind::ALL {
            assert_eq!(CostKind::from_code(kind.code()), Some(*kind));
        }
        assert_eq!(
            IncomeKind::UnemploymentBenefit.code(),
            "unemployment_benefit"
        );
        assert_eq!(Role::from_code("co_applicant"), Some(Role::CoApplicant));
    }
}
