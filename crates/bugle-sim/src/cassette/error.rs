//! [`CassetteError`]: what went wrong while recording, saving, loading or replaying.

use std::error::Error as StdError;
use std::fmt;

use bugle_transport::TransportError;

/// What kind of cassette failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CassetteErrorKind {
    /// No recorded interaction matches a replayed request; see [`CassetteError::no_match`].
    NoMatch,
    /// A cassette file could not be read or parsed.
    Load,
    /// A cassette file could not be written.
    Save,
    /// A cassette still contains a configured secret, so it was not saved.
    SecretLeak,
    /// Recorded interactions were never replayed.
    Unused,
    /// A simulation mode string could not be parsed.
    InvalidMode,
    /// A recorded interaction cannot be turned back into a response.
    Unreplayable,
}

impl fmt::Display for CassetteErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoMatch => "no match",
            Self::Load => "load",
            Self::Save => "save",
            Self::SecretLeak => "secret leak",
            Self::Unused => "unused interactions",
            Self::InvalidMode => "invalid mode",
            Self::Unreplayable => "unreplayable",
        })
    }
}

/// One field where a recorded request and the replayed one differ.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldDiff {
    /// Where the field is, e.g. `body.json.content` or `query.wait`.
    pub field: String,
    /// The recorded value (`None`: the recording has no such field).
    pub recorded: Option<String>,
    /// The replayed request's value (`None`: the request has no such field).
    pub requested: Option<String>,
}

/// A recorded interaction close to a request that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NearestInteraction {
    /// The interaction's id in the cassette.
    pub id: u32,
    /// Its operation, e.g. `POST /channels/{channel_id}/messages`.
    pub operation: String,
    /// How many times it was already replayed.
    pub uses: u32,
    /// The fields that differ from the request (empty: the request is identical).
    pub differences: Vec<FieldDiff>,
}

/// Why a replayed request matched no recorded interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoMatch {
    /// The request's operation, e.g. `POST /channels/{channel_id}/messages`.
    pub operation: String,
    /// The request's redacted path, after fresh ids were mapped back to recorded ones.
    pub path: String,
    /// An interaction that matches exactly but was already used (and repeats are off).
    pub already_used: Option<u32>,
    /// An unused interaction that matches but was recorded before one already replayed
    /// (and order-free matching is off).
    pub out_of_order: Option<u32>,
    /// The nearest recorded interactions, best first.
    pub nearest: Vec<NearestInteraction>,
}

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no recorded interaction matches {} (path {})",
            self.operation, self.path
        )?;
        if let Some(id) = self.already_used {
            write!(
                f,
                "; interaction #{id} matches but was already used: record the request again \
                 or allow repeats"
            )?;
        }
        if let Some(id) = self.out_of_order {
            write!(
                f,
                "; interaction #{id} matches but was recorded before an interaction already \
                 replayed: requests arrive in another order, allow order-free matching"
            )?;
        }
        if self.nearest.is_empty() {
            return f.write_str("; the cassette has no interactions");
        }
        f.write_str("; nearest recorded interactions:")?;
        for near in &self.nearest {
            write!(
                f,
                "\n  #{} {} (used {} times)",
                near.id, near.operation, near.uses
            )?;
            if near.differences.is_empty() {
                f.write_str(": identical")?;
            }
            for diff in &near.differences {
                write!(
                    f,
                    "\n    {}: recorded {}, requested {}",
                    diff.field,
                    diff.recorded.as_deref().unwrap_or("(absent)"),
                    diff.requested.as_deref().unwrap_or("(absent)")
                )?;
            }
        }
        Ok(())
    }
}

/// A cassette failure. Messages never contain a token or a configured secret.
#[derive(Debug)]
pub struct CassetteError {
    kind: CassetteErrorKind,
    message: String,
    no_match: Option<Box<NoMatch>>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl CassetteError {
    pub(crate) fn new(kind: CassetteErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            no_match: None,
            source: None,
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    pub(crate) fn from_no_match(no_match: NoMatch) -> Self {
        Self {
            kind: CassetteErrorKind::NoMatch,
            message: no_match.to_string(),
            no_match: Some(Box::new(no_match)),
            source: None,
        }
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CassetteErrorKind {
        self.kind
    }

    /// The diagnostics of a [`NoMatch`](CassetteErrorKind::NoMatch) error.
    pub fn no_match(&self) -> Option<&NoMatch> {
        self.no_match.as_deref()
    }

    /// The underlying error, if any.
    pub fn into_source(self) -> Option<Box<dyn StdError + Send + Sync>> {
        self.source
    }

    /// The cassette error a [`Replayer`](super::Replayer) put inside a transport error.
    pub fn find_in(error: &TransportError) -> Option<&Self> {
        StdError::source(error).and_then(|e| e.downcast_ref::<Self>())
    }
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cassette {} error: {}", self.kind, self.message)
    }
}

impl StdError for CassetteError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
