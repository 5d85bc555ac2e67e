#![doc = include_str!("../README.md")]

pub mod cassette;
pub mod clock;
pub mod fake;
mod multipart;
pub mod snowflake;

/// docs/simulation.md's examples, compiled as doctests so the guide cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/simulation.md")]
struct SimulationGuide;
