use serde::Serialize;

use crate::criu::pretty;

/// `tcp_opts_entry` (`images/tcp-stream.proto`): TCP socket options.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TcpOptsEntry {
    /// `TCP_CORK`.
    #[prost(bool, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cork: Option<bool>,
    /// `TCP_NODELAY`.
    #[prost(bool, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodelay: Option<bool>,
    /// `TCP_KEEPCNT`.
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepcnt: Option<u32>,
    /// `TCP_KEEPIDLE`.
    #[prost(uint32, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepidle: Option<u32>,
    /// `TCP_KEEPINTVL`.
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepintvl: Option<u32>,
}

/// `tcp_stream_entry` (`images/tcp-stream.proto`): `tcp-stream-<ino>.img`,
/// the state of an established TCP connection. The record is followed by
/// `inq_len` bytes of receive queue, then `outq_len` bytes of send queue.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TcpStreamEntry {
    /// Bytes in the receive queue.
    #[prost(uint32, required, tag = "1")]
    pub inq_len: u32,
    /// Sequence number of the receive queue.
    #[prost(uint32, required, tag = "2")]
    pub inq_seq: u32,
    /// Bytes in the send queue (sent and unsent).
    #[prost(uint32, required, tag = "3")]
    pub outq_len: u32,
    /// Sequence number of the send queue.
    #[prost(uint32, required, tag = "4")]
    pub outq_seq: u32,
    /// `TCPI_OPT_*` bits.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub opt_mask: u32,
    /// Send window scale.
    #[prost(uint32, required, tag = "6")]
    pub snd_wscale: u32,
    /// Maximum segment size.
    #[prost(uint32, required, tag = "7")]
    pub mss_clamp: u32,
    /// Receive window scale.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcv_wscale: Option<u32>,
    /// TCP timestamp.
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u32>,
    /// `TCP_CORK` (deprecated, see `tcp_opts_entry`).
    #[prost(bool, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cork: Option<bool>,
    /// `TCP_NODELAY` (deprecated).
    #[prost(bool, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodelay: Option<bool>,
    /// Unsent bytes in the send queue.
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsq_len: Option<u32>,
    /// `snd_wl1`.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snd_wl1: Option<u32>,
    /// Send window.
    #[prost(uint32, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snd_wnd: Option<u32>,
    /// Largest window seen.
    #[prost(uint32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_window: Option<u32>,
    /// Receive window.
    #[prost(uint32, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcv_wnd: Option<u32>,
    /// `rcv_wup`.
    #[prost(uint32, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcv_wup: Option<u32>,
}
