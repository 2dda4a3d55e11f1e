//! One reader for every source: each reading command, run on each fixture
//! as a file, as standard input and as an extracted checkpoint directory,
//! prints the same thing (the archive's name aside, and the compression and
//! stream sizes a directory does not have).
//!
//! The one difference allowed is the one a stream cannot avoid: where a
//! tar holds a pages image before the pagemap that says what is in it (GNU
//! tar's directory order, as in the piggie fixtures), a stream cannot go
//! back for it, so what needs process memory is said to be unavailable,
//! with a warning naming why, instead of guessed.

#![cfg(feature = "cli")]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::fixture;
use serde_json::Value;

const FIXTURES: &[&str] = &[
    "crio-counter.assembled.tar",
    "mem48.zeroed.tar.zst",
    "mini-sleep.gzip.tar.gz",
    "mini-sleep.none.tar",
    "mini-sleep.zstd.tar.zst",
    "multi-proc.none.tar",
    "piggie-diff-a.gnutar.tar.zst",
    "piggie-diff-b.gnutar.tar.zst",
    "piggie-imgs.gnutar.tar.zst",
    "threads-memfd.tar.zst",
    "threads-memfd.lz4-region.tar.zst",
    "mini-sleep.lz4-block.tar.zst",
];

/// The commands, `@` for the checkpoint argument and `%` in an argument
/// for the pid of the fixture's first process; `true` if they read process
/// memory.
const COMMANDS: &[(&[&str], bool)] = &[
    (&["show", "@"], false),
    (&["show", "--format", "json", "@"], false),
    (&["inspect", "@"], false),
    (
        &[
            "inspect",
            "--ps-tree",
            "--files",
            "--sockets",
            "--mounts",
            "@",
        ],
        false,
    ),
    (
        &["inspect", "--stats", "--metadata", "--format", "json", "@"],
        false,
    ),
    (&["inspect", "--all", "@"], true),
    (&["inspect", "--all", "--format", "json", "@"], true),
    (
        &["inspect", "--rootfs-diff", "--format", "json", "@"],
        false,
    ),
    (&["memparse", "@"], false),
    (&["memparse", "--pages", "--format", "json", "@"], false),
    (&["memparse", "-p", "%", "@"], true),
    (&["memparse", "--search", "PATH", "-c", "6", "@"], true),
    (
        &[
            "memparse",
            "--search-regex",
            "[A-Z_]{4,}=",
            "--format",
            "json",
            "@",
        ],
        true,
    ),
    (&["decode", "@"], false),
    (&["decode", "@", "pstree.img"], false),
    (&["decode", "@", "core-%.img"], false),
    (&["decode", "@", "mm-%.img"], false),
];

/// The archive bytes, decompressed.
fn tar_bytes(name: &str) -> Vec<u8> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    match name.rsplit('.').next() {
        Some("zst") => zstd::decode_all(&bytes[..]).unwrap(),
        Some("gz") => {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                .unwrap();
            out
        }
        _ => bytes,
    }
}

/// The fixture extracted into `dir`, as `tar x` would.
fn extract(name: &str, dir: &Path) -> PathBuf {
    let out = dir.join(name);
    std::fs::create_dir_all(&out).unwrap();
    tar::Archive::new(&tar_bytes(name)[..])
        .unpack(&out)
        .unwrap();
    out
}

/// Whether a pages image comes before the last pagemap in the tar (so,
/// for some process, before its own).
fn pages_before_pagemap(name: &str) -> bool {
    let bytes = tar_bytes(name);
    let mut archive = tar::Archive::new(&bytes[..]);
    let names: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect();
    let first_pages = names.iter().position(|n| n.contains("/pages-"));
    let last_pagemap = names.iter().rposition(|n| n.contains("/pagemap-"));
    matches!((first_pages, last_pagemap), (Some(a), Some(b)) if a < b)
}

