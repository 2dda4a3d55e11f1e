use serde::{Serialize, Serializer};

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
