//! What the generated resources share: the checks their builders make, and the table that
//! describes them to the command-line tool and the emulator.

use crate::error::Invalid;

/// A resource as its generated code describes it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ResourceMeta {
    /// Its command-line name, such as `applications`.
    pub command: &'static str,
    /// One of them in words, such as `application`.
    pub what: &'static str,
    /// Several of them in words, such as `applications`.
    pub plural: &'static str,
    /// Its path segment below the account, such as `Applications`.
    pub path: &'static str,
    /// The field of a page that holds them, such as `applications`.
    pub items: &'static str,
    /// The listing's own filters, if it can be listed.
    pub list: Option<&'static [FieldMeta]>,
    /// The fields a create takes, if one can be created.
    pub create: Option<&'static [FieldMeta]>,
    /// The fields an update takes, if one can be changed.
    pub update: Option<&'static [FieldMeta]>,
    /// Whether one can be fetched by its SID.
    pub fetch: bool,
    /// Whether one can be deleted.
    pub remove: bool,
}

/// A resource the spec describes, with its table entry: implemented by the generated code
/// for each model of a resource.
#[doc(hidden)]
pub trait Described {
    /// The resource's entry.
    const META: &'static ResourceMeta;
}

/// One form field or filter of a resource.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FieldMeta {
    /// Its name on the wire, such as `VoiceUrl`.
    pub wire: &'static str,
    /// Its command-line flag, such as `voice-url`.
    pub flag: &'static str,
    /// The first line of its description.
    pub help: &'static str,
    /// What its value is.
    pub kind: FieldKind,
    /// Whether a create needs it.
    pub required: bool,
}

/// What a field's value is.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Any text.
    Text,
    /// An absolute `http` or `https` URL.
    Url,
    /// `true` or `false`.
    Bool,
    /// `GET` or `POST`.
    Method,
}

/// Refuses text shorter than `min` characters.
pub(crate) fn at_least(field: &'static str, text: &str, min: u64) -> Result<(), Invalid> {
    let n = text.chars().count() as u64;
    if n < min {
        return Err(Invalid {
            field,
            reason: if n == 0 {
                "is empty".to_owned()
            } else {
                format!("has {n} characters; it needs at least {min}")
            },
        });
    }
    Ok(())
}

/// Refuses text longer than `max` characters.
pub(crate) fn at_most(field: &'static str, text: &str, max: u64) -> Result<(), Invalid> {
    let n = text.chars().count() as u64;
    if n > max {
        return Err(Invalid {
            field,
            reason: format!("has {n} characters; it may have at most {max}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(at_most("Name", "ééé", 3).is_ok());
        assert_eq!(
            at_most("Name", "éééé", 3).unwrap_err().reason,
            "has 4 characters; it may have at most 3"
        );
        assert_eq!(at_least("Name", "", 1).unwrap_err().reason, "is empty");
        assert!(at_least("Name", "x", 1).is_ok());
        assert_eq!(
            at_least("Name", "x", 2).unwrap_err().reason,
            "has 1 characters; it needs at least 2"
        );
    }
}
