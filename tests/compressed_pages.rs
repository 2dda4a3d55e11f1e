//! criu-dev's LZ4-compressed memory pages (`--compress`, `--compress-region`)
//! read as the raw pages they hold: every command that reads memory gives
//! on a compressed copy of a real dump what it gives on the dump itself,
//! and compression metadata that does not add up is an error naming the
//! entry and field, never a panic.
//!
//! The compressed fixtures are real dumps recompressed with liblz4 by
//! `tests/fixtures/workload-src/compress-pages.py` (v1 per page, v1
//! regions of 64 KiB, v2 blocks of 16 KiB).

mod common;

use ckpt::criu::proto::PagemapEntry;
use common::lz4::{hostile, set_sizes, sizes, two_lz4};
use common::{fixture, run_ckpt};

/// (original, compressed copies, a pid, markers its memory holds)
const DUMPS: &[(&str, &str, &str, &[&str])] = &[
    (
        "mini-sleep.none.tar",
        "mini-sleep",
        "1",
        &["PATH=", "sleep"],
    ),
    (
        "threads-memfd.tar.zst",
        "threads-memfd",
        "13127",
        &[
            "CKPT_HEAP_MARKER_H8",
            "CKPT_MEMFD_MARKER_A1",
            "CKPT_SYSV_MARKER_D4",
            "CKPT_ANONSHARED_MARKER_E5",
            "ARGV_MARKER_77",
        ],
    ),
];

const MODES: &[&str] = &["lz4-page", "lz4-region", "lz4-block"];

/// stdout and stderr of `ckpt ARGS` with the archive's path as ARCHIVE,
/// which must succeed.
fn out(args: &[&str], archive: &str) -> String {
    let path = fixture(archive).to_string_lossy().into_owned();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "@" { path.as_str() } else { a })
        .collect();
    let (out, err, code) = run_ckpt(&args);
    assert_eq!(code, 0, "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    format!("{out}{err}").replace(&path, "ARCHIVE")
}

/// Each command gives on `archive` (a path) what it gives on the
/// uncompressed `threads-memfd.tar.zst`, but for the sizes `inspect` shows.
fn same_as_original(archive: &str, commands: &[Vec<&str>], what: &str) {
    for args in commands {
        let mut with = args.clone();
        with.push("@");
        let want = out(&with, "threads-memfd.tar.zst");
        *with.last_mut().unwrap() = archive;
        let (got, err, code) = run_ckpt(&with);
        assert_eq!(code, 0, "{err}");
        let got = (got + &err).replace(archive, "ARCHIVE");
        let (want, got) = if args[0] == "inspect" {
            (without_sizes(&want), without_sizes(&got))
        } else {
            (want, got)
        };
        assert_eq!(got, want, "{what}: {args:?}");
    }
}

