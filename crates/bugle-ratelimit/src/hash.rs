//! The hasher of the engine's internal maps.
//!
//! The keys are route templates chosen by the application, bucket hashes named by
//! Discord and snowflake ids, hashed on every acquire and completion. `SipHash` (std's
//! default) protects against keys chosen by an attacker to collide, which these are not,
//! and it was the largest single cost of an acquire; `rustc-hash`'s `FxHasher` is a few
//! instructions per word.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// The hasher. See the module docs.
pub(crate) type FastHasher = rustc_hash::FxHasher;

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, BuildHasherDefault};

    use super::FastHasher;

    fn hash<T: std::hash::Hash>(value: &T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    #[test]
    fn equal_keys_hash_equal_and_near_keys_differ() {
        assert_eq!(
            hash(&"/channels/{channel_id}"),
            hash(&"/channels/{channel_id}")
        );
        assert_ne!(
            hash(&"/channels/{channel_id}"),
            hash(&"/channels/{channel_id}/")
        );
        assert_ne!(hash(&1_u64), hash(&2_u64));
        assert_ne!(hash(&"a"), hash(&"a\0"));
    }

    #[test]
    fn sequential_ids_spread_over_the_low_bits() {
        // hashbrown indexes with the low bits: consecutive channel ids must not pile up.
        let mut slots = [0_u32; 64];
        for id in 0..6_400_u64 {
            slots[usize::try_from(hash(&id) % 64).unwrap()] += 1;
        }
        assert!(slots.iter().all(|&n| (50..150).contains(&n)), "{slots:?}");
    }

    #[test]
    fn snowflake_ids_spread_over_the_low_bits() {
        // Real channel ids share their low 22 bits' pattern far less than their top bits.
        let mut slots = [0_u32; 64];
        for n in 0..6_400_u64 {
            let id = (1_300_000_000_000_u64 + n * 997) << 22 | (n % 4096);
            slots[usize::try_from(hash(&id) % 64).unwrap()] += 1;
        }
        assert!(slots.iter().all(|&n| (50..150).contains(&n)), "{slots:?}");
    }
}
