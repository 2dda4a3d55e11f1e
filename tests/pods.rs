//! Pod checkpoints in all three layouts, as tars (plain, compressed, a
//! stream) and as the directories the CRI writes, built in code from real
//! container checkpoints (tests/common/pods.rs). Every container read from
//! a pod must equal the same checkpoint read on its own.

mod common;

use std::collections::BTreeMap;
use std::io;

use ckpt::memory::{MemoryChunk, MemorySink};
use ckpt::model::{PodLayout, Unread};
use ckpt::{Checkpoint, Options, Source, Want};
use common::Item;
use common::pods::{self, COUNTER_ID, NAMESPACE, POD, SANDBOX, SLEEPER_ID, UID};

fn all() -> Options {
    Options::new(Want::all())
}

/// The three layouts, with what each says about the pod's engine.
fn layouts() -> Vec<(PodLayout, Vec<Item>, &'static str)> {
    let c = pods::containers();
    vec![
        (PodLayout::PodOptions, pods::pod_options_items(&c), "cri-o"),
        (
            PodLayout::ContainerdManifest,
            pods::containerd_items(&c),
            "containerd",
        ),
        (
            PodLayout::CrioManifest,
            pods::crio_manifest_items(&c),
            "cri-o",
        ),
    ]
}

/// A layout from every kind of source: a plain tar and a .tar.zst by
/// path, a stream, and the directory the CRI writes.
fn every_source(items: &[Item], options: &Options, mut check: impl FnMut(&str, Checkpoint)) {
    let dir = tempfile::tempdir().unwrap();
    let tar = common::plain(items);
    let plain = dir.path().join("pod.tar");
    std::fs::write(&plain, &tar).unwrap();
    let zst = dir.path().join("pod.tar.zst");
    std::fs::write(&zst, common::zstd(&tar)).unwrap();
    let root = dir.path().join("pod-dir");
    pods::write_dir(items, &root);
    for path in [&plain, &zst, &root] {
        let c = ckpt::read(Source::open(path).unwrap(), options).unwrap();
        check(&path.display().to_string(), c);
    }
    let stream = Source::from_reader(tar.as_slice(), "stream");
    check("stream", ckpt::read(stream, options).unwrap());
}

/// The container checkpoints the pod was built from, read on their own.
fn originals() -> BTreeMap<&'static str, Checkpoint> {
    pods::containers()
        .into_iter()
        .map(|c| {
            let read = ckpt::read(Source::from_read_at(c.tar(), c.name).unwrap(), &all());
            (c.name, read.unwrap())
        })
        .collect()
}

fn pids(c: &Checkpoint) -> Vec<u32> {
    c.processes().map(|p| p.pid()).collect()
}

fn argv(c: &Checkpoint) -> Vec<String> {
    c.texts.values().map(|t| format!("{:?}", t.args)).collect()
}

#[test]
fn every_layout_from_every_source_reads_the_pod_and_both_containers() {
    let originals = originals();
    // What the real dumps hold: counter's shell and its sleep, mini-sleep's
    // one process.
    assert_eq!(pids(&originals["counter"]), [1, 11]);
    assert_eq!(pids(&originals["sleeper"]), [1]);
    for (layout, items, engine) in layouts() {
        every_source(&items, &all(), |source, c| {
            let at = format!("{layout:?} from {source}");
            let pod = c.pod.as_ref().unwrap_or_else(|| panic!("{at}: no pod"));
            assert_eq!(pod.layout, layout, "{at}");
            assert_eq!(
                (pod.name.as_str(), pod.namespace.as_str(), pod.uid.as_str()),
                (POD, NAMESPACE, UID),
                "{at}"
            );
            assert_eq!(pod.engine, engine, "{at}");
            assert_eq!(pod.sandbox_id, SANDBOX, "{at}");
            assert_eq!(pod.names(), ["counter", "sleeper"], "{at}");
            let ids: Vec<&str> = pod.containers.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, [COUNTER_ID, SLEEPER_ID], "{at}");
            for container in &pod.containers {
                let got = container.checkpoint.as_deref().unwrap();
                let want = &originals[container.name.as_str()];
                assert_eq!(pids(got), pids(want), "{at}: {}", container.name);
                assert_eq!(argv(got), argv(want), "{at}: {}", container.name);
                assert_eq!(got.container, want.container, "{at}");
                assert_eq!(got.sizes.pages, want.sizes.pages, "{at}");
                assert_eq!(got.config, want.config, "{at}");
                let in_pod = got.in_pod.as_ref().unwrap();
                assert_eq!(
                    (in_pod.pod.as_str(), in_pod.container.as_str()),
                    (POD, container.name.as_str())
                );
                assert!(got.warnings.is_empty(), "{at}: {:?}", got.warnings);
            }
            assert!(c.warnings.is_empty(), "{at}: {:?}", c.warnings);
        });
    }
}

