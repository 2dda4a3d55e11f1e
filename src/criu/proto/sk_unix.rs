use serde::Serialize;

use super::{FownEntry, SkOptsEntry};
use crate::criu::pretty;

/// `file_perms_entry` (`images/sk-unix.proto`): owner and mode of a bound
/// unix socket's file.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FilePermsEntry {
    /// `st_mode`.
    #[prost(uint32, required, tag = "1")]
    pub mode: u32,
    /// Owner uid.
    #[prost(uint32, required, tag = "2")]
    pub uid: u32,
    /// Owner gid.
    #[prost(uint32, required, tag = "3")]
    pub gid: u32,
}

/// `unix_sk_entry` (`images/sk-unix.proto`): a unix domain socket. `ino`
/// ties peers together: `peer` is the `ino` of the other end.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UnixSkEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Socket inode.
    #[prost(uint32, required, tag = "2")]
    pub ino: u32,
    /// `SOCK_*`.
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::sk_type")]
    pub r#type: u32,
    /// Socket state.
    #[prost(uint32, required, tag = "4")]
    #[serde(serialize_with = "pretty::sk_state")]
    pub state: u32,
    /// File status flags (`O_*`).
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// CRIU's `USK_*` flags.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::hex")]
    pub uflags: u32,
    /// Listen backlog.
    #[prost(uint32, required, tag = "7")]
    pub backlog: u32,
    /// Inode of the peer, 0 when none.
    #[prost(uint32, required, tag = "8")]
    pub peer: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// Socket options.
    #[prost(message, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opts: Option<SkOptsEntry>,
    /// Bound name: a path, or an abstract name starting with a NUL byte
    /// (crit prints it quoted-printable).
    #[prost(bytes = "vec", required, tag = "11")]
    #[serde(serialize_with = "pretty::unix_name")]
    pub name: Vec<u8>,
    /// Shut-down directions (`sk_shutdown`).
    #[prost(int32, optional, tag = "12")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::sk_opts::opt_sk_shutdown"
    )]
    pub shutdown: Option<i32>,
    /// Owner and mode of the socket file.
    #[prost(message, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_perms: Option<FilePermsEntry>,
    /// Directory a relative `name` is relative to.
    #[prost(string, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_dir: Option<String>,
    /// The socket file was deleted.
    #[prost(bool, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Network namespace id.
    #[prost(uint32, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_id: Option<u32>,
    /// Mount id of the socket file, -1 when unknown.
    #[prost(sint32, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnt_id: Option<i32>,
}
