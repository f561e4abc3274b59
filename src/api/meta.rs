//! What the generated resources share: the checks their builders make, and the table that
//! describes them to the command-line tool and the emulator.

use std::{future::Future, pin::Pin};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Client, Error, error::Invalid};

/// A resource as its generated code describes it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ResourceMeta {
    /// Its command-line name, such as `applications`.
    pub command: &'static str,
    /// One of them in words, such as `application`.
    pub what: &'static str,
    /// Several of them in words, such as `applications`.
    pub plural: &'static str,
    /// The resource it is reached through, in words (`conference` for a participant), if
    /// any: its operations then take that resource's SID first.
    pub parent: Option<&'static str>,
    /// What names one of them, in words: its own kind (`application`), or another's (a
    /// participant is named by its `call`'s SID).
    pub item: &'static str,
    /// Its path segment below the account, such as `Applications`.
    pub path: &'static str,
    /// The field of a page that holds them, such as `applications`.
    pub items: &'static str,
    /// The listing's own filters, if it can be listed.
    pub list: Option<&'static [FieldMeta]>,
    /// The fields a create takes, if one can be created.
    pub create: Option<&'static [FieldMeta]>,
    /// The fields an update takes, if one can be changed.
    pub update: Option<&'static [FieldMeta]>,
    /// Whether one can be fetched by its SID.
    pub fetch: bool,
    /// Whether one can be deleted.
    pub remove: bool,
    /// The model's fields, in order, by their JSON names.
    pub fields: &'static [&'static str],
    /// The fields a table shows unless told otherwise.
    pub columns: &'static [&'static str],
    /// The operations, on text in and JSON out, for the generic commands.
    pub ops: DynOps,
}

/// Form or filter values by their wire names.
#[doc(hidden)]
pub type Pairs = [(String, String)];

/// What a generic operation answers: the model as JSON (`null` for a delete).
#[doc(hidden)]
pub type Answer = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send>>;

/// What a generic listing yields: each model as JSON.
#[doc(hidden)]
pub type Rows = Pin<Box<dyn Stream<Item = Result<Value, Error>> + Send>>;

/// How a generic listing reads its pages.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Paging {
    /// Items a page, if not the server's default.
    pub page_size: Option<u32>,
    /// The most pages to read, if not the client's limit.
    pub max_pages: Option<u32>,
}

/// A generic listing: the parents' SIDs, the filters by wire name, and its paging.
#[doc(hidden)]
pub type ListFn = fn(&Client, &[String], &Pairs, Paging) -> Rows;

/// A generic fetch or delete: the parents' SIDs, and the item's.
#[doc(hidden)]
pub type ItemFn = fn(&Client, &[String], &str) -> Answer;

/// A generic create: the parents' SIDs, and the form.
#[doc(hidden)]
pub type CreateFn = fn(&Client, &[String], &Pairs) -> Answer;

/// A generic update: the parents' SIDs, the item's, and the form.
#[doc(hidden)]
pub type UpdateFn = fn(&Client, &[String], &str, &Pairs) -> Answer;

/// A resource's operations on text in and JSON out, through its typed handles and builders,
/// so that every check they make is made. Each takes the SIDs of the resource's parents
/// first (none for a resource of the account).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct DynOps {
    /// Lists with the given filters.
    pub list: Option<ListFn>,
    /// Fetches one by its SID.
    pub fetch: Option<ItemFn>,
    /// Creates one from its form.
    pub create: Option<CreateFn>,
    /// Changes one by its SID from a form.
    pub update: Option<UpdateFn>,
    /// Deletes one by its SID.
    pub remove: Option<ItemFn>,
}

/// Reads form values into the spec's request type, as the server would read them: a
/// repeated field's values (given once each) as one space-separated value.
pub(crate) fn form<F: DeserializeOwned>(fields: &[FieldMeta], pairs: &Pairs) -> Result<F, Error> {
    let mut joined: Vec<(String, String)> = Vec::new();
    for (key, value) in pairs {
        let repeated = fields
            .iter()
            .any(|f| f.wire == key && f.kind == FieldKind::Repeated);
        match joined.iter_mut().find(|(k, _)| repeated && k == key) {
            Some((_, values)) => {
                values.push(' ');
                values.push_str(value);
            }
            None => joined.push((key.clone(), value.clone())),
        }
    }
    let text = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&joined)
        .finish();
    serde_urlencoded::from_str(&text).map_err(|e| {
        Error::from(Invalid {
            field: "form",
            reason: e.to_string(),
        })
    })
}

/// Refuses a create without one of its required fields.
pub(crate) fn require(fields: &[FieldMeta], pairs: &Pairs) -> Result<(), Error> {
    match fields
        .iter()
        .find(|f| f.required && !pairs.iter().any(|(k, _)| k == f.wire))
    {
        Some(missing) => Err(Invalid {
            field: missing.wire,
            reason: "is required".into(),
        }
        .into()),
        None => Ok(()),
    }
}

