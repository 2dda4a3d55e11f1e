use serde::Serialize;

use super::FownEntry;
use crate::criu::pretty;

/// `signalfd_entry` (`images/signalfd.proto`): a signalfd.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SignalfdEntry {
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
    /// Signals accepted.
    #[prost(uint64, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub sigmask: u64,
}
