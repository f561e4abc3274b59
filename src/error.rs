//! The crate's one error type.

use std::{fmt, time::Duration};

use reqwest::StatusCode;

use crate::text::{Printable, Secrets};

/// What went wrong with a call to the API.
///
/// One small type (a single pointer) for every failure. [`kind`](Error::kind) says which
/// kind of failure it is; [`status`](Error::status), [`code`](Error::code),
/// [`api_error`](Error::api_error) and the `is_*` methods answer the usual questions. Its
/// `Display` is one line that says what happened and what to do; the underlying failure (of
/// the HTTP stack, or of the JSON reader) is its [`source`](std::error::Error::source) and is
/// not repeated there, so print the chain to see it (`{:#}` with `anyhow`). No error ever
/// holds or prints the API token.
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) {
/// use signalwire_compat::Error;
///
/// let conference = "b3877c40-da60-4998-90ad-b792e98472cf";
/// let call = "b3877c40-da60-4998-90ad-b792e98472ca";
/// match client.conference(conference).participant(call).fetch().await {
///     Ok(p) => println!("muted: {}", p.muted),
///     Err(e) if e.is_not_found() => println!("that call has left the conference"),
///     Err(e) if e.is_retryable() => println!("try again later: {e}"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
pub struct Error {
    repr: Box<Repr>,
}

/// The kinds of [`Error`], as [`Error::kind`] gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with an error status and an error body it wrote
    /// ([`Error::api_error`]).
    Api,
    /// The server answered with an error status and a body that is not an API error, such as
    /// an HTML page from a proxy in front of the API. A 404 of this kind says nothing about
    /// the resource: the server at that host has no such path.
    Status,
    /// A success status whose body is not what the operation returns.
    Decode,
    /// The response body was larger than the client accepts; it was not read.
    BodyTooLarge,
    /// A time limit ran out ([`Error::timeout_phase`] says which).
    Timeout,
    /// The connection could not be made, or broke while the response was read.
    Connection,
    /// The server sent something that is not a valid HTTP response: a head too large to
    /// read, a malformed status line, header or `Content-Length`, or no HTTP at all. The
    /// request may have been processed, so it is not retried.
    InvalidResponse,
    /// Something the caller passed is not valid; nothing was sent.
    InvalidInput,
    /// The client is not configured well enough to make a request.
    Config,
    /// A listing could not go on to its next page: the next-page URI repeats a page, points
    /// elsewhere or cannot be read, or the listing went past its bounds.
    Paging,
    /// No conference in progress has the name asked for
    /// ([`Conferences::find_by_name`](crate::Conferences::find_by_name)); also
    /// [`Error::is_not_found`].
    NoSuchName,
    /// Several conferences in progress have the name asked for; the error lists their SIDs
    /// ([`Error::candidates`]).
    AmbiguousName,
    /// The client is a dry run ([`ClientBuilder::dry_run`](crate::ClientBuilder::dry_run))
    /// and this request would have changed something: it was not sent. [`Error::dry_run`]
    /// says what it was.
    DryRun,
}

/// A request a dry-run client made but did not send: what would have gone on the wire,
/// without the credentials (which travel in a header it does not show).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RequestPreview {
    /// The HTTP method, such as `POST` or `DELETE`.
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The form body's parameters, in the order they would be sent; empty for none.
    pub form: Vec<(String, String)>,
}

impl fmt::Display for RequestPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.method,
            Printable::with_limit(&self.url, 500)
        )?;
        for (key, value) in &self.form {
            write!(
                f,
                " {}={}",
                Printable::with_limit(key, 100),
                Printable::with_limit(value, 500)
            )?;
        }
        Ok(())
    }
}

/// What an error holds, by kind. Private: the public face is [`Error`]'s methods.
#[derive(Debug)]
pub(crate) enum Repr {
    Api(ApiError),
    Status {
        status: StatusCode,
        host: String,
        content_type: Option<String>,
        snippet: String,
        retry_after: Option<Duration>,
    },
    Decode {
        status: StatusCode,
        host: String,
        expected: &'static str,
        snippet: String,
        source: DecodeError,
    },
    BodyTooLarge {
        status: StatusCode,
        host: String,
        limit: u64,
    },
    Timeout {
        host: String,
        after: Duration,
        phase: TimeoutPhase,
    },
    Connection {
        host: String,
        before_response: bool,
        status: Option<StatusCode>,
        source: reqwest::Error,
    },
    InvalidResponse {
        host: String,
        source: reqwest::Error,
    },
    InvalidInput {
        field: &'static str,
        reason: String,
    },
    Config(String),
    Paging {
        uri: String,
        reason: String,
    },
    NoSuchName {
        name: String,
    },
    AmbiguousName {
        name: String,
        candidates: Vec<String>,
    },
    DryRun(RequestPreview),
}