#[test]
fn the_pod_options_layout_keeps_its_annotations_and_crio_manifest_its_digests() {
    let c = pods::containers();
    let tar = common::plain(&pods::pod_options_items(&c));
    let read = ckpt::read(Source::from_read_at(tar, "a").unwrap(), &all()).unwrap();
    let pod = read.pod.unwrap();
    assert_eq!(pod.engine_version, "1.36.0");
    assert_eq!(pod.criu_version, "40200");
    assert_eq!(pod.format_version, Some(1));
    assert_eq!(
        pod.containers[0].member,
        format!("{COUNTER_ID}-k8s_counter_{POD}_{NAMESPACE}_{UID}_0")
    );
    assert_eq!(read.pod_options.unwrap().containers.len(), 2);

    let tar = common::plain(&pods::crio_manifest_items(&c));
    let read = ckpt::read(Source::from_read_at(tar, "c").unwrap(), &all()).unwrap();
    let pod = read.pod.unwrap();
    assert_eq!(pod.runtime_handler, "crun");
    for (container, want) in pod.containers.iter().zip(&c) {
        use sha2::Digest;
        let digest = pods::hex(&sha2::Sha256::digest(want.tar()));
        assert_eq!(container.declared_sha256, digest);
        assert_eq!(
            container.member,
            format!("containers/{}.tar", want.id_digest())
        );
    }
}

/// Keeps what the sink is given, by pid.
#[derive(Default)]
struct Keep(BTreeMap<u32, Vec<u8>>);

impl MemorySink for Keep {
    fn wants(&self, _pid: u32) -> bool {
        true
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        self.0
            .entry(chunk.pid)
            .or_default()
            .extend_from_slice(chunk.data);
        Ok(true)
    }
}

#[test]
fn a_container_chosen_by_name_or_id_is_read_alone_and_given_the_memory() {
    let mut alone = Keep::default();
    let sleeper = pods::sleeper();
    ckpt::read_with(
        Source::from_read_at(sleeper.tar(), "sleeper").unwrap(),
        &all(),
        &mut alone,
    )
    .unwrap();
    assert!(alone.0[&1].len() > 4096);
    for (_, items, _) in layouts() {
        for selector in ["sleeper", &SLEEPER_ID[..12]] {
            let options = Options {
                container: Some(selector.to_owned()),
                ..all()
            };
            let mut sources = 0;
            every_source(&items, &options, |_, _| sources += 1);
            assert_eq!(sources, 4);
            let tar = common::plain(&items);
            let mut kept = Keep::default();
            let c = ckpt::read_with(
                Source::from_reader(tar.as_slice(), "s"),
                &options,
                &mut kept,
            )
            .unwrap();
            assert_eq!(kept.0, alone.0, "{selector}");
            let pod = c.pod.unwrap();
            assert_eq!(pod.containers[0].unread, Some(Unread::NotChosen));
            assert!(pod.containers[0].checkpoint.is_none());
            assert!(pod.container(selector).unwrap().checkpoint.is_some());
        }
    }
}

/// Keeps each container's memory apart, as a sink that wants them all.
#[derive(Default)]
struct KeepEach {
    current: Option<String>,
    memory: BTreeMap<(String, u32), Vec<u8>>,
}

impl MemorySink for KeepEach {
    fn wants(&self, _pid: u32) -> bool {
        true
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        let member = self
            .current
            .clone()
            .expect("a container is announced first");
        self.memory
            .entry((member, chunk.pid))
            .or_default()
            .extend_from_slice(chunk.data);
        Ok(true)
    }

    fn every_container(&self) -> bool {
        true
    }

    fn container(&mut self, member: &str) {
        self.current = Some(member.to_owned());
    }
}

