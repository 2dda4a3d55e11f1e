//! Synthetic, Podman-shaped checkpoint archives for benchmarks and tests.
//!
//! [`write_checkpoint_tar`] writes, deterministically, the tar that
//! `podman container checkpoint --export` would write for a small container
//! whose memory pages (`checkpoint/pages-1.img`) have the requested size:
//!
//! ```text
//! config.dump              JSON: id, name, rootfsImageName, runtime "runc", createdTime
//! spec.dump                JSON: annotations {"io.container.manager": "libpod"}
//! network.status           Podman's shape, eth0 10.88.0.9/16, aa:bb:cc:dd:ee:ff
//! stats-dump               a few random bytes
//! checkpoint/              directory
//! checkpoint/*.img         a handful of small CRIU images (random bytes)
//! checkpoint/pages-1.img   `pages_size` bytes: 4 KiB pages, about a third
//!                          each of text lines, zero pages and random bytes
//! rootfs-diff.tar          a small tar of a few KiB
//! ```
//!
//! `pages-1.img` comes after the metadata and `rootfs-diff.tar` after it, so
//! a reader that wants every size has to go past the pages. Everything comes
//! from one xorshift64 generator with a fixed seed, and every header has the
//! same mtime, so the same `pages_size` always gives the same bytes.
//!
//! The writers stream: the pages are generated a page at a time, so a
//! multi-GiB archive needs no more memory than one page. [`checkpoint_tar`],
//! [`gzip`] and [`zstd`] are the in-memory conveniences.
//!
//! Include it with `#[path = "../tests/common/synth.rs"] mod synth;`.

// Each including crate uses a different subset.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{self, Read, Write};

/// Compression of a generated archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compress {
    /// A plain tar.
    None,
    /// gzip, level 6 (gzip's and Podman's default).
    Gzip,
    /// zstd, level 3 (zstd's default), with a content checksum as Podman
    /// writes it.
    Zstd,
}

impl Compress {
    /// The compression a file name asks for: `.gz`/`.tgz` gzip, `.zst` zstd,
    /// anything else none.
    pub fn from_file_name(name: &str) -> Compress {
        if name.ends_with(".gz") || name.ends_with(".tgz") {
            Compress::Gzip
        } else if name.ends_with(".zst") || name.ends_with(".tzst") {
            Compress::Zstd
        } else {
            Compress::None
        }
    }
}

/// Container id written to `config.dump`.
pub const ID: &str = "5f1c8e4b9a2d7c3e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6";
/// Container name written to `config.dump`.
pub const NAME: &str = "synth";
/// Image name written to `config.dump`.
pub const IMAGE: &str = "localhost/synth:latest";
/// Address in `network.status` (without the prefix length).
pub const IP: &str = "10.88.0.9";
/// MAC address in `network.status`.
pub const MAC: &str = "aa:bb:cc:dd:ee:ff";

const PAGE: usize = 4096;
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
/// 2026-11-28T17:36:00Z, the mtime of every entry.
const MTIME: u64 = 1_795_887_360;

/// xorshift64 (13, 7, 17).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }
}

/// The content of `pages-1.img` as a reader: `len` bytes, generated a
/// 4 KiB page at a time.
struct Pages {
    rng: XorShift,
    left: u64,
    page: Vec<u8>,
    pos: usize,
    text: String,
}

impl Pages {
    fn new(rng: XorShift, len: u64) -> Pages {
        Pages {
            rng,
            left: len,
            page: vec![0; PAGE],
            pos: PAGE,
            text: String::with_capacity(PAGE + 256),
        }
    }

    /// Fills `self.page` with the next page: text, zeros or random bytes.
    fn next_page(&mut self) {
        match self.rng.below(3) {
            0 => self.page.fill(0),
            1 => self.rng.fill(&mut self.page),
            _ => {
                self.text.clear();
                while self.text.len() < PAGE {
                    self.text_line();
                }
                self.page.copy_from_slice(&self.text.as_bytes()[..PAGE]);
            }
        }
        self.pos = 0;
    }

    /// Appends one line of the kind of text found in a heap: log lines,
    /// environment strings, paths, JSON.
    fn text_line(&mut self) {
        let r = self.rng.next();
        let a = r >> 32;
        let b = (r >> 8) & 0xff_ffff;
        let t = &mut self.text;
        // Writing to a String cannot fail.
        let _ = match r % 5 {
            0 => writeln!(
                t,
                "2026-11-28T17:{:02}:{:02}.{:06}Z INFO worker-{} GET /api/v1/items/{} 200 {}us",
                a % 60,
                b % 60,
                b,
                r % 16,
                a % 100_000,
                b % 5000
            ),
            1 => write!(
                t,
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0HOSTNAME={a:08x}\0TERM=xterm\0container=podman\0"
            ),
            2 => writeln!(
                t,
                "{{\"id\":{a},\"user\":\"user{}\",\"email\":\"user{}@example.com\",\"active\":{},\"score\":{}.{:02}}}",
                b % 1000,
                b % 1000,
                r & 1 == 0,
                b % 100,
                a % 100
            ),
            3 => write!(
                t,
                "/usr/lib/x86_64-linux-gnu/libc.so.6\0GLIBC_2.{}\0/proc/self/fd/{}\0/tmp/session-{b:06x}.sock\0",
                a % 40,
                b % 1024
            ),
            _ => writeln!(
                t,
                "key_{:x} = value {} {} lorem ipsum dolor sit amet",
                a,
                b,
                a ^ b
            ),
        };
    }
}