impl From<Repr> for Error {
    fn from(repr: Repr) -> Self {
        Self {
            repr: Box::new(repr),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.repr {
            Repr::Api(e) => e.fmt(f),
            Repr::Status {
                status,
                host,
                content_type,
                snippet,
                ..
            } => {
                write!(f, "{host} answered {status}")?;
                if let Some(c) = content_type {
                    write!(f, " ({})", Printable::with_limit(c, 100))?;
                }
                write!(
                    f,
                    "; {}{}",
                    snippet_text(snippet),
                    status_hint(*status, host)
                )
            }
            Repr::Decode {
                status,
                host,
                expected,
                snippet,
                ..
            } => write!(
                f,
                "{host} answered {status} but the body is not a valid {expected}; {}",
                snippet_text(snippet)
            ),
            Repr::BodyTooLarge {
                status,
                host,
                limit,
            } => write!(
                f,
                "{host} answered {status} with a body over the {limit}-byte limit; it was not read (raise `max_response_bytes` if this is expected)"
            ),
            Repr::Timeout { host, after, phase } => write!(
                f,
                "{}; the network or the server is slow: retry later or raise the timeout",
                timeout_text(host, *after, *phase)
            ),
            Repr::Connection {
                host,
                before_response,
                status,
                ..
            } => f.write_str(&connection_text(host, *before_response, *status)),
            Repr::InvalidResponse { host, .. } => write!(
                f,
                "{host} sent an answer that is not valid HTTP; it may not be an HTTP server, or a proxy in front of the API is broken: check the space or base URL"
            ),
            Repr::InvalidInput { field, reason } => write!(f, "invalid {field}: {reason}"),
            Repr::Config(text) => f.write_str(text),
            Repr::Paging { uri, reason } => write!(
                f,
                "cannot follow next_page_uri \"{}\": {reason}",
                Printable::with_limit(uri, 200)
            ),
            Repr::NoSuchName { name } => write!(
                f,
                "no conference in progress is named \"{}\"; list them to see their names",
                Printable::with_limit(name, 100)
            ),
            Repr::AmbiguousName { name, candidates } => write!(
                f,
                "{} conferences in progress are named \"{}\": {}; give the SID of the one you mean",
                candidates.len(),
                Printable::with_limit(name, 100),
                candidates.join(", ")
            ),
            Repr::DryRun(preview) => write!(f, "dry run, not sent: {preview}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Nothing in an error holds a secret: server text is redacted when it is kept.
        fmt::Debug::fmt(&*self.repr, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.repr {
            Repr::Decode { source, .. } => Some(source),
            Repr::Connection { source, .. } | Repr::InvalidResponse { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Which time limit ran out, and what the client was waiting for when it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// The connection could not be made within the connect timeout.
    Connect,
    /// No response arrived within the attempt's timeout: the connection was not made, or the
    /// server did not answer.
    Response,
    /// The response began, but its body did not arrive within the attempt's timeout.
    Body,
    /// The call, its retries and their waits included, ran past the total timeout.
    Total,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Response => "response",
            Self::Body => "body",
            Self::Total => "total",
        })
    }
}

fn timeout_text(host: &str, after: Duration, phase: TimeoutPhase) -> String {
    let after = fmt_duration(after);
    match phase {
        TimeoutPhase::Connect => format!("could not connect to {host} within {after}"),
        TimeoutPhase::Response => format!(
            "no response from {host} within {after}: the connection was not made, or the server did not answer"
        ),
        TimeoutPhase::Body => {
            format!("{host} began to answer, but its body did not arrive within {after}")
        }
        TimeoutPhase::Total => {
            format!("the call to {host}, with its retries, ran past its total time of {after}")
        }
    }
}

/// Why a success response's body could not be read as what the operation returns.
///
/// Its text is the JSON reader's, with the client's credentials taken out and control
/// characters escaped, since it may quote the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) message: String,
}

impl DecodeError {
    pub(crate) fn new(error: &serde_json::Error, secrets: &Secrets) -> Self {
        Self {
            message: Printable::new(&secrets.redact(&error.to_string())).to_string(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// An error written by the API: the HTTP status with SignalWire's code and message.
///
/// The accessors give the server's text as it was sent, less the client's own credentials if
/// the server echoed them; `Display` escapes control characters and cuts long text (see
/// [`Printable`](crate::Printable)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: Option<i64>,
    pub(crate) message: String,
    pub(crate) more_info: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    /// Every message of an `{"errors": [...]}` body, in order.
    pub(crate) errors: Vec<String>,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// SignalWire's error code, such as `20404`, when the body had one.
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The server's explanation, as sent: its `message`, or the first of its `errors`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Every message of a body in the `{"errors": [...]}` shape (the recording and stream
    /// operations refuse a change with one), in order; empty for the usual shape.
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// A page about this error, when the server named one.
    pub fn more_info(&self) -> Option<&str> {
        self.more_info.as_deref()
    }

    /// How long the server asked the client to wait (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignalWire answered {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, " (code {code})")?;
        }
        if self.errors.len() > 1 {
            // Every message, each escaped; the whole cut at the usual length.
            let all = self
                .errors
                .iter()
                .map(|m| m.trim())
                .collect::<Vec<_>>()
                .join("; ");
            write!(f, ": {}", Printable::new(&all))?;
        } else {
            write!(f, ": {}", Printable::new(self.message.trim()))?;
        }
        if let Some(more) = &self.more_info {
            write!(f, " [{}]", Printable::with_limit(more, 200))?;
        }
        match self.status {
            StatusCode::UNAUTHORIZED => f.write_str(
                "; check SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN, and that the token has the Voice scope",
            ),
            StatusCode::NOT_FOUND => f.write_str(
                "; check the SIDs: the resource may be gone (deleted, a conference that ended, a participant who left)",
            ),
            StatusCode::TOO_MANY_REQUESTS => match self.retry_after {
                Some(wait) => write!(f, "; slow down and retry after {}", fmt_duration(wait)),
                None => f.write_str("; slow down and retry later"),
            },
            _ => Ok(()),
        }
    }
}

fn snippet_text(snippet: &str) -> String {
    if snippet.is_empty() {
        "the body was empty".to_owned()
    } else {
        format!("the body starts `{}`", Printable::new(snippet))
    }
}

fn status_hint(status: StatusCode, host: &str) -> String {
    if status.is_redirection() {
        "; redirects are not followed, so credentials never go to another host: point the base URL at the final address".to_owned()
    } else if status == StatusCode::NOT_FOUND {
        format!(
            "; this is not the API's answer: the server at {host} has no such path, so check the space or base URL (the API root ends in {})",
            crate::API_ROOT_PATH
        )
    } else {
        String::new()
    }
}

fn connection_text(host: &str, before_response: bool, status: Option<StatusCode>) -> String {
    match (before_response, status) {
        (true, _) => format!("could not reach {host}; check the space or base URL and the network"),
        (false, Some(status)) => {
            format!("{host} answered {status}, then the connection broke while its body was read")
        }
        (false, None) => format!("the connection to {host} broke while the response was read"),
    }
}

pub(crate) fn fmt_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// A bad argument kept by a builder until it is sent: cheap to clone, unlike [`Error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub(crate) field: &'static str,
    pub(crate) reason: String,
}

impl From<Invalid> for Error {
    fn from(i: Invalid) -> Self {
        Error::invalid_input(i.field, i.reason)
    }
}

impl Error {
    /// The same error with `secret` taken out of every text the server sent.
    pub(crate) fn redacted(mut self, secret: &str) -> Self {
        let secrets = Secrets::single(secret);
        let clean = |text: &mut String| {
            if let std::borrow::Cow::Owned(t) = secrets.redact(text) {
                *text = t;
            }
        };
        match &mut *self.repr {
            Repr::Api(e) => {
                clean(&mut e.message);
                e.more_info.as_mut().map(clean);
                e.errors.iter_mut().for_each(clean);
            }
            Repr::Status {
                snippet,
                content_type,
                ..
            } => {
                clean(snippet);
                content_type.as_mut().map(clean);
            }
            Repr::Decode {
                snippet, source, ..
            } => {
                clean(snippet);
                clean(&mut source.message);
            }
            Repr::Paging { uri, .. } => clean(uri),
            Repr::DryRun(preview) => {
                clean(&mut preview.url);
                preview.form.iter_mut().for_each(|(_, v)| clean(v));
            }
            _ => {}
        }
        self
    }

    pub(crate) fn paging(uri: String, reason: String) -> Self {
        Repr::Paging { uri, reason }.into()
    }

    pub(crate) fn invalid_input(field: &'static str, reason: impl Into<String>) -> Self {
        Repr::InvalidInput {
            field,
            reason: reason.into(),
        }
        .into()
    }

    pub(crate) fn config(text: impl Into<String>) -> Self {
        Repr::Config(text.into()).into()
    }

    /// Which kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match &*self.repr {
            Repr::Api(_) => ErrorKind::Api,
            Repr::Status { .. } => ErrorKind::Status,
            Repr::Decode { .. } => ErrorKind::Decode,
            Repr::BodyTooLarge { .. } => ErrorKind::BodyTooLarge,
            Repr::Timeout { .. } => ErrorKind::Timeout,
            Repr::Connection { .. } => ErrorKind::Connection,
            Repr::InvalidResponse { .. } => ErrorKind::InvalidResponse,
            Repr::InvalidInput { .. } => ErrorKind::InvalidInput,
            Repr::Config(_) => ErrorKind::Config,
            Repr::Paging { .. } => ErrorKind::Paging,
            Repr::NoSuchName { .. } => ErrorKind::NoSuchName,
            Repr::AmbiguousName { .. } => ErrorKind::AmbiguousName,
            Repr::DryRun(_) => ErrorKind::DryRun,
        }
    }

    /// The HTTP status of the response, when one arrived (for a connection that broke while
    /// the body was read, the status that came before the break).
    pub fn status(&self) -> Option<StatusCode> {
        match &*self.repr {
            Repr::Api(e) => Some(e.status),
            Repr::Status { status, .. }
            | Repr::Decode { status, .. }
            | Repr::BodyTooLarge { status, .. } => Some(*status),
            Repr::Connection { status, .. } => *status,
            _ => None,
        }
    }

    /// SignalWire's error code, such as `20404`, when the server sent one.
    pub fn code(&self) -> Option<i64> {
        self.api_error().and_then(ApiError::code)
    }

    /// The request that was not sent, for an [`ErrorKind::DryRun`] error.
    pub fn dry_run(&self) -> Option<&RequestPreview> {
        match &*self.repr {
            Repr::DryRun(preview) => Some(preview),
            _ => None,
        }
    }

    /// The error body the server wrote, for an [`ErrorKind::Api`] error.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &*self.repr {
            Repr::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The host that answered, or did not, when a request was made.
    pub fn host(&self) -> Option<&str> {
        match &*self.repr {
            Repr::Status { host, .. }
            | Repr::Decode { host, .. }
            | Repr::BodyTooLarge { host, .. }
            | Repr::Timeout { host, .. }
            | Repr::Connection { host, .. }
            | Repr::InvalidResponse { host, .. } => Some(host),
            _ => None,
        }
    }

    /// The start of the body, for an error whose body was not what was expected
    /// ([`ErrorKind::Status`], [`ErrorKind::Decode`]), with the client's secrets taken out.
    pub fn body_snippet(&self) -> Option<&str> {
        match &*self.repr {
            Repr::Status { snippet, .. } | Repr::Decode { snippet, .. } => Some(snippet),
            _ => None,
        }
    }

    /// Which argument or setting was refused, for an [`ErrorKind::InvalidInput`] error.
    pub fn invalid_field(&self) -> Option<&'static str> {
        match &*self.repr {
            Repr::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Which time limit ran out, for an [`ErrorKind::Timeout`] error.
    pub fn timeout_phase(&self) -> Option<TimeoutPhase> {
        match &*self.repr {
            Repr::Timeout { phase, .. } => Some(*phase),
            _ => None,
        }
    }

    /// Whether the API said the resource does not exist: a 404 with SignalWire's error body,
    /// for a wrong SID or a participant who left; or no conference in progress has the name
    /// [`find_by_name`](crate::Conferences::find_by_name) was given.
    ///
    /// A 404 whose body is not an API error (a proxy's or a web server's page, which is what a
    /// wrong base URL gets) is [`ErrorKind::Status`] and not "not found": it says nothing
    /// about the resource. [`status`](Self::status) still gives 404 for both.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NoSuchName
            || self
                .api_error()
                .is_some_and(|e| e.status == StatusCode::NOT_FOUND)
    }

    /// The SIDs of the conferences that share the name asked for, for an
    /// [`ErrorKind::AmbiguousName`] error.
    pub fn candidates(&self) -> &[String] {
        match &*self.repr {
            Repr::AmbiguousName { candidates, .. } => candidates,
            _ => &[],
        }
    }

    /// Whether the credentials were refused (HTTP 401): a wrong project ID or token, or a
    /// token without the Voice scope.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// Whether the same request may be sent again and succeed: a rate limit (429), a gateway
    /// or availability failure (502, 503, 504), or a connection that failed before any
    /// response. This is the one rule [`RetryPolicy`](crate::RetryPolicy) follows (for the
    /// requests it may repeat at all).
    ///
    /// Not retryable: a timeout (the server may still be working on the request, and may
    /// carry it out), a connection that broke after the response began, an answer that is
    /// not HTTP, and every other status.
    pub fn is_retryable(&self) -> bool {
        match &*self.repr {
            Repr::Connection {
                before_response, ..
            } => *before_response,
            _ => self.status().is_some_and(is_retryable_status),
        }
    }

    /// How long the server asked the client to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match &*self.repr {
            Repr::Api(e) => e.retry_after,
            Repr::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
        assert_eq!(
            std::mem::size_of::<Result<(), Error>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn errors_are_send_sync_and_static() {
        fn check<T: Send + Sync + 'static + std::error::Error>() {}
        check::<Error>();
    }
}
