//! Record ids: UUID v7, so ids sort by creation time across nodes.

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
