//! Open files and sockets per process: `ids-<pid>.img` → `fdinfo-<files_id>.img`
//! → `files.img`, and `fs-<pid>.img` for the working and root directories;
//! read through [`Process::files`](crate::Process::files) and
//! [`Process::sockets`](crate::Process::sockets).

use serde::Serialize;

use super::images::ImageSet;
use crate::criu::pretty::{SK_STATES, ip_addr};
use crate::criu::proto::{REMAP_GHOST, REMAP_LINKED, SkOptsEntry, fd_type_name};

/// One open descriptor (or the cwd / root of a process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OpenFile {
    /// Descriptor number; `None` for the cwd and root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fd: Option<u32>,
    /// `REG`, `PIPE`, `INETSK`, …; `cwd` or `root`.
    pub kind: String,
    /// What it is: a path, `pipe[<inode>]`, `unix[<inode> (<peer>) <name>]`,
    /// or `<TYPE>.<file id>`, as checkpointctl shows them.
    pub path: String,
    /// `O_*` flags of a regular file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
    /// File position of a regular file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos: Option<u64>,
    /// Id in `files.img`.
    pub file_id: u32,
    /// Whether the file was deleted while open (CRIU saved its content as
    /// a ghost file, or kept it through a link it made).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// One open socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Socket {
    /// Descriptor number.
    pub fd: u32,
    /// `INETSK`, `UNIXSK`, `PACKETSK`, `NETLINKSK`.
    pub fd_type: String,
    /// `INET`, `INET6`, `UNIX`, `PACKET`, `NETLINK`.
    pub family: String,
    /// `TCP`, `UDP`, … for inet sockets.
    pub protocol: String,
    /// `STREAM`, `DGRAM`, `SEQPACKET`, `RAW`.
    pub sock_type: String,
    /// TCP state name (`LISTEN`, `ESTABLISHED`, …).
    pub state: String,
    /// Local address.
    pub src: String,
    /// Local port.
    pub src_port: u32,
    /// Peer address.
    pub dst: String,
    /// Peer port.
    pub dst_port: u32,
    /// Socket inode.
    pub ino: u32,
    /// Peer inode (unix sockets).
    pub peer: u32,
    /// Unix socket name (`@` prefix for an abstract one).
    pub name: String,
    /// `SO_SNDBUF`.
    pub send_buf: u32,
    /// `SO_RCVBUF`.
    pub recv_buf: u32,
}

fn type_name(t: i32) -> String {
    fd_type_name(t)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("TYPE{t}"))
}

/// A unix socket name as `ss` shows it: an abstract name (leading NUL)
/// as `@` and the rest, each NUL in it shown as `@` too (the kernel keeps
/// the whole address, NULs included); a path name up to its first NUL
/// (the kernel reads it as a C string, so what follows names nothing).
/// An unnamed socket gives the empty string.
pub fn unix_name(name: &[u8]) -> String {
    match name.split_first() {
        Some((0, rest)) => {
            let shown: Vec<u8> = rest
                .iter()
                .map(|&b| if b == 0 { b'@' } else { b })
                .collect();
            format!("@{}", String::from_utf8_lossy(&shown))
        }
        _ => {
            let end = memchr::memchr(0, name).unwrap_or(name.len());
            String::from_utf8_lossy(&name[..end]).into_owned()
        }
    }
}

