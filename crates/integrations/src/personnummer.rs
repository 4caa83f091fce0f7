//! Personnummer and samordningsnummer (identifiers.md §1–3): 12 digits `ÅÅÅÅMMDDNNNK`,
//! the day plus 60 for a samordningsnummer, Luhn over the 10-digit form. Parse, don't
//! validate: only a [`Personidentitet`] reaches the connector and the simulator.
//!
//! `Debug` and `Display` never print the number (identifiers.md ID-2: logs keep an id
//! only); use [`Personidentitet::as_str`] where the number itself must be sent or stored.

use std::fmt;

/// Personnummer or samordningsnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// Personnummer (PNR).
    #[serde(rename = "PNR")]
    Personnummer,
    /// Samordningsnummer (SAMNR): day of month plus 60.
    #[serde(rename = "SAMNR")]
    Samordningsnummer,
}

/// A checked 12-digit personnummer or samordningsnummer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Personidentitet {
    digits: String,
    kind: Kind,
}

/// Why a string is not a personidentitet. Messages are Swedish: they reach case workers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not exactly 12 digits.
    #[error("personidentiteten ska vara 12 siffror (ÅÅÅÅMMDDNNNK)")]
    Syntax,
    /// Month or day do not form a date (day 61–91 allowed for samordningsnummer).
    #[error("personidentiteten innehåller inget giltigt datum")]
    Date,
    /// The check digit is wrong.
    #[error("personidentitetens kontrollsiffra stämmer inte")]
    Luhn,
}

impl Personidentitet {
    /// Parses 12 digits: syntax, date, then Luhn (identifiers.md §2 order).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let b = s.as_bytes();
        if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
            return Err(ParseError::Syntax);
        }
        let num = |r: std::ops::Range<usize>| -> u32 {
            b[r].iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let (year, month, day) = (num(0..4), num(4..6), num(6..8));
        let (kind, real_day) = if day > 60 {
            (Kind::Samordningsnummer, day - 60)
        } else {
            (Kind::Personnummer, day)
        };
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or(ParseError::Date)?;
        let year = i32::try_from(year).map_err(|_| ParseError::Date)?;
        let day = u8::try_from(real_day).map_err(|_| ParseError::Date)?;
        time::Date::from_calendar_date(year, month, day).map_err(|_| ParseError::Date)?;
        if luhn_digit(&s[2..11]) != Some(u32::from(b[11] - b'0')) {
            return Err(ParseError::Luhn);
        }
        Ok(Self {
            digits: s.to_owned(),
            kind,
        })
    }

    /// The 12 digits, for the wire and the legally required request log only.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Personnummer or samordningsnummer.
    pub fn kind(&self) -> Kind {
        self.kind
    }
}

impl fmt::Debug for Personidentitet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Personidentitet({:?}, ***)", self.kind)
    }
}

impl fmt::Display for Personidentitet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Masked on purpose: a Display in a log line must not leak the number.
        f.write_str("************")
    }
}

/// The Luhn check digit of 9 digits (`ÅÅMMDDNNN`, the 10-digit form without `K`). Running
/// it on the 12-digit form gives wrong digits, so callers pass the 10-digit form.
pub fn luhn_digit(nine: &str) -> Option<u32> {
    if nine.len() != 9 {
        return None;
    }
    let mut sum = 0;
    for (i, c) in nine.chars().enumerate() {
        let d = c.to_digit(10)?;
        let p = if i % 2 == 0 { d * 2 } else { d };
        sum += p / 10 + p % 10;
    }
    Some((10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn skatteverkets_test_number_is_valid() {
        // identifiers.md §2 worked example.
        assert_eq!(luhn_digit("170101239"), Some(3));
        let p = Personidentitet::parse("201701012393").expect("valid");
        assert_eq!(p.kind(), Kind::Personnummer);
    }

    #[test]
    fn rejects_in_order() {
        assert_eq!(
            Personidentitet::parse("19900101123"),
            Err(ParseError::Syntax)
        );
        assert_eq!(
            Personidentitet::parse("19900101-234"),
            Err(ParseError::Syntax)
        );
        assert_eq!(
            Personidentitet::parse("199013011234"),
            Err(ParseError::Date)
        );
        assert_eq!(
            Personidentitet::parse("199002301234"),
            Err(ParseError::Date)
        );
        // The open client's fixture number fails Luhn (identifiers.md §2).
        assert_eq!(
            Personidentitet::parse("199001011234"),
            Err(ParseError::Luhn)
        );
        assert!(Personidentitet::parse("199001011239").is_ok());
    }

    #[test]
    fn samordningsnummer_has_day_plus_60() {
        let p = Personidentitet::parse("198503611017").expect("valid");
        assert_eq!(p.kind(), Kind::Samordningsnummer);
        assert_eq!(
            Personidentitet::parse("198503921010"),
            Err(ParseError::Date)
        );
    }

    #[test]
    fn never_prints_the_number() {
        let p = Personidentitet::parse("201701012393").expect("valid");
        assert!(!format!("{p:?} {p}").contains("2393"));
    }

    fn valid() -> impl Strategy<Value = String> {
        (1900u32..2030, 1u32..13, 1u32..29, 0u32..1000, any::<bool>()).prop_map(
            |(y, m, d, n, samnr)| {
                let d = if samnr { d + 60 } else { d };
                let nine = format!("{:02}{m:02}{d:02}{n:03}", y % 100);
                let k = luhn_digit(&nine).unwrap_or(0);
                format!("{y:04}{m:02}{d:02}{n:03}{k}")
            },
        )
    }

    proptest! {
        #[test]
        fn generated_numbers_parse(s in valid()) {
            let p = Personidentitet::parse(&s).expect("valid by construction");
            prop_assert_eq!(p.as_str(), s.as_str());
            prop_assert_eq!(p.kind() == Kind::Samordningsnummer, s[6..8].parse::<u32>().unwrap_or(0) > 60);
        }

        #[test]
        fn a_wrong_check_digit_is_refused(s in valid(), bump in 1u32..10) {
            let k = s[11..].parse::<u32>().unwrap_or(0);
            let wrong = format!("{}{}", &s[..11], (k + bump) % 10);
            prop_assert_eq!(Personidentitet::parse(&wrong), Err(ParseError::Luhn));
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,16}") {
            let _ = Personidentitet::parse(&s);
        }
    }
}
