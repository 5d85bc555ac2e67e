//! The commands that send to Discord, one module per family.

pub(crate) mod app_commands;
pub(crate) mod bulk;
pub(crate) mod dm;
pub(crate) mod message;
pub(crate) mod react;
pub(crate) mod thread;
pub(crate) mod webhook;
