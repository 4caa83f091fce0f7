//! Implicit input data for decisions that read variables they do not declare.
//!
//! Camunda Modeler (Camunda 8) writes decision tables whose input expressions name process
//! variables directly, without `<inputData>` elements or `<informationRequirement>`s. dsntk,
//! following the DMN specification, only puts *required* inputs in a decision's scope, so
//! such variables would always be null. Before dsntk parses a model, every decision gets a
//! required input for each identifier in its FEEL text that is not already a name in the
//! model, a FEEL keyword, a built-in function or the first word of a multi-word built-in
//! name (`string`, `date`, `get`, `day`, ...); the missing
//! `<inputData>` elements (typed `Any`, or the temporal `typeRef` of an input expression
//! that consists of just that name) are added to the model.
//!
//! The identifier scan over-approximates (iteration variables, context keys, later words of
//! multi-word names also count; names right after a `.` do not). That is harmless: the extra inputs are null unless the caller
//! passes a value, and local names, context entries and properties take precedence over
//! them during evaluation. A variable whose name is excluded (e.g. `string`, `day`) must be
//! declared as `<inputData>` in the model to be visible.

use crate::parse_scope::{MULTI_WORD_BUILT_INS, identifiers, variable_candidates};
use dsntk_feel::bif::Bif;
use roxmltree::{Document, Node};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::str::FromStr;

/// FEEL keywords, literals and names that must never become inputs.
const RESERVED: &[&str] = &[
    "and",
    "between",
    "else",
    "every",
    "external",
    "false",
    "for",
    "function",
    "if",
    "in",
    "instance",
    "item",
    "not",
    "null",
    "of",
    "or",
    "return",
    "satisfies",
    "some",
    "then",
    "true",
    "?",
    "Any",
    "Null",
    "boolean",
    "context",
    "list",
    "number",
    "range",
    "string",
];

/// Temporal type references worth giving an implicit input, so JSON strings are converted.
const TEMPORAL_TYPE_REFS: &[&str] = &[
    "date",
    "time",
    "dateTime",
    "date and time",
    "dayTimeDuration",
    "yearMonthDuration",
    "days and time duration",
    "years and months duration",
];

/// Children of `<decision>` that the DMN schema puts before `<informationRequirement>`.
const BEFORE_REQUIREMENTS: &[&str] = &[
    "description",
    "extensionElements",
    "question",
    "allowedAnswers",
    "variable",
    "informationRequirement",
];

/// Adds input data for undeclared variables; returns the XML unchanged when nothing is
/// missing or the document is not well-formed (dsntk then reports the problem).
pub(crate) fn declare_implicit_inputs(xml: &str) -> Cow<'_, str> {
    let Ok(doc) = Document::parse(xml) else {
        return Cow::Borrowed(xml);
    };
    let root = doc.root_element();
    let decisions: Vec<Node> = root
        .children()
        .filter(|n| n.has_tag_name("decision"))
        .collect();
    if decisions.is_empty() {
        return Cow::Borrowed(xml);
    }
    let excluded = excluded_words(root);
    let mut inputs: BTreeMap<String, String> = BTreeMap::new(); // name -> typeRef
    let mut per_decision: Vec<(Node, BTreeSet<String>)> = Vec::new();
    for decision in &decisions {
        let mut names = BTreeSet::new();
        for text in decision.descendants().filter(|n| n.has_tag_name("text")) {
            for identifier in variable_candidates(text.text().unwrap_or_default()) {
                if !excluded.contains(&identifier) && !is_built_in_function(&identifier) {
                    names.insert(identifier);
                }
            }
        }
        for name in &names {
            let type_ref = temporal_type_of(*decision, name).unwrap_or("Any");
            let entry = inputs
                .entry(name.clone())
                .or_insert_with(|| type_ref.to_string());
            if entry == "Any" {
                *entry = type_ref.to_string();
            }
        }
        if !names.is_empty() {
            per_decision.push((*decision, names));
        }
    }
    if inputs.is_empty() {
        return Cow::Borrowed(xml);
    }
    // Ids are numbered: names may hold characters that are not allowed in ids or hrefs.
    let taken: HashSet<&str> = root
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    let mut base = "_flode_implicit_input_".to_string();
    while taken.iter().any(|id| id.starts_with(base.as_str())) {
        base.push('_');
    }
    let numbers: BTreeMap<&str, usize> = inputs
        .keys()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i + 1))
        .collect();
    let id_of = |name: &str| format!("{base}{}", numbers.get(name).copied().unwrap_or_default());
    // (byte offset, text to insert); applied back to front so offsets stay valid.
    let mut insertions: Vec<(usize, String)> = Vec::new();
    let first = decisions[0];
    let prefix = tag_prefix(xml, first);
    let mut declarations = String::new();
    for (name, type_ref) in &inputs {
        let id = id_of(name);
        let _ = write!(
            declarations,
            r#"<{prefix}inputData id="{id}" name="{name}"><{prefix}variable id="{id}_variable" name="{name}" typeRef="{type_ref}"/></{prefix}inputData>"#
        );
    }
    insertions.push((first.range().start, declarations));
    for (decision, names) in per_decision {
        let Some(offset) = requirements_offset(xml, decision) else {
            continue;
        };
        let prefix = tag_prefix(xml, decision);
        let mut requirements = String::new();
        for name in names {
            let _ = write!(
                requirements,
                r##"<{prefix}informationRequirement><{prefix}requiredInput href="#{}"/></{prefix}informationRequirement>"##,
                id_of(&name)
            );
        }
        insertions.push((offset, requirements));
    }
    insertions.sort_by_key(|(offset, _)| std::cmp::Reverse(*offset));
    let mut result = xml.to_string();
    for (offset, text) in insertions {
        result.insert_str(offset, &text);
    }
    Cow::Owned(result)
}

