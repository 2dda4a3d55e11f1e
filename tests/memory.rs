//! Process memory: searching it as it streams by, against the markers the
//! corpus records (pid, address, pages file, offset: `markers.json` in
//! tests/fixtures/crit.tar.zst), and boundaries built in code.

mod common;

use std::collections::BTreeSet;
use std::io::Read;

use ckpt::memory::search::{MemorySearch, Pattern, ProcessHit};
use ckpt::memory::{MemoryFilter, VmaKind, VmaSelect};
use ckpt::{Options, Source};
use common::*;
use serde_json::Value;

/// `markers.json` of a dump: (pid, marker, vaddr, pages file, offset).
fn markers(dump: &str) -> Vec<(u32, String, u64, String, u64)> {
    let file = std::fs::File::open(fixture("crit.tar.zst")).unwrap();
    let mut tar = tar::Archive::new(zstd::stream::read::Decoder::new(file).unwrap());
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_string_lossy() == format!("{dump}/markers.json") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            return v
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    (
                        m["pid"].as_u64().unwrap() as u32,
                        m["marker"].as_str().unwrap().to_owned(),
                        u64::from_str_radix(
                            m["vaddr"].as_str().unwrap().trim_start_matches("0x"),
                            16,
                        )
                        .unwrap(),
                        m["pages_file"].as_str().unwrap().to_owned(),
                        m["file_offset"].as_u64().unwrap(),
                    )
                })
                .collect();
        }
    }
    panic!("no markers for {dump}");
}

fn search_archive(
    archive: Source<'_>,
    pattern: &Pattern,
    filter: MemoryFilter,
) -> (ckpt::Checkpoint, Vec<ProcessHit>) {
    let mut sink = MemorySearch::new(pattern, 0, filter, 100_000);
    let c = ckpt::read_with(archive, &Options::default(), &mut sink).unwrap();
    let results = sink.finish();
    assert!(!results.stopped);
    let hits = results.hits;
    (c, hits)
}

fn as_markers(marker: &str, hits: &[ProcessHit]) -> Vec<(u32, String, u64, String, u64)> {
    hits.iter()
        .map(|h| {
            (
                h.pid,
                marker.to_owned(),
                h.hit.vaddr,
                format!("pages-{}.img", h.pages_id),
                h.hit.file_offset,
            )
        })
        .collect()
}

fn expected(
    all: &[(u32, String, u64, String, u64)],
    marker: &str,
) -> Vec<(u32, String, u64, String, u64)> {
    let mut v: Vec<_> = all.iter().filter(|m| m.1 == marker).cloned().collect();
    v.sort_by_key(|m| (m.0, m.2));
    v
}

#[test]
fn multi_proc_markers_where_the_corpus_says() {
    let all = markers("multi-proc");
    for marker in [
        "SECRET_MARKER_7f3a9c",
        "CHILD_MARKER_b41d2e",
        "ENV_MARKER_c0ffee",
        "MAPPED_FILE_MARKER_5e6f",
    ] {
        let pattern = Pattern::literal(marker).unwrap();
        let archive = Source::open(fixture("multi-proc.none.tar")).unwrap();
        let (_, hits) = search_archive(archive, &pattern, MemoryFilter::default());
        assert_eq!(
            as_markers(marker, &hits),
            expected(&all, marker),
            "{marker}"
        );
        if marker == "ENV_MARKER_c0ffee" {
            let pids: Vec<u32> = hits.iter().map(|h| h.pid).collect();
            assert_eq!(pids, [1, 6, 7, 8, 9]);
            assert!(
                hits.iter()
                    .all(|h| h.vma == Some(VmaKind::Stack) && h.hit.vaddr == 0x7ffc_fda0_df99)
            );
        }
        if marker == "SECRET_MARKER_7f3a9c" {
            assert_eq!(hits.len(), 10);
            assert!(hits.iter().all(|h| h.vma == Some(VmaKind::Heap)));
        }
        if marker == "MAPPED_FILE_MARKER_5e6f" {
            // A shared file mapping: its pages are in the file, not the dump.
            assert!(hits.is_empty());
        }
    }
}

