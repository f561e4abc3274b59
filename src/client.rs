//! The client, its configuration, and how each call is run (deadline and retries).

use std::{fmt, future::Future, net::IpAddr, sync::Arc, time::Duration};

use progenitor_client::{ClientInfo as _, ResponseValue};
use reqwest::{
    Url,
    header::{self, HeaderMap, HeaderValue},
};
use uuid::Uuid;

use crate::{
    Error, RetryPolicy,
    error::{Repr, TimeoutPhase},
    text::Secrets,
    wire::{
        generated::{self, types},
        transport::{self, Transport},
    },
};

/// The path of the API root under a space's host.
pub const API_ROOT_PATH: &str = "/api/laml/2010-04-01";

/// A client of the Compatibility API, for one project.
///
/// Cheap to clone: clones share one connection pool. Build one with [`Client::builder`] or
/// [`Client::from_env`], then reach resources through handles scoped by their parent:
///
/// ```no_run
/// # async fn demo() -> Result<(), signalwire_compat::Error> {
/// use signalwire_compat::Client;
///
/// let client = Client::from_env()?;
/// let conference = client.conference("b3877c40-da60-4998-90ad-b792e98472cf");
/// let alice = conference.participant("b3877c40-da60-4998-90ad-b792e98472ca");
/// let p = alice.update().muted(true).send().await?;
/// assert!(p.muted);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) api: generated::Client,
    pub(crate) account: Uuid,
    pub(crate) base: Url,
    retry: RetryPolicy,
    total_timeout: Option<Duration>,
    pub(crate) max_pages: u32,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("account_sid", &self.inner.account)
            .field("api_token", &"** redacted **")
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// The API root requests go to, such as
    /// `https://example.signalwire.com/api/laml/2010-04-01`, with no final `/`.
    pub fn base_url(&self) -> &str {
        root(&self.inner.base)
    }

    /// The account the client works in (the project ID unless set otherwise).
    pub fn account_sid(&self) -> Uuid {
        self.inner.account
    }

    /// Runs one operation of the generated client under the total timeout, with retries.
    pub(crate) async fn run<'a, T, F, Fut>(
        &'a self,
        expected: &'static str,
        call: F,
    ) -> Result<ResponseValue<T>, Error>
    where
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>> + 'a,
    {
        self.run_tracked(expected, call).await.result
    }

    /// [`run`](Self::run), for the body of the answer alone.
    pub(crate) async fn body<'a, T, F, Fut>(
        &'a self,
        expected: &'static str,
        call: F,
    ) -> Result<T, Error>
    where
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>> + 'a,
    {
        self.run(expected, call)
            .await
            .map(ResponseValue::into_inner)
    }

    /// [`run`](Self::run) for a request that carries a secret of its own (a stream's bearer
    /// token): it is taken out of every error, before a retry logs one.
    pub(crate) async fn run_secret<'a, T, F, Fut>(
        &'a self,
        expected: &'static str,
        secret: Option<&'a str>,
        call: F,
    ) -> Result<ResponseValue<T>, Error>
    where
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>> + 'a,
    {
        self.run_inner(expected, secret.as_slice(), call)
            .await
            .result
    }

    /// [`run_secret`](Self::run_secret) for a request that carries several secrets (a
    /// stream's bearer token, and the password in its URL).
    pub(crate) async fn run_secrets<'a, T, F, Fut>(
        &'a self,
        expected: &'static str,
        secrets: &[&str],
        call: F,
    ) -> Result<ResponseValue<T>, Error>
    where
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>> + 'a,
    {
        self.run_inner(expected, secrets, call).await.result
    }

    /// [`run`](Self::run), also saying whether an attempt before the last may have taken
    /// effect on the server.
    pub(crate) async fn run_tracked<'a, T, F, Fut>(
        &'a self,
        expected: &'static str,
        call: F,
    ) -> Tracked<ResponseValue<T>>
    where
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>> + 'a,
    {
        self.run_inner(expected, &[], call).await
    }

    async fn run_inner<'a, T, F, Fut>(
        &'a self,
        expected: &'static str,
        secrets: &[&str],
        call: F,
    ) -> Tracked<ResponseValue<T>>
    where
        F: Fn(&'a generated::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::Error>>> + 'a,
    {
        let inner = &*self.inner;
        let mut earlier_may_have_applied = false;
        let applied = &mut earlier_may_have_applied;
        // Boxed: the generated call's future is several kilobytes, and every future that
        // holds it inline is copied whole each time it moves (into a task, into
        // FuturesUnordered, up through each await). One allocation a call is far cheaper.
        let attempts = Box::pin(async move {
            let mut attempt = 1;
            loop {
                let transport::Attempt { result, retry_safe } =
                    transport::attempt(inner.api.inner(), expected, call(&inner.api)).await;
                let error = match result {
                    Ok(value) => return Ok(value),
                    Err(error) => secrets.iter().fold(error, |e, secret| e.redacted(secret)),
                };
                let Some(wait) = inner.retry.delay(attempt, retry_safe, &error) else {
                    return Err(error);
                };
                // A gateway that failed (502, 503, 504) may have passed the request on
                // before it did; a 429 or a connection never made means it was not acted on.
                *applied |= error.status().is_some_and(|s| s.is_server_error());
                tracing::info!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    error = %error,
                    "retrying {expected} request"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        });
        let result = match inner.total_timeout {
            None => attempts.await,
            Some(total) => tokio::time::timeout(total, attempts)
                .await
                .unwrap_or_else(|_| {
                    Err(Repr::Timeout {
                        host: inner.api.inner().host.clone(),
                        after: total,
                        phase: TimeoutPhase::Total,
                    }
                    .into())
                }),
        };
        Tracked {
            result,
            earlier_may_have_applied,
        }
    }
}

/// The outcome of a call, and whether an attempt before the last may have taken effect.
pub(crate) struct Tracked<T> {
    pub(crate) result: Result<T, Error>,
    pub(crate) earlier_may_have_applied: bool,
}

impl<T> Tracked<T> {
    /// The outcome of a delete: any success status means it is gone, whatever the body says;
    /// and when an attempt failed with a gateway error (502, 503, 504), the server may have
    /// deleted it before the gateway failed, so a 404 from the retry means it is gone too.
    pub(crate) fn removed(self) -> Result<(), Error> {
        match self.result {
            Ok(_) => Ok(()),
            Err(e)
                if e.kind() == crate::ErrorKind::Status
                    && e.status().is_some_and(|s| s.is_success()) =>
            {
                Ok(())
            }
            Err(e) if e.is_not_found() && self.earlier_may_have_applied => {
                tracing::info!(
                    "an earlier attempt may have deleted it; its 404 now means it is gone"
                );
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// An API token: kept out of every `Debug`, `Display` and log line.
#[derive(Clone, PartialEq, Eq)]
struct ApiToken(String);

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// Configures a [`Client`].
///
/// The API root is `https://{space}.signalwire.com/api/laml/2010-04-01`, or the
/// [`base_url`](ClientBuilder::base_url) given instead (for the emulator, a proxy or a test
/// server). The project ID and API token are sent as HTTP Basic credentials; the account in
/// every path is the project ID unless [`account_sid`](ClientBuilder::account_sid) says
/// otherwise.
///
/// | setting | default |
/// |---|---|
/// | connect timeout | 10 s |
/// | timeout for one attempt (sending, waiting, reading the body) | 30 s |
/// | total timeout for a call, all attempts and waits included | 120 s |
/// | largest response body read | 16 MiB |
/// | retries | [`RetryPolicy::default`] |
///
/// ```no_run
/// # fn demo() -> Result<(), signalwire_compat::Error> {
/// use std::time::Duration;
/// use signalwire_compat::Client;
///
/// let client = Client::builder()
///     .space("example")
///     .project_id("b3877c40-da60-4998-90ad-b792e98472af")
///     .api_token(std::env::var("SIGNALWIRE_API_TOKEN").unwrap_or_default())
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    space: Option<String>,
    base_url: Option<String>,
    project_id: Option<String>,
    api_token: Option<ApiToken>,
    account_sid: Option<String>,
    allow_insecure_http: bool,
    connect_timeout: Duration,
    timeout: Duration,
    total_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    dry_run: bool,
    max_pages: u32,
    /// A variable `from_env` found set but could not read, reported by `build`.
    unreadable_env: Option<&'static str>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            space: None,
            base_url: None,
            project_id: None,
            api_token: None,
            account_sid: None,
            allow_insecure_http: false,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            total_timeout: Some(Duration::from_secs(120)),
            user_agent: None,
            retry: RetryPolicy::default(),
            max_response_bytes: 16 * 1024 * 1024,
            dry_run: false,
            max_pages: crate::wire::paging::DEFAULT_MAX_PAGES,
            unreadable_env: None,
        }
    }
}

/// The environment variables [`ClientBuilder::from_env`] reads.
pub mod env {
    /// The space: `example` or `example.signalwire.com`.
    pub const SPACE: &str = "SIGNALWIRE_SPACE";
    /// The older name of [`SPACE`], read when `SIGNALWIRE_SPACE` is not set.
    pub const SPACE_URL: &str = "SIGNALWIRE_SPACE_URL";
    /// The project ID (a UUID), used as the user name and as the account SID.
    pub const PROJECT_ID: &str = "SIGNALWIRE_PROJECT_ID";
    /// The API token, used as the password.
    pub const API_TOKEN: &str = "SIGNALWIRE_API_TOKEN";
    /// An API root that replaces the space's, such as an emulator's.
    pub const BASE_URL: &str = "SIGNALWIRE_BASE_URL";
}

impl ClientBuilder {
    /// A builder filled from the environment: `SIGNALWIRE_SPACE` (or the older
    /// `SIGNALWIRE_SPACE_URL`), `SIGNALWIRE_PROJECT_ID`, `SIGNALWIRE_API_TOKEN`, and
    /// `SIGNALWIRE_BASE_URL` when set. Unset or empty variables are left unset, so
    /// [`build`](Self::build) names what is missing; a variable that is set but is not
    /// UTF-8 text makes `build` fail naming it.
    pub fn from_env() -> Self {
        let mut unreadable_env = None;
        let mut var = |name: &'static str| match std::env::var(name) {
            Ok(v) => Some(v).filter(|v| !v.trim().is_empty()),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                unreadable_env.get_or_insert(name);
                None
            }
        };
        let space = var(env::SPACE);
        let space_url = var(env::SPACE_URL);
        let base_url = var(env::BASE_URL);
        let project_id = var(env::PROJECT_ID);
        let api_token = var(env::API_TOKEN);
        Self {
            space: space.or_else(|| {
                space_url.map(|v| {
                    let v = v.trim();
                    let v = v.strip_prefix("https://").unwrap_or(v);
                    v.trim_end_matches('/').to_owned()
                })
            }),
            base_url,
            project_id,
            api_token: api_token.map(ApiToken),
            unreadable_env,
            ..Self::default()
        }
    }

    /// The space: its name (`example`) or host (`example.signalwire.com`). It replaces a
    /// base URL given before (from the environment too): of the two, the last given is used.
    pub fn space(mut self, space: impl Into<String>) -> Self {
        self.space = Some(space.into());
        self.base_url = None;
        self
    }

    /// An API root to use instead of the space's, e.g. an emulator's
    /// `http://127.0.0.1:8080/api/laml/2010-04-01`. Plain `http` is refused for hosts other
    /// than loopback unless [`allow_insecure_http`](Self::allow_insecure_http) is set. It
    /// replaces a space given before: of the two, the last given is used.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.space = None;
        self
    }

    /// The project ID: the Basic-auth user name, and the account SID by default.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The API token: the Basic-auth password. It is never printed.
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.api_token = Some(ApiToken(token.into()));
        self
    }

    /// The account in request paths, when it is not the project ID.
    pub fn account_sid(mut self, account_sid: impl Into<String>) -> Self {
        self.account_sid = Some(account_sid.into());
        self
    }

    /// Allows a plain-`http` base URL for a host that is not loopback. Credentials then cross
    /// the network readable by anyone on the path.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long to wait for a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to reading the whole body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a call may take in all, retries and their waits included; `None` for no limit
    /// beyond the per-attempt timeout.
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// The `User-Agent` header; by default `signalwire-compat/VERSION`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// When failed requests are tried again.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A dry run: requests that would change something (every method but `GET`) are built
    /// as usual but not sent, and fail with [`ErrorKind::DryRun`](crate::ErrorKind::DryRun);
    /// [`Error::dry_run`](crate::Error::dry_run) gives the method, URL and form each would
    /// have sent. Reads are sent, so a dry run sees the real state. Off by default.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), signalwire_compat::Error> {
    /// use signalwire_compat::Client;
    ///
    /// let client = Client::builder().dry_run(true).build()?;
    /// let conference = "b3877c40-da60-4998-90ad-b792e98472cf";
    /// let call = "b3877c40-da60-4998-90ad-b792e98472ca";
    /// let stopped = client.conference(conference).participant(call).update().muted(true).send().await;
    /// if let Some(request) = stopped.as_ref().err().and_then(|e| e.dry_run()) {
    ///     println!("would send {request}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn dry_run(mut self, on: bool) -> Self {
        self.dry_run = on;
        self
    }

    /// The largest response body the client reads; a larger one fails with
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) without being read into memory.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most pages one listing reads before it stops with [`ErrorKind::Paging`](crate::ErrorKind::Paging); 1,000 by
    /// default (at least 1). A listing can set its own with
    /// [`ListParticipants::max_pages`](crate::ListParticipants::max_pages).
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(name) = self.unreadable_env {
            return Err(Error::config(format!(
                "{name} is set but is not UTF-8 text; set it again, or unset it"
            )));
        }
        let base = match (&self.base_url, &self.space) {
            (Some(url), _) => parse_base_url(url, self.allow_insecure_http)?,
            (None, Some(space)) => space_url(space)?,
            (None, None) => {
                return Err(Error::config(format!(
                    "no SignalWire space configured: set {} (e.g. `example` for example.signalwire.com) or give a base URL",
                    env::SPACE
                )));
            }
        };
        let project_id = self.project_id.as_deref().map(str::trim).ok_or_else(|| {
            Error::config(format!(
                "no project ID configured: set {} to the project's UUID",
                env::PROJECT_ID
            ))
        })?;
        let project = Uuid::try_parse(project_id).map_err(|_| {
            Error::invalid_input("project ID", format!("{project_id:?} is not a UUID"))
        })?;
        let token = self.api_token.as_ref().ok_or_else(|| {
            Error::config(format!("no API token configured: set {}", env::API_TOKEN))
        })?;
        let account = match &self.account_sid {
            None => project,
            Some(sid) => Uuid::try_parse(sid.trim()).map_err(|_| {
                Error::invalid_input("account SID", format!("{sid:?} is not a UUID"))
            })?,
        };

        // The canonical form, whatever form was given: a braced, `urn:uuid:` or upper-case
        // project ID would otherwise go out as a user name that can never authenticate.
        let user = project.hyphenated().to_string();
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, basic_auth(&user, &token.0)?);
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("signalwire-compat/{}", env!("CARGO_PKG_VERSION")));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true);
        if cfg!(not(feature = "rustls")) && base.scheme() == "https" {
            return Err(Error::config(
                "this build of signalwire-compat has no TLS: enable the `rustls` feature to reach https URLs",
            ));
        }
        // Loopback traffic (the emulator, a test server) never goes through a proxy that the
        // environment names: it would take the credentials off the machine.
        let http = if is_loopback(&base) {
            http.no_proxy()
        } else {
            http
        };
        let http = tls(http)?
            .build()
            .map_err(|e| Error::config(format!("cannot set up HTTP: {e}")))?;

        let host = match base.port() {
            Some(port) => format!("{}:{port}", base.host_str().unwrap_or_default()),
            None => base.host_str().unwrap_or_default().to_owned(),
        };
        // Errors name the proxy the requests go through, so that its failure is not taken
        // for the API's.
        let host = match (is_loopback(&base), env_proxy(&base)) {
            (false, Some(proxy)) => format!("{host} (through {proxy})"),
            _ => host,
        };
        let transport = Transport {
            host,
            connect_timeout: self.connect_timeout,
            attempt_timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            secrets: Secrets::new(&user, &token.0),
            dry_run: self.dry_run,
        };
        // The generated client appends `/Accounts/…` to this text: an API root at the host's
        // root (`http://127.0.0.1:4010`, which `Url` writes with a final `/`) must not give
        // `//Accounts/…`.
        let api = generated::Client::new_with_client(root(&base), http, transport);
        Ok(Client {
            inner: Arc::new(Inner {
                api,
                account,
                base,
                retry: self.retry,
                total_timeout: self.total_timeout,
                max_pages: self.max_pages,
            }),
        })
    }
}

