//! Pages of a listing, and the one walk that follows `next_page_uri` safely for every
//! resource.
//!
//! A resource's listing supplies a [`Listing`]: where it lives, how to read its own filters
//! back from a next-page URI, and how to fetch one page. Everything else (the page
//! parameters, the checks on a next-page URI, repeat detection, the bounds of a walk) is here
//! and written once.

use std::{collections::HashSet, future::Future, hash::Hash, num::NonZeroU32};

use progenitor_client::ClientInfo as _;
use reqwest::Url;

use crate::{Client, Error, error::Invalid};

/// One page of a listing, as a list builder's `send` returns it: the items of type `T` and
/// the paging fields.
///
/// Only the items are sure to be there: a server that leaves out a paging field gives `None`
/// for it, and a page without `next_page_uri` is the last.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The zero-based number of this page, when the server said.
    pub page: Option<u32>,
    /// The most items a page of this listing holds, when the server said.
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

impl<T> Page<T> {
    /// A page of these items with these paging fields, each converted from the generated
    /// page's item type.
    pub(crate) fn new<U: Into<T>>(items: Vec<U>, fields: PageFields) -> Self {
        Self {
            items: items.into_iter().map(Into::into).collect(),
            page: fields.page,
            page_size: fields.page_size,
            uri: fields.uri,
            first_page_uri: fields.first_page_uri,
            next_page_uri: fields.next_page_uri,
            previous_page_uri: fields.previous_page_uri,
        }
    }
}

/// The paging fields every listing's envelope has, as the generated pages carry them.
pub(crate) struct PageFields {
    pub(crate) page: Option<u32>,
    pub(crate) page_size: Option<u32>,
    pub(crate) uri: Option<String>,
    pub(crate) first_page_uri: Option<String>,
    pub(crate) next_page_uri: Option<String>,
    pub(crate) previous_page_uri: Option<String>,
}

/// Converts a generated page type, whose item field has the resource's own name, into a
/// [`Page`].
macro_rules! page_from {
    ($generated:ty, $items:ident => $item:ty) => {
        impl From<$generated> for $crate::Page<$item> {
            fn from(p: $generated) -> Self {
                $crate::Page::new(
                    p.$items,
                    $crate::wire::paging::PageFields {
                        page: p.page,
                        page_size: p.page_size,
                        uri: p.uri,
                        first_page_uri: p.first_page_uri,
                        next_page_uri: p.next_page_uri,
                        previous_page_uri: p.previous_page_uri,
                    },
                )
            }
        }
    };
}
pub(crate) use page_from;

/// The most pages a listing reads unless told otherwise.
pub(crate) const DEFAULT_MAX_PAGES: u32 = 1000;

/// How many empty pages in a row may still name a next page before the walk stops: a
/// server that keeps doing so would otherwise be followed forever.
const MAX_EMPTY_RUN: u32 = 3;

/// The page size the API uses when a request names none.
const DEFAULT_PAGE_SIZE: u32 = 50;

/// The largest page size the API takes.
pub(crate) const MAX_PAGE_SIZE: u32 = 1000;

/// One kind of listing: what a resource supplies to the walk.
pub(crate) trait Listing: Clone + Send + Sync + 'static {
    /// What a page holds.
    type Item: Send + 'static;
    /// The listing's own query parameters (`Muted`, `Status`, …), already checked.
    type Filters: Clone + Default + Hash + Eq + Send + Sync + 'static;

    /// What an error calls the listing, such as "participant listing".
    const WHAT: &'static str;

    /// The listing's path below the API root, one segment each, the last without `.json`:
    /// `["Accounts", account, "Conferences", conference, "Participants"]`.
    fn path(&self, client: &Client) -> Vec<String>;

    /// Reads one of the listing's own parameters from a next-page URI into `filters`:
    /// `Ok(false)` for a parameter that is not one of them, `Err` for a bad value.
    fn read_filter(filters: &mut Self::Filters, key: &str, value: &str) -> Result<bool, String>;

    /// Fetches one page.
    fn fetch(
        &self,
        client: &Client,
        filters: &Self::Filters,
        at: &Position,
    ) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send;
}

