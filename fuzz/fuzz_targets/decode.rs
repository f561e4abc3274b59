//! Any bytes, as a response body: decoding a participant, a page or an error body, and
//! following a next-page URI, end in a value or an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use signalwire_compat::__private as p;

fuzz_target!(|body: &[u8]| {
    let _ = p::decode_participant(body);
    if let Ok(page) = p::decode_page(body) {
        if let Some(next) = &page.next_page_uri {
            let _ = p::follow_next_page(next);
        }
    }
    let error = p::error_from_body(502, body);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    let _ = error.to_string();
    let _ = p::snippet(body);
});
