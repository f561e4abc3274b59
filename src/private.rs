//! Entry points into the client's parsing for the fuzz targets and property tests. Not part
//! of the API: hidden, and free to change.

use reqwest::StatusCode;

use crate::{
    Error, Page, Participant,
    wire::{generated::types, transport},
};

/// Decodes a participant exactly as a fetch or update response is decoded.
pub fn decode_participant(body: &[u8]) -> Result<Participant, serde_json::Error> {
    serde_json::from_slice::<Participant>(body)
}

/// Decodes a page exactly as a list response is decoded.
pub fn decode_page(body: &[u8]) -> Result<Page<Participant>, serde_json::Error> {
    serde_json::from_slice::<types::ParticipantPage>(body).map(Page::from)
}

/// The error an error status with this body becomes, as the client reports it.
pub fn error_from_body(status: u16, body: &[u8]) -> Error {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    transport::from_error_body(
        status,
        body,
        None,
        None,
        "127.0.0.1".into(),
        &Default::default(),
    )
}

/// Whether a next-page URI would be followed, and if not why.
pub fn follow_next_page(uri: &str) -> Result<(), String> {
    let base = reqwest::Url::parse("https://example.signalwire.com/api/laml/2010-04-01")
        .expect("a valid URL");
    let id = uuid::Uuid::from_u128(1).to_string();
    let path = ["Accounts", &id, "Conferences", &id, "Participants"].map(String::from);
    crate::wire::paging::parse_next_page::<crate::api::generated::ParticipantListing>(
        uri, &base, &path,
    )
    .map(drop)
}

/// The printable start of a body, as errors show it.
pub fn snippet(body: &[u8]) -> String {
    transport::snippet(body, &Default::default())
}

/// Every resource the spec describes.
pub use crate::api::generated::RESOURCES;
/// The table of resources the spec describes, for the command-line tool's generic commands.
pub use crate::api::meta::{
    Answer, Check, CreateFn, Described, DynOps, FieldKind, FieldMeta, ItemFn, ListFn, Model,
    Paging, Pairs, ResourceMeta, Rows, UpdateFn,
};
