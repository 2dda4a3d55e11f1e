//! The real archives of tests/fixtures (see its README): values from the
//! corpus MANIFEST and the archive listings.

mod common;

use ckpt::metadata::NetworkStatus;
use ckpt::{Compression, Engine, EntryKind, Options, Want};
use common::fixture;

fn read(name: &str) -> ckpt::Checkpoint {
    ckpt::read_path(fixture(name), &Options::default()).unwrap()
}

#[test]
fn mini_sleep_in_three_compressions() {
    // (file, compression, archive size, checkpoint size): the uncompressed
    // dump differs by 2 bytes (timens-0.img) from the two compressed ones.
    let cases = [
        ("mini-sleep.none.tar", Compression::None, 164_864, 92_063),
        ("mini-sleep.gzip.tar.gz", Compression::Gzip, 27_411, 92_065),
        ("mini-sleep.zstd.tar.zst", Compression::Zstd, 26_549, 92_065),
    ];
    for (file, compression, archive_size, checkpoint_size) in cases {
        let c = read(file);
        assert_eq!(c.compression, Some(compression));
        assert_eq!(c.container.engine, Engine::Podman);
        assert_eq!(c.container.name, "mini-sleep");
        assert_eq!(c.container.created, "2026-11-28T17:36:08Z");
        assert_eq!(c.container.ip, "10.88.0.6");
        let config = c.require_config().unwrap();
        assert_eq!(
            config.id,
            "8af28eabddda60146716a9d7497aec9f0bf3779f9e439a151d8b13ea885123c2"
        );
        assert_eq!(config.rootfs_image_name, "localhost/mini:latest");
        assert_eq!(config.oci_runtime, "runc");
        // Podman 4.3.1 writes no checkpointedTime.
        assert!(config.checkpointed_time.is_zero());
        assert_eq!(c.sizes.pages, 69_632);
        assert_eq!(c.sizes.checkpoint, checkpoint_size);
        assert_eq!(c.sizes.rootfs_diff, 0);
        assert_eq!(c.sizes.archive, Some(archive_size));
        assert_eq!(c.sizes.tar, Some(164_864));
        assert!(c.has_checkpoint_directory);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }
}

#[test]
fn multi_proc_metadata() {
    let c = read("multi-proc.none.tar");
    assert_eq!(c.container.name, "multi-proc");
    assert_eq!(c.container.ip, "10.88.0.8");
    assert_eq!(c.container.mac, "ae:62:a0:75:0e:7a");
    assert_eq!(c.container.networks[0].name, "podman");
    assert_eq!(
        c.container.networks[0].interfaces["eth0"].ip,
        "10.88.0.8/16"
    );
    assert_eq!(
        c.container.networks[0].interfaces["eth0"].gateway,
        "10.88.0.1"
    );
    assert_eq!(
        c.require_config().unwrap().id,
        "6d4563df143d8771152c9b09da829d66a0ffe01a2dacfb4cb84ba8896e46c6d5"
    );
    assert_eq!(
        c.deleted_files.as_deref(),
        Some(&["/etc/delete-me.txt".to_owned()][..])
    );
    let spec = c.require_spec().unwrap();
    assert_eq!(spec.hostname, "6d4563df143d");
    assert_eq!(spec.annotation("io.container.manager"), Some("libpod"));
    let process = spec.process.as_ref().unwrap();
    assert_eq!(process.args, ["/usr/bin/ckptwork", "multi"]);
    assert!(
        process
            .env
            .contains(&"MARKER_ENV=ENV_MARKER_c0ffee".to_owned())
    );
    assert!(process.env.contains(&"EMPTY_VAR=".to_owned()));
    assert_eq!(spec.mounts.len(), 12);
    // pages-1..5.img, 720,896 bytes together; 794,736 under checkpoint/.
    assert_eq!(c.sizes.pages, 720_896);
    assert_eq!(c.sizes.checkpoint, 794_736);
    assert_eq!(c.sizes.rootfs_diff, 14_848);
    assert_eq!(c.sizes.tar, Some(915_456));
}

