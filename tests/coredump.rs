//! `ckpt coredump`: core files of the real fixtures, opened by gdb in batch
//! mode and read by readelf. The values come from the fixtures' ground
//! truth (tests/fixtures/workload-src/truth.json) and crit's decoding of
//! the core and mm images (crit.tar.zst).
//!
//! Without gdb the gdb checks say so and pass, unless CKPT_REQUIRE_GDB is
//! set (CI installs gdb and sets it).

#![cfg(feature = "cli")]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use ckpt::criu::proto::{
    MmEntry, PE_PRESENT, PagemapEntry, VMA_ANON_PRIVATE, VMA_AREA_REGULAR, VmaEntry,
};
use common::images::{fixture_items, image_of, records};
use common::{crit_file, fixture, run_ckpt};

const THREADS: &str = "threads-memfd.tar.zst";

fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CKPT_REQUIRE_GDB").is_none(),
            "{tool} is required (CKPT_REQUIRE_GDB) but not installed"
        );
        eprintln!("{tool} is not installed: its checks are SKIPPED");
    }
    found
}

/// gdb in batch mode on `core`, running `commands`; its output.
fn gdb(core: &Path, commands: &[&str]) -> String {
    let mut cmd = Command::new("gdb");
    cmd.args(["-batch", "-nx"]);
    for c in commands {
        cmd.args(["-ex", c]);
    }
    let out = cmd.arg("-c").arg(core).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("not supported"), "{text}");
    text
}

fn json(name: &str) -> serde_json::Value {
    serde_json::from_str(&crit_file(name)).unwrap()
}

/// crit's `gpregs` field of a core image, as a number.
fn greg(dump: &str, tid: u32, field: &str) -> u64 {
    let core = json(&format!("{dump}/core-{tid}.img.json"));
    let hex = core["entries"][0]["thread_info"]["gpregs"][field]
        .as_str()
        .unwrap();
    u64::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap()
}

