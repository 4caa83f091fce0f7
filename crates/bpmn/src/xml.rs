//! Namespace constants and small helpers over `roxmltree` nodes.
//!
//! Elements are always matched by namespace URI and local name, never by prefix.

/// A node of the parsed XML document.
pub(crate) type XNode<'a, 'i> = roxmltree::Node<'a, 'i>;

/// BPMN 2.0 semantic model.
pub(crate) const BPMN: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// BPMN diagram interchange.
pub(crate) const BPMNDI: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
/// Diagram definition: common (bounds).
pub(crate) const DC: &str = "http://www.omg.org/spec/DD/20100524/DC";
/// Diagram definition: diagram interchange (waypoints).
pub(crate) const DI: &str = "http://www.omg.org/spec/DD/20100524/DI";
/// Camunda 8 (Zeebe) extensions.
pub(crate) const ZEEBE: &str = "http://camunda.org/schema/zeebe/1.0";
/// Camunda 7 extensions.
pub(crate) const CAMUNDA: &str = "http://camunda.org/schema/1.0/bpmn";
/// Activiti extensions: the namespace Camunda 7 grew out of, and still accepts as an alias.
pub(crate) const ACTIVITI: &str = "http://activiti.org/bpmn";

/// Whether `node` is the element `ns:local`.
pub(crate) fn is(node: XNode<'_, '_>, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == local
}

/// Whether `node` is the BPMN element `local`.
pub(crate) fn is_bpmn(node: XNode<'_, '_>, local: &str) -> bool {
    is(node, BPMN, local)
}

/// Whether `node` is an element in the Camunda 7 (or Activiti) namespace called `local`.
pub(crate) fn is_camunda(node: XNode<'_, '_>, local: &str) -> bool {
    is(node, CAMUNDA, local) || is(node, ACTIVITI, local)
}

/// The first child element `ns:local`.
pub(crate) fn child<'a, 'i>(node: XNode<'a, 'i>, ns: &str, local: &str) -> Option<XNode<'a, 'i>> {
    node.children().find(|c| is(*c, ns, local))
}

/// All child elements `ns:local`.
pub(crate) fn children<'a, 'i>(
    node: XNode<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> impl Iterator<Item = XNode<'a, 'i>> {
    node.children().filter(move |c| is(*c, ns, local))
}

/// The first BPMN child element `local`.
pub(crate) fn bpmn_child<'a, 'i>(node: XNode<'a, 'i>, local: &str) -> Option<XNode<'a, 'i>> {
    child(node, BPMN, local)
}

/// The text content directly inside `node` (text and CDATA children, concatenated).
pub(crate) fn text(node: XNode<'_, '_>) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

/// An attribute without namespace, with surrounding whitespace removed; `None` when absent
/// or blank.
pub(crate) fn attr<'a>(node: XNode<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A Camunda 7 (or Activiti) attribute, trimmed; `None` when absent or blank.
pub(crate) fn camunda_attr<'a>(node: XNode<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((CAMUNDA, name))
        .or_else(|| node.attribute((ACTIVITI, name)))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// An `xsd:boolean` attribute: `Some(true)` for `true`/`1`, `Some(false)` for anything else
/// that is present.
pub(crate) fn bool_attr(node: XNode<'_, '_>, name: &str) -> Option<bool> {
    attr(node, name).map(|v| v == "true" || v == "1")
}

/// The element's `name` attribute, `None` when absent or empty.
pub(crate) fn name(node: XNode<'_, '_>) -> Option<String> {
    node.attribute("name")
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
}

/// Children of the element's `<bpmn:extensionElements>`.
pub(crate) fn extensions<'a, 'i>(node: XNode<'a, 'i>) -> impl Iterator<Item = XNode<'a, 'i>> {
    node.children()
        .filter(|c| is_bpmn(*c, "extensionElements"))
        .flat_map(|e| e.children().filter(|c| c.is_element()))
}

/// The first Zeebe extension element `local` of `node`.
pub(crate) fn zeebe<'a, 'i>(node: XNode<'a, 'i>, local: &str) -> Option<XNode<'a, 'i>> {
    extensions(node).find(|c| is(*c, ZEEBE, local))
}

/// The first Camunda 7 extension element `local` of `node`.
pub(crate) fn camunda<'a, 'i>(node: XNode<'a, 'i>, local: &str) -> Option<XNode<'a, 'i>> {
    extensions(node).find(|c| is_camunda(*c, local))
}

/// The part of a QName reference after its prefix (`tns:Message_1` → `Message_1`).
pub(crate) fn local_ref(reference: &str) -> &str {
    reference.rsplit_once(':').map_or(reference, |(_, id)| id)
}
