//! Which Discord the client talks to: the real one, or a simulated one.

use std::path::PathBuf;

/// The simulation mode.
///
/// Every mode goes through the same request path (validation, rate limits,
/// retries); only the transport at the end differs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Simulation {
    /// Real Discord over HTTPS.
    #[default]
    Disabled,
    /// An in-process `FakeDiscord`; no token and no network needed.
    Fake,
    /// Real Discord, with every exchange recorded (without secrets) to the
    /// cassette at this path.
    Record(PathBuf),
    /// Answers replayed from the cassette at this path; nothing is sent.
    Replay(PathBuf),
}

impl Simulation {
    /// Parses the `BUGLE_SIMULATION` syntax: `fake`, `record:PATH`,
    /// `replay:PATH`, or `off` / `disabled` / `none` for real Discord.
    /// Keywords are case-insensitive; the path is taken as written.
    ///
    /// # Errors
    ///
    /// A message saying which forms are accepted.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (mode, path) = match text.split_once(':') {
            Some((mode, path)) => (mode, Some(path)),
            None => (text, None),
        };
        let mode = mode.to_ascii_lowercase();
        match (mode.as_str(), path) {
            ("off" | "disabled" | "none", None) => Ok(Self::Disabled),
            ("fake", None) => Ok(Self::Fake),
            ("record" | "replay", Some("") | None) => Err(format!(
                "`{mode}` needs a cassette path; write it as {mode}:PATH"
            )),
            ("record", Some(path)) => Ok(Self::Record(PathBuf::from(path))),
            ("replay", Some(path)) => Ok(Self::Replay(PathBuf::from(path))),
            _ => {
                Err("unknown simulation mode; use fake, record:PATH, replay:PATH or off".to_owned())
            }
        }
    }

    /// Whether requests reach real Discord (disabled or recording), and so
    /// need real credentials.
    pub fn reaches_discord(&self) -> bool {
        // Every mode named: a new one must say whether it reaches Discord.
        match self {
            Self::Disabled | Self::Record(_) => true,
            Self::Fake | Self::Replay(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_mode() {
        assert_eq!(Simulation::parse("fake"), Ok(Simulation::Fake));
        assert_eq!(Simulation::parse(" FAKE "), Ok(Simulation::Fake));
        assert_eq!(Simulation::parse("off"), Ok(Simulation::Disabled));
        assert_eq!(
            Simulation::parse("record:cassettes/run.json"),
            Ok(Simulation::Record("cassettes/run.json".into()))
        );
        assert_eq!(
            Simulation::parse("Replay:C:/x.json"),
            Ok(Simulation::Replay("C:/x.json".into()))
        );
    }

    #[test]
    fn rejects_missing_paths_and_unknown_modes() {
        assert!(Simulation::parse("record").is_err());
        assert!(Simulation::parse("replay:").is_err());
        assert!(Simulation::parse("fake:path").is_err());
        assert!(Simulation::parse("live").is_err());
        assert!(Simulation::parse("").is_err());
    }

    #[test]
    fn only_disabled_and_record_reach_discord() {
        // That no mode falls through to discord.com is checked by the
        // compiler: the matches on modes in this crate have no `_` arm.
        assert!(Simulation::Disabled.reaches_discord());
        assert!(Simulation::Record("a".into()).reaches_discord());
        assert!(!Simulation::Fake.reaches_discord());
        assert!(!Simulation::Replay("a".into()).reaches_discord());
    }
}