#[test]
fn multi_proc_entry_list_matches_the_archive() {
    let mut options = Options::default();
    options.want.entries = true;
    let c = ckpt::read_path(fixture("multi-proc.none.tar"), &options).unwrap();
    assert_eq!(c.entries.len(), 66);
    let first: Vec<_> = c.entries[..8]
        .iter()
        .map(|e| (e.name.as_str(), e.size))
        .collect();
    assert_eq!(
        first,
        [
            ("artifacts", 0),
            ("devshm-checkpoint.tar", 1536),
            ("config.dump", 23_709),
            ("spec.dump", 21_175),
            ("network.status", 242),
            ("stats-dump", 49),
            ("ctr.log", 0),
            ("checkpoint", 0),
        ]
    );
    let last = c.entries.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.kind, last.size),
        ("volumes/ckptvol.tar", EntryKind::Volume, 2560)
    );
    let pages: Vec<_> = c
        .entries
        .iter()
        .filter_map(|e| match e.kind {
            EntryKind::Pages { id } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(pages, [1, 2, 3, 4, 5]);
}

#[test]
fn crio_counter() {
    let c = read("crio-counter.assembled.tar");
    assert_eq!(c.container.engine, Engine::CriO);
    // The name comes from the io.kubernetes.cri-o.Metadata annotation, not
    // from config.dump's k8s_counter_counters_default_… name.
    assert_eq!(c.container.name, "counter");
    assert_eq!(c.container.ip, "10.88.0.42");
    assert_eq!(c.container.pod, "counters");
    assert_eq!(c.container.namespace, "default");
    assert_eq!(c.container.created, "2026-11-28T17:38:14.555988734Z");
    let config = c.require_config().unwrap();
    assert_eq!(
        config.id,
        "03a294012b41f7eee3d672a9b67d29a48017758ec766f31528730786f5ae4f24"
    );
    assert_eq!(
        config.checkpointed_time.to_rfc3339(),
        "2026-11-28T17:38:20Z"
    );
    assert!(config.restored_time.is_zero());
    assert_eq!(c.require_spec().unwrap().annotations.len(), 31);
    let mounts = c.bind_mounts.as_ref().unwrap();
    let destinations: Vec<_> = mounts.iter().map(|m| m.destination.as_str()).collect();
    assert_eq!(
        destinations,
        ["/etc/hostname", "/etc/resolv.conf", "/etc/hosts"]
    );
    assert_eq!(mounts[0].permissions, 420);
    assert_eq!(c.network, None);
    assert_eq!(c.sizes.pages, 77_824 + 61_440);
    assert_eq!(c.sizes.checkpoint, 174_148);
    assert_eq!(c.sizes.rootfs_diff, 2048);
}

#[test]
fn crio_metadata_comes_after_the_images_so_metadata_only_reads_to_the_end() {
    let options = Options::new(Want::metadata_only());
    let c = ckpt::read_path(fixture("crio-counter.assembled.tar"), &options).unwrap();
    // bind.mounts, rootfs-diff.tar and the log follow spec.dump: their
    // headers are read all the same, for a later copy of either.
    assert!(c.complete);
    assert_eq!(c.container.name, "counter");
}

#[test]
fn gnu_tar_packings_with_dot_prefixes() {
    // (fixture, id prefix, checkpoint size, pages size), from the listings.
    let cases = [
        (
            "piggie-imgs.gnutar.tar.zst",
            "992c9f0c7013",
            747_290,
            720_896,
        ),
        (
            "piggie-diff-a.gnutar.tar.zst",
            "46285833bab5",
            1_230_792,
            1_187_840,
        ),
        (
            "piggie-diff-b.gnutar.tar.zst",
            "46285833bab5",
            858_357,
            827_392,
        ),
    ];
    for (file, id, checkpoint, pages) in cases {
        let c = read(file);
        assert_eq!(c.container.engine, Engine::Podman);
        assert_eq!(c.container.name, "piggie");
        assert_eq!(c.container.created, "2026-01-01T00:00:00Z");
        let config = c.require_config().unwrap();
        assert!(config.id.starts_with(id), "{}", config.id);
        assert_eq!(config.rootfs_image_name, "none/piggie:host-process");
        assert_eq!(c.sizes.checkpoint, checkpoint, "{file}");
        assert_eq!(c.sizes.pages, pages, "{file}");
        assert!(c.network.is_none());
    }
}

#[test]
fn podman_network_status_is_parsed() {
    let c = read("mini-sleep.gzip.tar.gz");
    let Some(NetworkStatus::Networks(networks)) = &c.network else {
        panic!("{:?}", c.network);
    };
    let eth0 = &networks["podman"].interfaces["eth0"];
    assert_eq!(eth0.subnets[0].ipnet, "10.88.0.6/16");
    assert_eq!(eth0.subnets[0].gateway, "10.88.0.1");
}