#[test]
fn child_marker_only_in_the_worker_and_its_child_with_a_pid_filter() {
    let pattern = Pattern::literal("CHILD_MARKER_b41d2e").unwrap();
    let filter = MemoryFilter {
        pids: Some(BTreeSet::from([8])),
        ..MemoryFilter::default()
    };
    let archive = Source::open(fixture("multi-proc.none.tar")).unwrap();
    let (_, hits) = search_archive(archive, &pattern, filter);
    let found: Vec<(u32, u64)> = hits.iter().map(|h| (h.pid, h.hit.vaddr)).collect();
    assert_eq!(found, [(8, 0x1f6_a6e0), (8, 0x1f7_15e0)]);
    // The stack alone does not have it.
    let filter = MemoryFilter {
        vmas: BTreeSet::from([VmaSelect::Stack]),
        ..MemoryFilter::default()
    };
    let archive = Source::open(fixture("multi-proc.none.tar")).unwrap();
    let (_, hits) = search_archive(archive, &pattern, filter);
    assert!(hits.is_empty());
}

#[test]
fn mem48_secret_by_offset_and_as_a_stream() {
    let tar = mem48_tar();
    let pattern = Pattern::literal("SECRET_MARKER_MEM_9d8c7b").unwrap();
    let want = expected(&markers("mem48"), "SECRET_MARKER_MEM_9d8c7b");
    assert_eq!(want[0].2, 0x7f4b_3e00_0000);
    assert_eq!(want[0].4, 8_437_760);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mem48.tar");
    std::fs::write(&path, &tar).unwrap();
    let (_, hits) = search_archive(
        Source::open(&path).unwrap(),
        &pattern,
        MemoryFilter::default(),
    );
    assert_eq!(as_markers("SECRET_MARKER_MEM_9d8c7b", &hits), want);
    assert_eq!(hits[0].vma, Some(VmaKind::Anon));

    let zst = zstd::stream::encode_all(&tar[..], 1).unwrap();
    let archive = Source::from_reader(&zst[..], "mem48.tar.zst");
    let (c, hits) = search_archive(archive, &pattern, MemoryFilter::default());
    assert_eq!(as_markers("SECRET_MARKER_MEM_9d8c7b", &hits), want);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

/// The GNU packing puts pages before pagemaps: by path, the pages are read
/// again in a second pass and every marker is found.
#[test]
fn test_imgs_env_markers_despite_the_order() {
    let all = markers("test-imgs");
    for marker in ["TEST_ENV=BAR", "TEST_ENV_EMPTY="] {
        let pattern = Pattern::literal(marker).unwrap();
        let archive = Source::open(fixture("piggie-imgs.gnutar.tar.zst")).unwrap();
        let (c, hits) = search_archive(archive, &pattern, MemoryFilter::default());
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(
            as_markers(marker, &hits),
            expected(&all, marker),
            "{marker}"
        );
    }
    // From a stream that cannot be read again, said, not guessed.
    let bytes = std::fs::read(fixture("piggie-imgs.gnutar.tar.zst")).unwrap();
    let pattern = Pattern::literal("TEST_ENV=BAR").unwrap();
    let (c, _) = search_archive(
        Source::from_reader(&bytes[..], "stdin"),
        &pattern,
        MemoryFilter::default(),
    );
    assert!(
        c.warnings
            .iter()
            .any(|w| w.message.contains("memory of pid")
                && w.message.contains("came before its pagemap"))
    );
}

#[test]
#[cfg(feature = "regex")]
fn regex_search_with_context() {
    let pattern = Pattern::regex("ENV_MARKER_[0-9a-f]+").unwrap();
    let mut sink = MemorySearch::new(&pattern, 11, MemoryFilter::default(), 100);
    ckpt::read_with(
        Source::open(fixture("multi-proc.none.tar")).unwrap(),
        &Options::default(),
        &mut sink,
    )
    .unwrap();
    let hits = sink.finish().hits;
    assert_eq!(hits.len(), 5);
    assert_eq!(hits[0].hit.matched, b"ENV_MARKER_c0ffee");
    assert_eq!(hits[0].hit.before, b"MARKER_ENV=");
    assert_eq!(hits[0].hit.after, b"\0APP_MODE=m");
}

mod built {
    //! Pages built in code: a match across two contiguous runs, none across
    //! a gap.
    use super::*;
    use ckpt::criu::proto::*;
    use prost::Message;

    fn image(magic: &str, records: &[Vec<u8>]) -> Vec<u8> {
        let mut out = 0x5456_4319u32.to_le_bytes().to_vec();
        out.extend(ckpt::criu::magic::value(magic).unwrap().to_le_bytes());
        for r in records {
            out.extend((r.len() as u32).to_le_bytes());
            out.extend(r);
        }
        out
    }

    /// A process whose pagemap has two runs at `a` and `b` (one page each)
    /// and whose pages hold `first` at the end of the first page and
    /// `second` at the start of the second.
    fn archive(a: u64, b: u64, first: &[u8], second: &[u8]) -> Vec<u8> {
        let mut pages = vec![b'.'; 8192];
        pages[4096 - first.len()..4096].copy_from_slice(first);
        pages[4096..4096 + second.len()].copy_from_slice(second);
        let entry = |vaddr| {
            PagemapEntry {
                vaddr,
                compat_nr_pages: 0,
                in_parent: None,
                flags: Some(PE_PRESENT),
                nr_pages: Some(1),
                ..Default::default()
            }
            .encode_to_vec()
        };
        let pagemap = image(
            "PAGEMAP",
            &[
                PagemapHead { pages_id: 1 }.encode_to_vec(),
                entry(a),
                entry(b),
            ],
        );
        let pstree = image(
            "PSTREE",
            &[PstreeEntry {
                pid: 1,
                ppid: 0,
                pgid: 1,
                sid: 1,
                threads: vec![1],
            }
            .encode_to_vec()],
        );
        let mut items = podman_items();
        items.retain(|i| !matches!(i, Item::File(n, _) if n.starts_with("checkpoint/")));
        items.push(file("checkpoint/pagemap-1.img", pagemap));
        items.push(file("checkpoint/pages-1.img", pages));
        items.push(file("checkpoint/pstree.img", pstree));
        plain(&items)
    }

    fn hits(bytes: &[u8], pattern: &str) -> Vec<ProcessHit> {
        let pattern = Pattern::literal(pattern).unwrap();
        // Through a stream and by offset: the same answer.
        let (_, a) = search_archive(
            Source::from_reader(bytes, "t"),
            &pattern,
            MemoryFilter::default(),
        );
        let (_, b) = search_archive(
            Source::from_seekable(std::io::Cursor::new(bytes), "t").unwrap(),
            &pattern,
            MemoryFilter::default(),
        );
        assert_eq!(a, b);
        a
    }

    #[test]
    fn match_across_a_page_boundary_of_contiguous_runs() {
        let bytes = archive(0x10000, 0x11000, b"SECRET_HA", b"LF_AND_HALF");
        let found = hits(&bytes, "SECRET_HALF_AND_HALF");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].hit.vaddr, 0x11000 - 9);
        assert_eq!(found[0].hit.file_offset, 4096 - 9);
    }

    /// An incremental dump: the middle run is in the parent image, so its
    /// pages are not in this pages file and the third run's pages follow
    /// the first's directly.
    #[test]
    fn pages_in_a_parent_image_are_skipped_not_misread() {
        let mut pages = vec![b'.'; 8192];
        pages[100..106].copy_from_slice(b"FIRST!");
        pages[4096 + 200..4096 + 206].copy_from_slice(b"THIRD!");
        let entry = |vaddr, flags| {
            PagemapEntry {
                vaddr,
                compat_nr_pages: 0,
                in_parent: None,
                flags: Some(flags),
                nr_pages: Some(1),
                ..Default::default()
            }
            .encode_to_vec()
        };
        let pagemap = image(
            "PAGEMAP",
            &[
                PagemapHead { pages_id: 1 }.encode_to_vec(),
                entry(0x10000, PE_PRESENT),
                entry(0x11000, PE_PARENT),
                entry(0x12000, PE_LAZY),
                entry(0x13000, PE_PRESENT),
            ],
        );
        let mut items = podman_items();
        items.retain(|i| !matches!(i, Item::File(n, _) if n.starts_with("checkpoint/")));
        items.push(file("checkpoint/pagemap-1.img", pagemap));
        items.push(file("checkpoint/pages-1.img", pages));
        let bytes = plain(&items);
        let third = hits(&bytes, "THIRD!");
        assert_eq!(third.len(), 1);
        assert_eq!(
            (third[0].hit.vaddr, third[0].hit.file_offset),
            (0x13000 + 200, 4096 + 200)
        );
        assert_eq!(hits(&bytes, "FIRST!")[0].hit.vaddr, 0x10000 + 100);
        // Nothing is read for the parent and lazy runs: "...." from the
        // first page never continues into the third.
        assert!(hits(&bytes, "FIRST!.").len() == 1 && hits(&bytes, "!THIRD").is_empty());
    }

    #[test]
    fn no_match_across_a_gap() {
        let bytes = archive(0x10000, 0x20000, b"SECRET_HA", b"LF_AND_HALF");
        assert!(hits(&bytes, "SECRET_HALF_AND_HALF").is_empty());
        // Each half is still there.
        assert_eq!(hits(&bytes, "LF_AND_HALF")[0].hit.vaddr, 0x20000);
    }
}

