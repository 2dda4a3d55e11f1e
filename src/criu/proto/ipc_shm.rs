//! SysV shared memory segments (`images/ipc-shm.proto`,
//! `images/ipc-desc.proto`): `ipcns-shm-<id>.img`.

use serde::Serialize;

/// `ipc_desc_entry`: an IPC object's key, owners, mode and id.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct IpcDescEntry {
    /// The key (`IPC_PRIVATE` is 0).
    #[prost(uint32, required, tag = "1")]
    pub key: u32,
    /// Owner uid.
    #[prost(uint32, required, tag = "2")]
    pub uid: u32,
    /// Owner gid.
    #[prost(uint32, required, tag = "3")]
    pub gid: u32,
    /// Creator uid.
    #[prost(uint32, required, tag = "4")]
    pub cuid: u32,
    /// Creator gid.
    #[prost(uint32, required, tag = "5")]
    pub cgid: u32,
    /// Permission bits.
    #[prost(uint32, required, tag = "6")]
    pub mode: u32,
    /// The segment id (`shmid`).
    #[prost(uint32, required, tag = "7")]
    pub id: u32,
}

/// `ipc_shm_entry`: one SysV shared memory segment. Its contents are in
/// `pagemap-shmem-<id>.img` and a pages image when `in_pagemaps` is set,
/// else `size` bytes (padded to 4) right after the record.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct IpcShmEntry {
    /// Key, owners, mode and id.
    #[prost(message, required, tag = "1")]
    pub desc: IpcDescEntry,
    /// Size in bytes.
    #[prost(uint64, required, tag = "2")]
    pub size: u64,
    /// Whether the contents are in a pagemap rather than after the record.
    #[prost(bool, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_pagemaps: Option<bool>,
    /// Huge page flags.
    #[prost(uint32, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hugetlb_flag: Option<u32>,
}
