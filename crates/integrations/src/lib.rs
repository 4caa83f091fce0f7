//! SSBTEK, Sammansatt bastjänst för ekonomiskt bistånd (docs/ssbtek.md): flode in the
//! Multifråga role. [`client`] asks SSBTEK over SOAP 1.1 and normalises the answer into
//! [`model::Svar`], logging every call in the store; [`worker`] works `ssbtek.fetch` jobs
//! with it; [`simulator`] stands in for SSBTEK in development and tests, answering only for
//! whitelisted test identities ([`fixtures`]).

pub mod client;
pub mod fixtures;
pub mod model;
pub mod personnummer;
pub mod simulator;
pub mod soap;
pub mod worker;

pub use client::{Client, ClientConfig, Error};
pub use model::{Fraga, Ingivare, Outcome, Source, Svar};
pub use personnummer::Personidentitet;
pub use simulator::{LatencyProfile, Simulator, SimulatorConfig};