/// `ckpt coredump ARCHIVE -p PID -o -`, which must succeed: the core.
fn core_to_stdout(archive: &str, pid: u32) -> Vec<u8> {
    let out = assert_cmd::Command::cargo_bin("ckpt")
        .unwrap()
        .args(["coredump", archive, "-p", &pid.to_string(), "-o", "-"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn coredump(archive: &str, dir: &Path) -> String {
    let out = dir.display().to_string();
    let (stdout, err, code) = run_ckpt(&[
        "coredump",
        &fixture(archive).display().to_string(),
        "-o",
        &out,
    ]);
    assert_eq!((code, err.as_str()), (0, ""), "{stdout}");
    stdout
}

#[test]
fn gdb_sees_the_threads_registers_memory_auxv_and_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let said = coredump(THREADS, dir.path());
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("workload-src/truth.json")).unwrap())
            .unwrap();
    let processes = truth["processes"].as_array().unwrap();
    assert_eq!(processes.len(), 2);
    for p in processes {
        let pid = p["pid"].as_u64().unwrap() as u32;
        let tids: Vec<u32> = p["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_u64().unwrap() as u32)
            .collect();
        let core = dir.path().join(format!("core.{pid}"));
        let plural = if tids.len() == 1 { "" } else { "s" };
        assert!(
            said.contains(&format!(
                "{}: {} thread{plural}, ",
                core.display(),
                tids.len()
            )),
            "{said}"
        );
        if !have("gdb") {
            continue;
        }
        // Every thread, with the registers CRIU saved.
        let mut commands = vec!["info threads".to_owned()];
        for n in 1..=tids.len() {
            commands.push(format!("thread {n}"));
            commands.push("info registers rip rsp".to_owned());
        }
        let commands: Vec<&str> = commands.iter().map(String::as_str).collect();
        let out = gdb(&core, &commands);
        for &tid in &tids {
            assert!(out.contains(&format!("LWP {tid}")), "{tid}: {out}");
            let (ip, sp) = (
                greg("threads-memfd", tid, "ip"),
                greg("threads-memfd", tid, "sp"),
            );
            assert!(
                out.contains(&format!("rip            {ip:#x}")),
                "{tid} {ip:#x}: {out}"
            );
            assert!(
                out.contains(&format!("rsp            {sp:#x}")),
                "{tid} {sp:#x}: {out}"
            );
        }
        // The leader is gdb's current thread.
        assert!(out.contains(&format!("* 1    LWP {pid} ")), "{out}");
        // Memory: every marker the workload wrote where this process maps
        // it, private (its heap) and shared (memfd, SysV, anonymous shared,
        // the /dev/shm file deleted while mapped).
        let markers: Vec<&serde_json::Value> = truth["markers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| {
                m["pids"]
                    .as_array()
                    .is_some_and(|p| p.contains(&serde_json::json!(pid)))
            })
            .collect();
        assert!(markers.len() >= 6, "{markers:?}");
        let commands: Vec<String> = markers
            .iter()
            .map(|m| format!("x/s {}", m["vaddr"].as_str().unwrap()))
            .collect();
        let commands: Vec<&str> = commands.iter().map(String::as_str).collect();
        let out = gdb(&core, &commands);
        for m in &markers {
            let (vaddr, text) = (m["vaddr"].as_str().unwrap(), m["marker"].as_str().unwrap());
            assert!(
                out.contains(&format!("{vaddr}:\t\"{text}\"")),
                "{pid} {text}: {out}"
            );
        }
        // The same core to standard output: the same threads and
        // registers, the private markers; shared memory is left out.
        let stream = dir.path().join(format!("stream.{pid}"));
        std::fs::write(
            &stream,
            core_to_stdout(&fixture(THREADS).display().to_string(), pid),
        )
        .unwrap();
        let mut commands = vec!["info threads".to_owned()];
        for n in 1..=tids.len() {
            commands.push(format!("thread {n}"));
            commands.push("info registers rip".to_owned());
        }
        commands.extend(
            markers
                .iter()
                .map(|m| format!("x/s {}", m["vaddr"].as_str().unwrap())),
        );
        let commands: Vec<&str> = commands.iter().map(String::as_str).collect();
        let out = gdb(&stream, &commands);
        for &tid in &tids {
            let ip = greg("threads-memfd", tid, "ip");
            assert!(out.contains(&format!("LWP {tid}")), "{tid}: {out}");
            assert!(out.contains(&format!("rip            {ip:#x}")), "{out}");
        }
        for m in &markers {
            let (vaddr, text) = (m["vaddr"].as_str().unwrap(), m["marker"].as_str().unwrap());
            let private = m["object"].as_str().unwrap().ends_with("_heap");
            let seen = out.contains(&format!("{vaddr}:\t\"{text}\""));
            assert_eq!(seen, private, "{pid} {text}: {out}");
        }
        // The auxiliary vector CRIU saved.
        let mm = json(&format!("threads-memfd/mm-{pid}.img.json"));
        let auxv: Vec<u64> = mm["entries"][0]["mm_saved_auxv"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let entry = auxv.chunks(2).find(|p| p[0] == 9).unwrap()[1];
        let out = gdb(&core, &["info auxv"]);
        assert!(
            out.contains("AT_PAGESZ            System page size               4096"),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "AT_ENTRY             Entry point of program         {entry:#x}"
            )),
            "{out}"
        );
        // The file mappings (NT_FILE), with the executable CRIU dumped.
        let exe = truth["criu"]["exe_path"].as_str().unwrap();
        let out = gdb(&core, &["info proc mappings"]);
        assert!(
            out.contains(&format!(
                "0x400000           0x401000     0x1000        0x0 {exe}"
            )),
            "{out}"
        );
    }
}

#[test]
fn readelf_reads_every_note() {
    let dir = tempfile::tempdir().unwrap();
    coredump(THREADS, dir.path());
    let Ok(out) = Command::new("readelf")
        .arg("-n")
        .arg(dir.path().join("core.13127"))
        .output()
    else {
        eprintln!("readelf is not installed: SKIPPED");
        return;
    };
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let count = |what: &str| text.lines().filter(|l| l.contains(what)).count();
    assert_eq!(count("NT_PRSTATUS"), 3, "{text}");
    assert_eq!(count("NT_FPREGSET"), 3, "{text}");
    assert_eq!(count("NT_X86_XSTATE"), 3, "{text}");
    assert_eq!(count("NT_PRPSINFO"), 1, "{text}");
    assert_eq!(count("NT_AUXV"), 1, "{text}");
    assert_eq!(count("NT_FILE"), 1, "{text}");
}

