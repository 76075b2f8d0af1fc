//! Remembering the person's place in localStorage, with every failure as a
//! value: storage can be disabled (private mode), throw, or be full, and the
//! widget must go on working and say that it cannot remember.

use web_sys::Storage;

/// Why progress could not be read or written (the widget words it, see
/// `Messages::storage_unavailable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The browser offers no localStorage here (blocked, private mode).
    Unavailable,
    /// Writing failed; usually the storage is full.
    WriteFailed,
}

/// One saved entry in localStorage under a fixed key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressStore {
    key: String,
}

impl ProgressStore {
    /// A store for the tree with this id.
    pub fn for_tree(tree_id: &str) -> Self {
        Self {
            key: format!("backup-doctor:progress:{tree_id}"),
        }
    }

    /// A store under any key (the studio's draft).
    pub fn with_key(key: impl Into<String>) -> Self {
        Self { key: key.into() }
    }

    fn storage() -> Result<Storage, StorageError> {
        web_sys::window()
            .ok_or(StorageError::Unavailable)?
            .local_storage()
            .ok()
            .flatten()
            .ok_or(StorageError::Unavailable)
    }

    /// The saved text, if any.
    pub fn load(&self) -> Result<Option<String>, StorageError> {
        Self::storage()?
            .get_item(&self.key)
            .map_err(|_| StorageError::Unavailable)
    }

    pub fn save(&self, value: &str) -> Result<(), StorageError> {
        Self::storage()?
            .set_item(&self.key, value)
            .map_err(|_| StorageError::WriteFailed)
    }

    /// Forgets the saved progress (the person asked to, or it was unusable).
    pub fn clear(&self) -> Result<(), StorageError> {
        Self::storage()?
            .remove_item(&self.key)
            .map_err(|_| StorageError::WriteFailed)
    }
}
