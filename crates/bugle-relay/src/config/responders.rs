//! Who may press a card's buttons (Acknowledge, Silence): a route's
//! `responders`, role ids or the word `everyone`.

use bugle_model::id::RoleId;
use serde::{Deserialize, Serialize};

use super::{ConfigError, err, parse_id};

/// The word in `responders` that lets any member of the server press.
pub const EVERYONE: &str = "everyone";

/// Who may press a card's buttons. The default is nobody: a route without
/// `responders` gets a card without buttons.
///
/// Stored with each outbox row as part of its [`Route`](super::Route);
/// rows written before the field existed load as nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responders {
    /// Any member may press (`everyone`).
    #[serde(default)]
    pub everyone: bool,
    /// Members with any of these roles may press (sorted, no repeats).
    #[serde(default)]
    pub roles: Vec<RoleId>,
}

impl Responders {
    /// Whether nobody may press (the card gets no buttons).
    pub fn is_empty(&self) -> bool {
        !self.everyone && self.roles.is_empty()
    }

    /// Whether a member with `member_roles` may press.
    pub fn allows(&self, member_roles: &[RoleId]) -> bool {
        self.everyone || self.roles.iter().any(|role| member_roles.contains(role))
    }

    /// Reads a rule's `responders` list; `at` names the rule in errors.
    pub(super) fn parse(entries: &[String], at: &str) -> Result<Self, ConfigError> {
        let mut responders = Self::default();
        for entry in entries {
            let entry = entry.trim();
            if entry == EVERYONE {
                responders.everyone = true;
            } else if let Some(id) = parse_id(entry) {
                responders.roles.push(RoleId::new(id));
            } else {
                return Err(err(format!(
                    "{at}: responders: `{entry}` is neither a role id (a number) nor `{EVERYONE}`"
                )));
            }
        }
        responders.roles.sort_unstable();
        responders.roles.dedup();
        Ok(responders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(entries: &[&str]) -> Result<Responders, ConfigError> {
        let entries: Vec<String> = entries.iter().map(|&e| e.to_owned()).collect();
        Responders::parse(&entries, "default")
    }

    #[test]
    fn nobody_is_the_default_and_allows_no_one() {
        let nobody = Responders::default();
        assert!(nobody.is_empty());
        assert!(!nobody.allows(&[RoleId::new(1)]));
        assert_eq!(parse(&[]).unwrap(), nobody);
    }

    #[test]
    fn a_role_allows_members_holding_it() {
        let responders = parse(&["20", "10", "20"]).unwrap();
        assert_eq!(responders.roles, [RoleId::new(10), RoleId::new(20)]);
        assert!(!responders.is_empty());
        assert!(responders.allows(&[RoleId::new(5), RoleId::new(20)]));
        assert!(!responders.allows(&[RoleId::new(5)]));
        assert!(!responders.allows(&[]));
    }

    #[test]
    fn everyone_allows_any_member() {
        let responders = parse(&["everyone"]).unwrap();
        assert!(responders.everyone && !responders.is_empty());
        assert!(responders.allows(&[]));
    }

    #[test]
    fn a_word_that_is_not_a_role_id_is_refused() {
        let error = parse(&["ops"]).unwrap_err().to_string();
        assert!(
            error.contains("default: responders: `ops` is neither a role id"),
            "{error}"
        );
    }

    #[test]
    fn a_stored_route_without_responders_means_nobody() {
        let stored: Responders = serde_json::from_str("{}").unwrap();
        assert!(stored.is_empty());
        let roles: Responders =
            serde_json::from_str(r#"{"everyone":false,"roles":["7"]}"#).unwrap();
        assert_eq!(roles.roles, [RoleId::new(7)]);
    }
}
