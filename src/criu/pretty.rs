//! Serialisers that print fields the way `crit decode --pretty` does
//! (CRIU's `lib/pycriu/images/pb2dict.py`): hex-marked numbers as `"0x…"`
//! strings, flag fields as `"A | B"`, some numbers as names, IP addresses
//! as strings, bytes as base64.
//!
//! Used from the message structs with `#[serde(serialize_with = "…")]`.
//!
//! Longer than 400 lines because it is one table of crit's printing
//! rules, each a few lines; split, they would be harder to check against
//! `pb2dict.py`.

use std::fmt::LowerHex;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

/// `(criu).hex = true`.
pub fn hex<T: LowerHex, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{v:#x}"))
}

/// An optional `(criu).hex = true` field (skip it when `None`).
pub fn opt_hex<T: LowerHex, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => hex(v, s),
        None => s.serialize_none(),
    }
}

/// A repeated `(criu).hex = true` field.
pub fn hex_vec<T: LowerHex, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for x in v {
        seq.serialize_element(&format!("{x:#x}"))?;
    }
    seq.end()
}

/// A table of flag names and bits.
pub type FlagMap = &'static [(&'static str, u64)];

/// `mmap.prot`.
pub const MMAP_PROT: FlagMap = &[("PROT_READ", 0x1), ("PROT_WRITE", 0x2), ("PROT_EXEC", 0x4)];

/// `mmap.flags`.
pub const MMAP_FLAGS: FlagMap = &[
    ("MAP_SHARED", 0x1),
    ("MAP_PRIVATE", 0x2),
    ("MAP_DROPPABLE", 0x08),
    ("MAP_ANON", 0x20),
    ("MAP_GROWSDOWN", 0x0100),
];

/// `mmap.status`: CRIU's `VMA_*` bits.
pub const MMAP_STATUS: FlagMap = &[
    ("VMA_AREA_NONE", 0),
    ("VMA_AREA_REGULAR", 1 << 0),
    ("VMA_AREA_STACK", 1 << 1),
    ("VMA_AREA_VSYSCALL", 1 << 2),
    ("VMA_AREA_VDSO", 1 << 3),
    ("VMA_AREA_HEAP", 1 << 5),
    ("VMA_FILE_PRIVATE", 1 << 6),
    ("VMA_FILE_SHARED", 1 << 7),
    ("VMA_ANON_SHARED", 1 << 8),
    ("VMA_ANON_PRIVATE", 1 << 9),
    ("VMA_AREA_SYSVIPC", 1 << 10),
    ("VMA_AREA_SOCKET", 1 << 11),
    ("VMA_AREA_VVAR", 1 << 12),
    ("VMA_AREA_AIORING", 1 << 13),
    ("VMA_AREA_MEMFD", 1 << 14),
    ("VMA_AREA_SHSTK", 1 << 15),
    ("VMA_AREA_UPROBES", 1 << 17),
    ("VMA_UNSUPP", 1 << 31),
];

/// `rfile.flags`: `O_*` open flags.
pub const RFILE_FLAGS: FlagMap = &[
    ("O_WRONLY", 0o1),
    ("O_RDWR", 0o2),
    ("O_CREAT", 0o100),
    ("O_EXCL", 0o200),
    ("O_NOCTTY", 0o400),
    ("O_TRUNC", 0o1000),
    ("O_APPEND", 0o2000),
    ("O_NONBLOCK", 0o4000),
    ("O_DSYNC", 0o10000),
    ("FASYNC", 0o20000),
    ("O_DIRECT", 0o40000),
    ("O_LARGEFILE", 0o100000),
    ("O_DIRECTORY", 0o200000),
    ("O_NOFOLLOW", 0o400000),
    ("O_NOATIME", 0o1000000),
    ("O_CLOEXEC", 0o2000000),
];

/// `pmap.flags`: pagemap entry flags.
pub const PMAP_FLAGS: FlagMap = &[
    ("PE_PARENT", 1),
    ("PE_LAZY", 2),
    ("PE_PRESENT", 4),
    ("PE_PAYLOAD_ALIGNED", 8),
];

/// `seals.flags`: memfd seals.
pub const SEALS_FLAGS: FlagMap = &[
    ("F_SEAL_SEAL", 0x1),
    ("F_SEAL_SHRINK", 0x2),
    ("F_SEAL_GROW", 0x4),
    ("F_SEAL_WRITE", 0x8),
    ("F_SEAL_FUTURE_WRITE", 0x10),
];