/// The API root as text with no final `/`, so that `{root}/Accounts/…` is always one path.
fn root(base: &Url) -> &str {
    base.as_str().trim_end_matches('/')
}

fn basic_auth(user: &str, password: &str) -> Result<HeaderValue, Error> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| Error::invalid_input("API token", "it cannot be sent in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The API root of a space given by name or host.
fn space_url(space: &str) -> Result<Url, Error> {
    let space = space.trim();
    let bad = |why: &str| {
        Error::invalid_input(
            "space",
            format!(
                "{space:?} {why}; give the space name (`example`) or host (`example.signalwire.com`), or set a base URL"
            ),
        )
    };
    if space.is_empty() {
        return Err(bad("is empty"));
    }
    if let Some(c) = space
        .chars()
        .find(|c| matches!(c, '/' | '@' | ':' | '?' | '#') || c.is_whitespace())
    {
        return Err(bad(&format!("contains {c:?}")));
    }
    let host = space.to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.split('.').all(label_ok) {
        return Err(bad("is not a host name"));
    }
    let host = if host.contains('.') {
        host
    } else {
        format!("{host}.signalwire.com")
    };
    Url::parse(&format!("https://{host}{API_ROOT_PATH}")).map_err(|e| bad(&e.to_string()))
}

fn parse_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let bad = |why: String| Error::invalid_input("base URL", format!("{text:?} {why}"));
    let mut url = Url::parse(text.trim()).map_err(|e| bad(format!("is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "uses plain http for a host that is not loopback; use https, or allow insecure http explicitly"
                    .into(),
            ));
        }
        other => return Err(bad(format!("has scheme {other:?}; use https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "carries credentials; give them as project ID and API token instead".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a query or fragment; give only the API root".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host".into()));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d
            .strip_suffix('.')
            .unwrap_or(d)
            .eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// The proxy the environment names for requests to `base`, as the HTTP client reads it
/// (`HTTPS_PROXY` or `HTTP_PROXY` by scheme, then `ALL_PROXY`, unless `NO_PROXY` lists the
/// host), for error messages: `the proxy http://… from HTTPS_PROXY`, without credentials.
fn env_proxy(base: &Url) -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let host = base.host_str().unwrap_or_default().to_ascii_lowercase();
    if let Some(list) = var("NO_PROXY").or_else(|| var("no_proxy")) {
        let exempt = list.split(',').map(str::trim).any(|entry| {
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
        });
        if exempt {
            return None;
        }
    }
    let names: &[&str] = match base.scheme() {
        "https" => &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"],
        _ => &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"],
    };
    names.iter().find_map(|name| {
        var(name).map(|value| {
            let shown = crate::text::without_userinfo(value.trim()).into_owned();
            format!(
                "the proxy {} from {name}",
                crate::Printable::with_limit(&shown, 200)
            )
        })
    })
}

/// An HTTP client builder set up for TLS with rustls and the ring provider.
#[cfg(feature = "rustls")]
pub(crate) fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// An HTTP client builder as it is: this build has no TLS.
#[cfg(not(feature = "rustls"))]
pub(crate) fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces() {
        for (given, url) in [
            (
                "example",
                "https://example.signalwire.com/api/laml/2010-04-01",
            ),
            (
                "Example.SignalWire.com",
                "https://example.signalwire.com/api/laml/2010-04-01",
            ),
            (
                " my-space ",
                "https://my-space.signalwire.com/api/laml/2010-04-01",
            ),
        ] {
            assert_eq!(space_url(given).unwrap().as_str(), url);
        }
        for bad in [
            "",
            "a/b",
            "user@example",
            "example:443",
            "ex?x",
            "ex#x",
            "ex ample",
            "https://example.signalwire.com",
            "-x",
            "a..b",
            "ex_ample",
        ] {
            assert!(space_url(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn loopback_in_its_other_spellings() {
        for url in [
            "http://localhost/x",
            "http://LOCALHOST./x",
            "http://127.0.0.1/x",
            "http://127.9.9.9/x",
            "http://[::1]/x",
            "http://[::ffff:127.0.0.1]/x",
        ] {
            assert!(is_loopback(&Url::parse(url).unwrap()), "{url}");
        }
        for url in [
            "http://localhost.example/x",
            "http://[::ffff:10.0.0.1]/x",
            "http://10.0.0.1/x",
        ] {
            assert!(!is_loopback(&Url::parse(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn of_a_space_and_a_base_url_the_last_given_is_used() {
        let built = |b: ClientBuilder| {
            b.project_id("6a0f0c1e-3b5d-4c8e-9f10-2a3b4c5d6e7f")
                .api_token("t")
                .build()
                .unwrap()
                .base_url()
                .to_owned()
        };
        let local = "http://127.0.0.1:1/api/laml/2010-04-01";
        let space = "https://example.signalwire.com/api/laml/2010-04-01";
        assert_eq!(
            built(Client::builder().space("example").base_url(local)),
            local
        );
        assert_eq!(
            built(Client::builder().base_url(local).space("example")),
            space
        );
    }

    #[test]
    fn base_urls() {
        let ok = |s: &str| parse_base_url(s, false).map(|u| u.to_string());
        assert_eq!(
            ok("http://127.0.0.1:8080/api/laml/2010-04-01/").unwrap(),
            "http://127.0.0.1:8080/api/laml/2010-04-01"
        );
        assert!(ok("http://localhost:1/x").is_ok());
        assert!(ok("http://[::1]:1/x").is_ok());
        assert!(ok("http://127.5.0.1/x").is_ok());
        assert!(ok("https://proxy.example.com/laml").is_ok());
        assert!(ok("http://example.com/api").is_err());
        assert!(parse_base_url("http://example.com/api", true).is_ok());
        assert!(ok("https://u:p@example.com/").is_err());
        assert!(ok("https://example.com/?a=1").is_err());
        assert!(ok("ftp://example.com/").is_err());
        assert!(ok("not a url").is_err());
        for at_root in ["http://127.0.0.1:4010", "http://127.0.0.1:4010/"] {
            assert_eq!(
                root(&parse_base_url(at_root, false).unwrap()),
                "http://127.0.0.1:4010"
            );
        }
    }
}
