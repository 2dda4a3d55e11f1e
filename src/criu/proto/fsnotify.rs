use serde::{Serialize, Serializer};

use super::FownEntry;
use crate::criu::pretty;

/// `fh_entry` (`images/fh.proto`): a file handle (`name_to_handle_at`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FhEntry {
    /// Handle size in bytes.
    #[prost(uint32, required, tag = "1")]
    pub bytes: u32,
    /// Handle type.
    #[prost(uint32, required, tag = "2")]
    pub r#type: u32,
    /// Handle words.
    #[prost(uint64, repeated, packed = "false", tag = "3")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub handle: Vec<u64>,
    /// Path of the file, when CRIU found it.
    #[prost(string, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Mount id of the file.
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnt_id: Option<u32>,
}

/// `irmap_cache_entry` (`images/fh.proto`): `irmap-cache`, paths of
/// inodes found by a previous dump.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct IrmapCacheEntry {
    /// Device, in glibc's `dev_t` format.
    #[prost(uint32, required, tag = "1")]
    #[serde(serialize_with = "pretty::odev")]
    pub dev: u32,
    /// Inode.
    #[prost(uint64, required, tag = "2")]
    pub inode: u64,
    /// Path.
    #[prost(string, required, tag = "3")]
    pub path: String,
}

/// `inotify_wd_entry` (`images/fsnotify.proto`): an inotify watch.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct InotifyWdEntry {
    /// File id of the inotify instance.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Watched inode.
    #[prost(uint64, required, tag = "2")]
    pub i_ino: u64,
    /// `IN_*` event mask.
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub mask: u32,
    /// Ignored events.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub ignored_mask: u32,
    /// Device of the watched inode.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::dev")]
    pub s_dev: u32,
    /// Watch descriptor.
    #[prost(uint32, required, tag = "6")]
    pub wd: u32,
    /// Handle of the watched inode.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f_handle: Option<FhEntry>,
}

/// `inotify_file_entry` (`images/fsnotify.proto`): an inotify instance.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct InotifyFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Watches.
    #[prost(message, repeated, tag = "5")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wd: Vec<InotifyWdEntry>,
}

/// `mark_type` (`images/fsnotify.proto`), by number.
pub const MARK_TYPE_NAMES: &[(i32, &str)] = &[(1, "INODE"), (2, "MOUNT")];

fn mark_type<S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    pretty::enum_name(*v, MARK_TYPE_NAMES, s)
}

/// `fanotify_inode_mark_entry` (`images/fsnotify.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FanotifyInodeMarkEntry {
    /// Marked inode.
    #[prost(uint64, required, tag = "1")]
    pub i_ino: u64,
    /// Handle of the inode.
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f_handle: Option<FhEntry>,
}

/// `fanotify_mount_mark_entry` (`images/fsnotify.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FanotifyMountMarkEntry {
    /// Marked mount.
    #[prost(uint32, required, tag = "1")]
    pub mnt_id: u32,
    /// Path of the mount.
    #[prost(string, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `fanotify_mark_entry` (`images/fsnotify.proto`): a fanotify mark.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FanotifyMarkEntry {
    /// File id of the fanotify instance.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// `INODE` or `MOUNT` (`mark_type`).
    #[prost(int32, required, tag = "2")]
    #[serde(serialize_with = "mark_type")]
    pub r#type: i32,
    /// `FAN_MARK_*` flags.
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub mflags: u32,
    /// Event mask.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub mask: u32,
    /// Ignored events.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub ignored_mask: u32,
    /// Device of the marked object.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::dev")]
    pub s_dev: u32,
    /// Inode mark.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ie: Option<FanotifyInodeMarkEntry>,
    /// Mount mark.
    #[prost(message, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub me: Option<FanotifyMountMarkEntry>,
}

/// `fanotify_file_entry` (`images/fsnotify.proto`): a fanotify instance.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FanotifyFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// `FAN_*` init flags.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub faflags: u32,
    /// Event file flags.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub evflags: u32,
    /// Marks.
    #[prost(message, repeated, tag = "6")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mark: Vec<FanotifyMarkEntry>,
}
