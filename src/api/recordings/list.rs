//! Listing a conference's recordings.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::{
    Client, Error, Page, Recording,
    api::DateFilters,
    error::Invalid,
    wire::paging::{ListCore, Listing, Position, list_methods},
};

/// A listing of a conference's recordings, read one page at a time or as a stream. From
/// [`Recordings::list`](crate::Recordings::list).
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
/// use futures_util::TryStreamExt;
///
/// let recordings: Vec<_> = client
///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
///     .recordings()
///     .list()
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListRecordings {
    core: ListCore<RecordingListing>,
}

impl ListRecordings {
    pub(crate) fn new(client: Client, conference: Result<Uuid, Invalid>) -> Self {
        Self {
            core: ListCore::new(
                client,
                conference.map(|conference| RecordingListing { conference }),
            ),
        }
    }

    /// Only recordings created on this day (UTC).
    pub fn created_on(mut self, day: NaiveDate) -> Self {
        self.core.filters.created_on = Some(day);
        self
    }

    /// Only recordings created before this day (UTC).
    pub fn created_before(mut self, day: NaiveDate) -> Self {
        self.core.filters.created_before = Some(day);
        self
    }

    /// Only recordings created after this day (UTC).
    pub fn created_after(mut self, day: NaiveDate) -> Self {
        self.core.filters.created_after = Some(day);
        self
    }

    list_methods!(Recording, "recordings");
}

/// The recordings of one conference, as a listing the walk can follow.
#[derive(Debug, Clone)]
pub(crate) struct RecordingListing {
    conference: Uuid,
}

impl Listing for RecordingListing {
    type Item = Recording;
    type Filters = DateFilters;
    const WHAT: &'static str = "recording listing";

    fn path(&self, client: &Client) -> Vec<String> {
        vec![
            "Accounts".into(),
            client.account_sid().to_string(),
            "Conferences".into(),
            self.conference.to_string(),
            "Recordings".into(),
        ]
    }

    fn read_filter(filters: &mut DateFilters, key: &str, value: &str) -> Result<bool, String> {
        // Only the creation dates: a recording listing takes no `DateUpdated`.
        match key {
            "DateCreated" | "DateCreated<" | "DateCreated>" => {}
            _ => return Ok(false),
        }
        let slot = filters.slot(key).expect("a date filter");
        *slot = Some(
            NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| "is not a YYYY-MM-DD date")?,
        );
        Ok(true)
    }

    async fn fetch(
        &self,
        client: &Client,
        filters: &DateFilters,
        at: &Position,
    ) -> Result<Page<Recording>, Error> {
        let account = client.account_sid();
        let dates = (!filters.is_empty()).then_some(filters);
        let value = client
            .run("page of recordings", |api| {
                api.list_recordings(
                    &account,
                    &self.conference,
                    dates,
                    at.page,
                    at.page_size,
                    at.page_token.as_ref(),
                )
            })
            .await?;
        Ok(value.into_inner().into())
    }
}
