use serde::Serialize;

use crate::criu::pretty;

/// `timeval` (`images/time.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct Timeval {
    /// Seconds.
    #[prost(uint64, required, tag = "1")]
    pub tv_sec: u64,
    /// Microseconds.
    #[prost(uint64, required, tag = "2")]
    pub tv_usec: u64,
}

/// `ghost_file_entry` (`images/ghost-file.proto`): `ghost-file-<id>.img`,
/// a file deleted while open. Its contents follow: in
/// `ghost_chunk_entry` records when `chunks` is set, else as the rest of
/// the image.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct GhostFileEntry {
    /// Owner uid.
    #[prost(uint32, required, tag = "1")]
    pub uid: u32,
    /// Owner gid.
    #[prost(uint32, required, tag = "2")]
    pub gid: u32,
    /// `st_mode`.
    #[prost(uint32, required, tag = "3")]
    pub mode: u32,
    /// Device of the file.
    #[prost(uint32, optional, tag = "4")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_dev"
    )]
    pub dev: Option<u32>,
    /// Inode.
    #[prost(uint64, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ino: Option<u64>,
    /// Device number of a device file, in glibc's format.
    #[prost(uint32, optional, tag = "6")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_odev"
    )]
    pub rdev: Option<u32>,
    /// Access time.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub atim: Option<Timeval>,
    /// Modification time.
    #[prost(message, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtim: Option<Timeval>,
    /// Contents stored as chunks (sparse files).
    #[prost(bool, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunks: Option<bool>,
    /// Size.
    #[prost(uint64, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Target of a symlink.
    #[prost(string, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symlnk_target: Option<String>,
}

/// `ghost_chunk_entry` (`images/ghost-file.proto`): `len` bytes of a ghost
/// file at `off`; the bytes follow the record.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct GhostChunkEntry {
    /// Length.
    #[prost(uint64, required, tag = "1")]
    pub len: u64,
    /// Offset in the file.
    #[prost(uint64, required, tag = "2")]
    pub off: u64,
}
