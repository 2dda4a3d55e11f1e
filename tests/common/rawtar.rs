//! A tar writer that writes what it is told, valid or not: header blocks
//! field by field, PAX records, GNU long names, base-256 sizes, sparse
//! maps, wrong checksums. The hostile and differential tests build their
//! archives with it (the `tar` crate refuses to write most of them).

#![allow(dead_code)]

/// The magic and version of a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Magic {
    /// `ustar\0` `00`: USTAR and PAX.
    Ustar,
    /// `ustar ` ` \0`: GNU.
    Gnu,
    /// None: Unix V7.
    V7,
    /// USTAR with the `tar\0` trailer of Schily's star.
    Star,
}

/// How the checksum field is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    /// The unsigned sum, as every writer does.
    Unsigned,
    /// The signed sum (old Sun tar).
    Signed,
    /// Off by one.
    Wrong,
}

/// One header block, field by field.
#[derive(Clone, Debug)]
pub struct Hdr {
    pub name: Vec<u8>,
    pub typeflag: u8,
    /// The size field as written (octal or base-256 by [`Hdr::size`]).
    pub size: [u8; 12],
    pub linkname: Vec<u8>,
    pub prefix: Vec<u8>,
    pub magic: Magic,
    pub checksum: Checksum,
    pub mode: [u8; 8],
    /// Raw bytes written over the block last (offset, bytes).
    pub patches: Vec<(usize, Vec<u8>)>,
}

/// An octal field of `len` bytes, NUL-terminated.
pub fn octal(value: u64, len: usize) -> Vec<u8> {
    let mut s = format!("{value:0w$o}", w = len - 1).into_bytes();
    s.push(0);
    s
}

/// A 12-byte base-256 field.
pub fn base256(value: i64) -> [u8; 12] {
    let mut f = [0u8; 12];
    let bytes = value.to_be_bytes();
    if value < 0 {
        f = [0xff; 12];
    }
    f[4..].copy_from_slice(&bytes);
    f[0] |= 0x80;
    f
}

impl Hdr {
    /// A USTAR header for a member of `typeflag`.
    pub fn new(name: impl AsRef<[u8]>, typeflag: u8, size: u64) -> Hdr {
        let mut h = Hdr {
            name: name.as_ref().to_vec(),
            typeflag,
            size: [0; 12],
            linkname: Vec::new(),
            prefix: Vec::new(),
            magic: Magic::Ustar,
            checksum: Checksum::Unsigned,
            mode: [0; 8],
            patches: Vec::new(),
        };
        h.size(size);
        h.mode.copy_from_slice(&octal(0o644, 8));
        h
    }

    /// A regular file.
    pub fn file(name: impl AsRef<[u8]>, size: u64) -> Hdr {
        Hdr::new(name, b'0', size)
    }

    /// Sets the size field in octal.
    pub fn size(&mut self, size: u64) -> &mut Hdr {
        if size < 8u64.pow(11) {
            self.size.copy_from_slice(&octal(size, 12));
        } else {
            self.size = base256(size as i64);
        }
        self
    }

