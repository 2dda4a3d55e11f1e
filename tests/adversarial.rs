//! Hostile archives, built in code, through every reading command, `build`
//! and `list`, each run under a 2 GiB address-space limit (`prlimit --as`)
//! and a 30 s timeout. Each run must end with exit status 0 or 1 (never a
//! signal, a timeout or a panic), print no raw control or Unicode format
//! character, and, where the archive lies, show what Go's `archive/tar`
//! and the runtime's extraction would restore, or warn.
//!
//! The classes: tar parser differentials (repeated PAX keys, GNU/PAX names,
//! names that clean onto others, a zero block before more headers),
//! extension headers declaring gigabytes, decoded-size amplification
//! (empty protobuf records by the million, thousands of per-process
//! images, a large spec.dump), a sparse pages image declaring petabytes,
//! floods of warnings, terminal tricks in names, truncation, pod
//! checkpoints nested, truncated or listing what they lack, and an
//! extracted directory holding a FIFO and links out of it.

#![cfg(all(feature = "cli", target_os = "linux"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ckpt::criu::proto::*;
use common::images::{archive, core, image, mm, pagemap, pstree};
use common::rawtar::{Hdr, Magic, RawTar, base256, octal};
use common::*;
use prost::Message;

/// Address space a run may use.
const ADDRESS_SPACE: u64 = 2 << 30;
/// Seconds a run may take.
const TIMEOUT: &str = "30";

/// An archive written as [`RawTar`], from items, with `special` writing
/// some of them its own way.
fn raw(items: &[Item], mut special: impl FnMut(&str, &[u8], &mut RawTar) -> bool) -> RawTar {
    let mut t = RawTar::new();
    for item in items {
        match item {
            Item::File(name, data) => {
                if !special(name, data, &mut t) {
                    t.file(name, data);
                }
            }
            Item::Dir(name) => {
                t.member(&Hdr::new(name, b'5', 0), &[]);
            }
            Item::Symlink(name, target) => {
                let mut h = Hdr::new(name, b'2', 0);
                h.linkname = target.as_bytes().to_vec();
                t.member(&h, &[]);
            }
            Item::PaxGlobal(_) => {}
        }
    }
    t
}

