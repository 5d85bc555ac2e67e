#![doc = include_str!("../README.md")]

pub mod cassette;
pub mod clock;
pub mod fake;
pub mod snowflake;