#[test]
fn a_memory_sink_keeps_the_pass_going_past_the_metadata() {
    // Want::metadata_only would stop after config.dump and spec.dump; the
    // sink still gets every process's memory, from a file and a stream.
    let options = Options::new(ckpt::Want::metadata_only());
    let pattern = Pattern::literal("SECRET_MARKER_7f3a9c").unwrap();
    let expected = expected(&markers("multi-proc"), "SECRET_MARKER_7f3a9c");
    assert!(!expected.is_empty());
    let bytes = std::fs::read(fixture("multi-proc.none.tar")).unwrap();
    for stream in [false, true] {
        let archive = if stream {
            Source::from_reader(std::io::Cursor::new(bytes.clone()), "multi-proc")
        } else {
            Source::open(fixture("multi-proc.none.tar")).unwrap()
        };
        let mut sink = MemorySearch::new(&pattern, 0, MemoryFilter::default(), 1000);
        let c = ckpt::read_with(archive, &options, &mut sink).unwrap();
        assert!(c.complete);
        let hits = sink.finish().hits;
        assert_eq!(as_markers("SECRET_MARKER_7f3a9c", &hits), expected);
    }
}

/// Regression: in the piggie fixtures (GNU tar's directory order) some
/// pages images come before their process's `mm` image. The search waited
/// only for the pagemap, so from a compressed file it searched those pages
/// without knowing their memory areas: `--vma stack` found nothing there
/// and every hit's area was unknown. Now such pages wait for a second pass
/// and are searched as from the extracted directory.
#[test]
fn pages_before_their_processs_memory_areas_are_searched_with_them() {
    let name = "piggie-imgs.gnutar.tar.zst";
    let dir = tempfile::tempdir().unwrap();
    let tar = zstd::decode_all(&std::fs::read(fixture(name)).unwrap()[..]).unwrap();
    tar::Archive::new(&tar[..]).unpack(dir.path()).unwrap();
    let pattern = Pattern::literal("piggie").unwrap();
    let stack = MemoryFilter {
        vmas: [VmaSelect::Stack].into(),
        ..MemoryFilter::default()
    };
    let (_, from_file) = search_archive(
        Source::open(fixture(name)).unwrap(),
        &pattern,
        stack.clone(),
    );
    let (_, from_dir) = search_archive(Source::open(dir.path()).unwrap(), &pattern, stack);
    assert_eq!(from_file, from_dir);
    let pid7: Vec<&ProcessHit> = from_file.iter().filter(|h| h.pid == 7).collect();
    assert!(!pid7.is_empty());
    assert!(
        pid7.iter().all(|h| h.vma == Some(VmaKind::Stack)),
        "{pid7:?}"
    );
}
