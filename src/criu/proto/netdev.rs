use serde::{Serialize, Serializer};

use super::TunLinkEntry;
use crate::criu::pretty;

/// `SysctlType` (`images/sysctl.proto`), by number.
pub const SYSCTL_TYPE_NAMES: &[(i32, &str)] = &[(5, "CTL_STR"), (6, "CTL_32")];

fn sysctl_type<S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    pretty::enum_name(*v, SYSCTL_TYPE_NAMES, s)
}

/// `nd_type` (`images/netdev.proto`), by number.
pub const ND_TYPE_NAMES: &[(i32, &str)] = &[
    (1, "LOOPBACK"),
    (2, "VETH"),
    (3, "TUN"),
    (4, "EXTLINK"),
    (5, "VENET"),
    (6, "BRIDGE"),
    (7, "MACVLAN"),
    (8, "SIT"),
];

fn nd_type<S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    pretty::enum_name(*v, ND_TYPE_NAMES, s)
}

/// `sysctl_entry` (`images/sysctl.proto`): one sysctl value, in the order
/// CRIU lists the sysctls of its kind.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SysctlEntry {
    /// `CTL_32` or `CTL_STR` (`SysctlType`).
    #[prost(int32, required, tag = "1")]
    #[serde(serialize_with = "sysctl_type")]
    pub r#type: i32,
    /// Integer value.
    #[prost(int32, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iarg: Option<i32>,
    /// String value.
    #[prost(string, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sarg: Option<String>,
}

/// `macvlan_link_entry` (`images/macvlan.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct MacvlanLinkEntry {
    /// `MACVLAN_MODE_*`.
    #[prost(uint32, required, tag = "1")]
    pub mode: u32,
    /// `MACVLAN_FLAG_*`.
    #[prost(uint32, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
}

/// `sit_entry` (`images/sit.proto`): an IPv6-in-IPv4 tunnel.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SitEntry {
    /// Underlying link.
    #[prost(uint32, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<u32>,
    /// Local address.
    #[prost(uint32, repeated, packed = "false", tag = "2")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pretty::ipadd"
    )]
    pub local: Vec<u32>,
    /// Remote address.
    #[prost(uint32, repeated, packed = "false", tag = "3")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pretty::ipadd"
    )]
    pub remote: Vec<u32>,
    /// TTL.
    #[prost(uint32, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// TOS.
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tos: Option<u32>,
    /// Path MTU discovery.
    #[prost(bool, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmtudisc: Option<bool>,
    /// Protocol.
    #[prost(uint32, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proto: Option<u32>,
    /// Tunnel flags.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
    /// Encapsulation type.
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encap_type: Option<u32>,
    /// Encapsulation flags.
    #[prost(uint32, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encap_flags: Option<u32>,
    /// Encapsulation source port.
    #[prost(uint32, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encap_sport: Option<u32>,
    /// Encapsulation destination port.
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encap_dport: Option<u32>,
    /// 6rd prefix length.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rd_prefixlen: Option<u32>,
    /// 6rd prefix.
    #[prost(uint32, repeated, packed = "false", tag = "14")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pretty::ipadd"
    )]
    pub rd_prefix: Vec<u32>,
    /// 6rd relay prefix length.
    #[prost(uint32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay_prefixlen: Option<u32>,
    /// 6rd relay prefix.
    #[prost(uint32, repeated, packed = "false", tag = "16")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "pretty::ipadd"
    )]
    pub relay_prefix: Vec<u32>,
}

/// `net_device_entry` (`images/netdev.proto`): `netdev-<ns_id>.img`, one
/// network interface of a network namespace.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct NetDeviceEntry {
    /// Kind of link (`nd_type`).
    #[prost(int32, required, tag = "1")]
    #[serde(serialize_with = "nd_type")]
    pub r#type: i32,
    /// Interface index.
    #[prost(uint32, required, tag = "2")]
    pub ifindex: u32,
    /// MTU.
    #[prost(uint32, required, tag = "3")]
    pub mtu: u32,
    /// `IFF_*` flags.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Interface name.
    #[prost(string, required, tag = "5")]
    pub name: String,
    /// Tun/tap settings.
    #[prost(message, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tun: Option<TunLinkEntry>,
    /// Hardware address.
    #[prost(bytes = "vec", optional, tag = "7")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_bytes"
    )]
    pub address: Option<Vec<u8>>,
    /// IPv4 devconf values (old images).
    #[prost(int32, repeated, packed = "false", tag = "8")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conf: Vec<i32>,
    /// IPv4 devconf sysctls.
    #[prost(message, repeated, tag = "9")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conf4: Vec<SysctlEntry>,
    /// IPv6 devconf sysctls.
    #[prost(message, repeated, tag = "10")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conf6: Vec<SysctlEntry>,
    /// Macvlan settings.
    #[prost(message, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub macvlan: Option<MacvlanLinkEntry>,
    /// Index of the peer (veth).
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_ifindex: Option<u32>,
    /// Namespace id of the peer.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_nsid: Option<u32>,
    /// Index of the master device.
    #[prost(uint32, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<u32>,
    /// Sit tunnel settings.
    #[prost(message, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sit: Option<SitEntry>,
}

/// `netns_id` (`images/netdev.proto`): the id by which a network namespace
/// knows another one.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct NetnsId {
    /// CRIU's id of the other namespace.
    #[prost(uint32, required, tag = "1")]
    pub target_ns_id: u32,
    /// The kernel's nsid of it.
    #[prost(int32, required, tag = "2")]
    pub netnsid_value: i32,
}

/// `netns_entry` (`images/netdev.proto`): `netns-<id>.img`, a network
/// namespace's sysctls and peers.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct NetnsEntry {
    /// Default IPv4 devconf values (old images).
    #[prost(int32, repeated, packed = "false", tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub def_conf: Vec<i32>,
    /// `all` IPv4 devconf values (old images).
    #[prost(int32, repeated, packed = "false", tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub all_conf: Vec<i32>,
    /// Default IPv4 devconf sysctls.
    #[prost(message, repeated, tag = "3")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub def_conf4: Vec<SysctlEntry>,
    /// `all` IPv4 devconf sysctls.
    #[prost(message, repeated, tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub all_conf4: Vec<SysctlEntry>,
    /// Default IPv6 devconf sysctls.
    #[prost(message, repeated, tag = "5")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub def_conf6: Vec<SysctlEntry>,
    /// `all` IPv6 devconf sysctls.
    #[prost(message, repeated, tag = "6")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub all_conf6: Vec<SysctlEntry>,
    /// Ids of other namespaces.
    #[prost(message, repeated, tag = "7")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nsids: Vec<NetnsId>,
    /// Key of an external namespace (`--external net[…]:KEY`).
    #[prost(string, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext_key: Option<String>,
    /// `net.unix` sysctls.
    #[prost(message, repeated, tag = "9")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unix_conf: Vec<SysctlEntry>,
    /// `net.ipv4` sysctls.
    #[prost(message, repeated, tag = "10")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv4_sysctl: Vec<SysctlEntry>,
}
