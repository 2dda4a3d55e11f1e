use serde::Serialize;

use super::FownEntry;
use crate::criu::pretty;

/// `bpfmap_file_entry` (`images/bpfmap-file.proto`): an open BPF map.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct BpfmapFileEntry {
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
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// `BPF_MAP_TYPE_*`.
    #[prost(uint32, required, tag = "5")]
    pub map_type: u32,
    /// Key size.
    #[prost(uint32, required, tag = "6")]
    pub key_size: u32,
    /// Value size.
    #[prost(uint32, required, tag = "7")]
    pub value_size: u32,
    /// Map id.
    #[prost(uint32, required, tag = "8")]
    pub map_id: u32,
    /// Maximum entries.
    #[prost(uint32, required, tag = "9")]
    pub max_entries: u32,
    /// `BPF_F_*` map flags.
    #[prost(uint32, required, tag = "10")]
    pub map_flags: u32,
    /// Locked memory.
    #[prost(uint64, required, tag = "11")]
    pub memlock: u64,
    /// Frozen map.
    #[prost(bool, required, tag = "12")]
    pub frozen: bool,
    /// Map name.
    #[prost(string, required, tag = "13")]
    pub map_name: String,
    /// Offloaded to this interface.
    #[prost(uint32, required, tag = "14")]
    pub ifindex: u32,
    /// Mount id, -1 when unknown.
    #[prost(sint32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnt_id: Option<i32>,
    /// `map_extra`.
    #[prost(uint64, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_extra: Option<u64>,
}
