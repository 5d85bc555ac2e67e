//! `[interactions]`: the Discord application whose buttons the cards carry,
//! and the endpoint, on its own address, that Discord posts presses to.

use std::net::SocketAddr;
use std::time::Duration;

use bugle_model::id::ApplicationId;
use serde::Deserialize;

use super::{ConfigError, env, err, parse_id};
use crate::alertmanager::{human, parse_duration};

/// The default path of the interactions endpoint.
pub const DEFAULT_INTERACTIONS_PATH: &str = "/interactions";
/// The default silence buttons: one hour and four hours.
pub const DEFAULT_SILENCE_DURATIONS: [&str; 2] = ["1h", "4h"];
/// At most this many silence buttons: with Acknowledge and Custom they fill
/// the five buttons Discord allows in one row.
pub const MAX_SILENCE_DURATIONS: usize = 3;

/// `[interactions]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInteractions {
    listen: Option<String>,
    path: Option<String>,
    application_id: Option<String>,
    public_key: Option<String>,
    silence_durations: Option<Vec<String>>,
}

/// The interactions endpoint and the application behind the buttons.
#[derive(Debug, Clone)]
pub struct InteractionSettings {
    /// Where the endpoint listens: its own address, apart from the ingest
    /// listener, as it is the one that faces the internet.
    pub listen: SocketAddr,
    /// The endpoint's path (default `/interactions`); the developer portal's
    /// "Interactions Endpoint URL" ends with it.
    pub path: String,
    /// The application whose buttons the cards carry.
    pub application_id: ApplicationId,
    /// The application's public key (64 hex characters), which signs every
    /// request Discord sends. Public, not a secret.
    pub public_key: String,
    /// The preset silence buttons, in the order written (1 to 3).
    pub silence_durations: Vec<Duration>,
}

/// Reads `[interactions]`; `ingest` is the `[server]` listen address, which
/// the endpoint may not share.
pub(super) fn load_interactions(
    raw: RawInteractions,
    ingest: SocketAddr,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<InteractionSettings, ConfigError> {
    let listen_text = lookup(env::INTERACTIONS_LISTEN)
        .filter(|text| !text.is_empty())
        .or(raw.listen)
        .ok_or_else(|| {
            err(format!(
                "interactions.listen: required: the address Discord's requests arrive on, e.g. \"0.0.0.0:8443\" (or set {})",
                env::INTERACTIONS_LISTEN
            ))
        })?;
    let listen: SocketAddr = listen_text.trim().parse().map_err(|_| {
        err(format!(
            "interactions.listen: `{listen_text}` is not an address like 0.0.0.0:8443"
        ))
    })?;
    if overlaps(listen, ingest) {
        return Err(err(format!(
            "interactions.listen: `{listen}` is also the ingest address ([server] listen `{ingest}`); give the interactions endpoint its own port, the only one that faces the internet"
        )));
    }
    let path = raw
        .path
        .unwrap_or_else(|| DEFAULT_INTERACTIONS_PATH.to_owned());
    check_path(&path)?;
    let application_id = raw.application_id.ok_or_else(|| {
        err("interactions.application_id: required: the application's id from the developer portal, e.g. \"1234567890\"")
    })?;
    let application_id = parse_id(&application_id)
        .map(ApplicationId::new)
        .ok_or_else(|| {
            err(format!(
                "interactions.application_id: `{application_id}` is not an application id (a number)"
            ))
        })?;
    let public_key = lookup(env::PUBLIC_KEY)
        .filter(|key| !key.trim().is_empty())
        .or(raw.public_key)
        .ok_or_else(|| {
            err(format!(
                "interactions.public_key: required: the application's public key from the developer portal (64 hex characters), or set {}",
                env::PUBLIC_KEY
            ))
        })?
        .trim()
        .to_owned();
    bugle_interactions::Verifier::from_hex(&public_key)
        .map_err(|e| err(format!("interactions.public_key: {e}")))?;
    let silence_durations = load_durations(raw.silence_durations)?;
    Ok(InteractionSettings {
        listen,
        path,
        application_id,
        public_key,
        silence_durations,
    })
}

/// Whether two listeners would fight over one port (port 0 picks a free one).
fn overlaps(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port()
        && a.port() != 0
        && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

fn check_path(path: &str) -> Result<(), ConfigError> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/-._~".contains(c);
    if !path.starts_with('/') || !path.chars().all(plain) {
        return Err(err(format!(
            "interactions.path: `{path}` must start with '/' and hold only letters, digits and - . _ ~ / (e.g. \"/interactions\")"
        )));
    }
    Ok(())
}

fn load_durations(raw: Option<Vec<String>>) -> Result<Vec<Duration>, ConfigError> {
    let texts = raw.unwrap_or_else(|| {
        DEFAULT_SILENCE_DURATIONS
            .iter()
            .map(|&text| text.to_owned())
            .collect()
    });
    if texts.is_empty() || texts.len() > MAX_SILENCE_DURATIONS {
        return Err(err(format!(
            "interactions.silence_durations: {} entries, give 1 to {MAX_SILENCE_DURATIONS} (with Acknowledge and Custom they fill Discord's 5 buttons per row), e.g. [\"1h\", \"4h\"]",
            texts.len()
        )));
    }
    let mut durations = Vec::with_capacity(texts.len());
    for (index, text) in texts.iter().enumerate() {
        let duration = parse_duration(text)
            .map_err(|e| err(format!("interactions.silence_durations[{index}]: {e}")))?;
        if durations.contains(&duration) {
            return Err(err(format!(
                "interactions.silence_durations[{index}]: {} is already a button; give each duration once",
                human(duration)
            )));
        }
        durations.push(duration);
    }
    Ok(durations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn listeners_overlap_on_one_port_of_one_address_or_of_all() {
        assert!(overlaps(addr("127.0.0.1:9099"), addr("127.0.0.1:9099")));
        assert!(overlaps(addr("0.0.0.0:9099"), addr("127.0.0.1:9099")));
        assert!(!overlaps(addr("127.0.0.1:9099"), addr("127.0.0.2:9099")));
        assert!(!overlaps(addr("0.0.0.0:8443"), addr("127.0.0.1:9099")));
        assert!(!overlaps(addr("127.0.0.1:0"), addr("127.0.0.1:0")));
    }

    #[test]
    fn a_path_must_be_plain_and_absolute() {
        assert!(check_path("/interactions").is_ok());
        assert!(check_path("/discord/v1_interactions").is_ok());
        for bad in ["interactions", "/a b", "/{id}", "/a?b", ""] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn silence_durations_default_to_one_and_four_hours() {
        let hours = |h: u64| Duration::from_secs(h * 3600);
        assert_eq!(load_durations(None).unwrap(), [hours(1), hours(4)]);
    }
}
