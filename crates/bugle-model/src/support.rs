//! Crate-private helpers shared by the type modules: the macros that define
//! open integer enums, open string enums and flag sets, and small serde
//! predicates.

/// `skip_serializing_if` predicate for booleans that default to `false`.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// Defines an open integer-coded enum: every known value is a variant, and
/// any other value is kept in `Unknown(n)` instead of failing to parse.
///
/// Serialises as the bare integer. `Unknown(n)` with a known `n` serialises
/// as `n` and parses back as the named variant.
macro_rules! open_int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of bugle does not know, kept as received.
            Unknown($repr),
        }

        impl $name {
            /// The integer Discord uses for this value.
            pub const fn value(self) -> $repr {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<$repr> for $name {
            fn from(value: $repr) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<$name> for $repr {
            fn from(value: $name) -> Self {
                value.value()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.value(), serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$repr as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
pub(crate) use open_int_enum;

/// Defines an open string-coded enum: known strings are variants, any other
/// string is kept in `Unknown(String)`.
macro_rules! open_str_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of bugle does not know, kept as received.
            Unknown(String),
        }

        impl $name {
            /// The string Discord uses for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    };
}
pub(crate) use open_str_enum;

/// Defines a flag set with [`bitflags`]: a `u64` with named constants, every
/// operation `bitflags` gives (`contains`, `insert`, `|`, `-`, iteration over
/// the named flags, ...), `Debug` as `MessageFlags(SUPPRESS_EMBEDS | 0x100000)`,
/// and `From<u64>` both ways.
///
/// Bits without a name are kept through parse, operations and serialise
/// (`const _ = !0` tells `bitflags` every bit may be set); `unknown_bits()`
/// gives them. The serde is bugle's own, as Discord sends the value: `int`
/// flag sets as JSON integers; `string` ones (permissions) as decimal strings,
/// parsed from strings or integers.
macro_rules! define_flags {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident: $mode:ident {
            $( $(#[$cattr:ident $($cargs:tt)*])* const $flag:ident = $value:expr; )*
        }
    ) => {
        bitflags::bitflags! {
            $(#[$meta])*
            #[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Debug)]
            $vis struct $name: u64 {
                $( $(#[$cattr $($cargs)*])* const $flag = $value; )*
                // Discord adds flags: keep the bits this version has no name for.
                const _ = !0;
            }
        }

        impl $name {
            /// The bits that have no name in this version of bugle.
            pub fn unknown_bits(self) -> u64 {
                $crate::support::unnamed_bits(&self)
            }
        }

        impl From<u64> for $name {
            fn from(bits: u64) -> Self {
                Self::from_bits_retain(bits)
            }
        }

        impl From<$name> for u64 {
            fn from(flags: $name) -> Self {
                flags.bits()
            }
        }

        $crate::support::define_flags!(@serde $mode $name);
    };

    (@serde int $name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.bits())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <u64 as serde::Deserialize>::deserialize(deserializer).map(Self::from_bits_retain)
            }
        }
    };

    (@serde string $name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&self.bits())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::support::deserialize_u64_lenient(deserializer).map(Self::from_bits_retain)
            }
        }
    };
}
pub(crate) use define_flags;

/// The bits of `flags` that no named flag of `F` covers.
pub(crate) fn unnamed_bits<F: bitflags::Flags<Bits = u64>>(flags: &F) -> u64 {
    F::FLAGS
        .iter()
        .filter(|flag| flag.is_named())
        .fold(flags.bits(), |bits, flag| bits & !flag.value().bits())
}

/// Parses a `u64` sent either as a JSON integer or as a decimal string.
pub(crate) fn deserialize_u64_lenient<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<u64, D::Error> {
    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an unsigned integer or a string holding one")
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value).map_err(|_| E::custom("expected a non-negative integer"))
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<u64, E> {
            value
                .parse()
                .map_err(|_| E::custom(format_args!("expected a decimal integer, got {value:?}")))
        }
    }

    deserializer.deserialize_any(Visitor)
}

/// Serde helpers for fields that may be absent, null or set, where absent
/// and null mean different things: `None` = absent, `Some(None)` = null.
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Wraps whatever is present (even `null`) in `Some`; serde's `default`
    /// gives `None` when the key is absent.
    #[allow(clippy::option_option)] // absent vs null is the point
    pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }

    /// Writes `Some(None)` as `null` and `Some(Some(v))` as `v`. Pair with
    /// `skip_serializing_if = "Option::is_none"` so `None` is left out.
    #[allow(clippy::option_option, clippy::ref_option)] // absent vs null is the point
    pub(crate) fn serialize<T, S>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error>
    where
        T: Serialize,
        S: Serializer,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}
