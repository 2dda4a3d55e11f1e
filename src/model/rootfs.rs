//! The container's root file system changes: what `rootfs-diff.tar` adds or
//! changes, and what `deleted.files` removes.

use serde::Serialize;

use crate::compression::Compression;
use crate::source::FileType;

/// One member of `rootfs-diff.tar`: a file the container added or
/// changed, as the runtime would restore it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RootfsChange {
    /// Path in the container, cleaned as the runtime cleans it (no leading
    /// `/` or `./`).
    pub path: String,
    /// File, directory, link, device…
    #[serde(rename = "type")]
    pub file_type: FileType,
    /// Size in bytes (0 for what is not a regular file).
    pub size: u64,
    /// Permission bits (`mode & 0o7777`).
    pub mode: u32,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
    /// Where a link points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
}

/// What `rootfs-diff.tar` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RootfsDiff {
    /// The nested tar's compression (containerd may compress it).
    pub compression: Compression,
    /// Its members in archive order; a later copy of a path replaces the
    /// earlier one (as the runtime's extraction does), so each path is
    /// listed once, where its last copy is.
    pub changes: Vec<RootfsChange>,
    /// Whether the whole nested tar was read (false when it is damaged or
    /// a limit stopped the listing: see the warnings).
    pub complete: bool,
}
