//! Faults the emulator can be told to inject, so that retry and timeout handling (yours or
//! this crate's) can be tested against it.

use std::{
    collections::{HashMap, VecDeque},
    fmt,
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, Method, StatusCode, header},
    response::Response,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A misbehaviour the emulator injects instead of (or before) answering a request.
///
/// Give faults to [`Emulator::inject`](super::Emulator::inject), or, from any language, POST
/// them as JSON to `/__emulator/faults` (see the [module docs](super)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and SignalWire's JSON error body (429 carries code 20429, 5xx
    /// code 20504), with a `Retry-After` header when given (seconds or an HTTP date).
    Status {
        /// The HTTP status, 400 to 599.
        status: u16,
        /// The `Retry-After` header's value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
    },
    /// Answer with this status and an HTML page, as a proxy in front of the API would.
    Html {
        /// The HTTP status, 400 to 599.
        status: u16,
    },
    /// Wait this many milliseconds, then answer normally.
    Delay {
        /// The wait, in milliseconds, up to [`MAX_DELAY_MILLIS`].
        millis: u64,
    },
    /// Accept the request and never answer (until the client gives up or the emulator stops).
    Hang,
    /// Send the status line, headers and part of a body, then break the connection.
    Reset,
    /// Send a complete `200` whose JSON body is cut short.
    Truncate,
    /// Send a `200` with a body of this many bytes, streamed without a `Content-Length`.
    HugeBody {
        /// The body's size in bytes, up to [`MAX_HUGE_BODY_BYTES`].
        bytes: u64,
    },
}

/// The longest [`Fault::Delay`], in milliseconds: ten minutes.
pub const MAX_DELAY_MILLIS: u64 = 10 * 60 * 1000;

/// The largest [`Fault::HugeBody`]: 4 GiB.
pub const MAX_HUGE_BODY_BYTES: u64 = 4 << 30;

/// The most rules a project can have pending at once.
pub const MAX_PENDING_RULES: usize = 1000;

/// The methods a rule can be narrowed to.
const METHODS: [&str; 7] = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"];

/// Why a fault rule was refused; nothing was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidFault {
    reason: String,
}

impl InvalidFault {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InvalidFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid fault rule: {}", self.reason)
    }
}

impl std::error::Error for InvalidFault {}

/// A fault and which requests it applies to.
///
/// As JSON, the fault's fields and the rule's sit side by side:
/// `{"kind": "status", "status": 503, "times": 2, "method": "GET"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// What to do.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many matching requests get it: at least 1.
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests with this method (`GET`, `POST`, `DELETE`, in any case), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A rule that applies this fault to the next `times` requests.
    pub fn times(self, times: u32) -> FaultRule {
        FaultRule {
            fault: self,
            times: times.max(1),
            method: None,
        }
    }

    /// A rule that applies this fault once, to the next request with this method.
    pub fn on(self, method: &str) -> FaultRule {
        FaultRule {
            fault: self,
            times: 1,
            method: Some(method.to_ascii_uppercase()),
        }
    }
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> Self {
        fault.times(1)
    }
}

impl FaultRule {
    /// The same rule, for the next `times` matching requests.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }

    /// Reads a rule from JSON, refusing fields no rule has (so that a misspelt one is not
    /// silently ignored) and values [`check`](Self::check) refuses.
    pub(crate) fn from_json(value: serde_json::Value) -> Result<Self, InvalidFault> {
        const FIELDS: [&str; 7] = [
            "kind",
            "status",
            "retry_after",
            "millis",
            "bytes",
            "times",
            "method",
        ];
        if let Some(unknown) = value
            .as_object()
            .and_then(|o| o.keys().find(|k| !FIELDS.contains(&k.as_str())))
        {
            return Err(InvalidFault::new(format!(
                "unknown field {unknown:?}; a rule has {}",
                FIELDS.join(", ")
            )));
        }
        let rule: Self =
            serde_json::from_value(value).map_err(|e| InvalidFault::new(e.to_string()))?;
        rule.checked()
    }

