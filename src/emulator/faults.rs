//! Faults the emulator can be told to inject, so that retry and timeout handling (yours or
//! this crate's) can be tested against it.

use std::{collections::VecDeque, time::Duration};

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, Method, StatusCode, header},
    response::Response,
};
use serde::{Deserialize, Serialize};

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
        /// The wait, in milliseconds.
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
        /// The body's size in bytes.
        bytes: u64,
    },
}

/// A fault and which requests it applies to.
///
/// As JSON, the fault's fields and the rule's sit side by side:
/// `{"kind": "status", "status": 503, "times": 2, "method": "GET"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// What to do.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many matching requests get it (at least 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests with this method (`GET`, `POST`, `DELETE`), when given.
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
    /// silently ignored).
    pub(crate) fn from_json(value: serde_json::Value) -> Result<Self, String> {
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
            return Err(format!(
                "unknown field {unknown:?}; a rule has {}",
                FIELDS.join(", ")
            ));
        }
        let rule: Self = serde_json::from_value(value).map_err(|e| e.to_string())?;
        rule.check()?;
        Ok(rule)
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        match &self.fault {
            Fault::Status { status, .. } | Fault::Html { status }
                if !(400..=599).contains(status) =>
            {
                Err(format!(
                    "status {status} is not an error status (400 to 599)"
                ))
            }
            _ => Ok(()),
        }
    }
}

/// The rules waiting to fire, in the order given.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: VecDeque<FaultRule>,
}

impl Faults {
    pub(crate) fn push(&mut self, rule: FaultRule) {
        self.rules.push_back(rule);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn pending(&self) -> Vec<FaultRule> {
        self.rules.iter().cloned().collect()
    }

    /// The fault for a request, if a rule matches it; the rule is used up after `times`.
    pub(crate) fn take(&mut self, method: &Method) -> Option<Fault> {
        let i = self
            .rules
            .iter()
            .position(|r| r.method.as_deref().is_none_or(|m| m == method.as_str()))?;
        let rule = &mut self.rules[i];
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            self.rules.remove(i);
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
            let mut response = super::http::refusal(super::state::Refusal::new(
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
        let mut f = Faults::default();
        f.push(
            Fault::Status {
                status: 503,
                retry_after: None,
            }
            .times(2),
        );
        f.push(Fault::Html { status: 502 }.on("post"));
        assert!(matches!(
            f.take(&Method::POST),
            Some(Fault::Status { status: 503, .. })
        ));
        assert!(matches!(
            f.take(&Method::GET),
            Some(Fault::Status { status: 503, .. })
        ));
        assert_eq!(
            f.take(&Method::GET),
            None,
            "the POST rule does not match a GET"
        );
        assert!(matches!(
            f.take(&Method::POST),
            Some(Fault::Html { status: 502 })
        ));
        assert_eq!(f.take(&Method::POST), None);
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
        assert!(json(r#"{"kind": "status", "status": 200}"#).is_err());
        assert!(json(r#"{"kind": "status", "status": 503, "tims": 2}"#).is_err());
        assert_eq!(
            json(r#"{"kind": "hang", "method": "GET", "times": 3}"#)
                .unwrap()
                .times,
            3
        );
    }
}
