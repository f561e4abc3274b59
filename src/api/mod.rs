//! Handles and builders, one module a resource: what a caller reaches through
//! [`Client`](crate::Client) and what each operation takes.

pub(crate) mod available_numbers;
pub(crate) mod calls;
pub(crate) mod conferences;
pub(crate) mod generated;
pub(crate) mod imported_numbers;
pub(crate) mod messages;
pub(crate) mod meta;
pub(crate) mod participants;
pub(crate) mod recordings;
pub(crate) mod streams;

use reqwest::Url;

use crate::{error::Invalid, wire::generated::types};

/// The HTTP method a callback URL (hold music, an announcement) is fetched with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CallbackMethod {
    /// `GET`.
    #[serde(rename = "GET", alias = "get")]
    Get,
    /// `POST`.
    #[serde(rename = "POST", alias = "post")]
    Post,
}

impl CallbackMethod {
    /// Both methods, with their text as the API writes it.
    pub const KNOWN: &'static [(&'static str, Self)] = &[("GET", Self::Get), ("POST", Self::Post)];

    /// The method as the API writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

impl From<CallbackMethod> for types::CallbackMethod {
    fn from(m: CallbackMethod) -> Self {
        match m {
            CallbackMethod::Get => Self::Get,
            CallbackMethod::Post => Self::Post,
        }
    }
}

/// A callback URL a caller gave, if it is an absolute `http` or `https` URL.
pub(crate) fn checked_url(field: &'static str, text: &str) -> Result<String, Invalid> {
    let refuse = |reason: String| Invalid { field, reason };
    match Url::parse(text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(url.into())
        }
        Ok(mut url) => {
            // A user name or password in it is not repeated in the error.
            if !url.username().is_empty() || url.password().is_some() {
                let _ = url.set_username("");
                let _ = url.set_password(None);
            }
            Err(refuse(format!(
                "{:?} is not an http or https URL",
                url.as_str()
            )))
        }
        Err(e) => Err(refuse(format!("{text:?} is not an absolute URL ({e})"))),
    }
}
