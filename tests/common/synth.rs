//! Synthetic, Podman-shaped checkpoint archives for benchmarks and tests.
//!
//! [`write_checkpoint_tar`] writes, deterministically, the tar that
//! `podman container checkpoint --export` would write for a small container
//! running one process (pid 1, `synth`) whose memory pages
//! (`checkpoint/pages-1.img`) have the requested size:
//!
//! ```text
//! config.dump                JSON: id, name, rootfsImageName, runtime "runc", createdTime
//! spec.dump                  JSON: annotations {"io.container.manager": "libpod"}
//! network.status             Podman's shape, eth0 10.88.0.9/16, aa:bb:cc:dd:ee:ff
//! stats-dump                 CRIU dump statistics (a STATS service image)
//! checkpoint/                directory
//! checkpoint/core-1.img      task core: comm "synth", alive
//! checkpoint/fdinfo-2.img    descriptors 0-4 of files table 2
//! checkpoint/files.img       the regular files they open, the exe, cwd and root
//! checkpoint/fs-1.img        cwd and root
//! checkpoint/ids-1.img       kernel object ids (files_id 2)
//! checkpoint/inventory.img   image version 2, fdinfo per id
//! checkpoint/mm-1.img        VMAs (code, data, anonymous heap, stack) and
//!                            the argv/env addresses at the top of the stack
//! checkpoint/pagemap-1.img   pages_id 1, PE_PRESENT runs of 256 pages
//! checkpoint/pages-1.img     `pages_size` bytes: 4 KiB pages, about a third
//!                            each of text lines, zero pages and random bytes;
//!                            its last bytes are argv and env ([`ARGS`], [`env`])
//! checkpoint/pstree.img      pid 1, ppid 0
//! rootfs-diff.tar            a small tar of a few KiB
//! ```
//!
//! The CRIU images are encoded with `ckpt`'s own prost structs and framed as
//! CRIU frames them (`IMG_COMMON_MAGIC`, the image magic, then a `u32`
//! length and the protobuf bytes per record; `inventory.img` with its magic
//! alone; `stats-dump` with `IMG_SERVICE_MAGIC`), so `ckpt inspect --all`
//! finds the process, its command line, environment and open files without a
//! warning. The images come in the alphabetical order Podman's tar has, so
//! `mm` and `pagemap` come before the pages and `pstree` after them.
//!
//! The memory: the pagemap lists, in address order, the anonymous heap as
//! runs of 256 present pages each followed by a page that is not dumped, then
//! the top 8 pages of the stack. The pages file holds them in that order, so
//! argv and env, at the top of the stack as the kernel puts them, are the
//! last bytes of `pages-1.img`; they are a little over 4 KiB, so they span
//! its last two pages. A reader that wants them has to go through (or seek
//! past) the whole pages file.
//!
//! `pages-1.img` comes after the metadata and `rootfs-diff.tar` after it, so
//! a reader that wants every size has to go past the pages. Everything comes
//! from one xorshift64 generator with a fixed seed, and every header has the
//! same mtime, so the same `pages_size` always gives the same bytes.
//! `pages_size` must be a whole number of 4 KiB pages, at least 8 of them.
//!
//! The writers stream: the pages are generated a page at a time, so a
//! multi-GiB archive needs no more memory than one page (and a pagemap of
//! 4096 entries per 4 GiB). [`checkpoint_tar`], [`gzip`] and [`zstd`] are
//! the in-memory conveniences.
//!
//! Include it with `#[path = "../tests/common/synth.rs"] mod synth;`.

// Each including crate uses a different subset.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{self, Read, Write};

use ckpt::criu::magic::{self, IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC};
use ckpt::criu::proto::{
    CoreEntry, DumpStatsEntry, FdinfoEntry, FileEntry, FownEntry, FsEntry, InventoryEntry,
    MAP_ANON, MAP_PRIVATE, MmEntry, PE_PRESENT, PagemapEntry, PagemapHead, PluginsEntry,
    PstreeEntry, RegFileEntry, StatsEntry, TASK_ALIVE, TaskCoreEntry, TaskKobjIdsEntry,
    ThreadCoreEntry, VMA_ANON_PRIVATE, VMA_AREA_REGULAR, VMA_AREA_STACK, VMA_FILE_PRIVATE,
    VmaEntry,
};
use prost::Message;

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

