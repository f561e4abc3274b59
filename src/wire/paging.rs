//! Pages of a listing, and following `next_page_uri` safely.

use std::{collections::HashSet, num::NonZeroU32};

use progenitor_client::ClientInfo as _;
use reqwest::Url;
use uuid::Uuid;

use crate::{Client, Error, Participant, wire::generated::types};

/// One page of a conference's participants, as [`ListParticipants::send`] returns it.
///
/// Only `participants` is sure to be there: a server that leaves out a paging field gives
/// `None` for it, and a page without `next_page_uri` is the last.
///
/// [`ListParticipants::send`]: crate::ListParticipants::send
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page {
    /// The participants on this page.
    pub participants: Vec<Participant>,
    /// The zero-based number of this page, when the server said.
    pub page: Option<u32>,
    /// The most participants a page of this listing holds, when the server said.
    pub page_size: Option<u32>,
    /// This page, relative to the host.
    pub uri: Option<String>,
    /// The first page, relative to the host.
    pub first_page_uri: Option<String>,
    /// The next page, relative to the host; `None` on the last page.
    pub next_page_uri: Option<String>,
    /// The previous page, relative to the host; `None` on the first page.
    pub previous_page_uri: Option<String>,
}

impl From<types::ParticipantPage> for Page {
    fn from(p: types::ParticipantPage) -> Self {
        Self {
            participants: p.participants.into_iter().map(Participant::from).collect(),
            page: p.page,
            page_size: p.page_size,
            uri: p.uri,
            first_page_uri: p.first_page_uri,
            next_page_uri: p.next_page_uri,
            previous_page_uri: p.previous_page_uri,
        }
    }
}

/// The most pages a listing reads unless told otherwise.
pub(crate) const DEFAULT_MAX_PAGES: u32 = 1000;

/// How many empty pages in a row may still name a next page before the walk stops: a
/// server that keeps doing so would otherwise be followed forever.
const MAX_EMPTY_RUN: u32 = 3;

/// The page size the API uses when a request names none.
const DEFAULT_PAGE_SIZE: u32 = 50;

/// The query of one list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListQuery {
    pub(crate) conference: Uuid,
    pub(crate) muted: Option<bool>,
    pub(crate) hold: Option<bool>,
    pub(crate) page: Option<u32>,
    pub(crate) page_size: Option<NonZeroU32>,
    pub(crate) page_token: Option<String>,
}

/// A page request with its defaults filled in: two spellings of one request (`Page=01`
/// and `Page=1`, parameters in another order, a default written out or left out) give the
/// same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    muted: Option<bool>,
    hold: Option<bool>,
    page: u32,
    page_size: u32,
    page_token: Option<String>,
}

impl ListQuery {
    fn key(&self) -> PageKey {
        PageKey {
            muted: self.muted,
            hold: self.hold,
            page: self.page.unwrap_or(0),
            page_size: self.page_size.map_or(DEFAULT_PAGE_SIZE, NonZeroU32::get),
            page_token: self.page_token.clone(),
        }
    }
}

impl Client {
    pub(crate) async fn list_page(&self, q: &ListQuery) -> Result<Page, Error> {
        let account = self.inner.account;
        let value = self
            .run(true, "page of participants", |api| {
                api.list_participants(
                    &account,
                    &q.conference,
                    q.hold,
                    q.muted,
                    q.page,
                    q.page_size,
                    q.page_token.as_ref(),
                )
            })
            .await?;
        Ok(value.into_inner().into())
    }
}

enum Next {
    Fetch(ListQuery),
    Fail(Error),
    Done,
}

struct Walk {
    client: Client,
    conference: Uuid,
    next: Next,
    /// Every page request made so far, normalized.
    seen: HashSet<PageKey>,
    pages_read: u32,
    max_pages: u32,
    /// Empty pages in a row that named a next page.
    empty_run: u32,
}

