//! The rows of one of the emulator's own resources (calls, messages, conferences): kept in
//! the order their listing shows them, each found by its SID, and paged and fetched the
//! same way for every resource.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use uuid::Uuid;

use super::{
    form::{DayFilter, listing_filters, read_query, status_filter},
    paging::{Position, page},
    response::Refusal,
};
use crate::API_ROOT_PATH;

/// One of the emulator's own resources, as its listing and its fetch show it.
pub(crate) trait Row {
    /// What its listing's JSON calls its items (`calls`).
    const ITEMS: &'static str;
    /// Its collection's path below the account (`Calls`).
    const PATH: &'static str;
    /// Its listing's request: filters already checked, and a position.
    type Request;

    /// Its listing's path (below the API root): its collection's under the account,
    /// unless it sits below another resource.
    fn path(account: &Uuid, _request: &Self::Request) -> String {
        listing(account, Self::PATH)
    }
    /// Its listing's position in `request`.
    fn at(request: &Self::Request) -> &Position;
    /// Its listing's filters in `request`.
    fn filters(request: &Self::Request) -> Filters<'_>;
    /// Whether the row passes `request`'s filters.
    fn matches(&self, request: &Self::Request) -> bool;
    /// The row in the API's JSON shape.
    fn render(&self, account: &Uuid) -> Value;
}

/// A listing's own filters that are given, as query pairs, and its day filters: what its
/// page URIs repeat.
pub(crate) type Filters<'r> = (Vec<Option<(&'static str, String)>>, &'r [DayFilter]);

/// The path of a collection of `account`'s, below the API root (`…/Accounts/{sid}/Calls`).
pub(crate) fn listing(account: &Uuid, path: &str) -> String {
    format!("{API_ROOT_PATH}/Accounts/{account}/{path}")
}

/// A listing of calls or messages, as its query asks: who they are to and from, their
/// status, the day filters, the page, and what else the resource filters by (`X`); checked.
#[derive(Debug, Default)]
pub(crate) struct PartyListing<X> {
    pub(crate) to: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) dates: Vec<DayFilter>,
    pub(crate) at: Position,
    pub(crate) extra: X,
}

impl<X: Default> PartyListing<X> {
    /// Reads a listing's query: `To`, `From`, `Status` (one of `statuses`), the day filters
    /// of the fields `days` names, the position, and what `extra` takes (answering whether it took
    /// it); anything else is refused, naming `filters`. An empty filter means no filter.
    pub(crate) fn read(
        query: Option<&str>,
        filters: &[&str],
        days: &[&str],
        statuses: &[&str],
        mut extra: impl FnMut(&mut X, &str, String) -> Result<bool, Refusal>,
    ) -> Result<Self, Refusal> {
        let mut listing = Self::default();
        let (mut dates, mut at) = (Vec::new(), Position::default());
        read_query(query, filters, days, &mut dates, &mut at, |key, value| {
            match key {
                "To" => listing.to = Some(value),
                "From" => listing.from = Some(value),
                "Status" => listing.status = Some(status_filter(value, statuses)?),
                _ => return extra(&mut listing.extra, key, value),
            }
            Ok(true)
        })?;
        Ok(Self {
            dates,
            at,
            ..listing
        })
    }

