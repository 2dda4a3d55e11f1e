use serde::Serialize;

use super::{FownEntry, SkOptsEntry};
use crate::criu::pretty;

/// `packet_mclist` (`images/packet-sock.proto`): a multicast membership.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PacketMclist {
    /// Interface index.
    #[prost(uint32, required, tag = "1")]
    pub index: u32,
    /// `PACKET_MR_*`.
    #[prost(uint32, required, tag = "2")]
    pub r#type: u32,
    /// Hardware address.
    #[prost(bytes = "vec", required, tag = "3")]
    #[serde(serialize_with = "pretty::bytes")]
    pub addr: Vec<u8>,
}

/// `packet_ring` (`images/packet-sock.proto`): a `PACKET_RX_RING` or
/// `PACKET_TX_RING`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PacketRing {
    /// Block size.
    #[prost(uint32, required, tag = "1")]
    pub block_size: u32,
    /// Number of blocks.
    #[prost(uint32, required, tag = "2")]
    pub block_nr: u32,
    /// Frame size.
    #[prost(uint32, required, tag = "3")]
    pub frame_size: u32,
    /// Number of frames.
    #[prost(uint32, required, tag = "4")]
    pub frame_nr: u32,
    /// Block retire timeout.
    #[prost(uint32, required, tag = "5")]
    pub retire_tmo: u32,
    /// Private area size per block.
    #[prost(uint32, required, tag = "6")]
    pub sizeof_priv: u32,
    /// Feature request bits.
    #[prost(uint32, required, tag = "7")]
    pub features: u32,
}

/// `packet_sock_entry` (`images/packet-sock.proto`): an `AF_PACKET` socket.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PacketSockEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// `SOCK_*`.
    #[prost(uint32, required, tag = "2")]
    pub r#type: u32,
    /// Ethernet protocol.
    #[prost(uint32, required, tag = "3")]
    pub protocol: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Bound interface.
    #[prost(uint32, required, tag = "5")]
    pub ifindex: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Socket options.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opts: Option<SkOptsEntry>,
    /// `PACKET_VERSION`.
    #[prost(uint32, required, tag = "8")]
    pub version: u32,
    /// `PACKET_RESERVE`.
    #[prost(uint32, required, tag = "9")]
    pub reserve: u32,
    /// `PACKET_AUXDATA`.
    #[prost(bool, required, tag = "10")]
    pub aux_data: bool,
    /// `PACKET_ORIGDEV`.
    #[prost(bool, required, tag = "11")]
    pub orig_dev: bool,
    /// `PACKET_VNET_HDR`.
    #[prost(bool, required, tag = "12")]
    pub vnet_hdr: bool,
    /// `PACKET_LOSS`.
    #[prost(bool, required, tag = "13")]
    pub loss: bool,
    /// `PACKET_TIMESTAMP`.
    #[prost(uint32, required, tag = "14")]
    pub timestamp: u32,
    /// `PACKET_COPY_THRESH`.
    #[prost(uint32, required, tag = "15")]
    pub copy_thresh: u32,
    /// Multicast memberships.
    #[prost(message, repeated, tag = "16")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mclist: Vec<PacketMclist>,
    /// `PACKET_FANOUT` (0xffffffff when none).
    #[prost(uint32, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fanout: Option<u32>,
    /// Receive ring.
    #[prost(message, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rx_ring: Option<PacketRing>,
    /// Transmit ring.
    #[prost(message, optional, tag = "19")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_ring: Option<PacketRing>,
    /// Network namespace id.
    #[prost(uint32, optional, tag = "20")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_id: Option<u32>,
}
