//! Archives built in code for the tests: tar layouts (prefixes, long names,
//! PAX headers), compressions (multi-member gzip, multi-frame zstd) and a
//! reader that returns short reads.

#![allow(dead_code)]

pub mod images;
pub mod lz4;
pub mod pods;
pub mod rawtar;

use std::io::{self, Read, Write};

use tar::{EntryType, Header};

/// One tar member.
#[derive(Clone, Debug)]
pub enum Item {
    File(String, Vec<u8>),
    Dir(String),
    Symlink(String, String),
    /// A PAX global header ('g') with these records.
    PaxGlobal(Vec<(String, String)>),
}

pub fn file(name: &str, data: impl Into<Vec<u8>>) -> Item {
    Item::File(name.to_owned(), data.into())
}

pub fn dir(name: &str) -> Item {
    Item::Dir(name.to_owned())
}

/// How the tar is written.
#[derive(Clone, Debug, Default)]
pub struct Style {
    /// Prefix every name with `./` (GNU tar run as `tar cf x.tar .`).
    pub dot_prefix: bool,
    /// GNU headers (`ustar  \0`) instead of POSIX ustar.
    pub gnu: bool,
    /// Long names as GNU 'L' members (needs `gnu`); else PAX 'x' members.
    pub gnu_long_names: bool,
    /// Put every name in a PAX 'x' member, not only the long ones.
    pub pax_every_name: bool,
    /// Leave out the two zero blocks at the end.
    pub no_end_marker: bool,
}

/// `config.dump` as Podman writes its fields.
pub fn config_dump(name: &str, id: &str) -> Vec<u8> {
    format!(
        r#"{{"id": "{id}", "name": "{name}", "rootfsImageName": "localhost/test:latest",
            "runtime": "crun", "createdTime": "2025-01-02T03:04:05.123Z",
            "checkpointedTime": "2025-01-02T04:05:06+05:30", "lockID": 3}}"#
    )
    .into_bytes()
}

pub const PODMAN_SPEC: &str = r#"{"ociVersion": "1.0.2-dev", "hostname": "h",
    "annotations": {"io.container.manager": "libpod", "org.opencontainers.image.stopSignal": "15"}}"#;

pub const NETWORK_STATUS: &str = r#"{"podman": {"interfaces": {"eth0": {"subnets":
    [{"ipnet": "10.88.0.9/16", "gateway": "10.88.0.1"}], "mac_address": "f2:99:8d:fb:5a:57"}}}}"#;

pub const ID: &str = "d5eee7931a29b2d6bf51469e3ab7284bb22a9e6dad073277e30e2a29256efc84";

/// A small Podman-shaped checkpoint: pages 8192 B, other images 100 B,
/// rootfs-diff.tar 1024 B.
pub fn podman_items() -> Vec<Item> {
    vec![
        dir("artifacts/"),
        file("config.dump", config_dump("test-ctr", ID)),
        file("spec.dump", PODMAN_SPEC),
        file("network.status", NETWORK_STATUS),
        dir("checkpoint/"),
        file("checkpoint/core-1.img", vec![7u8; 100]),
        file("checkpoint/pages-1.img", pattern(8192)),
        file("rootfs-diff.tar", vec![0u8; 1024]),
        file("deleted.files", "[\n  \"/etc/gone\"\n]"),
    ]
}

/// Sum of the checkpoint/ files of [`podman_items`].
pub const PODMAN_CHECKPOINT_SIZE: u64 = 100 + 8192;

/// Bytes that differ from one offset to the next.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn raw_header(name: &[u8], size: u64, kind: EntryType, gnu: bool) -> Header {
    let mut h = if gnu {
        Header::new_gnu()
    } else {
        Header::new_ustar()
    };
    let n = name.len().min(100);
    h.as_old_mut().name[..n].copy_from_slice(&name[..n]);
    h.set_size(size);
    h.set_mode(if kind == EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_entry_type(kind);
    h.set_mtime(1_764_351_000);
    h.set_cksum();
    h
}

fn pax_records(records: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in records {
        // "<len> <key>=<value>\n", where len counts itself.
        let body = format!(" {k}={v}\n");
        let mut len = body.len() + 1;
        while format!("{len}{body}").len() != len {
            len += 1;
        }
        out.extend_from_slice(format!("{len}{body}").as_bytes());
    }
    out
}

fn append(out: &mut Vec<u8>, header: &Header, data: &[u8]) {
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    let pad = (512 - data.len() % 512) % 512;
    out.extend(std::iter::repeat_n(0u8, pad));
}

/// Writes the items as a tar, byte by byte as `style` says.
pub fn tar(items: &[Item], style: &Style) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        let (name, data, kind, link) = match item {
            Item::File(n, d) => (n.clone(), d.as_slice(), EntryType::Regular, None),
            Item::Dir(n) => (n.clone(), &[][..], EntryType::Directory, None),
            Item::Symlink(n, t) => (n.clone(), &[][..], EntryType::Symlink, Some(t.clone())),
            Item::PaxGlobal(records) => {
                let records: Vec<(&str, &str)> = records
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let body = pax_records(&records);
                let h = raw_header(
                    b"pax_global_header",
                    body.len() as u64,
                    EntryType::XGlobalHeader,
                    false,
                );
                append(&mut out, &h, &body);
                continue;
            }
        };
        let name = if style.dot_prefix {
            format!("./{name}")
        } else {
            name
        };
        let long = name.len() > 100;
        if long && style.gnu_long_names {
            let mut body = name.clone().into_bytes();
            body.push(0);
            let h = raw_header(
                b"././@LongLink",
                body.len() as u64,
                EntryType::GNULongName,
                true,
            );
            append(&mut out, &h, &body);
        } else if long || style.pax_every_name {
            let body = pax_records(&[("path", &name)]);
            let h = raw_header(
                b"PaxHeaders/x",
                body.len() as u64,
                EntryType::XHeader,
                false,
            );
            append(&mut out, &h, &body);
        }
        let mut h = raw_header(name.as_bytes(), data.len() as u64, kind, style.gnu);
        if let Some(target) = link {
            h.set_link_name(&target).unwrap();
            h.set_cksum();
        }
        append(&mut out, &h, data);
    }
    if !style.no_end_marker {
        out.extend(std::iter::repeat_n(0u8, 1024));
    }
    out
}

