//! The author's draft, kept in this browser's localStorage only: the studio
//! sends nothing to any server. Every storage failure is a value the page
//! words (private mode, a full storage), and the text in the editor is
//! never lost because of one.

use backup_doctor::browser::storage::{ProgressStore, StorageError};

const KEY: &str = "backup-doctor:studio-draft";

fn store() -> ProgressStore {
    ProgressStore::with_key(KEY)
}

/// The saved draft, if there is one.
pub fn load() -> Option<String> {
    store().load().ok().flatten().filter(|t| !t.is_empty())
}

/// Saves `text` as the draft.
pub fn save(text: &str) -> Result<(), StorageError> {
    store().save(text)
}

/// Forgets the draft.
pub fn discard() -> Result<(), StorageError> {
    store().clear()
}

/// Why the draft could not be kept, in words.
pub fn describe(error: StorageError) -> &'static str {
    match error {
        StorageError::Unavailable => {
            "This browser does not let the studio keep a draft here (private mode, or storage is off). Download the file to keep your work."
        }
        StorageError::WriteFailed => {
            "The draft could not be saved: this browser's storage for the site is full. Download the file to keep your work."
        }
    }
}
