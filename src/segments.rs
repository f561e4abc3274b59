//! How many SMS segments a message body takes, counted as carriers count them.
//!
//! A body made only of characters of the GSM 03.38 alphabet is sent in GSM-7: 160 septets
//! fit in one message; a longer body is split into parts of at most 153 septets each (the
//! other seven carry the header that joins them). A character of the alphabet's extension
//! table (`^ { } \ [ ] ~ | €` and form feed) takes two septets, and never straddles two
//! parts. Any other character makes the whole body UCS-2: 70 UTF-16 code units in one
//! message, at most 67 in each part of a longer one, and a character outside the Basic
//! Multilingual Plane (two code units, an emoji say) is never split between parts.
//!
//! This is what the emulator writes in a message's `num_segments`, and what a sender can
//! check before sending, since each segment is billed.
//!
//! ```
//! use signalwire_compat::segments::{Encoding, Segments};
//!
//! let plain = Segments::of("See you at 10, room 4.");
//! assert_eq!((plain.encoding(), plain.count()), (Encoding::Gsm7, 1));
//!
//! let body = "x".repeat(161);
//! let long = Segments::of(&body);
//! assert_eq!(long.count(), 2);
//! assert_eq!(long.parts(), [&"x".repeat(153)[..], &"x".repeat(8)[..]]);
//!
//! // One character outside GSM-7 makes the whole body UCS-2.
//! assert_eq!(Segments::of("Café ☕").encoding(), Encoding::Ucs2);
//! ```

/// The characters of the GSM 03.38 default alphabet, one septet each (its escape code,
/// which starts an extension character, left out).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The characters of the alphabet's extension table: the escape code and one more septet.
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a body is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The GSM 7-bit default alphabet, with its extension table.
    Gsm7,
    /// UCS-2 (in practice UTF-16): every body with a character GSM-7 does not have.
    Ucs2,
}

impl Encoding {
    /// The most units (septets, or UTF-16 code units) a body may take to go as one message.
    pub const fn single_limit(self) -> usize {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Ucs2 => 70,
        }
    }

    /// The most units each part of a body split into several messages may take.
    pub const fn part_limit(self) -> usize {
        match self {
            Encoding::Gsm7 => 153,
            Encoding::Ucs2 => 67,
        }
    }

    /// The units one character takes in this encoding (`None` for GSM-7 and a character
    /// it does not have).
    pub fn units(self, c: char) -> Option<usize> {
        match self {
            Encoding::Gsm7 if BASIC.contains(c) => Some(1),
            Encoding::Gsm7 if EXTENSION.contains(c) => Some(2),
            Encoding::Gsm7 => None,
            Encoding::Ucs2 => Some(c.len_utf16()),
        }
    }
}

/// A body as it is sent: its encoding and the parts it is split into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segments<'a> {
    encoding: Encoding,
    units: usize,
    parts: Vec<&'a str>,
}

impl<'a> Segments<'a> {
    /// Counts the segments of a body. An empty body has no segment (a message of media
    /// alone is an MMS, counted as one message by the API).
    pub fn of(body: &'a str) -> Self {
        let encoding = if body.chars().all(|c| Encoding::Gsm7.units(c).is_some()) {
            Encoding::Gsm7
        } else {
            Encoding::Ucs2
        };
        let weight = |c: char| encoding.units(c).unwrap_or(2);
        let units: usize = body.chars().map(weight).sum();
        let parts = if units == 0 {
            Vec::new()
        } else if units <= encoding.single_limit() {
            vec![body]
        } else {
            // Each part takes as many whole characters as fit.
            let limit = encoding.part_limit();
            let mut parts = Vec::with_capacity(units.div_ceil(limit));
            let (mut start, mut filled) = (0, 0);
            for (at, c) in body.char_indices() {
                let w = weight(c);
                if filled + w > limit {
                    parts.push(&body[start..at]);
                    (start, filled) = (at, 0);
                }
                filled += w;
            }
            parts.push(&body[start..]);
            parts
        };
        Segments {
            encoding,
            units,
            parts,
        }
    }

    /// The body's encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// How many messages the body is sent as (0 for an empty body).
    pub fn count(&self) -> usize {
        self.parts.len()
    }

    /// The units the whole body takes: septets in GSM-7, UTF-16 code units in UCS-2.
    pub fn units(&self) -> usize {
        self.units
    }

    /// The parts of the body, in order, each sent as one message.
    pub fn parts(&self) -> &[&'a str] {
        &self.parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_has_its_127_characters_and_ten_extensions() {
        assert_eq!(BASIC.chars().count(), 127);
        assert_eq!(EXTENSION.chars().count(), 10);
        assert!(BASIC.chars().all(|c| !EXTENSION.contains(c)));
    }

    #[test]
    fn limits_at_their_edges() {
        for (body, encoding, count) in [
            (String::new(), Encoding::Gsm7, 0),
            ("a".repeat(160), Encoding::Gsm7, 1),
            ("a".repeat(161), Encoding::Gsm7, 2),
            ("a".repeat(306), Encoding::Gsm7, 2),
            ("a".repeat(307), Encoding::Gsm7, 3),
            ("€".repeat(80), Encoding::Gsm7, 1),
            ("€".repeat(81), Encoding::Gsm7, 2),
            ("ж".repeat(70), Encoding::Ucs2, 1),
            ("ж".repeat(71), Encoding::Ucs2, 2),
            ("ж".repeat(134), Encoding::Ucs2, 2),
            ("ж".repeat(135), Encoding::Ucs2, 3),
            ("😀".repeat(35), Encoding::Ucs2, 1),
            ("😀".repeat(36), Encoding::Ucs2, 2),
            ("😀".repeat(67), Encoding::Ucs2, 3),
        ] {
            let s = Segments::of(&body);
            assert_eq!((s.encoding(), s.count()), (encoding, count), "{body:?}");
        }
    }

    #[test]
    fn an_extension_character_or_a_surrogate_pair_is_never_split() {
        // 152 septets, then `€` (two): it goes whole to the second part.
        let body = format!("{}€{}", "a".repeat(152), "x".repeat(10));
        let s = Segments::of(&body);
        assert_eq!(
            s.parts(),
            [&"a".repeat(152)[..], &format!("€{}", "x".repeat(10))[..]]
        );
        // 66 code units, then an emoji (two): it goes whole to the second part.
        let body = format!("{}😀{}", "ж".repeat(66), "ж".repeat(10));
        let s = Segments::of(&body);
        assert_eq!(
            s.parts(),
            [&"ж".repeat(66)[..], &format!("😀{}", "ж".repeat(10))[..]]
        );
    }
}
