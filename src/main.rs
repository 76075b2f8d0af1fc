//! The standalone page (also the iframe target): configuration from the URL
//! query, the widget mounted into `#backup-doctor`.

fn main() {
    backup_doctor::start_standalone();
}
