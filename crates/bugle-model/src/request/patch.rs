//! [`Patch`]: a field of an edit body that can be left alone, cleared or set.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of an edit (PATCH) body, in one of three states:
///
/// | state | JSON | Discord does |
/// |---|---|---|
/// | [`Patch::Keep`] (the default) | key left out | leaves the field as it is |
/// | [`Patch::Clear`] | `null` | clears the field |
/// | [`Patch::Set`] | the value | replaces the field |
///
/// Use it with `#[serde(default, skip_serializing_if = "Patch::is_keep")]`
/// so that `Keep` leaves the key out; parsing gives `Keep` for a missing
/// key, `Clear` for `null` and `Set` for a value.
///
/// ```
/// use bugle_model::request::Patch;
///
/// let clear: Patch<String> = Patch::Clear;
/// assert_eq!(serde_json::to_string(&clear).unwrap(), "null");
/// assert_eq!(Patch::from("hi").map(str::len), Patch::Set(2));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Patch<T> {
    /// Leave the field as it is (the key is not sent).
    #[default]
    Keep,
    /// Clear the field (sent as `null`).
    Clear,
    /// Replace the field with this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether this is [`Patch::Keep`]; the `skip_serializing_if` predicate.
    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }

    /// Whether this is [`Patch::Clear`].
    pub fn is_clear(&self) -> bool {
        matches!(self, Self::Clear)
    }

    /// The new value, if this is [`Patch::Set`].
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            Self::Keep | Self::Clear => None,
        }
    }

    /// The new value, mutably, if this is [`Patch::Set`].
    pub fn as_set_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Set(value) => Some(value),
            Self::Keep | Self::Clear => None,
        }
    }

    /// Borrows the value: `Patch<&T>`.
    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Self::Keep => Patch::Keep,
            Self::Clear => Patch::Clear,
            Self::Set(value) => Patch::Set(value),
        }
    }

    /// Maps the value of [`Patch::Set`], keeping the other states.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Self::Keep => Patch::Keep,
            Self::Clear => Patch::Clear,
            Self::Set(value) => Patch::Set(f(value)),
        }
    }

    /// The value to set, creating it with `f` first if the field is not
    /// [`Patch::Set`] yet (for builders that add to a list).
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        if !matches!(self, Self::Set(_)) {
            *self = Self::Set(f());
        }
        match self {
            Self::Set(value) => value,
            Self::Keep | Self::Clear => unreachable!("just set"),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set(value) => value.serialize(serializer),
            Self::Keep | Self::Clear => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Self::Clear, Self::Set))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_keep")]
        content: Patch<String>,
    }

    #[test]
    fn three_states_round_trip() {
        for (patch, json) in [
            (Patch::Keep, "{}"),
            (Patch::Clear, r#"{"content":null}"#),
            (Patch::Set("x".to_owned()), r#"{"content":"x"}"#),
        ] {
            let body = Body { content: patch };
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
            assert_eq!(serde_json::from_str::<Body>(json).unwrap(), body);
        }
    }

    #[test]
    fn get_or_insert_replaces_clear() {
        let mut patch: Patch<Vec<u8>> = Patch::Clear;
        patch.get_or_insert_with(Vec::new).push(1);
        assert_eq!(patch, Patch::Set(vec![1]));
    }
}