/// Where a page starts: the parameters every listing shares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) page: Option<u32>,
    pub(crate) page_size: Option<NonZeroU32>,
    pub(crate) page_token: Option<String>,
}

impl Position {
    /// The first page, of this many items (checked: 1 to 1000).
    pub(crate) fn first(page_size: Option<u32>) -> Result<Self, Error> {
        let page_size = page_size
            .map(|n| {
                NonZeroU32::new(n)
                    .filter(|n| n.get() <= MAX_PAGE_SIZE)
                    .ok_or_else(|| {
                        Error::invalid_input(
                            "page size",
                            format!("{n} is not between 1 and {MAX_PAGE_SIZE}"),
                        )
                    })
            })
            .transpose()?;
        Ok(Self {
            page_size,
            ..Self::default()
        })
    }
}

/// A page request with its defaults filled in: two spellings of one request (`Page=01`
/// and `Page=1`, parameters in another order, a default written out or left out) give the
/// same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey<F> {
    filters: F,
    page: u32,
    page_size: u32,
    page_token: Option<String>,
}

fn key<F: Clone>(filters: &F, at: &Position) -> PageKey<F> {
    PageKey {
        filters: filters.clone(),
        page: at.page.unwrap_or(0),
        page_size: at.page_size.map_or(DEFAULT_PAGE_SIZE, NonZeroU32::get),
        page_token: at.page_token.clone(),
    }
}

enum Next<F> {
    Fetch(F, Position),
    Fail(Error),
    Done,
}

struct Walk<L: Listing> {
    client: Client,
    listing: L,
    /// The listing's path, checked against every next-page URI.
    path: Vec<String>,
    next: Next<L::Filters>,
    /// Every page request made so far, normalized.
    seen: HashSet<PageKey<L::Filters>>,
    pages_read: u32,
    max_pages: u32,
    /// Empty pages in a row that named a next page.
    empty_run: u32,
}

/// Every page of a listing, fetched lazily from `first` on by following `next_page_uri`.
///
/// The walk ends with [`ErrorKind::Paging`](crate::ErrorKind::Paging), never a loop: on a next-page URI that names a
/// page already read (in any spelling), points to another server or listing, or cannot be
/// read; after [`MAX_EMPTY_RUN`] empty pages in a row that each name a next page; and when
/// a next page is named after `max_pages` pages (the client's limit when `None`).
fn pages<L: Listing>(
    client: Client,
    listing: L,
    (filters, at): (L::Filters, Position),
    max_pages: Option<u32>,
) -> impl futures_core::Stream<Item = Result<Page<L::Item>, Error>> + Send + 'static {
    let max_pages = max_pages.unwrap_or(client.inner.max_pages).max(1);
    let path = listing.path(&client);
    let seen = HashSet::from([key(&filters, &at)]);
    let next = Next::Fetch(filters, at);
    let walk = Walk {
        client,
        listing,
        path,
        next,
        seen,
        pages_read: 0,
        max_pages,
        empty_run: 0,
    };
    futures_util::stream::try_unfold(walk, |mut walk| async move {
        let (filters, at) = match std::mem::replace(&mut walk.next, Next::Done) {
            Next::Fetch(filters, at) => (filters, at),
            Next::Fail(e) => return Err(e),
            Next::Done => return Ok(None),
        };
        let page = walk.listing.fetch(&walk.client, &filters, &at).await?;
        walk.pages_read += 1;
        walk.empty_run = if page.items.is_empty() {
            walk.empty_run + 1
        } else {
            0
        };
        // The page's own URI names a page already read, too (a next page that points back at
        // it loops); an own URI that cannot be read is no reason to stop.
        if let Some((f, a)) = page.uri.as_deref().and_then(|uri| walk.parse(uri).ok()) {
            walk.seen.insert(key(&f, &a));
        }
        walk.next = match &page.next_page_uri {
            None => Next::Done,
            Some(uri) => match walk.follow(uri) {
                Ok((filters, at)) => Next::Fetch(filters, at),
                Err(reason) => Next::Fail(Error::paging(
                    walk.client
                        .inner
                        .api
                        .inner()
                        .secrets
                        .redact(uri)
                        .into_owned(),
                    reason,
                )),
            },
        };
        Ok(Some((page, walk)))
    })
}

