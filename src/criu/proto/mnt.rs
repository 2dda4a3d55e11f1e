use serde::Serialize;

use crate::criu::pretty;

/// `fstype` (`images/mnt.proto`), by number. crit prints `mnt_entry.fstype`
/// as a number (the field is a `uint32`, not the enum).
pub const FSTYPE_NAMES: &[(u32, &str)] = &[
    (0, "UNSUPPORTED"),
    (1, "PROC"),
    (2, "SYSFS"),
    (3, "DEVTMPFS"),
    (4, "BINFMT_MISC"),
    (5, "TMPFS"),
    (6, "DEVPTS"),
    (7, "SIMFS"),
    (8, "PSTORE"),
    (9, "SECURITYFS"),
    (10, "FUSECTL"),
    (11, "DEBUGFS"),
    (12, "CGROUP"),
    (13, "AUFS"),
    (14, "MQUEUE"),
    (15, "FUSE"),
    (16, "AUTO"),
    (17, "OVERLAYFS"),
    (18, "AUTOFS"),
    (19, "TRACEFS"),
    (23, "CGROUP2"),
];

/// The name of an `fstype` value (`TMPFS`, `PROC`, …).
pub fn fstype_name(v: u32) -> Option<&'static str> {
    FSTYPE_NAMES
        .iter()
        .find(|(n, _)| *n == v)
        .map(|(_, name)| *name)
}

/// `mnt_entry` (`images/mnt.proto`): `mountpoints-<mnt_ns_id>.img`, one
/// mount of a mount namespace.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct MntEntry {
    /// Filesystem type ([`FSTYPE_NAMES`]).
    #[prost(uint32, required, tag = "1")]
    pub fstype: u32,
    /// Mount id.
    #[prost(uint32, required, tag = "2")]
    pub mnt_id: u32,
    /// Device of the mounted filesystem.
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::dev")]
    pub root_dev: u32,
    /// Mount id of the parent.
    #[prost(uint32, required, tag = "4")]
    pub parent_mnt_id: u32,
    /// `MS_*` mount flags.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Root of the mount inside the filesystem.
    #[prost(string, required, tag = "6")]
    pub root: String,
    /// Mount point.
    #[prost(string, required, tag = "7")]
    pub mountpoint: String,
    /// Mount source.
    #[prost(string, required, tag = "8")]
    pub source: String,
    /// Filesystem options.
    #[prost(string, required, tag = "9")]
    pub options: String,
    /// Peer group (shared subtree).
    #[prost(uint32, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_id: Option<u32>,
    /// Master peer group (slave subtree).
    #[prost(uint32, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_id: Option<u32>,
    /// Dumped by a plugin.
    #[prost(bool, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_plugin: Option<bool>,
    /// An external mount.
    #[prost(bool, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext_mount: Option<bool>,
    /// Filesystem name (unsupported types).
    #[prost(string, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsname: Option<String>,
    /// Sharing inside the dumped tree.
    #[prost(bool, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_sharing: Option<bool>,
    /// Mount point deleted.
    #[prost(bool, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Superblock flags.
    #[prost(uint32, optional, tag = "17")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_hex"
    )]
    pub sb_flags: Option<u32>,
    /// Key of an external mount (`--external mnt[KEY]:…`).
    #[prost(string, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext_key: Option<String>,
}