/// crit's `map_flags`: the names of the bits set, then any other bits in
/// hex, joined with `" | "`; `""` for 0.
pub fn map_flags(value: u64, map: FlagMap) -> String {
    let mut parts: Vec<String> = map
        .iter()
        .filter(|(_, bit)| value & bit != 0)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let known = map.iter().fold(0, |acc, (_, bit)| acc | bit);
    let rest = value & !known;
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join(" | ")
}

macro_rules! flag_serializers {
    ($($name:ident, $opt:ident => $map:ident;)*) => {$(
        #[doc = concat!("Flags printed with [`", stringify!($map), "`].")]
        pub fn $name<T: Copy + Into<u64>, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&map_flags((*v).into(), $map))
        }
        #[doc = concat!("Optional flags printed with [`", stringify!($map), "`].")]
        pub fn $opt<T: Copy + Into<u64>, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => $name(v, s),
                None => s.serialize_none(),
            }
        }
    )*};
}

flag_serializers! {
    mmap_prot, opt_mmap_prot => MMAP_PROT;
    mmap_flags, opt_mmap_flags => MMAP_FLAGS;
    mmap_status, opt_mmap_status => MMAP_STATUS;
    rfile_flags, opt_rfile_flags => RFILE_FLAGS;
    pmap_flags, opt_pmap_flags => PMAP_FLAGS;
    seals_flags, opt_seals_flags => SEALS_FLAGS;
}

/// A number crit prints as a name when it has one (`(criu).dict`), else as
/// the number.
fn named<S: Serializer>(v: u64, names: &[(u64, &str)], s: S) -> Result<S::Ok, S::Error> {
    match names.iter().find(|(n, _)| *n == v) {
        Some((_, name)) => s.serialize_str(name),
        None => s.serialize_u64(v),
    }
}

/// crit 4.2's labels for `task_state` (`gen` dict). They are wrong for two
/// values (3 is "stopped", labelled `Zombie`; 2, dead, has no label), and
/// are kept so that the output matches crit's.
pub fn task_state<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    named(
        u64::from(*v),
        &[(1, "Alive"), (3, "Zombie"), (6, "Stopped")],
        s,
    )
}

/// Socket family (`sk` dict).
pub fn sk_family<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    named(
        u64::from(*v),
        &[
            (1, "UNIX"),
            (2, "INET"),
            (10, "INET6"),
            (16, "NETLINK"),
            (17, "PACKET"),
        ],
        s,
    )
}

/// Socket type (`sk` dict).
pub fn sk_type<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    named(
        u64::from(*v),
        &[
            (1, "STREAM"),
            (2, "DGRAM"),
            (3, "RAW"),
            (5, "SEQPACKET"),
            (10, "PACKET"),
        ],
        s,
    )
}

/// Names of the TCP states, by number (`sk` dict).
pub const SK_STATES: &[(u64, &str)] = &[
    (1, "ESTABLISHED"),
    (2, "SYN_SENT"),
    (3, "SYN_RECV"),
    (4, "FIN_WAIT1"),
    (5, "FIN_WAIT2"),
    (6, "TIME_WAIT"),
    (7, "CLOSE"),
    (8, "CLOSE_WAIT"),
    (9, "LAST_ACK"),
    (10, "LISTEN"),
];

/// Socket state (`sk` dict).
pub fn sk_state<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    named(u64::from(*v), SK_STATES, s)
}

/// Socket protocol (`sk` dict).
pub fn sk_proto<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    named(
        u64::from(*v),
        &[(0, "IP"), (6, "TCP"), (17, "UDP"), (136, "UDPLITE")],
        s,
    )
}