/// The lines that do not name the stored sizes of files (which
/// compression changes).
fn without_sizes(s: &str) -> String {
    s.lines()
        .filter(|l| !l.contains("size:") && !l.contains("Compressed:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn memory_reads_the_same_as_the_raw_dump() {
    for &(orig, base, pid, markers) in DUMPS {
        let mut commands: Vec<Vec<&str>> = vec![
            vec!["memparse", "@"],
            vec!["memparse", "-p", pid, "@"],
            vec!["memparse", "-p", pid, "--format", "json", "@"],
            vec!["inspect", "--ps-tree-cmd", "--ps-tree-env", "@"],
        ];
        for m in markers {
            commands.push(vec!["memparse", "--search", m, "-c", "8", "@"]);
        }
        for mode in MODES {
            let packed = format!("{base}.{mode}.tar.zst");
            for args in &commands {
                let a = out(args, orig);
                let b = out(args, &packed);
                let (a, b) = if args[0] == "inspect" {
                    (without_sizes(&a), without_sizes(&b))
                } else {
                    (a, b)
                };
                assert_eq!(a, b, "{packed}: {args:?}");
            }
        }
        // The markers are really there.
        let found = out(&["memparse", "--search", markers[0], "@"], orig);
        assert!(found.contains(markers[0]), "{found}");
    }
}

#[test]
fn the_memory_table_counts_raw_pages_and_says_compressed() {
    let plain = out(&["memparse", "--pages", "@"], "threads-memfd.tar.zst");
    let packed = out(
        &["memparse", "--pages", "@"],
        "threads-memfd.lz4-region.tar.zst",
    );
    let pages = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("pages-"))
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                format!("{} {}", f[0], f[f.len() - 1])
            })
            .collect()
    };
    assert_eq!(pages(&plain), pages(&packed));
    assert!(packed.contains("15.4 KiB (lz4)   18 "), "{packed}");
    assert!(plain.contains("72.0 KiB   18 "), "{plain}");
    // Said without asking for processes: the inventory is read with the
    // sizes.
    for (fixture, says) in [
        ("threads-memfd.lz4-region.tar.zst", "regions of 64.0 KiB"),
        ("mini-sleep.lz4-page.tar.zst", "page by page"),
        ("threads-memfd.lz4-block.tar.zst", "blocks of 16.0 KiB"),
    ] {
        let inspect = out(&["inspect", "@"], fixture);
        let line = format!("Compressed: LZ4, {says}");
        assert!(inspect.contains(&line), "{fixture}: {inspect}");
    }
    let inspect = out(&["inspect", "--ps-tree", "@"], "threads-memfd.tar.zst");
    assert!(!inspect.contains("Compressed"), "{inspect}");
}

#[test]
fn a_stream_reads_compressed_pages_too() {
    for mode in MODES {
        let name = format!("threads-memfd.{mode}.tar.zst");
        let bytes = std::fs::read(fixture(&name)).unwrap();
        for args in [
            vec!["memparse", "-p", "13127", "-"],
            vec!["memparse", "--search", "CKPT_MEMFD_MARKER_A1", "-"],
        ] {
            let o = assert_cmd::Command::cargo_bin("ckpt")
                .unwrap()
                .args(&args)
                .write_stdin(bytes.clone())
                .output()
                .unwrap();
            let mut file_args = args.clone();
            *file_args.last_mut().unwrap() = "@";
            let from_file = out(&file_args, &name);
            let streamed = String::from_utf8_lossy(&o.stdout).into_owned()
                + &String::from_utf8_lossy(&o.stderr);
            assert_eq!(
                streamed.replace("<stdin>", "ARCHIVE"),
                from_file,
                "{name} {args:?}"
            );
        }
    }
}

