//! The pure core of backup-doctor: everything that decides, over plain data.
//!
//! No yew, web-sys, js-sys or wasm-bindgen here (the crate cannot even name
//! them), so `cargo test -p backup-doctor-core` runs natively in milliseconds.
//! The widget and the server only move data in and out of these modules.

pub mod config;
pub mod decimal;
pub mod insights;
pub mod known;
pub mod session;
pub mod speed;
pub mod tree;
