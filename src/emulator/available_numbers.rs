//! The numbers the emulator offers to buy: a fixed, made-up inventory, so that the same
//! search gives the same numbers every time, less those bought.
//!
//! Three countries have numbers: the United States and Canada (local numbers by area code,
//! each in a region and a city, and toll-free numbers of the North American codes) and the
//! United Kingdom (local numbers of London and Manchester, toll-free 0800 ones). Each area
//! has [`PER_AREA`] numbers, spread over its exchanges in a fixed order; a search answers
//! at most [`MAX_FOUND`] (fewer with `PageSize`, as Twilio's libraries send it). A number
//! bought by any project is never offered again; released, it is offered again.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{incoming_phone_numbers::formatted, ordered::listing, response::Refusal};

/// How many numbers each area offers.
pub const PER_AREA: u32 = 10_000;

/// The most numbers a search answers.
pub const MAX_FOUND: usize = 50;

/// A place numbers are offered in.
struct Area {
    country: &'static str,
    /// The digits after the country's calling code that its numbers start with.
    prefix: &'static str,
    /// How many digits follow the prefix.
    rest: usize,
    toll_free: bool,
    region: Option<&'static str>,
    locality: Option<&'static str>,
    postal_code: Option<&'static str>,
    latitude: Option<&'static str>,
    longitude: Option<&'static str>,
}

const fn local(
    country: &'static str,
    prefix: &'static str,
    rest: usize,
    region: &'static str,
    locality: &'static str,
    postal_code: &'static str,
    (latitude, longitude): (&'static str, &'static str),
) -> Area {
    Area {
        country,
        prefix,
        rest,
        toll_free: false,
        region: Some(region),
        locality: Some(locality),
        postal_code: Some(postal_code),
        latitude: Some(latitude),
        longitude: Some(longitude),
    }
}

const fn toll_free(country: &'static str, prefix: &'static str, rest: usize) -> Area {
    Area {
        country,
        prefix,
        rest,
        toll_free: true,
        region: None,
        locality: None,
        postal_code: None,
        latitude: None,
        longitude: None,
    }
}

/// Every area of the inventory. `555` is the fictional area code, for tests and examples.
const AREAS: &[Area] = &[
    local(
        "US",
        "206",
        7,
        "WA",
        "Seattle",
        "98101",
        ("47.6062", "-122.3321"),
    ),
    local(
        "US",
        "253",
        7,
        "WA",
        "Tacoma",
        "98402",
        ("47.2529", "-122.4443"),
    ),
    local(
        "US",
        "212",
        7,
        "NY",
        "New York",
        "10001",
        ("40.7128", "-74.0060"),
    ),
    local(
        "US",
        "415",
        7,
        "CA",
        "San Francisco",
        "94103",
        ("37.7749", "-122.4194"),
    ),
    local(
        "US",
        "512",
        7,
        "TX",
        "Austin",
        "78701",
        ("30.2672", "-97.7431"),
    ),
    local(
        "US",
        "555",
        7,
        "IL",
        "Springfield",
        "62701",
        ("39.7817", "-89.6501"),
    ),
    toll_free("US", "800", 7),
    toll_free("US", "888", 7),
    local(
        "CA",
        "416",
        7,
        "ON",
        "Toronto",
        "M5H",
        ("43.6532", "-79.3832"),
    ),
    local(
        "CA",
        "604",
        7,
        "BC",
        "Vancouver",
        "V6B",
        ("49.2827", "-123.1207"),
    ),
    toll_free("CA", "833", 7),
    local(
        "GB",
        "20",
        8,
        "ENG",
        "London",
        "EC1A",
        ("51.5074", "-0.1278"),
    ),
    local(
        "GB",
        "161",
        7,
        "ENG",
        "Manchester",
        "M1",
        ("53.4808", "-2.2426"),
    ),
    toll_free("GB", "800", 7),
];

/// The countries with numbers: code, name, calling code.
const COUNTRIES: [(&str, &str, &str); 3] = [
    ("US", "United States", "1"),
    ("CA", "Canada", "1"),
    ("GB", "United Kingdom", "44"),
];

/// The filters a search takes, besides `PageSize`.
const FILTERS: [&str; 12] = [
    "AreaCode",
    "Contains",
    "InRegion",
    "InLocality",
    "Beta",
    "ExcludeAllAddressRequired",
    "ExcludeForeignAddressRequired",
    "ExcludeLocalAddressRequired",
    "FaxEnabled",
    "MmsEnabled",
    "SmsEnabled",
    "VoiceEnabled",
];

