//! Values in scripts: literal text with `{namespace.path|filter}` holes, filled from the job,
//! the credential, the target and what earlier steps extracted; filters chain left to right
//! (`{job.manad|first_day|yymmdd}`). Holes and filters are checked
//! when the script loads, so a typo fails the deployment, not the hundredth job.

use std::fmt;

use serde_json::{Map, Value};

/// Where a hole's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A path into the job's variables: `job.beslut.belopp`.
    Job(Vec<String>),
    /// `credential.username` or `credential.password`.
    Credential(CredentialField),
    /// `target.url`: the legacy system's base URL.
    TargetUrl,
    /// `var.name`: what an `extract` step stored.
    Var(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialField {
    Username,
    Password,
}

/// How a value is written into a field of the legacy system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// `199204722020` → `920472-2020` (ÅÅMMDD-NNNN, as older systems want it).
    Pnr10,
    /// `19920472-2020` → `199204722020`.
    Pnr12,
    /// `12345` → `12 345` (a space between thousands).
    Kronor,
    /// `2026-12` → `2026-12-01`.
    FirstDay,
    /// `2026-12` → `2026-12-31`.
    LastDay,
    /// `2026-12-01` → `261201`.
    Yymmdd,
}

impl Filter {
    const ALL: [(&'static str, Filter); 6] = [
        ("pnr10", Filter::Pnr10),
        ("pnr12", Filter::Pnr12),
        ("kronor", Filter::Kronor),
        ("first_day", Filter::FirstDay),
        ("last_day", Filter::LastDay),
        ("yymmdd", Filter::Yymmdd),
    ];

    fn parse(name: &str) -> Option<Filter> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    fn apply(self, value: &str) -> Result<String, FillError> {
        let bad = || FillError::Format {
            filter: self.name(),
            value_len: value.chars().count(),
        };
        match self {
            Filter::Pnr10 | Filter::Pnr12 => {
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                let twelve = match digits.len() {
                    12 => digits,
                    _ => return Err(bad()),
                };
                Ok(if self == Filter::Pnr12 {
                    twelve
                } else {
                    format!("{}-{}", &twelve[2..8], &twelve[8..])
                })
            }
            Filter::Kronor => {
                let n: i64 = value.trim().parse().map_err(|_| bad())?;
                let digits = n.unsigned_abs().to_string();
                let mut out = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i).is_multiple_of(3) {
                        out.push(' ');
                    }
                    out.push(c);
                }
                Ok(if n < 0 { format!("-{out}") } else { out })
            }
            Filter::FirstDay | Filter::LastDay => {
                let (year, month) = year_month(value).ok_or_else(bad)?;
                let day = if self == Filter::FirstDay {
                    1
                } else {
                    days_in_month(year, month)
                };
                Ok(format!("{year:04}-{month:02}-{day:02}"))
            }
            Filter::Yymmdd => {
                let v = value.trim();
                let ok = v.len() == 10
                    && v.chars().enumerate().all(|(i, c)| {
                        if i == 4 || i == 7 {
                            c == '-'
                        } else {
                            c.is_ascii_digit()
                        }
                    });
                if !ok {
                    return Err(bad());
                }
                Ok(format!("{}{}{}", &v[2..4], &v[5..7], &v[8..10]))
            }
        }
    }

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

fn year_month(value: &str) -> Option<(i32, u32)> {
    let (y, m) = value.trim().split_once('-')?;
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.get(..2)?.parse().ok()?;
    (y.len() == 4 && (1..=12).contains(&month)).then_some((year, month))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    /// A value and the filters it goes through, in order.
    Hole(Source, Vec<Filter>),
}

/// A parsed value: text and holes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// A template that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("`{{` without a closing `}}`")]
    Unclosed,
    #[error(
        "unknown source `{0}` (use job.…, credential.username, credential.password, target.url or var.…)"
    )]
    UnknownSource(String),
    #[error("unknown filter `{0}` (known: pnr10, pnr12, kronor, first_day, last_day, yymmdd)")]
    UnknownFilter(String),
}

/// A template that cannot be filled for this job. Never carries the value itself: it may be
/// a personnummer. In Swedish: it becomes a business exception's message, read by a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FillError {
    #[error("jobbet saknar variabeln {0}")]
    MissingJobVariable(String),
    #[error("inget tidigare steg har läst ut {0}")]
    MissingVar(String),
    #[error("ett värde med {value_len} tecken passar inte formatet {filter}")]
    Format {
        filter: &'static str,
        value_len: usize,
    },
}

