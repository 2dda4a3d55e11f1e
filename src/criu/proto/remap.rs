//! `remap_file_path_entry` (`images/remap-file-path.proto`):
//! `remap-fpath.img`, the open files whose path no longer names them.

use serde::{Serialize, Serializer};

use crate::criu::pretty;

/// `remap_type`: how CRIU brings such a file back.
pub const REMAP_LINKED: i32 = 0;
/// Deleted: its contents are saved in `ghost-file-<remap_id>.img`.
pub const REMAP_GHOST: i32 = 1;
/// A `/proc` file of a process that is gone.
pub const REMAP_PROCFS: i32 = 2;

const REMAP_TYPE_NAMES: &[(i32, &str)] = &[
    (REMAP_LINKED, "LINKED"),
    (REMAP_GHOST, "GHOST"),
    (REMAP_PROCFS, "PROCFS"),
];

fn opt_remap_type<S: Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => pretty::enum_name(*v, REMAP_TYPE_NAMES, s),
        None => s.serialize_none(),
    }
}

/// One remapped file: the file (`orig_id`, its id in `files.img`) is
/// restored from `remap_id` (a ghost file's id, or the id of the
/// hard link CRIU made).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct RemapFilePathEntry {
    /// The file's id in `files.img`.
    #[prost(uint32, required, tag = "1")]
    pub orig_id: u32,
    /// The ghost file's (or link's) id.
    #[prost(uint32, required, tag = "2")]
    pub remap_id: u32,
    /// `LINKED`, `GHOST`, `PROCFS` (absent means `LINKED`).
    #[prost(int32, optional, tag = "3")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_remap_type"
    )]
    pub remap_type: Option<i32>,
}