/// Pid of the one process (`pstree.img`, `core-1.img`, …).
pub const PID: u32 = 1;
/// Its command name (`comm` in `core-1.img`).
pub const COMM: &str = "synth";
/// Its command line, in its memory (`mm_arg_start..mm_arg_end`).
pub const ARGS: &[&str] = &[
    "/usr/bin/synth",
    "--serve",
    "--listen=0.0.0.0:8080",
    "--config=/etc/synth/config.toml",
];
/// Its executable (`files.img` id 1, `AT_EXECFN` on the stack).
pub const EXE: &str = "/usr/bin/synth";
/// Its open descriptors, as `ckpt inspect` lists them: (fd, path,
/// position).
pub const FDS: &[(u32, &str, u64)] = &[
    (0, "/dev/null", 0),
    (1, "/var/log/synth.log", 181_337),
    (2, "/var/log/synth.log", 181_337),
    (3, "/etc/synth/config.toml", 512),
    (4, "/var/lib/synth/data.db", 8192),
];
/// Its working directory.
pub const CWD: &str = "/var/lib/synth";
/// Its root directory.
pub const ROOT: &str = "/";

/// Its environment, in memory order (`mm_env_start..mm_env_end`): a few
/// usual variables and a long `SYNTH_PEERS`, so that argv and env together
/// take a little over 4 KiB, as a real environment easily does, and cross a
/// page boundary.
pub fn env() -> Vec<String> {
    let mut peers = String::from("SYNTH_PEERS=");
    for i in 0..240 {
        if i > 0 {
            peers.push(',');
        }
        let _ = write!(peers, "10.88.{}.{}:8080", 1 + i / 200, i % 200);
    }
    [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME=synth",
        "TERM=xterm",
        "container=podman",
        "HOME=/root",
        "LANG=C.UTF-8",
        "SYNTH_MODE=benchmark",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([peers])
    .collect()
}

const PAGE: usize = 4096;
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
/// Words of the generator that earlier versions of this file spent on
/// random bytes standing for `stats-dump` and the CRIU images. They are
/// still drawn, so that `pages-1.img` (but for its last few KiB, now argv
/// and env) and `rootfs-diff.tar` keep the bytes the benchmarks in
/// BENCHMARKS.md were first measured with.
const LEGACY_DRAWS: usize = 444;
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
/// 4 KiB page at a time, whose last bytes are `tail`.
struct Pages {
    rng: XorShift,
    len: u64,
    left: u64,
    page: Vec<u8>,
    pos: usize,
    /// Offset in the file of the next page.
    next: u64,
    text: String,
    tail: Vec<u8>,
}

impl Pages {
    fn new(rng: XorShift, len: u64, tail: Vec<u8>) -> Pages {
        assert!(tail.len() as u64 <= len, "the tail does not fit");
        Pages {
            rng,
            len,
            left: len,
            page: vec![0; PAGE],
            pos: PAGE,
            next: 0,
            text: String::with_capacity(PAGE + 256),
            tail,
        }
    }

    /// Fills `self.page` with the next page: text, zeros or random bytes,
    /// then whatever part of the tail falls in it.
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
        let start = self.next;
        let end = start + PAGE as u64;
        let tail_start = self.len - self.tail.len() as u64;
        let (lo, hi) = (start.max(tail_start), end.min(self.len));
        if lo < hi {
            self.page[(lo - start) as usize..(hi - start) as usize].copy_from_slice(
                &self.tail[(lo - tail_start) as usize..(hi - tail_start) as usize],
            );
        }
        self.next = end;
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
    "args": ["/usr/bin/synth", "--serve", "--listen=0.0.0.0:8080", "--config=/etc/synth/config.toml"],
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

/// Pages at the top of the stack that are dumped.
const STACK_PAGES: u64 = 8;
/// Pages in a run of the heap's pagemap.
const RUN_PAGES: u64 = 256;
/// The smallest `pages_size` [`write_checkpoint_tar`] takes: the stack's
/// pages.
pub const MIN_PAGES_SIZE: u64 = STACK_PAGES * PAGE as u64;
/// Start of the anonymous mapping holding the heap's pages.
const HEAP_START: u64 = 0x7f3a_0000_0000;
/// End of the stack (exclusive), the highest address of the process.
const STACK_TOP: u64 = 0x7ffd_3780_5000;
/// Size of the stack mapping (the kernel's 132 KiB), of which only the top
/// [`STACK_PAGES`] are dumped.
const STACK_SIZE: u64 = 0x21000;
/// `MAP_GROWSDOWN`.
const MAP_GROWSDOWN: u32 = 0x100;
/// `PROT_READ`, `PROT_WRITE`, `PROT_EXEC`.
const PROT_R: u32 = 1;
const PROT_W: u32 = 2;
const PROT_X: u32 = 4;
/// `O_*` flags of `files.img`.
const O_WRONLY: u32 = 0o1;
const O_RDWR: u32 = 0o2;
const O_APPEND: u32 = 0o2000;
const O_LARGEFILE: u32 = 0o100000;
const O_DIRECTORY: u32 = 0o200000;
/// `FD_TYPES.REG`.
const FD_REG: i32 = 1;
/// `core_entry.march` X86_64.
const MARCH_X86_64: i32 = 1;

/// Where things are in the process's memory, for a pages file of a given
/// size.
struct Memory {
    /// Pages in `pages-1.img`.
    pages: u64,
    /// Of which in the heap (the rest are the stack's).
    heap_pages: u64,
    /// The top of the stack: argv, env, the executable's name and a null
    /// word, ending at [`STACK_TOP`]; the last bytes of `pages-1.img`.
    stack_top: Vec<u8>,
    arg_start: u64,
    arg_end: u64,
    env_start: u64,
    env_end: u64,
}

impl Memory {
    fn new(pages_size: u64) -> io::Result<Memory> {
        if !pages_size.is_multiple_of(PAGE as u64) || pages_size < MIN_PAGES_SIZE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "pages size {pages_size}: must be a multiple of {PAGE} and at least {MIN_PAGES_SIZE}"
                ),
            ));
        }
        let pages = pages_size / PAGE as u64;
        let mut args = Vec::new();
        for a in ARGS {
            args.extend_from_slice(a.as_bytes());
            args.push(0);
        }
        let mut env_bytes = Vec::new();
        for e in env() {
            env_bytes.extend_from_slice(e.as_bytes());
            env_bytes.push(0);
        }
        let mut stack_top = args.clone();
        stack_top.extend_from_slice(&env_bytes);
        stack_top.extend_from_slice(EXE.as_bytes());
        stack_top.extend_from_slice(&[0; 9]);
        assert!(stack_top.len() as u64 <= MIN_PAGES_SIZE);
        let arg_start = STACK_TOP - stack_top.len() as u64;
        let arg_end = arg_start + args.len() as u64;
        Ok(Memory {
            pages,
            heap_pages: pages - STACK_PAGES,
            arg_start,
            arg_end,
            env_start: arg_end,
            env_end: arg_end + env_bytes.len() as u64,
            stack_top,
        })
    }

    /// The pagemap: the heap in runs of [`RUN_PAGES`], each followed by a
    /// page not dumped, then the top of the stack.
    fn pagemap(&self) -> Vec<PagemapEntry> {
        let present = |vaddr, nr_pages| PagemapEntry {
            vaddr,
            compat_nr_pages: 0,
            in_parent: None,
            flags: Some(PE_PRESENT),
            nr_pages: Some(nr_pages),
        };
        let mut out = Vec::new();
        let mut done = 0;
        while done < self.heap_pages {
            let n = RUN_PAGES.min(self.heap_pages - done);
            let run = done / RUN_PAGES;
            out.push(present(HEAP_START + run * (RUN_PAGES + 1) * PAGE as u64, n));
            done += n;
        }
        out.push(present(STACK_TOP - MIN_PAGES_SIZE, STACK_PAGES));
        out
    }

    /// The memory areas: code and data of the executable, the anonymous
    /// mapping of the heap's runs, the stack.
    fn vmas(&self, pagemap: &[PagemapEntry]) -> Vec<VmaEntry> {
        let vma = |start, end, pgoff, shmid, prot, flags, status| VmaEntry {
            start,
            end,
            pgoff,
            shmid,
            prot,
            flags,
            status,
            fd: -1,
            madv: None,
            fdflags: Some(0),
        };
        let file = VMA_AREA_REGULAR | VMA_FILE_PRIVATE;
        let anon = VMA_AREA_REGULAR | VMA_ANON_PRIVATE;
        let mut out = vec![
            vma(
                0x40_0000,
                0x58_5000,
                0,
                1,
                PROT_R | PROT_X,
                MAP_PRIVATE,
                file,
            ),
            vma(
                0x5d_b000,
                0x5e_5000,
                0x1d_b000,
                1,
                PROT_R | PROT_W,
                MAP_PRIVATE,
                file,
            ),
        ];
        if self.heap_pages > 0 {
            // The runs before the stack's, and the page after the last.
            let heap = &pagemap[..pagemap.len() - 1];
            let last = &heap[heap.len() - 1];
            let end = last.vaddr + (last.pages() + 1) * PAGE as u64;
            out.push(vma(
                HEAP_START,
                end,
                0,
                0,
                PROT_R | PROT_W,
                MAP_PRIVATE | MAP_ANON,
                anon,
            ));
        }
        out.push(vma(
            STACK_TOP - STACK_SIZE,
            STACK_TOP,
            0,
            0,
            PROT_R | PROT_W,
            MAP_PRIVATE | MAP_ANON | MAP_GROWSDOWN,
            anon | VMA_AREA_STACK,
        ));
        out
    }

    fn mm(&self, pagemap: &[PagemapEntry]) -> MmEntry {
        let execfn = self.env_end;
        MmEntry {
            mm_start_code: 0x40_1000,
            mm_end_code: 0x58_4989,
            mm_start_data: 0x5d_b708,
            mm_end_data: 0x5e_4710,
            mm_start_stack: (self.arg_start - 0x1f80) & !0xf,
            mm_start_brk: 0x5e_5000,
            mm_brk: 0x5e_5000,
            mm_arg_start: self.arg_start,
            mm_arg_end: self.arg_end,
            mm_env_start: self.env_start,
            mm_env_end: self.env_end,
            exe_file_id: 1,
            // AT_SYSINFO_EHDR, AT_PAGESZ, AT_PHDR, AT_PHENT, AT_PHNUM,
            // AT_ENTRY, AT_RANDOM, AT_EXECFN, AT_NULL.
            mm_saved_auxv: vec![
                33,
                0x7fd1_f204_9000,
                6,
                PAGE as u64,
                3,
                0x40_0040,
                4,
                56,
                5,
                10,
                9,
                0x40_ec30,
                25,
                self.arg_start - 0x40,
                31,
                execfn,
                0,
                0,
            ],
            vmas: self.vmas(pagemap),
            dumpable: Some(1),
            aios: Vec::new(),
            thp_disabled: Some(false),
        }
    }
}

