//! The limits of `Options` hold whatever an archive declares: each hit is
//! an error naming the archive, the entry and the limit (exit status 1
//! from the CLI), checked before the allocation it bounds; the defaults
//! read every real fixture.

#![cfg(feature = "views")]

mod common;

use std::io::{self, Read, Write};

use assert_cmd::Command;
use ckpt::criu::ImageKind;
use ckpt::model::ImageSet;
use ckpt::views::{InspectOptions, Inspection};
use ckpt::{Error, LimitKind, Options, Source, Want};
use common::images::*;
use common::*;
use serde_json::Value;

const MULTI: &str = "multi-proc.none.tar";

/// Sizes of the tar members of a fixture, in order, read with the `tar`
/// crate.
fn members(name: &str) -> Vec<(String, u64)> {
    let file = std::fs::File::open(fixture(name)).unwrap();
    let mut tar = tar::Archive::new(file);
    tar.entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.path().unwrap().to_string_lossy().into_owned(), e.size())
        })
        .collect()
}

fn read_fixture(name: &str, options: &Options) -> ckpt::Result<ckpt::Checkpoint> {
    ckpt::read_path(fixture(name), options)
}

fn all() -> Options {
    Options::new(Want::all())
}

/// The limit and entry of a [`Error::LimitExceeded`].
fn limit_hit(r: ckpt::Result<ckpt::Checkpoint>) -> (String, LimitKind, u64) {
    match r {
        Err(Error::LimitExceeded {
            archive,
            entry,
            limit,
            max,
            ..
        }) => {
            assert!(
                archive.ends_with(".tar") || archive.ends_with(".zst"),
                "{archive}"
            );
            (entry, limit, max)
        }
        other => panic!("not a limit: {:?}", other.map(|_| ())),
    }
}

#[test]
fn every_fixture_reads_whole_under_the_default_limits() {
    for name in [
        "mini-sleep.none.tar",
        "mini-sleep.gzip.tar.gz",
        "mini-sleep.zstd.tar.zst",
        MULTI,
        "crio-counter.assembled.tar",
        "piggie-imgs.gnutar.tar.zst",
        "piggie-diff-a.gnutar.tar.zst",
        "piggie-diff-b.gnutar.tar.zst",
        "mem48.zeroed.tar.zst",
    ] {
        let c = read_fixture(name, &all()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!c.images.unwrap().core.is_empty(), "{name}");
    }
}

#[test]
fn total_size_counts_every_entry_held() {
    // config.dump fits exactly; spec.dump, next, does not.
    let sizes = members(MULTI);
    let config = sizes.iter().find(|(n, _)| n == "config.dump").unwrap().1;
    assert_eq!(config, 23_709);
    let mut o = Options::new(Want::metadata_only());
    o.limits.max_total_size = config;
    assert_eq!(
        limit_hit(read_fixture(MULTI, &o)),
        ("spec.dump".to_owned(), LimitKind::TotalSize, config)
    );
    let spec = sizes.iter().find(|(n, _)| n == "spec.dump").unwrap().1;
    o.limits.max_total_size = config + spec;
    read_fixture(MULTI, &o).unwrap();
}

#[test]
fn processes_over_the_limit() {
    // multi-proc has five processes (MANIFEST.md, crit's pstree.img).
    let pstree: Value = serde_json::from_str(&crit_file("multi-proc/pstree.img.json")).unwrap();
    assert_eq!(pstree["entries"].as_array().unwrap().len(), 5);
    let mut o = all();
    o.limits.max_processes = 5;
    assert_eq!(
        read_fixture(MULTI, &o)
            .unwrap()
            .images
            .unwrap()
            .pstree
            .unwrap()
            .len(),
        5
    );
    o.limits.max_processes = 4;
    let e = read_fixture(MULTI, &o).unwrap_err();
    // Where: the archive, the entry, and its data's offset in the tar (as
    // the tar crate finds it), all as data. The fifth process's core image
    // comes before pstree.img in this archive: it is the one refused.
    let file = std::fs::File::open(fixture(MULTI)).unwrap();
    let offset = tar::Archive::new(file)
        .entries()
        .unwrap()
        .map(|e| e.unwrap())
        .find(|e| e.path().unwrap().ends_with("core-9.img"))
        .map(|e| e.raw_file_position());
    assert_eq!(
        (e.archive(), e.entry(), e.offset(), e.limit()),
        (
            Some(fixture(MULTI).to_str().unwrap()),
            Some("checkpoint/core-9.img"),
            offset,
            Some(LimitKind::Processes)
        )
    );
    assert_eq!(
        limit_hit(Err(e)),
        ("checkpoint/core-9.img".to_owned(), LimitKind::Processes, 4)
    );
}

