//! Listing a conference's participants.

use uuid::Uuid;

use crate::{
    Client, Error, Page, Participant,
    error::Invalid,
    wire::paging::{ListCore, Listing, Position, list_methods, parse_bool},
};

/// A listing of a conference's participants, filtered and sized, read one page at a time or
/// as a stream. From [`Participants::list`](crate::Participants::list).
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
/// use futures_util::TryStreamExt;
///
/// let muted: Vec<_> = client
///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
///     .participants()
///     .list()
///     .muted(true)
///     .page_size(100)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListParticipants {
    core: ListCore<ParticipantListing>,
}

impl ListParticipants {
    pub(crate) fn new(client: Client, conference: Result<Uuid, Invalid>) -> Self {
        Self {
            core: ListCore::new(
                client,
                conference.map(|conference| ParticipantListing { conference }),
            ),
        }
    }

    /// Only participants that are muted (`true`) or not (`false`).
    pub fn muted(mut self, muted: bool) -> Self {
        self.core.filters.muted = Some(muted);
        self
    }

    /// Only participants that are on hold (`true`) or not (`false`).
    pub fn hold(mut self, hold: bool) -> Self {
        self.core.filters.hold = Some(hold);
        self
    }

    list_methods!(Participant, "participants");
}

/// The participants of one conference, as a listing the walk can follow.
#[derive(Debug, Clone)]
pub(crate) struct ParticipantListing {
    pub(crate) conference: Uuid,
}

/// The participant listing's own query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct ParticipantFilters {
    muted: Option<bool>,
    hold: Option<bool>,
}

impl Listing for ParticipantListing {
    type Item = Participant;
    type Filters = ParticipantFilters;
    const WHAT: &'static str = "participant listing";

    fn path(&self, client: &Client) -> Vec<String> {
        vec![
            "Accounts".into(),
            client.account_sid().to_string(),
            "Conferences".into(),
            self.conference.to_string(),
            "Participants".into(),
        ]
    }

    fn read_filter(
        filters: &mut ParticipantFilters,
        key: &str,
        value: &str,
    ) -> Result<bool, String> {
        let slot = match key {
            "Muted" => &mut filters.muted,
            "Hold" => &mut filters.hold,
            _ => return Ok(false),
        };
        *slot = Some(parse_bool(value).ok_or("is not true or false")?);
        Ok(true)
    }

    async fn fetch(
        &self,
        client: &Client,
        filters: &ParticipantFilters,
        at: &Position,
    ) -> Result<Page<Participant>, Error> {
        let account = client.account_sid();
        let value = client
            .run("page of participants", |api| {
                api.list_participants(
                    &account,
                    &self.conference,
                    filters.hold,
                    filters.muted,
                    at.page,
                    at.page_size,
                    at.page_token.as_ref(),
                )
            })
            .await?;
        Ok(value.into_inner().into())
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;
    use crate::wire::paging::parse_next_page;

    const ACCOUNT: &str = "b3877c40-da60-4998-90ad-b792e98472af";
    const CONF: &str = "b3877c40-da60-4998-90ad-b792e98472cf";

    fn parse(uri: &str) -> Result<(ParticipantFilters, Position), String> {
        let base =
            reqwest::Url::parse("https://example.signalwire.com/api/laml/2010-04-01").unwrap();
        let path: Vec<String> = ["Accounts", ACCOUNT, "Conferences", CONF, "Participants"]
            .map(String::from)
            .into();
        parse_next_page::<ParticipantListing>(uri, &base, &path)
    }

    #[test]
    fn reads_the_documented_form() {
        let (f, at) = parse(&format!(
            "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants?Page=1&PageSize=50&PageToken=PA123&Muted=True"
        ))
        .unwrap();
        assert_eq!(at.page, Some(1));
        assert_eq!(at.page_size.map(NonZeroU32::get), Some(50));
        assert_eq!(at.page_token.as_deref(), Some("PA123"));
        assert_eq!((f.muted, f.hold), (Some(true), None));
        let (f, _) = parse(&format!(
            "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants?Hold=false"
        ))
        .unwrap();
        assert_eq!((f.muted, f.hold), (None, Some(false)));
        assert!(
            parse(&format!(
                "/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants.json?Page=2"
            ))
            .is_ok()
        );
        assert!(parse(&format!("https://example.signalwire.com/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants")).is_ok());
        assert!(
            parse(&format!(
                "/api/laml/2010-04-01/Accounts/{}/Conferences/{}/Participants",
                ACCOUNT.to_uppercase(),
                CONF.to_uppercase()
            ))
            .is_ok(),
            "SIDs in upper case are the same SIDs"
        );
    }

    #[test]
    fn refuses_what_it_cannot_follow_safely() {
        let listing =
            format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants");
        for (uri, why) in [
            ("string".to_owned(), "neither"),
            (format!("//evil.example{listing}"), "neither"),
            (format!("https://evil.example{listing}"), "another server"),
            (
                format!("http://example.signalwire.com{listing}"),
                "another server",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Recordings"),
                "not this participant listing",
            ),
            (
                format!(
                    "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/b3877c40-da60-4998-90ad-b792e98472ff/Participants"
                ),
                "not this participant listing",
            ),
            (
                format!("/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences"),
                "not this participant listing",
            ),
            (format!("{listing}?Page=x"), "Page is \"x\""),
            (format!("{listing}?PageSize=0"), "PageSize"),
            (format!("{listing}?PageSize=1001"), "PageSize"),
            (format!("{listing}?Muted=yes"), "Muted is not true or false"),
            (format!("{listing}?Page=1&Page=2"), "repeats"),
            (format!("{listing}?Status=completed"), "does not know"),
        ] {
            let err = parse(&uri).unwrap_err();
            assert!(err.contains(why), "{uri}: {err}");
        }
    }
}
