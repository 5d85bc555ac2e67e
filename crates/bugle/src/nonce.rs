//! Message nonces, so a retried message create cannot post twice.
//!
//! Every channel message bugle creates carries a fresh nonce with
//! `enforce_nonce: true`. If an attempt fails after it may have reached
//! Discord and bugle sends it again, Discord sees the same nonce from the same
//! author within its dedupe window and returns the message it already created
//! instead of creating a second one.

use std::fmt;

use rand::Rng;

/// The longest string nonce Discord accepts.
pub const MAX_NONCE_CHARS: usize = 25;

/// A fresh random message nonce: a random 64-bit number in decimal (at most
/// 20 digits, within Discord's 25-character limit for string nonces).
///
/// Named apart from the model's [`Nonce`](bugle_model::message::Nonce), the
/// value a message body carries: this type only draws one, and becomes a
/// model `Nonce::String` with `into()`.
///
/// ```
/// use bugle::model::message::Nonce;
///
/// let nonce = bugle::RandomNonce::generate();
/// assert!(nonce.as_str().len() <= bugle::nonce::MAX_NONCE_CHARS);
/// assert!(nonce.as_str().bytes().all(|b| b.is_ascii_digit()));
/// let sent = Nonce::from(nonce.clone());
/// assert_eq!(sent, Nonce::String(nonce.into_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RandomNonce(String);

/// The old name of [`RandomNonce`], which read the same as the model's
/// [`Nonce`](bugle_model::message::Nonce).
#[deprecated(note = "renamed to `RandomNonce`; the model's `message::Nonce` is the value sent")]
pub type Nonce = RandomNonce;

impl RandomNonce {
    /// A fresh nonce from the thread's OS-seeded random generator.
    ///
    /// Two nonces collide with probability 2⁻⁶⁴ per pair, and Discord only
    /// compares nonces of the same author over a few minutes.
    pub fn generate() -> Self {
        Self::from_random(&mut rand::rng())
    }

    /// A nonce drawn from `rng` (for reproducible tests).
    pub fn from_random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        // Never zero: some clients treat a zero nonce as absent.
        let value = rng.random_range(1..=u64::MAX);
        Self(value.to_string())
    }

    /// The nonce as Discord receives it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nonce as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<RandomNonce> for bugle_model::message::Nonce {
    fn from(nonce: RandomNonce) -> Self {
        Self::String(nonce.0)
    }
}

impl fmt::Display for RandomNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    use super::*;

    #[test]
    fn nonces_are_short_decimal_and_non_zero() {
        for _ in 0..1000 {
            let nonce = RandomNonce::generate();
            assert!(nonce.as_str().len() <= MAX_NONCE_CHARS);
            assert!(!nonce.as_str().is_empty());
            assert!(nonce.as_str().bytes().all(|b| b.is_ascii_digit()));
            assert_ne!(nonce.as_str().parse::<u64>().ok(), Some(0));
        }
    }

    #[test]
    fn generated_nonces_differ() {
        let nonces: HashSet<RandomNonce> = (0..10_000).map(|_| RandomNonce::generate()).collect();
        assert_eq!(nonces.len(), 10_000);
    }

    #[test]
    fn the_same_seed_gives_the_same_nonce() {
        let a = RandomNonce::from_random(&mut SmallRng::seed_from_u64(7));
        let b = RandomNonce::from_random(&mut SmallRng::seed_from_u64(7));
        assert_eq!(a, b);
        assert_eq!(a.to_string(), a.clone().into_string());
    }
}