/// Every page of a listing, fetched lazily from `first` on by following `next_page_uri`.
///
/// The walk ends with [`Error::Paging`], never a loop: on a next-page URI that names a
/// page already read (in any spelling), points to another server or listing, or cannot be
/// read; after [`MAX_EMPTY_RUN`] empty pages in a row that each name a next page; and when
/// a next page is named after `max_pages` pages.
pub(crate) fn pages(
    client: Client,
    first: Result<ListQuery, Error>,
    max_pages: Option<u32>,
) -> impl futures_core::Stream<Item = Result<Page, Error>> + Send + 'static {
    let max_pages = max_pages.unwrap_or(client.inner.max_pages).max(1);
    let (conference, next, seen) = match first {
        Ok(query) => (
            query.conference,
            Next::Fetch(query.clone()),
            HashSet::from([query.key()]),
        ),
        Err(e) => (Uuid::nil(), Next::Fail(e), HashSet::new()),
    };
    let walk = Walk {
        client,
        conference,
        next,
        seen,
        pages_read: 0,
        max_pages,
        empty_run: 0,
    };
    futures_util::stream::try_unfold(walk, |mut walk| async move {
        let query = match std::mem::replace(&mut walk.next, Next::Done) {
            Next::Fetch(query) => query,
            Next::Fail(e) => return Err(e),
            Next::Done => return Ok(None),
        };
        let page = walk.client.list_page(&query).await?;
        walk.pages_read += 1;
        // The page's own URI names a page already read, too (a next page that points back at
        // it loops); an own URI that cannot be read is no reason to stop.
        if let Some(own) = page.uri.as_deref().and_then(|uri| walk.parse(uri).ok()) {
            walk.seen.insert(own.key());
        }
        walk.empty_run = if page.participants.is_empty() {
            walk.empty_run + 1
        } else {
            0
        };
        walk.next = match &page.next_page_uri {
            None => Next::Done,
            Some(uri) => match walk.follow(uri) {
                Ok(query) => Next::Fetch(query),
                Err(reason) => Next::Fail(Error::Paging {
                    uri: walk
                        .client
                        .inner
                        .api
                        .inner()
                        .secrets
                        .redact(uri)
                        .into_owned(),
                    reason,
                }),
            },
        };
        Ok(Some((page, walk)))
    })
}

impl Walk {
    /// The request a next-page URI asks for, if the walk may make it.
    fn parse(&self, uri: &str) -> Result<ListQuery, String> {
        let inner = &self.client.inner;
        parse_next_page(uri, &inner.base, inner.account, self.conference)
    }

    fn follow(&mut self, uri: &str) -> Result<ListQuery, String> {
        let query = self.parse(uri)?;
        if !self.seen.insert(query.key()) {
            return Err(
                "it names a page already read (perhaps spelt another way); following it would loop"
                    .into(),
            );
        }
        if self.empty_run >= MAX_EMPTY_RUN {
            return Err(format!(
                "the last {} pages were empty yet each named a next page; the server is not making progress",
                self.empty_run
            ));
        }
        if self.pages_read >= self.max_pages {
            return Err(format!(
                "the listing has read its limit of {} pages; if it is really that long, raise the limit with `max_pages` on the listing or the client (--max-pages on the command line)",
                self.max_pages
            ));
        }
        Ok(query)
    }
}

