use serde::Serialize;

use crate::criu::pretty;

/// `tunfile_entry` (`images/tun.proto`): an open `/dev/net/tun`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TunfileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Attached device name.
    #[prost(string, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netdev: Option<String>,
    /// Detached from the device (`IFF_DETACH_QUEUE`).
    #[prost(bool, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detached: Option<bool>,
    /// Network namespace id.
    #[prost(uint32, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_id: Option<u32>,
}

/// `tun_link_entry` (`images/tun.proto`): a tun/tap device's settings.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TunLinkEntry {
    /// `IFF_*` flags.
    #[prost(uint32, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Owner uid (-1 when none).
    #[prost(int32, required, tag = "2")]
    pub owner: i32,
    /// Owner gid (-1 when none).
    #[prost(int32, required, tag = "3")]
    pub group: i32,
    /// vnet header size.
    #[prost(uint32, required, tag = "4")]
    pub vnethdr: u32,
    /// Send buffer size.
    #[prost(uint32, required, tag = "5")]
    pub sndbuf: u32,
}
