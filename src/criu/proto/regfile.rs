use serde::Serialize;

use super::FownEntry;
use crate::criu::pretty;

/// `reg_file_entry` (`images/regfile.proto`): a regular file, directory or
/// device opened by path.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct RegFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// `O_*` open flags.
    #[prost(uint32, required, tag = "2")]
    #[serde(serialize_with = "pretty::rfile_flags")]
    pub flags: u32,
    /// File position.
    #[prost(uint64, required, tag = "3")]
    pub pos: u64,
    /// Signal owner.
    #[prost(message, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Path, relative to the mount `mnt_id`.
    #[prost(string, required, tag = "6")]
    pub name: String,
    /// Mount id (`mountpoints-*.img`), -1 when unknown.
    #[prost(sint32, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnt_id: Option<i32>,
    /// File size at dump time.
    #[prost(uint64, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// An external file (`--external`).
    #[prost(bool, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<bool>,
    /// `st_mode`.
    #[prost(uint32, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
    /// ELF build-id of the file, when it has one.
    #[prost(uint32, repeated, packed = "false", tag = "11")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub build_id: Vec<u32>,
    /// CRC32C of the file, when computed.
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<u32>,
    /// Which bytes the checksum covers.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_config: Option<u32>,
    /// Parameter of the checksum configuration.
    #[prost(uint32, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_parameter: Option<u32>,
}
