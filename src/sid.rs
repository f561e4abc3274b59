//! Identifiers, typed by what they name: lenient when read from a response, strict when sent
//! in a request.

use std::{cmp::Ordering, fmt, hash::Hash, marker::PhantomData};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::{Error, error::Invalid};

include!(concat!(env!("OUT_DIR"), "/kinds.rs"));

/// An identifier returned by the API, typed by what it names: [`ConferenceSid`],
/// [`CallSid`], [`AccountSid`], [`RecordingSid`], [`StreamSid`].
///
/// SignalWire's SIDs are bare UUIDs with no prefix, so nothing in the text tells a
/// conference's from a call's: the type does. A call SID given where a conference SID
/// belongs does not compile, while text and [`Uuid`]s are taken anywhere (see [`IntoSid`]).
///
/// A response is never refused because a SID is not a UUID: the documentation's own example
/// carries `b3877c40-da60-4998-90ad-b792e98472co`. The text is kept as sent;
/// [`Sid::uuid`] gives the UUID when there is one.
///
/// ```
/// use signalwire_compat::CallSid;
///
/// let sid = CallSid::from("b3877c40-da60-4998-90ad-b792e98472ca");
/// assert!(sid.uuid().is_some());
/// assert_eq!(CallSid::from("b3877c40-da60-4998-90ad-b792e98472co").uuid(), None);
/// ```
///
/// ```compile_fail
/// # fn demo(client: signalwire_compat::Client, p: signalwire_compat::Participant) {
/// // A participant's call SID is not a conference SID.
/// client.conference(p.call_sid);
/// # }
/// ```
pub struct Sid<K> {
    text: String,
    kind: PhantomData<fn() -> K>,
}

impl<K> Sid<K> {
    /// The identifier as the server wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The identifier as a UUID, when it is one.
    pub fn uuid(&self) -> Option<Uuid> {
        Uuid::try_parse(&self.text).ok()
    }
}

impl<K> Clone for Sid<K> {
    fn clone(&self) -> Self {
        Self::from(self.text.clone())
    }
}

impl<K> PartialEq for Sid<K> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<K> Eq for Sid<K> {}

impl<K> PartialOrd for Sid<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Sid<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<K> Hash for Sid<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl<K> fmt::Display for Sid<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<K> fmt::Debug for Sid<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<K> Serialize for Sid<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, K> Deserialize<'de> for Sid<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

impl<K> From<String> for Sid<K> {
    fn from(text: String) -> Self {
        Self {
            text,
            kind: PhantomData,
        }
    }
}

impl<K> From<&str> for Sid<K> {
    fn from(text: &str) -> Self {
        Self::from(text.to_owned())
    }
}

impl<K> From<Uuid> for Sid<K> {
    fn from(uuid: Uuid) -> Self {
        Self::from(uuid.to_string())
    }
}

impl<K> AsRef<str> for Sid<K> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl<K> PartialEq<str> for Sid<K> {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl<K> PartialEq<&str> for Sid<K> {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// Anything that can name a `K` in a request: a [`Sid`] of that kind, a [`Uuid`], or text.
///
/// Requests only take UUIDs. Text that is not one is refused with
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) when the request is made,
/// before anything is sent. A SID of another kind is refused at compile time.
pub trait IntoSid<K> {
    /// The UUID this names, or the text that is not one.
    fn into_sid(self) -> Result<Uuid, String>;
}

impl<K> IntoSid<K> for Uuid {
    fn into_sid(self) -> Result<Uuid, String> {
        Ok(self)
    }
}

impl<K> IntoSid<K> for &Uuid {
    fn into_sid(self) -> Result<Uuid, String> {
        Ok(*self)
    }
}

impl<K> IntoSid<K> for &str {
    fn into_sid(self) -> Result<Uuid, String> {
        Uuid::try_parse(self.trim()).map_err(|_| self.to_owned())
    }
}

impl<K> IntoSid<K> for String {
    fn into_sid(self) -> Result<Uuid, String> {
        IntoSid::<K>::into_sid(self.as_str())
    }
}

impl<K> IntoSid<K> for &String {
    fn into_sid(self) -> Result<Uuid, String> {
        IntoSid::<K>::into_sid(self.as_str())
    }
}

impl<K> IntoSid<K> for Sid<K> {
    fn into_sid(self) -> Result<Uuid, String> {
        IntoSid::<K>::into_sid(self.text.as_str())
    }
}

impl<K> IntoSid<K> for &Sid<K> {
    fn into_sid(self) -> Result<Uuid, String> {
        IntoSid::<K>::into_sid(self.text.as_str())
    }
}

/// A SID given by the caller, checked when the request that uses it is made.
#[derive(Debug, Clone)]
pub(crate) struct SidArg {
    what: &'static str,
    value: Result<Uuid, String>,
}

impl SidArg {
    pub(crate) fn new<K>(what: &'static str, sid: impl IntoSid<K>) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_compare_hash_and_read_as_their_text() {
        use std::collections::HashSet;
        let a = ConferenceSid::from("b3877c40-da60-4998-90ad-b792e98472cf");
        let b: ConferenceSid =
            serde_json::from_str("\"b3877c40-da60-4998-90ad-b792e98472cf\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(HashSet::from([a.clone(), b.clone()]).len(), 1);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"b3877c40-da60-4998-90ad-b792e98472cf\""
        );
        assert_eq!(format!("{a:?}"), "\"b3877c40-da60-4998-90ad-b792e98472cf\"");
        assert!(a == "b3877c40-da60-4998-90ad-b792e98472cf");
        let odd = CallSid::from("b3877c40-da60-4998-90ad-b792e98472co");
        assert_eq!(odd.uuid(), None);
        assert_eq!(
            IntoSid::<kind::Call>::into_sid(&odd).unwrap_err(),
            odd.as_str()
        );
    }
}