/// What a template is filled from.
pub struct Context<'a> {
    pub job: &'a Map<String, Value>,
    pub username: &'a str,
    pub password: &'a str,
    pub target_url: &'a str,
    pub vars: &'a Map<String, Value>,
}

impl Template {
    /// Parses `text`; `{{` and `}}` stand for literal braces.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut hole = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => hole.push(c),
                            None => return Err(TemplateError::Unclosed),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(parse_hole(&hole)?);
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// The job variables (top-level names) this template reads.
    pub fn job_variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole(Source::Job(path), _) => path.first().map(String::as_str),
            _ => None,
        })
    }

    /// The extracted variables this template reads.
    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole(Source::Var(name), _) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Whether the filled value holds a secret (and must never reach a log or evidence).
    pub fn reads_password(&self) -> bool {
        self.parts.iter().any(|p| {
            matches!(
                p,
                Part::Hole(Source::Credential(CredentialField::Password), _)
            )
        })
    }

    /// Whether every job value this template reads is in the job and fits its filters
    /// (the other holes are not looked at): checked before a run touches the browser.
    pub fn check_job(&self, job: &Map<String, Value>) -> Result<(), FillError> {
        for part in &self.parts {
            if let Part::Hole(Source::Job(path), filters) = part {
                let mut value = lookup_job(path, job)?;
                for f in filters {
                    value = f.apply(&value)?;
                }
            }
        }
        Ok(())
    }

    /// The value for this job.
    pub fn fill(&self, cx: &Context<'_>) -> Result<String, FillError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Hole(source, filters) => {
                    let mut value = lookup(source, cx)?;
                    for f in filters {
                        value = f.apply(&value)?;
                    }
                    out.push_str(&value);
                }
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(t) => f.write_str(&t.replace('{', "{{").replace('}', "}}"))?,
                Part::Hole(source, filters) => {
                    let name = match source {
                        Source::Job(path) => format!("job.{}", path.join(".")),
                        Source::Credential(CredentialField::Username) => {
                            "credential.username".into()
                        }
                        Source::Credential(CredentialField::Password) => {
                            "credential.password".into()
                        }
                        Source::TargetUrl => "target.url".into(),
                        Source::Var(v) => format!("var.{v}"),
                    };
                    write!(f, "{{{name}")?;
                    for fl in filters {
                        write!(f, "|{}", fl.name())?;
                    }
                    f.write_str("}")?;
                }
            }
        }
        Ok(())
    }
}

