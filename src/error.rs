//! The crate's one error type.

use std::{fmt, time::Duration};

use reqwest::StatusCode;

use crate::text::{Printable, Secrets};

/// What went wrong with a call to the API.
///
/// Every error says what happened in its `Display` text, keeps the HTTP status where there
/// was one ([`Error::status`]) and SignalWire's error code where the server sent one
/// ([`Error::code`]). No error ever holds or prints the API token.
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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status and an error body it wrote.
    #[error("{0}")]
    Api(ApiError),

    /// The server answered with an error status and a body that is not an API error, such as
    /// an HTML page from a proxy in front of the API.
    #[error("{host} answered {status}{}; {}{}", content_type.as_deref().map(|c| format!(" ({})", Printable::with_limit(c, 100))).unwrap_or_default(), snippet_text(snippet), status_hint(*status, host))]
    Status {
        /// The HTTP status.
        status: StatusCode,
        /// The host that answered.
        host: String,
        /// The response's `Content-Type`, if it had one.
        content_type: Option<String>,
        /// The start of the body, for diagnosis.
        snippet: String,
        /// How long the server asked the client to wait (`Retry-After`), if it did.
        retry_after: Option<Duration>,
    },

    /// A success status whose body is not what the operation returns.
    #[error(
        "{host} answered {status} but the body is not a valid {expected}: {source}; {}",
        snippet_text(snippet)
    )]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The host that answered.
        host: String,
        /// What the body should have been.
        expected: &'static str,
        /// The start of the body, for diagnosis.
        snippet: String,
        /// What the JSON reader found wrong.
        #[source]
        source: DecodeError,
    },

    /// The response body was larger than the client accepts.
    #[error(
        "{host} answered {status} with a body over the {limit}-byte limit; it was not read (raise `max_response_bytes` if this is expected)"
    )]
    BodyTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The host that answered.
        host: String,
        /// The limit in force, in bytes.
        limit: u64,
    },

    /// No answer came in time.
    #[error("{}; the network or the server is slow: retry later or raise the timeout", timeout_text(host, *after, *phase))]
    Timeout {
        /// The host that did not answer.
        host: String,
        /// The time allowed.
        after: Duration,
        /// Which limit ran out, and what was still awaited.
        phase: TimeoutPhase,
    },

    /// The connection could not be made, or broke.
    #[error("{}: {}", connection_text(host, *before_response, *status), causes(source))]
    Connection {
        /// The host the client talked to.
        host: String,
        /// Whether it failed before any response arrived (so the request was not processed).
        before_response: bool,
        /// The status of the response whose body was being read, when it broke after one
        /// arrived.
        status: Option<StatusCode>,
        /// The underlying failure.
        #[source]
        source: reqwest::Error,
    },

    /// The server sent something that is not a valid HTTP response: a head too large to
    /// read, a malformed status line, header or `Content-Length`, or no HTTP at all. The
    /// request may have been processed, so it is not retried.
    #[error(
        "{host} sent an answer that is not valid HTTP ({}); it may not be an HTTP server, or a proxy in front of the API is broken: check the space or base URL",
        causes(source)
    )]
    InvalidResponse {
        /// The host that answered.
        host: String,
        /// What the HTTP reader found wrong.
        #[source]
        source: reqwest::Error,
    },

    /// Something the caller passed is not valid; nothing was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument or setting that is wrong.
        field: &'static str,
        /// Why, and what would be right.
        reason: String,
    },

    /// The client is not configured well enough to make a request.
    #[error("{0}")]
    Config(String),

    /// A listing could not go on to its next page: the next-page URI repeats a page, points
    /// elsewhere or cannot be read, or the listing went past its bounds.
    #[error(
        "cannot follow next_page_uri \"{}\": {reason}",
        Printable::with_limit(uri, 200)
    )]
    Paging {
        /// The next-page URI the server gave (with the client's credentials taken out).
        uri: String,
        /// Why it cannot be followed.
        reason: String,
    },
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
    message: String,
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
/// The fields hold the server's text as it was sent, less the client's own credentials if
/// the server echoed them; `Display` escapes control characters and cuts long text (see
/// [`Printable`](crate::Printable)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// SignalWire's error code, such as `20404`, when the body had one.
    pub code: Option<i64>,
    /// The server's explanation.
    pub message: String,
    /// A page about this error, when the server named one.
    pub more_info: Option<String>,
    /// How long the server asked the client to wait (`Retry-After`), if it did.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignalWire answered {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, " (code {code})")?;
        }
        write!(f, ": {}", Printable::new(self.message.trim()))?;
        if let Some(more) = &self.more_info {
            write!(f, " [{}]", Printable::with_limit(more, 200))?;
        }
        match self.status {
            StatusCode::UNAUTHORIZED => f.write_str(
                "; check SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN, and that the token has the Voice scope",
            ),
            StatusCode::NOT_FOUND => f.write_str(
                "; check the SIDs: the conference may have ended, or the participant left it",
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

/// An error and its causes, outermost first: reqwest's own text ("error sending request")
/// says little without them.
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    text
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
        Error::InvalidInput {
            field: i.field,
            reason: i.reason,
        }
    }
}

impl Error {
    pub(crate) fn paging(uri: String, reason: String) -> Self {
        Self::Paging { uri, reason }
    }

    pub(crate) fn invalid_input(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// The HTTP status of the response, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Status { status, .. }
            | Self::Decode { status, .. }
            | Self::BodyTooLarge { status, .. } => Some(*status),
            Self::Connection { status, .. } => *status,
            _ => None,
        }
    }

    /// SignalWire's error code, such as `20404`, when the server sent one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Api(e) => e.code,
            _ => None,
        }
    }

    /// The error body the server wrote, for an [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the API said the resource does not exist: a 404 with SignalWire's error body,
    /// for a wrong SID or a participant who left.
    ///
    /// A 404 whose body is not an API error (a proxy's or a web server's page, which is what a
    /// wrong base URL gets) is an [`Error::Status`] and not "not found": it says nothing
    /// about the resource. [`status`](Self::status) still gives 404 for both.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Api(e) if e.status == StatusCode::NOT_FOUND)
    }

    /// Whether the credentials were refused (HTTP 401): a wrong project ID or token, or a
    /// token without the Voice scope.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether the same request may succeed later: a rate limit (429), a gateway or
    /// availability failure (502, 503, 504), a timeout, or a connection that failed before any
    /// response. Whether it is *safe* to repeat also depends on the request, and the default
    /// [`RetryPolicy`](crate::RetryPolicy) does not repeat timeouts.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connection {
                before_response, ..
            } => *before_response,
            Self::Timeout { .. } => true,
            _ => self.status().is_some_and(is_retryable_status),
        }
    }

    /// How long the server asked the client to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(e) => e.retry_after,
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}
