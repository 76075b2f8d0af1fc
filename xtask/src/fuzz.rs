//! `cargo xtask fuzz` (being written).

use crate::TaskResult;

pub fn run(_args: &[&str]) -> TaskResult {
    Err("`cargo xtask fuzz` is not written yet".into())
}
