//! Reading a query string or a form body, as every route of the emulator does.

use super::response::Refusal;

/// Name-value pairs of a query or form, refusing repeated names and text that is not UTF-8.
pub(crate) fn pairs(raw: &[u8]) -> Result<Vec<(String, String)>, Refusal> {
    pairs_repeating(raw, &[])
}

/// [`pairs`], where the names in `repeatable` may be given more than once
/// (`StatusCallbackEvent`).
pub(crate) fn pairs_repeating(
    raw: &[u8],
    repeatable: &[&str],
) -> Result<Vec<(String, String)>, Refusal> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(raw) {
        if key.contains('\u{fffd}') || value.contains('\u{fffd}') {
            return Err(Refusal::bad("Parameters must be UTF-8 text"));
        }
        if !repeatable.contains(&key.as_ref()) && out.iter().any(|(k, _)| *k == key) {
            return Err(Refusal::bad(format!(
                "Parameter {key} is given more than once"
            )));
        }
        out.push((key.into_owned(), value.into_owned()));
    }
    Ok(out)
}

/// A listing's query parameters. A text parameter of the listing (`text`: `FriendlyName`,
/// `Status`, `DateCreated`, …) or a `PageToken` given with an empty value is taken as not
/// given: no filter, or the first page. SignalWire's spec types those as text, for which empty
/// is a valid value, and helper libraries send them. A number or a boolean (`Page`,
/// `PageSize`, `Muted`) has no empty form in either spec, and a name the listing does not take
/// is refused by its reader whatever its value.
pub(crate) fn listing_pairs(
    query: Option<&str>,
    text: &[&str],
) -> Result<Vec<(String, String)>, Refusal> {
    let mut pairs = pairs(query.unwrap_or_default().as_bytes())?;
    pairs.retain(|(key, value)| {
        !value.is_empty() || !(key == "PageToken" || text.contains(&key.as_str()))
    });
    Ok(pairs)
}

/// Reads a listing's query: a day filter of one of the fields `days` names (`DateSent`,
/// `DateSent<`, `DateSent>`: a day, or a time whose day in UTC counts, as older helper
/// libraries send one) into `dates`, the page's position into `at`, and every other
/// parameter through `take`, which answers whether it took it; a parameter nothing takes is
/// refused, naming `filters`. An empty text filter is no filter.
pub(crate) fn read_query(
    query: Option<&str>,
    filters: &[&str],
    days: &[&str],
    dates: &mut Vec<DayFilter>,
    at: &mut super::paging::Position,
    mut take: impl FnMut(&str, String) -> Result<bool, Refusal>,
) -> Result<(), Refusal> {
    for (key, value) in listing_pairs(query, filters)? {
        let day =
            filters.contains(&key.as_str()) && days.contains(&key.trim_end_matches(['<', '>']));
        if day {
            dates.push(DayFilter::read_day_or_time(&key, &value)?);
        } else if !at.read(&key, &value)? && !take(&key, value)? {
            return Err(unknown_filter(&key, filters));
        }
    }
    Ok(())
}

/// A listing's `Status` filter, if it is one of `known`; else 400 naming them.
pub(crate) fn status_filter(value: String, known: &[&str]) -> Result<String, Refusal> {
    if known.contains(&value.as_str()) {
        return Ok(value);
    }
    Err(Refusal::bad(format!(
        "Status must be one of {}, not {value:?}",
        known.join(", ")
    )))
}

/// The refusal of a parameter a listing does not take: it names the listing's `filters`
/// and its position's.
pub(crate) fn unknown_filter(key: &str, filters: &[&str]) -> Refusal {
    Refusal::bad(format!(
        "Unknown parameter {key:?}: this listing takes {}, Page, PageSize and PageToken",
        filters.join(", ")
    ))
}

/// A boolean parameter: `true` or `false`, in any case.
pub(crate) fn boolean(key: &str, value: &str) -> Result<bool, Refusal> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(Refusal::bad(format!(
            "{key} must be true or false, not {value:?}"
        )))
    }
}

/// A callback URL: absolute, `http` or `https`.
pub(crate) fn callback_url(key: &str, value: &str) -> Result<String, Refusal> {
    let parsed = url::Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if let Some(url) = parsed {
        // Kept as it will be called, which is what is signed.
        Ok(url.to_string())
    } else {
        Err(Refusal::bad(format!(
            "{key} must be an absolute http or https URL, not {value:?}"
        )))
    }
}

