//! The emulator's answers: JSON bodies, and refusals in SignalWire's error shape. Used by
//! the routes and by fault injection alike.

use axum::{
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use serde_json::{Value, json};

/// Where an error's `more_info` points.
const MORE_INFO: &str = "https://developer.signalwire.com/compatibility-api/reference/error-codes";

/// A refusal: HTTP status, SignalWire error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) code: u32,
    pub(crate) message: String,
    /// Set for the refusals SignalWire writes as `{"errors": [...]}` (a recording or a
    /// stream that cannot make a change).
    pub(crate) errors: Option<Vec<String>>,
    /// For a 405: the methods that are answered, sent as `Allow`.
    pub(crate) allow: Option<String>,
    /// How the body is written, when it is not a list of messages (`errors`).
    shape: Shape,
}

/// How a refusal's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `{"code", "message", "more_info", "status"}`, the code a number.
    Plain,
    /// `{"errors": [{"code", "message", "more_info"}]}`, the code as text, as SignalWire
    /// writes a call's creation that it refuses.
    Listed,
    /// The plain shape with its code as text (`"code": "10000"`), as SignalWire writes the
    /// refusal of a number's import.
    TextCode,
}

impl Refusal {
    pub(crate) fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: None,
            allow: None,
            shape: Shape::Plain,
        }
    }

    /// The refusal in the shape SignalWire gives a call's creation: a list of error objects,
    /// each with its code as text.
    pub(crate) fn listed(mut self) -> Self {
        self.shape = Shape::Listed;
        self
    }

    /// The refusal with its code as text, as SignalWire writes an import's.
    pub(crate) fn text_code(mut self) -> Self {
        self.shape = Shape::TextCode;
        self
    }

    /// The refusal in the usual shape (`code`, `message`), for an operation whose refusals
    /// SignalWire writes so even where the same refusal of a conference's is a list (a call's
    /// recordings and streams).
    pub(crate) fn plain(mut self) -> Self {
        if self.errors.take().is_some() && self.code == 0 {
            self.code = 10000;
        }
        self
    }

    /// A 422 in the `{"errors": [...]}` shape, one message each.
    pub(crate) fn errors(messages: Vec<String>) -> Self {
        Self {
            status: 422,
            code: 0,
            message: messages.join("; "),
            errors: Some(messages),
            allow: None,
            shape: Shape::Plain,
        }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self::new(400, 10000, message)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(
            404,
            20404,
            format!("The requested resource {what} was not found"),
        )
    }
}

pub(crate) fn ok(status: StatusCode, value: Value) -> Response {
    json_response(status, &value)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

pub(crate) fn refusal(r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = match r.errors {
        Some(errors) => json!({ "errors": errors }),
        None if r.shape == Shape::Listed => json!({ "errors": [
            {"code": r.code.to_string(), "message": r.message, "more_info": MORE_INFO}
        ] }),
        None if r.shape == Shape::TextCode => {
            json!({"code": r.code.to_string(), "message": r.message, "more_info": MORE_INFO, "status": r.status})
        }
        None => {
            json!({"code": r.code, "message": r.message, "more_info": MORE_INFO, "status": r.status})
        }
    };
    let mut response = json_response(status, &body);
    if let Some(allow) = r.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

pub(crate) fn unauthorized(message: &str) -> Response {
    let mut response = refusal(Refusal::new(401, 20003, message));
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"SignalWire\""),
    );
    response
}
