//! How the generated client's requests go on the wire, and how their failures become
//! [`Error`]s.
//!
//! The generated client calls [`ClientHooks::exec`] for every request. Ours sends it, reads the
//! body up to the configured limit, and records what it saw (status, content type,
//! `Retry-After`, whether the body was too large) in an [`Exchange`] scoped to the one call, so
//! that a failure the generated code reports without a status (a 404 with an HTML body, say)
//! can still be reported with it.

use std::{cell::RefCell, future::Future, time::Duration};

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::{StatusCode, header};
use serde::Deserialize;

use crate::{
    Error,
    error::{ApiError, DecodeError, Repr, RequestPreview, TimeoutPhase},
    text::Secrets,
    wire::generated::{self, types},
};

/// The settings the hooks and the error messages need, carried by the generated client.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    /// Where requests go (`host` or `host:port`), for error messages.
    pub(crate) host: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) max_response_bytes: u64,
    /// Taken out of everything the server sends before it reaches an error or a log.
    pub(crate) secrets: Secrets,
    /// Whether requests that change something stop before they are sent.
    pub(crate) dry_run: bool,
}

/// What one call saw of its response.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    status: Option<StatusCode>,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    too_large: bool,
    /// Whether the operation may be sent again, from the spec.
    retry_safe: bool,
    /// The request a dry run stopped.
    dry_run: Option<RequestPreview>,
}

tokio::task_local! {
    // Boxed: the scope moves its value in and out of the slot on every poll of the call.
    static EXCHANGE: Box<RefCell<Exchange>>;
}

impl ClientHooks<Transport> for generated::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        tracing::debug!(
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            "sending request"
        );
        let retry_safe = super::operations::retry_safe(info.operation_id);
        let _ = EXCHANGE.try_with(|x| x.borrow_mut().retry_safe = retry_safe);
        if self.inner().dry_run && request.method() != reqwest::Method::GET {
            let form = request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(|body| {
                    url::form_urlencoded::parse(body)
                        .map(|(k, v)| {
                            // A user name or password in a URL (a stream's) is not shown.
                            let v = crate::text::without_userinfo(&v).into_owned();
                            (k.into_owned(), v)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let preview = RequestPreview {
                method: request.method().to_string(),
                url: request.url().to_string(),
                form,
            };
            tracing::debug!(operation = info.operation_id, "dry run: not sent");
            let _ = EXCHANGE.try_with(|x| x.borrow_mut().dry_run = Some(preview));
            // Never read: `attempt` turns the stopped request into an error.
            return Ok(reqwest::Response::from(http::Response::new(Bytes::new())));
        }
        let mut response = self.client().execute(request).await?;
        let status = response.status();
        let limit = self.inner().max_response_bytes;

        // Recorded before the body is read: a failure while reading it happened after a
        // response arrived, and must not be taken for one before it (which would be retried).
        // The rest only matters to an error, so a success costs nothing more.
        let _ = EXCHANGE.try_with(|x| {
            let mut x = x.borrow_mut();
            x.status = Some(status);
            if !status.is_success() {
                let headers = response.headers();
                x.content_type = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                x.retry_after = headers
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
            }
        });

        match response.content_length() {
            // A declared length within the limit: hyper reads no more than it declares, so the
            // response goes on untouched, with no copy.
            Some(length) if length <= limit => {
                tracing::debug!(operation = info.operation_id, %status, "response received");
                Ok(response)
            }
            _ => {
                // Too long, or of unknown length: read it here, stopping at the limit.
                let version = response.version();
                let headers = std::mem::take(response.headers_mut());
                let body = read_bounded(response, limit).await?;
                tracing::debug!(operation = info.operation_id, %status, too_large = body.is_none(), "response received");
                let Some(body) = body else {
                    let _ = EXCHANGE.try_with(|x| x.borrow_mut().too_large = true);
                    return Ok(reqwest::Response::from(http::Response::new(Bytes::new())));
                };
                let mut rebuilt = http::Response::new(body);
                *rebuilt.status_mut() = status;
                *rebuilt.version_mut() = version;
                *rebuilt.headers_mut() = headers;
                Ok(reqwest::Response::from(rebuilt))
            }
        }
    }
}

/// Reads the whole body, or `None` as soon as it is known to exceed `limit` bytes.
async fn read_bounded(
    mut response: reqwest::Response,
    limit: u64,
) -> reqwest::Result<Option<Bytes>> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Ok(None);
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Some(Bytes::new()));
    };
    if first.len() as u64 > limit {
        return Ok(None);
    }
    let Some(second) = response.chunk().await? else {
        return Ok(Some(first));
    };
    let expected = response.content_length().unwrap_or(0).min(limit) as usize;
    let mut body = BytesMut::with_capacity(expected.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while body.len() as u64 <= limit {
        match response.chunk().await? {
            Some(chunk) => body.extend_from_slice(&chunk),
            None => return Ok(Some(body.freeze())),
        }
    }
    Ok(None)
}