#[test]
fn records_over_the_limit() {
    // The first image in the tar with more than two records is named,
    // whichever it is: files.img and fdinfo-* hold open files, pagemap-*
    // page runs.
    let mut o = all();
    o.limits.max_records = 2;
    let (entry, limit, max) = limit_hit(read_fixture(MULTI, &o));
    assert_eq!((limit, max), (LimitKind::Records, 2));
    let image = entry.strip_prefix("checkpoint/").unwrap();
    let crit: Value =
        serde_json::from_str(&crit_file(&format!("multi-proc/{image}.json"))).unwrap();
    assert!(crit["entries"].as_array().unwrap().len() > 2, "{entry}");
    // Every image before it in the tar holds two records at most.
    for (name, _) in members(MULTI)
        .iter()
        .take_while(|(n, _)| *n != entry)
        .filter(|(n, _)| n.ends_with(".img") && n.starts_with("checkpoint/"))
    {
        let file = name.strip_prefix("checkpoint/").unwrap();
        let Some((kind, _)) = ImageKind::parse(file) else {
            continue;
        };
        if ImageSet::knows(kind) && kind != ImageKind::Pstree && kind != ImageKind::Mm {
            let crit: Value =
                serde_json::from_str(&crit_file(&format!("multi-proc/{file}.json"))).unwrap();
            assert!(crit["entries"].as_array().unwrap().len() <= 2, "{name}");
        }
    }
}

#[test]
fn memory_areas_counted_before_they_are_decoded() {
    let mut o = all();
    o.limits.max_vmas = 1;
    let (entry, limit, max) = limit_hit(read_fixture(MULTI, &o));
    assert_eq!((limit, max), (LimitKind::Vmas, 1));
    let file = entry.strip_prefix("checkpoint/").unwrap();
    assert!(file.starts_with("mm-"), "{entry}");
    let crit: Value = serde_json::from_str(&crit_file(&format!("multi-proc/{file}.json"))).unwrap();
    let vmas = crit["entries"][0]["vmas"].as_array().unwrap().len() as u64;
    assert!(vmas > 1);
    // Exactly that many is fine for that image.
    o.limits.max_vmas = vmas;
    let r = read_fixture(MULTI, &o);
    if let Err(Error::LimitExceeded { entry: e, .. }) = &r {
        assert_ne!(e, &entry);
    }
}

#[test]
fn memory_areas_declared_by_the_million_in_a_small_image() {
    // One mm record with 2 Mi empty VMA fields (field 14, length 0): 4 MiB
    // of image that would decode into 2 Mi structs of ~80 bytes.
    let mut record = Vec::with_capacity(4 << 20);
    for _ in 0..(2 << 20) {
        record.extend_from_slice(&[0x72, 0]);
    }
    let mut image = Vec::new();
    image.extend(COMMON.to_le_bytes());
    image.extend(ckpt::criu::magic::value("MM").unwrap().to_le_bytes());
    image.extend((record.len() as u32).to_le_bytes());
    image.extend(&record);
    let bytes = archive(vec![("mm-1.img", image), ("pstree.img", pstree(&[(1, 0)]))]);
    let r = ckpt::read(Source::from_reader(&bytes[..], "vmas.tar"), &all());
    assert_eq!(
        limit_hit_named(r, "vmas.tar"),
        (
            "checkpoint/mm-1.img".to_owned(),
            LimitKind::Vmas,
            ckpt::Limits::DEFAULT.max_vmas
        )
    );
}

