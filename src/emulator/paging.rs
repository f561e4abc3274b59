//! One page of any listing the emulator serves, and the page URIs around it: written once for
//! every resource.
//!
//! Items are kept in the order they were created, each under a sequence number. A page token
//! names a position in that order: `PA7` is the page after item 7, `PB7` the page before it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::response::Refusal;

/// The largest page number a request may name.
const MAX_PAGE: u32 = i32::MAX as u32;

/// Where a page starts, as the shared query parameters give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) page: u32,
    pub(crate) page_size: u32,
    pub(crate) token: Option<PageToken>,
}

impl Default for Position {
    fn default() -> Self {
        Self {
            page: 0,
            page_size: 50,
            token: None,
        }
    }
}

/// Where a page starts: after (`PA`) or before (`PB`) an item's sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageToken {
    After(u64),
    Before(u64),
}

impl PageToken {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let number = |digits: &str| {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        if let Some(d) = text.strip_prefix("PA") {
            number(d).map(Self::After)
        } else if let Some(d) = text.strip_prefix("PB") {
            number(d).map(Self::Before)
        } else {
            None
        }
    }

    fn render(self) -> String {
        match self {
            Self::After(n) => format!("PA{n}"),
            Self::Before(n) => format!("PB{n}"),
        }
    }
}

impl Position {
    /// Reads `Page`, `PageSize` or `PageToken`; `Ok(false)` for any other parameter.
    pub(crate) fn read(&mut self, key: &str, value: &str) -> Result<bool, Refusal> {
        match key {
            "Page" => {
                self.page = value
                    .parse()
                    .ok()
                    .filter(|n| *n <= MAX_PAGE)
                    .ok_or_else(|| {
                        Refusal::bad(format!(
                            "Page must be a whole number from 0 to {MAX_PAGE}, not {value:?}"
                        ))
                    })?
            }
            "PageSize" => {
                self.page_size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        Refusal::bad(format!("PageSize must be from 1 to 1000, not {value:?}"))
                    })?
            }
            "PageToken" if !(value.starts_with("PA") || value.starts_with("PB")) => {
                return Err(Refusal::bad(format!(
                    "PageToken must start with PA or PB, not {value:?}"
                )));
            }
            "PageToken" => {
                self.token = Some(PageToken::parse(value).ok_or_else(|| {
                    Refusal::new(
                        422,
                        10000,
                        format!("PageToken {value:?} is not one this server gave"),
                    )
                })?)
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A listing's page: its items chosen from `items` (by sequence number, filtered by
/// `matches`), rendered, under `key`, with the envelope's URIs. `listing` is the listing's
/// path and `filters` its own query parameters, already encoded, each followed by `&`.
pub(crate) fn page<T>(
    items: &BTreeMap<u64, T>,
    matches: impl Fn(&T) -> bool,
    at: &Position,
    key: &str,
    listing: &str,
    filters: &str,
    render: impl Fn(&T) -> Value,
) -> Value {
    let size = at.page_size as usize;
    let chosen: Vec<(u64, &T)> = match at.token {
        None => items
            .iter()
            .filter(|(_, item)| matches(item))
            .skip(size.saturating_mul(at.page as usize))
            .take(size)
            .map(|(s, item)| (*s, item))
            .collect(),
        Some(PageToken::After(after)) => items
            .range(after.saturating_add(1)..)
            .filter(|(_, item)| matches(item))
            .take(size)
            .map(|(s, item)| (*s, item))
            .collect(),
        Some(PageToken::Before(before)) => {
            let mut v: Vec<_> = items
                .range(..before)
                .rev()
                .filter(|(_, item)| matches(item))
                .take(size)
                .map(|(s, item)| (*s, item))
                .collect();
            v.reverse();
            v
        }
    };
    let more_after = chosen
        .last()
        .is_some_and(|(last, _)| items.range(last + 1..).any(|(_, item)| matches(item)));
    let more_before = chosen
        .first()
        .is_some_and(|(first, _)| items.range(..*first).any(|(_, item)| matches(item)));

    let page_uri = |page: u32, token: Option<PageToken>| {
        let mut uri = format!("{listing}?{filters}Page={page}&PageSize={size}");
        if let Some(t) = token {
            uri.push_str("&PageToken=");
            uri.push_str(&t.render());
        }
        uri
    };
    let page = at.page;
    // A page past the last one a request can name is never offered: the emulator would
    // refuse the URI it handed out.
    let next = (more_after && page < MAX_PAGE).then(|| {
        let last = chosen.last().map(|(s, _)| *s).unwrap_or_default();
        page_uri(page + 1, Some(PageToken::After(last)))
    });
    let previous = (page > 0 && more_before).then(|| {
        let first = chosen.first().map(|(s, _)| *s).unwrap_or_default();
        page_uri(page - 1, Some(PageToken::Before(first)))
    });
    let rendered: Vec<Value> = chosen.iter().map(|(_, item)| render(item)).collect();
    let mut envelope = json!({
        "uri": page_uri(page, at.token),
        "first_page_uri": page_uri(0, None),
        "next_page_uri": next,
        "previous_page_uri": previous,
        "page": page,
        "page_size": size,
    });
    envelope[key] = Value::Array(rendered);
    envelope
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let read = |pairs: &[(&str, &str)]| {
            let mut at = Position::default();
            for (k, v) in pairs {
                assert!(at.read(k, v)?);
            }
            Ok::<_, Refusal>(at)
        };
        let at = read(&[("PageSize", "2"), ("Page", "3"), ("PageToken", "PA7")]).unwrap();
        assert_eq!(
            (at.page, at.page_size, at.token),
            (3, 2, Some(PageToken::After(7)))
        );
        for bad in [
            ("PageSize", "0"),
            ("PageSize", "1001"),
            ("PageSize", "x"),
            ("Page", "-1"),
            ("Page", "2147483648"),
            ("PageToken", "XY1"),
            ("PageToken", "PA"),
        ] {
            assert!(read(&[bad]).is_err(), "{bad:?}");
        }
        assert!(!Position::default().read("Muted", "true").unwrap());
    }
}
