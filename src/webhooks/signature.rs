//! Checking that a webhook came from SignalWire: the signature its `X-SignalWire-Signature`
//! header carries.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use sha1::Sha1;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// The headers a signature comes in: SignalWire's, and Twilio's (which SignalWire's own
/// libraries also read).
pub const SIGNATURE_HEADERS: [&str; 2] = ["x-signalwire-signature", "x-twilio-signature"];

/// A project's Signing Key (`PSK_…`, from the dashboard's API credentials; not the API
/// token). Never printed: its `Debug` is redacted.
#[derive(Clone)]
pub struct SigningKey(String);

impl SigningKey {
    /// The key. An empty one is refused: it would make every signature forgeable.
    pub fn new(key: impl Into<String>) -> Result<Self, WebhookError> {
        let key = key.into();
        if key.is_empty() {
            return Err(WebhookError::EmptyKey);
        }
        Ok(Self(key))
    }

    /// The key itself, to hand to something that needs it (a receiver in another process,
    /// say). Print it only where a secret may be shown.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

/// What a webhook request carried besides its URL.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// A form body (`application/x-www-form-urlencoded`), as name-value pairs in the order
    /// they came, repeated names included.
    Form(&'a [(String, String)]),
    /// A form body as it came, undecoded: the signature is checked over its names and
    /// values as bytes, so a value that is not UTF-8 text (`%FF`, from a sender that
    /// encodes Latin-1) is checked as it was signed and never as a replacement character.
    /// [`Validator::read`] and the axum extractor check bodies this way.
    FormBody(&'a [u8]),
    /// Any other body (JSON, say), as raw bytes: its SHA-256 must be in the URL's
    /// `bodySHA256` parameter, or the request is refused.
    Raw(&'a [u8]),
    /// No body (a `GET`).
    Empty,
}

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A signing key was empty.
    #[error("the signing key is empty; give the project's Signing Key")]
    EmptyKey,
    /// The request carried no signature header.
    #[error("the request has no X-SignalWire-Signature header")]
    MissingSignature,
    /// The signature does not match the URL and body: the request is not from SignalWire,
    /// was changed on the way, or the URL checked is not the one SignalWire called (behind
    /// a proxy, give the public URL).
    #[error(
        "the signature does not match this URL and body; if the app is behind a proxy, check it with the public URL SignalWire calls"
    )]
    BadSignature,
    /// A body that is not a form came with no `bodySHA256` in its URL, so it is not covered
    /// by the signature.
    #[error("a body that is not a form needs a bodySHA256 parameter in the URL; none was there")]
    MissingBodyHash,
    /// The body's SHA-256 is not the URL's `bodySHA256`.
    #[error("the body's SHA-256 does not match the URL's bodySHA256")]
    BodyHashMismatch,
    /// A callback lacks a parameter no event can be without.
    #[error("the callback has no {0} parameter")]
    MissingParameter(&'static str),
    /// The signature header is there but is not text (a byte outside ASCII).
    #[error("the X-SignalWire-Signature header is not text; a signature is base64")]
    UnreadableSignature,
    /// A parameter the webhook's type reads came more than once with different values:
    /// which one counts cannot be told from a signature that covers its values sorted.
    #[error(
        "the {0} parameter came more than once with different values; which one counts cannot be told"
    )]
    AmbiguousParameter(String),
    /// The callback's `Timestamp` is further from now than the window allows: a replay of
    /// one captured earlier, or a clock far off.
    #[error(
        "the callback's Timestamp is {age_seconds} s from now, outside the {window_seconds} s window: a replay, or a clock far off"
    )]
    Stale {
        /// How long ago it was signed, in seconds (negative: in the future).
        age_seconds: i64,
        /// The window allowed, in seconds.
        window_seconds: u64,
    },
    /// The body is larger than a callback can be, or broke off while it was read.
    #[error("the body is larger than {limit} bytes, or could not be read whole")]
    UnreadableBody {
        /// The most bytes read.
        limit: usize,
    },
}

