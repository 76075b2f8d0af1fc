//! Thin glue to browser APIs: each module moves data between the DOM/web
//! platform and plain Rust values, and turns every failure into a value.

pub mod beacon;
pub mod events;
pub mod fetch;
pub mod frame;
pub mod history;
pub mod http;
pub mod intl;
pub mod location;
pub mod measure;
pub mod scheme;
pub mod storage;