/// A CRIU image: the head magics CRIU writes for `magic` (crit's name for
/// it), then each record as a little-endian `u32` length and the protobuf
/// bytes.
fn image(magic: &str, records: &[Vec<u8>]) -> Vec<u8> {
    let value = magic::value(magic).expect("a CRIU image magic");
    let mut out = Vec::new();
    match magic {
        "INVENTORY" => {}
        "STATS" => out.extend_from_slice(&IMG_SERVICE_MAGIC.to_le_bytes()),
        _ => out.extend_from_slice(&IMG_COMMON_MAGIC.to_le_bytes()),
    }
    out.extend_from_slice(&value.to_le_bytes());
    for r in records {
        let len = u32::try_from(r.len()).expect("a record under 4 GiB");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(r);
    }
    out
}

fn reg_file(id: u32, name: &str, flags: u32, pos: u64, size: u64, mode: u32) -> FileEntry {
    FileEntry {
        r#type: FD_REG,
        id,
        reg: Some(RegFileEntry {
            id,
            flags,
            pos,
            fown: Some(FownEntry::default()),
            name: name.to_owned(),
            mnt_id: Some(if name.starts_with("/dev/") { 79 } else { 77 }),
            size: (mode & 0o170000 == 0o100000).then_some(size),
            mode: Some(mode),
            ..RegFileEntry::default()
        }),
        ..FileEntry::default()
    }
}

