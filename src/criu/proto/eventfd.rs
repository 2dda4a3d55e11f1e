use serde::Serialize;

use super::FownEntry;

/// `eventfd_file_entry` (`images/eventfd.proto`): an eventfd.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct EventfdFileEntry {
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
    /// Counter value.
    #[prost(uint64, required, tag = "4")]
    pub counter: u64,
}