/// A model as JSON, for the generic commands.
pub(crate) fn json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// A model the spec describes (`x-model`).
#[doc(hidden)]
pub trait Model {
    /// Its fields, in order, by their JSON names.
    const FIELDS: &'static [&'static str];
}

/// A resource the spec describes, with its table entry: implemented by the generated code
/// for each model of a resource.
#[doc(hidden)]
pub trait Described {
    /// The resource's entry.
    const META: &'static ResourceMeta;
}

/// A request form the spec describes (`ParticipantUpdate`), with its fields: implemented by
/// the generated code for each form, for the emulator to check a form before reading it.
pub(crate) trait Form {
    /// The form's fields.
    #[cfg_attr(not(feature = "emulator"), allow(dead_code))]
    const FIELDS: &'static [FieldMeta];
    /// Groups of fields of which exactly one is to be given (`x-one-of`).
    #[cfg_attr(not(feature = "emulator"), allow(dead_code))]
    const ONE_OF: &'static [&'static [&'static str]] = &[];
    /// Groups of fields of which at most one may be given (`x-at-most-one-of`).
    #[cfg_attr(not(feature = "emulator"), allow(dead_code))]
    const AT_MOST_ONE_OF: &'static [&'static [&'static str]] = &[];
    /// Groups of fields of which at least one is to be given (`x-any-of`).
    #[cfg_attr(not(feature = "emulator"), allow(dead_code))]
    const ANY_OF: &'static [&'static [&'static str]] = &[];
}

/// How many of a group of fields a form is to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Given {
    /// Exactly one (`x-one-of`).
    Exactly,
    /// None or one (`x-at-most-one-of`).
    AtMost,
    /// One or more (`x-any-of`).
    AtLeast,
}

/// Refuses a form that gives none of a group of fields of which one is needed (`Exactly`,
/// `AtLeast`), or several of a group of which at most one may be given (`Exactly`, `AtMost`).
pub(crate) fn one_of(group: &[&'static str], given: &[bool], rule: Given) -> Result<(), Invalid> {
    let list = |names: &[&str], and: &str| match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    };
    let Some(field) = group.first().copied() else {
        return Ok(());
    };
    let set: Vec<&str> = group
        .iter()
        .zip(given)
        .filter(|(_, g)| **g)
        .map(|(name, _)| *name)
        .collect();
    if set.is_empty() && rule != Given::AtMost {
        let (want, names) = match rule {
            Given::AtLeast => ("at least one", list(group, "or")),
            _ => ("exactly one", list(group, "and")),
        };
        return Err(Invalid {
            field,
            reason: format!("none of {names} is given; give {want}"),
        });
    }
    if set.len() > 1 && rule != Given::AtLeast {
        let both = if set.len() == 2 { "both" } else { "all" };
        let want = if rule == Given::Exactly {
            "exactly"
        } else {
            "at most"
        };
        return Err(Invalid {
            field,
            reason: format!(
                "{} are {both} given; give {want} one of {}",
                list(&set, "and"),
                list(group, "and")
            ),
        });
    }
    Ok(())
}

/// Refuses a repeated field given more than `max` times.
pub(crate) fn at_most_items(field: &'static str, count: usize, max: u64) -> Result<(), Invalid> {
    if count as u64 <= max {
        Ok(())
    } else {
        Err(Invalid {
            field,
            reason: format!("is given {count} times; it may be given at most {max} times"),
        })
    }
}

/// Refuses a number outside `min..=max`.
pub(crate) fn within(field: &'static str, value: u32, min: u64, max: u64) -> Result<(), Invalid> {
    if (min..=max).contains(&u64::from(value)) {
        Ok(())
    } else {
        Err(Invalid {
            field,
            reason: format!("is {value}; it must be from {min} to {max}"),
        })
    }
}

/// Runs a field's own check.
pub(crate) fn checked(
    field: &'static str,
    text: &str,
    check: fn(&str) -> Result<(), String>,
) -> Result<(), Invalid> {
    check(text).map_err(|reason| Invalid { field, reason })
}

/// Values sent as one field, space-separated (`RecordingStatusCallbackEvent`).
pub(crate) fn spaced<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A repeated field, read back from the one space-separated value the emulator's reader
/// makes of its repetitions.
pub(crate) fn read_repeated<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    Ok(Some(text.split_whitespace().map(T::from).collect()))
}

/// The keys a call's `SendDigits` may press: digits, `#`, `*`, and `w` or `W` to wait;
/// from 1 to 32 of them.
pub(crate) fn send_digits(text: &str) -> Result<(), String> {
    let n = text.chars().count();
    if !(1..=32).contains(&n) {
        return Err(format!(
            "has {}; it must have from 1 to 32 keys",
            chars(n as u64)
        ));
    }
    match text
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, '#' | '*' | 'w' | 'W')))
    {
        Some(bad) => Err(format!(
            "has {:?}, which is not a key: use 0-9, #, * and w or W to wait",
            crate::Printable::new(&bad.to_string()).to_string()
        )),
        None => Ok(()),
    }
}