/// Checks webhook signatures with a project's Signing Key.
///
/// The signature is HMAC-SHA1, in base64, over the URL SignalWire called followed by every
/// form parameter's name and value, in name order. A signature over the URL as given, with
/// its scheme's default port added, or with its port taken out, is accepted; the query is
/// never re-encoded. For a repeated parameter, the orders senders use are accepted: values
/// as sent (SignalWire's own libraries), and sorted, with or without repeated pairs dropped
/// (Twilio's libraries drop them, and its published test vector needs that; a pair sent
/// twice changes no value a webhook type reads). Comparison takes the same time wherever
/// the signatures differ.
///
/// What the scheme cannot cover, as the official libraries say of theirs: since a signature
/// without the port is accepted, one made for any port of the host is; the names and values
/// are joined with nothing between them, so `a=bc` and `ab=c` sign alike; a signature over
/// sorted values does not say in which order a repeated name's values came (so a type read
/// from a webhook refuses a parameter it reads that came twice with different values:
/// [`WebhookError::AmbiguousParameter`]); and nothing in it dates the request (see
/// [`ConferenceEvent::check_fresh`](super::ConferenceEvent::check_fresh) and
/// [`Replays`](super::Replays)).
///
/// ```
/// use signalwire_compat::webhooks::{Payload, SigningKey, Validator};
///
/// let validator = Validator::new(SigningKey::new("12345").unwrap());
/// let form: Vec<(String, String)> = [
///     ("CallSid", "CA1234567890ABCDE"),
///     ("Caller", "+14158675309"),
///     ("Digits", "1234"),
///     ("From", "+14158675309"),
///     ("To", "+18005551212"),
/// ]
/// .map(|(k, v)| (k.to_owned(), v.to_owned()))
/// .into();
/// let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
/// assert!(validator.check("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url, Payload::Form(&form)).is_ok());
/// assert!(validator.check("RSOYDt4T1cUTdK1PDd93/VVr8B9=", url, Payload::Form(&form)).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Validator {
    key: SigningKey,
}

impl Validator {
    /// A validator with this key.
    pub fn new(key: SigningKey) -> Self {
        Self { key }
    }

    /// Whether `signature` is SignalWire's for a request to `url` carrying `payload`.
    ///
    /// `url` must be the URL SignalWire called, query included: behind ngrok or a proxy
    /// that terminates TLS, that is the public URL, not the one the app sees (see
    /// [`public_url`](super::public_url)).
    pub fn check(
        &self,
        signature: &str,
        url: &str,
        payload: Payload<'_>,
    ) -> Result<(), WebhookError> {
        let signature = signature.trim();
        if signature.is_empty() {
            return Err(WebhookError::MissingSignature);
        }
        let decoded;
        let borrowed;
        let orders: Vec<Vec<(&[u8], &[u8])>> = match payload {
            Payload::Form(pairs) => {
                borrowed = pairs
                    .iter()
                    .map(|(k, v)| (k.as_bytes(), v.as_bytes()))
                    .collect::<Vec<_>>();
                parameter_orders(&borrowed)
            }
            Payload::FormBody(body) => {
                decoded = form_bytes(body);
                let pairs: Vec<(&[u8], &[u8])> = decoded
                    .iter()
                    .map(|(k, v)| (k.as_slice(), v.as_slice()))
                    .collect();
                parameter_orders(&pairs)
            }
            Payload::Raw(body) => {
                let wanted = body_hash(url).ok_or(WebhookError::MissingBodyHash)?;
                let actual = hex(&Sha256::digest(body));
                if !bool::from(
                    actual
                        .as_bytes()
                        .ct_eq(wanted.to_ascii_lowercase().as_bytes()),
                ) {
                    return Err(WebhookError::BodyHashMismatch);
                }
                vec![Vec::new()]
            }
            Payload::Empty => vec![Vec::new()],
        };
        let mut matched = subtle::Choice::from(0);
        for candidate in url_variants(url) {
            for params in &orders {
                let expected = self.sign_bytes(&candidate, params);
                matched |= expected.as_bytes().ct_eq(signature.as_bytes());
            }
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(WebhookError::BadSignature)
        }
    }

