//! The reader on archives built in code: tar layouts, compressions,
//! truncation, limits and hostile names.

mod common;

use std::io::{Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ckpt::metadata::NetworkStatus;
use ckpt::{Archive, Compression, Engine, EntryKind, Error, Options, Source, Want};
use common::*;

fn read_bytes(bytes: &[u8]) -> ckpt::Result<ckpt::Checkpoint> {
    ckpt::read(Source::from_reader(bytes, "test.tar"), &Options::default())
}

fn read_seekable(bytes: &[u8]) -> ckpt::Result<ckpt::Checkpoint> {
    ckpt::read(
        Source::from_seekable(Cursor::new(bytes), "test.tar")?,
        &Options::default(),
    )
}

/// The facts of [`podman_items`], whatever the packing.
fn assert_podman(c: &ckpt::Checkpoint) {
    assert_eq!(c.container.engine, Engine::Podman);
    assert_eq!(c.container.name, "test-ctr");
    assert_eq!(c.container.created, "2025-01-02T03:04:05Z");
    assert_eq!(c.container.ip, "10.88.0.9");
    assert_eq!(c.container.mac, "f2:99:8d:fb:5a:57");
    let config = c.config.as_ref().unwrap();
    assert_eq!(config.id, ID);
    assert_eq!(config.oci_runtime, "crun");
    assert_eq!(
        config.checkpointed_time.to_rfc3339(),
        "2025-01-02T04:05:06+05:30"
    );
    assert_eq!(c.spec.as_ref().unwrap().hostname, "h");
    assert_eq!(
        c.deleted_files.as_deref(),
        Some(&["/etc/gone".to_owned()][..])
    );
    assert_eq!(c.sizes.checkpoint, PODMAN_CHECKPOINT_SIZE);
    assert_eq!(c.sizes.pages, 8192);
    assert_eq!(c.sizes.rootfs_diff, 1024);
    assert!(c.has_checkpoint_directory);
    assert!(c.complete);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn plain_ustar_as_podman_writes_it() {
    let t = plain(&podman_items());
    for c in [read_bytes(&t).unwrap(), read_seekable(&t).unwrap()] {
        assert_podman(&c);
        assert_eq!(c.compression, Some(Compression::None));
        assert_eq!(c.sizes.tar, Some(t.len() as u64));
        assert_eq!(c.sizes.archive, Some(t.len() as u64));
    }
}

#[test]
fn dot_prefixed_gnu_names() {
    let style = Style {
        dot_prefix: true,
        gnu: true,
        ..Style::default()
    };
    let mut items = vec![dir("")];
    items.extend(podman_items());
    assert_podman(&read_bytes(&tar(&items, &style)).unwrap());
}

#[test]
fn no_directory_entries() {
    let items: Vec<Item> = podman_items()
        .into_iter()
        .filter(|i| !matches!(i, Item::Dir(_)))
        .collect();
    let c = read_bytes(&plain(&items)).unwrap();
    // checkpointctl refuses this archive; it is a checkpoint all the same.
    assert_podman(&c);
}

#[test]
fn gnu_long_names_and_pax_paths() {
    let long_pages = format!("checkpoint/{}pages-1.img", "./".repeat(60));
    let long_config = format!("{}config.dump", "./".repeat(70));
    let items: Vec<Item> = podman_items()
        .into_iter()
        .map(|i| match i {
            Item::File(n, d) if n == "checkpoint/pages-1.img" => Item::File(long_pages.clone(), d),
            Item::File(n, d) if n == "config.dump" => Item::File(long_config.clone(), d),
            other => other,
        })
        .collect();
    assert!(long_pages.len() > 100 && long_config.len() > 100);
    let gnu = Style {
        gnu: true,
        gnu_long_names: true,
        ..Style::default()
    };
    assert_podman(&read_bytes(&tar(&items, &gnu)).unwrap());
    let pax = Style::default();
    assert_podman(&read_bytes(&tar(&items, &pax)).unwrap());
    let pax_all = Style {
        pax_every_name: true,
        ..Style::default()
    };
    assert_podman(&read_bytes(&tar(&items, &pax_all)).unwrap());
}

#[test]
fn pax_global_header_is_not_an_entry() {
    let mut items = vec![Item::PaxGlobal(vec![("comment".into(), "hi".into())])];
    items.extend(podman_items());
    let mut options = Options::default();
    options.want.entries = true;
    let c = ckpt::read(
        Source::from_reader(&plain(&items)[..], "test.tar"),
        &options,
    )
    .unwrap();
    assert_eq!(c.entries.len(), podman_items().len());
    assert_eq!(c.entries[0].name, "artifacts");
}

#[test]
fn zero_length_entries() {
    let mut items = podman_items();
    items.push(file("checkpoint/empty.img", ""));
    items.push(file("ctr.log", ""));
    let c = read_bytes(&plain(&items)).unwrap();
    assert_podman(&c);

    let mut items = podman_items();
    items[1] = file("config.dump", "");
    match read_bytes(&plain(&items)) {
        Err(Error::EmptyEntry { entry, archive, .. }) => {
            assert_eq!(
                (entry.as_str(), archive.as_str()),
                ("config.dump", "test.tar")
            );
        }
        other => panic!("{other:?}"),
    }

    let mut items = podman_items();
    items[3] = file("network.status", "");
    let c = read_bytes(&plain(&items)).unwrap();
    assert_eq!(c.network, None);
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].entry.as_deref(), Some("network.status"));
}

