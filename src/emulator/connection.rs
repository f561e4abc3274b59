//! How the emulator connects to an app, as SignalWire does: 2 s to connect, 5 s for the
//! answer (and between its packets), 15 s in all, unless the URL's fragment overrides them
//! (`https://app.example/voice#ot=1000&rt=3000&tt=8000`, each in milliseconds: `ot` 100 to
//! 10,000, `rt` and `tt` 100 to 15,000). The fragment is not sent and not signed: the request
//! goes to the URL without it, and is signed as it is sent. A value out of its range, or
//! not a number, is not used (the default is), and the log says so; other names in the
//! fragment are left alone.

use std::{collections::HashMap, fmt, sync::Mutex, time::Duration};

use super::runner::{CONNECT_TIMEOUT, MAX_HTTP_REDIRECTS, READ_TIMEOUT, TOTAL_TIMEOUT};

/// The timeouts of one request to an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Timeouts {
    /// To make the connection (`ot`).
    pub(crate) connect: Duration,
    /// For the answer to begin, and between its packets (`rt`).
    pub(crate) read: Duration,
    /// For everything, retries of a status callback included (`tt`).
    pub(crate) total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: CONNECT_TIMEOUT,
            read: READ_TIMEOUT,
            total: TOTAL_TIMEOUT,
        }
    }
}

impl fmt::Display for Timeouts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} to connect, {} to answer, {} in all",
            Seconds(self.connect),
            Seconds(self.read),
            Seconds(self.total)
        )
    }
}

/// A duration as the log writes it: `2 s`, `1.5 s`.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{} s", ms / 1000)
        } else {
            write!(f, "{} s", self.0.as_secs_f64())
        }
    }
}

/// Where a request goes and how long it may take: an app's URL read for its overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The URL without its fragment: what is requested and signed.
    pub(crate) url: String,
    pub(crate) timeouts: Timeouts,
    /// The overrides that were not used, and why.
    pub(crate) ignored: Vec<String>,
}

/// The overrides SignalWire reads from a fragment: name, what it sets, its range in ms.
const OVERRIDES: [(&str, &str, u64, u64); 3] = [
    ("ot", "the time to connect", 100, 10_000),
    ("rt", "the time to answer", 100, 15_000),
    ("tt", "the time in all", 100, 15_000),
];

/// The most overrides not used that are told one by one; the rest are counted.
const MAX_NOTES: usize = 3;

/// Reads `url`'s fragment for its connection overrides.
pub(crate) fn target(url: &str) -> Target {
    let (url, fragment) = match url.split_once('#') {
        Some((url, fragment)) => (url, fragment),
        None => (url, ""),
    };
    let mut timeouts = Timeouts::default();
    let mut ignored = Vec::new();
    let mut more = 0;
    for pair in fragment.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(&(_, what, low, high)) = OVERRIDES.iter().find(|(n, ..)| *n == name) else {
            continue;
        };
        match value.parse::<u64>() {
            Ok(ms) if (low..=high).contains(&ms) => {
                let set = Duration::from_millis(ms);
                match name {
                    "ot" => timeouts.connect = set,
                    "rt" => timeouts.read = set,
                    _ => timeouts.total = set,
                }
            }
            _ if ignored.len() == MAX_NOTES => more += 1,
            _ => ignored.push(format!(
                "{name}={value} is not used: {what} is {low} to {high} ms",
                value = crate::Printable::with_limit(value, 40),
            )),
        }
    }
    if more > 0 {
        ignored.push(format!("and {more} more overrides not used"));
    }
    Target {
        url: url.to_owned(),
        timeouts,
        ignored,
    }
}

/// The most HTTP clients made for the timeouts asked for: past it, a request that asks for
/// other connect and read timeouts gets the defaults (its total still holds), and a note
/// says so, so that a stream of odd overrides neither grows memory nor makes a client (which
/// reads the system's certificates) for each request.
const MAX_CLIENTS: usize = 16;

/// The emulator's HTTP clients for apps, one for each connect and read timeout asked for,
/// made when first needed: no proxy from the environment, and redirects followed as
/// SignalWire follows them (for documents) or not at all (for status callbacks).
#[derive(Debug)]
pub(crate) struct Clients {
    follow_redirects: bool,
    made: Mutex<HashMap<(Duration, Duration), reqwest::Client>>,
}