/// `Retry-After` as a delay: either a number of seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = crate::time::parse_rfc2822(value).ok()?;
    let now = chrono::Utc::now();
    Some((when.to_utc() - now).to_std().unwrap_or(Duration::ZERO))
}

/// One attempt's outcome, and whether its operation may be sent again.
pub(crate) struct Attempt<T> {
    pub(crate) result: Result<ResponseValue<T>, Error>,
    pub(crate) retry_safe: bool,
}

/// Runs one attempt of a generated call and turns its outcome into ours.
pub(crate) async fn attempt<T, Fut>(
    limits: &Transport,
    expected: &'static str,
    call: Fut,
) -> Attempt<T>
where
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>>,
{
    let (result, exchange) = EXCHANGE
        .scope(Box::new(RefCell::new(Exchange::default())), async {
            let result = call.await;
            (result, EXCHANGE.with(|x| x.take()))
        })
        .await;
    let retry_safe = exchange.retry_safe;
    let result = finish(result, exchange, limits, expected).await;
    Attempt { result, retry_safe }
}

async fn finish<T>(
    result: Result<ResponseValue<T>, progenitor_client::Error<types::Error>>,
    exchange: Exchange,
    limits: &Transport,
    expected: &'static str,
) -> Result<ResponseValue<T>, Error> {
    if let Some(preview) = exchange.dry_run {
        return Err(Repr::DryRun(preview).into());
    }
    if exchange.too_large {
        return Err(Repr::BodyTooLarge {
            status: exchange.status.unwrap_or_default(),
            host: limits.host.clone(),
            limit: limits.max_response_bytes,
        }
        .into());
    }
    match result {
        Ok(value) => Ok(value),
        Err(e) => Err(convert(e, exchange, limits, expected).await),
    }
}

async fn convert(
    error: progenitor_client::Error<types::Error>,
    exchange: Exchange,
    limits: &Transport,
    expected: &'static str,
) -> Error {
    use progenitor_client::Error as E;
    let host = limits.host.clone();
    let secrets = &limits.secrets;
    match error {
        E::ErrorResponse(value) => {
            let status = value.status();
            let body = value.into_inner();
            let mut fields = ErrorFields {
                code: body.code.and_then(|c| c.0),
                message: body.message,
                more_info: body.more_info,
                errors: Vec::new(),
            };
            for item in body.errors.unwrap_or_default() {
                fields.take(item);
            }
            match fields.into_api_error(status, exchange.retry_after, secrets) {
                Some(api) => Repr::Api(api).into(),
                // JSON, but neither a message nor errors: not an API error.
                None => Repr::Status {
                    status,
                    host,
                    content_type: exchange
                        .content_type
                        .map(|c| secrets.redact(&c).into_owned()),
                    snippet: String::new(),
                    retry_after: exchange.retry_after,
                }
                .into(),
            }
        }
        E::InvalidResponsePayload(bytes, source) => {
            let status = exchange.status.unwrap_or_default();
            if status.is_success() {
                Repr::Decode {
                    status,
                    host,
                    expected,
                    snippet: snippet(&bytes, secrets),
                    source: DecodeError::new(&source, secrets),
                }
                .into()
            } else {
                from_error_body(
                    status,
                    &bytes,
                    exchange.content_type,
                    exchange.retry_after,
                    host,
                    secrets,
                )
            }
        }
        E::UnexpectedResponse(response) => {
            let status = response.status();
            // The hook made sure the body is within the limit (declared, or already read).
            let body = match response.bytes().await {
                Ok(body) => body,
                Err(e) => return from_reqwest(e, Some(status), limits),
            };
            if status.is_success() {
                Repr::Status {
                    status,
                    host,
                    snippet: snippet(&body, secrets),
                    content_type: exchange
                        .content_type
                        .map(|c| secrets.redact(&c).into_owned()),
                    retry_after: None,
                }
                .into()
            } else {
                from_error_body(
                    status,
                    &body,
                    exchange.content_type,
                    exchange.retry_after,
                    host,
                    secrets,
                )
            }
        }
        E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
            from_reqwest(e, exchange.status, limits)
        }
        E::InvalidRequest(reason) | E::Custom(reason) => Error::invalid_input("request", reason),
    }
}

