//! CRIU images decoded straight from the fixture archives, compared field
//! by field with CRIU's own decoder: `crit decode --pretty` output for the
//! same dumps, kept in tests/fixtures/crit.tar.zst (one directory per dump).

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use ckpt::criu::proto::*;
use ckpt::criu::{Image, pretty};
use ckpt::{Archive, EntryKind, Source};
use common::fixture;
use serde_json::Value;

/// crit's JSON of every image, by "<dump>/<image>.json".
fn crit() -> BTreeMap<String, Value> {
    let file = std::fs::File::open(fixture("crit.tar.zst")).unwrap();
    let mut tar = tar::Archive::new(zstd::stream::read::Decoder::new(file).unwrap());
    let mut out = BTreeMap::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        out.insert(name, serde_json::from_str(&text).unwrap());
    }
    out
}

/// Whether every field of `ours` is in `theirs` with the same value.
fn subset(ours: &Value, theirs: &Value, path: &str) -> Result<(), String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let Some(w) = b.get(k) else {
                    return Err(format!("{path}.{k}: not in crit's output"));
                };
                subset(v, w, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!(
                    "{path}: {} elements, crit has {}",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                subset(v, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if ours == theirs => Ok(()),
        _ => Err(format!("{path}: {ours} here, {theirs} in crit")),
    }
}

/// Decodes every CRIU image of `archive` and compares it with crit's JSON
/// in `dump/`. Returns the images decoded.
fn compare(archive: &str, dump: &str, crit: &BTreeMap<String, Value>) -> Vec<String> {
    compare_archive(Archive::open(fixture(archive)).unwrap(), dump, crit)
}

fn compare_archive(
    mut archive: Archive<'_>,
    dump: &str,
    crit: &BTreeMap<String, Value>,
) -> Vec<String> {
    let mut decoded = Vec::new();
    let mut failures = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let image = match entry.kind() {
            EntryKind::CriuImage
            | EntryKind::StatsDump {
                in_checkpoint: true,
            } => entry.name().trim_start_matches("checkpoint/").to_owned(),
            _ => continue,
        };
        if ckpt::criu::magic::is_raw(&image) {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let ours = match ckpt::criu::decode::to_json(&bytes) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{image}: {e}"));
                continue;
            }
        };
        let key = format!("{dump}/{image}.json");
        let Some(theirs) = crit
            .get(&key)
            .or_else(|| crit.get(&format!("{dump}/{image}.img.json")))
        else {
            failures.push(format!("{key}: no crit output"));
            continue;
        };
        if let Err(e) = subset(&ours, theirs, &image) {
            failures.push(e);
        }
        // Everything crit prints is decoded too, registers included.
        if let Err(e) = subset(theirs, &ours, &format!("crit's {image}")) {
            failures.push(format!("{e} (missing here)"));
        }
        decoded.push(image);
    }
    assert!(failures.is_empty(), "{dump}: {failures:#?}");
    decoded
}

