//! Facts about parsed FEEL expressions (dsntk ASTs): which names they may refer to, and
//! whether they define external functions.
//!
//! Evaluation converts only the JSON variables whose names occur in the expression, so a
//! process instance carrying a large document does not pay for converting it on every
//! condition. The set is a superset (it also holds property names, parameter names and
//! names bound inside the expression); over-approximating only costs a conversion, while
//! missing a name would change the result, so the match below is exhaustive on purpose.

use dsntk_feel_parser::AstNode;
use std::collections::BTreeSet;

/// Returns every name that occurs anywhere in `node`.
pub(crate) fn referenced_names(node: &AstNode) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    visit(node, &mut |n| match n {
        AstNode::Name(name)
        | AstNode::ParameterName(name)
        | AstNode::QualifiedNameSegment(name)
        | AstNode::ContextEntryKey(name)
        | AstNode::ContextTypeEntryKey(name) => {
            names.insert(name.to_string());
        }
        _ => {}
    });
    names
}

/// Returns `true` when `node` defines an external (Java or PMML) function anywhere.
///
/// dsntk evaluates those by a blocking HTTP call to a fixed local port, which must not
/// happen inside the engine (and panics on a tokio worker), so they are refused.
pub(crate) fn defines_external_function(node: &AstNode) -> bool {
    let mut found = false;
    visit(node, &mut |n| {
        found |= matches!(n, AstNode::FunctionBody(_, true))
    });
    found
}

fn visit_all(nodes: &[AstNode], f: &mut impl FnMut(&AstNode)) {
    for node in nodes {
        visit(node, f);
    }
}

/// Calls `f` on `node` and all its descendants.
fn visit(node: &AstNode, f: &mut impl FnMut(&AstNode)) {
    use AstNode as N;
    f(node);
    match node {
        N::Name(_)
        | N::ParameterName(_)
        | N::QualifiedNameSegment(_)
        | N::ContextEntryKey(_)
        | N::ContextTypeEntryKey(_) => {}
        N::Add(a, b)
        | N::And(a, b)
        | N::ContextEntry(a, b)
        | N::ContextTypeEntry(a, b)
        | N::Div(a, b)
        | N::Eq(a, b)
        | N::Every(a, b)
        | N::Exp(a, b)
        | N::Filter(a, b)
        | N::For(a, b)
        | N::FormalParameter(a, b)
        | N::FunctionDefinition(a, b)
        | N::FunctionInvocation(a, b)
        | N::FunctionType(a, b)
        | N::Ge(a, b)
        | N::Gt(a, b)
        | N::In(a, b)
        | N::InstanceOf(a, b)
        | N::IterationContextSingle(a, b)
        | N::Le(a, b)
        | N::Lt(a, b)
        | N::Mul(a, b)
        | N::NamedParameter(a, b)
        | N::Nq(a, b)
        | N::Or(a, b)
        | N::Out(a, b)
        | N::Path(a, b)
        | N::QuantifiedContext(a, b)
        | N::Range(a, b)
        | N::Some(a, b)
        | N::Sub(a, b) => {
            visit(a, f);
            visit(b, f);
        }
        N::Between(a, b, c) | N::If(a, b, c) | N::IterationContextInterval(a, b, c) => {
            visit(a, f);
            visit(b, f);
            visit(c, f);
        }
        N::EvaluatedExpression(a)
        | N::FunctionBody(a, _)
        | N::IntervalEnd(a, _)
        | N::IntervalStart(a, _)
        | N::ListType(a)
        | N::Neg(a)
        | N::RangeType(a)
        | N::Satisfies(a)
        | N::UnaryGe(a)
        | N::UnaryGt(a)
        | N::UnaryLe(a)
        | N::UnaryLt(a)
        | N::UnaryEq(a)
        | N::UnaryNe(a) => visit(a, f),
        N::CommaList(items)
        | N::Context(items)
        | N::ContextType(items)
        | N::ExpressionList(items)
        | N::FormalParameters(items)
        | N::IterationContexts(items)
        | N::List(items)
        | N::NamedParameters(items)
        | N::NegatedList(items)
        | N::ParameterTypes(items)
        | N::PositionalParameters(items)
        | N::QualifiedName(items)
        | N::QuantifiedContexts(items) => visit_all(items, f),
        N::At(_)
        | N::Boolean(_)
        | N::FeelType(_)
        | N::Irrelevant
        | N::Null
        | N::Numeric(..)
        | N::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(source: &str) -> Vec<String> {
        let scope = crate::parse_scope::parsing_scope(source);
        let node = dsntk_feel_parser::parse_expression(&scope, source, false).expect("parses");
        referenced_names(&node).into_iter().collect()
    }

    #[test]
    fn finds_variables_in_nested_expressions() {
        assert_eq!(
            names_of("a + b.c * 2 > count(d)"),
            ["a", "b", "c", "count", "d"]
        );
        assert_eq!(names_of("if x then [y] else {k: z}"), ["k", "x", "y", "z"]);
        assert_eq!(
            names_of("for i in items return i * factor"),
            ["factor", "i", "items"]
        );
        assert_eq!(
            names_of("some v in list satisfies v > limit"),
            ["limit", "list", "v"]
        );
        assert_eq!(names_of("function(p) p + q"), ["p", "q"]);
        assert_eq!(
            names_of("orders[amount > min].id"),
            ["amount", "id", "min", "orders"]
        );
    }

    #[test]
    fn detects_external_functions() {
        let parse = |source: &str| {
            let scope = crate::parse_scope::parsing_scope(source);
            dsntk_feel_parser::parse_expression(&scope, source, false).expect("parses")
        };
        let external = r#"function(a) external {java: {class: "java.lang.Math", method signature: "abs(int)"}}"#;
        assert!(defines_external_function(&parse(external)));
        assert!(!defines_external_function(&parse("function(a) a + 1")));
    }

    #[test]
    fn literals_have_no_names() {
        assert!(names_of(r#"1 + 2 = 3 and "a" != @"2024-01-01""#).is_empty());
    }
}
