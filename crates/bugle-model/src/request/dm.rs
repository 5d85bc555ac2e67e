//! [`CreateDm`]: the body of `POST /users/@me/channels`.

use serde::{Deserialize, Serialize};

use super::RequestBody;
use crate::id::UserId;
use crate::validate::{Report, Validate};

/// Opens (or finds) the DM channel with a user. Send messages to the
/// returned channel with [`CreateMessage`](super::CreateMessage).
///
/// ```
/// use bugle_model::id::UserId;
/// use bugle_model::request::CreateDm;
///
/// let dm = CreateDm::new(UserId::new(80351110224678912));
/// assert_eq!(serde_json::to_string(&dm).unwrap(), r#"{"recipient_id":"80351110224678912"}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[must_use]
pub struct CreateDm {
    /// The user to message.
    pub recipient_id: UserId,
}

impl CreateDm {
    /// A DM with `recipient`.
    pub fn new(recipient: UserId) -> Self {
        Self {
            recipient_id: recipient,
        }
    }
}

impl Validate for CreateDm {
    /// Nothing to check: a typed user id is always a valid recipient.
    fn check(&self, _report: &mut Report, _path: &str) {}
}

impl RequestBody for CreateDm {}
