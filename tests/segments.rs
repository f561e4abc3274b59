//! Segment counting, held to the carriers' rules over generated bodies.

use proptest::prelude::*;
use signalwire_compat::segments::{Encoding, Segments};

/// Bodies mixing GSM-7's basic and extension characters, and (sometimes) characters of
/// the Basic Multilingual Plane and beyond it.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(vec!['a', 'Z', ' ', '@', 'é', '\n', 'Δ', '0', '¿']),
        2 => prop::sample::select(vec!['€', '^', '{', '|', '\u{c}']),
        1 => prop::sample::select(vec!['ж', 'ç', '☕', '中']),
        1 => prop::sample::select(vec!['😀', '𝄞', '🇫']),
    ];
    prop::collection::vec(piece, 0..400).prop_map(|c| c.into_iter().collect())
}

fn units(encoding: Encoding, text: &str) -> usize {
    text.chars()
        .map(|c| {
            encoding
                .units(c)
                .expect("a character of the body's encoding")
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parts_are_the_body_each_full_and_within_its_limit(body in body()) {
        let s = Segments::of(&body);
        prop_assert_eq!(s.parts().concat(), body.clone());
        prop_assert_eq!(s.units(), units(s.encoding(), &body));
        let gsm = body.chars().all(|c| Encoding::Gsm7.units(c).is_some());
        prop_assert_eq!(s.encoding() == Encoding::Gsm7, gsm);
        match s.count() {
            0 => prop_assert!(body.is_empty()),
            1 => prop_assert!(s.units() <= s.encoding().single_limit()),
            _ => {
                prop_assert!(s.units() > s.encoding().single_limit());
                let limit = s.encoding().part_limit();
                for (i, part) in s.parts().iter().enumerate() {
                    prop_assert!(!part.is_empty());
                    prop_assert!(units(s.encoding(), part) <= limit);
                    // A part ends only where the next character would not fit.
                    if let Some(next) = s.parts().get(i + 1) {
                        let first = next.chars().next().unwrap();
                        let w = s.encoding().units(first).unwrap();
                        prop_assert!(units(s.encoding(), part) + w > limit);
                    }
                }
            }
        }
    }

    #[test]
    fn a_plain_body_takes_the_parts_arithmetic_says(n in 0usize..2_000) {
        let body = "a".repeat(n);
        let want = match n {
            0 => 0,
            1..=160 => 1,
            _ => n.div_ceil(153),
        };
        prop_assert_eq!(Segments::of(&body).count(), want);
        let wide = "ж".repeat(n);
        let want = match n {
            0 => 0,
            1..=70 => 1,
            _ => n.div_ceil(67),
        };
        prop_assert_eq!(Segments::of(&wide).count(), want);
    }
}
