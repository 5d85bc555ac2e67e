//! Checking that a request comes from Discord: an Ed25519 signature over the
//! timestamp followed by the raw body, with strict hex and a freshness
//! window on the timestamp.

use std::fmt;
use std::time::Duration;

use ed25519_dalek::{Signature, VerifyingKey};
use http::HeaderMap;

use crate::clock::WallClock;

/// The header carrying the signature (128 hex characters).
pub const SIGNATURE_HEADER: &str = "x-signature-ed25519";
/// The header carrying the timestamp (Unix seconds, decimal).
pub const TIMESTAMP_HEADER: &str = "x-signature-timestamp";
/// The default freshness window: a timestamp more than 5 minutes from now
/// (either way) is refused.
pub const DEFAULT_FRESHNESS_WINDOW: Duration = Duration::from_secs(5 * 60);

/// Why a public key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicKeyError {
    /// Not 64 hexadecimal characters.
    #[error(
        "the public key must be 64 hex characters (the application's public key from the developer portal), got {0} characters"
    )]
    Length(usize),
    /// A character that is not hexadecimal.
    #[error("the public key must be hex; copy it again from the developer portal")]
    NotHex,
    /// 32 bytes that are not a valid Ed25519 point.
    #[error("the public key is not a valid ed25519 key; copy it again from the developer portal")]
    Invalid,
}

/// Why a request's signature was refused. Every kind answers 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// No `X-Signature-Ed25519` header.
    MissingSignature,
    /// No `X-Signature-Timestamp` header.
    MissingTimestamp,
    /// The signature is not exactly 128 hex characters.
    MalformedSignature,
    /// The timestamp is not 1 to 20 decimal digits.
    MalformedTimestamp,
    /// The timestamp is older than the freshness window.
    Stale,
    /// The timestamp is further ahead than the freshness window.
    FromTheFuture,
    /// The signature does not match the key, the timestamp and the body.
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingSignature => "no x-signature-ed25519 header",
            Self::MissingTimestamp => "no x-signature-timestamp header",
            Self::MalformedSignature => "the signature is not 128 hex characters",
            Self::MalformedTimestamp => "the timestamp is not unix seconds",
            Self::Stale => "the timestamp is older than the freshness window",
            Self::FromTheFuture => "the timestamp is ahead of the freshness window",
            Self::Mismatch => "the signature does not match the public key and body",
        })
    }
}

impl std::error::Error for SignatureError {}

/// Verifies Discord's signatures with an application's public key.
///
/// ```
/// use bugle_interactions::{SignatureError, Verifier};
///
/// // The public key from the developer portal: 64 hex characters.
/// let verifier = Verifier::from_hex(
///     "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
/// )
/// .unwrap();
/// let refused = verifier.verify(b"00", b"1780000000", b"{}");
/// assert_eq!(refused, Err(SignatureError::MalformedSignature));
/// assert!(Verifier::from_hex("not hex").is_err());
/// ```
#[derive(Clone)]
pub struct Verifier {
    key: VerifyingKey,
    window: Duration,
    clock: WallClock,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("public_key", &hex::encode(self.key.as_bytes()))
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for the application's public key, as the developer portal
    /// shows it (64 hex characters), with the default window.
    ///
    /// # Errors
    ///
    /// A [`PublicKeyError`] when the key is not 64 hex characters or not a
    /// valid Ed25519 key.
    pub fn from_hex(public_key: &str) -> Result<Self, PublicKeyError> {
        let public_key = public_key.trim();
        if public_key.len() != 64 {
            return Err(PublicKeyError::Length(public_key.chars().count()));
        }
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(public_key, &mut bytes).map_err(|_| PublicKeyError::NotHex)?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| PublicKeyError::Invalid)?;
        Ok(Self {
            key,
            window: DEFAULT_FRESHNESS_WINDOW,
            clock: WallClock::System,
        })
    }

    /// Sets the freshness window (default [`DEFAULT_FRESHNESS_WINDOW`]): a
    /// timestamp further than this from now, in the past or the future, is
    /// refused.
    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The freshness window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Sets where "now" comes from (default the system clock).
    #[must_use]
    pub fn with_clock(mut self, clock: WallClock) -> Self {
        self.clock = clock;
        self
    }

    /// Checks `body` against the signature and timestamp in `headers`.
    ///
    /// # Errors
    ///
    /// The [`SignatureError`] saying what is wrong; never panics, whatever
    /// the input.
    pub fn verify_headers(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        let signature = headers
            .get(SIGNATURE_HEADER)
            .ok_or(SignatureError::MissingSignature)?
            .as_bytes();
        let timestamp = headers
            .get(TIMESTAMP_HEADER)
            .ok_or(SignatureError::MissingTimestamp)?
            .as_bytes();
        self.verify(signature, timestamp, body)
    }

    /// Checks `body` against a hex `signature` and a `timestamp` as sent in
    /// the headers.
    ///
    /// # Errors
    ///
    /// The [`SignatureError`] saying what is wrong; never panics.
    pub fn verify(
        &self,
        signature: &[u8],
        timestamp: &[u8],
        body: &[u8],
    ) -> Result<(), SignatureError> {
        if signature.len() != 128 {
            return Err(SignatureError::MalformedSignature);
        }
        let mut bytes = [0_u8; 64];
        hex::decode_to_slice(signature, &mut bytes)
            .map_err(|_| SignatureError::MalformedSignature)?;
        let signature = Signature::from_bytes(&bytes);
        let seconds = parse_timestamp(timestamp).ok_or(SignatureError::MalformedTimestamp)?;
        let now = self.clock.now_unix();
        let window = i64::try_from(self.window.as_secs()).unwrap_or(i64::MAX);
        if seconds < now.saturating_sub(window) {
            return Err(SignatureError::Stale);
        }
        if seconds > now.saturating_add(window) {
            return Err(SignatureError::FromTheFuture);
        }
        let mut message = Vec::with_capacity(timestamp.len() + body.len());
        message.extend_from_slice(timestamp);
        message.extend_from_slice(body);
        self.key
            .verify_strict(&message, &signature)
            .map_err(|_| SignatureError::Mismatch)
    }
}

/// 1 to 18 ASCII digits (anything longer is not a Unix time in seconds).
fn parse_timestamp(timestamp: &[u8]) -> Option<i64> {
    if timestamp.is_empty() || timestamp.len() > 18 || !timestamp.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(timestamp).ok()?.parse().ok()
}