    /// Its filters, as its page URIs repeat them: `To`, `From`, the resource's own
    /// (`extra`), `Status`, and the day filters.
    pub(crate) fn filters(&self, extra: Option<(&'static str, String)>) -> Filters<'_> {
        let own = vec![
            self.to.clone().map(|v| ("To", v)),
            self.from.clone().map(|v| ("From", v)),
            extra,
            self.status.clone().map(|v| ("Status", v)),
        ];
        (own, &self.dates)
    }

    /// Whether a row to `to`, from `from`, in `status` passes the filters of those (the day
    /// filters and the resource's own are its to check).
    pub(crate) fn passes(&self, to: &str, from: &str, status: &str) -> bool {
        self.to.as_deref().is_none_or(|t| t == to)
            && self.from.as_deref().is_none_or(|f| f == from)
            && self.status.as_deref().is_none_or(|s| s == status)
    }
}

/// Rows in listing order, each found by its SID.
#[derive(Debug)]
pub(crate) struct Ordered<T> {
    by_seq: BTreeMap<u64, T>,
    seq_of: HashMap<Uuid, u64>,
    /// How many rows were ever added, for the next one's place.
    added: u64,
}

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self {
            by_seq: BTreeMap::new(),
            seq_of: HashMap::new(),
            added: 0,
        }
    }
}

impl<T> Ordered<T> {
    pub(crate) fn get(&self, sid: &Uuid) -> Option<&T> {
        self.by_seq.get(self.seq_of.get(sid)?)
    }

    pub(crate) fn get_mut(&mut self, sid: &Uuid) -> Option<&mut T> {
        self.by_seq.get_mut(self.seq_of.get(sid)?)
    }

    /// Adds a row that lists before every other (a listing newest first).
    pub(crate) fn push_first(&mut self, sid: Uuid, row: T) -> &mut T {
        self.added += 1;
        self.put(u64::MAX - self.added, sid, row)
    }

    /// Adds a row that lists after every other (a listing oldest first).
    pub(crate) fn push_last(&mut self, sid: Uuid, row: T) -> &mut T {
        // The first row is 0, as page tokens count from there.
        let seq = self.added;
        self.added += 1;
        self.put(seq, sid, row)
    }

    fn put(&mut self, seq: u64, sid: Uuid, row: T) -> &mut T {
        if let Some(old) = self.seq_of.insert(sid, seq) {
            self.by_seq.remove(&old);
        }
        self.by_seq.entry(seq).or_insert(row)
    }

    pub(crate) fn remove(&mut self, sid: &Uuid) -> Option<T> {
        let seq = self.seq_of.remove(sid)?;
        self.by_seq.remove(&seq)
    }

    pub(crate) fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// The rows, in listing order.
    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.by_seq.values()
    }

    pub(crate) fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> {
        self.by_seq.values_mut()
    }
}

impl<T: Row> Ordered<T> {
    /// One page of the rows `request` passes, with the envelope's URIs.
    pub(crate) fn list(&self, account: &Uuid, request: &T::Request) -> Value {
        let (own, days) = T::filters(request);
        page(
            &self.by_seq,
            |row| row.matches(request),
            T::at(request),
            T::ITEMS,
            &T::path(account, request),
            &listing_filters(own, days),
            |row| row.render(account),
        )
    }

    /// The row `sid` rendered, or the 404 for `path`.
    pub(crate) fn fetch(&self, account: &Uuid, sid: &Uuid, path: &str) -> Result<Value, Refusal> {
        self.get(sid)
            .map(|row| row.render(account))
            .ok_or_else(|| Refusal::not_found(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_list_first_or_last_and_are_found_by_sid() {
        let [a, b, c] = [1, 2, 3].map(Uuid::from_u128);
        let mut newest = Ordered::default();
        newest.push_first(a, "a");
        newest.push_first(b, "b");
        assert_eq!(newest.values().copied().collect::<Vec<_>>(), ["b", "a"]);
        let mut oldest = Ordered::default();
        oldest.push_last(a, "a");
        oldest.push_last(b, "b");
        oldest.push_last(c, "c");
        assert_eq!(oldest.remove(&b), Some("b"));
        assert_eq!(oldest.values().copied().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(
            (oldest.get(&c), oldest.get(&b), oldest.len()),
            (Some(&"c"), None, 2)
        );
        // A SID added again replaces its row.
        oldest.push_last(a, "a2");
        assert_eq!(oldest.values().copied().collect::<Vec<_>>(), ["c", "a2"]);
    }
}
