//! The date filters listings share.

use chrono::NaiveDate;
use serde::Serialize;

/// The date filters of a listing, serialized under their wire names (`DateCreated<` and so
/// on): the generated code takes this type in place of the spec's `ConferenceDateFilters`
/// and `RecordingDateFilters`, whose names progenitor would turn into one identifier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub(crate) struct DateFilters {
    #[serde(
        rename = "DateCreated",
        skip_serializing_if = "Option::is_none",
        serialize_with = "day"
    )]
    pub(crate) created_on: Option<NaiveDate>,
    #[serde(
        rename = "DateCreated<",
        skip_serializing_if = "Option::is_none",
        serialize_with = "day"
    )]
    pub(crate) created_before: Option<NaiveDate>,
    #[serde(
        rename = "DateCreated>",
        skip_serializing_if = "Option::is_none",
        serialize_with = "day"
    )]
    pub(crate) created_after: Option<NaiveDate>,
    #[serde(
        rename = "DateUpdated",
        skip_serializing_if = "Option::is_none",
        serialize_with = "day"
    )]
    pub(crate) updated_on: Option<NaiveDate>,
    #[serde(
        rename = "DateUpdated<",
        skip_serializing_if = "Option::is_none",
        serialize_with = "day"
    )]
    pub(crate) updated_before: Option<NaiveDate>,
    #[serde(
        rename = "DateUpdated>",
        skip_serializing_if = "Option::is_none",
        serialize_with = "day"
    )]
    pub(crate) updated_after: Option<NaiveDate>,
}

/// A day as the API reads it: `YYYY-MM-DD`.
fn day<S: serde::Serializer>(day: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
    match day {
        Some(day) => serializer.collect_str(&day.format("%Y-%m-%d")),
        None => serializer.serialize_none(),
    }
}

impl DateFilters {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub(crate) fn slot(&mut self, key: &str) -> Option<&mut Option<NaiveDate>> {
        Some(match key {
            "DateCreated" => &mut self.created_on,
            "DateCreated<" => &mut self.created_before,
            "DateCreated>" => &mut self.created_after,
            "DateUpdated" => &mut self.updated_on,
            "DateUpdated<" => &mut self.updated_before,
            "DateUpdated>" => &mut self.updated_after,
            _ => return None,
        })
    }
}
