//! Any text, as a date: the reader answers a date or an error, never a panic, and every
//! date it reads is written strictly and reads back as the same instant.

#![no_main]

use libfuzzer_sys::fuzz_target;
use signalwire_compat::time::{format_rfc2822, parse_rfc2822};

fuzz_target!(|text: &str| {
    if let Ok(date) = parse_rfc2822(text) {
        let strict = format_rfc2822(&date);
        assert_eq!(parse_rfc2822(&strict), Ok(date), "{text:?} -> {strict:?}");
    }
});
