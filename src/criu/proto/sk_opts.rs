use serde::{Serialize, Serializer};

use crate::criu::pretty;

/// `sk_shutdown` (`images/sk-opts.proto`), by number.
pub const SK_SHUTDOWN_NAMES: &[(i32, &str)] =
    &[(0, "NONE"), (1, "READ"), (2, "WRITE"), (3, "BOTH")];

/// An optional `sk_shutdown` field, by name.
pub(super) fn opt_sk_shutdown<S: Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => pretty::enum_name(*v, SK_SHUTDOWN_NAMES, s),
        None => s.serialize_none(),
    }
}

/// `sk_opts_entry` (`images/sk-opts.proto`): the socket options common to
/// every socket family.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SkOptsEntry {
    /// `SO_SNDBUF`.
    #[prost(uint32, required, tag = "1")]
    pub so_sndbuf: u32,
    /// `SO_RCVBUF`.
    #[prost(uint32, required, tag = "2")]
    pub so_rcvbuf: u32,
    /// `SO_SNDTIMEO`, seconds.
    #[prost(uint64, required, tag = "3")]
    pub so_snd_tmo_sec: u64,
    /// `SO_SNDTIMEO`, microseconds.
    #[prost(uint64, required, tag = "4")]
    pub so_snd_tmo_usec: u64,
    /// `SO_RCVTIMEO`, seconds.
    #[prost(uint64, required, tag = "5")]
    pub so_rcv_tmo_sec: u64,
    /// `SO_RCVTIMEO`, microseconds.
    #[prost(uint64, required, tag = "6")]
    pub so_rcv_tmo_usec: u64,
    /// `SO_REUSEADDR`.
    #[prost(bool, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuseaddr: Option<bool>,
    /// `SO_PRIORITY`.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_priority: Option<u32>,
    /// `SO_RCVLOWAT`.
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_rcvlowat: Option<u32>,
    /// `SO_MARK`.
    #[prost(uint32, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_mark: Option<u32>,
    /// `SO_PASSCRED`.
    #[prost(bool, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_passcred: Option<bool>,
    /// `SO_PASSSEC`.
    #[prost(bool, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_passsec: Option<bool>,
    /// `SO_DONTROUTE`.
    #[prost(bool, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_dontroute: Option<bool>,
    /// `SO_NO_CHECK`.
    #[prost(bool, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_no_check: Option<bool>,
    /// `SO_BINDTODEVICE`.
    #[prost(string, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_bound_dev: Option<String>,
    /// `SO_ATTACH_FILTER` program (`struct sock_filter`s).
    #[prost(fixed64, repeated, packed = "false", tag = "16")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub so_filter: Vec<u64>,
    /// `SO_REUSEPORT`.
    #[prost(bool, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_reuseport: Option<bool>,
    /// `SO_BROADCAST`.
    #[prost(bool, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_broadcast: Option<bool>,
    /// `SO_KEEPALIVE`.
    #[prost(bool, optional, tag = "19")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_keepalive: Option<bool>,
    /// `TCP_KEEPCNT` (deprecated, see `tcp_opts_entry`).
    #[prost(uint32, optional, tag = "20")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_keepcnt: Option<u32>,
    /// `TCP_KEEPIDLE` (deprecated).
    #[prost(uint32, optional, tag = "21")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_keepidle: Option<u32>,
    /// `TCP_KEEPINTVL` (deprecated).
    #[prost(uint32, optional, tag = "22")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_keepintvl: Option<u32>,
    /// `SO_OOBINLINE`.
    #[prost(uint32, optional, tag = "23")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_oobinline: Option<u32>,
    /// `SO_LINGER` time.
    #[prost(uint32, optional, tag = "24")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_linger: Option<u32>,
    /// Buffer sizes locked by the user (`SOCK_*BUF_LOCK`).
    #[prost(uint32, optional, tag = "25")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub so_buf_lock: Option<u32>,
}