/// The kinds of images decoded: names without `.img` and without the
/// `-<id>` suffix (decimal ids, or the hex inode of `tcp-stream-9b3a`).
fn decoded_kinds(decoded: &[String]) -> Vec<String> {
    let mut kinds: Vec<String> = decoded
        .iter()
        .map(|n| {
            let n = n.trim_end_matches(".img");
            match n.rsplit_once('-') {
                Some((kind, id)) if id.chars().all(|c| c.is_ascii_hexdigit()) => kind.to_owned(),
                _ => n.to_owned(),
            }
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

#[test]
fn multi_proc_images_agree_with_crit() {
    let decoded = compare("multi-proc.none.tar", "multi-proc", &crit());
    let kinds = decoded_kinds(&decoded);
    assert_kinds(
        &kinds,
        &[
            "cgroup",
            "core",
            "fdinfo",
            "files",
            "fs",
            "ids",
            "inventory",
            "ipcns-var",
            "mm",
            "mountpoints",
            "netns",
            "pagemap",
            "pipes-data",
            "pstree",
            "seccomp",
            "sk-queues",
            "tcp-stream",
            "timens",
            "utsns",
        ],
    );
}

#[test]
fn threads_memfd_images_agree_with_crit() {
    // Threads, a memfd, SysV and anonymous shared memory, two ghost files
    // (one in chunks), unix sockets: tests/fixtures/workload-src.
    let decoded = compare("threads-memfd.tar.zst", "threads-memfd", &crit());
    assert_kinds(
        &decoded_kinds(&decoded),
        &[
            "core",
            "fdinfo",
            "files",
            "ghost-file",
            "ipcns-shm",
            "ipcns-var",
            "memfd",
            "pagemap",
            "pagemap-shmem",
            "pipes-data",
            "pstree",
            "remap-fpath",
        ],
    );
    // Four core images: two processes, and two more threads of the first.
    assert_eq!(decoded.iter().filter(|d| d.starts_with("core-")).count(), 4);
}

fn assert_kinds(kinds: &[String], expected: &[&str]) {
    for kind in expected {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} not decoded: {kinds:?}"
        );
    }
}

#[test]
fn mini_sleep_images_agree_with_crit() {
    let decoded = compare("mini-sleep.none.tar", "mini-sleep", &crit());
    assert_kinds(
        &decoded_kinds(&decoded),
        &[
            "cgroup",
            "files",
            "ipcns-var",
            "mountpoints",
            "netns",
            "seccomp",
            "timens",
            "utsns",
        ],
    );
}

#[test]
fn test_imgs_agree_with_crit() {
    // The zombie (pid 6) has only a 41-byte core image; stats-dump is inside
    // checkpoint/ in these packings.
    let crit = crit();
    let decoded = compare("piggie-imgs.gnutar.tar.zst", "test-imgs", &crit);
    assert!(decoded.contains(&"core-6.img".to_owned()));
    assert!(decoded.contains(&"stats-dump".to_owned()));
    assert_kinds(
        &decoded_kinds(&decoded),
        &[
            "files",
            "netdev",
            "netns",
            "seccomp",
            "stats-dump",
            "tcp-stream",
            "timens",
        ],
    );
    for archive in ["a", "b"] {
        let decoded = compare(
            &format!("piggie-diff-{archive}.gnutar.tar.zst"),
            &format!("test-imgs-diff-{archive}"),
            &crit,
        );
        assert_kinds(
            &decoded_kinds(&decoded),
            &["fifo-data", "files", "netdev", "netns", "tcp-stream"],
        );
    }
}

/// The CRIU images of an archive, by name (without `checkpoint/`).
fn images(archive: &str) -> BTreeMap<String, Vec<u8>> {
    let mut archive = Archive::open(fixture(archive)).unwrap();
    let mut out = BTreeMap::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.kind() != EntryKind::CriuImage {
            continue;
        }
        let name = entry.name().trim_start_matches("checkpoint/").to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.insert(name, bytes);
    }
    out
}

fn decode_all<M: prost::Message + Default>(bytes: &[u8]) -> Vec<M> {
    Image::parse(bytes).unwrap().decode_all().unwrap()
}