/// Reads a next-page URI into the query it asks for, checking that it names the same
/// listing on the same server.
pub(crate) fn parse_next_page(
    uri: &str,
    base: &Url,
    account: Uuid,
    conference: Uuid,
) -> Result<ListQuery, String> {
    let absolute = uri.starts_with("http://") || uri.starts_with("https://");
    if !absolute && (!uri.starts_with('/') || uri.starts_with("//")) {
        return Err("it is neither a host-relative path nor a URL".into());
    }
    let url = base
        .join(uri)
        .map_err(|e| format!("it is not a valid URI ({e})"))?;
    if url.origin() != base.origin() {
        return Err(
            "it points to another server; credentials are only sent to the configured one".into(),
        );
    }
    let segments: Vec<&str> = url
        .path()
        .trim_end_matches('/')
        .rsplit('/')
        .take(5)
        .collect();
    let listing = match segments.as_slice() {
        [last, conf, "Conferences", acct, "Accounts"] => (*last, *conf, *acct),
        _ => return Err("its path is not a participant listing".into()),
    };
    let (last, conf, acct) = listing;
    if !matches!(last, "Participants" | "Participants.json") {
        return Err("its path is not a participant listing".into());
    }
    if Uuid::try_parse(acct).ok() != Some(account) || Uuid::try_parse(conf).ok() != Some(conference)
    {
        return Err("it names another account or conference".into());
    }

    let mut query = ListQuery {
        conference,
        muted: None,
        hold: None,
        page: None,
        page_size: None,
        page_token: None,
    };
    let mut keys = HashSet::new();
    for (key, value) in url.query_pairs() {
        if !keys.insert(key.clone()) {
            return Err(format!("it repeats the query parameter {key}"));
        }
        let bad = || format!("its {key} is {value:?}");
        match &*key {
            "Page" => query.page = Some(value.parse().map_err(|_| bad())?),
            "PageSize" => {
                query.page_size = Some(
                    value
                        .parse::<NonZeroU32>()
                        .ok()
                        .filter(|n| n.get() <= 1000)
                        .ok_or_else(bad)?,
                )
            }
            "PageToken" => query.page_token = Some(value.into_owned()),
            "Muted" => query.muted = Some(parse_bool(&value).ok_or_else(bad)?),
            "Hold" => query.hold = Some(parse_bool(&value).ok_or_else(bad)?),
            _ => {
                return Err(format!(
                    "it has the query parameter {key}, which this client does not know"
                ));
            }
        }
    }
    Ok(query)
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "b3877c40-da60-4998-90ad-b792e98472af";
    const CONF: &str = "b3877c40-da60-4998-90ad-b792e98472cf";

    fn parse(uri: &str) -> Result<ListQuery, String> {
        let base = Url::parse("https://example.signalwire.com/api/laml/2010-04-01").unwrap();
        parse_next_page(uri, &base, ACCOUNT.parse().unwrap(), CONF.parse().unwrap())
    }

    #[test]
    fn reads_the_documented_form() {
        let q = parse(&format!(
            "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants?Page=1&PageSize=50&PageToken=PA123&Muted=True"
        ))
        .unwrap();
        assert_eq!(q.page, Some(1));
        assert_eq!(q.page_size.map(NonZeroU32::get), Some(50));
        assert_eq!(q.page_token.as_deref(), Some("PA123"));
        assert_eq!(q.muted, Some(true));
        assert_eq!(q.hold, None);
        assert!(
            parse(&format!(
                "/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants.json?Page=2"
            ))
            .is_ok()
        );
        assert!(parse(&format!("https://example.signalwire.com/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/{CONF}/Participants")).is_ok());
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
                "not a participant listing",
            ),
            (
                format!(
                    "/api/laml/2010-04-01/Accounts/{ACCOUNT}/Conferences/b3877c40-da60-4998-90ad-b792e98472ff/Participants"
                ),
                "another account or conference",
            ),
            (format!("{listing}?Page=x"), "Page is \"x\""),
            (format!("{listing}?PageSize=0"), "PageSize"),
            (format!("{listing}?PageSize=1001"), "PageSize"),
            (format!("{listing}?Muted=yes"), "Muted"),
            (format!("{listing}?Page=1&Page=2"), "repeats"),
            (format!("{listing}?Status=completed"), "does not know"),
        ] {
            let err = parse(&uri).unwrap_err();
            assert!(err.contains(why), "{uri}: {err}");
        }
    }
}
