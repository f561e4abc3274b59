//! Axum extractors that check a webhook's signature and read its form in one step:
//! [`Signed<T>`] for any webhook type (a call's [`VoiceRequest`](super::VoiceRequest), its
//! status callbacks, a conference's events), [`SignedEvent`] for conference events. Needs
//! the `axum` feature.

use axum::{
    extract::{FromRef, FromRequest, Request},
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};

use super::{
    ConferenceEvent, Payload, SIGNATURE_HEADERS, UrlSource, Validator, Webhook, WebhookError,
    public_url, signature::form_pairs,
};

/// The largest webhook body read: callbacks are small forms.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// What the extractor needs from the app's state: the validator, and where the URL
/// SignalWire called comes from.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Checks the signatures.
    pub validator: Validator,
    /// Where the public URL comes from.
    pub url: UrlSource,
}

/// A conference status callback whose signature checked out.
///
/// It reads a `POST` callback's form body, or a `GET` callback's query. As an extractor,
/// it refuses a request with 403 when its signature is missing, unreadable or wrong, with 413
/// when its body is over 64 KiB, and with 400 when its form lacks what an event needs; the app's state must give a
/// [`WebhookConfig`] (through `FromRef`).
///
/// ```no_run
/// use axum::{Router, routing::post};
/// use signalwire_compat::webhooks::{SigningKey, UrlSource, Validator, axum::{SignedEvent, WebhookConfig}};
///
/// async fn events(SignedEvent(event): SignedEvent) -> &'static str {
///     println!("{} in {}", event.kind, event.conference_sid);
///     "ok"
/// }
///
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let config = WebhookConfig {
///     validator: Validator::new(SigningKey::new(std::env::var("SIGNALWIRE_SIGNING_KEY")?)?),
///     url: UrlSource::Public("https://abc123.ngrok.io".into()),
/// };
/// let app: Router = Router::new().route("/events", post(events)).with_state(config);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SignedEvent(pub ConferenceEvent);

/// Why [`SignedEvent`] refused a request.
#[derive(Debug)]
pub struct Rejection(WebhookError);

impl Rejection {
    /// Why.
    pub fn error(&self) -> &WebhookError {
        &self.0
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = match self.0 {
            WebhookError::MissingParameter(_) => StatusCode::BAD_REQUEST,
            WebhookError::UnreadableBody { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::FORBIDDEN,
        };
        (status, self.0.to_string()).into_response()
    }
}

/// A webhook of type `T` whose signature checked out, refused as [`SignedEvent`] refuses.
///
/// A call's URL can take the [`VoiceRequest`](super::VoiceRequest) and answer with cXML, in
/// one function:
///
/// ```no_run
/// use axum::{Router, routing::post};
/// use signalwire_compat::cxml::{Say, VoiceResponse};
/// use signalwire_compat::webhooks::{VoiceRequest, axum::{Signed, WebhookConfig}};
///
/// async fn voice(Signed(call): Signed<VoiceRequest>) -> VoiceResponse {
///     let who = call.from.unwrap_or_else(|| "caller".into());
///     VoiceResponse::new().say(Say::new(format!("Hello, {who}")))
/// }
///
/// # fn demo(config: WebhookConfig) {
/// let app: Router = Router::new().route("/voice", post(voice)).with_state(config);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Signed<T>(pub T);

/// Checks a request's signature and reads its form (its query, for a `GET`) into `T`.
async fn extract<T: Webhook>(request: Request, config: &WebhookConfig) -> Result<T, Rejection> {
    let (parts, body) = request.into_parts();
    let signature = SIGNATURE_HEADERS
        .iter()
        .find_map(|name| parts.headers.get(*name))
        .ok_or(Rejection(WebhookError::MissingSignature))?
        .to_str()
        .map_err(|_| Rejection(WebhookError::UnreadableSignature))?
        .to_owned();
    let url = public_url(&parts.uri, &parts.headers, &config.url)
        .ok_or(Rejection(WebhookError::BadSignature))?;
    if parts.method == Method::GET {
        // A `GET` callback carries its parameters in the query, which the URL covers.
        let pairs = form_pairs(parts.uri.query().unwrap_or_default().as_bytes());
        config
            .validator
            .check(&signature, &url, Payload::Empty)
            .map_err(Rejection)?;
        return T::from_form(&pairs).map_err(Rejection);
    }
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            Rejection(WebhookError::UnreadableBody {
                limit: MAX_BODY_BYTES,
            })
        })?;
    config
        .validator
        .read::<T>(&signature, &url, &body)
        .map_err(Rejection)
}

impl<S, T> FromRequest<S> for Signed<T>
where
    WebhookConfig: FromRef<S>,
    S: Send + Sync,
    T: Webhook + Send,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = WebhookConfig::from_ref(state);
        extract(request, &config).await.map(Signed)
    }
}

impl<S> FromRequest<S> for SignedEvent
where
    WebhookConfig: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = WebhookConfig::from_ref(state);
        extract::<ConferenceEvent>(request, &config)
            .await
            .map(SignedEvent)
    }
}
