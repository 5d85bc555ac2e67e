#![doc = include_str!("../README.md")]

pub mod compare;
pub mod driver;
pub mod ideal;
pub mod minimum;
pub mod procstat;
pub mod report;
pub mod run;
pub mod scenario;
pub mod server;