/// `stats-dump`, a service image.
fn stats_dump(memory: &Memory) -> Vec<u8> {
    let holes = memory.heap_pages.div_ceil(RUN_PAGES);
    let stats = StatsEntry {
        dump: Some(DumpStatsEntry {
            freezing_time: 406,
            frozen_time: 169_091,
            memdump_time: 3632,
            memwrite_time: 79,
            pages_scanned: memory.pages + holes,
            pages_skipped_parent: 0,
            pages_written: memory.pages,
            irmap_resolve: Some(0),
            pages_lazy: 0,
            page_pipes: Some(1),
            page_pipe_bufs: Some(holes + 1),
            shpages_scanned: Some(0),
            shpages_skipped_parent: Some(0),
            shpages_written: Some(0),
        }),
        restore: None,
    };
    image("STATS", &[stats.encode_to_vec()])
}

/// The images under `checkpoint/` but the pages, in name order.
fn criu_images(memory: &Memory) -> Vec<(&'static str, Vec<u8>)> {
    let core = CoreEntry {
        mtype: MARCH_X86_64,
        tc: Some(TaskCoreEntry {
            task_state: TASK_ALIVE,
            exit_code: 0,
            personality: 0,
            flags: 0x40_0100,
            blk_sigset: 0,
            comm: COMM.to_owned(),
            cg_set: Some(1),
            loginuid: Some(u32::MAX),
            oom_score_adj: Some(0),
            ..TaskCoreEntry::default()
        }),
        ids: None,
        thread_core: Some(ThreadCoreEntry {
            futex_rla: 0,
            futex_rla_len: 24,
            sched_nice: Some(0),
            sched_policy: Some(0),
            ..ThreadCoreEntry::default()
        }),
    };
    // fd 0-4: the files of `FDS`, fds 1 and 2 sharing one file.
    let fdinfo: Vec<Vec<u8>> = [(2, 0), (3, 1), (3, 2), (4, 3), (5, 4)]
        .into_iter()
        .map(|(id, fd)| {
            FdinfoEntry {
                id,
                flags: 0,
                r#type: FD_REG,
                fd,
                xattr_security_selinux: None,
            }
            .encode_to_vec()
        })
        .collect();
    let path = |fd: u32| FDS[fd as usize].1;
    let pos = |fd: u32| FDS[fd as usize].2;
    let files: Vec<Vec<u8>> = [
        reg_file(1, EXE, 0, 0, 1_982_256, 0o100755),
        reg_file(2, path(0), O_RDWR | O_LARGEFILE, pos(0), 0, 0o20666),
        reg_file(
            3,
            path(1),
            O_WRONLY | O_APPEND | O_LARGEFILE,
            pos(1),
            pos(1),
            0o100644,
        ),
        reg_file(4, path(3), O_LARGEFILE, pos(3), 2048, 0o100644),
        reg_file(5, path(4), O_RDWR | O_LARGEFILE, pos(4), 1 << 20, 0o100600),
        reg_file(6, CWD, O_LARGEFILE | O_DIRECTORY, 0, 0, 0o40755),
        reg_file(7, ROOT, O_LARGEFILE | O_DIRECTORY, 0, 0, 0o40755),
    ]
    .iter()
    .map(Message::encode_to_vec)
    .collect();
    let fs = FsEntry {
        cwd_id: 6,
        root_id: 7,
        umask: Some(0o22),
    };
    let ids = TaskKobjIdsEntry {
        vm_id: 2,
        files_id: 2,
        fs_id: 2,
        sighand_id: 2,
        pid_ns_id: Some(9),
        net_ns_id: Some(10),
        ipc_ns_id: Some(11),
        uts_ns_id: Some(12),
        mnt_ns_id: Some(13),
        user_ns_id: Some(7),
        cgroup_ns_id: Some(8),
        time_ns_id: Some(5),
    };
    let inventory = InventoryEntry {
        img_version: 2,
        fdinfo_per_id: Some(true),
        root_ids: Some(TaskKobjIdsEntry {
            vm_id: 1,
            files_id: 1,
            fs_id: 1,
            sighand_id: 1,
            pid_ns_id: Some(1),
            net_ns_id: Some(2),
            ipc_ns_id: Some(3),
            uts_ns_id: Some(4),
            mnt_ns_id: Some(6),
            user_ns_id: Some(7),
            cgroup_ns_id: Some(8),
            time_ns_id: Some(5),
        }),
        ns_per_id: Some(true),
        root_cg_set: Some(1),
        lsmtype: Some(0),
        network_lock_method: Some(0),
        plugins_entry: Some(PluginsEntry::default()),
        dump_criu_run_id: Some("5f1c8e4b-9a2d-4c3e-8f0a-1b2c3d4e5f60".to_owned()),
        ..InventoryEntry::default()
    };
    let pagemap = memory.pagemap();
    let mut pagemap_records = vec![PagemapHead { pages_id: 1 }.encode_to_vec()];
    pagemap_records.extend(pagemap.iter().map(Message::encode_to_vec));
    let pstree = PstreeEntry {
        pid: PID,
        ppid: 0,
        pgid: PID,
        sid: PID,
        threads: vec![PID],
    };
    vec![
        (
            "checkpoint/core-1.img",
            image("CORE", &[core.encode_to_vec()]),
        ),
        ("checkpoint/fdinfo-2.img", image("FDINFO", &fdinfo)),
        ("checkpoint/files.img", image("FILES", &files)),
        ("checkpoint/fs-1.img", image("FS", &[fs.encode_to_vec()])),
        ("checkpoint/ids-1.img", image("IDS", &[ids.encode_to_vec()])),
        (
            "checkpoint/inventory.img",
            image("INVENTORY", &[inventory.encode_to_vec()]),
        ),
        (
            "checkpoint/mm-1.img",
            image("MM", &[memory.mm(&pagemap).encode_to_vec()]),
        ),
        (
            "checkpoint/pagemap-1.img",
            image("PAGEMAP", &pagemap_records),
        ),
        (
            "checkpoint/pstree.img",
            image("PSTREE", &[pstree.encode_to_vec()]),
        ),
    ]
}