/// The kind of number a search looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Local,
    TollFree,
}

impl Area {
    /// The area's `n`th number: its exchanges taken in a fixed, scattered order, the first
    /// digit after the prefix never 0 or 1 (as North American exchanges are).
    fn number(&self, n: u32) -> String {
        let span = 8 * 10u64.pow(self.rest as u32 - 1);
        // 7919 is prime and divides no span, so the first PER_AREA steps never repeat.
        let local = 2 * 10u64.pow(self.rest as u32 - 1) + (u64::from(n) * 7_919) % span;
        let calling = COUNTRIES
            .iter()
            .find(|(c, _, _)| *c == self.country)
            .map_or("", |(_, _, code)| code);
        format!("+{calling}{}{local}", self.prefix)
    }
}

/// The country a path's `AvailablePhoneNumbers/{country}` names, as written.
pub(crate) fn country_in(path: &str) -> &str {
    let mut segments = path.split('/');
    segments
        .by_ref()
        .find(|s| *s == "AvailablePhoneNumbers")
        .and(segments.next())
        .map_or("", |s| s.strip_suffix(".json").unwrap_or(s))
}

fn known(
    code: &str,
    path: &str,
) -> Result<&'static (&'static str, &'static str, &'static str), Refusal> {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .ok_or_else(|| Refusal::not_found(path))
}

/// A country as its resource shows it.
fn country_json(account: &Uuid, (code, name, _): &(&str, &str, &str)) -> Value {
    let base = listing(account, &format!("AvailablePhoneNumbers/{code}"));
    json!({
        "country_code": code,
        "country": name,
        "uri": format!("{base}.json"),
        "beta": false,
        "subresource_uris": {
            "local": format!("{base}/Local.json"),
            "toll_free": format!("{base}/TollFree.json"),
        },
    })
}

/// `GET /AvailablePhoneNumbers`: every country with numbers.
pub(crate) fn countries(account: &Uuid) -> Value {
    let countries: Vec<Value> = COUNTRIES.iter().map(|c| country_json(account, c)).collect();
    json!({
        "uri": format!("{}.json", listing(account, "AvailablePhoneNumbers")),
        "countries": countries,
    })
}

/// `GET /AvailablePhoneNumbers/{country}`: one country, or 404.
pub(crate) fn country(account: &Uuid, path: &str) -> Result<Value, Refusal> {
    Ok(country_json(account, known(country_in(path), path)?))
}

/// A `Contains` pattern's digits: a letter is its keypad digit, `*` any digit (`None`).
fn pattern(text: &str) -> Result<Vec<Option<u8>>, Refusal> {
    if !(1..=16).contains(&text.len()) {
        return Err(Refusal::bad("Contains is 1 to 16 digits, letters and *"));
    }
    text.bytes()
        .map(|b| match b.to_ascii_uppercase() {
            b'0'..=b'9' => Ok(Some(b)),
            b'*' => Ok(None),
            b'A'..=b'C' => Ok(Some(b'2')),
            b'D'..=b'F' => Ok(Some(b'3')),
            b'G'..=b'I' => Ok(Some(b'4')),
            b'J'..=b'L' => Ok(Some(b'5')),
            b'M'..=b'O' => Ok(Some(b'6')),
            b'P'..=b'S' => Ok(Some(b'7')),
            b'T'..=b'V' => Ok(Some(b'8')),
            b'W'..=b'Z' => Ok(Some(b'9')),
            _ => Err(Refusal::bad(format!(
                "Contains has {:?}, which is not a digit, a letter or *",
                crate::Printable::new(&char::from(b).to_string()).to_string()
            ))),
        })
        .collect()
}

/// Whether the digits of `number` hold `pattern` anywhere.
fn holds(number: &str, pattern: &[Option<u8>]) -> bool {
    let digits = number.trim_start_matches('+').as_bytes();
    digits.windows(pattern.len()).any(|w| {
        w.iter()
            .zip(pattern)
            .all(|(d, p)| p.is_none_or(|p| p == *d))
    })
}

/// A boolean filter's value: `true` or `false` in any case.
fn boolean(key: &str, value: &str) -> Result<(), Refusal> {
    if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
        Ok(())
    } else {
        Err(Refusal::bad(format!(
            "{key} must be true or false, not {value:?}"
        )))
    }
}