/// Each container's memory as the sink kept it, by container name.
fn by_name(c: &Checkpoint, kept: KeepEach) -> BTreeMap<(String, u32), Vec<u8>> {
    let pod = c.pod.as_ref().unwrap();
    kept.memory
        .into_iter()
        .map(|((member, pid), bytes)| {
            let name = pod.containers.iter().find(|c| c.member == member).unwrap();
            ((name.name.clone(), pid), bytes)
        })
        .collect()
}

#[test]
fn a_sink_that_wants_every_container_gets_each_one_s_memory_apart() {
    // What each container's processes hold, read on their own.
    let mut alone = BTreeMap::new();
    for c in pods::containers() {
        let mut kept = Keep::default();
        let source = Source::from_read_at(c.tar(), c.name).unwrap();
        ckpt::read_with(source, &all(), &mut kept).unwrap();
        for (pid, bytes) in kept.0 {
            alone.insert((c.name.to_owned(), pid), bytes);
        }
    }
    let keys: Vec<(&str, u32)> = alone.keys().map(|(n, p)| (n.as_str(), *p)).collect();
    assert_eq!(keys, [("counter", 1), ("counter", 11), ("sleeper", 1)]);
    // The pod.options layout with the two directories' entries taking
    // turns, each in its own order: the sink hears each change.
    let options_items = pods::pod_options_items(&pods::containers());
    let (counter, rest): (Vec<Item>, Vec<Item>) = options_items
        .into_iter()
        .partition(|i| matches!(i, Item::File(n, _) | Item::Dir(n) if n.starts_with(COUNTER_ID)));
    let (sleeper, pod_files): (Vec<Item>, Vec<Item>) = rest
        .into_iter()
        .partition(|i| matches!(i, Item::File(n, _) | Item::Dir(n) if n.starts_with(SLEEPER_ID)));
    let mut interleaved = Vec::new();
    let (mut a, mut b) = (counter.into_iter(), sleeper.into_iter());
    loop {
        match (a.next(), b.next()) {
            (None, None) => break,
            (x, y) => interleaved.extend(x.into_iter().chain(y)),
        }
    }
    interleaved.extend(pod_files);
    let mut cases: Vec<Vec<Item>> = layouts().into_iter().map(|(_, items, _)| items).collect();
    cases.push(interleaved);
    for items in cases {
        let dir = tempfile::tempdir().unwrap();
        let tar = common::plain(&items);
        let plain = dir.path().join("pod.tar");
        std::fs::write(&plain, &tar).unwrap();
        let zst = dir.path().join("pod.tar.zst");
        std::fs::write(&zst, common::zstd(&tar)).unwrap();
        let root = dir.path().join("pod-dir");
        pods::write_dir(&items, &root);
        let sources = [
            Source::open(&plain).unwrap(),
            Source::open(&zst).unwrap(),
            Source::open(&root).unwrap(),
            Source::from_reader(tar.as_slice(), "stream"),
        ];
        for source in sources {
            let name = source.name().to_owned();
            let mut kept = KeepEach::default();
            let c = ckpt::read_with(source, &all(), &mut kept).unwrap();
            assert!(c.complete, "{name}");
            assert!(by_name(&c, kept) == alone, "{name}");
        }
    }
}

#[test]
fn without_a_chosen_container_a_sink_that_knows_no_containers_gets_nothing() {
    for (_, items, _) in layouts() {
        let tar = common::plain(&items);
        let mut kept = Keep::default();
        let c =
            ckpt::read_with(Source::from_read_at(tar, "p").unwrap(), &all(), &mut kept).unwrap();
        assert!(kept.0.is_empty());
        assert_eq!(c.pod.unwrap().checkpoints().count(), 2);
    }
}

#[test]
fn a_container_the_pod_lists_but_the_archive_lacks_is_missing() {
    let both = pods::containers();
    for (layout, items) in [
        (PodLayout::PodOptions, pods::pod_options_items(&both)),
        (PodLayout::CrioManifest, pods::crio_manifest_items(&both)),
    ] {
        // Leave out everything of sleeper's.
        let dropped: Vec<Item> = items
            .into_iter()
            .filter(|i| match i {
                Item::File(n, _) | Item::Dir(n) => {
                    !n.starts_with(SLEEPER_ID) && !n.contains(&both[1].id_digest())
                }
                _ => true,
            })
            .collect();
        let tar = common::plain(&dropped);
        let c = ckpt::read(Source::from_read_at(tar, "p").unwrap(), &all()).unwrap();
        let pod = c.pod.unwrap();
        assert_eq!(pod.layout, layout);
        assert_eq!(pod.names(), ["counter", "sleeper"]);
        assert_eq!(
            pod.containers[1].unread,
            Some(Unread::Missing),
            "{layout:?}"
        );
        assert!(pod.containers[0].checkpoint.is_some());
    }
}

