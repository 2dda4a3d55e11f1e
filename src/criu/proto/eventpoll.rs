use serde::Serialize;

use super::FownEntry;

/// `eventpoll_tfd_entry` (`images/eventpoll.proto`): a descriptor watched
/// by an epoll instance.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct EventpollTfdEntry {
    /// File id of the epoll instance.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Watched descriptor number.
    #[prost(uint32, required, tag = "2")]
    pub tfd: u32,
    /// `EPOLL*` events.
    #[prost(uint32, required, tag = "3")]
    pub events: u32,
    /// User data.
    #[prost(uint64, required, tag = "4")]
    pub data: u64,
    /// Device of the watched file (to find dup'ed targets).
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<u32>,
    /// Inode of the watched file.
    #[prost(uint64, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inode: Option<u64>,
    /// Position of the watched file.
    #[prost(uint64, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos: Option<u64>,
}

/// `eventpoll_file_entry` (`images/eventpoll.proto`): an epoll instance.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct EventpollFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "2")]
    pub flags: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Watched descriptors.
    #[prost(message, repeated, tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tfd: Vec<EventpollTfdEntry>,
}
