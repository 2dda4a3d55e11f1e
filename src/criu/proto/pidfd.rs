use serde::Serialize;

use super::FownEntry;

/// `pidfd_entry` (`images/pidfd.proto`): a pidfd.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PidfdEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// pidfd inode.
    #[prost(uint32, required, tag = "2")]
    pub ino: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "3")]
    pub flags: u32,
    /// Pid of the task in its own namespace (-1 once it is dead).
    #[prost(int32, required, tag = "4")]
    pub nspid: i32,
    /// Signal owner.
    #[prost(message, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
}