impl<L: Listing> Walk<L> {
    fn parse(&self, uri: &str) -> Result<(L::Filters, Position), String> {
        parse_next_page::<L>(uri, &self.client.inner.base, &self.path)
    }

    /// The request a next-page URI asks for, if the walk may make it.
    fn follow(&mut self, uri: &str) -> Result<(L::Filters, Position), String> {
        let (filters, at) = self.parse(uri)?;
        if !self.seen.insert(key(&filters, &at)) {
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
        Ok((filters, at))
    }
}

/// Reads a next-page URI into the request it asks for, checking that it names the same
/// listing (`path`, below any API root, the last segment with or without `.json`) on the
/// same server.
pub(crate) fn parse_next_page<L: Listing>(
    uri: &str,
    base: &Url,
    path: &[String],
) -> Result<(L::Filters, Position), String> {
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
    let segments: Vec<&str> = url.path().trim_end_matches('/').split('/').collect();
    let tail = segments
        .len()
        .checked_sub(path.len())
        .map(|start| &segments[start..])
        .filter(|tail| tail.len() == path.len());
    let same = tail.is_some_and(|tail| {
        let (last, rest) = tail.split_last().expect("a listing path is not empty");
        let expected_last = path.last().expect("a listing path is not empty");
        rest.iter()
            .zip(path)
            .all(|(got, want)| got.eq_ignore_ascii_case(want))
            && (*last == expected_last || last.strip_suffix(".json") == Some(expected_last))
    });
    if !same {
        return Err(format!(
            "its path is not this {}: it should end in /{}",
            L::WHAT,
            path.join("/")
        ));
    }

    let mut filters = L::Filters::default();
    let mut at = Position::default();
    let mut keys = HashSet::new();
    for (key, value) in url.query_pairs() {
        if !keys.insert(key.clone()) {
            return Err(format!("it repeats the query parameter {key}"));
        }
        let bad = || format!("its {key} is {value:?}");
        match &*key {
            "Page" => at.page = Some(value.parse().map_err(|_| bad())?),
            "PageSize" => {
                at.page_size = Some(
                    value
                        .parse::<NonZeroU32>()
                        .ok()
                        .filter(|n| n.get() <= MAX_PAGE_SIZE)
                        .ok_or_else(bad)?,
                )
            }
            "PageToken" => at.page_token = Some(value.into_owned()),
            _ => {
                if !L::read_filter(&mut filters, &key, &value)
                    .map_err(|why| format!("its {key} {why}"))?
                {
                    return Err(format!(
                        "it has the query parameter {key}, which this client does not know"
                    ));
                }
            }
        }
    }
    Ok((filters, at))
}

/// A boolean query parameter, as the API writes it (`true`, `false`, in any case).
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// What every list builder holds: the client, the listing (or why it cannot be made), its
/// filters and the walk's settings. The builders add their own filter methods and get the
/// rest from [`list_methods!`].
#[derive(Debug, Clone)]
pub(crate) struct ListCore<L: Listing> {
    pub(crate) client: Client,
    pub(crate) listing: Result<L, Invalid>,
    pub(crate) filters: L::Filters,
    /// The first bad filter value given, reported when the listing is sent.
    pub(crate) invalid: Option<Invalid>,
    pub(crate) page_size: Option<u32>,
    pub(crate) max_pages: Option<u32>,
}

impl<L: Listing> ListCore<L> {
    pub(crate) fn new(client: Client, listing: Result<L, Invalid>) -> Self {
        Self {
            client,
            listing,
            filters: L::Filters::default(),
            invalid: None,
            page_size: None,
            max_pages: None,
        }
    }

