//! Listing an account's conferences.

use chrono::NaiveDate;

use crate::{
    Client, Conference, ConferenceStatus, Error, Page,
    api::DateFilters,
    wire::paging::{ListCore, Listing, Position, list_methods},
};

/// The longest friendly name the API takes.
const MAX_NAME_CHARS: usize = 64;

/// A listing of the account's conferences, filtered and sized, read one page at a time or as
/// a stream. From [`Conferences::list`](crate::Conferences::list).
///
/// Dates are days in UTC. `created_before` and `created_after` (and their `updated_` twins)
/// send SignalWire's `DateCreated<` and `DateCreated>`, which it documents as before and
/// after that day.
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
/// use chrono::NaiveDate;
/// use futures_util::TryStreamExt;
/// use signalwire_compat::ConferenceStatus;
///
/// let live: Vec<_> = client
///     .conferences()
///     .list()
///     .status(ConferenceStatus::InProgress)
///     .created_after(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListConferences {
    core: ListCore<ConferenceListing>,
}

impl ListConferences {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            core: ListCore::new(client, Ok(ConferenceListing)),
        }
    }

    /// Only conferences named exactly `name` (up to 64 characters).
    pub fn friendly_name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if name.chars().count() > MAX_NAME_CHARS {
            self.core.refuse(
                "friendly name",
                format!(
                    "it has {} characters; a conference name has at most {MAX_NAME_CHARS}",
                    name.chars().count()
                ),
            );
        }
        self.core.filters.friendly_name = Some(name);
        self
    }

    /// Only conferences in this status.
    pub fn status(mut self, status: ConferenceStatus) -> Self {
        self.core.filters.status = Some(status);
        self
    }

    /// Only conferences created on this day (UTC).
    pub fn created_on(mut self, day: NaiveDate) -> Self {
        self.core.filters.dates.created_on = Some(day);
        self
    }

    /// Only conferences created before this day (UTC).
    pub fn created_before(mut self, day: NaiveDate) -> Self {
        self.core.filters.dates.created_before = Some(day);
        self
    }

    /// Only conferences created after this day (UTC).
    pub fn created_after(mut self, day: NaiveDate) -> Self {
        self.core.filters.dates.created_after = Some(day);
        self
    }

    /// Only conferences last updated on this day (UTC).
    pub fn updated_on(mut self, day: NaiveDate) -> Self {
        self.core.filters.dates.updated_on = Some(day);
        self
    }

    /// Only conferences last updated before this day (UTC).
    pub fn updated_before(mut self, day: NaiveDate) -> Self {
        self.core.filters.dates.updated_before = Some(day);
        self
    }

    /// Only conferences last updated after this day (UTC).
    pub fn updated_after(mut self, day: NaiveDate) -> Self {
        self.core.filters.dates.updated_after = Some(day);
        self
    }

    list_methods!(Conference, "conferences");
}

/// The account's conferences, as a listing the walk can follow.
#[derive(Debug, Clone)]
pub(crate) struct ConferenceListing;

/// The conference listing's own query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct ConferenceFilters {
    friendly_name: Option<String>,
    status: Option<ConferenceStatus>,
    dates: DateFilters,
}

impl Listing for ConferenceListing {
    type Item = Conference;
    type Filters = ConferenceFilters;
    const WHAT: &'static str = "conference listing";

    fn path(&self, client: &Client) -> Vec<String> {
        vec![
            "Accounts".into(),
            client.account_sid().to_string(),
            "Conferences".into(),
        ]
    }

    fn read_filter(
        filters: &mut ConferenceFilters,
        key: &str,
        value: &str,
    ) -> Result<bool, String> {
        match key {
            "FriendlyName" => filters.friendly_name = Some(value.to_owned()),
            "Status" => filters.status = Some(ConferenceStatus::from(value)),
            _ => match filters.dates.slot(key) {
                Some(slot) => {
                    *slot = Some(
                        NaiveDate::parse_from_str(value, "%Y-%m-%d")
                            .map_err(|_| "is not a YYYY-MM-DD date")?,
                    )
                }
                None => return Ok(false),
            },
        }
        Ok(true)
    }

    async fn fetch(
        &self,
        client: &Client,
        filters: &ConferenceFilters,
        at: &Position,
    ) -> Result<Page<Conference>, Error> {
        let account = client.account_sid();
        let dates = (!filters.dates.is_empty()).then_some(&filters.dates);
        let value = client
            .run("page of conferences", |api| {
                api.list_conferences(
                    &account,
                    dates,
                    filters.friendly_name.as_ref(),
                    at.page,
                    at.page_size,
                    at.page_token.as_ref(),
                    filters.status.as_ref(),
                )
            })
            .await?;
        Ok(value.into_inner().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::paging::parse_next_page;

    const ACCOUNT: &str = "b3877c40-da60-4998-90ad-b792e98472af";

    fn parse(uri: &str) -> Result<(ConferenceFilters, Position), String> {
        let base =
            reqwest::Url::parse("https://example.signalwire.com/api/laml/2010-04-01").unwrap();
        let path: Vec<String> = ["Accounts", ACCOUNT, "Conferences"]
            .map(String::from)
            .into();
        parse_next_page::<ConferenceListing>(uri, &base, &path)
    }

    #[test]
    fn next_pages_keep_every_filter() {
        let listing = format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences");
        let (f, at) = parse(&format!(
            "{listing}.json?FriendlyName=Daily%20standup&Status=in-progress&DateCreated%3E=2026-11-01&DateUpdated%3C=2026-11-30&Page=2&PageToken=PA9"
        ))
        .unwrap();
        assert_eq!(f.friendly_name.as_deref(), Some("Daily standup"));
        assert_eq!(f.status, Some(ConferenceStatus::InProgress));
        assert_eq!(f.dates.created_after, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(
            f.dates.updated_before,
            NaiveDate::from_ymd_opt(2026, 11, 30)
        );
        assert_eq!((at.page, at.page_token.as_deref()), (Some(2), Some("PA9")));
        for (uri, why) in [
            (
                format!("{listing}?DateCreated=yesterday"),
                "DateCreated is not a YYYY-MM-DD date",
            ),
            (format!("{listing}?Muted=true"), "does not know"),
            (
                format!("{listing}/b3877c40-da60-4998-90ad-b792e98472cf/Participants"),
                "not this conference listing",
            ),
        ] {
            let err = parse(&uri).unwrap_err();
            assert!(err.contains(why), "{uri}: {err}");
        }
    }

    #[test]
    fn dates_serialize_under_their_wire_names() {
        let dates = DateFilters {
            created_before: NaiveDate::from_ymd_opt(2026, 11, 30),
            updated_after: NaiveDate::from_ymd_opt(2026, 1, 2),
            ..DateFilters::default()
        };
        assert_eq!(
            serde_urlencoded::to_string(&dates).unwrap(),
            "DateCreated%3C=2026-11-30&DateUpdated%3E=2026-01-02"
        );
    }
}