fn limit_hit_named(r: ckpt::Result<ckpt::Checkpoint>, name: &str) -> (String, LimitKind, u64) {
    match r {
        Err(Error::LimitExceeded {
            archive,
            entry,
            limit,
            max,
            ..
        }) if archive == name => (entry, limit, max),
        other => panic!("not a limit of {name}: {:?}", other.map(|_| ())),
    }
}

#[test]
fn command_lines_over_the_total_are_a_warning_not_an_allocation() {
    // Only the images the command line needs are held: pstree, core, mm,
    // pagemap, their bytes and the bound of what they decode into. With
    // exactly that allowed, nothing is left for argv (asked for once mm and
    // pagemap are known, at pages-1.img, last).
    let argv = b"prog\0--flag\0";
    let mut pages = vec![0u8; 4096];
    pages[..argv.len()].copy_from_slice(argv);
    let images = vec![
        ("pstree.img", pstree(&[(1, 0)])),
        ("core-1.img", core("prog")),
        (
            "mm-1.img",
            mm((0x10000, 0x10000 + argv.len() as u64), (0x10000, 0x10000)),
        ),
        ("pagemap-1.img", pagemap(1, &[(0x10000, 1)])),
        ("pages-1.img", pages),
    ];
    let held: u64 = images
        .iter()
        .filter(|(n, _)| !n.starts_with("pages"))
        .map(|(_, b)| {
            let image = ckpt::criu::Image::parse(b).unwrap();
            b.len() as u64 + ckpt::criu::budget::image_size(&image, u64::MAX).unwrap()
        })
        .sum();
    let bytes = archive(images);
    let mut o = Options::new(Want::none());
    o.want.processes = true;
    o.want.memory_text = true;
    o.limits.max_total_size = held;
    let c = ckpt::read(Source::from_reader(&bytes[..], "t.tar"), &o).unwrap();
    let i = Inspection::new(&c, &{
        InspectOptions {
            ps_tree: true,
            cmdline: true,
            ..InspectOptions::default()
        }
    })
    .unwrap();
    // The library says which limit; the CLI says which flag raises it.
    assert!(
        i.warnings
            .iter()
            .any(|w| w.limit == Some(LimitKind::TotalSize)
                && w.message.contains("over the limit of bytes held in memory")
                && !w.message.contains("--")),
        "{:?}",
        i.warnings
    );
    // The CLI also holds the metadata entries `inspect` decodes.
    #[cfg(feature = "cli")]
    {
        let metadata: u64 = tar::Archive::new(&bytes[..])
            .entries()
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| {
                let name = e.path().unwrap().to_string_lossy().into_owned();
                [
                    "config.dump",
                    "spec.dump",
                    "network.status",
                    "deleted.files",
                    "status",
                    "bind.mounts",
                    "pod.options",
                ]
                .contains(&name.as_str())
            })
            .map(|e| e.size())
            .sum();
        let out = Command::cargo_bin("ckpt")
            .unwrap()
            .args(["inspect", "--ps-tree-cmd", "--max-total-size"])
            .arg((held + metadata).to_string())
            .arg("-")
            .write_stdin(bytes.clone())
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("over the limit of bytes held in memory (--max-total-size)"),
            "{err}"
        );
    }
    // With the argv's bytes too, it is read.
    o.limits.max_total_size = held + argv.len() as u64;
    let c = ckpt::read(Source::from_reader(&bytes[..], "t.tar"), &o).unwrap();
    let i = Inspection::new(&c, &{
        InspectOptions {
            ps_tree: true,
            cmdline: true,
            ..InspectOptions::default()
        }
    })
    .unwrap();
    let p = i.process_tree.unwrap();
    assert_eq!(p.cmdline.as_deref(), Some("prog --flag "));
}