    /// Keeps the first bad filter value, to report when the listing is sent.
    pub(crate) fn refuse(&mut self, field: &'static str, reason: impl Into<String>) {
        self.invalid.get_or_insert(Invalid {
            field,
            reason: reason.into(),
        });
    }

    /// The listing and its first request, or the first bad argument given.
    fn ready(self) -> Result<Ready<L>, Error> {
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        Ok(Ready {
            listing: self.listing?,
            at: Position::first(self.page_size)?,
            filters: self.filters,
            client: self.client,
            max_pages: self.max_pages,
        })
    }

    pub(crate) async fn send(self) -> Result<Page<L::Item>, Error> {
        let ready = self.ready()?;
        ready
            .listing
            .fetch(&ready.client, &ready.filters, &ready.at)
            .await
    }

    pub(crate) fn pages(
        self,
    ) -> impl futures_core::Stream<Item = Result<Page<L::Item>, Error>> + Send + 'static {
        use futures_util::{StreamExt as _, stream};
        match self.ready() {
            Ok(r) => pages(r.client, r.listing, (r.filters, r.at), r.max_pages).left_stream(),
            Err(e) => stream::once(async move { Err(e) }).right_stream(),
        }
    }

    pub(crate) fn stream(
        self,
    ) -> impl futures_core::Stream<Item = Result<L::Item, Error>> + Send + 'static {
        use futures_util::{StreamExt as _, TryStreamExt as _, stream};
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

/// A listing checked and ready to send.
struct Ready<L: Listing> {
    client: Client,
    listing: L,
    filters: L::Filters,
    at: Position,
    max_pages: Option<u32>,
}

/// The methods every list builder shares, written once: `page_size`, `max_pages`, `send`,
/// `stream` and `pages`, for a builder whose `core` field is a [`ListCore`].
macro_rules! list_methods {
    ($item:ty, $items:literal) => {
        #[doc = concat!("How many ", $items, " a page holds, from 1 to 1000 (the server's default is 50).")]
        pub fn page_size(mut self, page_size: u32) -> Self {
            self.core.page_size = Some(page_size);
            self
        }

        /// The most pages [`stream`](Self::stream) and [`pages`](Self::pages) read (at least
        /// 1): when a further page is named after that many, the listing ends with
        /// [`ErrorKind::Paging`](crate::ErrorKind::Paging). The client's
        /// [`max_pages`](crate::ClientBuilder::max_pages) (1,000 by default) otherwise.
        pub fn max_pages(mut self, pages: u32) -> Self {
            self.core.max_pages = Some(pages);
            self
        }

        /// Fetches the first page. A bad argument fails here, before anything is sent.
        pub fn send(
            self,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<$crate::Page<$item>, $crate::Error>,
        > + Send
               + 'static {
            self.core.send()
        }

        #[doc = concat!("Every matching one of the ", $items, ", fetching each page only when the previous one is used up.")]
        ///
        /// The stream follows the server's `next_page_uri` and ends after the last page. It ends
        /// with [`ErrorKind::Paging`](crate::ErrorKind::Paging) instead of looping when a next-page URI
        /// names a page already read (however it is spelt), points elsewhere or cannot be read,
        /// when three empty pages in a row each name a next page, and when a next page is named
        /// after [`max_pages`](Self::max_pages) pages. A bad argument is its first and only item.
        pub fn stream(
            self,
        ) -> impl ::futures_core::Stream<Item = ::std::result::Result<$item, $crate::Error>>
               + Send
               + 'static {
            self.core.stream()
        }

        /// Every page of the listing, fetched lazily; see [`stream`](Self::stream).
        pub fn pages(
            self,
        ) -> impl ::futures_core::Stream<
            Item = ::std::result::Result<$crate::Page<$item>, $crate::Error>,
        > + Send
               + 'static {
            self.core.pages()
        }
    };
}
pub(crate) use list_methods;