/// An IP address as CRIU stores it: one word for IPv4, four for IPv6, each
/// word's little-endian bytes being the address bytes in network order.
///
/// IPv4-mapped IPv6 addresses are written `::ffff:127.0.0.1`, as Python
/// 3.13's `ipaddress` does; crit run by Python 3.12 or older (the corpus
/// was made with Debian 12's 3.11) writes them `::ffff:7f00:1`.
pub fn ip_addr(words: &[u32]) -> Option<String> {
    match words {
        [a] => Some(Ipv4Addr::from(a.to_le_bytes()).to_string()),
        [a, b, c, d] => {
            let mut octets = [0u8; 16];
            for (i, w) in [a, b, c, d].into_iter().enumerate() {
                octets[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            Some(Ipv6Addr::from(octets).to_string())
        }
        _ => None,
    }
}

/// `(criu).ipadd`: a one-element list with the address, as crit prints it.
#[allow(clippy::ptr_arg)] // serde's serialize_with passes the field as it is
pub fn ipadd<S: Serializer>(words: &Vec<u32>, s: S) -> Result<S::Ok, S::Error> {
    match ip_addr(words) {
        Some(addr) => [addr].serialize(s),
        None => words.serialize(s),
    }
}

/// `(criu).dev`: a device number in the kernel's format, as `major:minor`.
pub fn dev<T: Copy + Into<u64>, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    let v: u64 = (*v).into();
    s.serialize_str(&format!("{}:{}", v >> 20, v & ((1 << 20) - 1)))
}

/// `(criu).odev`: a device number in glibc's `dev_t` format.
pub fn odev<T: Copy + Into<u64>, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    let v: u64 = (*v).into();
    let major = ((v >> 8) & 0xfff) | ((v >> 32) & !0xfff);
    let minor = (v & 0xff) | ((v >> 12) & !0xff);
    s.serialize_str(&format!("{major}:{minor}"))
}

/// An optional `(criu).dev` field.
pub fn opt_dev<T: Copy + Into<u64>, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => dev(v, s),
        None => s.serialize_none(),
    }
}

/// An optional `(criu).odev` field.
pub fn opt_odev<T: Copy + Into<u64>, S: Serializer>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => odev(v, s),
        None => s.serialize_none(),
    }
}

/// Python's `base64.encodebytes`: lines of 76 characters, each ending with
/// a newline.
pub fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let flat = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / 76 + 1);
    for chunk in flat.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// A `bytes` field, base64 as crit prints it.
#[allow(clippy::ptr_arg)] // serde's serialize_with passes the field as it is
pub fn bytes<S: Serializer>(v: &Vec<u8>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64_lines(v))
}

/// An optional `bytes` field.
pub fn opt_bytes<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => bytes(v, s),
        None => s.serialize_none(),
    }
}

/// A protobuf enum value printed by name (unknown values as the number).
pub fn enum_name<S: Serializer>(v: i32, names: &[(i32, &str)], s: S) -> Result<S::Ok, S::Error> {
    match names.iter().find(|(n, _)| *n == v) {
        Some((_, name)) => s.serialize_str(name),
        None => s.serialize_i32(v),
    }
}

/// Python's `quopri.encodestring(data)` (that is `binascii.b2a_qp` with
/// `quotetabs=False, istext=True, header=False`), which crit uses for
/// `(criu).conv = "unix_name"`:
///
/// - `=`, bytes above 126 and control bytes other than tab, CR and LF are
///   written `=XX` (upper-case hex); so is a tab or space that ends the
///   data, and a `.` alone at the start of a line;
/// - LF (and CRLF) ends a line; a tab or space just before it is encoded;
///   line ends are all written as the first one in the data is (CRLF when
///   the first LF follows a CR, else LF); a CR not followed by LF is kept;
/// - lines are cut at 76 characters with soft breaks (`=` + line end).
pub fn quopri(data: &[u8]) -> String {
    const MAX_LINE: usize = 76;
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let crlf =
        matches!(data.iter().position(|&b| b == b'\n'), Some(p) if p > 0 && data[p - 1] == b'\r');
    let newline: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut out: Vec<u8> = Vec::with_capacity(data.len() + data.len() / 2);
    let push_hex = |out: &mut Vec<u8>, b: u8| {
        out.push(b'=');
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    };
    let mut line_len = 0;
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        let next = data.get(i + 1).copied();
        let encode = c > 126
            || c == b'='
            || (c == b'.' && line_len == 0 && matches!(next, None | Some(b'\n' | b'\r' | 0)))
            || ((c == b'\t' || c == b' ') && next.is_none())
            || (c < 33 && !matches!(c, b'\r' | b'\n' | b'\t' | b' '));
        if encode {
            if line_len + 3 >= MAX_LINE {
                out.push(b'=');
                out.extend_from_slice(newline);
                line_len = 0;
            }
            push_hex(&mut out, c);
            line_len += 3;
            i += 1;
        } else if c == b'\n' || (c == b'\r' && next == Some(b'\n')) {
            line_len = 0;
            if let Some(&last @ (b' ' | b'\t')) = out.last() {
                out.pop();
                push_hex(&mut out, last);
            }
            out.extend_from_slice(newline);
            i += if c == b'\r' { 2 } else { 1 };
        } else {
            if next.is_some_and(|n| n != b'\n') && line_len + 1 >= MAX_LINE {
                out.push(b'=');
                out.extend_from_slice(newline);
                line_len = 0;
            }
            line_len += 1;
            out.push(c);
            i += 1;
        }
    }
    // Every byte written is ASCII: the others are encoded.
    out.into_iter().map(char::from).collect()
}

