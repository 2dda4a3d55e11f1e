use serde::{Serialize, Serializer};

use super::{
    BpfmapFileEntry, EventfdFileEntry, EventpollFileEntry, ExtFileEntry, FanotifyFileEntry,
    FifoEntry, InetSkEntry, InotifyFileEntry, MemfdFileEntry, NetlinkSkEntry, NsFileEntry,
    PacketSockEntry, PidfdEntry, PipeEntry, RegFileEntry, SignalfdEntry, TimerfdEntry,
    TtyFileEntry, TunfileEntry, UnixSkEntry,
};
use crate::criu::pretty;

/// `fd_types` (`images/fdinfo.proto`), by number.
pub const FD_TYPE_NAMES: &[(i32, &str)] = &[
    (0, "UND"),
    (1, "REG"),
    (2, "PIPE"),
    (3, "FIFO"),
    (4, "INETSK"),
    (5, "UNIXSK"),
    (6, "EVENTFD"),
    (7, "EVENTPOLL"),
    (8, "INOTIFY"),
    (9, "SIGNALFD"),
    (10, "PACKETSK"),
    (11, "TTY"),
    (12, "FANOTIFY"),
    (13, "NETLINKSK"),
    (14, "NS"),
    (15, "TUNF"),
    (16, "EXT"),
    (17, "TIMERFD"),
    (18, "MEMFD"),
    (19, "BPFMAP"),
    (20, "PIDFD"),
    (65534, "CTL_TTY"),
    (65535, "AUTOFS_PIPE"),
];

/// The name of an `fd_types` value (`REG`, `INETSK`, …).
pub fn fd_type_name(v: i32) -> Option<&'static str> {
    FD_TYPE_NAMES
        .iter()
        .find(|(n, _)| *n == v)
        .map(|(_, name)| *name)
}

/// Serialises an `fd_types` value by name.
pub fn fd_type<S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    pretty::enum_name(*v, FD_TYPE_NAMES, s)
}

/// `fdinfo_entry` (`images/fdinfo.proto`): one open descriptor of a files
/// table (`fdinfo-<files_id>.img`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FdinfoEntry {
    /// File id in `files.img`.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Descriptor flags (`FD_CLOEXEC`).
    #[prost(uint32, required, tag = "2")]
    pub flags: u32,
    /// File type.
    #[prost(int32, required, tag = "3")]
    #[serde(serialize_with = "fd_type")]
    pub r#type: i32,
    /// Descriptor number.
    #[prost(uint32, required, tag = "4")]
    pub fd: u32,
    /// SELinux label.
    #[prost(string, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xattr_security_selinux: Option<String>,
}

/// `file_entry` (`images/fdinfo.proto`): one open file of `files.img`.
/// `type` says which of the other fields is set.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FileEntry {
    /// File type.
    #[prost(int32, required, tag = "1")]
    #[serde(serialize_with = "fd_type")]
    pub r#type: i32,
    /// File id (`fdinfo_entry.id`).
    #[prost(uint32, required, tag = "2")]
    pub id: u32,
    /// `REG`.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reg: Option<RegFileEntry>,
    /// `INETSK`.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isk: Option<InetSkEntry>,
    /// `NS`.
    #[prost(message, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsf: Option<NsFileEntry>,
    /// `PACKETSK`.
    #[prost(message, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk: Option<PacketSockEntry>,
    /// `NETLINKSK`.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nlsk: Option<NetlinkSkEntry>,
    /// `EVENTFD`.
    #[prost(message, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efd: Option<EventfdFileEntry>,
    /// `EVENTPOLL`.
    #[prost(message, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epfd: Option<EventpollFileEntry>,
    /// `SIGNALFD`.
    #[prost(message, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sgfd: Option<SignalfdEntry>,
    /// `TUNF`.
    #[prost(message, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunf: Option<TunfileEntry>,
    /// `TIMERFD`.
    #[prost(message, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tfd: Option<TimerfdEntry>,
    /// `INOTIFY`.
    #[prost(message, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ify: Option<InotifyFileEntry>,
    /// `FANOTIFY`.
    #[prost(message, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ffy: Option<FanotifyFileEntry>,
    /// `EXT`.
    #[prost(message, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<ExtFileEntry>,
    /// `UNIXSK`.
    #[prost(message, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usk: Option<UnixSkEntry>,
    /// `FIFO`.
    #[prost(message, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fifo: Option<FifoEntry>,
    /// `PIPE`.
    #[prost(message, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipe: Option<PipeEntry>,
    /// `TTY`.
    #[prost(message, optional, tag = "19")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tty: Option<TtyFileEntry>,
    /// `MEMFD`.
    #[prost(message, optional, tag = "20")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memfd: Option<MemfdFileEntry>,
    /// `BPFMAP`.
    #[prost(message, optional, tag = "21")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bpf: Option<BpfmapFileEntry>,
    /// `PIDFD`.
    #[prost(message, optional, tag = "22")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pidfd: Option<PidfdEntry>,
}
