//! Form handling for the pages: field errors, the form extractor and JSON variables.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::PageError;
use crate::i18n::Tr;

/// One invalid field: `field` is the input's id, which the error summary links to.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The first error message for a field, for the message under the input.
pub(crate) fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// `axum::Form`, rejecting with an HTML error page.
#[derive(Debug)]
pub(crate) struct PageForm<T>(pub(crate) T);

impl<S, T> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(v)) => Ok(Self(v)),
            Err(e) => Err(PageError::BadRequest(e.body_text())),
        }
    }
}

/// `axum::extract::Query`, rejecting with an HTML error page.
#[derive(Debug)]
pub(crate) struct PageQuery<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for PageQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Self(v)),
            Err(e) => Err(PageError::BadRequest(e.body_text())),
        }
    }
}

/// `?meddelande=` after a Post/Redirect/Get: which success banner to show.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NoticeQuery {
    pub(crate) meddelande: Option<String>,
}

/// Parses a variables textarea: empty means none; otherwise a JSON object. The error is
/// in `tr`'s language.
pub(crate) fn parse_variables(tr: Tr, text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(tr.t("staff-variables-not-object")),
        Err(e) => Err(tr.with_args(
            "staff-variables-not-json",
            &[
                ("line", e.line().to_string()),
                ("column", e.column().to_string()),
            ],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::i18n::Lang;

    #[test]
    fn variables() {
        let sv = Tr::new(Lang::Sv);
        assert_eq!(parse_variables(sv, "  ").map(|m| m.len()), Ok(0));
        assert_eq!(parse_variables(sv, r#"{"a": 1}"#).map(|m| m.len()), Ok(1));
        assert_eq!(
            parse_variables(sv, "[1]"),
            Err(r#"Variablerna måste vara ett JSON-objekt, till exempel {"belopp": 100}"#.into())
        );
        assert_eq!(
            parse_variables(sv, "{"),
            Err("Variablerna är inte giltig JSON (rad 1, kolumn 1)".into())
        );
        let en = Tr::new(Lang::En);
        assert!(parse_variables(en, "[1]").is_err_and(|e| e.contains("JSON object")));
        assert!(parse_variables(en, "{").is_err_and(|e| e.contains("line 1, column 1")));
    }
}