#[test]
fn containerd_v2_archives_are_oci_images_named_not_read() {
    let c = pods::containers();
    let mut items = pods::containerd_items(&c);
    for item in &mut items {
        if let Item::File(n, data) = item
            && n == "checkpoint-manifest.json"
        {
            let mut m: serde_json::Value = serde_json::from_slice(data).unwrap();
            m["version"] = 2.into();
            for c in m["containers"].as_array_mut().unwrap() {
                c["config"] = serde_json::json!({"metadata": {"name": c["name"]}});
                c["status"] = serde_json::json!({"image_ref": "sha256:00"});
            }
            *data = serde_json::to_vec(&m).unwrap();
        }
    }
    let tar = common::plain(&items);
    let read = ckpt::read(Source::from_read_at(tar, "p").unwrap(), &all()).unwrap();
    let pod = read.pod.unwrap();
    assert_eq!(pod.format_version, Some(2));
    for container in &pod.containers {
        assert_eq!(container.unread, Some(Unread::OciImage));
    }
    assert_eq!(pod.names(), ["counter", "sleeper"]);
}

#[test]
fn one_limit_holds_every_container_together() {
    for (layout, items, _) in layouts() {
        let tar = common::plain(&items);
        let whole = ckpt::read(Source::from_read_at(tar.clone(), "p").unwrap(), &all()).unwrap();
        let one = whole.pod.unwrap();
        assert_eq!(one.checkpoints().count(), 2);
        // Enough for either container on its own, not for both.
        let mut options = all();
        options.limits.max_total_size = pods::containers()
            .iter()
            .map(|c| least_total(&c.tar()))
            .max()
            .unwrap();
        let e = ckpt::read(Source::from_read_at(tar.clone(), "p").unwrap(), &options);
        match e {
            Err(ckpt::Error::LimitExceeded { limit, .. }) => {
                assert_eq!(limit, ckpt::LimitKind::TotalSize, "{layout:?}")
            }
            other => panic!("{layout:?}: {:?}", other.map(|c| c.pod.is_some())),
        }
        // Kept partial: what was read before the limit, and the damage.
        options.keep_partial = true;
        let c = ckpt::read(Source::from_read_at(tar, "p").unwrap(), &options).unwrap();
        let pod = c.pod.unwrap();
        // The pod's damage, or (a container archive's limit being what is
        // left of the pod's) that container's.
        let damaged = c.damage.is_some()
            || pod.containers.iter().any(|c| {
                c.error.is_some() || c.checkpoint.as_ref().is_some_and(|k| k.damage.is_some())
            });
        assert!(damaged, "{layout:?}");
        assert!(pod.containers[0].checkpoint.is_some(), "{layout:?}");
    }
}

/// The least `max_total_size` a read of `tar` succeeds with.
fn least_total(tar: &[u8]) -> u64 {
    let reads = |max: u64| {
        let mut options = all();
        options.limits.max_total_size = max;
        ckpt::read(Source::from_read_at(tar, "c").unwrap(), &options).is_ok()
    };
    let (mut low, mut high) = (0u64, 64 << 20);
    assert!(reads(high));
    while low + 1 < high {
        let mid = (low + high) / 2;
        if reads(mid) { high = mid } else { low = mid }
    }
    high
}

#[test]
fn a_manifest_listing_past_65536_containers_is_read_past_not_held() {
    // 70,000 containers none of which is there, then a million items that
    // are no container at all: 2 MiB of JSON that would be gigabytes held
    // (60 MiB of them took 8.6 GB before the list was capped).
    let listed: Vec<String> = (0..70_000)
        .map(|i| format!("{{\"name\":\"c{i}\",\"archive\":\"containers/{i}.tar\"}}"))
        .collect();
    let manifest = format!(
        "{{\"version\":1,\"containers\":[{},{}]}}",
        listed.join(","),
        vec!["0"; 1_000_000].join(",")
    );
    let tar = common::plain(&[common::file("checkpoint-manifest.json", manifest)]);
    let c = ckpt::read(Source::from_read_at(tar, "p").unwrap(), &all()).unwrap();
    let pod = c.pod.unwrap();
    assert_eq!(pod.containers.len(), 65_536);
    assert_eq!(pod.containers[65_535].name, "c65535");
    assert!(
        pod.containers
            .iter()
            .all(|c| c.unread == Some(Unread::Missing))
    );
}

