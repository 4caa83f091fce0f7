//! Personnummer as the sim understands them: the test whitelist, Luhn, and the two
//! search syntaxes (v1 exact `ÅÅMMDD-NNNN`; v2 10 or 12 digits, hyphen optional).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;

const WHITELIST: &str = include_str!("../fixtures/testpersonnummer.json");

#[derive(Deserialize)]
struct WhitelistFile {
    skatteverket: NumberList,
    synthetic: NumberList,
}

#[derive(Deserialize)]
struct NumberList {
    numbers: Vec<String>,
}

/// The 12-digit numbers the sim accepts: Skatteverket's test numbers and the simulators'
/// synthetic samordningsnummer.
pub(crate) fn whitelist() -> &'static BTreeSet<String> {
    static LIST: OnceLock<BTreeSet<String>> = OnceLock::new();
    LIST.get_or_init(|| match serde_json::from_str::<WhitelistFile>(WHITELIST) {
        Ok(file) => file
            .skatteverket
            .numbers
            .into_iter()
            .chain(file.synthetic.numbers)
            .collect(),
        // The file is compiled in and parsed by a unit test, so this is a build mistake;
        // an empty list refuses everyone rather than accepting real numbers.
        Err(_) => BTreeSet::new(),
    })
}

/// The Luhn digit over the 10-digit form's first nine digits (identifiers.md §2).
fn luhn_ok(ten: &str) -> bool {
    let digits: Vec<u32> = ten.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = if i % 2 == 0 { d * 2 } else { *d };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10 == digits[9]
}

/// A 12-digit number that is on the whitelist and Luhn-valid, or why not.
pub(crate) fn checked_twelve(input: &str) -> Result<String, crate::Error> {
    let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() == 12 && luhn_ok(&digits[2..]) && whitelist().contains(&digits) {
        Ok(digits)
    } else {
        Err(crate::Error::NotTestIdentity(input.to_owned()))
    }
}

/// What a search field's text asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Query {
    /// All 12 digits: one exact number.
    Twelve(String),
    /// 10 digits: every century that matches.
    Ten(String),
}

impl Query {
    /// Whether a stored 12-digit number matches.
    pub(crate) fn matches(&self, stored: &str) -> bool {
        match self {
            Query::Twelve(t) => stored == t,
            Query::Ten(t) => stored.get(2..) == Some(t.as_str()),
        }
    }
}

/// v1: only `ÅÅMMDD-NNNN` (or `+` for 100 years and older), nothing else.
pub(crate) fn parse_v1(input: &str) -> Option<Query> {
    let s = input.trim();
    let b = s.as_bytes();
    let ok = b.len() == 11
        && b[..6].iter().all(u8::is_ascii_digit)
        && (b[6] == b'-' || b[6] == b'+')
        && b[7..].iter().all(u8::is_ascii_digit);
    ok.then(|| Query::Ten(format!("{}{}", &s[..6], &s[7..])))
}

/// v2: 10 or 12 digits, with or without the separator before the last four.
pub(crate) fn parse_v2(input: &str) -> Option<Query> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let compact: String = match s.len() {
        11 | 13 if matches!(s.as_bytes()[s.len() - 5], b'-' | b'+') => {
            format!("{}{}", &s[..s.len() - 5], &s[s.len() - 4..])
        }
        _ => s,
    };
    if !compact.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match compact.len() {
        10 => Some(Query::Ten(compact)),
        12 => Some(Query::Twelve(compact)),
        _ => None,
    }
}

/// `ÅÅMMDD-NNNN`, as v1 shows a number.
pub(crate) fn ten_with_hyphen(twelve: &str) -> String {
    match (twelve.get(2..8), twelve.get(8..)) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => twelve.to_owned(),
    }
}

/// `ÅÅÅÅMMDD-NNNN`, as v2 shows a number.
pub(crate) fn twelve_with_hyphen(twelve: &str) -> String {
    match (twelve.get(..8), twelve.get(8..)) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => twelve.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelist_parses_and_every_number_is_luhn_valid() {
        assert!(whitelist().len() >= 8);
        for n in whitelist() {
            assert!(luhn_ok(&n[2..]), "{n}");
        }
    }

    #[test]
    fn v1_takes_only_the_hyphenated_ten_digit_form() {
        assert_eq!(
            parse_v1("170101-2393"),
            Some(Query::Ten("1701012393".into()))
        );
        assert_eq!(parse_v1("1701012393"), None);
        assert_eq!(parse_v1("20170101-2393"), None);
        assert_eq!(parse_v1("201701012393"), None);
    }

    #[test]
    fn v2_takes_ten_or_twelve_digits_with_or_without_hyphen() {
        let twelve = Some(Query::Twelve("201701012393".into()));
        assert_eq!(parse_v2("201701012393"), twelve);
        assert_eq!(parse_v2("20170101-2393"), twelve);
        assert_eq!(
            parse_v2("170101-2393"),
            Some(Query::Ten("1701012393".into()))
        );
        assert_eq!(
            parse_v2("1701012393"),
            Some(Query::Ten("1701012393".into()))
        );
        assert_eq!(parse_v2("17010-12393"), None);
        assert_eq!(parse_v2("abc"), None);
    }

    #[test]
    fn refuses_numbers_off_the_whitelist() {
        assert!(checked_twelve("201701012393").is_ok());
        // Luhn-valid but not a test number.
        assert!(checked_twelve("199001011239").is_err());
    }
}