/// A failure reqwest reported, `status` being the response's when one had arrived.
pub(crate) fn from_reqwest(
    e: reqwest::Error,
    status: Option<StatusCode>,
    limits: &Transport,
) -> Error {
    let host = limits.host.clone();
    if e.is_timeout() || caused_by_timeout(&e) {
        let (after, phase) = match (e.is_connect(), status) {
            (true, _) => (limits.connect_timeout, TimeoutPhase::Connect),
            (false, Some(_)) => (limits.attempt_timeout, TimeoutPhase::Body),
            (false, None) => (limits.attempt_timeout, TimeoutPhase::Response),
        };
        return Repr::Timeout { host, after, phase }.into();
    }
    if status.is_none() && not_http(&e) {
        return Repr::InvalidResponse {
            host,
            source: e.without_url(),
        }
        .into();
    }
    Repr::Connection {
        host,
        before_response: status.is_none(),
        status,
        source: e.without_url(),
    }
    .into()
}

/// Whether the HTTP reader refused what the server sent as a response head: it arrived, so
/// the server may have acted on the request, but it cannot be read.
fn not_http(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(cause) = next {
        if cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
        {
            return true;
        }
        next = cause.source();
    }
    false
}

/// Whether an I/O time-out is somewhere in the error's causes (reqwest does not always say
/// so of a time-out while the body is read).
fn caused_by_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(cause) = next {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        next = cause.source();
    }
    false
}

/// An error status whose body the generated code could not read as the documented error: it
/// may still be an API error in another shape (`{"errors": [...]}`, a bare `message`), or a
/// page from something in front of the API.
pub(crate) fn from_error_body(
    status: StatusCode,
    body: &[u8],
    content_type: Option<String>,
    retry_after: Option<Duration>,
    host: String,
    secrets: &Secrets,
) -> Error {
    #[derive(Deserialize)]
    struct Loose {
        #[serde(default, deserialize_with = "lenient_code")]
        code: Option<i64>,
        message: Option<String>,
        more_info: Option<String>,
        #[serde(default)]
        errors: Vec<serde_json::Value>,
    }
    if let Ok(loose) = serde_json::from_slice::<Loose>(body) {
        // `errors` holds strings (SignalWire's recordings and streams) or objects with a
        // message of their own (seen elsewhere); the first object lends its code too.
        let mut fields = ErrorFields {
            code: loose.code,
            message: loose.message,
            more_info: loose.more_info,
            errors: Vec::new(),
        };
        for item in loose.errors {
            if let Ok(item) = serde_json::from_value::<ErrorItem>(item) {
                fields.take(item);
            }
        }
        if let Some(api) = fields.into_api_error(status, retry_after, secrets) {
            return Repr::Api(api).into();
        }
    }
    Repr::Status {
        status,
        host,
        content_type: content_type.map(|c| secrets.redact(&c).into_owned()),
        snippet: snippet(body, secrets),
        retry_after,
    }
    .into()
}