/// Words that must not become implicit inputs: reserved words, the first words of
/// multi-word built-ins, and the names already defined in the model.
///
/// Only a *first* word can hurt: dsntk's lexer starts a name at the first word and keeps the
/// longest run of words that is a known name, else the whole run; seeding `string` would
/// cut `string length(x)` short, while seeding `length` changes nothing. Words of multi-word
/// model names are harmless for the same reason (the full name is known and longer).
fn excluded_words(root: Node) -> HashSet<String> {
    let mut words: HashSet<String> = RESERVED.iter().map(|w| w.to_string()).collect();
    words.extend(["date", "time", "duration"].map(String::from));
    for name in MULTI_WORD_BUILT_INS {
        words.extend(identifiers(name).into_iter().take(1));
    }
    for node in root.descendants().filter(|n| n.is_element()) {
        for attribute in ["name", "iteratorVariable"] {
            if let Some(name) = node.attribute(attribute) {
                words.insert(name.trim().to_string());
            }
        }
    }
    words
}

/// `true` when `word` is the name of a single-word built-in function (`count`, `sum`, ...).
fn is_built_in_function(word: &str) -> bool {
    Bif::from_str(word).is_ok()
}

/// The temporal `typeRef` of an input expression in `decision` whose text is exactly `name`.
fn temporal_type_of<'a>(decision: Node<'a, '_>, name: &str) -> Option<&'a str> {
    decision
        .descendants()
        .filter(|n| n.has_tag_name("inputExpression"))
        .filter(|n| {
            n.children()
                .find(|c| c.has_tag_name("text"))
                .and_then(|t| t.text())
                .is_some_and(|t| t.trim() == name)
        })
        .filter_map(|n| n.attribute("typeRef"))
        .find(|t| TEMPORAL_TYPE_REFS.contains(t))
}

/// Where new `<informationRequirement>`s go in `decision`: before the first child that the
/// schema orders after them, or before the end tag.
fn requirements_offset(xml: &str, decision: Node) -> Option<usize> {
    let after = decision
        .children()
        .filter(|n| n.is_element())
        .find(|n| !BEFORE_REQUIREMENTS.contains(&n.tag_name().name()));
    if let Some(child) = after {
        return Some(child.range().start);
    }
    let range = decision.range();
    let element = &xml[range.clone()];
    if element.ends_with("/>") {
        return None; // `<decision .../>` has no logic to read variables
    }
    element.rfind("</").map(|i| range.start + i)
}

/// The namespace prefix (`dmn:` or empty) written in the start tag of `node`.
fn tag_prefix(xml: &str, node: Node) -> String {
    let tag: String = xml[node.range().start + 1..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    tag.rsplit_once(':')
        .map(|(prefix, _)| format!("{prefix}:"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMUNDA_STYLE: &str = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="m" namespace="n">
  <decision id="a" name="A">
    <decisionTable id="t">
      <input id="i"><inputExpression id="e" typeRef="date"><text>applied</text></inputExpression></input>
      <output id="o" name="out" typeRef="string"/>
      <rule id="r"><inputEntry id="ie"><text>&lt; limit</text></inputEntry><outputEntry id="oe"><text>string length("x") + count(xs)</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"#;

    #[test]
    fn declares_undeclared_variables_with_temporal_types() {
        let xml = declare_implicit_inputs(CAMUNDA_STYLE);
        // inputs are numbered in name order: applied, length (harmless), limit, xs
        assert!(xml.contains(r#"<inputData id="_flode_implicit_input_1" name="applied"><variable id="_flode_implicit_input_1_variable" name="applied" typeRef="date"/></inputData>"#));
        assert!(xml.contains(r#"name="limit"><variable id="_flode_implicit_input_3_variable" name="limit" typeRef="Any"/>"#));
        assert!(xml.contains(r##"<informationRequirement><requiredInput href="#_flode_implicit_input_4"/></informationRequirement><decisionTable"##));
        assert!(!xml.contains(r#"name="string""#) && !xml.contains(r#"name="count""#));
    }

    #[test]
    fn leaves_declared_models_alone() {
        let xml = r##"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="m" namespace="n">
  <decision id="a" name="A"><informationRequirement><requiredInput href="#x"/></informationRequirement><literalExpression><text>Salary * 12 + Salary.bonus</text></literalExpression></decision>
  <inputData id="x" name="Salary"><variable name="Salary" typeRef="Any"/></inputData>
</definitions>"##;
        assert_eq!(declare_implicit_inputs(xml), xml);
    }

    #[test]
    fn uses_the_namespace_prefix_of_the_model() {
        let xml = r#"<dmn:definitions xmlns:dmn="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="m" namespace="https://flode.example/m">
  <dmn:decision id="a" name="A"><dmn:literalExpression><dmn:text>x + 1</dmn:text></dmn:literalExpression></dmn:decision>
</dmn:definitions>"#;
        let rewritten = declare_implicit_inputs(xml);
        assert!(
            rewritten.contains(r#"<dmn:inputData id="_flode_implicit_input_1" name="x">"#),
            "{rewritten}"
        );
        assert!(rewritten.contains(r##"<dmn:informationRequirement><dmn:requiredInput href="#_flode_implicit_input_1"/></dmn:informationRequirement><dmn:literalExpression>"##));
        let parsed = crate::DecisionModel::parse(&rewritten);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
