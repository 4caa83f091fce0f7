//! Pre-flight of DMN XML before dsntk 0.3.0 sees it: work-arounds and refusals.
//!
//! - dsntk resolves only the XML-Schema-style type names (`dateTime`, `dayTimeDuration`,
//!   `yearMonthDuration`) in `typeRef`s; the FEEL names the DMN specification uses
//!   (`date and time`, `days and time duration`, `years and months duration`) are looked up
//!   as item definitions, fail, and turn every such value into null. They are rewritten to
//!   the names dsntk knows.
//! - External (Java/PMML) functions are refused: dsntk evaluates them with a blocking HTTP
//!   request to `127.0.0.1:22023`, which must not happen from the engine (and panics on a
//!   tokio worker thread).

use std::borrow::Cow;

/// FEEL type names and the equivalents dsntk understands in `typeRef`.
const TYPE_NAMES: [(&str, &str); 3] = [
    ("date and time", "dateTime"),
    ("days and time duration", "dayTimeDuration"),
    ("years and months duration", "yearMonthDuration"),
];

/// Rewrites FEEL type names in `typeRef` attributes and elements to dsntk's names.
pub(crate) fn normalize_type_refs(xml: &str) -> Cow<'_, str> {
    if !TYPE_NAMES.iter().any(|(feel, _)| xml.contains(feel)) {
        return Cow::Borrowed(xml);
    }
    let mut text = xml.to_string();
    for (feel, dsntk) in TYPE_NAMES {
        for (from, to) in [
            (
                format!("typeRef=\"{feel}\""),
                format!("typeRef=\"{dsntk}\""),
            ),
            (format!("typeRef='{feel}'"), format!("typeRef='{dsntk}'")),
            (format!("typeRef>{feel}</"), format!("typeRef>{dsntk}</")),
        ] {
            if text.contains(&from) {
                text = text.replace(&from, &to);
            }
        }
    }
    Cow::Owned(text)
}

/// Returns a description of the first external function definition in the model, if any.
pub(crate) fn find_external_function(xml: &str) -> Option<String> {
    // Malformed XML is reported by dsntk's parser with a better message.
    let doc = roxmltree::Document::parse(xml).ok()?;
    for node in doc.descendants().filter(|n| n.is_element()) {
        if let Some(kind) = node.attribute("kind")
            && (kind.eq_ignore_ascii_case("java") || kind.eq_ignore_ascii_case("pmml"))
        {
            return Some(format!(
                "element `{}` (id `{}`) defines a {kind} function",
                node.tag_name().name(),
                node.attribute("id").unwrap_or("?")
            ));
        }
        if node.tag_name().name() == "text"
            && let Some(text) = node.text()
            && contains_external_body(text)
        {
            return Some(format!(
                "the FEEL expression `{}` defines an external function",
                text.trim()
            ));
        }
    }
    None
}

/// `true` when FEEL text contains `external` followed by `{` (an external function body).
fn contains_external_body(text: &str) -> bool {
    text.match_indices("external").any(|(i, _)| {
        let before_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let after = text[i + "external".len()..].trim_start();
        before_ok && after.starts_with('{')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_feel_type_names_in_type_refs_only() {
        let xml = r#"<variable typeRef="date and time"/><typeRef>days and time duration</typeRef><text>"date and time"</text>"#;
        assert_eq!(
            normalize_type_refs(xml),
            r#"<variable typeRef="dateTime"/><typeRef>dayTimeDuration</typeRef><text>"date and time"</text>"#
        );
    }

    #[test]
    fn finds_external_functions() {
        let java = r#"<definitions><functionDefinition id="f" kind="Java"/></definitions>"#;
        assert!(find_external_function(java).is_some());
        let feel = r#"<definitions><text>function(a) external {java: {}}</text></definitions>"#;
        assert!(find_external_function(feel).is_some());
        let harmless = r#"<definitions><text>"external" + externalId</text></definitions>"#;
        assert_eq!(find_external_function(harmless), None);
    }
}
