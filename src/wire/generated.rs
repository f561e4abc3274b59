//! The client progenitor generates from `openapi/compatibility.yaml` at build time.
//!
//! Private: nothing in here appears in the public API. Never edit the output; change the spec
//! or the generation settings in `build.rs`. `tests/codegen.rs` snapshots the generated source
//! so that every change to it is reviewed.

#![allow(
    missing_docs,
    private_interfaces,
    unreachable_pub,
    unused,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));

#[cfg(test)]
mod review {
    /// Holds every generated source, so that any change to the spec, to `build.rs` or to
    /// progenitor shows its generated diff in review (`cargo insta review`).
    #[test]
    fn generated_source() {
        for (name, source) in [
            (
                "codegen",
                include_str!(concat!(env!("OUT_DIR"), "/codegen.rs")),
            ),
            (
                "resources",
                include_str!(concat!(env!("OUT_DIR"), "/resources.rs")),
            ),
            (
                "models",
                include_str!(concat!(env!("OUT_DIR"), "/models.rs")),
            ),
            ("kinds", include_str!(concat!(env!("OUT_DIR"), "/kinds.rs"))),
            (
                "exports",
                include_str!(concat!(env!("OUT_DIR"), "/exports.rs")),
            ),
        ] {
            insta::assert_snapshot!(name, source);
        }
    }
}