    /// The signature SignalWire sends for a request to `url` with these form parameters,
    /// taken in the order given (the caller sorts them by name): HMAC-SHA1 in base64.
    #[cfg(any(test, feature = "emulator"))]
    pub(crate) fn sign(&self, url: &str, params: &[(&str, &str)]) -> String {
        let params: Vec<(&[u8], &[u8])> = params
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_bytes()))
            .collect();
        self.sign_bytes(url, &params)
    }

    /// [`sign`](Self::sign) over names and values as bytes.
    fn sign_bytes(&self, url: &str, params: &[(&[u8], &[u8])]) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(self.key.0.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(url.as_bytes());
        for (name, value) in params {
            mac.update(name);
            mac.update(value);
        }
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// The form's parameters in the orders senders sign them in: by name (bytes), then for a
/// repeated name its values as sent (SignalWire's own libraries), sorted, or sorted with
/// duplicates dropped (Twilio's libraries; their published vector needs it). One order when
/// no name repeats.
fn parameter_orders<'a>(pairs: &[(&'a [u8], &'a [u8])]) -> Vec<Vec<(&'a [u8], &'a [u8])>> {
    let mut as_sent = pairs.to_vec();
    // A stable sort keeps the values of a name in the order they were sent.
    as_sent.sort_by(|a, b| a.0.cmp(b.0));
    let mut orders = vec![as_sent.clone()];
    let mut sorted = as_sent;
    sorted.sort();
    if !orders.contains(&sorted) {
        orders.push(sorted.clone());
    }
    sorted.dedup();
    if !orders.contains(&sorted) {
        orders.push(sorted);
    }
    orders
}

/// A form body's pairs as bytes, `+` as a space and `%XX` decoded, nothing replaced: text
/// that is not UTF-8 stays the bytes it was.
fn form_bytes(raw: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &pair[pair.len()..]),
            };
            (unescape(name), unescape(value))
        })
        .collect()
}