/// A tar of `items` in the default (Podman: ustar, no prefix) style.
pub fn plain(items: &[Item]) -> Vec<u8> {
    tar(items, &Style::default())
}

/// A tar member whose header declares `size` bytes, followed by only
/// `actual` bytes of data and nothing else.
pub fn lying_member(name: &str, size: u64, actual: usize) -> Vec<u8> {
    let h = raw_header(name.as_bytes(), size, EntryType::Regular, false);
    let mut out = h.as_bytes().to_vec();
    out.extend(std::iter::repeat_n(b'x', actual));
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `parts` gzip members, concatenated (what `cat a.gz b.gz` gives).
pub fn gzip_members(data: &[u8], parts: usize) -> Vec<u8> {
    let chunk = data.len().div_ceil(parts);
    data.chunks(chunk).flat_map(gzip).collect()
}

/// zstd with a content checksum, as Podman writes it.
pub fn zstd(data: &[u8]) -> Vec<u8> {
    let mut e = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    e.include_checksum(true).unwrap();
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `parts` zstd frames, concatenated.
pub fn zstd_frames(data: &[u8], parts: usize) -> Vec<u8> {
    let chunk = data.len().div_ceil(parts);
    data.chunks(chunk).flat_map(zstd).collect()
}

/// A reader that returns at most a few bytes per call, chosen by a seeded
/// generator: catches code that assumes `read` fills the buffer.
pub struct ShortReads<R> {
    inner: R,
    state: u64,
    max: usize,
}

impl<R> ShortReads<R> {
    pub fn new(inner: R, seed: u64, max: usize) -> ShortReads<R> {
        ShortReads {
            inner,
            state: seed | 1,
            max,
        }
    }
}

impl<R: Read> Read for ShortReads<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let n = 1 + (self.state % self.max as u64) as usize;
        let n = n.min(buf.len());
        self.inner.read(&mut buf[..n])
    }
}

/// A seekable reader that counts the bytes actually read from it.
pub struct CountingSeek<R> {
    pub inner: R,
    pub read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for CountingSeek<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: io::Seek> io::Seek for CountingSeek<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Path of a fixture in tests/fixtures.
pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The real mem48 archive (Podman, zstd, 48 MiB of process memory) as its
/// uncompressed tar, rebuilt: `mem48.zeroed.tar.zst` is that tar with the
/// pseudo-random third of `pages-1.img` zeroed (it does not compress); the
/// workload's xorshift64 (`ckptwork mem`, seed 0x9e3779b97f4a7c15) writes
/// it back, and the SHA-256 proves the result is the original tar.
pub fn mem48_tar() -> Vec<u8> {
    use sha2::Digest;
    const RANDOM_AT: usize = 76_800 + 16_826_368;
    const RANDOM_LEN: usize = 16 << 20;
    let file = std::fs::File::open(fixture("mem48.zeroed.tar.zst")).unwrap();
    let mut tar = Vec::with_capacity(50_500_096);
    zstd::stream::read::Decoder::new(file)
        .unwrap()
        .read_to_end(&mut tar)
        .unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for chunk in tar[RANDOM_AT..RANDOM_AT + RANDOM_LEN].chunks_exact_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    let digest = sha2::Sha256::digest(&tar);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex, "f64417c100d4debbedb48069e4fe970ca894e06a993a16d097eb1d3f5cbd0648",
        "mem48 rebuilt wrong"
    );
    tar
}

/// A file of tests/fixtures/crit.tar.zst (crit's output, one directory per
/// dump), e.g. `test-imgs-diff-a/pagemap-1.img.json`.
pub fn crit_file(name: &str) -> String {
    let file = std::fs::File::open(fixture("crit.tar.zst")).unwrap();
    let mut tar = tar::Archive::new(zstd::stream::read::Decoder::new(file).unwrap());
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_string_lossy() == name {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            return text;
        }
    }
    panic!("{name} is not in crit.tar.zst");
}

/// Runs the `ckpt` binary from the package's directory, which must
/// succeed; its stdout.
pub fn ckpt_stdout(args: &[&str]) -> String {
    let (out, err, code) = run_ckpt(args);
    assert_eq!(code, 0, "ckpt {args:?}: {err}");
    out
}

/// Runs the `ckpt` binary from the package's directory: stdout, stderr
/// and exit status.
pub fn run_ckpt(args: &[&str]) -> (String, String, i32) {
    let out = assert_cmd::Command::cargo_bin("ckpt")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// Runs `f` on every job, spread over the cores (the jobs are independent
/// runs of the binary); a panic in any fails the caller. How many ran.
pub fn for_each_on_all_cores<T: Sync>(jobs: &[T], f: impl Fn(&T) + Sync) -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    f(job);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    done.into_inner()
}
