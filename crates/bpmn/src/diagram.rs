//! Diagram interchange: `bpmndi:BPMNShape` and `bpmndi:BPMNEdge`, kept for rendering.
//!
//! DI never affects execution, so incomplete shapes or edges are skipped, not reported.

use crate::model::{Bounds, Diagram, Edge, Shape};
use crate::xml::{self, BPMNDI, DC, DI, XNode};

/// Every shape and edge in the document, in document order.
pub(crate) fn collect(root: XNode<'_, '_>) -> Diagram {
    let mut diagram = Diagram::default();
    for n in root.descendants() {
        if xml::is(n, BPMNDI, "BPMNShape") {
            let (Some(element_id), Some(bounds)) = (xml::attr(n, "bpmnElement"), bounds_of(n))
            else {
                continue;
            };
            diagram.shapes.push(Shape {
                element_id: xml::local_ref(element_id).to_owned(),
                bounds,
                expanded: xml::bool_attr(n, "isExpanded"),
                label: label(n),
            });
        } else if xml::is(n, BPMNDI, "BPMNEdge") {
            let Some(element_id) = xml::attr(n, "bpmnElement") else {
                continue;
            };
            let waypoints = xml::children(n, DI, "waypoint")
                .filter_map(|w| Some((number(w, "x")?, number(w, "y")?)))
                .collect();
            diagram.edges.push(Edge {
                element_id: xml::local_ref(element_id).to_owned(),
                waypoints,
                label: label(n),
            });
        }
    }
    diagram
}

fn number(n: XNode<'_, '_>, name: &str) -> Option<f64> {
    xml::attr(n, name)?.parse().ok()
}

fn bounds_of(n: XNode<'_, '_>) -> Option<Bounds> {
    let b = xml::child(n, DC, "Bounds")?;
    Some(Bounds {
        x: number(b, "x")?,
        y: number(b, "y")?,
        width: number(b, "width")?,
        height: number(b, "height")?,
    })
}

fn label(n: XNode<'_, '_>) -> Option<Bounds> {
    xml::child(n, BPMNDI, "BPMNLabel").and_then(bounds_of)
}
