//! Identifiers: lenient when read from a response, strict when sent in a request.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Error, error::Invalid};

/// An identifier returned by the API, such as a call or conference SID.
///
/// SignalWire's identifiers are UUIDs, but a response is never refused because one is not:
/// the documentation's own example carries `b3877c40-da60-4998-90ad-b792e98472co`. The text
/// is kept as sent; [`Sid::uuid`] gives the UUID when there is one.
///
/// ```
/// use signalwire_compat::Sid;
///
/// let sid = Sid::from("b3877c40-da60-4998-90ad-b792e98472ca");
/// assert!(sid.uuid().is_some());
/// assert_eq!(Sid::from("b3877c40-da60-4998-90ad-b792e98472co").uuid(), None);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sid(String);

impl Sid {
    /// The identifier as the server wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier as a UUID, when it is one.
    pub fn uuid(&self) -> Option<Uuid> {
        Uuid::try_parse(&self.0).ok()
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl From<String> for Sid {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Sid {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<Uuid> for Sid {
    fn from(value: Uuid) -> Self {
        Self(value.to_string())
    }
}

impl AsRef<str> for Sid {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Sid {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Sid {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Anything that can name a conference or a call in a request: a [`Uuid`], a [`Sid`] or text.
///
/// Requests only take UUIDs. Text that is not one is refused with
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) when the request is made, before anything is sent.
pub trait IntoSid {
    /// The UUID this names, or the text that is not one.
    fn into_sid(self) -> Result<Uuid, String>;
}

impl IntoSid for Uuid {
    fn into_sid(self) -> Result<Uuid, String> {
        Ok(self)
    }
}

impl IntoSid for &Uuid {
    fn into_sid(self) -> Result<Uuid, String> {
        Ok(*self)
    }
}

impl IntoSid for &str {
    fn into_sid(self) -> Result<Uuid, String> {
        Uuid::try_parse(self.trim()).map_err(|_| self.to_owned())
    }
}

impl IntoSid for String {
    fn into_sid(self) -> Result<Uuid, String> {
        self.as_str().into_sid()
    }
}

impl IntoSid for &String {
    fn into_sid(self) -> Result<Uuid, String> {
        self.as_str().into_sid()
    }
}

impl IntoSid for Sid {
    fn into_sid(self) -> Result<Uuid, String> {
        self.0.into_sid()
    }
}

impl IntoSid for &Sid {
    fn into_sid(self) -> Result<Uuid, String> {
        self.as_str().into_sid()
    }
}

/// A SID given by the caller, checked when the request that uses it is made.
#[derive(Debug, Clone)]
pub(crate) struct SidArg {
    what: &'static str,
    value: Result<Uuid, String>,
}

impl SidArg {
    pub(crate) fn new(what: &'static str, sid: impl IntoSid) -> Self {
        Self {
            what,
            value: sid.into_sid(),
        }
    }

    pub(crate) fn get(&self) -> Result<Uuid, Error> {
        self.check().map_err(Error::from)
    }

    /// The UUID, or why the text given is not one.
    pub(crate) fn check(&self) -> Result<Uuid, Invalid> {
        self.value.clone().map_err(|text| Invalid {
            field: self.what,
            reason: format!("{text:?} is not a UUID such as b3877c40-da60-4998-90ad-b792e98472ca"),
        })
    }
}