/// Writes a synthetic checkpoint tar whose `checkpoint/pages-1.img` has
/// `pages_size` bytes (a multiple of 4096, at least [`MIN_PAGES_SIZE`];
/// otherwise an [`io::ErrorKind::InvalidInput`] error before anything is
/// written), streaming, and gives the writer back. The tar is a little over
/// `pages_size` + 16 KiB.
pub fn write_checkpoint_tar<W: Write>(w: W, pages_size: u64) -> io::Result<W> {
    let memory = Memory::new(pages_size)?;
    let mut rng = XorShift(SEED);
    for _ in 0..LEGACY_DRAWS {
        rng.next();
    }
    let mut b = tar::Builder::new(w);
    file(&mut b, "config.dump", config_dump().as_bytes())?;
    file(&mut b, "spec.dump", spec_dump().as_bytes())?;
    file(&mut b, "network.status", network_status().as_bytes())?;
    file(&mut b, "stats-dump", &stats_dump(&memory))?;
    b.append(
        &header("checkpoint", 0, 0o700, tar::EntryType::Directory)?,
        io::empty(),
    )?;
    const PAGES: &str = "checkpoint/pages-1.img";
    let images = criu_images(&memory);
    let split = images.partition_point(|(name, _)| *name < PAGES);
    for (name, data) in &images[..split] {
        file(&mut b, name, data)?;
    }
    let pages = header(PAGES, pages_size, 0o644, tar::EntryType::Regular)?;
    let seed = rng.next() | 1;
    b.append(
        &pages,
        Pages::new(XorShift(seed), pages_size, memory.stack_top),
    )?;
    for (name, data) in &images[split..] {
        file(&mut b, name, data)?;
    }
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