    /// The rule, checked, with its method in upper case: `times` at least 1, a known
    /// method, an error status, a `Retry-After` of whole seconds or an HTTP date, and a
    /// delay or body size within [`MAX_DELAY_MILLIS`] and [`MAX_HUGE_BODY_BYTES`].
    pub fn checked(mut self) -> Result<Self, InvalidFault> {
        if self.times == 0 {
            return Err(InvalidFault::new(
                "times must be at least 1 (leave it out for once)",
            ));
        }
        if let Some(method) = &mut self.method {
            method.make_ascii_uppercase();
            if !METHODS.contains(&method.as_str()) {
                return Err(InvalidFault::new(format!(
                    "method {method:?} is not one of {}",
                    METHODS.join(", ")
                )));
            }
        }
        match &self.fault {
            Fault::Status { status, .. } | Fault::Html { status }
                if !(400..=599).contains(status) =>
            {
                return Err(InvalidFault::new(format!(
                    "status {status} is not an error status (400 to 599)"
                )));
            }
            Fault::Status {
                retry_after: Some(value),
                ..
            } if !valid_retry_after(value) => {
                return Err(InvalidFault::new(format!(
                    "retry_after {value:?} is neither whole seconds nor an HTTP date"
                )));
            }
            Fault::Delay { millis } if *millis > MAX_DELAY_MILLIS => {
                return Err(InvalidFault::new(format!(
                    "millis {millis} is over the limit of {MAX_DELAY_MILLIS}"
                )));
            }
            Fault::HugeBody { bytes } if *bytes > MAX_HUGE_BODY_BYTES => {
                return Err(InvalidFault::new(format!(
                    "bytes {bytes} is over the limit of {MAX_HUGE_BODY_BYTES}"
                )));
            }
            _ => {}
        }
        Ok(self)
    }
}

/// A `Retry-After` value as RFC 9110 has it: whole seconds, or an HTTP date (which the RFC
/// 2822 reader accepts), fit to be a header.
fn valid_retry_after(value: &str) -> bool {
    let seconds =
        !value.is_empty() && value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit());
    (seconds || crate::time::parse_rfc2822(value).is_ok()) && HeaderValue::from_str(value).is_ok()
}

/// The rules waiting to fire, each project's apart, in the order given.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: HashMap<Uuid, VecDeque<FaultRule>>,
}

impl Faults {
    /// Queues checked rules for a project, all or none.
    pub(crate) fn push(
        &mut self,
        project: Uuid,
        rules: impl IntoIterator<Item = FaultRule>,
    ) -> Result<(), InvalidFault> {
        let rules = rules
            .into_iter()
            .map(FaultRule::checked)
            .collect::<Result<Vec<_>, _>>()?;
        let queue = self.rules.entry(project).or_default();
        if queue.len() + rules.len() > MAX_PENDING_RULES {
            return Err(InvalidFault::new(format!(
                "a project can have at most {MAX_PENDING_RULES} rules pending; {} are",
                queue.len()
            )));
        }
        queue.extend(rules);
        Ok(())
    }

    pub(crate) fn clear(&mut self, project: &Uuid) {
        self.rules.remove(project);
    }

