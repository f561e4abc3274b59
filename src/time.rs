//! RFC 2822 dates as the API writes them, read leniently and written strictly.
//!
//! SignalWire writes dates such as `Mon, 24 Sep 2018 21:00:00 +0000`. Its own documentation
//! shows `Sept` for September, and RFC 2822 allows obsolete forms (two-digit years, zone names
//! such as `GMT` or `EST`). [`parse_rfc2822`] accepts all of these; [`format_rfc2822`] always
//! writes the strict form, which parses back to the same instant.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    reason: &'static str,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RFC 2822 date: {}", self.reason)
    }
}

impl std::error::Error for DateError {}

const fn bad(reason: &'static str) -> DateError {
    DateError { reason }
}

/// Reads an RFC 2822 date, tolerating the forms seen in SignalWire's answers and documentation.
///
/// Accepted beyond the strict grammar: month names of any length that start with a known
/// three-letter abbreviation (`Sept`, `September`), any letter case, a missing day of the week,
/// missing seconds, two- and three-digit years (RFC 2822 section 4.3), `UT`, `GMT`, `Z`, the
/// North American zone names (`EST` … `PDT`) and military letters (read as `+0000`, as the
/// RFC says). The day of the week, when present, must be a day name but is not checked
/// against the date.
///
/// ```
/// use signalwire_compat::time::parse_rfc2822;
///
/// let d = parse_rfc2822("Mon, 24 Sept 2018 21:00:00 +0000").unwrap();
/// assert_eq!(d.to_rfc3339(), "2018-09-24T21:00:00+00:00");
/// assert!(parse_rfc2822("yesterday").is_err());
/// ```
pub fn parse_rfc2822(input: &str) -> Result<DateTime<FixedOffset>, DateError> {
    if let Some(date) = strict(input.as_bytes()) {
        return Ok(date);
    }
    lenient(input)
}

