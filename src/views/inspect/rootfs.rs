//! `inspect --rootfs-diff`: what the container changed in its root file
//! system.

use serde::Serialize;

use crate::compression::Compression;
use crate::model::{Checkpoint, RootfsChange};
use crate::warning::{Warning, WarningKind};

/// The root file system changes: `rootfs-diff.tar`'s members and the
/// paths in `deleted.files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RootfsNode {
    /// Files added or changed, in archive order.
    pub changed: Vec<RootfsChange>,
    /// Paths the container deleted, in `deleted.files` order.
    pub deleted: Vec<String>,
    /// The compression of `rootfs-diff.tar`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    /// Whether `rootfs-diff.tar` was read to its end.
    pub complete: bool,
}

impl RootfsNode {
    /// The changes the checkpoint records (empty lists when it has no
    /// `rootfs-diff.tar` or `deleted.files`).
    pub fn new(checkpoint: &Checkpoint, warnings: &mut Vec<Warning>) -> RootfsNode {
        let diff = checkpoint.rootfs_diff.as_ref();
        if diff.is_none() && checkpoint.sizes.rootfs_diff > 0 {
            warnings.push(Warning::new(
                WarningKind::MissingEntry,
                Some(crate::layout::ROOT_FS_DIFF_TAR),
                "rootfs-diff.tar was not read",
            ));
        }
        RootfsNode {
            changed: diff.map(|d| d.changes.clone()).unwrap_or_default(),
            deleted: checkpoint.deleted_files.clone().unwrap_or_default(),
            compression: diff.map(|d| d.compression),
            complete: diff.is_none_or(|d| d.complete),
        }
    }
}
