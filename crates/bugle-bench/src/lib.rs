#![doc = include_str!("../README.md")]

pub mod compare;
pub mod driver;
pub mod foreign;
pub mod ideal;
pub mod latency;
pub mod minimum;
pub mod observe;
pub mod processes;
pub mod procstat;
pub mod raw;
pub mod redis_server;
pub mod report;
pub mod run;
pub mod scenario;
pub mod server;