/// The form the API writes, `Wed, 25 Nov 2026 10:05:00 +0000`, read by position with no
/// allocation; anything else is left to [`lenient`].
fn strict(b: &[u8]) -> Option<DateTime<FixedOffset>> {
    if b.len() != 31 || &b[3..5] != b", " || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    if b[19] != b':' || b[22] != b':' || b[25] != b' ' || !matches!(b[26], b'+' | b'-') {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    weekday_index(&b[0..3])?;
    let month = month_index(&b[8..11])? as u32 + 1;
    let date = NaiveDate::from_ymd_opt(digits(12..16)? as i32, month, digits(5..7)?)?;
    let time = NaiveTime::from_hms_opt(digits(17..19)?, digits(20..22)?, digits(23..25)?)?;
    let (hours, minutes) = (digits(27..29)?, digits(29..31)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let seconds = (hours * 3600 + minutes * 60) as i32;
    let offset = FixedOffset::east_opt(if b[26] == b'-' { -seconds } else { seconds })?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

fn lenient(input: &str) -> Result<DateTime<FixedOffset>, DateError> {
    let mut tokens = input
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .peekable();

    let first = tokens.peek().copied().ok_or(bad("empty"))?;
    if first.as_bytes()[0].is_ascii_alphabetic() {
        weekday(first).ok_or(bad("unknown day of the week"))?;
        tokens.next();
    }

    let day: u32 = number(tokens.next(), 1, 2).ok_or(bad("day is not a number"))?;
    let month = month(tokens.next().ok_or(bad("no month"))?).ok_or(bad("unknown month"))?;
    let year_text = tokens.next().ok_or(bad("no year"))?;
    let year = number::<i32>(Some(year_text), 2, 4).ok_or(bad("year is not a number"))?;
    let year = match year_text.len() {
        2 if year < 50 => 2000 + year,
        2 | 3 => 1900 + year,
        _ => year,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(bad("no such day"))?;

    let time = clock(tokens.next().ok_or(bad("no time"))?).ok_or(bad("bad time of day"))?;
    let offset = zone(tokens.next().ok_or(bad("no zone"))?).ok_or(bad("unknown zone"))?;
    if tokens.next().is_some() {
        return Err(bad("text after the zone"));
    }

    offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or(bad("no such instant"))
}

/// Writes a date in strict RFC 2822 form, e.g. `Mon, 24 Sep 2018 21:00:00 +0000`.
///
/// ```
/// use signalwire_compat::time::{format_rfc2822, parse_rfc2822};
///
/// let d = parse_rfc2822("24 sept 18 21:00 GMT").unwrap();
/// assert_eq!(format_rfc2822(&d), "Mon, 24 Sep 2018 21:00:00 +0000");
/// ```
pub fn format_rfc2822(date: &DateTime<FixedOffset>) -> String {
    date.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

fn number<T: std::str::FromStr>(token: Option<&str>, min: usize, max: usize) -> Option<T> {
    let t = token?;
    (t.len() >= min && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

const DAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

fn weekday_index(three: &[u8]) -> Option<usize> {
    DAYS.iter().position(|d| d.eq_ignore_ascii_case(three))
}

fn month_index(three: &[u8]) -> Option<usize> {
    MONTHS.iter().position(|m| m.eq_ignore_ascii_case(three))
}

fn weekday(token: &str) -> Option<()> {
    prefix(token).and_then(weekday_index).map(|_| ())
}

fn month(token: &str) -> Option<u32> {
    prefix(token).and_then(month_index).map(|i| i as u32 + 1)
}

/// The first three letters of a name of 3 to 9 letters (`Sep`, `Sept`, `September`).
fn prefix(token: &str) -> Option<&[u8]> {
    let b = token.as_bytes();
    ((3..=9).contains(&b.len()) && b.iter().all(u8::is_ascii_alphabetic)).then(|| &b[..3])
}

fn clock(token: &str) -> Option<NaiveTime> {
    let mut parts = token.split(':');
    let h = number(parts.next(), 1, 2)?;
    let m = number(parts.next(), 2, 2)?;
    let s = match parts.next() {
        Some(s) => number(Some(s), 2, 2)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    // A leap second (":60") is folded into the last second of the minute.
    NaiveTime::from_hms_opt(h, m, s.min(59))
}

fn zone(token: &str) -> Option<FixedOffset> {
    let bytes = token.as_bytes();
    if bytes.len() == 5 && (bytes[0] == b'+' || bytes[0] == b'-') {
        let digits: u32 = number(Some(&token[1..]), 4, 4)?;
        let (hours, minutes) = (digits / 100, digits % 100);
        if minutes > 59 || hours > 23 {
            return None;
        }
        let seconds = (hours * 3600 + minutes * 60) as i32;
        return FixedOffset::east_opt(if bytes[0] == b'-' { -seconds } else { seconds });
    }
    const NAMED: [(&str, i32); 11] = [
        ("UT", 0),
        ("UTC", 0),
        ("GMT", 0),
        ("EDT", -4),
        ("EST", -5),
        ("CDT", -5),
        ("CST", -6),
        ("MDT", -6),
        ("MST", -7),
        ("PDT", -7),
        ("PST", -8),
    ];
    let hours = match NAMED
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(token))
    {
        Some((_, hours)) => *hours,
        // Military zones (`Z` among them): RFC 2822 says to read them as -0000, since their
        // signs were published backwards. There is no `J`.
        None if bytes.len() == 1
            && bytes[0].is_ascii_alphabetic()
            && !bytes[0].eq_ignore_ascii_case(&b'j') =>
        {
            0
        }
        None => return None,
    };
    FixedOffset::east_opt(hours * 3600)
}

/// A date field as decoded from a response: the instant when the text could be read, `None`
/// when it could not. An unreadable date is logged and never fails the whole response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LenientDate(pub(crate) Option<DateTime<FixedOffset>>);

impl<'de> Deserialize<'de> for LenientDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        match parse_rfc2822(&text) {
            Ok(date) => Ok(Self(Some(date))),
            Err(e) => {
                // The text itself is not logged: it came from the server, and could echo a
                // secret or carry escape sequences.
                tracing::warn!(chars = text.chars().count(), error = %e, "ignoring an unreadable date in a response");
                Ok(Self(None))
            }
        }
    }
}

impl Serialize for LenientDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(date) => serializer.serialize_str(&format_rfc2822(date)),
            None => serializer.serialize_none(),
        }
    }
}

/// A date the API writes in ISO 8601 (RFC 3339) form, such as `2019-11-26T20:00:00Z`, as
/// LaML Bins' dates are: read leniently (an RFC 2822 date is taken too, and text that is
/// neither is `None`, logged), written as RFC 3339 in UTC's `Z` form when the offset is zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientIsoDate(pub Option<DateTime<FixedOffset>>);

impl<'de> Deserialize<'de> for LenientIsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        let date = DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .or_else(|| parse_rfc2822(&text).ok());
        if date.is_none() {
            tracing::warn!(
                chars = text.chars().count(),
                "ignoring an unreadable ISO 8601 date in a response"
            );
        }
        Ok(Self(date))
    }
}

