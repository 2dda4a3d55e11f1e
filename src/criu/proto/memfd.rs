use serde::Serialize;

use super::FownEntry;
use crate::criu::pretty;

/// `memfd_file_entry` (`images/memfd.proto`): an open memfd; its contents
/// are the `memfd_inode_entry` `inode_id`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct MemfdFileEntry {
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
    /// Id of the memfd inode.
    #[prost(uint32, required, tag = "5")]
    pub inode_id: u32,
}

/// `memfd_inode_entry` (`images/memfd.proto`): `memfd.img`, a memfd inode.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct MemfdInodeEntry {
    /// Name given to `memfd_create`.
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Owner uid.
    #[prost(uint32, required, tag = "2")]
    pub uid: u32,
    /// Owner gid.
    #[prost(uint32, required, tag = "3")]
    pub gid: u32,
    /// Size.
    #[prost(uint64, required, tag = "4")]
    pub size: u64,
    /// Shared memory id of the contents.
    #[prost(uint32, required, tag = "5")]
    pub shmid: u32,
    /// `F_SEAL_*`.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::seals_flags")]
    pub seals: u32,
    /// Inode id.
    #[prost(uint64, required, tag = "7")]
    pub inode_id: u64,
    /// `MFD_HUGETLB` flags.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hugetlb_flag: Option<u32>,
    /// `st_mode`.
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
}