/// The memory of a core that is not zeros, page by page: address and bytes.
fn pages(core: &[u8]) -> BTreeMap<u64, Vec<u8>> {
    let word = |at: usize| u64::from_le_bytes(core[at..at + 8].try_into().unwrap());
    let phoff = word(32) as usize;
    let phnum = u16::from_le_bytes([core[56], core[57]]) as usize;
    let mut pages = BTreeMap::new();
    for h in (0..phnum).map(|i| phoff + 56 * i) {
        if u32::from_le_bytes(core[h..h + 4].try_into().unwrap()) != 1 {
            continue;
        }
        let (offset, vaddr, filesz) = (word(h + 8), word(h + 16), word(h + 32));
        let bytes = &core[offset as usize..(offset + filesz) as usize];
        for (i, page) in bytes.chunks(4096).enumerate() {
            if page.iter().any(|&b| b != 0) {
                pages.insert(vaddr + 4096 * i as u64, page.to_vec());
            }
        }
    }
    pages
}

#[test]
fn every_source_gives_the_same_core_into_a_directory_or_a_stream() {
    // One archive plain (read by offset), gzip- and zstd-compressed
    // (streamed), and on standard input; into a directory (holes, the
    // headers written again with the notes) and to standard output (the
    // headers and notes after the memory).
    let tmp = tempfile::tempdir().unwrap();
    let tar = std::fs::read(fixture("mini-sleep.none.tar")).unwrap();
    let plain = fixture("mini-sleep.none.tar");
    let gz = tmp.path().join("mini.tar.gz");
    let zst = tmp.path().join("mini.tar.zst");
    std::fs::write(&gz, common::gzip(&tar)).unwrap();
    std::fs::write(&zst, common::zstd(&tar)).unwrap();
    let run = |archive: &str, stdin: Option<&[u8]>, output: &str| {
        let mut cmd = assert_cmd::Command::cargo_bin("ckpt").unwrap();
        cmd.args(["coredump", archive, "-p", "1", "-o", output]);
        if let Some(bytes) = stdin {
            cmd.write_stdin(bytes.to_vec());
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let to_dir = |archive: &str, stdin: Option<&[u8]>| {
        let dir = tempfile::tempdir().unwrap();
        run(archive, stdin, &dir.path().display().to_string());
        std::fs::read(dir.path().join("core.1")).unwrap()
    };
    let sources = [&plain, &gz, &zst].map(|a| a.display().to_string());
    let zstd = common::zstd(&tar);
    let mut in_dir: Vec<Vec<u8>> = sources.iter().map(|a| to_dir(a, None)).collect();
    in_dir.push(to_dir("-", Some(&zstd)));
    assert!(in_dir.windows(2).all(|w| w[0] == w[1]));
    let mut streamed: Vec<Vec<u8>> = sources.iter().map(|a| run(a, None, "-")).collect();
    streamed.push(run("-", Some(&zstd), "-"));
    assert!(streamed.windows(2).all(|w| w[0] == w[1]));
    let (file, stream) = (&in_dir[0], &streamed[0]);
    for core in [file, stream] {
        assert!(core.starts_with(b"\x7fELF\x02\x01\x01"));
    }
    // A file has its program headers after the file header; a stream after
    // the memory, the notes after them, at the end.
    let phoff = |core: &[u8]| u64::from_le_bytes(core[32..40].try_into().unwrap());
    assert_eq!(phoff(file), 64);
    assert!(phoff(stream) >= 4096 && phoff(stream) < stream.len() as u64);
    // The same memory either way (mini-sleep has no run of untouched
    // memory longer than a stream writes as zeros).
    let memory = pages(file);
    assert_eq!(memory, pages(stream));
    assert!(memory.len() > 10, "{} pages", memory.len());
}

#[test]
fn never_over_a_file_and_only_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let archive = fixture(THREADS).display().to_string();
    let existing = dir.path().join("core.13129");
    std::fs::write(&existing, b"keep me").unwrap();
    let (_, err, code) = run_ckpt(&["coredump", &archive, "-p", "13129", "-o", &out]);
    assert_eq!(code, 1);
    assert!(err.contains("exists; use --force to replace it"), "{err}");
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    // Nothing else was left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let (said, err, code) = run_ckpt(&["coredump", &archive, "-p", "13129", "-o", &out, "--force"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(said.contains("core.13129: 1 thread, "), "{said}");
    assert_ne!(std::fs::read(&existing).unwrap(), b"keep me");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A pid not in the tree, several pids to standard output.
    let (_, err, code) = run_ckpt(&["coredump", &archive, "-p", "4242", "-o", &out]);
    assert_eq!(code, 1);
    assert!(err.contains("no process with PID 4242"), "{err}");
    let (_, err, code) = run_ckpt(&["coredump", &archive, "-o", "-"]);
    assert_eq!(code, 1);
    assert!(err.contains("-o - writes one core"), "{err}");
    // Directories it created for cores it did not write are removed
    // again; the one that was there stays.
    let new = dir.path().join("new/deeper");
    let (_, err, code) = run_ckpt(&["coredump", &archive, "-p", "4242", "-o", s(&new)]);
    assert_eq!(code, 1, "{err}");
    assert!(!dir.path().join("new").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let pod = "tests/fixtures/pod-counters.tar.zst";
    let (_, err, code) = run_ckpt(&["coredump", pod, "-o", s(&new)]);
    assert!(code == 1 && err.contains("--container"), "{err}");
    assert!(!dir.path().join("new").exists());
    let (said, err, code) = run_ckpt(&["coredump", pod, "--container", "sleeper", "-o", s(&new)]);
    assert_eq!(code, 0, "{err}");
    assert!(said.contains("core.1: 1 thread, "), "{said}");
    assert!(new.join("core.1").exists());
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_plain_tar_core_to_standard_output_has_the_heap_secret() {
    // multi-proc: pid 1 wrote SECRET_MARKER_7f3a9c on its heap at
    // 0x1f5a6d0 (the address the search example of .ci/run checks).
    let dir = tempfile::tempdir().unwrap();
    let core = dir.path().join("core.1");
    let out = core_to_stdout("tests/fixtures/multi-proc.none.tar", 1);
    std::fs::write(&core, &out).unwrap();
    if !have("gdb") {
        return;
    }
    let text = gdb(&core, &["x/s 0x1f5a6d0", "info threads"]);
    assert!(
        text.contains("0x1f5a6d0:\t\"SECRET_MARKER_7f3a9c\""),
        "{text}"
    );
    assert!(text.contains("* 1    LWP 1 "), "{text}");
}

#[test]
fn a_missing_pages_file_is_an_error_not_zeros() {
    // mini-sleep without checkpoint/pages-1.img: its pagemap says pid 1
    // has pages there.
    let tmp = tempfile::tempdir().unwrap();
    let mut items = fixture_items("mini-sleep.none.tar");
    items.retain(|i| !matches!(i, common::Item::File(name, _) if name.ends_with("pages-1.img")));
    let cut = tmp.path().join("no-pages.tar");
    std::fs::write(&cut, common::plain(&items)).unwrap();
    let out = tmp.path().join("cores");
    let (_, err, code) = run_ckpt(&[
        "coredump",
        &cut.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("failed to write the core of pid 1: its pages file is not in the archive"),
        "{err}"
    );
    // Nothing is left of what was begun, not even the directory it made.
    assert!(!out.exists());

    // To standard output, with a terabyte area the pagemap says was all
    // dumped: the error comes before any of its memory, not after a
    // terabyte of zeros.
    let huge = (0x1000_0000_0000u64, 0x1100_0000_0000u64);
    for item in &mut items {
        let common::Item::File(name, data) = item else {
            continue;
        };
        if name.ends_with("/mm-1.img") {
            let (head, mut records) = records(data);
            let mut mm: MmEntry = prost::Message::decode(records[0].as_slice()).unwrap();
            mm.vmas.push(VmaEntry {
                start: huge.0,
                end: huge.1,
                prot: 3,
                flags: 0x22,
                status: VMA_AREA_REGULAR | VMA_ANON_PRIVATE,
                fd: -1,
                ..Default::default()
            });
            mm.vmas.sort_by_key(|v| v.start);
            records[0] = prost::Message::encode_to_vec(&mm);
            *data = image_of(&head, &records);
        } else if name.ends_with("/pagemap-1.img") {
            let (head, mut records) = records(data);
            let mut entries: Vec<PagemapEntry> = records[1..]
                .iter()
                .map(|r| prost::Message::decode(r.as_slice()).unwrap())
                .collect();
            entries.push(PagemapEntry {
                vaddr: huge.0,
                compat_nr_pages: 0,
                in_parent: None,
                flags: Some(PE_PRESENT),
                nr_pages: Some((huge.1 - huge.0) / 4096),
                ..Default::default()
            });
            entries.sort_by_key(|e| e.vaddr);
            records.truncate(1);
            records.extend(entries.iter().map(prost::Message::encode_to_vec));
            *data = image_of(&head, &records);
        }
    }
    let cut = tmp.path().join("huge-no-pages.tar");
    std::fs::write(&cut, common::plain(&items)).unwrap();
    let out = assert_cmd::Command::cargo_bin("ckpt")
        .unwrap()
        .args(["coredump", &cut.display().to_string(), "-p", "1", "-o", "-"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("its pages file is not in the archive"),
        "{err}"
    );
    assert!(out.stdout.len() <= 4096, "{} bytes", out.stdout.len());
}

/// mini-sleep with its one process copied `n` times (pids 1 to n, the
/// copies children of 1), each with its own images and pages.
fn mini_sleep_times(n: u32) -> Vec<u8> {
    let per_pid = ["core", "fs", "ids", "mm", "pagemap", "pages"];
    let mut items = Vec::new();
    for item in fixture_items("mini-sleep.none.tar") {
        let common::Item::File(name, data) = &item else {
            items.push(item);
            continue;
        };
        if name == "checkpoint/pstree.img" {
            let tree: Vec<(u32, u32)> = (1..=n).map(|p| (p, u32::from(p != 1))).collect();
            items.push(common::file(name, common::images::pstree(&tree)));
            continue;
        }
        let Some(kind) = per_pid
            .iter()
            .find(|k| *name == format!("checkpoint/{k}-1.img"))
        else {
            items.push(item.clone());
            continue;
        };
        for pid in 1..=n {
            let mut copy = data.clone();
            if *kind == "pagemap" {
                // The head record names the pages file: pages-<pid>.img.
                let (head, mut recs) = records(data);
                recs[0] = prost::Message::encode_to_vec(&ckpt::criu::proto::PagemapHead {
                    pages_id: pid,
                });
                copy = image_of(&head, &recs);
            }
            items.push(common::file(&format!("checkpoint/{kind}-{pid}.img"), copy));
        }
    }
    common::plain(&items)
}

#[test]
fn more_processes_than_open_files_allowed() {
    // 150 processes, 90 open files allowed: the cores are written a few
    // files at a time (ckpt::coredump::MAX_OPEN), each the same memory.
    const { assert!(ckpt::coredump::MAX_OPEN + 16 < 90) };
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("many.tar");
    std::fs::write(&archive, mini_sleep_times(150)).unwrap();
    let dir = tmp.path().join("cores");
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 90 && exec "$0" coredump "$1" -o "$2""#)
        .arg(assert_cmd::cargo::cargo_bin("ckpt"))
        .arg(&archive)
        .arg(&dir)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.lines().count(), 150, "{said}");
    let first = pages(&std::fs::read(dir.join("core.1")).unwrap());
    assert!(first.len() > 10);
    for pid in [2, 75, 150] {
        let core = std::fs::read(dir.join(format!("core.{pid}"))).unwrap();
        assert_eq!(pages(&core), first, "core.{pid}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 150);
}
