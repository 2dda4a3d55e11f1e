//! One 512-byte tar header block, parsed as Go's `archive/tar` parses it:
//! the checksum (unsigned or signed sum), the format guessed from the magic,
//! the numeric fields in octal or base-256, the strings cut at the first NUL,
//! and the USTAR prefix joined to the name.
//!
//! Podman and CRI-O unpack checkpoints with `archive/tar`; whatever it
//! refuses, the runtime refuses, and whatever name or size it reads is what
//! the runtime extracts. So this parser follows its rules, not the tar
//! crate's nor GNU tar's, where they differ.

/// Size of a tar block.
pub(super) const BLOCK: usize = 512;

/// A header block.
pub(super) type Block = [u8; BLOCK];

/// The header formats `archive/tar` tells apart by magic and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// Unix V7: no magic.
    V7,
    /// USTAR (and PAX): magic `ustar\0`.
    Ustar,
    /// Schily's STAR: USTAR magic and a `tar\0` trailer.
    Star,
    /// GNU: magic `ustar ` and version ` \0`.
    Gnu,
}

/// Type flags `archive/tar` gives a meaning to.
pub(super) mod flag {
    /// Regular file.
    pub(crate) const REG: u8 = b'0';
    /// Regular file of old archives (`\0`).
    pub(crate) const REG_A: u8 = 0;
    /// Hard link.
    pub(crate) const LINK: u8 = b'1';
    /// Symbolic link.
    pub(crate) const SYMLINK: u8 = b'2';
    /// Character device.
    pub(crate) const CHAR: u8 = b'3';
    /// Block device.
    pub(crate) const BLOCK: u8 = b'4';
    /// Directory.
    pub(crate) const DIR: u8 = b'5';
    /// FIFO.
    pub(crate) const FIFO: u8 = b'6';
    /// PAX extended header for the next member.
    pub(crate) const PAX: u8 = b'x';
    /// PAX global header.
    pub(crate) const PAX_GLOBAL: u8 = b'g';
    /// Old GNU sparse file.
    pub(crate) const GNU_SPARSE: u8 = b'S';
    /// GNU long name for the next member.
    pub(crate) const GNU_LONG_NAME: u8 = b'L';
    /// GNU long link name for the next member.
    pub(crate) const GNU_LONG_LINK: u8 = b'K';
}

/// Whether members of this type have no data, whatever their size field
/// says.
pub(super) fn header_only(typeflag: u8) -> bool {
    matches!(
        typeflag,
        flag::LINK | flag::SYMLINK | flag::CHAR | flag::BLOCK | flag::DIR | flag::FIFO
    )
}

/// A header block's fields, as `archive/tar` reads them before any
/// extension header is applied.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub(super) typeflag: u8,
    pub(super) name: Vec<u8>,
    pub(super) linkname: Vec<u8>,
    pub(super) size: i64,
    /// Permission bits and the rest of the mode field.
    pub(super) mode: i64,
    /// Modification time, seconds since the Unix epoch.
    pub(super) mtime: i64,
    pub(super) format: Format,
}

/// Why a block is not a header `archive/tar` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BadHeader {
    /// The checksum does not match the block (or does not parse): not a
    /// tar header at all.
    Checksum,
    /// A numeric field does not parse (or overflows).
    Numeric(&'static str),
}

impl std::fmt::Display for BadHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadHeader::Checksum => f.write_str("invalid tar header (bad checksum)"),
            BadHeader::Numeric(field) => write!(f, "invalid tar header (bad {field} field)"),
        }
    }
}

fn field(b: &Block, at: usize, len: usize) -> &[u8] {
    b.get(at..at + len).unwrap_or(&[])
}

/// The bytes before the first NUL (all of them if there is none).
pub(super) fn cstr(b: &[u8]) -> &[u8] {
    match memchr::memchr(0, b) {
        Some(at) => &b[..at],
        None => b,
    }
}

/// An octal field: spaces and NULs trimmed from both ends, then cut at a
/// NUL, then digits 0-7 only. Empty is 0.
pub(super) fn parse_octal(b: &[u8]) -> Option<i64> {
    let start = b.iter().position(|&c| c != b' ' && c != 0);
    let Some(start) = start else {
        return Some(0);
    };
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .unwrap_or(start);
    let digits = cstr(&b[start..=end]);
    if digits.is_empty() {
        return None;
    }
    let mut x: u64 = 0;
    for &c in digits {
        if !(b'0'..=b'7').contains(&c) {
            return None;
        }
        x = x.checked_mul(8)?.checked_add(u64::from(c - b'0'))?;
    }
    // Go converts the unsigned value with a plain cast.
    Some(x as i64)
}

/// A numeric field in base-256 (first bit set: two's complement, big
/// endian) or octal.
pub(super) fn parse_numeric(b: &[u8]) -> Option<i64> {
    let Some(&first) = b.first() else {
        return Some(0);
    };
    if first & 0x80 == 0 {
        return parse_octal(b);
    }
    let inv: u8 = if first & 0x40 != 0 { 0xff } else { 0 };
    let mut x: u64 = 0;
    for (i, &c) in b.iter().enumerate() {
        let mut c = c ^ inv;
        if i == 0 {
            c &= 0x7f;
        }
        if x >> 56 > 0 {
            return None;
        }
        x = (x << 8) | u64::from(c);
    }
    if x >> 63 > 0 {
        return None;
    }
    let x = x as i64;
    Some(if inv == 0xff { !x } else { x })
}