/// A price in US dollars: digits, and at most 4 after a point (`0.0075`).
pub(crate) fn price(text: &str) -> Result<(), String> {
    let (whole, cents) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(cents) || cents.len() > 4 {
        return Err(format!(
            "is {:?}, not an amount such as 0.0075 (digits, at most 4 after the point)",
            crate::Printable::new(text).to_string()
        ));
    }
    Ok(())
}

/// A phone number in E.164 form as SignalWire takes one to buy: `+` and 5 to 17 digits.
pub(crate) fn phone_number(text: &str) -> Result<(), String> {
    e164(text, 17)
}

/// A phone number in E.164 form as SignalWire takes one to import: `+` and 5 to 30 digits.
pub(crate) fn imported_number(text: &str) -> Result<(), String> {
    e164(text, 30)
}

/// `+` and 5 to `most` digits.
fn e164(text: &str, most: usize) -> Result<(), String> {
    let digits = text.strip_prefix('+').unwrap_or_default();
    if (5..=most).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(format!(
        "is {:?}, not a number in E.164 form such as +15551230100 (+ and 5 to {most} digits)",
        crate::Printable::new(text).to_string()
    ))
}

/// A field's own check of its text: what is wrong with it, if anything.
#[doc(hidden)]
pub type Check = fn(&str) -> Result<(), String>;

/// One form field or filter of a resource.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FieldMeta {
    /// Its name on the wire, such as `VoiceUrl`.
    pub wire: &'static str,
    /// Its name in the models' JSON and in Rust, such as `voice_url`.
    pub field: &'static str,
    /// Its command-line flag, such as `voice-url`.
    pub flag: &'static str,
    /// The first line of its description.
    pub help: &'static str,
    /// What its value is.
    pub kind: FieldKind,
    /// Whether a create (or, in an update's fields, an update) needs it.
    pub required: bool,
    /// The fewest characters its text may have.
    pub min_length: Option<u64>,
    /// The most characters its text may have.
    pub max_length: Option<u64>,
    /// The least and the greatest a number may be.
    pub range: Option<(u64, u64)>,
    /// A check of its text beyond its kind and length (`SendDigits`' keys), saying what is
    /// wrong.
    pub check: Option<Check>,
    /// The values an enum's field documents (a repeated field's, each one's); empty for
    /// any other field.
    pub values: &'static [&'static str],
    /// Whether its value is a secret (`SipAuthPassword`): the command line reads it from a
    /// file, never from its own arguments.
    pub secret: bool,
}

/// What a field's value is.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Any text.
    Text,
    /// An absolute `http` or `https` URL.
    Url,
    /// `true` or `false`.
    Bool,
    /// `GET` or `POST`.
    Method,
    /// A whole number, within the field's `range`.
    Int,
    /// Given any number of times, a value each time (`StatusCallbackEvent`).
    Repeated,
    /// A day, `YYYY-MM-DD` (a listing's date filter).
    Day,
}

/// `1 character`, `5 characters`.
pub(crate) fn chars(n: u64) -> String {
    match n {
        1 => "1 character".to_owned(),
        n => format!("{n} characters"),
    }
}

/// Refuses text shorter than `min` characters.
pub(crate) fn at_least(field: &'static str, text: &str, min: u64) -> Result<(), Invalid> {
    let n = text.chars().count() as u64;
    if n < min {
        return Err(Invalid {
            field,
            reason: if n == 0 {
                "is empty".to_owned()
            } else {
                format!("has {}; it needs at least {}", chars(n), chars(min))
            },
        });
    }
    Ok(())
}

/// Refuses text longer than `max` characters.
pub(crate) fn at_most(field: &'static str, text: &str, max: u64) -> Result<(), Invalid> {
    let n = text.chars().count() as u64;
    if n > max {
        return Err(Invalid {
            field,
            reason: format!("has {}; it may have at most {}", chars(n), chars(max)),
        });
    }
    Ok(())
}

/// A day as the API reads it in a date filter: `YYYY-MM-DD`.
pub(crate) fn day<S: serde::Serializer>(
    day: &Option<chrono::NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match day {
        Some(day) => serializer.collect_str(&day.format("%Y-%m-%d")),
        None => serializer.serialize_none(),
    }
}

/// A date filter's day, read back from a next page's URI.
pub(crate) fn read_day(value: &str) -> Result<chrono::NaiveDate, &'static str> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| "is not a YYYY-MM-DD date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(at_most("Name", "ééé", 3).is_ok());
        assert_eq!(
            at_most("Name", "éééé", 3).unwrap_err().reason,
            "has 4 characters; it may have at most 3 characters"
        );
        assert_eq!(at_least("Name", "", 1).unwrap_err().reason, "is empty");
        assert!(at_least("Name", "x", 1).is_ok());
        assert_eq!(
            at_least("Name", "x", 2).unwrap_err().reason,
            "has 1 character; it needs at least 2 characters"
        );
    }
}