/// `GET /AvailablePhoneNumbers/{country}/Local` or `/TollFree`: the numbers the filters
/// pass that `taken` says nobody has bought, in the inventory's order.
pub(crate) fn search(
    path: &str,
    kind: Kind,
    query: Option<&str>,
    taken: &dyn Fn(&str) -> bool,
) -> Result<Value, Refusal> {
    let (code, _, _) = known(country_in(path), path)?;
    let mut area_code = None;
    let mut contains = None;
    let mut region = None;
    let mut locality = None;
    let mut most = MAX_FOUND;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        // An empty text filter is no filter; an empty boolean is malformed, as elsewhere.
        if value.is_empty() && !FILTERS[4..].contains(&key.as_ref()) {
            continue;
        }
        match key.as_ref() {
            "AreaCode" => {
                if !(value.len() == 3 && value.bytes().all(|b| b.is_ascii_digit())) {
                    return Err(Refusal::bad(format!(
                        "AreaCode must be three digits, not {value:?}"
                    )));
                }
                if *code == "GB" && kind == Kind::Local {
                    return Err(Refusal::bad("AreaCode is for numbers of the US and Canada"));
                }
                area_code = Some(value.into_owned());
            }
            "Contains" => contains = Some(pattern(&value)?),
            "InRegion" => region = Some(value.to_ascii_uppercase()),
            "InLocality" => locality = Some(value.into_owned()),
            "PageSize" => {
                most = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        Refusal::bad(format!("PageSize must be from 1 to 1000, not {value:?}"))
                    })?
                    .min(MAX_FOUND);
            }
            key if FILTERS.contains(&key) => boolean(key, &value)?,
            other => {
                return Err(Refusal::bad(format!(
                    "A search of numbers takes {} and PageSize, not {other:?}",
                    FILTERS.join(", ")
                )));
            }
        }
    }
    if locality.is_some() && region.is_none() {
        return Err(Refusal::bad("InLocality needs InRegion"));
    }
    let mut found = Vec::new();
    'areas: for area in AREAS.iter().filter(|a| {
        a.country == *code
            && a.toll_free == (kind == Kind::TollFree)
            && area_code.as_deref().is_none_or(|c| c == a.prefix)
            && region.as_deref().is_none_or(|r| a.region == Some(r))
            && locality
                .as_deref()
                .is_none_or(|l| a.locality.is_some_and(|al| al.eq_ignore_ascii_case(l)))
    }) {
        for n in 0..PER_AREA {
            if found.len() >= most {
                break 'areas;
            }
            let number = area.number(n);
            if contains.as_deref().is_some_and(|p| !holds(&number, p)) || taken(&number) {
                continue;
            }
            found.push(json!({
                "friendly_name": formatted(&number),
                "phone_number": number,
                "lata": null,
                "locality": area.locality,
                "rate_center": area.locality.map(str::to_uppercase),
                "latitude": area.latitude,
                "longitude": area.longitude,
                "region": area.region,
                "postal_code": area.postal_code,
                "iso_country": code,
                "capabilities": {"voice": true, "SMS": true, "MMS": true},
                "beta": false,
            }));
        }
    }
    Ok(json!({
        "uri": path,
        "available_phone_numbers": found,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_areas_numbers_are_distinct_well_formed_and_always_the_same() {
        let area = &AREAS[0];
        let numbers: std::collections::HashSet<String> =
            (0..PER_AREA).map(|n| area.number(n)).collect();
        assert_eq!(numbers.len(), PER_AREA as usize);
        assert!(
            numbers
                .iter()
                .all(|n| n.len() == 12 && n.starts_with("+1206"))
        );
        // No exchange starts with 0 or 1.
        assert!(
            numbers
                .iter()
                .all(|n| !matches!(n.as_bytes()[5], b'0' | b'1'))
        );
        assert_eq!(area.number(0), "+12062000000");
        assert_eq!(AREAS[11].number(1), "+442020007919");
    }

    #[test]
    fn a_pattern_takes_keypad_letters_and_any_digit() {
        let cafe = pattern("CAFE").unwrap();
        assert!(holds("+15552233000", &cafe));
        assert!(!holds("+15552234000", &cafe));
        assert!(holds("+15551234567", &pattern("2*4").unwrap()));
        assert!(pattern("12-3").is_err());
        assert!(pattern("").is_err());
    }

    #[test]
    fn a_country_is_read_from_its_path() {
        assert_eq!(
            country_in("/api/laml/2010-04-01/Accounts/x/AvailablePhoneNumbers/US/Local.json"),
            "US"
        );
        assert_eq!(
            country_in("/Accounts/x/AvailablePhoneNumbers/CA.json"),
            "CA"
        );
        assert_eq!(country_in("/Accounts/x/Calls"), "");
    }
}