/// The two checksums `archive/tar` accepts: bytes summed unsigned and
/// signed, with the checksum field counted as spaces.
fn checksums(b: &Block) -> (i64, i64) {
    let (mut unsigned, mut signed) = (0i64, 0i64);
    for (i, &c) in b.iter().enumerate() {
        let c = if (148..156).contains(&i) { b' ' } else { c };
        unsigned += i64::from(c);
        signed += i64::from(c as i8);
    }
    (unsigned, signed)
}

/// The block's format, or `None` if its checksum is wrong.
pub(super) fn format(b: &Block) -> Option<Format> {
    let value = parse_octal(field(b, 148, 8))?;
    let (unsigned, signed) = checksums(b);
    if value != unsigned && value != signed {
        return None;
    }
    let magic = field(b, 257, 6);
    let version = field(b, 263, 2);
    let trailer = field(b, 508, 4);
    Some(if magic == b"ustar\0" && trailer == b"tar\0" {
        Format::Star
    } else if magic == b"ustar\0" {
        Format::Ustar
    } else if magic == b"ustar " && version == b" \0" {
        Format::Gnu
    } else {
        Format::V7
    })
}

/// Parses a header block.
pub(super) fn parse(b: &Block) -> Result<Header, BadHeader> {
    let format = format(b).ok_or(BadHeader::Checksum)?;
    let num = |at, len, name| parse_numeric(field(b, at, len)).ok_or(BadHeader::Numeric(name));
    let typeflag = b[156];
    let mut name = cstr(field(b, 0, 100)).to_vec();
    let linkname = cstr(field(b, 157, 100)).to_vec();
    let size = num(124, 12, "size")?;
    let mode = num(100, 8, "mode")?;
    num(108, 8, "uid")?;
    num(116, 8, "gid")?;
    let mtime = num(136, 12, "mtime")?;
    let mut prefix: &[u8] = &[];
    match format {
        Format::V7 => {}
        Format::Ustar => {
            num(329, 8, "devmajor")?;
            num(337, 8, "devminor")?;
            prefix = cstr(field(b, 345, 155));
        }
        Format::Star => {
            num(329, 8, "devmajor")?;
            num(337, 8, "devminor")?;
            prefix = cstr(field(b, 345, 131));
            num(476, 12, "atime")?;
            num(488, 12, "ctime")?;
        }
        Format::Gnu => {
            num(329, 8, "devmajor")?;
            num(337, 8, "devminor")?;
            // Old Go writers put a USTAR prefix where GNU keeps the access
            // and change times: when those do not parse and the field is
            // ASCII, `archive/tar` reads it as a prefix.
            let times_parse = [(345, 12), (357, 12)].iter().all(|&(at, len)| {
                let f = field(b, at, len);
                f.first() == Some(&0) || parse_numeric(f).is_some()
            });
            if !times_parse {
                let p = cstr(field(b, 345, 155));
                if p.is_ascii() {
                    prefix = p;
                }
            }
        }
    }
    if !prefix.is_empty() {
        let mut joined = Vec::with_capacity(prefix.len() + 1 + name.len());
        joined.extend_from_slice(prefix);
        joined.push(b'/');
        joined.extend_from_slice(&name);
        name = joined;
    }
    Ok(Header {
        typeflag,
        name,
        linkname,
        size,
        mode,
        mtime,
        format,
    })
}

/// A sparse map: (offset, length) of each region that holds data.
pub(super) type SparseMap = Vec<(i64, i64)>;

/// The old GNU sparse fields of a GNU header: the real (logical) size,
/// the up to 4 (offset, length) pairs in the header, and whether extension
/// blocks follow.
pub(super) fn gnu_sparse(b: &Block) -> Option<(i64, SparseMap, bool)> {
    let real = parse_numeric(field(b, 483, 12))?;
    let (pairs, extended) = sparse_pairs(field(b, 386, 24 * 4 + 1))?;
    Some((real, pairs, extended))
}

/// The (offset, length) pairs of a sparse array (the one in a GNU header,
/// or a whole extension block of 21 pairs), stopping at the first whose
/// offset starts with NUL; and whether more blocks follow.
pub(super) fn sparse_pairs(s: &[u8]) -> Option<(SparseMap, bool)> {
    let count = s.len() / 24;
    let mut pairs = Vec::with_capacity(count);
    for i in 0..count {
        let entry = s.get(i * 24..i * 24 + 24)?;
        if entry.first() == Some(&0) {
            break;
        }
        let offset = parse_numeric(&entry[..12])?;
        let length = parse_numeric(&entry[12..])?;
        pairs.push((offset, length));
    }
    let extended = s.get(count * 24).is_some_and(|&c| c > 0);
    Some((pairs, extended))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_fields_are_trimmed_and_cut_as_go_does() {
        assert_eq!(parse_octal(b"0000644\0"), Some(0o644));
        assert_eq!(parse_octal(b"  644 \0"), Some(0o644));
        assert_eq!(parse_octal(b"\0\0\0"), Some(0));
        assert_eq!(parse_octal(b"12\x003"), Some(0o12));
        assert_eq!(parse_octal(b"1 2"), None);
        assert_eq!(parse_octal(b"0008"), None);
        assert_eq!(parse_octal(b"+12"), None);
    }

    #[test]
    fn base_256_fields_are_twos_complement() {
        let mut b = [0u8; 12];
        b[0] = 0x80;
        b[11] = 0x05;
        assert_eq!(parse_numeric(&b), Some(5));
        let neg = [0xffu8; 12];
        assert_eq!(parse_numeric(&neg), Some(-1));
        let mut big = [0u8; 12];
        big[0] = 0x80;
        big[3] = 0x01; // 2^64 and more
        assert_eq!(parse_numeric(&big), None);
    }
}