    /// The block.
    pub fn block(&self) -> [u8; 512] {
        let mut b = [0u8; 512];
        put(&mut b, 0, &self.name, 100);
        b[100..108].copy_from_slice(&self.mode);
        b[108..116].copy_from_slice(&octal(0, 8));
        b[116..124].copy_from_slice(&octal(0, 8));
        b[124..136].copy_from_slice(&self.size);
        b[136..148].copy_from_slice(&octal(1_764_351_000, 12));
        b[156] = self.typeflag;
        put(&mut b, 157, &self.linkname, 100);
        match self.magic {
            Magic::Ustar | Magic::Star => {
                b[257..263].copy_from_slice(b"ustar\0");
                b[263..265].copy_from_slice(b"00");
                let prefix_len = if self.magic == Magic::Star { 131 } else { 155 };
                put(&mut b, 345, &self.prefix, prefix_len);
                if self.magic == Magic::Star {
                    b[508..512].copy_from_slice(b"tar\0");
                }
            }
            Magic::Gnu => {
                b[257..263].copy_from_slice(b"ustar ");
                b[263..265].copy_from_slice(b" \0");
            }
            Magic::V7 => {}
        }
        if self.magic != Magic::V7 {
            b[329..337].copy_from_slice(&octal(0, 8));
            b[337..345].copy_from_slice(&octal(0, 8));
        }
        for (at, bytes) in &self.patches {
            let end = (*at + bytes.len()).min(512);
            b[*at..end].copy_from_slice(&bytes[..end - at]);
        }
        let (mut unsigned, mut signed) = (0i64, 0i64);
        for (i, &c) in b.iter().enumerate() {
            let c = if (148..156).contains(&i) { b' ' } else { c };
            unsigned += i64::from(c);
            signed += i64::from(c as i8);
        }
        let sum = match self.checksum {
            Checksum::Unsigned => unsigned,
            Checksum::Signed => signed,
            Checksum::Wrong => unsigned + 1,
        };
        let mut field = format!("{:06o}", sum.rem_euclid(1 << 18)).into_bytes();
        field.extend_from_slice(b"\0 ");
        b[148..156].copy_from_slice(&field);
        b
    }
}

fn put(b: &mut [u8; 512], at: usize, bytes: &[u8], len: usize) {
    let n = bytes.len().min(len);
    b[at..at + n].copy_from_slice(&bytes[..n]);
}

/// One PAX record, its length counted.
pub fn record(key: &str, value: impl AsRef<[u8]>) -> Vec<u8> {
    let value = value.as_ref();
    let body_len = 1 + key.len() + 1 + value.len() + 1;
    let mut n = body_len + 1;
    while n.to_string().len() + body_len != n {
        n += 1;
    }
    let mut out = format!("{n} {key}=").into_bytes();
    out.extend_from_slice(value);
    out.push(b'\n');
    out
}

/// Writes tars block by block.
#[derive(Default, Clone)]
pub struct RawTar {
    pub bytes: Vec<u8>,
}

impl RawTar {
    pub fn new() -> RawTar {
        RawTar::default()
    }

    /// A header and `data`, padded to a block.
    pub fn member(&mut self, h: &Hdr, data: &[u8]) -> &mut RawTar {
        self.bytes.extend_from_slice(&h.block());
        self.data(data)
    }

    /// Data padded to a block.
    pub fn data(&mut self, data: &[u8]) -> &mut RawTar {
        self.bytes.extend_from_slice(data);
        let pad = data.len().next_multiple_of(512) - data.len();
        self.bytes.extend(std::iter::repeat_n(0u8, pad));
        self
    }

    /// A regular file.
    pub fn file(&mut self, name: impl AsRef<[u8]>, data: &[u8]) -> &mut RawTar {
        self.member(&Hdr::file(name, data.len() as u64), data)
    }

    /// A PAX extended header (`x`) of these records.
    pub fn pax(&mut self, records: &[(&str, &[u8])]) -> &mut RawTar {
        self.extension(b'x', records)
    }

    /// A PAX global header (`g`).
    pub fn global(&mut self, records: &[(&str, &[u8])]) -> &mut RawTar {
        self.extension(b'g', records)
    }

    fn extension(&mut self, flag: u8, records: &[(&str, &[u8])]) -> &mut RawTar {
        let data: Vec<u8> = records.iter().flat_map(|(k, v)| record(k, v)).collect();
        self.member(&Hdr::new("./PaxHeaders/x", flag, data.len() as u64), &data)
    }

    /// A GNU long name (`L`) or long link (`K`) header.
    pub fn gnu_long(&mut self, flag: u8, name: &[u8]) -> &mut RawTar {
        let mut data = name.to_vec();
        data.push(0);
        let mut h = Hdr::new("././@LongLink", flag, data.len() as u64);
        h.magic = Magic::Gnu;
        self.member(&h, &data)
    }

    /// The end-of-archive marker: two zero blocks.
    pub fn end(&mut self) -> &mut RawTar {
        self.bytes.extend_from_slice(&[0u8; 1024]);
        self
    }

    pub fn build(&self) -> Vec<u8> {
        self.bytes.clone()
    }
}
