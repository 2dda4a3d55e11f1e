//! Times as Go writes them in checkpoint metadata.

use std::cmp::Ordering;
use std::fmt;

use jiff::Timestamp;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::Offset;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time with the UTC offset it was written with: what Go's
/// `time.Time` holds after reading `"2024-01-28T00:10:45+05:30"` from JSON.
///
/// The default is Go's zero time, `0001-01-01T00:00:00Z`, which Podman and
/// CRI-O write for times that never happened (a container never restored).
/// Times compare by the instant they name, whatever their offset.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    instant: Timestamp,
    offset: Offset,
    /// Written with `Z`: Go then formats the zone as `UTC`.
    utc: bool,
}

/// A time string that is not RFC 3339.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid RFC 3339 time {input:?}")]
pub struct TimeError {
    input: String,
}

impl Time {
    /// Go's zero time, `0001-01-01T00:00:00Z`.
    pub fn zero() -> Time {
        Time {
            instant: go_zero(),
            offset: Offset::UTC,
            utc: true,
        }
    }

    /// Parses an RFC 3339 time such as `2026-11-28T17:36:45.151364977Z` or
    /// `2024-01-28T00:10:45+05:30`.
    pub fn parse(input: &str) -> Result<Time, TimeError> {
        let error = || TimeError {
            input: input.chars().take(64).collect(),
        };
        let pieces = Pieces::parse(input).map_err(|_| error())?;
        let (offset, utc) = match pieces.offset() {
            Some(PiecesOffset::Zulu) => (Offset::UTC, true),
            Some(PiecesOffset::Numeric(n)) => (n.offset(), false),
            _ => return Err(error()),
        };
        let instant: Timestamp = input.parse().map_err(|_| error())?;
        Ok(Time {
            instant,
            offset,
            utc,
        })
    }

    /// A UTC time from seconds since the Unix epoch (a tar header's
    /// `mtime`); `None` out of the range times can name.
    pub fn from_unix_seconds(seconds: i64) -> Option<Time> {
        Some(Time {
            instant: Timestamp::from_second(seconds).ok()?,
            offset: Offset::UTC,
            utc: true,
        })
    }

    /// Whether this is Go's zero time.
    pub fn is_zero(&self) -> bool {
        self.instant == go_zero()
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.instant.as_second()
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.instant.subsec_nanosecond().unsigned_abs()
    }

    /// The UTC offset it was written with, in seconds east of UTC.
    pub fn offset_seconds(&self) -> i32 {
        self.offset.seconds()
    }

    /// Go's `time.RFC3339`: `2026-11-28T17:36:45Z`, fractions dropped, the
    /// offset kept (`+05:30`), `Z` for UTC.
    pub fn to_rfc3339(&self) -> String {
        let dt = self.offset.to_datetime(self.instant);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            self.rfc3339_offset()
        )
    }

    /// Go's `time.RFC3339Nano` (how Go writes a time to JSON): like
    /// [`Time::to_rfc3339`] with the fraction of a second, trailing zeros
    /// dropped.
    pub fn to_rfc3339_nano(&self) -> String {
        let mut s = self.to_rfc3339();
        let nanos = self.subsec_nanos();
        if nanos != 0 {
            let frac = format!(".{nanos:09}");
            let frac = frac.trim_end_matches('0');
            let at = s.len() - self.rfc3339_offset().len();
            s.insert_str(at, frac);
        }
        s
    }

    /// Go's `time.RFC822`: `28 Jan 24 00:10 +0530`, or `… UTC` for a time
    /// written with `Z`.
    pub fn to_rfc822(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let dt = self.offset.to_datetime(self.instant);
        let month = usize::try_from(dt.month() - 1)
            .ok()
            .and_then(|m| MONTHS.get(m))
            .copied()
            .unwrap_or("???");
        let zone = if self.utc {
            "UTC".to_owned()
        } else {
            self.numeric_offset("")
        };
        format!(
            "{:02} {month} {:02} {:02}:{:02} {zone}",
            dt.day(),
            dt.year().rem_euclid(100),
            dt.hour(),
            dt.minute()
        )
    }

    /// Go's `Z07:00`: `Z` for a zero offset, else `+hh:mm`.
    fn rfc3339_offset(&self) -> String {
        if self.offset.seconds() == 0 {
            "Z".to_owned()
        } else {
            self.numeric_offset(":")
        }
    }

    /// `+hh<sep>mm`.
    fn numeric_offset(&self, sep: &str) -> String {
        let secs = self.offset.seconds();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.unsigned_abs();
        format!("{sign}{:02}{sep}{:02}", secs / 3600, secs / 60 % 60)
    }
}

fn go_zero() -> Timestamp {
    // 0001-01-01T00:00:00Z is -62135596800 s from the Unix epoch, well
    // within jiff's range.
    Timestamp::from_second(-62_135_596_800).unwrap_or(Timestamp::MIN)
}

impl Default for Time {
    fn default() -> Time {
        Time::zero()
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Time({})", self.to_rfc3339_nano())
    }
}

impl fmt::Display for Time {
    /// Formats like [`Time::to_rfc3339`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Time) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Time {
    fn cmp(&self, other: &Time) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then(self.offset.seconds().cmp(&other.offset.seconds()))
    }
}

impl Serialize for Time {
    /// As Go writes it: [`Time::to_rfc3339_nano`].
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339_nano())
    }
}

impl<'de> Deserialize<'de> for Time {
    /// An RFC 3339 string; `null` is the zero time (as in Go).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
        match s {
            None => Ok(Time::zero()),
            Some(s) => Time::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        let t = Time::parse("2026-11-28T17:36:45.151364977Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-28T17:36:45Z");
        assert_eq!(t.to_rfc3339_nano(), "2026-11-28T17:36:45.151364977Z");
        assert_eq!(t.to_rfc822(), "28 Nov 26 17:36 UTC");

        let t = Time::parse("2024-01-28T00:10:45+05:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-01-28T00:10:45+05:30");
        assert_eq!(t.to_rfc822(), "28 Jan 24 00:10 +0530");
        assert_eq!(t.offset_seconds(), 19800);

        let t = Time::parse("2025-01-02T03:04:05.5-07:00").unwrap();
        assert_eq!(t.to_rfc3339_nano(), "2025-01-02T03:04:05.5-07:00");

        let t = Time::parse("2025-01-02T03:04:05+00:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-01-02T03:04:05Z");
        assert_eq!(t.to_rfc822(), "02 Jan 25 03:04 +0000");
    }

    #[test]
    fn zero_time() {
        let t = Time::parse("0001-01-01T00:00:00Z").unwrap();
        assert!(t.is_zero());
        assert_eq!(t, Time::default());
        assert_eq!(Time::zero().to_rfc3339(), "0001-01-01T00:00:00Z");
        let t: Time = serde_json::from_str("null").unwrap();
        assert!(t.is_zero());
    }

    #[test]
    fn orders_by_instant() {
        let a = Time::parse("2024-01-28T00:10:45+05:30").unwrap();
        let b = Time::parse("2024-01-27T19:00:00Z").unwrap();
        assert!(a < b);
    }

    #[test]
    fn rejects_garbage() {
        assert!(Time::parse("yesterday").is_err());
        assert!(Time::parse("2024-01-28T00:10:45").is_err());
        assert!(serde_json::from_str::<Time>("12").is_err());
    }
}