/// A `(criu).conv = "unix_name"` bytes field (unix socket names),
/// quoted-printable as crit prints it (see [`quopri`]).
#[allow(clippy::ptr_arg)] // serde's serialize_with passes the field as it is
pub fn unix_name<S: Serializer>(v: &Vec<u8>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&quopri(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_like_crit() {
        assert_eq!(map_flags(0, PMAP_FLAGS), "");
        assert_eq!(map_flags(6, PMAP_FLAGS), "PE_LAZY | PE_PRESENT");
        assert_eq!(map_flags(0x41, MMAP_PROT), "PROT_READ | 0x40");
        assert_eq!(map_flags(0o2001, RFILE_FLAGS), "O_WRONLY | O_APPEND");
        assert_eq!(
            map_flags(0x222, MMAP_FLAGS),
            "MAP_PRIVATE | MAP_ANON | 0x200"
        );
    }

    #[test]
    fn addresses_like_crit() {
        assert_eq!(ip_addr(&[16_777_343]).as_deref(), Some("127.0.0.1"));
        assert_eq!(ip_addr(&[0]).as_deref(), Some("0.0.0.0"));
        assert_eq!(
            ip_addr(&[0, 0, 0xffff_0000, 16_777_343]).as_deref(),
            Some("::ffff:127.0.0.1")
        );
        assert_eq!(ip_addr(&[0, 0, 0, 0x0100_0000]).as_deref(), Some("::1"));
        assert_eq!(ip_addr(&[1, 2]), None);
    }

    #[test]
    fn quopri_like_python() {
        // The unix socket names in the corpus: socketpairs, no name.
        assert_eq!(quopri(b""), "");
        // The rest checked against Python 3.11's quopri.encodestring.
        let cases: &[(&[u8], &str)] = &[
            (
                b"/run/systemd/journal/stdout",
                "/run/systemd/journal/stdout",
            ),
            (b"\0/tmp/.X11-unix/X0", "=00/tmp/.X11-unix/X0"),
            (b"\0\0\x12\xab", "=00=00=12=AB"),
            (b"key=value", "key=3Dvalue"),
            (b"trailing ", "trailing=20"),
            (b"tab\tin", "tab\tin"),
            (b".", "=2E"),
            (b".x", ".x"),
            (b"caf\xc3\xa9", "caf=C3=A9"),
            (b"a\nb ", "a\nb=20"),
            (b"a \nb", "a=20\nb"),
            (b"a\r\nb\nc", "a\r\nb\r\nc"),
            (b"a\nb\r\nc", "a\nb\nc"),
            (b"a\rb", "a\rb"),
        ];
        for (data, want) in cases {
            assert_eq!(quopri(data), *want, "{data:?}");
        }
        let long = [b"/".as_slice(), &[b'x'; 80]].concat();
        assert_eq!(
            quopri(&long),
            format!("/{}=\n{}", "x".repeat(74), "x".repeat(6))
        );
        let equals = quopri(&[b'='; 30]);
        assert_eq!(
            equals,
            format!("{}=\n{}", "=3D".repeat(25), "=3D".repeat(5))
        );
    }

    #[test]
    fn base64_like_python() {
        assert_eq!(base64_lines(b""), "");
        assert_eq!(base64_lines(b"abc"), "YWJj\n");
        let long = base64_lines(&[0u8; 60]);
        assert_eq!(long.lines().next().unwrap().len(), 76);
        assert!(long.ends_with('\n'));
    }
}