impl Serialize for LenientIsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(date) => {
                serializer.serialize_str(&date.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
            None => serializer.serialize_none(),
        }
    }
}

/// Serde helpers (`#[serde(with = …)]`) for `Option<DateTime<FixedOffset>>` fields, read and
/// written through a lenient date type: one module a form of date.
macro_rules! optional_dates {
    ($($(#[$doc:meta])* $module:ident => $lenient:ident;)+) => {$(
        $(#[$doc])*
        pub(crate) mod $module {
            use super::*;

            pub(crate) fn serialize<S: Serializer>(
                date: &Option<DateTime<FixedOffset>>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                $lenient(*date).serialize(serializer)
            }

            pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
                Ok(Option::<$lenient>::deserialize(deserializer)?.and_then(|d| d.0))
            }
        }
    )+};
}

optional_dates! {
    /// Fields written as RFC 2822 text.
    optional => LenientDate;
    /// Fields written as ISO 8601 text.
    optional_iso8601 => LenientIsoDate;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        parse_rfc2822(s)
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn strict_form() {
        assert_eq!(
            iso("Tue, 25 Sep 2018 20:00:00 +0000"),
            "2018-09-25T20:00:00+00:00"
        );
        assert_eq!(
            iso("Tue, 25 Sep 2018 20:00:00 +0530"),
            "2018-09-25T20:00:00+05:30"
        );
        assert_eq!(
            iso("Tue, 25 Sep 2018 20:00:00 -0800"),
            "2018-09-25T20:00:00-08:00"
        );
    }

    #[test]
    fn documented_sept() {
        assert_eq!(
            iso("Mon, 24 Sept 2018 21:00:00 +0000"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon, 24 September 2018 21:00:00 +0000"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("mon, 24 SEPT 2018 21:00:00 +0000"),
            "2018-09-24T21:00:00+00:00"
        );
    }

    #[test]
    fn obsolete_zones() {
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 -0000"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 GMT"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 UT"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 EST"),
            "2018-09-24T21:00:00-05:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 PDT"),
            "2018-09-24T21:00:00-07:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 Z"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 2018 21:00:00 A"),
            "2018-09-24T21:00:00+00:00"
        );
    }

    #[test]
    fn obsolete_shapes() {
        assert_eq!(iso("24 Sep 2018 21:00 +0000"), "2018-09-24T21:00:00+00:00");
        assert_eq!(
            iso("Mon, 24 Sep 18 21:00:00 +0000"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon, 24 Sep 99 21:00:00 +0000"),
            "1999-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Mon,24 Sep 2018 21:00:00 +0000"),
            "2018-09-24T21:00:00+00:00"
        );
        assert_eq!(
            iso("Sat, 31 Dec 2016 23:59:60 +0000"),
            "2016-12-31T23:59:59+00:00"
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in [
            "",
            " ",
            "yesterday",
            "Mon, 24 Sep",
            "Mon, 31 Feb 2018 21:00:00 +0000",
            "Mon, 24 Sep 2018 25:00:00 +0000",
            "Mon, 24 Sep 2018 21:00:00 +9999",
            "Mon, 24 Sep 2018 21:00:00 +0000 extra",
            "Mon, 24 Foo 2018 21:00:00 +0000",
            "Xyz, 24 Sep 2018 21:00:00 +0000",
            "Mon, 24 Sep 2018 21:00:00 J",
            "Mon, 24 Sep 2018 21:00:00 ABC",
            "2018-09-24T21:00:00Z",
            "é, 24 Sep 2018 21:00:00 +0000",
        ] {
            assert!(parse_rfc2822(text).is_err(), "{text:?} parsed");
        }
        assert_eq!(
            iso("yesterday"),
            "not an RFC 2822 date: unknown day of the week"
        );
    }

    #[test]
    fn the_fast_path_and_the_lenient_reader_agree() {
        for text in [
            "Wed, 25 Nov 2026 10:05:00 +0000",
            "Mon, 24 Sep 2018 21:00:00 -0330",
            "Sun, 29 Feb 2032 23:59:59 +1400",
        ] {
            assert_eq!(
                strict(text.as_bytes()),
                Some(lenient(text).unwrap()),
                "{text}"
            );
        }
        // Every separator of the fixed form is checked: one replaced by a letter is not the
        // fast form, and (but for the comma, since "WedX" reads as a long day name) no date;
        // nor is a zone without its sign.
        let good = "Wed, 25 Nov 2026 10:05:00 +0000";
        for at in [3, 4, 7, 11, 16, 19, 22, 25, 26] {
            let mut bad = good.as_bytes().to_vec();
            bad[at] = b'X';
            assert_eq!(strict(&bad), None, "separator at {at}");
            let text = String::from_utf8(bad).unwrap();
            assert_eq!(parse_rfc2822(&text).is_err(), at != 3, "{text}");
        }
        for text in [
            "Wed, 25 Nov 2026 10:05:60 +0000",
            "Wed, 25 Xyz 2026 10:05:00 +0000",
            "Wed, 31 Nov 2026 10:05:00 +0000",
            "Wed, 25 Nov 2026 10:05:00 +2400",
            "Wed, 25 Nov 2026 10:05:00 GMT00",
            "Wed, 25 Nov 2026 1a:05:00 +0000",
        ] {
            assert_eq!(strict(text.as_bytes()), None, "{text}");
        }
    }

    /// The last value each bound allows, and the first it refuses, in both readers: the
    /// fast one (the exact form the API writes) and the lenient one (here, with no seconds).
    #[test]
    fn zone_bounds_in_both_readers() {
        for (zone, ok) in [
            ("+2359", true),
            ("-2359", true),
            ("+2300", true),
            ("+2400", false),
            ("+0059", true),
            ("+0060", false),
            ("+0099", false),
            ("+9900", false),
        ] {
            let strict_text = format!("Wed, 25 Nov 2026 10:05:00 {zone}");
            assert_eq!(
                strict(strict_text.as_bytes()).is_some(),
                ok,
                "{strict_text}"
            );
            let lenient_text = format!("25 Nov 2026 10:05 {zone}");
            assert_eq!(lenient(&lenient_text).is_ok(), ok, "{lenient_text}");
            assert_eq!(lenient(&strict_text).is_ok(), ok, "{strict_text} (lenient)");
        }
        assert_eq!(iso("25 Nov 2026 10:05 -2359"), "2026-11-25T10:05:00-23:59");
        assert_eq!(iso("25 Nov 2026 10:05 +0130"), "2026-11-25T10:05:00+01:30");
        // Zone offsets keep their sign and their minutes.
        assert_eq!(
            iso("Wed, 25 Nov 2026 10:05:00 -0130"),
            "2026-11-25T10:05:00-01:30"
        );
    }

    #[test]
    fn every_named_zone_has_its_offset() {
        for (zone, hours) in [
            ("UT", 0),
            ("UTC", 0),
            ("GMT", 0),
            ("EDT", -4),
            ("EST", -5),
            ("CDT", -5),
            ("CST", -6),
            ("MDT", -6),
            ("MST", -7),
            ("PDT", -7),
            ("PST", -8),
        ] {
            let d = parse_rfc2822(&format!("Mon, 24 Sep 2018 21:00:00 {zone}")).unwrap();
            assert_eq!(d.offset().local_minus_utc(), hours * 3600, "{zone}");
        }
        // Five characters without a sign are no numeric zone.
        for zone in ["A0000", "00000", "Z0100"] {
            assert!(
                parse_rfc2822(&format!("Mon, 24 Sep 2018 21:00:00 {zone}")).is_err(),
                "{zone}"
            );
        }
    }

    #[test]
    fn two_digit_years_pivot_at_50() {
        assert_eq!(iso("1 Jan 49 00:00 +0000"), "2049-01-01T00:00:00+00:00");
        assert_eq!(iso("1 Jan 50 00:00 +0000"), "1950-01-01T00:00:00+00:00");
        assert_eq!(iso("1 Jan 00 00:00 +0000"), "2000-01-01T00:00:00+00:00");
        assert_eq!(iso("1 Jan 99 00:00 +0000"), "1999-01-01T00:00:00+00:00");
        // Three digits: RFC 2822 adds 1900.
        assert_eq!(iso("1 Jan 126 00:00 +0000"), "2026-01-01T00:00:00+00:00");
        assert_eq!(iso("1 Jan 049 00:00 +0000"), "1949-01-01T00:00:00+00:00");
        // Four digits are the year.
        assert_eq!(iso("1 Jan 0049 00:00 +0000"), "0049-01-01T00:00:00+00:00");
    }

    #[test]
    fn digit_counts_are_bounded_on_both_sides() {
        for (text, ok) in [
            // The day: one or two digits.
            ("1 Jan 2026 10:05 +0000", true),
            ("01 Jan 2026 10:05 +0000", true),
            ("001 Jan 2026 10:05 +0000", false),
            // The year: two to four digits.
            ("1 Jan 2 10:05 +0000", false),
            ("1 Jan 12345 10:05 +0000", false),
            // The hour: one or two digits; minutes and seconds: exactly two.
            ("1 Jan 2026 1:05 +0000", true),
            ("1 Jan 2026 001:05 +0000", false),
            ("1 Jan 2026 10:5 +0000", false),
            ("1 Jan 2026 10:005 +0000", false),
            ("1 Jan 2026 10:05:7 +0000", false),
            ("1 Jan 2026 10:05:007 +0000", false),
            ("1 Jan 2026 10:05:07:01 +0000", false),
            // The zone: a sign and exactly four digits.
            ("1 Jan 2026 10:05 +000", false),
            ("1 Jan 2026 10:05 +00000", false),
            ("1 Jan 2026 10:05 +00a0", false),
            // Names of three to nine letters.
            ("1 Se 2026 10:05 +0000", false),
            ("1 Septembers 2026 10:05 +0000", false),
            ("Mo, 1 Jan 2026 10:05 +0000", false),
            ("Mondayyyyy, 1 Jan 2026 10:05 +0000", false),
            ("Monday, 1 Jan 2026 10:05 +0000", true),
        ] {
            assert_eq!(parse_rfc2822(text).is_ok(), ok, "{text}");
        }
        assert_eq!(iso("1 Jan 2026 1:05 +0000"), "2026-01-01T01:05:00+00:00");
    }

    #[test]
    fn strict_output_round_trips() {
        let d = parse_rfc2822("Mon, 24 Sept 2018 21:00:00 -0330").unwrap();
        let text = format_rfc2822(&d);
        assert_eq!(text, "Mon, 24 Sep 2018 21:00:00 -0330");
        assert_eq!(parse_rfc2822(&text).unwrap(), d);
        assert_eq!(DateTime::parse_from_rfc2822(&text).unwrap(), d);
    }

    #[test]
    fn lenient_field_keeps_the_response() {
        let ok: LenientDate = serde_json::from_str("\"Mon, 24 Sept 2018 21:00:00 +0000\"").unwrap();
        assert!(ok.0.is_some());
        let odd: LenientDate = serde_json::from_str("\"not a date\"").unwrap();
        assert_eq!(odd.0, None);
    }
}
