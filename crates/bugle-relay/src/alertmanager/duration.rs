//! Durations as people write them, Prometheus style (`30m`, `4h`, `1h30m`,
//! `2d`, `1w`), and back ([`human`]) for button labels and messages.

use std::time::Duration;

/// The units, largest first: a duration names each at most once, in this order.
const UNITS: [(char, u64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// The longest duration accepted: what fits in `i64` milliseconds, the
/// relay's timestamps.
const MAX_SECONDS: u64 = (i64::MAX / 1_000) as u64;

/// Reads a duration like `30m`, `4h`, `1h30m`, `2d` or `1w`: numbers each
/// followed by a unit (`w`, `d`, `h`, `m`, `s`), largest unit first, each
/// unit once; spaces around and between the parts are allowed (so
/// [`human`]'s `1d 2h` reads back).
///
/// Bounds are the caller's: any positive duration that fits is accepted.
///
/// # Errors
///
/// A sentence naming `text` and the accepted form when it is empty, zero,
/// has an unknown unit or no unit, repeats a unit or puts a smaller one
/// first, or is too long to count.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let malformed = || format!("`{text}` is not a duration like 30m, 4h or 1d");
    if text.is_empty() {
        return Err("a duration is needed, like 30m, 4h or 1d".to_owned());
    }
    let mut rest = text;
    let mut seconds: u64 = 0;
    let mut allowed = &UNITS[..];
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(malformed());
        }
        let too_long = || format!("`{text}` is too long a duration");
        let number: u64 = rest[..digits].parse().map_err(|_| too_long())?;
        rest = &rest[digits..];
        let unit = rest.chars().next().ok_or_else(malformed)?;
        let at = allowed
            .iter()
            .position(|(name, _)| *name == unit)
            .ok_or_else(malformed)?;
        let size = allowed[at].1;
        allowed = &allowed[at + 1..];
        rest = rest[unit.len_utf8()..].trim_start();
        seconds = number
            .checked_mul(size)
            .and_then(|part| seconds.checked_add(part))
            .filter(|total| *total <= MAX_SECONDS)
            .ok_or_else(too_long)?;
    }
    if seconds == 0 {
        return Err(format!(
            "`{text}` is zero: give a duration like 30m, 4h or 1d"
        ));
    }
    Ok(Duration::from_secs(seconds))
}

/// `duration` for people: days, hours, minutes and seconds, the zero parts
/// left out (`1h`, `4h`, `1d 2h`, `30m`; `0s` below a second). Whole
/// seconds only; [`parse_duration`] reads it back.
pub fn human(duration: Duration) -> String {
    let mut seconds = duration.as_secs();
    if seconds == 0 {
        return "0s".to_owned();
    }
    let mut parts = Vec::new();
    for (unit, size) in UNITS.iter().skip(1) {
        let count = seconds / size;
        seconds %= size;
        if count > 0 {
            parts.push(format!("{count}{unit}"));
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60;
    const HOUR: u64 = 3_600;
    const DAY: u64 = 86_400;

    #[test]
    fn prometheus_durations_are_read() {
        for (text, seconds) in [
            ("30m", 30 * MINUTE),
            ("1h", HOUR),
            ("1h30m", HOUR + 30 * MINUTE),
            ("2d", 2 * DAY),
            ("1w", 7 * DAY),
            ("45s", 45),
            ("  4h ", 4 * HOUR),
            ("1d 2h", DAY + 2 * HOUR),
            ("0h30m", 30 * MINUTE),
        ] {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs(seconds)),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_durations_are_refused_naming_the_text() {
        for text in [
            "2x", "h", "30", "1.5h", "30m1h", "1h1h", "30ms", "-1h", "1H",
        ] {
            let error = parse_duration(text).unwrap_err();
            assert_eq!(
                error,
                format!("`{text}` is not a duration like 30m, 4h or 1d"),
                "{text}"
            );
        }
    }

    #[test]
    fn empty_zero_and_overflowing_durations_are_refused() {
        assert!(
            parse_duration("  ")
                .unwrap_err()
                .contains("like 30m, 4h or 1d")
        );
        assert!(parse_duration("0h").unwrap_err().contains("`0h` is zero"));
        let huge = format!("{}w", u64::MAX);
        assert!(parse_duration(&huge).unwrap_err().contains("too long"));
        assert!(
            parse_duration("99999999999999999w")
                .unwrap_err()
                .contains("too long")
        );
    }

    #[test]
    fn human_shows_the_nonzero_parts() {
        let human_of = |seconds| human(Duration::from_secs(seconds));
        assert_eq!(human_of(HOUR), "1h");
        assert_eq!(human_of(4 * HOUR), "4h");
        assert_eq!(human_of(DAY + 2 * HOUR), "1d 2h");
        assert_eq!(human_of(30 * MINUTE), "30m");
        assert_eq!(human_of(7 * DAY), "7d");
        assert_eq!(human_of(HOUR + 5), "1h 5s");
        assert_eq!(human(Duration::from_millis(300)), "0s");
    }

    #[test]
    fn human_reads_back() {
        for seconds in [1, 59, 61, HOUR, DAY + HOUR + MINUTE + 1, 30 * DAY] {
            let duration = Duration::from_secs(seconds);
            assert_eq!(parse_duration(&human(duration)), Ok(duration));
        }
    }
}
