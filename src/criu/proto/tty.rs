use serde::{Serialize, Serializer};

use super::FownEntry;
use crate::criu::pretty;

/// `TtyType` (`images/tty.proto`), by number.
pub const TTY_TYPE_NAMES: &[(i32, &str)] = &[
    (0, "UNKNOWN"),
    (1, "PTY"),
    (2, "CONSOLE"),
    (3, "VT"),
    (4, "CTTY"),
    (5, "EXT_TTY"),
    (6, "SERIAL"),
];

fn tty_type<S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    pretty::enum_name(*v, TTY_TYPE_NAMES, s)
}

/// `winsize_entry` (`images/tty.proto`): `struct winsize`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct WinsizeEntry {
    /// Rows.
    #[prost(uint32, required, tag = "1")]
    pub ws_row: u32,
    /// Columns.
    #[prost(uint32, required, tag = "2")]
    pub ws_col: u32,
    /// Width in pixels.
    #[prost(uint32, required, tag = "3")]
    pub ws_xpixel: u32,
    /// Height in pixels.
    #[prost(uint32, required, tag = "4")]
    pub ws_ypixel: u32,
}

/// `termios_entry` (`images/tty.proto`): `struct termios`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TermiosEntry {
    /// Input modes.
    #[prost(uint32, required, tag = "1")]
    pub c_iflag: u32,
    /// Output modes.
    #[prost(uint32, required, tag = "2")]
    pub c_oflag: u32,
    /// Control modes.
    #[prost(uint32, required, tag = "3")]
    pub c_cflag: u32,
    /// Local modes.
    #[prost(uint32, required, tag = "4")]
    pub c_lflag: u32,
    /// Line discipline.
    #[prost(uint32, required, tag = "5")]
    pub c_line: u32,
    /// Input speed.
    #[prost(uint32, required, tag = "6")]
    pub c_ispeed: u32,
    /// Output speed.
    #[prost(uint32, required, tag = "7")]
    pub c_ospeed: u32,
    /// Control characters.
    #[prost(uint32, repeated, packed = "false", tag = "8")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub c_cc: Vec<u32>,
}

/// `tty_pty_entry` (`images/tty.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TtyPtyEntry {
    /// Pty index (`/dev/pts/<index>`).
    #[prost(uint32, required, tag = "1")]
    pub index: u32,
}

/// `tty_data_entry` (`images/tty.proto`): `tty-data.img`, bytes queued in
/// a pty.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TtyDataEntry {
    /// Id of the `tty_info_entry`.
    #[prost(uint32, required, tag = "1")]
    pub tty_id: u32,
    /// The bytes.
    #[prost(bytes = "vec", required, tag = "2")]
    #[serde(serialize_with = "pretty::bytes")]
    pub data: Vec<u8>,
}

/// `tty_info_entry` (`images/tty.proto`): `tty-info.img`, a terminal.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TtyInfoEntry {
    /// Id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Kind of terminal (`TtyType`).
    #[prost(int32, required, tag = "2")]
    #[serde(serialize_with = "tty_type")]
    pub r#type: i32,
    /// Pty locked (`TIOCGPTLCK`).
    #[prost(bool, required, tag = "3")]
    pub locked: bool,
    /// Exclusive mode (`TIOCGEXCL`).
    #[prost(bool, required, tag = "4")]
    pub exclusive: bool,
    /// Packet mode (`TIOCGPKT`).
    #[prost(bool, required, tag = "5")]
    pub packet_mode: bool,
    /// Session id.
    #[prost(uint32, required, tag = "6")]
    pub sid: u32,
    /// Foreground process group.
    #[prost(uint32, required, tag = "7")]
    pub pgrp: u32,
    /// Device number.
    #[prost(uint32, required, tag = "8")]
    pub rdev: u32,
    /// Terminal settings.
    #[prost(message, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termios: Option<TermiosEntry>,
    /// Locked settings.
    #[prost(message, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termios_locked: Option<TermiosEntry>,
    /// Window size.
    #[prost(message, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub winsize: Option<WinsizeEntry>,
    /// Pty details.
    #[prost(message, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pty: Option<TtyPtyEntry>,
    /// Device.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<u32>,
    /// Owner uid.
    #[prost(uint32, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    /// Owner gid.
    #[prost(uint32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gid: Option<u32>,
}

/// `tty_file_entry` (`images/tty.proto`): an open terminal.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TtyFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Id of the `tty_info_entry`.
    #[prost(uint32, required, tag = "2")]
    pub tty_info_id: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// File id of the terminal's path.
    #[prost(uint32, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regf_id: Option<u32>,
}