/// stdout, stderr and status of `ckpt ARGS`, with `stdin` on standard
/// input, and `name` (the archive as the command names it) replaced.
fn run(args: &[&str], path: &str, stdin: Option<&[u8]>, name: &str) -> (String, String, i32) {
    let mut cmd = Command::cargo_bin("ckpt").unwrap();
    cmd.args(args.iter().map(|a| if *a == "@" { path } else { a }))
        .env_remove("COLUMNS");
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    let out = cmd.output().unwrap();
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(name, "ARCHIVE");
    (
        clean(&out.stdout),
        clean(&out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

/// JSON output without what only a tar has (its compression and sizes);
/// text as it is.
fn comparable(out: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<Value>(out) else {
        return out.to_owned();
    };
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["compression", "archive_size", "tar_size"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn every_command_reads_a_file_a_stream_and_a_directory_alike() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures: Vec<Fixture> = FIXTURES
        .iter()
        .map(|&name| {
            let file = fixture(name);
            Fixture {
                name,
                bytes: std::fs::read(&file).unwrap(),
                extracted: extract(name, dir.path()),
                file,
                stream_differs: pages_before_pagemap(name),
                pid: first_pid(name),
            }
        })
        .collect();
    // Every (fixture, command) pair is a job.
    let jobs: Vec<(usize, usize)> = (0..fixtures.len())
        .flat_map(|f| (0..COMMANDS.len()).map(move |c| (f, c)))
        .collect();
    let compared = common::for_each_on_all_cores(&jobs, |&(f, c)| {
        compare_sources(&fixtures[f], COMMANDS[c]);
    });
    assert_eq!(compared, FIXTURES.len() * COMMANDS.len());
}

/// A fixture as a file, its bytes (for standard input) and extracted.
struct Fixture {
    name: &'static str,
    file: PathBuf,
    bytes: Vec<u8>,
    extracted: PathBuf,
    /// Whether a stream meets some pages before their pagemap.
    stream_differs: bool,
    /// The pid of its first process.
    pid: u32,
}

fn first_pid(name: &str) -> u32 {
    let want = ckpt::Want {
        processes: true,
        ..ckpt::Want::none()
    };
    let c = ckpt::read_path(fixture(name), &ckpt::Options::new(want)).unwrap();
    let pid = c.processes().map(|p| p.pid()).min();
    pid.unwrap()
}

/// One command on one fixture as a file, an extracted directory and a
/// stream: the same output (or, for memory read from a stream whose
/// pages come first, that it is unavailable).
fn compare_sources(fixture: &Fixture, (args, memory): (&[&str], bool)) {
    let Fixture {
        name,
        file,
        bytes,
        extracted,
        stream_differs,
        pid,
    } = fixture;
    let pid = pid.to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace('%', &pid)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let args = &args[..];
    let (file_arg, dir_arg) = (file.to_str().unwrap(), extracted.to_str().unwrap());
    let what = format!("{name}: ckpt {}", args.join(" "));
    let from_file = run(args, file_arg, None, file_arg);
    let from_dir = run(args, dir_arg, None, dir_arg);
    let from_stdin = run(args, "-", Some(bytes), "<stdin>");
    assert_eq!(from_file.2, 0, "{what}: {}", from_file.1);
    assert_eq!(
        (comparable(&from_dir.0), &from_dir.1, from_dir.2),
        (comparable(&from_file.0), &from_file.1, from_file.2),
        "{what}: a directory"
    );
    if memory && *stream_differs {
        // Said, not guessed.
        assert!(
            from_stdin.1.contains("came before its pagemap"),
            "{what}: standard input: {}",
            from_stdin.1
        );
    } else {
        assert_eq!(from_stdin, from_file, "{what}: standard input");
    }
}

#[test]
fn diff_reads_a_file_a_stream_and_a_directory_alike() {
    let dir = tempfile::tempdir().unwrap();
    for (a, b, flags) in [
        (
            "mini-sleep.none.tar",
            "mini-sleep.gzip.tar.gz",
            &[
                "--memory",
                "--ps-tree-cmd",
                "--ps-tree-env",
                "--files",
                "--sockets",
            ][..],
        ),
        (
            "piggie-diff-a.gnutar.tar.zst",
            "piggie-diff-b.gnutar.tar.zst",
            &["--files", "--sockets", "--format", "json"][..],
        ),
    ] {
        let (fa, fb) = (fixture(a), fixture(b));
        let (da, db) = (extract(a, dir.path()), extract(b, dir.path()));
        let what = format!("diff {flags:?} {a} {b}");
        let diff = |x: &Path, y: &Path, stdin: Option<Vec<u8>>| {
            let mut cmd = Command::cargo_bin("ckpt").unwrap();
            cmd.arg("diff").args(flags).arg(x).arg(y);
            if let Some(bytes) = stdin {
                cmd.write_stdin(bytes);
            }
            let out = cmd.output().unwrap();
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            for (path, label) in [(x, "A"), (y, "B")] {
                let path = path.to_str().unwrap();
                let path = if path == "-" { "<stdin>" } else { path };
                text = text.replace(path, label);
            }
            assert!(out.status.success(), "{what}: {out:?}");
            comparable(&text)
        };
        let files = diff(&fa, &fb, None);
        assert_eq!(diff(&da, &db, None), files, "{what}: directories");
        let a_bytes = std::fs::read(&fa).unwrap();
        assert_eq!(
            diff(Path::new("-"), &fb, Some(a_bytes)),
            files,
            "{what}: A on standard input"
        );
    }
}