impl Clients {
    /// The clients for documents (`follow_redirects`) or for status callbacks; the default
    /// one is made now, so that a build that cannot make one fails at start.
    pub(crate) fn new(follow_redirects: bool) -> Result<Self, String> {
        let clients = Self {
            follow_redirects,
            made: Mutex::default(),
        };
        clients.client(&mut target(""))?;
        Ok(clients)
    }

    /// A client for `target`'s connect and read timeouts (the total is set on each
    /// request); the defaults' once [`MAX_CLIENTS`] are made, noted in `target`.
    pub(crate) fn client(&self, target: &mut Target) -> Result<reqwest::Client, String> {
        let timeouts = target.timeouts;
        let key = (timeouts.connect, timeouts.read);
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = made.get(&key) {
            return Ok(client.clone());
        }
        let defaults = Timeouts::default();
        if made.len() >= MAX_CLIENTS
            && let Some(client) = made.get(&(defaults.connect, defaults.read))
        {
            target.timeouts.connect = defaults.connect;
            target.timeouts.read = defaults.read;
            target.ignored.push(format!(
                "the emulator keeps {MAX_CLIENTS} pairs of connect and read timeouts: the defaults are used"
            ));
            return Ok(client.clone());
        }
        let policy = if self.follow_redirects {
            reqwest::redirect::Policy::limited(MAX_HTTP_REDIRECTS)
        } else {
            reqwest::redirect::Policy::none()
        };
        let builder = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            .redirect(policy)
            .no_proxy();
        let builder = crate::client::tls(builder).map_err(|e| e.to_string())?;
        let client = builder.build().map_err(|e| e.to_string())?;
        made.insert(key, client.clone());
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_fragment_overrides_the_timeouts_and_is_not_sent() {
        let t = target("http://127.0.0.1:8080/voice?x=1#ot=1000&rt=250&tt=8000");
        assert_eq!(t.url, "http://127.0.0.1:8080/voice?x=1");
        assert_eq!(
            t.timeouts,
            Timeouts {
                connect: ms(1000),
                read: ms(250),
                total: ms(8000)
            }
        );
        assert!(t.ignored.is_empty());
        assert_eq!(
            t.timeouts.to_string(),
            "1 s to connect, 0.25 s to answer, 8 s in all"
        );
    }

    #[test]
    fn no_fragment_is_the_defaults_and_other_names_are_left_alone() {
        for url in ["http://a/b", "http://a/b#", "http://a/b#section-2&x=1"] {
            let t = target(url);
            assert_eq!(t.timeouts, Timeouts::default(), "{url}");
            assert!(t.ignored.is_empty(), "{url}");
        }
        assert_eq!(
            Timeouts::default().to_string(),
            "2 s to connect, 5 s to answer, 15 s in all"
        );
    }

    #[test]
    fn a_value_out_of_range_is_not_used_and_said() {
        let t = target("http://a/b#ot=99&rt=15001&tt=fast&ot=10000&rt");
        // The last valid `ot` is used; the others are told.
        assert_eq!(t.timeouts.connect, ms(10_000));
        assert_eq!(t.timeouts.read, READ_TIMEOUT);
        assert_eq!(t.timeouts.total, TOTAL_TIMEOUT);
        assert_eq!(t.ignored.len(), 4, "{:?}", t.ignored);
        assert!(
            t.ignored[0].starts_with("ot=99 is not used: the time to connect is 100 to 10000 ms")
        );
        assert_eq!(t.ignored[3], "and 1 more overrides not used");
    }

    #[test]
    fn a_fragment_of_many_bad_overrides_makes_a_few_notes() {
        let url = format!("http://a/b#{}", "ot=&".repeat(20_000));
        let t = target(&url);
        assert_eq!(t.ignored.len(), MAX_NOTES + 1);
        assert_eq!(t.ignored[MAX_NOTES], "and 19997 more overrides not used");
        let huge = target("http://a/b#rt=99999999999999999999999999999999");
        assert_eq!(huge.timeouts, Timeouts::default());
        assert_eq!(huge.ignored.len(), 1);
    }
}
