//! Interned names: a route template or a bucket hash, with its hash computed once.
//!
//! Every acquire and completion looks routes and buckets up by these strings several
//! times. A [`Name`] is one pointer wide, hashes by a number computed when it was made,
//! and compares by pointer first (the store shares one allocation per distinct bucket
//! hash), so a lookup neither rehashes nor usually compares the text.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use crate::hash::FastHasher;

/// A shared string with a precomputed hash. See the module docs.
///
/// One allocation holds the hash (eight little-endian bytes) followed by the UTF-8 text,
/// so reading a cold name costs one cache miss, and comparing two names compares their
/// hashes before their text.
#[derive(Clone)]
pub(crate) struct Name(Arc<[u8]>);

/// Bytes of the hash before the text.
const PREFIX: usize = 8;

impl Name {
    pub(crate) fn new(text: &str) -> Self {
        let hash = BuildHasherDefault::<FastHasher>::default().hash_one(text);
        let mut bytes = Vec::with_capacity(PREFIX + text.len());
        bytes.extend_from_slice(&hash.to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
        Self(Arc::from(bytes))
    }

    fn hash_value(&self) -> u64 {
        let mut prefix = [0; PREFIX];
        prefix.copy_from_slice(&self.0[..PREFIX]);
        u64::from_le_bytes(prefix)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Always valid: built from a `str` in `Name::new`.
        std::str::from_utf8(&self.0[PREFIX..]).unwrap_or_default()
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        // The hash prefix makes unequal names differ in their first bytes.
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash_value());
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn names_with_the_same_text_are_equal_whatever_their_allocation() {
        let a = Name::from("/channels/{channel_id}/messages");
        let b = Name::from("/channels/{channel_id}/messages");
        assert_eq!(a, b);
        assert_eq!(a, a.clone());
        assert_ne!(a, Name::from("/channels/{channel_id}/pins"));
        assert_eq!(format!("{a}"), "/channels/{channel_id}/messages");
        assert_eq!(format!("{a:?}"), "\"/channels/{channel_id}/messages\"");
        assert!(Name::from("a") < Name::from("b"));
    }
}
