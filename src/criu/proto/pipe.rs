use serde::Serialize;

use super::FownEntry;
use crate::criu::pretty;

/// `fifo_entry` (`images/fifo.proto`): a named pipe; the path is the
/// `reg_file_entry` `regf_id`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FifoEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Pipe inode (data in `fifo-data.img`).
    #[prost(uint32, required, tag = "2")]
    pub pipe_id: u32,
    /// File id of the FIFO's path.
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regf_id: Option<u32>,
}

/// `pipe_entry` (`images/pipe.proto`): one end of a pipe.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PipeEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Pipe inode, shared by both ends (data in `pipes-data.img`).
    #[prost(uint32, required, tag = "2")]
    pub pipe_id: u32,
    /// File status flags (`O_WRONLY` for the write end).
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
}

/// `pipe_data_entry` (`images/pipe-data.proto`): `pipes-data.img` and
/// `fifo-data.img`, the bytes queued in a pipe; `bytes` bytes of data
/// follow the record.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PipeDataEntry {
    /// Pipe inode.
    #[prost(uint32, required, tag = "1")]
    pub pipe_id: u32,
    /// Bytes of data after the record.
    #[prost(uint32, required, tag = "2")]
    pub bytes: u32,
    /// Pipe buffer size (`F_GETPIPE_SZ`).
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}