/// A callback method: `GET` or `POST`, in any case (SignalWire's code 21209 otherwise).
pub(crate) fn callback_method(key: &str, value: &str) -> Result<String, Refusal> {
    let method = value.to_ascii_uppercase();
    if method == "GET" || method == "POST" {
        Ok(method)
    } else {
        Err(Refusal::new(
            400,
            21209,
            format!("{key} must be GET or POST, not {value:?}"),
        ))
    }
}

/// Whether a request body is a form (or empty): the only body an update reads.
pub(crate) fn check_form(headers: &axum::http::HeaderMap, body: &[u8]) -> Result<(), Refusal> {
    if body.is_empty() {
        return Ok(());
    }
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if form {
        Ok(())
    } else {
        Err(Refusal::bad(
            "The body must be a form (Content-Type: application/x-www-form-urlencoded)",
        ))
    }
}

/// One day filter of a listing (`DateCreated`, `DateCreated<`, `DateUpdated>`, …): a day in
/// UTC, and whether a date must fall on it, before it (`<`) or after it (`>`), as SignalWire
/// documents them.
#[derive(Debug, Clone)]
pub(crate) struct DayFilter {
    pub(crate) key: String,
    day: chrono::NaiveDate,
}

impl DayFilter {
    /// Reads a day parameter: `YYYY-MM-DD`.
    pub(crate) fn read(key: &str, value: &str) -> Result<Self, Refusal> {
        chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .filter(|_| value.len() == 10)
            .map(|day| Self {
                key: key.to_owned(),
                day,
            })
            .ok_or_else(|| {
                Refusal::bad(format!("{key} must be a date as YYYY-MM-DD, not {value:?}"))
            })
    }

    /// Reads a time filter (a call's `StartTime`): a day as `YYYY-MM-DD`, or a time, in
    /// RFC 3339 (as Twilio's older helper library writes a day: `2026-12-01T00:00:00Z`) or
    /// RFC 2822 (as SignalWire's spec describes it), of which the day (UTC) is taken.
    pub(crate) fn read_day_or_time(key: &str, value: &str) -> Result<Self, Refusal> {
        let time = chrono::DateTime::parse_from_rfc3339(value)
            .ok()
            .or_else(|| crate::time::parse_rfc2822(value).ok());
        match time {
            Some(time) => Ok(Self {
                key: key.to_owned(),
                day: time.with_timezone(&chrono::Utc).date_naive(),
            }),
            None => Self::read(key, value).map_err(|_| {
                Refusal::bad(format!(
                    "{key} must be a day as YYYY-MM-DD (or a time in RFC 3339 or RFC 2822), not {value:?}"
                ))
            }),
        }
    }

    /// Whether the filter is on the creation date (else the update date).
    pub(crate) fn on_created(&self) -> bool {
        self.key.starts_with("DateCreated")
    }

    /// Whether `date` passes the filter.
    pub(crate) fn passes(&self, date: &chrono::DateTime<chrono::FixedOffset>) -> bool {
        let date = date.with_timezone(&chrono::Utc).date_naive();
        match self.key.as_bytes().last() {
            Some(b'<') => date < self.day,
            Some(b'>') => date > self.day,
            _ => date == self.day,
        }
    }

    /// The filter as a query pair, for the page URIs.
    pub(crate) fn pair(&self) -> (&str, String) {
        (&self.key, self.day.format("%Y-%m-%d").to_string())
    }
}

/// A listing's filters as query text for its page URIs: the ones given of its own
/// (`FriendlyName`, `To`…), then its day filters.
pub(crate) fn listing_filters<'a>(
    own: impl IntoIterator<Item = Option<(&'a str, String)>>,
    days: &'a [DayFilter],
) -> String {
    filters_query(
        own.into_iter()
            .flatten()
            .chain(days.iter().map(DayFilter::pair)),
    )
}

/// A listing's own filters as query text for its page URIs: each `name=value&`, encoded.
pub(crate) fn filters_query<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut text = String::new();
    for (key, value) in pairs {
        text.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .append_pair(key, &value)
                .finish(),
        );
        text.push('&');
    }
    text
}
