use serde::Serialize;

use super::{FownEntry, SkOptsEntry, TcpOptsEntry};
use crate::criu::pretty;

/// `ip_opts_raw_entry` (`images/sk-inet.proto`): options of a raw socket.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct IpOptsRawEntry {
    /// `IP_HDRINCL`.
    #[prost(bool, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hdrincl: Option<bool>,
    /// `IP_NODEFRAG`.
    #[prost(bool, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodefrag: Option<bool>,
    /// `IPV6_CHECKSUM`.
    #[prost(bool, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<bool>,
    /// `ICMP_FILTER` / `ICMPV6_FILTER` words.
    #[prost(uint32, repeated, packed = "false", tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub icmpv_filter: Vec<u32>,
}

/// `ip_opts_entry` (`images/sk-inet.proto`): IP-level socket options.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct IpOptsEntry {
    /// `IP_FREEBIND`.
    #[prost(bool, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freebind: Option<bool>,
    /// Raw socket options.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<IpOptsRawEntry>,
    /// `IP_PKTINFO`.
    #[prost(bool, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pktinfo: Option<bool>,
    /// `IP_TOS`.
    #[prost(uint32, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tos: Option<u32>,
    /// `IP_TTL`.
    #[prost(uint32, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
}

/// `inet_sk_entry` (`images/sk-inet.proto`): a TCP, UDP or raw IPv4/IPv6
/// socket.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct InetSkEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Socket inode (names `tcp-stream-<ino in hex>.img`).
    #[prost(uint32, required, tag = "2")]
    pub ino: u32,
    /// `AF_*`.
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::sk_family")]
    pub family: u32,
    /// `SOCK_*`.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::sk_type")]
    pub r#type: u32,
    /// `IPPROTO_*`.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::sk_proto")]
    pub proto: u32,
    /// TCP state.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::sk_state")]
    pub state: u32,
    /// Local port.
    #[prost(uint32, required, tag = "7")]
    pub src_port: u32,
    /// Remote port.
    #[prost(uint32, required, tag = "8")]
    pub dst_port: u32,
    /// File status flags (`O_*`).
    #[prost(uint32, required, tag = "9")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Listen backlog.
    #[prost(uint32, required, tag = "10")]
    pub backlog: u32,
    /// Local address (one word for IPv4, four for IPv6).
    #[prost(uint32, repeated, packed = "false", tag = "11")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pretty::ipadd"
    )]
    pub src_addr: Vec<u32>,
    /// Remote address.
    #[prost(uint32, repeated, packed = "false", tag = "12")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pretty::ipadd"
    )]
    pub dst_addr: Vec<u32>,
    /// Signal owner.
    #[prost(message, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Socket options.
    #[prost(message, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opts: Option<SkOptsEntry>,
    /// `IPV6_V6ONLY`.
    #[prost(bool, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub v6only: Option<bool>,
    /// IP-level options.
    #[prost(message, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_opts: Option<IpOptsEntry>,
    /// Interface bound to (IPv6 link-local addresses).
    #[prost(string, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifname: Option<String>,
    /// Network namespace id.
    #[prost(uint32, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_id: Option<u32>,
    /// Shut-down directions (`sk_shutdown`).
    #[prost(int32, optional, tag = "19")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::sk_opts::opt_sk_shutdown"
    )]
    pub shutdown: Option<i32>,
    /// TCP options.
    #[prost(message, optional, tag = "20")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_opts: Option<TcpOptsEntry>,
}
