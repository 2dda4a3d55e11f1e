//! The sockets of `inspect --sockets`, with checkpointctl's keys.

use serde::Serialize;

use super::count_bytes;
use crate::model::Socket;

/// The sockets of one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkNode {
    /// Pid.
    pub pid: u32,
    /// Sockets by descriptor number.
    pub open_sockets: Vec<SocketNode>,
}

/// One socket, with checkpointctl's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SocketNode {
    /// `TCP`, `UDP`; for unix sockets their type (`STREAM`); `PACKET`,
    /// `NETLINK`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// The details.
    pub data: SocketData,
}

/// Socket details, with checkpointctl's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SocketData {
    /// `TCP`, `UDP`, `UNIX`.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub socket_type: String,
    /// Unix socket name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// TCP state.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// Local address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub src: String,
    /// Local port.
    #[serde(skip_serializing_if = "is_zero")]
    pub src_port: u32,
    /// Peer address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dst: String,
    /// Peer port.
    #[serde(skip_serializing_if = "is_zero")]
    pub dst_port: u32,
    /// Send buffer, e.g. `16.0 KB`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub send_buf: String,
    /// Receive buffer.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub recv_buf: String,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

pub(super) fn socket_node(s: &Socket) -> SocketNode {
    let send_buf = count_bytes(u64::from(s.send_buf));
    let recv_buf = count_bytes(u64::from(s.recv_buf));
    match s.family.as_str() {
        "INET" | "INET6" => SocketNode {
            protocol: s.protocol.clone(),
            data: SocketData {
                socket_type: s.protocol.clone(),
                state: s.state.clone(),
                src: s.src.clone(),
                src_port: s.src_port,
                dst: s.dst.clone(),
                dst_port: s.dst_port,
                send_buf,
                recv_buf,
                ..SocketData::default()
            },
        },
        "UNIX" => SocketNode {
            protocol: s.sock_type.clone(),
            data: SocketData {
                socket_type: "UNIX".to_owned(),
                address: s.name.clone(),
                state: s.state.clone(),
                send_buf,
                recv_buf,
                ..SocketData::default()
            },
        },
        family => SocketNode {
            protocol: family.to_owned(),
            data: SocketData {
                send_buf,
                recv_buf,
                ..SocketData::default()
            },
        },
    }
}