#[test]
fn diff_sees_no_memory_change() {
    let (o, err, code) = run_ckpt(&[
        "diff",
        "--memory",
        fixture("threads-memfd.tar.zst").to_str().unwrap(),
        fixture("threads-memfd.lz4-block.tar.zst").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(o.contains("PID 13127 +0 -0 ~0 =18"), "{o}");
    assert!(o.contains("PID 13129 +0 -0 ~0 =15"), "{o}");
}

#[test]
fn cores_hold_the_same_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut cores = Vec::new();
    for name in ["threads-memfd.tar.zst", "threads-memfd.lz4-page.tar.zst"] {
        let to = dir.path().join(name);
        let (_, err, code) = run_ckpt(&[
            "coredump",
            "-o",
            to.to_str().unwrap(),
            fixture(name).to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        cores.push([
            std::fs::read(to.join("core.13127")).unwrap(),
            std::fs::read(to.join("core.13129")).unwrap(),
        ]);
    }
    assert!(cores[0][0].len() > 64 << 10);
    assert!(cores[0] == cores[1], "cores differ");
}

/// `ckpt memparse -p 1 ARCHIVE` on hostile bytes: stdout+stderr, status.
fn memparse(tar: Vec<u8>) -> (String, i32) {
    let o = assert_cmd::Command::cargo_bin("ckpt")
        .unwrap()
        .args(["memparse", "-p", "1", "-"])
        .write_stdin(tar)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (text, o.status.code().unwrap_or(-1))
}

#[test]
fn metadata_that_does_not_add_up_is_an_error_naming_entry_and_field() {
    let first =
        |entries: &[PagemapEntry]| entries.iter().position(|e| !e.field6.is_empty()).unwrap();
    // A block size larger than its block.
    let (text, code) = memparse(hostile(|entries, _| {
        let i = first(entries);
        let mut s = sizes(&entries[i]);
        let extra = 5000 - s[0];
        s[0] = 5000;
        set_sizes(&mut entries[i], &s);
        *entries[i].total_compressed_size.as_mut().unwrap() += u64::from(extra);
    }));
    // An invalid image is ignored, with a warning, as any other.
    assert!(
        text.contains("pagemap-1.img: invalid CRIU image, ignored: pagemap entry 0:"),
        "{text}"
    );
    assert!(!text.contains("00000000"), "memory shown: {text}");
    assert_eq!(code, 0);
    assert!(
        text.contains("compressed_size of block 0 is 5000, more than its 4096 bytes"),
        "{text}"
    );
    // Sizes not summing to the total.
    let (text, code) = memparse(hostile(|entries, _| {
        let i = first(entries);
        *entries[i].total_compressed_size.as_mut().unwrap() += 1;
    }));
    assert_eq!(code, 0);
    assert!(text.contains("total_compressed_size is"), "{text}");
    assert!(text.contains("pagemap-1.img"), "{text}");
    // A petabyte region.
    let (text, code) = memparse(hostile(|entries, _| {
        let i = first(entries);
        entries[i].region_pages = Some(u32::MAX);
    }));
    assert_eq!(code, 0);
    assert!(
        text.contains("4294967295 pages per block: blocks are 1 to 1024 pages"),
        "{text}"
    );
}

#[test]
fn a_block_that_decodes_wrong_or_a_short_file_is_an_error() {
    // Two LZ4 blocks declared as one: the first decodes past its page.
    let (text, code) = memparse(hostile(|entries, _| {
        let (i, j) = two_lz4(entries);
        let mut s = sizes(&entries[i]);
        s[j] += s[j + 1];
        s[j + 1] = 0;
        set_sizes(&mut entries[i], &s);
    }));
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("LZ4 block of"), "{text}");
    assert!(text.contains("pages-1.img"), "{text}");
    // A pages file cut short: the pages past its end are not there.
    let (text, _) = memparse(hostile(|_, pages| {
        pages.truncate(pages.len() - 100);
    }));
    assert!(
        text.contains("pages-1.img: holds 15156 bytes, its compressed pagemap needs 15256"),
        "{text}"
    );
    assert!(text.contains("00007ffd378031a0"), "{text}");
}

#[test]
fn a_pages_file_its_pagemap_does_not_account_for_is_named() {
    // Compression metadata in a form this build does not read (here: none
    // at all, as if CRIU had moved it to other fields): the inventory says
    // the pages are compressed, the pagemap gives raw runs.
    let (text, _) = memparse(hostile(|entries, _| {
        for e in entries.iter_mut() {
            e.field6.clear();
            e.total_compressed_size = None;
            e.region_pages = None;
        }
    }));
    assert!(
        text.contains(
            "pages-1.img: inventory.img says the memory pages are compressed, but the pagemap \
             gives no block sizes in a form this build reads: its 15256 bytes would be read as \
             69632 bytes of raw pages"
        ),
        "{text}"
    );
    // A raw dump: mini-sleep's 17 pages, its pages file a page short.
    let items: Vec<common::Item> = common::images::fixture_items("mini-sleep.none.tar")
        .into_iter()
        .map(|i| match i {
            common::Item::File(n, mut data) if n.ends_with("/pages-1.img") => {
                data.truncate(data.len() - 4096);
                common::Item::File(n, data)
            }
            other => other,
        })
        .collect();
    let (text, _) = memparse(common::plain(&items));
    assert!(
        text.contains(
            "pages-1.img: holds 65536 bytes, its pagemap needs 69632: the pages past its end \
             are not read"
        ),
        "{text}"
    );
}

#[test]
fn a_plain_tar_read_by_offset_reads_compressed_pages_too() {
    // A plain tar opened by path is read by positioned reads: pages are
    // found by their block's offset, not streamed.
    let dir = tempfile::tempdir().unwrap();
    for mode in MODES {
        let name = format!("threads-memfd.{mode}.tar.zst");
        let tar = zstd::decode_all(&std::fs::read(fixture(&name)).unwrap()[..]).unwrap();
        let plain = dir.path().join(format!("{mode}.tar"));
        std::fs::write(&plain, tar).unwrap();
        let plain = plain.to_str().unwrap();
        let commands = [
            vec!["memparse", "-p", "13129"],
            vec!["memparse", "--search", "_MARKER_", "-c", "4"],
            vec!["memparse", "--shared", "memfd:ckpt-memfd"],
            vec!["memparse", "--shared", "sysv:0"],
            vec!["inspect", "--ps-tree-cmd", "--ps-tree-env"],
        ];
        same_as_original(plain, &commands, mode);
    }
}

#[test]
fn a_dump_to_a_file_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for mode in MODES {
        let mut dumps = Vec::new();
        for name in [
            "threads-memfd.tar.zst".to_owned(),
            format!("threads-memfd.{mode}.tar.zst"),
        ] {
            for (what, args) in [
                ("pid", ["-p", "13127"]),
                ("memfd", ["--shared", "memfd:ckpt-memfd"]),
            ] {
                let to = dir.path().join(format!("{mode}-{name}-{what}.bin"));
                let (_, err, code) = run_ckpt(&[
                    "memparse",
                    args[0],
                    args[1],
                    "-o",
                    to.to_str().unwrap(),
                    fixture(&name).to_str().unwrap(),
                ]);
                assert_eq!(code, 0, "{err}");
                dumps.push(std::fs::read(&to).unwrap());
            }
        }
        assert!(dumps[0].len() > 300_000, "{}", dumps[0].len());
        // checkpointctl writes the hexdump.
        assert!(dumps[1].windows(18).any(|w| w == b"|CKPT_MEMFD_MARKE|"));
        assert!(dumps[0] == dumps[2], "{mode}: process dump differs");
        assert!(dumps[1] == dumps[3], "{mode}: memfd dump differs");
    }
}

#[test]
fn pages_before_their_pagemap_are_read_in_a_second_pass() {
    // The pages images first: a .tar.zst file is walked again for them,
    // once their pagemap says how they are compressed.
    let dir = tempfile::tempdir().unwrap();
    let name = "threads-memfd.lz4-page.tar.zst";
    let tar = zstd::decode_all(&std::fs::read(fixture(name)).unwrap()[..]).unwrap();
    let mut members: Vec<(tar::Header, Vec<u8>)> = Vec::new();
    for e in tar::Archive::new(&tar[..]).entries().unwrap() {
        let mut e = e.unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        let mut h = e.header().clone();
        h.set_path(e.path().unwrap()).unwrap();
        h.set_cksum();
        members.push((h, data));
    }
    let is_pages = |h: &tar::Header| h.path().unwrap().to_string_lossy().contains("/pages-");
    members.sort_by_key(|(h, _)| !is_pages(h));
    assert!(is_pages(&members[0].0));
    let mut b = tar::Builder::new(Vec::new());
    for (h, data) in &members {
        b.append(h, &data[..]).unwrap();
    }
    let moved = dir.path().join("moved.tar.zst");
    std::fs::write(
        &moved,
        zstd::encode_all(&b.into_inner().unwrap()[..], 3).unwrap(),
    )
    .unwrap();
    let moved = moved.to_str().unwrap();
    let commands = [
        vec!["memparse", "-p", "13127"],
        vec!["memparse", "--search", "_MARKER_"],
        vec!["inspect", "--ps-tree-cmd", "--ps-tree-env"],
    ];
    same_as_original(moved, &commands, "pages before their pagemap");
}