/// A zstd archive whose config.dump declares 1 GiB (of zeros, which
/// compress to almost nothing); only its first 8 MiB are written.
fn zstd_bomb() -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let mut h = tar::Header::new_ustar();
    h.set_path("config.dump").unwrap();
    h.set_size(1 << 30);
    h.set_mode(0o600);
    h.set_cksum();
    e.write_all(h.as_bytes()).unwrap();
    io::copy(&mut io::repeat(0).take(8 << 20), &mut e).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_metadata_entry_expanding_to_a_gigabyte_is_refused_unread() {
    let bomb = zstd_bomb();
    assert!(bomb.len() < 64 << 10, "{}", bomb.len());
    match ckpt::read(
        Source::from_reader(&bomb[..], "bomb.tar.zst"),
        &Options::default(),
    ) {
        Err(Error::EntryTooLarge {
            entry, size, limit, ..
        }) => assert_eq!(
            (entry.as_str(), size, limit),
            ("config.dump", 1 << 30, ckpt::Limits::DEFAULT.max_entry_size)
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_nested_beyond_reason_is_an_error_not_a_stack_overflow() {
    // 100,000 levels, where ckpt expects a map (skipped with a note) and
    // as a field it does not keep.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let wrapped = format!("{{\"annotations\":{deep},\"unknown\":{deep}}}");
    for entry in ["config.dump", "spec.dump", "network.status"] {
        let mut items: Vec<Item> = podman_items()
            .into_iter()
            .filter(|i| !matches!(i, Item::File(n, _) if n == entry))
            .collect();
        items.push(file(entry, wrapped.clone()));
        let bytes = plain(&items);
        let r = ckpt::read(
            Source::from_reader(&bytes[..], "deep.tar"),
            &Options::default(),
        );
        // What was said about the entry, as an error or warnings.
        let said = match r {
            Err(Error::Json {
                entry: e, source, ..
            }) => {
                assert_eq!(e, entry);
                source.to_string()
            }
            Err(e) => panic!("{entry}: {e}"),
            Ok(c) => c
                .warnings
                .iter()
                .filter(|w| w.entry.as_deref() == Some(entry))
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        };
        match entry {
            // Skipped without building anything.
            "spec.dump" => assert_eq!(said, "spec.dump: annotations is not an object; ignored"),
            // Unknown fields are skipped without recursing.
            "config.dump" => assert_eq!(said, ""),
            // A network named "annotations" whose value is no map.
            _ => assert!(said.contains("expected a map"), "{said}"),
        }
    }
}

#[test]
#[cfg(feature = "cli")]
fn cli_names_the_archive_entry_and_flag() {
    let out = Command::cargo_bin("ckpt")
        .unwrap()
        .args(["inspect", "--ps-tree", "--max-processes", "4"])
        .arg(fixture(MULTI))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "Error: {}: checkpoint/core-9.img: over the limit of 4 processes (--max-processes)\n",
            fixture(MULTI).display()
        )
    );
}

#[test]
fn per_process_images_past_max_processes_are_a_limit() {
    // Five processes' core images where three are allowed: the fourth is
    // refused before it is decoded, whatever pstree.img says.
    let images: Vec<(String, Vec<u8>)> = (1..=5)
        .map(|pid| (format!("core-{pid}.img"), core("p")))
        .chain([("pstree.img".to_owned(), pstree(&[(1, 0)]))])
        .collect();
    let bytes = archive(
        images
            .iter()
            .map(|(n, b)| (n.as_str(), b.clone()))
            .collect(),
    );
    let mut o = all();
    o.limits.max_processes = 3;
    let r = ckpt::read(Source::from_reader(&bytes[..], "many.tar"), &o);
    assert_eq!(
        limit_hit_named(r, "many.tar"),
        ("checkpoint/core-4.img".to_owned(), LimitKind::Processes, 3)
    );
    o.limits.max_processes = 5;
    assert!(ckpt::read(Source::from_reader(&bytes[..], "many.tar"), &o).is_ok());
}
