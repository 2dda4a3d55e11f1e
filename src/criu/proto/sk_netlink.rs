use serde::Serialize;

use super::{FownEntry, SkOptsEntry};
use crate::criu::pretty;

/// `netlink_sk_entry` (`images/sk-netlink.proto`): a netlink socket.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct NetlinkSkEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Socket inode.
    #[prost(uint32, required, tag = "2")]
    pub ino: u32,
    /// `NETLINK_*` protocol.
    #[prost(uint32, required, tag = "3")]
    pub protocol: u32,
    /// Socket state.
    #[prost(uint32, required, tag = "4")]
    pub state: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Bound port id.
    #[prost(uint32, required, tag = "7")]
    pub portid: u32,
    /// Multicast group bitmap words.
    #[prost(uint32, repeated, packed = "false", tag = "8")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<u32>,
    /// Connected port id.
    #[prost(uint32, required, tag = "9")]
    pub dst_portid: u32,
    /// Connected group.
    #[prost(uint32, required, tag = "10")]
    pub dst_group: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Socket options.
    #[prost(message, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opts: Option<SkOptsEntry>,
    /// Network namespace id.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_id: Option<u32>,
}