#[test]
fn multi_member_gzip_is_read_whole() {
    let t = plain(&podman_items());
    let gz = gzip_members(&t, 4);
    let c = read_bytes(&gz).unwrap();
    assert_podman(&c);
    assert_eq!(c.compression, Some(Compression::Gzip));
    assert_eq!(c.sizes.tar, Some(t.len() as u64));
    assert_eq!(c.sizes.archive, Some(gz.len() as u64));
}

#[test]
fn multi_frame_zstd_is_read_whole() {
    let t = plain(&podman_items());
    let zst = zstd_frames(&t, 5);
    let c = read_seekable(&zst).unwrap();
    assert_podman(&c);
    assert_eq!(c.compression, Some(Compression::Zstd));
    assert_eq!(c.sizes.tar, Some(t.len() as u64));
    assert_eq!(c.sizes.archive, Some(zst.len() as u64));
}

#[test]
fn short_reads_change_nothing() {
    let t = plain(&podman_items());
    for (seed, bytes) in [
        (1, t.clone()),
        (2, gzip_members(&t, 2)),
        (3, zstd_frames(&t, 2)),
    ] {
        for max in [1, 7, 600] {
            let r = ShortReads::new(&bytes[..], seed, max);
            let c = ckpt::read(Source::from_reader(r, "test.tar"), &Options::default()).unwrap();
            assert_podman(&c);
            assert_eq!(c.sizes.tar, Some(t.len() as u64));
        }
    }
}

/// Where each member's data ends, and where its padding ends: the input
/// may end anywhere between them (no end marker: a warning).
fn member_ends(t: &[u8]) -> Vec<(usize, usize)> {
    let mut ends = vec![];
    let mut archive = tar::Archive::new(t);
    for e in archive.entries().unwrap() {
        let e = e.unwrap();
        let data_end = e.raw_file_position() as usize + e.size() as usize;
        ends.push((data_end, data_end.next_multiple_of(512)));
    }
    ends
}

#[test]
fn truncation_anywhere_is_an_error_or_a_warning() {
    let t = plain(&podman_items());
    let ends = member_ends(&t);
    let end_marker = ends.last().unwrap().1;
    // Go's archive/tar ends cleanly where the input ends after a member's
    // data, in its padding included (the runtime extracts all of it).
    let clean = |n: usize| ends.iter().any(|&(data, end)| data <= n && n <= end);
    let cuts = (1..t.len())
        .step_by(97)
        .chain(ends.iter().flat_map(|&(data, end)| [data, end]))
        .chain((0..t.len()).step_by(512));
    for n in cuts.filter(|&n| n > 0 && n < t.len()) {
        let cut = &t[..n];
        for result in [read_bytes(cut), read_seekable(cut)] {
            match result {
                Err(Error::Truncated { .. } | Error::NotATar { .. }) => {}
                // Less than the first name and its NUL: nothing says tar.
                Err(Error::UnknownFormat { .. }) if n <= 10 => {}
                Ok(c) if n > end_marker => assert!(c.warnings.is_empty()),
                Ok(c) if clean(n) => {
                    assert!(
                        c.warnings
                            .iter()
                            .any(|w| w.message.contains("end-of-archive")),
                        "cut at {n}: {:?}",
                        c.warnings
                    );
                }
                other => panic!("cut at {n}: {other:?}"),
            }
        }
    }
}

