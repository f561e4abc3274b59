//! An emulator running in another process (`signalwire-compat emulator`, or one a test
//! harness started), driven through its control endpoints with a [`Client`]'s base URL and
//! credentials: what [`Emulator`](super::Emulator)'s own methods do in-process.

use std::time::Duration;

use progenitor_client::ClientInfo as _;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{CallLogEntry, http::CONTROL_PATH};
use crate::{
    Client, Error, IntoSid,
    error::{DecodeError, Repr},
    sid::kind,
    wire::transport,
};

/// A call's log as a running emulator keeps it: its entries, oldest first, and how many
/// older ones it let go (past [`MAX_LOG`](super::MAX_LOG)).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CallLog {
    /// How many entries before the first were let go.
    #[serde(default)]
    pub dropped: u64,
    /// The entries, oldest first.
    #[serde(rename = "log")]
    pub entries: Vec<CallLogEntry>,
}

/// The control endpoints of an emulator in another process, reached at the origin of a
/// client's base URL (`http://127.0.0.1:8080` for `http://127.0.0.1:8080/api/laml/2010-04-01`)
/// with its credentials. Against a SignalWire space every call fails with 404: a space has
/// no such endpoints.
///
/// ```no_run
/// # async fn demo() -> Result<(), signalwire_compat::Error> {
/// use signalwire_compat::{Client, emulator::RemoteEmulator};
///
/// // SIGNALWIRE_BASE_URL, _PROJECT_ID and _API_TOKEN as `signalwire-compat emulator` prints them.
/// let client = Client::from_env()?;
/// let emulator = RemoteEmulator::new(&client);
/// let call = "5e000000-0000-4000-8000-000000000001";
/// emulator.press(call, "1").await?;
/// for entry in emulator.call_log(call).await?.entries {
///     println!("{} {}", entry.at, entry.event);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RemoteEmulator {
    client: Client,
}

impl RemoteEmulator {
    /// The emulator `client` talks to.
    pub fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
        }
    }

    /// The call's log: every request to its app, verb run, input, callback, recording and
    /// error, and its end.
    pub async fn call_log(&self, call_sid: impl IntoSid<kind::Call>) -> Result<CallLog, Error> {
        let call = call(call_sid)?;
        let body = self
            .control(Method::GET, &format!("/calls/{call}/log"), None)
            .await?;
        let (status, host, bytes) = body;
        serde_json::from_slice(&bytes).map_err(|e| {
            let secrets = &self.client.inner.api.inner().secrets;
            Repr::Decode {
                status,
                host,
                expected: "a call's log",
                snippet: transport::snippet(&bytes, secrets),
                source: DecodeError::new(&e, secrets),
            }
            .into()
        })
    }

    /// The called party presses `digits` (1 to 64 of `0`–`9`, `*`, `#`).
    pub async fn press(
        &self,
        call_sid: impl IntoSid<kind::Call>,
        digits: &str,
    ) -> Result<(), Error> {
        let call = call(call_sid)?;
        let body = json!({ "digits": digits });
        self.control(Method::POST, &format!("/calls/{call}/digits"), Some(body))
            .await
            .map(drop)
    }

    /// The called party says `text`.
    pub async fn say(&self, call_sid: impl IntoSid<kind::Call>, text: &str) -> Result<(), Error> {
        let call = call(call_sid)?;
        let body = json!({ "text": text });
        self.control(Method::POST, &format!("/calls/{call}/speech"), Some(body))
            .await
            .map(drop)
    }

    /// The called party hangs up.
    pub async fn hang_up(&self, call_sid: impl IntoSid<kind::Call>) -> Result<(), Error> {
        let call = call(call_sid)?;
        self.control(Method::POST, &format!("/calls/{call}/hangup"), None)
            .await
            .map(drop)
    }

    /// One control request: the status, host and body of a success, read within the
    /// client's limits; an error as the client's own requests give them otherwise.
    async fn control(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, String, Vec<u8>), Error> {
        let api = &self.client.inner.api;
        let limits = api.inner();
        // The emulator's control endpoints are beside its API root, under any prefix the
        // base URL has (a proxy's `/sw/api/laml/2010-04-01`).
        let base = &self.client.inner.base;
        let prefix = base
            .path()
            .trim_end_matches('/')
            .strip_suffix(crate::API_ROOT_PATH)
            .unwrap_or("");
        let mut origin = base.clone();
        origin.set_path("");
        origin.set_query(None);
        let url = format!(
            "{}{prefix}{CONTROL_PATH}{path}",
            origin.as_str().trim_end_matches('/')
        );
        // A dry-run client sends nothing that changes anything: it says what it would send.
        if limits.dry_run && method != Method::GET {
            let form = match &body {
                Some(Value::Object(fields)) => fields
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            return Err(Repr::DryRun(crate::RequestPreview {
                method: method.to_string(),
                url,
                form,
            })
            .into());
        }
        let mut request = api
            .client()
            .request(method, url)
            .timeout(limits.attempt_timeout.max(Duration::from_secs(1)));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| transport::from_reqwest(e, None, limits))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (bytes.len() + chunk.len()) as u64 > limits.max_response_bytes {
                        return Err(Repr::BodyTooLarge {
                            status,
                            host: limits.host.clone(),
                            limit: limits.max_response_bytes,
                        }
                        .into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(transport::from_reqwest(e, Some(status), limits)),
            }
        }
        if !status.is_success() {
            return Err(transport::from_error_body(
                status,
                &bytes,
                content_type,
                None,
                limits.host.clone(),
                &limits.secrets,
            ));
        }
        Ok((status, limits.host.clone(), bytes))
    }
}

/// The call's UUID, or the error for text that is not one.
fn call(call_sid: impl IntoSid<kind::Call>) -> Result<Uuid, Error> {
    call_sid.into_sid().map_err(|text| {
        Repr::InvalidInput {
            field: "CallSid",
            reason: format!(
                "{:?} is not a call SID (a UUID)",
                crate::Printable::new(&text).to_string()
            ),
        }
        .into()
    })
}
