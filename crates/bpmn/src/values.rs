//! Conversion of attribute and element text to [`Expr`] and [`Text`].
//!
//! Three spellings occur in real files:
//! - Zeebe: `=expr` is FEEL, anything else is a static value;
//! - Camunda 7: `${expr}` / `#{expr}` is JUEL (translated to FEEL by [`crate::juel`]),
//!   anything else is a static value;
//! - engine-neutral text (betsy): raw expressions such as `integerVariable<3`, read as JUEL
//!   where an expression is expected.

use crate::juel;
use crate::model::{Expr, Text};

/// Strips Zeebe's leading `=` (after optional whitespace); `None` if there is none.
fn strip_eq(raw: &str) -> Option<&str> {
    raw.trim_start().strip_prefix('=').map(str::trim)
}

fn nonempty(feel: String) -> Result<Expr, String> {
    if feel.trim().is_empty() {
        Err("the expression is empty".into())
    } else {
        Ok(Expr(feel))
    }
}

/// A field that is always an expression (condition, collection, cardinality, …):
/// `=feel`, `${juel}`, or raw text read as JUEL.
pub(crate) fn expr(raw: &str) -> Result<Expr, String> {
    if let Some(feel) = strip_eq(raw) {
        return nonempty(feel.to_owned());
    }
    let raw = raw.trim();
    if juel::is_template(raw) {
        return juel::translate_template(raw).and_then(nonempty);
    }
    juel::translate(raw).and_then(nonempty)
}

/// A field that is a static value unless written as an expression: `=feel` or `${juel}`
/// become [`Text::Feel`], anything else [`Text::Literal`] (trimmed).
pub(crate) fn text(raw: &str) -> Result<Text, String> {
    if let Some(feel) = strip_eq(raw) {
        return nonempty(feel.to_owned()).map(Text::Feel);
    }
    let raw = raw.trim();
    if juel::is_template(raw) {
        return juel::translate_template(raw)
            .and_then(nonempty)
            .map(Text::Feel);
    }
    Ok(Text::Literal(raw.to_owned()))
}

/// A value to assign (variable mapping source): `=feel` or `${juel}` are expressions,
/// anything else is a static string, returned as a FEEL string literal.
pub(crate) fn value(raw: &str) -> Result<Expr, String> {
    match text(raw)? {
        Text::Feel(e) => Ok(e),
        Text::Literal(s) => Ok(Expr(juel::feel_string(&s))),
    }
}

/// A FEEL script body: a leading `=` is optional.
pub(crate) fn feel(raw: &str) -> Result<Expr, String> {
    let body = strip_eq(raw).unwrap_or(raw).trim();
    nonempty(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Expr {
        Expr(s.into())
    }

    #[test]
    fn expressions() {
        assert_eq!(expr("= a + 1"), Ok(e("a + 1")));
        assert_eq!(expr("${a == 1}"), Ok(e("a = 1")));
        assert_eq!(expr(" integerVariable<3 "), Ok(e("integerVariable < 3")));
        assert_eq!(expr("3"), Ok(e("3")));
        assert!(expr("=").is_err());
        assert!(expr("").is_err());
    }

    #[test]
    fn texts() {
        assert_eq!(text("=assignee"), Ok(Text::Feel(e("assignee"))));
        assert_eq!(text("${approver}"), Ok(Text::Feel(e("approver"))));
        assert_eq!(text(" demo "), Ok(Text::Literal("demo".into())));
        assert_eq!(text("PT5M"), Ok(Text::Literal("PT5M".into())));
    }

    #[test]
    fn values() {
        assert_eq!(value("=x"), Ok(e("x")));
        assert_eq!(value("${x}"), Ok(e("x")));
        assert_eq!(value("demo@camunda.com"), Ok(e("\"demo@camunda.com\"")));
        assert_eq!(value(""), Ok(e("\"\"")));
    }

    #[test]
    fn scripts() {
        assert_eq!(feel("=a + b"), Ok(e("a + b")));
        assert_eq!(feel("CREATE_LOG_FILE"), Ok(e("CREATE_LOG_FILE")));
        assert!(feel("  ").is_err());
    }
}