#[test]
fn cat_refuses_a_second_copy_of_the_container_archive_before_writing_it() {
    let both = pods::containers();
    let mut items = pods::crio_manifest_items(&both);
    let archive = format!("containers/{}.tar", both[0].id_digest());
    let again = items
        .iter()
        .find(|i| matches!(i, Item::File(n, _) if *n == archive))
        .cloned()
        .unwrap();
    items.push(again);
    let tar = common::plain(&items);
    let mut out = Vec::new();
    let limits = ckpt::Limits::default();
    let source = Source::from_reader(tar.as_slice(), "p");
    let err =
        ckpt::cat::cat_container(source, "counter", "config.dump", &limits, &mut out).unwrap_err();
    assert!(matches!(err, ckpt::Error::Ambiguous { .. }), "{err}");
    // The first copy's file, once.
    let config: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(config["id"], COUNTER_ID);
}

#[test]
fn a_million_container_directories_are_bounded_by_the_total() {
    let mut items = Vec::new();
    for i in 0..5000u32 {
        items.push(common::dir(&format!("{:064x}-c{i}", i)));
    }
    let tar = common::plain(&items);
    let mut options = all();
    options.limits.max_total_size = 1 << 20;
    match ckpt::read(Source::from_read_at(tar, "p").unwrap(), &options) {
        Err(ckpt::Error::LimitExceeded { limit, .. }) => {
            assert_eq!(limit, ckpt::LimitKind::TotalSize)
        }
        other => panic!("{:?}", other.map(|c| c.pod.map(|p| p.containers.len()))),
    }
}

#[test]
fn a_damaged_container_archive_leaves_the_other_readable() {
    let c = pods::containers();
    let mut items = pods::crio_manifest_items(&c);
    let cut = format!("containers/{}.tar", c[0].id_digest());
    for item in &mut items {
        if let Item::File(n, data) = item
            && *n == cut
        {
            // A header block that is no header, after the first member.
            let first = 512
                + data[124..135].iter().fold(0usize, |a, b| {
                    if b.is_ascii_digit() {
                        a * 8 + (b - b'0') as usize
                    } else {
                        a
                    }
                });
            let at = first.div_ceil(512) * 512;
            data[at..at + 512].fill(b'x');
        }
    }
    let tar = common::plain(&items);
    let options = Options {
        keep_partial: true,
        ..all()
    };
    let read = ckpt::read(Source::from_read_at(tar.clone(), "p").unwrap(), &options).unwrap();
    let pod = read.pod.unwrap();
    let counter = &pod.containers[0];
    let damaged = counter.error.is_some()
        || counter
            .checkpoint
            .as_ref()
            .is_some_and(|c| c.damage.is_some());
    assert!(damaged, "{}", counter.name);
    assert_eq!(counter.name, "counter");
    let sleeper = pod.containers[1].checkpoint.as_deref().unwrap();
    assert_eq!(pids(sleeper), [1]);
    // Without keep_partial the damage is the read's error, naming the
    // container's archive inside the pod.
    let e = ckpt::read(Source::from_read_at(tar, "p").unwrap(), &all()).unwrap_err();
    assert!(e.to_string().contains(&cut), "{e}");
}

#[test]
fn container_checkpoints_are_never_pods() {
    for name in [
        "mini-sleep.none.tar",
        "crio-counter.assembled.tar",
        "multi-proc.none.tar",
        "threads-memfd.tar.zst",
        "piggie-imgs.gnutar.tar.zst",
    ] {
        let c = ckpt::read(Source::open(common::fixture(name)).unwrap(), &all()).unwrap();
        assert!(c.pod.is_none(), "{name}");
        assert!(c.in_pod.is_none(), "{name}");
    }
}