#[test]
fn truncated_compressed_streams_are_errors() {
    let t = plain(&podman_items());
    for (name, bytes) in [("gzip", gzip(&t)), ("zstd", zstd(&t))] {
        // From 4 bytes on, the magic is complete.
        for n in (4..bytes.len())
            .step_by(37)
            .chain([bytes.len() - 1, bytes.len() - 4])
        {
            let cut = &bytes[..n];
            for result in [read_bytes(cut), read_seekable(cut)] {
                match result {
                    Err(Error::Truncated { compression, .. })
                    | Err(Error::Decompress { compression, .. }) => {
                        assert_eq!(compression.name(), name)
                    }
                    other => panic!("{name} cut at {n} of {}: {other:?}", bytes.len()),
                }
            }
        }
    }
}

#[test]
fn truncated_file_on_disk_names_the_entry() {
    let t = plain(&podman_items());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.tar");
    // Cut inside the pages data, which a plain tar by path seeks over.
    let pages_at = t
        .windows(22)
        .position(|w| w == b"checkpoint/pages-1.img")
        .unwrap();
    std::fs::write(&path, &t[..pages_at + 512 + 4000]).unwrap();
    match ckpt::read_path(&path, &Options::default()) {
        Err(Error::Truncated {
            entry, compression, ..
        }) => {
            assert_eq!(entry.as_deref(), Some("checkpoint/pages-1.img"));
            assert_eq!(compression, Compression::None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupt_streams_are_errors() {
    let t = plain(&podman_items());
    let mut gz = gzip(&t);
    let mid = gz.len() / 2;
    gz[mid] ^= 0xff;
    gz[mid + 1] ^= 0x55;
    assert!(read_bytes(&gz).is_err());
    let mut zst = zstd(&t);
    let mid = zst.len() / 2;
    zst[mid] ^= 0xff;
    assert!(read_bytes(&zst).is_err());
    // Garbage after a complete gzip member is not gzip.
    let mut gz = gzip(&t);
    gz.extend_from_slice(b"garbage after the stream");
    assert!(matches!(read_bytes(&gz), Err(Error::Decompress { .. })));
}

#[test]
fn corrupt_header_after_an_entry_names_it() {
    let mut t = plain(&podman_items());
    // The spec.dump header follows config.dump's single data block.
    let spec_at = t.windows(9).position(|w| w == b"spec.dump").unwrap();
    t[spec_at + 148] ^= 0x21; // checksum field
    match read_bytes(&t) {
        Err(Error::Tar {
            previous, offset, ..
        }) => {
            assert_eq!(previous.as_deref(), Some("config.dump"));
            assert_eq!(offset, spec_at as u64);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn not_a_tar_and_empty_input() {
    assert!(matches!(read_bytes(b""), Err(Error::Empty { .. })));
    assert!(matches!(
        read_bytes(b"{}\n"),
        Err(Error::UnknownFormat { looks_like, .. }) if looks_like == r#"text ("{}\n")"#
    ));
    assert!(matches!(
        read_bytes(&[0x42u8; 4096]),
        Err(Error::UnknownFormat { looks_like, .. }) if looks_like.starts_with("text (\"BBBB")
    ));
    // The start of a tar header, cut: a tar cut short, not a format.
    let t = plain(&podman_items());
    for n in [11, 50, 99, 100, 101, 200, 300, 511] {
        assert!(
            matches!(read_bytes(&t[..n]), Err(Error::NotATar { .. })),
            "{n}: {:?}",
            read_bytes(&t[..n])
        );
    }
    assert!(matches!(read_seekable(b""), Err(Error::Empty { .. })));
}

#[test]
#[cfg(not(any(feature = "xz", feature = "bzip2")))]
fn xz_and_bzip2_are_named_when_the_build_cannot_read_them() {
    let xz = [0xfd, b'7', b'z', b'X', b'Z', 0, 1, 2, 3];
    match read_bytes(&xz) {
        Err(e @ Error::UnsupportedCompression { .. }) => {
            assert_eq!(
                e.to_string(),
                "test.tar: xz compressed archives are not supported by this build (supported: none, gzip, zstd)"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_seekable(b"BZh91AY&SY"),
        Err(Error::UnsupportedCompression {
            compression: Compression::Bzip2,
            ..
        })
    ));
}

#[test]
#[cfg(all(feature = "xz", feature = "bzip2"))]
fn xz_and_bzip2_heads_alone_are_truncated_streams() {
    let xz = [0xfd, b'7', b'z', b'X', b'Z', 0, 1, 2, 3];
    match read_bytes(&xz) {
        Err(e @ Error::Truncated { .. }) => {
            assert_eq!(e.to_string(), "test.tar: truncated xz stream");
        }
        other => panic!("{other:?}"),
    }
    match read_seekable(b"BZh91AY&SY") {
        Err(e @ Error::Truncated { .. }) => {
            assert!(e.to_string().ends_with("truncated bzip2 stream"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn entry_over_the_cap_is_refused_before_allocating() {
    let mut options = Options::default();
    options.limits.max_entry_size = 100;
    let t = plain(&podman_items());
    match ckpt::read(Source::from_reader(&t[..], "test.tar"), &options) {
        Err(Error::EntryTooLarge {
            entry, size, limit, ..
        }) => {
            assert_eq!(entry, "config.dump");
            assert_eq!(size, config_dump("test-ctr", ID).len() as u64);
            assert_eq!(limit, 100);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn declared_terabyte_config_dump_is_not_allocated() {
    // A header that claims 1 TiB followed by 10 bytes: refused from the
    // header, in no time and without memory.
    let bytes = lying_member("config.dump", 1 << 40, 10);
    match read_bytes(&bytes) {
        Err(Error::EntryTooLarge { size, entry, .. }) => {
            assert_eq!(size, 1 << 40);
            assert_eq!(entry, "config.dump");
        }
        other => panic!("{other:?}"),
    }
    // Under a bigger cap the same lie is a truncated archive, still without
    // allocating the declared size.
    let mut options = Options::default();
    options.limits.max_entry_size = 1 << 20;
    let bytes = lying_member("config.dump", 1 << 19, 10);
    let e = ckpt::read(Source::from_reader(&bytes[..], "test.tar"), &options).unwrap_err();
    assert!(
        matches!(&e, Error::Truncated { entry: Some(e), .. } if e == "config.dump"),
        "{e:?}"
    );
    // Where the input ended, in the tar stream.
    assert_eq!(e.offset(), Some(bytes.len() as u64));
}

#[test]
fn metadata_only_reads_every_header_so_a_later_copy_wins() {
    // The runtime's extraction leaves the last config.dump on disk: a
    // metadata-only read must not stop at the first.
    let mut items = podman_items();
    items.push(file("config.dump", config_dump("later", ID)));
    let t = plain(&items);
    let options = Options::new(Want::metadata_only());
    for source in [
        Source::from_reader(&t[..], "test.tar"),
        Source::from_seekable(Cursor::new(&t[..]), "test.tar").unwrap(),
    ] {
        let c = ckpt::read(source, &options).unwrap();
        assert!(c.complete);
        assert_eq!(c.container.name, "later");
        assert!(
            c.warnings
                .iter()
                .any(|w| w.kind == ckpt::WarningKind::DuplicateEntry
                    && w.entry.as_deref() == Some("config.dump"))
        );
    }
    // Cut after spec.dump: the truncation is noticed, not hidden.
    let spec_at = t.windows(9).position(|w| w == b"spec.dump").unwrap();
    let cut = &t[..spec_at + 512 + 512 + 100];
    let e = ckpt::read(Source::from_reader(cut, "test.tar"), &options).unwrap_err();
    assert!(matches!(e, Error::Truncated { .. }), "{e:?}");
}

#[test]
fn plain_tar_by_path_skips_pages_without_reading_them() {
    let mut items = podman_items();
    items.push(file("checkpoint/pages-2.img", vec![0xabu8; 8 << 20]));
    let t = plain(&items);
    let read = Arc::new(AtomicU64::new(0));
    let r = CountingSeek {
        inner: Cursor::new(&t[..]),
        read: read.clone(),
    };
    let c = ckpt::read(
        Source::from_seekable(r, "test.tar").unwrap(),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(c.sizes.pages, 8192 + (8 << 20));
    // Headers, small metadata and buffer read-ahead only.
    assert!(read.load(Ordering::Relaxed) < 1 << 20, "{read:?}");
}

#[test]
fn duplicate_config_dump_last_one_wins_with_a_warning() {
    let mut items = podman_items();
    items.push(file("./config.dump", config_dump("second", ID)));
    let c = read_bytes(&plain(&items)).unwrap();
    assert_eq!(c.container.name, "second");
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].message.contains("more than once"));
}

/// checkpointctl writes entries to `filepath.Join(tmp, name)`: an entry named
/// `../../tmp/x/config.dump` lands outside its temp dir. Here it is a
/// warning and never taken for config.dump.
#[test]
fn dot_dot_names_are_never_well_known() {
    let mut items = podman_items();
    items.push(file(
        "../../../tmp/zipslip/config.dump",
        config_dump("evil", ID),
    ));
    let c = read_bytes(&plain(&items)).unwrap();
    assert_eq!(c.container.name, "test-ctr");
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(
        c.warnings[0].entry.as_deref(),
        Some("../../../tmp/zipslip/config.dump")
    );
}

#[test]
fn symlink_named_config_dump_is_not_followed() {
    let mut items: Vec<Item> = podman_items().into_iter().skip(2).collect();
    items.insert(0, Item::Symlink("config.dump".into(), "/etc/shadow".into()));
    items.insert(1, file("spec.dump", PODMAN_SPEC));
    let c = read_bytes(&plain(&items)).unwrap();
    assert!(c.config.is_none());
    assert_eq!(c.warnings[0].entry.as_deref(), Some("config.dump"));
    assert!(matches!(
        c.require_config(),
        Err(Error::MissingEntry { entry, .. }) if entry == "config.dump"
    ));
}

#[test]
fn invalid_json_in_required_and_optional_entries() {
    let mut items = podman_items();
    items[2] = file("spec.dump", "{\"annotations\": ");
    match read_bytes(&plain(&items)) {
        Err(e @ Error::Json { .. }) => {
            assert_eq!(
                e.to_string(),
                "test.tar: failed to unmarshal spec.dump at byte 2048"
            )
        }
        other => panic!("{other:?}"),
    }
    let mut items = podman_items();
    items[3] = file("network.status", "{\"podman\": [1]}");
    items[8] = file("deleted.files", "not json");
    let c = read_bytes(&plain(&items)).unwrap();
    assert_eq!(c.container.ip, "");
    assert_eq!(c.deleted_files, None);
    let warned: Vec<_> = c
        .warnings
        .iter()
        .filter_map(|w| w.entry.as_deref())
        .collect();
    assert_eq!(warned, ["network.status", "deleted.files"]);
}

#[test]
fn network_status_null_is_a_pod_member() {
    let mut items = podman_items();
    items[3] = file("network.status", "null");
    let c = read_bytes(&plain(&items)).unwrap();
    assert_eq!(c.network, Some(NetworkStatus::Null));
    assert_eq!(c.container.ip, "");
    assert!(c.warnings.is_empty());
}

#[test]
fn containerd_layout() {
    let spec = r#"{"annotations": {"io.kubernetes.cri.container-name": "ctr-name",
        "io.kubernetes.cri.sandbox-name": "sandbox-pod", "io.kubernetes.cri.sandbox-namespace": "kube-ns"}}"#;
    let items = vec![
        file("config.dump", config_dump("ignored", ID)),
        file("spec.dump", spec),
        file(
            "status",
            r#"{"CreatedAt": 1706366726000000000, "Pid": 4242, "ExitCode": 0}"#,
        ),
        dir("checkpoint"),
        file("checkpoint/amdgpu-pages-1-c00f.img", vec![1u8; 3000]),
    ];
    let c = read_bytes(&plain(&items)).unwrap();
    assert_eq!(c.container.engine, Engine::Containerd);
    assert_eq!(c.container.name, "ctr-name");
    assert_eq!(c.container.pod, "sandbox-pod");
    assert_eq!(c.container.namespace, "kube-ns");
    assert_eq!(c.containerd_status.as_ref().unwrap().pid, 4242);
    assert_eq!(c.sizes.amdgpu_pages, 3000);
    assert_eq!(c.sizes.checkpoint, 3000);
}

#[test]
fn entries_are_readable_in_order() {
    let t = zstd(&plain(&podman_items()));
    let mut archive = Archive::new(Source::from_reader(&t[..], "test.tar")).unwrap();
    assert_eq!(archive.compression(), Some(Compression::Zstd));
    let mut seen = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.kind() == (EntryKind::Pages { id: 1 }) {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            assert_eq!(data, pattern(8192));
        }
        seen.push((entry.name().to_owned(), entry.kind()));
    }
    assert_eq!(seen.len(), podman_items().len());
    assert_eq!(
        seen[4],
        ("checkpoint".to_owned(), EntryKind::CheckpointDirectory)
    );
}

#[test]
fn read_dir_reads_an_extracted_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    for item in podman_items() {
        match item {
            Item::File(n, d) => std::fs::write(dir.path().join(n), d).unwrap(),
            Item::Dir(n) => std::fs::create_dir_all(dir.path().join(n)).unwrap(),
            _ => {}
        }
    }
    let c = ckpt::read_path(dir.path(), &Options::default()).unwrap();
    assert_eq!(c.compression, None);
    assert_podman(&c);

    let (config, path) = ckpt::metadata::read_container_checkpoint_config_dump(dir.path()).unwrap();
    assert_eq!(config.name, "test-ctr");
    assert_eq!(path, dir.path().join("config.dump"));
    let (deleted, _) = ckpt::metadata::read_container_checkpoint_deleted_files(dir.path()).unwrap();
    assert_eq!(deleted, ["/etc/gone"]);

    // Written back by write_json_file, mode 0600, read again.
    let out = tempfile::tempdir().unwrap();
    let written = ckpt::metadata::write_json_file(&config, out.path(), "config.dump").unwrap();
    let (again, _) = ckpt::metadata::read_container_checkpoint_config_dump(out.path()).unwrap();
    assert_eq!(again, config);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(written).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[cfg(unix)]
#[test]
fn read_dir_does_not_follow_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.json");
    std::fs::write(&secret, config_dump("secret", ID)).unwrap();
    let ckpt_dir = dir.path().join("ckpt");
    std::fs::create_dir_all(ckpt_dir.join("checkpoint")).unwrap();
    std::os::unix::fs::symlink(&secret, ckpt_dir.join("config.dump")).unwrap();
    std::fs::write(ckpt_dir.join("spec.dump"), PODMAN_SPEC).unwrap();
    let c = ckpt::read_path(&ckpt_dir, &Options::default()).unwrap();
    assert!(c.config.is_none());
    assert!(
        c.warnings
            .iter()
            .any(|w| w.entry.as_deref() == Some("config.dump"))
    );
}

#[cfg(feature = "oci-spec")]
#[test]
fn typed_oci_spec_when_it_parses_and_a_warning_when_not() {
    let c = ckpt::read_path(fixture("multi-proc.none.tar"), &Options::default()).unwrap();
    let typed = c.oci_spec.as_ref().expect("Podman's spec.dump parses");
    assert_eq!(typed.hostname().as_deref(), Some("6d4563df143d"));

    let spec = r#"{"ociVersion": "1.2.0", "annotations": {"io.container.manager": "libpod"},
        "process": {"user": {"uid": 0, "gid": 0}, "cwd": "/", "args": ["sh"],
                    "capabilities": {"bounding": ["CAP_FROM_THE_FUTURE"]}}}"#;
    let mut items = podman_items();
    items[2] = file("spec.dump", spec);
    let c = read_bytes(&plain(&items)).unwrap();
    // The lenient reading still has everything; the typed one is absent.
    assert_eq!(c.container.engine, Engine::Podman);
    assert_eq!(
        c.spec.as_ref().unwrap().process.as_ref().unwrap().args,
        ["sh"]
    );
    assert!(c.oci_spec.is_none());
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].entry.as_deref(), Some("spec.dump"));
}