    pub(crate) fn pending(&self, project: &Uuid) -> Vec<FaultRule> {
        self.rules
            .get(project)
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The fault for a project's request, if one of its rules matches; the rule is used up
    /// after `times`.
    pub(crate) fn take(&mut self, project: &Uuid, method: &Method) -> Option<Fault> {
        let queue = self.rules.get_mut(project)?;
        let i = queue
            .iter()
            .position(|r| r.method.as_deref().is_none_or(|m| m == method.as_str()))?;
        let rule = &mut queue[i];
        let fault = rule.fault.clone();
        rule.times = rule.times.saturating_sub(1);
        if rule.times == 0 {
            queue.remove(i);
        }
        Some(fault)
    }
}

/// What the handler does with a fault: answer now, wait and then answer normally, or never
/// answer (until the emulator stops).
pub(crate) enum Applied {
    Answer(Response),
    Delay(Duration),
    Hang,
}

pub(crate) fn apply(fault: Fault) -> Applied {
    let status = |s: u16| StatusCode::from_u16(s).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    match fault {
        Fault::Delay { millis } => Applied::Delay(Duration::from_millis(millis)),
        Fault::Status {
            status: s,
            retry_after,
        } => {
            let code = match s {
                429 => 20429,
                500..=599 => 20504,
                _ => 10000,
            };
            let mut response = super::response::refusal(super::response::Refusal::new(
                s,
                code,
                format!("Injected fault: {}", status(s)),
            ));
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Applied::Answer(response)
        }
        Fault::Html { status: s } => {
            let page = format!(
                "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                status(s)
            );
            let mut response = Response::new(Body::from(page));
            *response.status_mut() = status(s);
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            Applied::Answer(response)
        }
        Fault::Hang => Applied::Hang,
        Fault::Reset => {
            // The head and the first bytes go out (the pause lets them be flushed), then the
            // stream fails and the connection is dropped mid-body.
            let chunks = futures_util::stream::unfold(0u8, |step| async move {
                match step {
                    0 => Some((Ok(Bytes::from_static(b"{\"account_sid\": \"a1b2c3d4")), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some((
                            Err(std::io::Error::new(
                                std::io::ErrorKind::ConnectionReset,
                                "injected reset",
                            )),
                            2,
                        ))
                    }
                    _ => None,
                }
            });
            json_stream(StatusCode::OK, chunks)
        }
        Fault::Truncate => {
            let mut response = Response::new(Body::from(
                r#"{"account_sid": "a1b2c3d4-0000-4000-8000-00000000000a", "call_sid": "ca0"#,
            ));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            Applied::Answer(response)
        }
        Fault::HugeBody { bytes } => {
            const CHUNK: usize = 64 * 1024;
            let block = Bytes::from(vec![b' '; CHUNK]);
            let full = bytes / CHUNK as u64;
            let rest = (bytes % CHUNK as u64) as usize;
            let chunks = futures_util::stream::iter(
                (0..full)
                    .map(move |_| Ok::<_, std::io::Error>(block.clone()))
                    .chain((rest > 0).then(|| Ok(Bytes::from(vec![b' '; rest])))),
            );
            json_stream(StatusCode::OK, chunks)
        }
    }
}

fn json_stream<S>(status: StatusCode, chunks: S) -> Applied
where
    S: futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    let mut response = Response::new(Body::from_stream(chunks));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Applied::Answer(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fire_in_order_and_are_used_up() {
        let (p, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut f = Faults::default();
        f.push(
            p,
            [
                Fault::Status {
                    status: 503,
                    retry_after: None,
                }
                .times(2),
                Fault::Html { status: 502 }.on("post"),
            ],
        )
        .unwrap();
        assert_eq!(
            f.take(&other, &Method::GET),
            None,
            "another project's rules"
        );
        assert!(matches!(
            f.take(&p, &Method::POST),
            Some(Fault::Status { status: 503, .. })
        ));
        assert!(matches!(
            f.take(&p, &Method::GET),
            Some(Fault::Status { status: 503, .. })
        ));
        assert_eq!(
            f.take(&p, &Method::GET),
            None,
            "the POST rule does not match a GET"
        );
        assert!(matches!(
            f.take(&p, &Method::POST),
            Some(Fault::Html { status: 502 })
        ));
        assert_eq!(f.take(&p, &Method::POST), None);
    }

    #[test]
    fn rules_read_from_json() {
        let rules: Vec<FaultRule> = serde_json::from_str(
            r#"[{"kind": "status", "status": 429, "retry_after": "1", "times": 2},
                {"kind": "hang", "method": "GET"},
                {"kind": "huge_body", "bytes": 1000000}]"#,
        )
        .unwrap();
        assert_eq!(rules[0].times, 2);
        assert_eq!(rules[1].method.as_deref(), Some("GET"));
        assert!(serde_json::from_str::<Vec<FaultRule>>(r#"[{"kind": "explode"}]"#).is_err());
        let json = |t: &str| FaultRule::from_json(serde_json::from_str(t).unwrap());
        assert_eq!(
            json(r#"{"kind": "hang", "method": "get", "times": 3}"#).unwrap(),
            Fault::Hang.on("GET").times(3)
        );
        for bad in [
            r#"{"kind": "status", "status": 200}"#,
            r#"{"kind": "status", "status": 503, "tims": 2}"#,
            r#"{"kind": "status", "status": 503, "times": 0}"#,
            r#"{"kind": "status", "status": 503, "times": -1}"#,
            r#"{"kind": "status", "status": 503, "method": "FETCH"}"#,
            r#"{"kind": "status", "status": 429, "retry_after": "soon"}"#,
            r#"{"kind": "status", "status": 429, "retry_after": "-1"}"#,
            r#"{"kind": "status", "status": 429, "retry_after": "1\r\nx: y"}"#,
            r#"{"kind": "delay", "millis": 600001}"#,
            r#"{"kind": "huge_body", "bytes": 4294967297}"#,
        ] {
            assert!(json(bad).is_err(), "{bad}");
        }
        assert!(json(r#"{"kind": "status", "status": 429, "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"}"#).is_ok());
    }

    #[test]
    fn pending_rules_are_bounded() {
        let p = Uuid::from_u128(1);
        let mut f = Faults::default();
        let rule = || Fault::Hang.times(1);
        f.push(p, (0..MAX_PENDING_RULES - 1).map(|_| rule()))
            .unwrap();
        assert!(f.push(p, [rule(), rule()]).is_err(), "all or none");
        assert_eq!(f.pending(&p).len(), MAX_PENDING_RULES - 1);
        f.push(p, [rule()]).unwrap();
        assert!(f.push(p, [rule()]).is_err());
        f.clear(&p);
        assert!(f.pending(&p).is_empty());
    }

    #[test]
    fn a_rule_set_to_zero_times_in_code_is_refused_not_a_panic() {
        let mut rule = Fault::Hang.times(1);
        rule.times = 0;
        let mut f = Faults::default();
        assert!(f.push(Uuid::from_u128(1), [rule]).is_err());
    }
}