fn parse_hole(hole: &str) -> Result<Part, TemplateError> {
    let mut names = hole.split('|');
    let name = names.next().unwrap_or_default().trim();
    let filters = names
        .map(|f| {
            let f = f.trim();
            Filter::parse(f).ok_or_else(|| TemplateError::UnknownFilter(f.into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let unknown = || TemplateError::UnknownSource(name.into());
    let source = match name.split_once('.') {
        Some(("job", path)) => {
            let path: Vec<String> = path.split('.').map(str::to_owned).collect();
            if path.iter().any(String::is_empty) {
                return Err(unknown());
            }
            Source::Job(path)
        }
        Some(("credential", "username")) => Source::Credential(CredentialField::Username),
        Some(("credential", "password")) => Source::Credential(CredentialField::Password),
        Some(("target", "url")) => Source::TargetUrl,
        Some(("var", v)) if !v.is_empty() && !v.contains('.') => Source::Var(v.into()),
        _ => return Err(unknown()),
    };
    Ok(Part::Hole(source, filters))
}

/// A value in the job by its path (`beslut.belopp`).
fn lookup_job(path: &[String], job: &Map<String, Value>) -> Result<String, FillError> {
    let missing = || FillError::MissingJobVariable(path.join("."));
    let mut value = job.get(&path[0]).ok_or_else(missing)?;
    for key in &path[1..] {
        value = value.get(key).ok_or_else(missing)?;
    }
    scalar(value).ok_or_else(missing)
}

fn lookup(source: &Source, cx: &Context<'_>) -> Result<String, FillError> {
    match source {
        Source::Job(path) => lookup_job(path, cx.job),
        Source::Credential(CredentialField::Username) => Ok(cx.username.to_owned()),
        Source::Credential(CredentialField::Password) => Ok(cx.password.to_owned()),
        Source::TargetUrl => Ok(cx.target_url.trim_end_matches('/').to_owned()),
        Source::Var(name) => cx
            .vars
            .get(name)
            .and_then(scalar)
            .ok_or_else(|| FillError::MissingVar(name.clone())),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn fill(text: &str, job: Value) -> Result<String, FillError> {
        let job = job.as_object().cloned().unwrap_or_default();
        let vars = Map::from_iter([("fann".to_owned(), json!("ja"))]);
        let cx = Context {
            job: &job,
            username: "robot1",
            password: "hemligt",
            target_url: "http://sim:8080/",
            vars: &vars,
        };
        Template::parse(text).expect("parses").fill(&cx)
    }

    #[test]
    fn holes_are_filled_from_their_sources_through_filters() {
        let job = json!({"personnummer": "199204722020", "manad": "2026-02",
                         "beslut": {"belopp": 12345}});
        assert_eq!(
            fill("{target.url}/sok?p={job.personnummer|pnr10}", job.clone()),
            Ok("http://sim:8080/sok?p=920472-2020".into())
        );
        assert_eq!(
            fill("{job.beslut.belopp|kronor} kr", job.clone()),
            Ok("12 345 kr".into())
        );
        assert_eq!(
            fill("{job.manad|last_day}", job.clone()),
            Ok("2026-02-28".into())
        );
        assert_eq!(
            fill("{job.manad|first_day}", job.clone()),
            Ok("2026-02-01".into())
        );
        assert_eq!(
            fill("{job.manad|first_day|yymmdd}", job.clone()),
            Ok("260201".into()),
            "filters chain left to right"
        );
        assert_eq!(
            fill("{{{credential.username}}}", job.clone()),
            Ok("{robot1}".into())
        );
        assert_eq!(fill("{var.fann}", job.clone()), Ok("ja".into()));
        assert_eq!(
            fill("{job.beslut.saknas}", job.clone()),
            Err(FillError::MissingJobVariable("beslut.saknas".into()))
        );
        assert_eq!(
            fill("{var.annan}", job),
            Err(FillError::MissingVar("annan".into()))
        );
    }

    #[test]
    fn a_value_the_filter_cannot_take_is_an_error_without_the_value() {
        let err = fill("{job.p|pnr10}", json!({"p": "12345"})).expect_err("too short");
        assert_eq!(
            err.to_string(),
            "ett värde med 5 tecken passar inte formatet pnr10"
        );
    }

    #[test]
    fn typos_fail_when_the_script_loads() {
        assert_eq!(
            Template::parse("{jobb.x}"),
            Err(TemplateError::UnknownSource("jobb.x".into()))
        );
        assert_eq!(
            Template::parse("{job.x|pnr11}"),
            Err(TemplateError::UnknownFilter("pnr11".into()))
        );
        assert_eq!(
            Template::parse("{job.x|first_day|yymdd}"),
            Err(TemplateError::UnknownFilter("yymdd".into()))
        );
        assert_eq!(Template::parse("{job.x"), Err(TemplateError::Unclosed));
        assert!(Template::parse("{credential.pin}").is_err());
    }

    #[test]
    fn display_gives_back_the_source_text() {
        for text in [
            "a {job.x.y|kronor} b",
            "{job.manad|last_day|yymmdd}",
            "{{literal}}",
            "{target.url}/x{var.v}",
        ] {
            assert_eq!(Template::parse(text).expect("parses").to_string(), text);
        }
    }

    proptest! {
        #[test]
        fn kronor_only_adds_spaces(n in -10_000_000_i64..10_000_000) {
            let out = Filter::Kronor.apply(&n.to_string()).expect("a number");
            prop_assert_eq!(out.replace(' ', ""), n.to_string());
            prop_assert!(out.split(' ').skip(1).all(|g| g.len() == 3));
        }

        #[test]
        fn last_day_is_a_date_and_the_next_day_is_not(year in 1900_i32..2100, month in 1_u8..=12) {
            let last = Filter::LastDay.apply(&format!("{year:04}-{month:02}")).expect("a month");
            let day: u8 = last[8..].parse().expect("digits");
            let m = time::Month::try_from(month).expect("1..=12");
            prop_assert!(time::Date::from_calendar_date(year, m, day).is_ok());
            prop_assert!(time::Date::from_calendar_date(year, m, day + 1).is_err());
        }
    }
}
