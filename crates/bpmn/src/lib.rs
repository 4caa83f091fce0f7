//! BPMN 2.0 import: XML (Camunda Modeler 7 and 8 flavours) to the executable [`model`].
//!
//! Pure: no IO, no async. The engine compiles the FEEL expressions in the model.
//!
//! ```
//! let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
//!   <process id="p" isExecutable="true">
//!     <startEvent id="start"/>
//!     <sequenceFlow id="f" sourceRef="start" targetRef="end"/>
//!     <endEvent id="end"/>
//!   </process>
//! </definitions>"#;
//! let defs = flode_bpmn::parse(xml).expect("valid");
//! assert_eq!(defs.processes[0].nodes.len(), 2);
//! ```

mod diagram;
mod extensions;
mod juel;
pub mod model;
mod parse;
mod problem;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod test_support;
mod values;
mod xml;

pub use problem::{Error, Problem};

/// How [`parse_with`] treats the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Also import processes that are not executable (`isExecutable="false"`, or absent in a
    /// file with several processes), e.g. to lint a draft. [`parse`] leaves this off.
    pub include_non_executable: bool,
}

/// Parses a BPMN 2.0 file into the executable model.
///
/// Every executable `<process>` becomes a [`model::Process`] (a process without
/// `isExecutable` counts as executable only when it is the file's only process).
/// Notation (collaborations, lanes, data objects, annotations, …) is ignored; anything that
/// would change execution but is not supported is reported: the error lists every
/// [`Problem`] found, not just the first.
pub fn parse(xml: &str) -> Result<model::Definitions, Error> {
    parse::parse(xml, &ParseOptions::default())
}

/// [`parse`] with options.
pub fn parse_with(xml: &str, options: &ParseOptions) -> Result<model::Definitions, Error> {
    parse::parse(xml, options)
}
