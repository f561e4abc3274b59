//! The data the API returns, generated from the spec (models and open enums), and beside them
//! what is a resource's own: lenient in what they read, strict in what they write back.

pub(crate) mod call;
pub(crate) mod conference;
/// The models generated from the spec's schemas marked `x-model`, and its open enums
/// (`x-open-enum` with its `x-values`).
pub(crate) mod generated {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}
pub(crate) mod message;
pub(crate) mod participant;
pub(crate) mod recording;

/// An open enumeration of the text values the API sends: each documented value has its own
/// arm, and any other text is kept in `Other` rather than failing the response. Writes the
/// enum, its `KNOWN` table, `as_str`, `Display`, `From<&str>`, `From<String>` and serde.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// Any other value, kept as the server wrote it.
            Other(String),
        }

        impl $name {
            /// Every documented value, with its text as the API writes it.
            pub const KNOWN: &'static [(&'static str, $name)] =
                &[ $( ($text, $name::$variant), )+ ];

            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match Self::from(text.as_str()) {
                    Self::Other(_) => Self::Other(text),
                    known => known,
                }
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = ::std::borrow::Cow::<str>::deserialize(deserializer)?;
                Ok(match text {
                    ::std::borrow::Cow::Borrowed(t) => Self::from(t),
                    ::std::borrow::Cow::Owned(t) => Self::from(t),
                })
            }
        }
    };
}
pub(crate) use open_enum;

/// Serde helpers (`#[serde(with = …)]`) for a number a server may write as a JSON number or
/// as text (`0.003` or `"-0.003"`; a count `1` or `"1"`, as Twilio writes counts, prices and
/// error codes): text that is not such a number reads as `None`, and is logged. Written back
/// as a number. For `Option<f64>` and `Option<i64>`.
pub(crate) mod lenient_number {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A number the helpers read: an `f64` only when finite.
    pub(crate) trait Number: Sized + Serialize + std::str::FromStr {
        fn usable(&self) -> bool {
            true
        }
    }

    impl Number for f64 {
        fn usable(&self) -> bool {
            self.is_finite()
        }
    }

    impl Number for i64 {}

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given<T> {
        Number(T),
        Text(String),
    }

    pub(crate) fn serialize<T: Number, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: Number + Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(match Option::<Given<T>>::deserialize(deserializer)? {
            None => None,
            Some(Given::Number(n)) => Some(n),
            Some(Given::Text(text)) => match text.trim().parse::<T>() {
                Ok(n) if n.usable() => Some(n),
                _ => {
                    tracing::warn!(
                        value = %crate::Printable::new(&text),
                        "a number field holds text that is not a number; read as none"
                    );
                    None
                }
            },
        })
    }
}