impl Read for Pages {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        if self.pos == PAGE {
            self.next_page();
        }
        let n = buf
            .len()
            .min(PAGE - self.pos)
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&self.page[self.pos..self.pos + n]);
        self.pos += n;
        self.left -= n as u64;
        Ok(n)
    }
}

fn header(name: &str, size: u64, mode: u32, kind: tar::EntryType) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_ustar();
    if kind.is_dir() {
        // Go's archive/tar (Podman) keeps the trailing slash of directories.
        let name = format!("{name}/");
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    } else {
        h.set_path(name)?;
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_username("root")?;
    h.set_groupname("root")?;
    h.set_mtime(MTIME);
    h.set_cksum();
    Ok(h)
}

fn file<W: Write>(b: &mut tar::Builder<W>, name: &str, data: &[u8]) -> io::Result<()> {
    let h = header(name, data.len() as u64, 0o600, tar::EntryType::Regular)?;
    b.append(&h, data)
}

fn config_dump() -> String {
    format!(
        r#"{{
  "id": "{ID}",
  "name": "{NAME}",
  "rootfsImage": "{IMAGE}",
  "rootfsImageName": "{IMAGE}",
  "runtime": "runc",
  "createdTime": "2026-11-28T17:35:12.345678901Z"
}}
"#
    )
}

fn spec_dump() -> &'static str {
    r#"{
  "ociVersion": "1.0.2-dev",
  "process": {
    "user": {"uid": 0, "gid": 0},
    "args": ["/usr/bin/synth", "--serve"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "container=podman"],
    "cwd": "/"
  },
  "root": {"path": "/var/lib/containers/storage/overlay/0123/merged"},
  "hostname": "synth",
  "annotations": {"io.container.manager": "libpod"}
}
"#
}

fn network_status() -> String {
    format!(
        r#"{{"podman":{{"interfaces":{{"eth0":{{"subnets":[{{"ipnet":"{IP}/16","gateway":"10.88.0.1"}}],"mac_address":"{MAC}"}}}}}}}}"#
    )
}

/// A small tar standing for the container's file system changes.
fn rootfs_diff(rng: &mut XorShift) -> io::Result<Vec<u8>> {
    let mut b = tar::Builder::new(Vec::new());
    file(&mut b, "etc/hostname", b"synth\n")?;
    let mut log = String::new();
    for i in 0..40 {
        let _ = writeln!(log, "line {i}: {:016x}", rng.next());
    }
    file(&mut b, "var/log/synth.log", log.as_bytes())?;
    file(&mut b, "tmp/blob.bin", &rng.bytes(1500))?;
    b.into_inner()
}

/// Writes a synthetic checkpoint tar whose `checkpoint/pages-1.img` has
/// `pages_size` bytes, streaming, and gives the writer back. The tar is a
/// little over `pages_size` + 8 KiB.
pub fn write_checkpoint_tar<W: Write>(w: W, pages_size: u64) -> io::Result<W> {
    let mut rng = XorShift(SEED);
    let mut b = tar::Builder::new(w);
    file(&mut b, "config.dump", config_dump().as_bytes())?;
    file(&mut b, "spec.dump", spec_dump().as_bytes())?;
    file(&mut b, "network.status", network_status().as_bytes())?;
    file(&mut b, "stats-dump", &rng.bytes(46))?;
    b.append(
        &header("checkpoint", 0, 0o700, tar::EntryType::Directory)?,
        io::empty(),
    )?;
    for (name, size) in [
        ("checkpoint/inventory.img", 86),
        ("checkpoint/core-1.img", 2434),
        ("checkpoint/mm-1.img", 539),
        ("checkpoint/pagemap-1.img", 126),
        ("checkpoint/pstree.img", 22),
        ("checkpoint/files.img", 276),
    ] {
        file(&mut b, name, &rng.bytes(size))?;
    }
    let pages = header(
        "checkpoint/pages-1.img",
        pages_size,
        0o644,
        tar::EntryType::Regular,
    )?;
    let seed = rng.next() | 1;
    b.append(&pages, Pages::new(XorShift(seed), pages_size))?;
    let diff = rootfs_diff(&mut rng)?;
    file(&mut b, "rootfs-diff.tar", &diff)?;
    b.into_inner()
}

/// Writes a synthetic checkpoint archive, compressed as asked, streaming,
/// and gives the writer back (compressed streams finished).
pub fn write_checkpoint<W: Write>(w: W, pages_size: u64, compress: Compress) -> io::Result<W> {
    match compress {
        Compress::None => write_checkpoint_tar(w, pages_size),
        Compress::Gzip => {
            let e = flate2::write::GzEncoder::new(w, flate2::Compression::new(6));
            write_checkpoint_tar(e, pages_size)?.finish()
        }
        Compress::Zstd => {
            let mut e = zstd::stream::write::Encoder::new(w, 3)?;
            e.include_checksum(true)?;
            write_checkpoint_tar(e, pages_size)?.finish()
        }
    }
}

/// The synthetic checkpoint tar in memory; see [`write_checkpoint_tar`].
pub fn checkpoint_tar(pages_size: u64) -> Vec<u8> {
    write_checkpoint_tar(Vec::new(), pages_size).expect("writing to a Vec cannot fail")
}

/// gzip (level 6) of `tar`.
pub fn gzip(tar: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(tar).expect("writing to a Vec cannot fail");
    e.finish().expect("writing to a Vec cannot fail")
}

/// zstd (level 3, with a content checksum) of `tar`.
pub fn zstd(tar: &[u8]) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("zstd encoder");
    e.include_checksum(true).expect("zstd parameter");
    e.write_all(tar).expect("writing to a Vec cannot fail");
    e.finish().expect("writing to a Vec cannot fail")
}