fn zst(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

/// What a case must show, besides surviving.
#[derive(Default)]
struct Expect {
    /// `show` exits with this status.
    show_status: i32,
    /// `show`'s standard output contains this.
    show_out: Option<&'static str>,
    /// `show`'s standard error contains this.
    show_err: Option<&'static str>,
}

struct Case {
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    let items = podman_items();
    let mut out = Vec::new();

    // Go takes the last of a repeated PAX key: this entry is config.dump
    // to the runtime.
    let mut t = raw(&items, |name, data, t| {
        if name != "config.dump" {
            return false;
        }
        t.pax(&[("path", b"harmless.txt"), ("path", b"config.dump")])
            .file("ignored", data);
        true
    });
    out.push(Case {
        name: "pax-repeated-path",
        file: "a.tar",
        bytes: t.end().build(),
        expect: Expect {
            show_out: Some("test-ctr"),
            show_err: Some("PAX key `path` is repeated"),
            ..Expect::default()
        },
    });

    // A second config.dump, spelled so that it cleans onto the first: the
    // runtime's extraction keeps the last.
    let mut dup = items.clone();
    dup.push(file(
        "checkpoint/../config.dump",
        config_dump("the-last", ID),
    ));
    out.push(Case {
        name: "config-dump-twice",
        file: "a.tar",
        bytes: raw(&dup, |_, _, _| false).end().build(),
        expect: Expect {
            show_out: Some("the-last"),
            show_err: Some("appears more than once (here as `checkpoint/../config.dump`)"),
            ..Expect::default()
        },
    });

    // Extension headers declaring 3 GiB: refused as Go refuses them.
    for (name, flag) in [("pax-3gib", b'x'), ("gnu-long-name-3gib", b'L')] {
        let mut t = raw(&items, |_, _, _| false);
        let mut h = Hdr::new("././@LongLink", flag, 0);
        h.magic = Magic::Gnu;
        h.size(3 << 30);
        t.member(&h, b"path=x\n");
        out.push(Case {
            name,
            file: "a.tar",
            bytes: t.build(),
            expect: Expect {
                show_status: 1,
                show_err: Some("more than the 1048576 Go's archive/tar reads"),
                ..Expect::default()
            },
        });
    }

    // A zero block, then more headers: Go fails there.
    let mut t = raw(&items, |_, _, _| false);
    t.bytes.extend_from_slice(&[0u8; 512]);
    t.file("config.dump", &config_dump("after-zero", ID)).end();
    out.push(Case {
        name: "zero-block-then-header",
        file: "a.tar",
        bytes: t.build(),
        expect: Expect {
            show_status: 1,
            show_err: Some("a zero block is followed by a header"),
            ..Expect::default()
        },
    });

    // Four million empty sigactions: 8 MB of image, gigabytes decoded.
    let sigactions = CoreEntry {
        mtype: 1,
        tc: Some(TaskCoreEntry {
            comm: "x".into(),
            sigactions: vec![SaEntry::default(); 4 << 20],
            ..Default::default()
        }),
        ..Default::default()
    };
    out.push(Case {
        name: "empty-records-by-the-million",
        file: "a.tar.zst",
        bytes: zst(&archive(vec![
            ("pstree.img", pstree(&[(1, 0)])),
            ("core-1.img", image("CORE", &[sigactions.encode_to_vec()])),
        ])),
        expect: Expect::default(),
    });

    // 30,000 per-process images for one process.
    let mut many = vec![("pstree.img".to_owned(), pstree(&[(1, 0)]))];
    for pid in 1..30_000u32 {
        many.push((format!("core-{pid}.img"), core("p")));
    }
    out.push(Case {
        name: "thirty-thousand-per-process-images",
        file: "a.tar.zst",
        bytes: zst(&archive(
            many.iter().map(|(n, b)| (n.as_str(), b.clone())).collect(),
        )),
        expect: Expect::default(),
    });

    // A 40 MB spec.dump: mostly what ckpt does not keep.
    let mut spec = String::from("{\"ociVersion\": \"1.0.2\", \"annotations\": {");
    for i in 0..60_000 {
        spec.push_str(&format!("\"k{i}\": \"v\","));
    }
    spec.push_str("\"io.container.manager\": \"libpod\"}, \"junk\": [");
    for _ in 0..4_000_000 {
        spec.push_str("{\"a\":[]},");
    }
    spec.push_str("{}]}");
    let mut big = items.clone();
    big.retain(|i| !matches!(i, Item::File(n, _) if n == "spec.dump"));
    big.push(file("spec.dump", spec));
    out.push(Case {
        name: "spec-dump-of-40-mb",
        file: "a.tar.zst",
        bytes: zst(&plain(&big)),
        expect: Expect {
            show_out: Some("test-ctr"),
            ..Expect::default()
        },
    });

    // A pages image that is an old GNU sparse file of a petabyte.
    let mut t = raw(&items, |name, _, t| {
        if name != "checkpoint/pages-1.img" {
            return false;
        }
        let mut h = Hdr::new(name, b'S', 4096);
        h.magic = Magic::Gnu;
        h.patches.push((483, base256(1 << 50).to_vec()));
        h.patches.push((386, octal(0, 12)));
        h.patches.push((398, octal(4096, 12)));
        t.member(&h, &[0x41; 4096]);
        true
    });
    let mut sparse_images = vec![
        ("pstree.img", pstree(&[(1, 0)])),
        ("core-1.img", core("sparse")),
        ("mm-1.img", mm((0x10000, 0x10010), (0x10010, 0x10010))),
        ("pagemap-1.img", pagemap(1, &[(0x10000, 1 << 30)])),
    ];
    for (name, bytes) in sparse_images.drain(..) {
        t.file(format!("checkpoint/{name}"), &bytes);
    }
    out.push(Case {
        name: "sparse-pages-of-a-petabyte",
        file: "a.tar",
        bytes: t.end().build(),
        expect: Expect {
            show_err: Some("an old GNU sparse file (type S) declaring 1125899906842624 bytes"),
            ..Expect::default()
        },
    });

    // 30,000 entries of one name: a warning flood, 300 times the cap.
    let mut t = raw(&items, |_, _, _| false);
    for _ in 0..30_000 {
        t.member(&Hdr::new("junk", b'0', 0), &[]);
    }
    out.push(Case {
        name: "thirty-thousand-duplicates",
        file: "a.tar.zst",
        bytes: zst(&t.end().build()),
        expect: Expect {
            show_err: Some("and 29899 more duplicate_entry warnings"),
            ..Expect::default()
        },
    });

    // Names that would reorder or hide text on a terminal.
    let mut tricks = items.clone();
    tricks.retain(
        |i| !matches!(i, Item::File(n, _) if n == "config.dump" || n.starts_with("checkpoint/")),
    );
    tricks.push(file(
        "config.dump",
        // The JSON escape decodes to ESC.
        config_dump("safe\u{202e}exe.txt\u{200b}\\u001b[2J", ID),
    ));
    tricks.push(file("checkpoint/pstree.img", pstree(&[(1, 0)])));
    tricks.push(file("checkpoint/core-1.img", core("ab\u{2066}cd")));
    tricks.push(file("\u{202e}gpj.exe", "x"));
    out.push(Case {
        name: "terminal-tricks",
        file: "a.tar",
        bytes: plain(&tricks),
        expect: Expect {
            show_out: Some("safe\\u{202e}exe.txt\\u{200b}\\u{1b}[2J"),
            ..Expect::default()
        },
    });

    // Cut inside the pages.
    let whole = plain(&items);
    out.push(Case {
        name: "truncated-in-the-pages",
        file: "a.tar",
        bytes: whole[..whole.len() - 3000].to_vec(),
        expect: Expect {
            show_status: 1,
            show_err: Some("truncated"),
            ..Expect::default()
        },
    });

    // A name that climbs out of the root.
    let mut escape = items.clone();
    escape.push(file("../../etc/config.dump", config_dump("outside", ID)));
    out.push(Case {
        name: "name-out-of-the-root",
        file: "a.tar",
        bytes: raw(&escape, |_, _, _| false).end().build(),
        expect: Expect {
            show_out: Some("test-ctr"),
            show_err: Some("leaves the archive root"),
            ..Expect::default()
        },
    });

    // Compressed pages (criu-dev): a petabyte entry in regions of 16 TiB;
    // a petabyte entry with the sizes of a few pages; an LZ4 block
    // declared with the next block's bytes, so it decodes past its page.
    let first = |e: &[PagemapEntry]| e.iter().position(|e| !e.field6.is_empty()).unwrap();
    let cases: [(&'static str, Vec<u8>); 3] = [
        (
            "lz4-petabyte-region",
            common::lz4::hostile(|e, _| {
                let i = first(e);
                e[i].nr_pages = Some(1 << 38);
                e[i].region_pages = Some(u32::MAX);
            }),
        ),
        (
            "lz4-petabyte-entry",
            common::lz4::hostile(|e, _| {
                let i = first(e);
                e[i].nr_pages = Some(1 << 38);
            }),
        ),
        (
            "lz4-block-past-its-page",
            common::lz4::hostile(|e, _| {
                let (i, j) = common::lz4::two_lz4(e);
                let mut s = common::lz4::sizes(&e[i]);
                s[j] += s[j + 1];
                s[j + 1] = 0;
                common::lz4::set_sizes(&mut e[i], &s);
            }),
        ),
    ];
    for (name, bytes) in cases {
        out.push(Case {
            name,
            file: "a.tar",
            bytes,
            expect: Expect {
                show_out: Some("mini-sleep"),
                ..Expect::default()
            },
        });
    }
    out.extend(pod_cases());
    out
}

/// Pod checkpoints that lie: nested 300 deep, a manifest listing 100,000
/// containers it lacks, a container archive cut short inside the pod, and
/// a container directory whose name climbs out of the root.
fn pod_cases() -> Vec<Case> {
    let both = common::pods::containers();
    let mut out = Vec::new();
    let mut deep = plain(&common::pods::crio_manifest_items(&both));
    for _ in 0..300 {
        deep = plain(&[
            file(
                "checkpoint-manifest.json",
                br#"{"runtime":"cri-o"}"#.to_vec(),
            ),
            file("containers/0.tar", deep),
        ]);
    }
    out.push(Case {
        name: "pod-nested-300-deep",
        file: "a.tar",
        bytes: deep,
        expect: Expect {
            show_status: 1,
            show_out: Some("Pod"),
            show_err: Some("holds no container checkpoint"),
        },
    });
    let mut many = common::pods::pod_options_items(&both);
    let listed: Vec<String> = (0..100_000)
        .map(|i| format!(r#"{{"name":"c{i}","id":"{i:064x}","archive":"containers/{i}.tar"}}"#))
        .collect();
    many.push(file(
        "checkpoint-manifest.json",
        format!(r#"{{"containers":[{}]}}"#, listed.join(",")),
    ));
    out.push(Case {
        name: "pod-listing-100000-it-lacks",
        file: "a.tar.zst",
        bytes: zst(&plain(&many)),
        expect: Expect {
            show_out: Some("sleeper"),
            ..Expect::default()
        },
    });
    let mut cut = common::pods::crio_manifest_items(&both);
    for item in &mut cut {
        if let Item::File(n, data) = item
            && n.ends_with(".tar")
        {
            data.truncate(data.len() / 2);
        }
    }
    out.push(Case {
        name: "pod-container-archives-cut-in-half",
        file: "a.tar",
        bytes: plain(&cut),
        expect: Expect {
            show_status: 1,
            show_out: Some("Pod counters"),
            show_err: Some("truncated"),
        },
    });
    let mut climb = common::pods::pod_options_items(&both);
    for item in &mut climb {
        if let Item::File(n, _) | Item::Dir(n) = item
            && n.starts_with(common::pods::SLEEPER_ID)
        {
            *n = format!("{}/../../{n}", common::pods::COUNTER_ID);
        }
    }
    out.push(Case {
        name: "pod-directory-out-of-the-root",
        file: "a.tar",
        bytes: plain(&climb),
        expect: Expect {
            show_out: Some("counter"),
            show_err: Some("leaves the archive root"),
            ..Expect::default()
        },
    });
    out
}

/// Runs `ckpt args` under the limits; its status, stdout and stderr.
fn run(args: &[String]) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_ckpt");
    let out = Command::new("prlimit")
        .arg(format!("--as={ADDRESS_SPACE}"))
        .arg("--")
        .args(["timeout", TIMEOUT, bin])
        .args(args)
        .output()
        .expect("prlimit and timeout (util-linux, coreutils) run ckpt");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        matches!(code, 0 | 1),
        "ckpt {args:?}: status {:?} (124 is the timeout, a signal is -1)\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "ckpt {args:?}: {stderr}");
    // `check` exits 1 on a failed line too, which is no error.
    if code == 1 && args.first().map(String::as_str) != Some("check") {
        // `list` says it as checkpointctl does.
        assert!(
            stderr.contains("Error: ") || stderr.contains("Error extracting information from "),
            "ckpt {args:?}: {stderr}"
        );
    }
    for (what, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        if let Some(c) = text
            .chars()
            .find(|&c| c != '\n' && c != '\t' && ckpt::escape::is_unsafe(c))
        {
            panic!("ckpt {args:?}: raw {c:?} on {what}");
        }
    }
    (code, stdout, stderr)
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Every command that reads an archive, with `{}` for its path.
const COMMANDS: &[&[&str]] = &[
    &["show", "{}"],
    &["show", "--format", "json", "{}"],
    &["inspect", "--all", "{}"],
    &["inspect", "--all", "--format", "json", "{}"],
    &["memparse", "{}"],
    &["memparse", "--search", "SECRET", "{}"],
    &["memparse", "-p", "1", "{}"],
    &["decode", "{}"],
    &["decode", "{}", "core-1.img"],
    &["decode", "{}", "pstree.img"],
    &["cat", "{}", "/etc/motd"],
    &["coredump", "{}", "-o", "{}.cores"],
    &[
        "check",
        "--format",
        "json",
        "--target",
        "tests/fixtures/check/node.json",
        "{}",
    ],
    &["diff", "--memory", "{}", "{}"],
    &[
        "memparse",
        "--container",
        "counter",
        "--search",
        "SECRET",
        "{}",
    ],
    &["cat", "--container", "sleeper", "{}", "config.dump"],
];

#[test]
fn hostile_archives_through_every_command_within_2_gib_and_30_s() {
    let dir = tempfile::tempdir().unwrap();
    // Every (case, command) pair is a job; a case's `build` and then `list`
    // (over the directory `build` writes into) are one job.
    let mut jobs: Vec<(usize, Option<&[&str]>)> = Vec::new();
    let cases = cases();
    let mut paths = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let case_dir = dir.path().join(case.name);
        std::fs::create_dir(&case_dir).unwrap();
        let path = case_dir.join(format!("checkpoint-{}", case.file));
        std::fs::write(&path, &case.bytes).unwrap();
        paths.push(path);
        jobs.extend(COMMANDS.iter().map(|c| (i, Some(*c))));
        jobs.push((i, None));
    }
    let done = for_each_on_all_cores(&jobs, |&(i, command)| {
        let (case, path) = (&cases[i], &paths[i]);
        match command {
            Some(command) => run_command(case, path, command),
            None => build_then_list(case, path),
        }
    });
    assert_eq!(done, jobs.len());
    let runs = cases.len() * (COMMANDS.len() + 2);
    eprintln!("{runs} runs under a {ADDRESS_SPACE}-byte address space and a {TIMEOUT} s timeout");
}

/// One reading command over one case; `show` must also show what the case
/// expects.
fn run_command(case: &Case, path: &Path, command: &[&str]) {
    let args: Vec<String> = command.iter().map(|a| a.replace("{}", &s(path))).collect();
    let (code, stdout, stderr) = run(&args);
    if args[0] == "show" && args.len() == 2 {
        let e = &case.expect;
        assert_eq!(code, e.show_status, "{}: {stderr}", case.name);
        if let Some(want) = e.show_out {
            assert!(stdout.contains(want), "{}: {stdout}", case.name);
        }
        if let Some(want) = e.show_err {
            assert!(stderr.contains(want), "{}: {stderr}", case.name);
        }
    }
}

/// `build` into the case's own directory (never leaving a partial
/// output), then `list` over that directory.
fn build_then_list(case: &Case, path: &Path) {
    let case_dir = path.parent().unwrap();
    let out = case_dir.join("image.tar");
    let (code, _, stderr) = run(&["build".into(), s(path), "x".into(), "-o".into(), s(&out)]);
    assert_eq!(out.exists(), code == 0, "{}: {stderr}", case.name);
    run(&["list".into(), s(case_dir)]);
}

/// An extracted checkpoint whose entries are a FIFO and links that point
/// out of it: read without blocking and without following them.
#[test]
fn extracted_directory_with_a_fifo_and_links_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ckpt");
    std::fs::create_dir_all(root.join("checkpoint")).unwrap();
    std::fs::write(root.join("config.dump"), config_dump("in-dir", ID)).unwrap();
    // spec.dump is a FIFO: opening it for reading would block forever.
    let fifo = Command::new("mkfifo")
        .arg(root.join("spec.dump"))
        .status()
        .unwrap();
    assert!(fifo.success());
    // Links out of the directory, where images and metadata are expected.
    let outside = dir.path().join("outside.json");
    std::fs::write(&outside, PODMAN_SPEC).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("network.status")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("checkpoint/pstree.img")).unwrap();
    std::os::unix::fs::symlink("/", root.join("checkpoint/sub")).unwrap();
    let root_s: PathBuf = root.clone();
    for command in COMMANDS {
        let args: Vec<String> = command
            .iter()
            .map(|a| {
                if *a == "{}" {
                    s(&root_s)
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
        let (_, stdout, stderr) = run(&args);
        assert!(!stdout.contains("root:x:0:0"), "{args:?}");
        assert!(!stderr.contains("root:x:0:0"), "{args:?}");
    }
    let (code, _, stderr) = run(&["show".into(), s(&root)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("spec.dump"), "{stderr}");
}

/// Nothing an archive names is written: the runs above leave only what
/// they were asked to write.
#[test]
fn nothing_is_written_where_an_archive_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tar");
    let mut t = RawTar::new();
    for item in podman_items() {
        if let Item::File(name, data) = item {
            t.file(name, &data);
        }
    }
    t.file("../escaped.txt", b"x")
        .file("/tmp/ckpt-absolute.txt", b"x");
    std::fs::write(&path, t.end().build()).unwrap();
    for command in COMMANDS {
        let args: Vec<String> = command
            .iter()
            .map(|a| {
                if *a == "{}" {
                    s(&path)
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
        run(&args);
    }
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
    assert!(!dir.path().parent().unwrap().join("escaped.txt").exists());
}
