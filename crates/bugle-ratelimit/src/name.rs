//! Interned names: a route template or a bucket hash, with its hash computed once.
//!
//! Every acquire and completion looks routes and buckets up by these strings several
//! times. A [`Name`] is one shared pointer (with the text's length), hashes by a number
//! computed when it was made, and compares by pointer first (the store shares one
//! allocation per distinct bucket hash), so a lookup neither rehashes nor usually
//! compares the text.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use crate::hash::FastHasher;

/// A shared string with a precomputed hash. See the module docs.
///
/// One allocation holds the hash (eight bytes of seven bits each, so that they are
/// ASCII) followed by the text: reading a cold name costs one cache miss, comparing two
/// names compares their hashes before their text, and the text is read back without
/// checking its UTF-8 again.
#[derive(Clone)]
pub(crate) struct Name(Arc<str>);

/// Bytes of the hash before the text.
const PREFIX: usize = 8;

/// The bits of the hash kept: the low seven of each byte.
const ASCII: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// Names up to this many bytes (hash included) are assembled on the stack, so that
/// making one allocates once: route templates and Discord's bucket hashes fit.
const ON_STACK: usize = 128;

impl Name {
    pub(crate) fn new(text: &str) -> Self {
        let hash = BuildHasherDefault::<FastHasher>::default().hash_one(text) & ASCII;
        let hash = hash.to_le_bytes();
        let mut stack = [0; ON_STACK];
        if let Some(bytes) = stack.get_mut(..PREFIX + text.len()) {
            bytes[..PREFIX].copy_from_slice(&hash);
            bytes[PREFIX..].copy_from_slice(text.as_bytes());
            // Always valid: ASCII, then `text`.
            return Self(Arc::from(std::str::from_utf8(bytes).unwrap_or_default()));
        }
        let mut name = String::with_capacity(PREFIX + text.len());
        // Always valid: every byte is below 0x80.
        name.push_str(std::str::from_utf8(&hash).unwrap_or_default());
        name.push_str(text);
        Self(Arc::from(name))
    }

    fn hash_value(&self) -> u64 {
        let mut prefix = [0; PREFIX];
        prefix.copy_from_slice(&self.0.as_bytes()[..PREFIX]);
        u64::from_le_bytes(prefix)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0[PREFIX..]
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

    #[test]
    fn the_text_comes_back_whole_whatever_its_characters() {
        let long = "x".repeat(300);
        let edge = "y".repeat(super::ON_STACK - super::PREFIX);
        let texts = [
            "",
            "a",
            "/webhooks/{webhook_id}/{webhook_token}",
            "é✓🦀",
            "\u{7f}\u{80}",
        ];
        for text in texts
            .into_iter()
            .chain([long.as_str(), edge.as_str(), &edge[1..]])
        {
            let name = Name::from(text);
            assert_eq!(name.as_str(), text);
            assert_eq!(name, Name::from(text));
        }
        assert_ne!(Name::from("é"), Name::from("e"));
    }
}
