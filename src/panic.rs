//! A panic must never leave a frozen or blank widget. The release build
//! panics with `-Cpanic=immediate-abort` (see `xtask/src/widget.rs`): the
//! wasm traps at once, no hook runs, and the trap reaches the page as an
//! uncaught `WebAssembly.RuntimeError`. `embed/startup.js` (`onWasmTrap`,
//! `showCrash`), loaded by the standalone page's watchdog and by
//! `embed.js`, then replaces every widget of the page (its element marked
//! `data-backup-doctor-root`) with the crash panel in its language, with
//! Reload and the trap for support. Drawn in JavaScript, the panel keeps
//! the panic machinery (the hook, the message's formatting) out of the
//! wasm: about 7 KB gzipped.

use wasm_bindgen::prelude::*;

/// Panics on purpose. It exists so that a browser test can prove that a
/// crash shows the error panel rather than a frozen widget
/// (`e2e/hardening.test.mjs`); nothing in the widget calls it.
#[wasm_bindgen(js_name = __backupDoctorCrashTest)]
pub fn crash_test() {
    panic!("crash test: a panic on purpose");
}
