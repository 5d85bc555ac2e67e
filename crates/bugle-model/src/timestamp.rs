//! Discord's timestamp form, for serde.
//!
//! Discord writes ISO 8601 timestamps in UTC with six fractional digits and a `+00:00`
//! offset (`2017-07-11T17:27:07.299000+00:00`). Reading accepts any RFC 3339 timestamp;
//! writing always produces Discord's form, converted to UTC, so a value bugle serialises
//! (in `FakeDiscord`'s responses, in cassettes, in request bodies) looks like Discord's own
//! and a strict client reading it back (some parse a fixed width) is not surprised.

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// `2017-07-11T17:27:07.299000+00:00`: six fractional digits, explicit UTC offset.
const DISCORD_FORM: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00");

/// Formats `value` the way Discord does.
///
/// # Panics
///
/// Never for a timestamp in years 0–9999, which is every timestamp Discord can send.
pub fn format(value: OffsetDateTime) -> String {
    value
        .to_offset(UtcOffset::UTC)
        .format(DISCORD_FORM)
        .expect("a UTC timestamp in years 0-9999 always formats")
}

/// Serialises a timestamp in Discord's form.
///
/// # Errors
///
/// Whatever the serializer reports.
pub fn serialize<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*value))
}

/// Deserialises any RFC 3339 timestamp.
///
/// # Errors
///
/// When the value is not a string in RFC 3339 form.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    OffsetDateTime::parse(&text, &Rfc3339).map_err(serde::de::Error::custom)
}

/// The same for `Option<OffsetDateTime>` (`null` is `None`).
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Serialises `Some` in Discord's form and `None` as `null`.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports.
    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`
    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserialises an RFC 3339 timestamp or `null`.
    ///
    /// # Errors
    ///
    /// When the value is neither `null` nor an RFC 3339 string.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] OffsetDateTime);
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(value)| value))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::format;

    #[test]
    fn writes_six_digits_and_a_utc_offset() {
        assert_eq!(
            format(datetime!(2017-07-11 17:27:07.299 UTC)),
            "2017-07-11T17:27:07.299000+00:00"
        );
        assert_eq!(
            format(datetime!(2026-11-22 02:12:38 UTC)),
            "2026-11-22T02:12:38.000000+00:00"
        );
        assert_eq!(
            format(datetime!(2026-11-22 04:12:38.5 +02:00)),
            "2026-11-22T02:12:38.500000+00:00"
        );
    }

    #[test]
    fn reads_what_it_writes_and_other_rfc3339_forms() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Holder {
            #[serde(with = "super")]
            at: time::OffsetDateTime,
            #[serde(with = "super::option")]
            maybe: Option<time::OffsetDateTime>,
        }
        let holder = Holder {
            at: datetime!(2016-04-30 11:18:25.796 UTC),
            maybe: None,
        };
        let json = serde_json::to_string(&holder).unwrap();
        assert_eq!(
            json,
            r#"{"at":"2016-04-30T11:18:25.796000+00:00","maybe":null}"#
        );
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
        let short: Holder = serde_json::from_str(
            r#"{"at":"2016-04-30T11:18:25.796Z","maybe":"2016-04-30T11:18:25Z"}"#,
        )
        .unwrap();
        assert_eq!(short.at, holder.at);
        assert!(short.maybe.is_some());
    }
}
