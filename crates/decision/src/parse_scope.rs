//! The parsing scope for a FEEL expression whose variables are not known in advance.
//!
//! dsntk's lexer reads the longest run of name parts (words joined by spaces or by
//! `. / - ' + *`) and shortens it only to a name it finds in the parsing scope. With an
//! empty scope `x + 1` therefore lexes as the single name `x+1`, and `if n then 1 else 2`
//! does not parse at all. flode knows the variables only at evaluation time, so the scope
//! is seeded with every identifier that occurs in the source (outside string literals and
//! comments), plus the multi-word built-in function and type names so that e.g.
//! `string length` still wins over a shorter `string` (the lexer tries the longest name
//! first). Consequence: variable names cannot contain spaces or `+ - * / . '`, and
//! `order-total` means `order - total`, as in Camunda 8.

use dsntk_feel::context::FeelContext;
use dsntk_feel::values::Value;
use dsntk_feel::{FeelScope, Name};

/// Built-in names made of several words; they must stay longer than any seeded prefix.
pub(crate) const MULTI_WORD_BUILT_INS: &[&str] = &[
    "context merge",
    "context put",
    "date and time",
    "day of week",
    "day of year",
    "days and time duration",
    "distinct values",
    "ends with",
    "finished by",
    "get entries",
    "get value",
    "index of",
    "insert before",
    "list contains",
    "list replace",
    "lower case",
    "met by",
    "month of year",
    "overlaps after",
    "overlaps before",
    "round down",
    "round half down",
    "round half up",
    "round up",
    "started by",
    "starts with",
    "string join",
    "string length",
    "substring after",
    "substring before",
    "time offset",
    "upper case",
    "week of year",
    "years and months duration",
];

/// Names that dsntk lexes specially when followed by `(` (temporal literals); seeding them
/// would bypass that rule, so a variable cannot be called `date`, `time` or `duration`.
const TEMPORAL_FUNCTIONS: &[&str] = &["date", "time", "duration"];

/// Builds a parsing scope containing the identifiers of `source` and the multi-word built-ins.
pub(crate) fn parsing_scope(source: &str) -> FeelScope {
    let mut ctx = FeelContext::default();
    for name in MULTI_WORD_BUILT_INS {
        ctx.set_entry(&Name::from(*name), Value::Null(None));
    }
    for identifier in identifiers(source) {
        if !TEMPORAL_FUNCTIONS.contains(&identifier.as_str()) {
            ctx.set_entry(&Name::from(identifier), Value::Null(None));
        }
    }
    FeelScope::from(ctx)
}

/// Returns the identifiers (single FEEL name parts) in `source`, skipping string literals
/// and comments.
pub(crate) fn identifiers(source: &str) -> Vec<String> {
    scan(source)
        .into_iter()
        .map(|(identifier, _)| identifier)
        .collect()
}

/// Returns the identifiers in `source` that may name variables: those not directly after a
/// single `.` (which are property or context-entry names; `..` of a range does not count).
pub(crate) fn variable_candidates(source: &str) -> Vec<String> {
    scan(source)
        .into_iter()
        .filter(|(_, after_dot)| !after_dot)
        .map(|(identifier, _)| identifier)
        .collect()
}

/// Scans `source` for identifiers, each with whether it directly follows a single `.`.
fn scan(source: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = source.chars().collect();
    let mut result = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let next = chars.get(i + 1).copied();
        if ch == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if ch == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if is_name_start_char(ch) {
            let start = i;
            while i < chars.len() && is_name_part_char(chars[i]) {
                i += 1;
            }
            let before: String = chars[..start]
                .iter()
                .rev()
                .skip_while(|c| c.is_whitespace())
                .take(2)
                .collect();
            let after_dot = before.starts_with('.') && before != "..";
            result.push((chars[start..i].iter().collect(), after_dot));
        } else if ch.is_ascii_digit() {
            // a number such as `1e5` is not an identifier
            while i < chars.len() && is_name_part_char(chars[i]) {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    result
}

/// Same character classes as dsntk's lexer (`is_name_start_char`).
fn is_name_start_char(ch: char) -> bool {
    matches!(ch, '?' | 'A'..='Z' | '_' | 'a'..='z' |
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{02FF}' |
        '\u{0370}'..='\u{037D}' | '\u{037F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' |
        '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' |
        '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// Same character classes as dsntk's lexer (`is_name_part_char`).
fn is_name_part_char(ch: char) -> bool {
    is_name_start_char(ch)
        || ch.is_ascii_digit()
        || matches!(ch, '\u{00B7}' | '\u{0300}'..='\u{036F}' | '\u{203F}'..='\u{2040}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_identifiers_outside_strings_and_comments() {
        let found = identifiers(
            r#"a+b1 * "not this \" nor this" // nor this
            + _c /* skip */ + 1e5 + ÅÄÖ"#,
        );
        assert_eq!(found, ["a", "b1", "_c", "ÅÄÖ"]);
    }

    #[test]
    fn property_names_are_not_variable_candidates() {
        assert_eq!(
            variable_candidates("person.first name + x . y"),
            ["person", "name", "x"]
        );
        assert_eq!(variable_candidates("[low..high]"), ["low", "high"]);
    }
}
