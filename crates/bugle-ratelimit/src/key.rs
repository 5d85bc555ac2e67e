//! What the engine needs to know about a request: method, route template, major
//! parameter, global pool and an optional deadline.

use std::fmt;

use tokio::time::Instant;

use crate::name::Name;

/// An HTTP method, as far as Discord's REST API uses them.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// Parses a method name (case-insensitive); `None` for a method Discord does not use.
    pub fn parse(name: &str) -> Option<Self> {
        let method = match name.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            _ => return None,
        };
        Some(method)
    }

    /// The upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which global limit a request counts against.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GlobalPool {
    /// Requests sent with the bot token share the bot's global limit.
    #[default]
    Bot,
    /// Requests without an `Authorization` header (webhook-token routes) share the
    /// per-IP global limit Discord applies when no auth is sent.
    Unauthenticated,
    /// Interaction callbacks and follow-ups are not bound to any global limit.
    Exempt,
}

/// A webhook or interaction token, hashed.
///
/// The token itself is never stored; `Debug` shows only the hash. The hash is the same
/// in every process (the first 8 bytes of SHA-256 over a fixed domain prefix and the
/// token), so a shared store can name a webhook's state by it without holding the token.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(u64);

impl TokenHash {
    /// Hashes `token`.
    pub fn of(token: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(b"bugle webhook token v1\0")
            .chain_update(token.as_bytes())
            .finalize();
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        Self(u64::from_be_bytes(first))
    }

    /// The hash as a number, the same in every process.
    pub fn stable(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({:016x})", self.0)
    }
}

/// The top-level resource a rate limit is computed for (Discord's "major parameter").
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Major {
    /// The route has no top-level resource (e.g. `/users/@me`).
    #[default]
    None,
    /// A channel id.
    Channel(u64),
    /// A guild id.
    Guild(u64),
    /// A webhook id, with the hash of its token when the route carries one.
    Webhook {
        /// The webhook id.
        id: u64,
        /// The hash of the webhook token in the path, if any.
        token: Option<TokenHash>,
    },
}

impl Major {
    /// Whether this major parameter is a webhook (used for the dead-webhook memory).
    pub fn is_webhook(self) -> bool {
        matches!(self, Self::Webhook { .. })
    }
}

/// The description of one request that the engine rate-limits.
///
/// Build it with [`RequestKey::new`] from a route template you already know, or with
/// [`RequestKey::from_path`] from a concrete API path.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestKey {
    pub(crate) method: Method,
    pub(crate) route: Name,
    pub(crate) major: Major,
    pub(crate) pool: GlobalPool,
    pub(crate) deadline: Option<Instant>,
}

impl RequestKey {
    /// A key for `method` on the route template `route` (a path with its ids replaced by
    /// placeholders, never a concrete token) and the major parameter `major`.
    ///
    /// The pool defaults to [`GlobalPool::Bot`] and there is no deadline.
    pub fn new(method: Method, route: impl AsRef<str>, major: Major) -> Self {
        Self {
            method,
            route: Name::new(route.as_ref()),
            major,
            pool: GlobalPool::Bot,
            deadline: None,
        }
    }

    /// Sets which global pool the request counts against.
    #[must_use]
    pub fn with_pool(mut self, pool: GlobalPool) -> Self {
        self.pool = pool;
        self
    }

    /// Sets the latest instant at which the request may be sent; a request that cannot
    /// be sent by then fails at once with [`crate::ErrorKind::RateLimitTimeout`].
    #[must_use]
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The route template.
    pub fn route(&self) -> &str {
        self.route.as_str()
    }

    /// The major parameter.
    pub fn major(&self) -> Major {
        self.major
    }

    /// The global pool.
    pub fn pool(&self) -> GlobalPool {
        self.pool
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}

impl fmt::Debug for RequestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestKey")
            .field("method", &self.method)
            .field("route", &self.route)
            .field("major", &self.major)
            .field("pool", &self.pool)
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// A route: method plus template. Internal identity of a route in the engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RouteName {
    pub(crate) method: Method,
    pub(crate) template: Name,
}

impl fmt::Display for RouteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_debug_never_shows_the_token() {
        let token = "aSecretWebhookToken_0123456789";
        let major = Major::Webhook {
            id: 1,
            token: Some(TokenHash::of(token)),
        };
        let key = RequestKey::new(
            Method::Post,
            "/webhooks/{webhook_id}/{webhook_token}",
            major,
        );
        let shown = format!("{key:?}");
        assert!(!shown.contains(token), "{shown}");
        assert!(shown.contains("TokenHash("));
    }

    #[test]
    fn token_hash_is_stable_within_a_process() {
        assert_eq!(TokenHash::of("abc"), TokenHash::of("abc"));
        assert_ne!(TokenHash::of("abc"), TokenHash::of("abd"));
    }

    #[test]
    fn method_parse_round_trips() {
        for m in [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
        ] {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("delete"), Some(Method::Delete));
        assert_eq!(Method::parse("TRACE"), None);
    }
}