#[test]
fn multi_proc_files_through_the_typed_structs() {
    const O_WRONLY: u32 = 0o1;
    const O_APPEND: u32 = 0o2000;
    const O_LARGEFILE: u32 = 0o100000;
    const TCP_LISTEN: u32 = 10;
    const TCP_ESTABLISHED: u32 = 1;
    let images = images("multi-proc.none.tar");
    let files: Vec<FileEntry> = decode_all(&images["files.img"]);
    assert_eq!(files.len(), 25);
    let of_type = |name: &str| -> Vec<&FileEntry> {
        files
            .iter()
            .filter(|f| fd_type_name(f.r#type) == Some(name))
            .collect()
    };

    // Exactly one kind-specific field is set, and it is the one of `type`,
    // with the same id.
    for f in &files {
        let set = [
            f.reg.as_ref().map(|r| r.id),
            f.isk.as_ref().map(|s| s.id),
            f.pipe.as_ref().map(|p| p.id),
            f.efd.as_ref().map(|e| e.id),
            f.usk.as_ref().map(|u| u.id),
        ];
        assert_eq!(set.iter().flatten().collect::<Vec<_>>(), [&f.id], "{f:?}");
    }

    // The TCP listener, and the two ends of the connection it accepted.
    let inet: Vec<&InetSkEntry> = of_type("INETSK")
        .into_iter()
        .map(|f| f.isk.as_ref().unwrap())
        .collect();
    assert_eq!(inet.len(), 3);
    let listener = inet.iter().find(|s| s.state == TCP_LISTEN).unwrap();
    assert_eq!(
        (listener.family, listener.r#type, listener.proto),
        (2, 1, 6)
    );
    assert_eq!((listener.src_port, listener.backlog), (8080, 8));
    assert_eq!(listener.src_addr, [0]);
    let established: Vec<_> = inet.iter().filter(|s| s.state == TCP_ESTABLISHED).collect();
    assert_eq!(established.len(), 2);
    for s in &established {
        assert_eq!(pretty::ip_addr(&s.src_addr).as_deref(), Some("127.0.0.1"));
        // Each end's connection state is in tcp-stream-<ino in hex>.img.
        assert!(images.contains_key(&format!("tcp-stream-{:x}.img", s.ino)));
    }
    let (a, b) = (established[0], established[1]);
    assert_eq!((a.src_port, a.dst_port), (b.dst_port, b.src_port));
    assert!(listener.opts.as_ref().unwrap().reuseaddr.unwrap());
    assert_eq!(listener.ip_opts.as_ref().unwrap().ttl, Some(64));
    assert_eq!(listener.tcp_opts.as_ref().unwrap().keepidle, Some(7200));

    // The log, opened for appending, 26 bytes written.
    let log = of_type("REG")
        .into_iter()
        .filter_map(|f| f.reg.as_ref())
        .find(|r| r.name == "/data/app.log")
        .unwrap();
    assert_eq!(log.pos, 26);
    assert_eq!(log.flags, O_WRONLY | O_APPEND | O_LARGEFILE);
    assert_eq!(
        pretty::map_flags(log.flags.into(), pretty::RFILE_FLAGS),
        "O_WRONLY | O_APPEND | O_LARGEFILE"
    );
    assert_eq!(log.mnt_id, Some(77));
    assert_eq!(log.mode, Some(0o100644));

    // The eventfd.
    let efd = of_type("EVENTFD");
    assert_eq!(efd.len(), 1);
    assert_eq!(efd[0].efd.as_ref().unwrap().counter, 7);

    // The unix socketpair: each end's peer is the other's inode.
    let unix: Vec<&UnixSkEntry> = of_type("UNIXSK")
        .into_iter()
        .map(|f| f.usk.as_ref().unwrap())
        .collect();
    let mut inodes: Vec<u32> = unix.iter().map(|u| u.ino).collect();
    inodes.sort();
    assert_eq!(inodes, [40332, 40333]);
    for u in &unix {
        let peer = unix.iter().find(|p| p.ino == u.peer).unwrap();
        assert_eq!(peer.peer, u.ino);
        assert_eq!((u.r#type, u.state), (1, TCP_ESTABLISHED));
        assert!(u.name.is_empty());
    }

    // Both ends of the pipe 40330.
    let ends: Vec<&PipeEntry> = of_type("PIPE")
        .into_iter()
        .filter_map(|f| f.pipe.as_ref())
        .filter(|p| p.pipe_id == 40330)
        .collect();
    let mut flags: Vec<u32> = ends.iter().map(|p| p.flags).collect();
    flags.sort();
    assert_eq!(flags, [0, O_WRONLY]);
}

#[test]
fn multi_proc_payloads_through_the_typed_structs() {
    let images = images("multi-proc.none.tar");

    // The pipe's unread bytes.
    let image = Image::parse(&images["pipes-data.img"]).unwrap();
    let mut records = image.records();
    let entry: PipeDataEntry = records.next_record().unwrap().unwrap().decode().unwrap();
    assert_eq!(
        (entry.pipe_id, entry.bytes, entry.size),
        (40330, 38, Some(65536))
    );
    let data = records.payload(entry.bytes.into()).unwrap();
    assert_eq!(data, b"PIPE_PAYLOAD_1234 unread data in pipe\n");
    assert!(records.next_record().is_none());

    // The message queued on the unix socket with file id 11.
    let image = Image::parse(&images["sk-queues.img"]).unwrap();
    let mut records = image.records();
    let entry: SkPacketEntry = records.next_record().unwrap().unwrap().decode().unwrap();
    assert_eq!(entry.id_for, 11);
    let data = records.payload(entry.length.into()).unwrap();
    assert_eq!(data, b"UNIX_SOCK_MSG_from_worker\n");

    // What each end of the TCP connection had not read yet.
    for (image, inq) in [
        ("tcp-stream-9b3a.img", &b"FROM_SERVER unread tail\n"[..]),
        ("tcp-stream-9d8b.img", b"HELLO_FROM_CLIENT\n"),
    ] {
        let image = Image::parse(&images[image]).unwrap();
        let mut records = image.records();
        let entry: TcpStreamEntry = records.next_record().unwrap().unwrap().decode().unwrap();
        assert_eq!(records.payload(entry.inq_len.into()).unwrap(), inq);
        assert_eq!(records.payload(entry.outq_len.into()).unwrap(), b"");
        assert_eq!(entry.opt_mask, 0x7);
    }

    // The namespaces.
    let uts: Vec<UtsnsEntry> = decode_all(&images["utsns-12.img"]);
    assert_eq!(uts[0].nodename, "6d4563df143d");
    let timens: Vec<TimensEntry> = decode_all(&images["timens-0.img"]);
    assert_eq!(timens[0].monotonic.as_ref().unwrap().tv_sec, 461);
    let ipc: Vec<IpcVarEntry> = decode_all(&images["ipcns-var-11.img"]);
    assert_eq!(ipc[0].sem_ctls, [32000, 1_024_000_000, 500, 32000]);
    let netns: Vec<NetnsEntry> = decode_all(&images["netns-10.img"]);
    assert_eq!(netns[0].ext_key.as_deref(), Some("extRootNetNS"));

    // The mounts: /proc/keys is masked with /dev/null, an external bind.
    let mounts: Vec<MntEntry> = decode_all(&images["mountpoints-13.img"]);
    let keys = mounts
        .iter()
        .find(|m| m.mountpoint == "/proc/keys")
        .unwrap();
    assert_eq!(fstype_name(keys.fstype), Some("TMPFS"));
    assert_eq!(
        (keys.root.as_str(), keys.ext_key.as_deref()),
        ("/null", Some("/dev/null"))
    );
    let proc = mounts.iter().find(|m| m.mountpoint == "/proc").unwrap();
    assert_eq!(keys.parent_mnt_id, proc.mnt_id);

    // The container's cgroup, one set of v1 controllers.
    let cgroup: Vec<CgroupEntry> = decode_all(&images["cgroup.img"]);
    let set = &cgroup[0].sets[0];
    assert!(set.ctls.iter().any(|c| c.name == "memory"));
    assert!(
        set.ctls
            .iter()
            .all(|c| c.path.starts_with("/libpod_parent/libpod-6d4563df143d"))
    );

    // seccomp: a classic BPF program, 8 bytes an instruction.
    let seccomp: Vec<SeccompEntry> = decode_all(&images["seccomp.img"]);
    assert!(
        seccomp[0]
            .seccomp_filters
            .iter()
            .all(|f| !f.filter.is_empty() && f.filter.len() % 8 == 0)
    );
}

#[test]
fn test_imgs_fifo_and_netdev_through_the_typed_structs() {
    let images = images("piggie-diff-b.gnutar.tar.zst");
    let files: Vec<FileEntry> = decode_all(&images["files.img"]);
    let fifo = files.iter().find_map(|f| f.fifo.as_ref()).unwrap();
    assert_eq!((fifo.pipe_id, fifo.regf_id), (10_232_149, Some(7)));
    let path = files
        .iter()
        .find_map(|f| f.reg.as_ref().filter(|r| Some(r.id) == fifo.regf_id))
        .unwrap();
    assert!(path.name.starts_with("/tmp/piggie."), "{}", path.name);

    let image = Image::parse(&images["fifo-data.img"]).unwrap();
    let mut records = image.records();
    let entry: PipeDataEntry = records.next_record().unwrap().unwrap().decode().unwrap();
    assert_eq!((entry.pipe_id, entry.bytes), (10_232_149, 0));

    let netdev: Vec<NetDeviceEntry> = decode_all(&images["netdev-10.img"]);
    assert_eq!(netdev[0].name, "lo");
    assert_eq!((netdev[0].mtu, netdev[0].flags), (65536, 0x10049));
    assert!(!netdev[0].conf4.is_empty());
}

#[test]
fn mem48_images_agree_with_crit() {
    let tar = common::mem48_tar();
    let archive = Archive::new(Source::from_reader(&tar[..], "mem48.tar")).unwrap();
    let decoded = compare_archive(archive, "mem48", &crit());
    for image in [
        "core-1.img",
        "mm-1.img",
        "pagemap-1.img",
        "pstree.img",
        "files.img",
    ] {
        assert!(
            decoded.contains(&image.to_owned()),
            "{image} not decoded: {decoded:?}"
        );
    }
}