/// `+` as a space and `%XX` as its byte; a `%` not followed by two hex digits is kept.
fn unescape(text: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < text.len() => match (hex(text[i + 1]), hex(text[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The URL as given, with its scheme's default port added, and with its port taken out:
/// the forms validators accept, since a proxy may add or drop the port. The rest of the URL
/// is kept byte for byte.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_owned()];
    if let Some(parts) = UrlParts::split(url) {
        let default = match parts.scheme.to_ascii_lowercase().as_str() {
            "https" => Some("443"),
            "http" => Some("80"),
            _ => None,
        };
        let mut with = |port: Option<&str>| {
            let text = parts.join(port);
            if !variants.contains(&text) {
                variants.push(text);
            }
        };
        with(None);
        if parts.port.is_none()
            && let Some(port) = default
        {
            with(Some(port));
        }
    }
    variants
}

/// A URL cut where its port is: `scheme://[userinfo@]host[:port]rest`.
struct UrlParts<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    rest: &'a str,
}

impl<'a> UrlParts<'a> {
    fn split(url: &'a str) -> Option<Self> {
        let (scheme, after) = url.split_once("://")?;
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (host, port) = if hostport.starts_with('[') {
            // An IPv6 literal: the port, if any, follows the closing bracket.
            let close = hostport.find(']')?;
            let (host, tail) = hostport.split_at(close + 1);
            (host, tail.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (hostport, None),
            }
        };
        if host.is_empty()
            || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Some(Self {
            scheme,
            userinfo,
            host,
            port,
            rest,
        })
    }

    fn join(&self, port: Option<&str>) -> String {
        let mut text = format!("{}://", self.scheme);
        if let Some(userinfo) = self.userinfo {
            text.push_str(userinfo);
            text.push('@');
        }
        text.push_str(self.host);
        if let Some(port) = port {
            text.push(':');
            text.push_str(port);
        }
        text.push_str(self.rest);
        text
    }
}

/// The `bodySHA256` parameter of a URL's query, as sent.
fn body_hash(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    form_pairs(query.as_bytes())
        .into_iter()
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v)
}

/// A form or query's name-value pairs, decoded.
pub(crate) fn form_pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_name_is_tried_as_sent_sorted_and_sorted_without_repeats() {
        let pairs: [(&[u8], &[u8]); 3] = [(b"D", b"5678"), (b"D", b"1234"), (b"D", b"1234")];
        let orders = parameter_orders(&pairs);
        let values = |order: &Vec<(&[u8], &[u8])>| -> Vec<Vec<u8>> {
            order.iter().map(|(_, v)| v.to_vec()).collect()
        };
        assert_eq!(
            orders.iter().map(values).collect::<Vec<_>>(),
            [
                vec![b"5678".to_vec(), b"1234".to_vec(), b"1234".to_vec()],
                vec![b"1234".to_vec(), b"1234".to_vec(), b"5678".to_vec()],
                vec![b"1234".to_vec(), b"5678".to_vec()],
            ]
        );
        // Sent in order, and without repeats: one order.
        let once: [(&[u8], &[u8]); 2] = [(b"A", b"1"), (b"B", b"2")];
        assert_eq!(parameter_orders(&once).len(), 1);
    }

    fn validator() -> Validator {
        Validator::new(SigningKey::new("12345").unwrap())
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    fn base_form() -> Vec<(String, String)> {
        form(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ])
    }

    /// The vectors of Twilio's and SignalWire's own test suites, as the project's notes give
    /// them.
    #[test]
    fn every_published_vector() {
        let v = validator();
        let base = base_form();
        for (signature, url) in [
            ("RSOYDt4T1cUTdK1PDd93/VVr8B8=", URL),
            // A signature over the URL with its default port, checked against the URL
            // without it: the variants make them one.
            ("kvajT1Ptam85bY51eRf/AJRuM3w=", URL),
            (
                "kvajT1Ptam85bY51eRf/AJRuM3w=",
                "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            ),
            (
                "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            ),
            (
                "0ZXoZLH/DfblKGATFgpif+LLRf4=",
                "http://mycompany.com/myapp.php?foo=1&bar=2",
            ),
            (
                "0ZXoZLH/DfblKGATFgpif+LLRf4=",
                "http://mycompany.com:80/myapp.php?foo=1&bar=2",
            ),
            (
                "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
                "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
            ),
        ] {
            assert_eq!(
                v.check(signature, url, Payload::Form(&base)),
                Ok(()),
                "{signature} {url}"
            );
        }
        // A port that is not the default is not taken out to match another signature.
        assert!(
            v.check(
                "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
                "http://mycompany.com/myapp.php?foo=1&bar=2",
                Payload::Form(&base)
            )
            .is_err()
        );

        let repeated = form(&[
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
            ("Digits", "1234"),
        ]);
        assert_eq!(
            v.check(
                "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
                URL,
                Payload::Form(&repeated)
            ),
            Ok(())
        );
        let binding = form(&[
            ("MessagingBinding.Address", "+1325xxxxxxx"),
            ("MessagingBinding.Address", "+1415xxxxxxx"),
        ]);
        assert_eq!(
            v.check("83O6e2vORAoJHUNzJjDWN1jz+BA=", URL, Payload::Form(&binding)),
            Ok(())
        );

        let json = br#"{"property": "value", "boolean": true}"#;
        let with_hash = format!(
            "{URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        );
        assert_eq!(
            v.check(
                "a9nBmqA0ju/hNViExpshrM61xv4=",
                &with_hash,
                Payload::Raw(json)
            ),
            Ok(())
        );
    }

    #[test]
    fn what_does_not_match_is_refused() {
        let v = validator();
        let base = base_form();
        assert_eq!(
            v.check("", URL, Payload::Form(&base)),
            Err(WebhookError::MissingSignature)
        );
        assert_eq!(
            v.check(
                "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                "https://mycompany.com/myapp.php?foo=1&bar=3",
                Payload::Form(&base)
            ),
            Err(WebhookError::BadSignature)
        );
        // The query is never re-encoded: an encoded form of the same URL is another URL.
        assert!(
            v.check(
                "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                "https://mycompany.com/myapp.php?foo=1&bar=%32",
                Payload::Form(&base)
            )
            .is_err()
        );
        let json = br#"{"property": "value", "boolean": true}"#;
        assert_eq!(
            v.check("a9nBmqA0ju/hNViExpshrM61xv4=", URL, Payload::Raw(json)),
            Err(WebhookError::MissingBodyHash)
        );
        let with_hash = format!(
            "{URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        );
        assert_eq!(
            v.check(
                "a9nBmqA0ju/hNViExpshrM61xv4=",
                &with_hash,
                Payload::Raw(b"{}")
            ),
            Err(WebhookError::BodyHashMismatch)
        );
        assert_eq!(SigningKey::new("").unwrap_err(), WebhookError::EmptyKey);
        assert_eq!(
            format!("{:?}", SigningKey::new("PSKsecret").unwrap()),
            "SigningKey(** redacted **)"
        );
    }

    #[test]
    fn url_variants_keep_everything_but_the_port() {
        assert_eq!(
            url_variants("https://u:p@[::1]:8443/x?a=%27&b=+"),
            [
                "https://u:p@[::1]:8443/x?a=%27&b=+",
                "https://u:p@[::1]/x?a=%27&b=+"
            ]
        );
        assert_eq!(
            url_variants("http://host/x"),
            ["http://host/x", "http://host:80/x"]
        );
        assert_eq!(url_variants("not a url"), ["not a url"]);
    }

    #[test]
    fn a_form_body_is_checked_over_its_bytes() {
        let v = validator();
        // A sender that encodes Latin-1: `%FF` is the byte 0xFF, and is signed as such.
        let latin = v.sign_bytes(URL, &[(b"Name".as_slice(), [0xFF].as_slice())]);
        assert_eq!(v.check(&latin, URL, Payload::FormBody(b"Name=%FF")), Ok(()));
        // The replacement character is other bytes, and another signature.
        assert_eq!(
            v.check(&latin, URL, Payload::FormBody(b"Name=%EF%BF%BD")),
            Err(WebhookError::BadSignature)
        );
        let replacement = v.sign(URL, &[("Name", "\u{FFFD}")]);
        assert_eq!(
            v.check(&replacement, URL, Payload::FormBody(b"Name=%FF")),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            v.check(
                &replacement,
                URL,
                Payload::FormBody("Name=\u{FFFD}".as_bytes())
            ),
            Ok(())
        );
        // `+` is a space; a `%` without two hex digits after it is itself.
        let decoded: Vec<(Vec<u8>, Vec<u8>)> =
            form_bytes(b"a=%4&b=%zz+1&c&&d=%41%2").into_iter().collect();
        let text: Vec<(String, String)> = decoded
            .iter()
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into(),
                    String::from_utf8_lossy(v).into(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = [("a", "%4"), ("b", "%zz 1"), ("c", ""), ("d", "A%2")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        assert_eq!(text, want);
    }

    #[test]
    fn values_of_a_repeated_name_signed_sorted_validate_but_cannot_be_read_as_one() {
        let v = validator();
        let sorted = v.sign(
            URL,
            &[
                ("ConferenceSid", "cf1"),
                ("Muted", "false"),
                ("Muted", "true"),
                ("StatusCallbackEvent", "participant-mute"),
            ],
        );
        // Sent with the values the other way round: the signature holds (Twilio signs
        // values sorted), and which value counts cannot be told, so reading refuses it.
        let body = b"ConferenceSid=cf1&StatusCallbackEvent=participant-mute&Muted=true&Muted=false";
        assert_eq!(v.check(&sorted, URL, Payload::FormBody(body)), Ok(()));
        assert_eq!(
            v.read::<crate::webhooks::ConferenceEvent>(&sorted, URL, body)
                .unwrap_err(),
            WebhookError::AmbiguousParameter("Muted".into())
        );
        // The same value twice reads as one.
        let twice = v.sign(
            URL,
            &[
                ("ConferenceSid", "cf1"),
                ("Muted", "true"),
                ("Muted", "true"),
                ("StatusCallbackEvent", "participant-mute"),
            ],
        );
        let body = b"ConferenceSid=cf1&StatusCallbackEvent=participant-mute&Muted=true&Muted=true";
        let event = v
            .read::<crate::webhooks::ConferenceEvent>(&twice, URL, body)
            .unwrap();
        assert_eq!(event.muted, Some(true));
    }

    #[test]
    fn a_url_whose_port_or_host_is_not_one_has_no_other_forms() {
        for url in [
            "http://h:/x",
            "http://h:ab/x",
            "http://h:8a/x",
            "http://:80/x",
            "no-scheme",
        ] {
            assert_eq!(url_variants(url), [url.to_owned()], "{url}");
        }
        assert_eq!(
            url_variants("http://h:8080/x"),
            ["http://h:8080/x".to_owned(), "http://h/x".to_owned()]
        );
    }
}
