//! Channel routing: send to a channel by id, or by a name configured once.
//!
//! ```
//! use bugle::{ChannelRoutes, ChannelTarget};
//! use bugle_model::id::ChannelId;
//!
//! let mut routes = ChannelRoutes::new();
//! routes.insert("alerts", ChannelId::new(123));
//! assert_eq!(routes.resolve(&ChannelTarget::from("alerts"))?, ChannelId::new(123));
//! assert_eq!(routes.resolve(&ChannelId::new(9).into())?, ChannelId::new(9));
//! assert!(routes.resolve(&"deploys".into()).is_err());
//! # Ok::<(), bugle::DiscordError>(())
//! ```

use std::collections::BTreeMap;

use bugle_model::id::ChannelId;

use crate::error::{DiscordError, ErrorKind};

/// Where to send: a channel id, or the name of a configured route.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChannelTarget {
    /// A channel (or thread, or DM channel) by id.
    Id(ChannelId),
    /// A route name configured with [`DiscordConfigBuilder::route`](crate::DiscordConfigBuilder::route).
    Name(String),
}

impl From<ChannelId> for ChannelTarget {
    fn from(id: ChannelId) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for ChannelTarget {
    fn from(name: &str) -> Self {
        Self::Name(name.to_owned())
    }
}

impl From<String> for ChannelTarget {
    fn from(name: String) -> Self {
        Self::Name(name)
    }
}

impl From<&String> for ChannelTarget {
    fn from(name: &String) -> Self {
        Self::Name(name.clone())
    }
}

/// Route names and the channels they stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelRoutes {
    routes: BTreeMap<String, ChannelId>,
}

impl ChannelRoutes {
    /// No routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces the route `name`; returns the channel it named before.
    pub fn insert(&mut self, name: impl Into<String>, channel: ChannelId) -> Option<ChannelId> {
        self.routes.insert(name.into(), channel)
    }

    /// The channel route `name` stands for.
    pub fn get(&self, name: &str) -> Option<ChannelId> {
        self.routes.get(name).copied()
    }

    /// The configured names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.routes.keys().cloned().collect()
    }

    /// How many routes there are.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Every route, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ChannelId)> {
        self.routes.iter().map(|(name, id)| (name.as_str(), *id))
    }

    /// The channel `target` stands for: the id itself, or the route's channel.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownChannelRoute`], listing the configured names
    /// sorted, when `target` names a route that is not configured.
    pub fn resolve(&self, target: &ChannelTarget) -> Result<ChannelId, DiscordError> {
        match target {
            ChannelTarget::Id(id) => Ok(*id),
            ChannelTarget::Name(name) => self.get(name).ok_or_else(|| {
                DiscordError::new(ErrorKind::UnknownChannelRoute {
                    name: name.clone(),
                    known: self.names(),
                })
            }),
        }
    }
}

impl<N: Into<String>> FromIterator<(N, ChannelId)> for ChannelRoutes {
    fn from_iter<I: IntoIterator<Item = (N, ChannelId)>>(iter: I) -> Self {
        Self {
            routes: iter
                .into_iter()
                .map(|(name, id)| (name.into(), id))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> ChannelRoutes {
        [
            ("deploys", ChannelId::new(2)),
            ("alerts", ChannelId::new(1)),
            ("builds", ChannelId::new(3)),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn ids_resolve_to_themselves() {
        assert_eq!(
            routes()
                .resolve(&ChannelTarget::Id(ChannelId::new(77)))
                .ok(),
            Some(ChannelId::new(77))
        );
    }

    #[test]
    fn names_resolve_to_their_channel() {
        assert_eq!(
            routes().resolve(&"deploys".into()).ok(),
            Some(ChannelId::new(2))
        );
        assert_eq!(
            routes().resolve(&String::from("alerts").into()).ok(),
            Some(ChannelId::new(1))
        );
    }

    #[test]
    fn unknown_names_list_the_known_ones_sorted() {
        let error = routes()
            .resolve(&"general".into())
            .expect_err("unknown route");
        assert_eq!(
            error.kind(),
            &ErrorKind::UnknownChannelRoute {
                name: "general".into(),
                known: vec!["alerts".into(), "builds".into(), "deploys".into()],
            }
        );
        assert!(error.to_string().contains("alerts, builds, deploys"));
    }

    #[test]
    fn names_are_case_sensitive_and_insert_replaces() {
        let mut routes = routes();
        assert!(routes.resolve(&"Alerts".into()).is_err());
        assert_eq!(
            routes.insert("alerts", ChannelId::new(10)),
            Some(ChannelId::new(1))
        );
        assert_eq!(routes.get("alerts"), Some(ChannelId::new(10)));
        assert_eq!(routes.len(), 3);
        assert_eq!(
            routes.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            ["alerts", "builds", "deploys"]
        );
    }
}