/// What an error body said, in either of the API's shapes.
struct ErrorFields {
    code: Option<i64>,
    message: Option<String>,
    more_info: Option<String>,
    errors: Vec<String>,
}

/// One error of a list, as SignalWire writes either: a message (a conference's recordings
/// and streams), or an object with its code, often as text (`"30010"`, a call's creation).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ErrorItem {
    code: Option<i64>,
    message: Option<String>,
    more_info: Option<String>,
}

impl<'de> Deserialize<'de> for ErrorItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Object {
            #[serde(default, deserialize_with = "lenient_code")]
            code: Option<i64>,
            #[serde(default)]
            message: Option<String>,
            #[serde(default)]
            more_info: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Text(String),
            Object(Object),
        }
        Ok(match Given::deserialize(d)? {
            Given::Text(text) => Self {
                message: Some(text),
                ..Self::default()
            },
            Given::Object(o) => Self {
                code: o.code,
                message: o.message,
                more_info: o.more_info,
            },
        })
    }
}

impl ErrorFields {
    /// Takes one error of a list: its message, and the first code and `more_info` given.
    fn take(&mut self, item: ErrorItem) {
        if let Some(text) = item.message {
            self.errors.push(text);
        }
        if self.code.is_none() {
            self.code = item.code;
        }
        if self.more_info.is_none() {
            self.more_info = item.more_info;
        }
    }

    /// The API error these fields make, with the client's secrets taken out; `None` when
    /// there is neither a message nor an error list.
    fn into_api_error(
        self,
        status: StatusCode,
        retry_after: Option<Duration>,
        secrets: &Secrets,
    ) -> Option<ApiError> {
        let errors: Vec<String> = self
            .errors
            .iter()
            .map(|e| secrets.redact(e).into_owned())
            .collect();
        let message = match self.message {
            Some(message) => secrets.redact(&message).into_owned(),
            None => errors.first()?.clone(),
        };
        Some(ApiError {
            status,
            code: self.code,
            message,
            more_info: self.more_info.map(|m| secrets.redact(&m).into_owned()),
            retry_after,
            errors,
        })
    }
}

/// An error code written as a number or as text; text that is not a number is no code.
/// SignalWire's error code as an error body writes it, a number or the same as text: the
/// number, if it is one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ErrorCode(pub(crate) Option<i64>);

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_code(d).map(Self)
    }
}

fn lenient_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// The start of a body, for an error: at most 200 characters, whitespace folded, with the
/// client's secrets taken out. Control characters are left for `Display` to escape.
pub(crate) fn snippet(body: &[u8], secrets: &Secrets) -> String {
    const MAX: usize = 200;
    // Enough bytes for MAX characters of any width, and more: a secret that straddles the
    // end of what is shown must be redacted whole, not shown in part.
    let head = &body[..body.len().min(MAX * 4 + 1024)];
    let folded = secrets
        .redact_bytes(head)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out: String = folded.chars().take(MAX).collect();
    if folded.chars().count() > MAX || body.len() > head.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = chrono::Utc::now() + chrono::Duration::seconds(120);
        let text = later.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let wait = parse_retry_after(&text).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn snippets_are_short_and_single_line() {
        let none = Secrets::default();
        assert_eq!(
            snippet(b"<html>\n  <body>Bad   gateway</body>\n</html>\n", &none),
            "<html> <body>Bad gateway</body> </html>"
        );
        let long = "x".repeat(5000);
        let s = snippet(long.as_bytes(), &none);
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b"", &none), "");
        assert_eq!(snippet(&[0xff, 0xfe, b'a'], &none), "\u{fffd}\u{fffd}a");
    }

    #[test]
    fn snippets_never_show_a_secret_even_in_part() {
        let secrets = Secrets::new("user", "PTsecret-token");
        for pad in 180..200 {
            let body = format!("{}PTsecret-token and more", "x".repeat(pad));
            let s = snippet(body.as_bytes(), &secrets);
            assert!(!s.contains("PTsec"), "{pad}: {s}");
        }
    }
}