/// `tests/fixtures/pod-counters.tar.zst` (CRI-O's `pod.options` layout)
/// and `pod-counters.manifest.tar.zst` (CRI-O's manifest layout), which
/// the README shows, are what tests/common/pods.rs builds
/// (`CKPT_REGENERATE=1` writes them again).
#[test]
fn the_readme_fixtures_are_the_generated_archives() {
    let c = pods::containers();
    for (name, items) in [
        ("pod-counters.tar.zst", pods::pod_options_items(&c)),
        (
            "pod-counters.manifest.tar.zst",
            pods::crio_manifest_items(&c),
        ),
    ] {
        let path = common::fixture(name);
        let tar = common::plain(&items);
        if std::env::var_os("CKPT_REGENERATE").is_some() {
            std::fs::write(&path, common::zstd(&tar)).unwrap();
        }
        let stored = zstd::stream::decode_all(std::fs::File::open(&path).unwrap()).unwrap();
        assert!(
            stored == tar,
            "{} is not what pods.rs builds",
            path.display()
        );
    }
}

#[test]
fn a_pod_inside_a_pod_is_read_one_level_deep_only() {
    // Each container archive is itself a pod, 300 deep: a reader that
    // recursed would go 300 readers deep.
    let mut inner = common::plain(&pods::crio_manifest_items(&pods::containers()));
    for _ in 0..300 {
        inner = common::plain(&[
            common::file(
                "checkpoint-manifest.json",
                br#"{"version":1,"runtime":"cri-o"}"#.to_vec(),
            ),
            common::file("containers/0.tar", inner),
        ]);
    }
    for source in [
        Source::from_read_at(inner.clone(), "deep").unwrap(),
        Source::from_reader(inner.as_slice(), "deep"),
    ] {
        let c = ckpt::read(source, &all()).unwrap();
        let pod = c.pod.unwrap();
        assert_eq!(pod.containers.len(), 1);
        let one = pod.containers[0].checkpoint.as_deref().unwrap();
        // Read as a container checkpoint: no pod of its own, nothing in it.
        assert!(one.pod.is_none() && one.is_empty());
        assert!(
            c.warnings
                .iter()
                .any(|w| w.message.contains("no container checkpoint"))
        );
    }
}

#[test]
fn a_choice_two_containers_answer_to_reads_one_and_gives_it_alone_the_memory() {
    // A third container whose id shares its first 8 digits with sleeper's.
    let twin = pods::Container {
        name: "twin",
        id: "5eeb5eeb0000000000000000000000000000000000000000000000000000beef",
        items: pods::sleeper().items,
    };
    let mut alone = Keep::default();
    let sleeper = pods::sleeper().tar();
    ckpt::read_with(
        Source::from_read_at(sleeper, "s").unwrap(),
        &all(),
        &mut alone,
    )
    .unwrap();
    let three = vec![pods::counter(), pods::sleeper(), twin];
    for items in [
        pods::pod_options_items(&three),
        pods::crio_manifest_items(&three),
    ] {
        let options = Options {
            container: Some(SLEEPER_ID[..8].to_owned()),
            ..all()
        };
        let mut kept = Keep::default();
        let tar = common::plain(&items);
        let source = Source::from_read_at(tar.clone(), "p").unwrap();
        let c = ckpt::read_with(source, &options, &mut kept).unwrap();
        // One container's memory, not two containers' pid 1 run together.
        assert_eq!(kept.0, alone.0);
        let read: Vec<String> = c
            .pod
            .as_ref()
            .unwrap()
            .checkpoints()
            .map(|k| k.in_pod.as_ref().unwrap().container.clone())
            .collect();
        assert_eq!(read.len(), 1);
        assert!(read[0] == "sleeper" || read[0] == "twin", "{read:?}");
        // The container the choice gives is the one read.
        let one = c.into_container(Some(&SLEEPER_ID[..8])).unwrap();
        assert_eq!(one.in_pod.unwrap().container, read[0]);
        // cat takes the same one: one config.dump, not two given at once.
        let mut out = Vec::new();
        let source = Source::from_reader(tar.as_slice(), "p");
        let limits = ckpt::Limits::default();
        ckpt::cat::cat_container(source, &SLEEPER_ID[..8], "config.dump", &limits, &mut out)
            .unwrap();
        let config: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(config["id"], SLEEPER_ID);
    }
}