/// The descriptors of `pid` sorted by number, then its cwd and root; `None`
/// when its `ids` or `fdinfo` image is missing.
pub(crate) fn open_files(images: &ImageSet, pid: u32) -> Option<Vec<OpenFile>> {
    let ids = images.ids.get(&pid)?;
    let fdinfo = images.fdinfo.get(&ids.files_id)?;
    let mut out: Vec<OpenFile> = fdinfo
        .iter()
        .map(|fd| {
            let kind = type_name(fd.r#type);
            let file = images.file(fd.id);
            let reg = file.and_then(|f| f.reg.as_ref());
            let path = match (kind.as_str(), file) {
                ("REG", Some(f)) => f
                    .reg
                    .as_ref()
                    .map_or_else(|| "unknown".to_owned(), |r| r.name.clone()),
                ("PIPE", Some(f)) => f
                    .pipe
                    .as_ref()
                    .map_or_else(|| "pipe[?]".to_owned(), |p| format!("pipe[{}]", p.pipe_id)),
                ("UNIXSK", Some(f)) => f.usk.as_ref().map_or_else(
                    || "unix[?]".to_owned(),
                    |u| format!("unix[{} ({}) {}]", u.ino, u.peer, unix_name(&u.name)),
                ),
                // As /proc/PID/fd shows it (memfds are always unlinked).
                ("MEMFD", Some(f)) => f
                    .memfd
                    .as_ref()
                    .and_then(|m| {
                        let id = u64::from(m.inode_id);
                        images.memfds.iter().find(|i| i.inode_id == id)
                    })
                    .map_or_else(
                        || format!("MEMFD.{}", fd.id),
                        |i| format!("memfd:{}", i.name),
                    ),
                ("REG", None) => "unknown".to_owned(),
                _ => format!("{kind}.{}", fd.id),
            };
            let deleted = matches!(images.remap_type(fd.id), Some(REMAP_GHOST | REMAP_LINKED));
            OpenFile {
                fd: Some(fd.fd),
                deleted,
                path,
                flags: reg.map(|r| r.flags),
                pos: reg.map(|r| r.pos),
                file_id: fd.id,
                kind,
            }
        })
        .collect();
    out.sort_by_key(|f| f.fd);
    if let Some(fs) = images.fs.get(&pid) {
        for (kind, id) in [("cwd", fs.cwd_id), ("root", fs.root_id)] {
            let path = images
                .file(id)
                .and_then(|f| f.reg.as_ref())
                .map_or_else(|| "unknown".to_owned(), |r| r.name.clone());
            out.push(OpenFile {
                fd: None,
                kind: kind.to_owned(),
                path,
                flags: None,
                pos: None,
                file_id: id,
                deleted: false,
            });
        }
    }
    Some(out)
}

fn name_of(v: u32, names: &[(u64, &str)]) -> String {
    names
        .iter()
        .find(|(n, _)| *n == u64::from(v))
        .map(|(_, s)| (*s).to_owned())
        .unwrap_or_default()
}

const FAMILIES: &[(u64, &str)] = &[
    (1, "UNIX"),
    (2, "INET"),
    (10, "INET6"),
    (16, "NETLINK"),
    (17, "PACKET"),
];
const TYPES: &[(u64, &str)] = &[
    (1, "STREAM"),
    (2, "DGRAM"),
    (3, "RAW"),
    (5, "SEQPACKET"),
    (10, "PACKET"),
];
const PROTOCOLS: &[(u64, &str)] = &[(0, "IP"), (6, "TCP"), (17, "UDP"), (136, "UDPLITE")];

fn buffers(opts: Option<&SkOptsEntry>) -> (u32, u32) {
    opts.map_or((0, 0), |o| (o.so_sndbuf, o.so_rcvbuf))
}

/// The sockets among the descriptors of `pid`, sorted by number.
pub(crate) fn sockets(images: &ImageSet, pid: u32) -> Option<Vec<Socket>> {
    let ids = images.ids.get(&pid)?;
    let fdinfo = images.fdinfo.get(&ids.files_id)?;
    let mut out = Vec::new();
    for fd in fdinfo {
        let Some(file) = images.file(fd.id) else {
            continue;
        };
        let blank = Socket {
            fd: fd.fd,
            fd_type: type_name(fd.r#type),
            family: String::new(),
            protocol: String::new(),
            sock_type: String::new(),
            state: String::new(),
            src: String::new(),
            src_port: 0,
            dst: String::new(),
            dst_port: 0,
            ino: 0,
            peer: 0,
            name: String::new(),
            send_buf: 0,
            recv_buf: 0,
        };
        let socket = if let Some(isk) = &file.isk {
            let (send_buf, recv_buf) = buffers(isk.opts.as_ref());
            Socket {
                family: name_of(isk.family, FAMILIES),
                protocol: name_of(isk.proto, PROTOCOLS),
                sock_type: name_of(isk.r#type, TYPES),
                state: name_of(isk.state, SK_STATES),
                src: ip_addr(&isk.src_addr).unwrap_or_default(),
                src_port: isk.src_port,
                dst: ip_addr(&isk.dst_addr).unwrap_or_default(),
                dst_port: isk.dst_port,
                ino: isk.ino,
                send_buf,
                recv_buf,
                ..blank
            }
        } else if let Some(usk) = &file.usk {
            let (send_buf, recv_buf) = buffers(usk.opts.as_ref());
            Socket {
                family: "UNIX".to_owned(),
                sock_type: name_of(usk.r#type, TYPES),
                state: name_of(usk.state, SK_STATES),
                ino: usk.ino,
                peer: usk.peer,
                name: unix_name(&usk.name),
                send_buf,
                recv_buf,
                ..blank
            }
        } else if let Some(psk) = &file.psk {
            let (send_buf, recv_buf) = buffers(psk.opts.as_ref());
            Socket {
                family: "PACKET".to_owned(),
                protocol: psk.protocol.to_string(),
                sock_type: name_of(psk.r#type, TYPES),
                send_buf,
                recv_buf,
                ..blank
            }
        } else if let Some(nlsk) = &file.nlsk {
            let (send_buf, recv_buf) = buffers(nlsk.opts.as_ref());
            Socket {
                family: "NETLINK".to_owned(),
                protocol: nlsk.protocol.to_string(),
                state: name_of(nlsk.state, SK_STATES),
                ino: nlsk.ino,
                send_buf,
                recv_buf,
                ..blank
            }
        } else {
            continue;
        };
        out.push(socket);
    }
    out.sort_by_key(|s| s.fd);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::unix_name;

    #[test]
    fn unix_names_read_as_ss_shows_them() {
        assert_eq!(unix_name(b"\0ckpt-abstract"), "@ckpt-abstract");
        assert_eq!(unix_name(b"\0a\0b\0"), "@a@b@");
        assert_eq!(unix_name(b"/tmp/ckpt.sock\0\0\0"), "/tmp/ckpt.sock");
        assert_eq!(unix_name(b"/tmp/a\0junk"), "/tmp/a");
        assert_eq!(unix_name(b""), "");
    }
}
