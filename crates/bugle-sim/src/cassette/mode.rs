//! [`SimulationMode`]: talk to Discord, record, or replay.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::error::{CassetteError, CassetteErrorKind};

/// Where a client's requests go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SimulationMode {
    /// Straight to Discord (no simulation).
    #[default]
    Disabled,
    /// To Discord, recording every exchange into the cassette at this path.
    Recording(PathBuf),
    /// Nowhere: answers come from the cassette at this path.
    Replay(PathBuf),
}

impl SimulationMode {
    /// Whether requests go straight to Discord.
    pub fn is_disabled(&self) -> bool {
        matches!(self, Self::Disabled)
    }

    /// Whether exchanges are recorded.
    pub fn is_recording(&self) -> bool {
        matches!(self, Self::Recording(_))
    }

    /// Whether answers come from a cassette (no request reaches the network).
    pub fn is_replay(&self) -> bool {
        matches!(self, Self::Replay(_))
    }

    /// The cassette path, when recording or replaying.
    pub fn cassette_path(&self) -> Option<&Path> {
        match self {
            Self::Disabled => None,
            Self::Recording(path) | Self::Replay(path) => Some(path),
        }
    }
}

/// Parses `disabled`, `record:<path>` or `replay:<path>` (e.g. from an environment
/// variable).
impl FromStr for SimulationMode {
    type Err = CassetteError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("disabled") || text.is_empty() {
            return Ok(Self::Disabled);
        }
        let parsed = match text.split_once(':') {
            Some((mode, path)) if !path.is_empty() => match mode.to_ascii_lowercase().as_str() {
                "record" | "recording" => Some(Self::Recording(PathBuf::from(path))),
                "replay" => Some(Self::Replay(PathBuf::from(path))),
                _ => None,
            },
            _ => None,
        };
        parsed.ok_or_else(|| {
            CassetteError::new(
                CassetteErrorKind::InvalidMode,
                "a simulation mode is `disabled`, `record:<path>` or `replay:<path>`",
            )
        })
    }
}

impl fmt::Display for SimulationMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disabled => f.write_str("disabled"),
            Self::Recording(path) => write!(f, "record:{}", path.display()),
            Self::Replay(path) => write!(f, "replay:{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        for text in ["disabled", "record:cassettes/a.json", "replay:b.json"] {
            let mode: SimulationMode = text.parse().unwrap();
            assert_eq!(mode.to_string(), text);
        }
        assert!(SimulationMode::from_str("replay:x").unwrap().is_replay());
        assert_eq!(
            SimulationMode::from_str("rewind:x").unwrap_err().kind(),
            CassetteErrorKind::InvalidMode
        );
        assert!(SimulationMode::from_str("record:").is_err());
    }
}
