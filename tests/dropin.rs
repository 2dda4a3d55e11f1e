//! ckpt as a drop-in for checkpointctl: what scripts written against
//! checkpointctl rely on (exit statuses, usage messages, the phrases they
//! grep, plugins, explicit flags that fail), and what a newcomer trips
//! on. checkpointctl's own bats suite runs in CI too (`.ci/peer-suite`).

#![cfg(feature = "cli")]

mod common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::*;

fn ckpt() -> Command {
    let mut cmd = Command::cargo_bin("ckpt").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs ckpt; (stdout, stderr, status).
fn run(cmd: &mut Command) -> (String, String, i32) {
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path.display().to_string()
}

#[test]
fn usage_errors_are_cobras() {
    // No arguments: the help, with status 0.
    let (out, _, code) = run(&mut ckpt());
    assert_eq!(code, 0);
    assert!(
        out.contains("Commands:") && out.contains("inspect"),
        "{out}"
    );
    // An unknown flag: one line, status 1.
    let (out, err, code) = run(ckpt().arg("--wrong-parameter"));
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "Error: unknown flag: --wrong-parameter\n", 1)
    );
    let (_, err, code) = run(ckpt().arg("diff"));
    assert_eq!(
        (err.as_str(), code),
        ("Error: accepts 2 arg(s), received 0\n", 1)
    );
    let (_, err, code) = run(ckpt().args(["diff", "tests/fixtures/mini-sleep.none.tar"]));
    assert_eq!(
        (err.as_str(), code),
        ("Error: accepts 2 arg(s), received 1\n", 1)
    );
    let (_, err, code) = run(ckpt().arg("inspect"));
    assert_eq!(
        (err.as_str(), code),
        ("Error: requires at least 1 arg(s), only received 0\n", 1)
    );
    for command in ["inspect", "diff"] {
        let mut args = vec![command, "tests/fixtures/mini-sleep.none.tar"];
        if command == "diff" {
            args.push("tests/fixtures/mini-sleep.none.tar");
        }
        args.push("--format=invalid");
        let (_, err, code) = run(ckpt().args(&args));
        assert_eq!(
            (err.as_str(), code),
            ("Error: invalid output format: invalid\n", 1)
        );
    }
    let (_, err, code) = run(ckpt().arg("shwo"));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Error: unknown command \"shwo\" for \"ckpt\"\n\nDid you mean this?\n\tshow\n\nRun 'ckpt --help' for usage.\n"
    );
}

#[test]
fn help_fits_80_columns() {
    let commands = [
        "",
        "show",
        "inspect",
        "memparse",
        "list",
        "diff",
        "decode",
        "cat",
        "coredump",
        "check",
        "verify",
        "build",
        "plugin",
        "completion",
        "man",
    ];
    for command in commands {
        let mut cmd = ckpt();
        cmd.env("COLUMNS", "80");
        if !command.is_empty() {
            cmd.arg(command);
        }
        let (out, _, code) = run(cmd.arg("--help"));
        assert_eq!(code, 0, "{command}");
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "{command}: {line}");
        }
    }
}

#[test]
fn help_groups_the_limits_and_says_true_formats() {
    for command in ["show", "inspect", "memparse", "diff", "list"] {
        let (out, _, code) = run(ckpt().args([command, "--help"]));
        assert_eq!(code, 0);
        if command != "list" {
            let heading = out
                .find("Limits (each caps what an archive can make ckpt hold):")
                .unwrap_or_else(|| panic!("{command}: {out}"));
            let limit = out.find("--max-entry-size").unwrap();
            let everyday = out.find("--format").unwrap();
            assert!(everyday < heading && heading < limit, "{command}: {out}");
        }
        // The JSON each command gives is said in its own help.
        let said = [
            ("show", "an array with one object per archive"),
            ("inspect", "an array with one object per archive"),
            ("diff", "JSON (one object)"),
            ("list", "an array with one object per checkpoint listed"),
            ("memparse", "JSON"),
        ];
        let (_, words) = said.iter().find(|(c, _)| *c == command).unwrap();
        assert!(
            out.replace("\n          ", " ").contains(words),
            "{command}: {out}"
        );
    }
}

// Plugins, as checkpointctl's cmd/plugin.go has them.

fn plugin(dir: &Path, name: &str, script: &str) -> PathBuf {
    let path = dir.join(format!("checkpointctl-{name}"));
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn with_path(dirs: &[&Path]) -> Command {
    let mut cmd = ckpt();
    let path: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    cmd.env("PATH", path.join(":"));
    cmd
}

#[test]
fn plugins_run_as_commands_and_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (out, _, code) = run(with_path(&[&empty]).args(["plugin", "list"]));
    assert_eq!((out.as_str(), code), ("No plugins found in PATH\n", 0));

    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    std::fs::create_dir(&one).unwrap();
    std::fs::create_dir(&two).unwrap();
    let hello = plugin(
        &one,
        "hello",
        "echo \"Hello from plugin!\"\necho \"Args: $@\"\nexit 7",
    );
    plugin(
        &one,
        "described",
        "if [ \"$1\" = --plugin-description ]; then echo 'My custom plugin description'; echo more; exit 42; fi",
    );
    let nodesc = plugin(
        &one,
        "nodesc",
        "[ \"$1\" = --plugin-description ] && exit 1; echo x",
    );
    plugin(&one, "show", "echo should not run");
    plugin(&one, "dupe", "echo first");
    plugin(&two, "dupe", "echo second");
    let slow = plugin(&one, "slow", "/bin/sleep 5; echo late; exit 42");
    let nonexec = one.join("checkpointctl-nonexec");
    std::fs::write(&nonexec, "#!/bin/sh\necho no\n").unwrap();

    // A plugin runs with the arguments after its name, and its status is
    // the command's.
    let (out, _, code) = run(with_path(&[&one, &two]).args(["hello", "world", "--flag"]));
    assert_eq!(
        (out.as_str(), code),
        ("Hello from plugin!\nArgs: world --flag\n", 7)
    );
    // The first on PATH wins.
    let (out, _, _) = run(with_path(&[&one, &two]).arg("dupe"));
    assert_eq!(out, "first\n");
    // A built-in command is never shadowed.
    let (out, err, code) = run(with_path(&[&one]).args(["show", "/does-not-exist"]));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(err, "Error: /does-not-exist: no such file or directory\n");

    let started = std::time::Instant::now();
    let (out, _, code) = run(with_path(&[&one, &two]).args(["plugin", "list"]));
    assert_eq!(code, 0);
    let expected = format!(
        "Available plugins:\n  {:<20} My custom plugin description\n  {:<20} {}\n  {:<20} (no description)\n  {:<20} {}\n  {:<20} (no description)\n  {:<20} {}\n  {:<20} (no description)\n  {:<20} {}\n",
        "described",
        "",
        one.join("checkpointctl-described").display(),
        "dupe",
        "",
        one.join("checkpointctl-dupe").display(),
        "hello",
        "",
        hello.display(),
        "nodesc",
        "",
        nodesc.display(),
    );
    let expected = format!(
        "{expected}  {:<20} (no description)\n  {:<20} {}\n",
        "slow",
        "",
        slow.display()
    );
    assert_eq!(out, expected);
    // A plugin that does not answer in time is not waited for.
    assert!(started.elapsed() < std::time::Duration::from_secs(4));

    // The top-level help lists them, with a description or where they are.
    let (out, _, code) = run(with_path(&[&one]).arg("--help"));
    assert_eq!(code, 0);
    assert!(out.contains("Plugins:\n"), "{out}");
    assert!(
        out.contains("  described  My custom plugin description\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "  nodesc     Plugin provided by {}\n",
            nodesc.display()
        )),
        "{out}"
    );
    assert!(!out.contains("nonexec"), "{out}");
}

// Explicit flags are promises: each fails when the archive lacks what it
// needs (checkpointctl's words first), `--all` shows what there is.

/// The piggie checkpoint (tests/fixtures/README.md) with only the entries
/// `keep` accepts.
fn piggie_with(to: &Path, name: &str, keep: impl Fn(&str) -> bool) -> String {
    let raw = zstd::decode_all(std::fs::File::open(fixture("piggie-imgs.gnutar.tar.zst")).unwrap())
        .unwrap();
    let mut items = Vec::new();
    let mut archive = tar::Archive::new(raw.as_slice());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().display().to_string();
        let path = path.trim_start_matches("./").to_owned();
        if path.is_empty() || !keep(&path) {
            continue;
        }
        if entry.header().entry_type().is_dir() {
            items.push(dir(&path));
        } else {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            items.push(file(&path, data));
        }
    }
    write(to, name, &plain(&items))
}

fn metadata_and(prefixes: &'static [&'static str]) -> impl Fn(&str) -> bool {
    move |p: &str| {
        ["config.dump", "spec.dump", "checkpoint/"].contains(&p)
            || prefixes.iter().any(|pre| p.starts_with(pre))
    }
}

#[test]
fn explicit_flags_fail_when_the_archive_lacks_what_they_need() {
    let tmp = tempfile::tempdir().unwrap();
    let bare = piggie_with(tmp.path(), "bare.tar", metadata_and(&[]));
    let tree = piggie_with(
        tmp.path(),
        "tree.tar",
        metadata_and(&["checkpoint/pstree.img", "checkpoint/core-"]),
    );
    let no_pages = piggie_with(
        tmp.path(),
        "nopages.tar",
        metadata_and(&[
            "checkpoint/pstree.img",
            "checkpoint/core-",
            "checkpoint/pagemap-",
            "checkpoint/mm-",
        ]),
    );
    let cases: [(&str, &str, String); 7] = [
        (
            "--stats",
            &bare,
            format!("{bare}: failed to get dump statistics: stats-dump: no such file or directory"),
        ),
        (
            "--ps-tree",
            &bare,
            format!(
                "{bare}: failed to get process tree: checkpoint/pstree.img: no such file or directory"
            ),
        ),
        (
            "--ps-tree-cmd",
            &no_pages,
            format!(
                "{no_pages}: failed to process command line arguments: pid 1: command line unavailable: pages-1.img: no such file or directory"
            ),
        ),
        (
            "--ps-tree-env",
            &no_pages,
            format!(
                "{no_pages}: failed to get environment variables: pid 1: environment unavailable: pages-1.img: no such file or directory"
            ),
        ),
        (
            "--files",
            &tree,
            format!(
                "{tree}: failed to get file descriptors: checkpoint/files.img: no such file or directory"
            ),
        ),
        (
            "--sockets",
            &tree,
            format!(
                "{tree}: failed to get sockets: checkpoint/files.img: no such file or directory"
            ),
        ),
        ("--mounts", &bare, String::new()),
    ];
    for (flag, archive, message) in &cases {
        let (out, err, code) = run(ckpt().args(["inspect", archive, flag]));
        if message.is_empty() {
            // spec.dump has the mounts (none, for piggie).
            assert_eq!((err.as_str(), code), ("", 0), "{flag}");
            assert!(out.contains("piggie"), "{out}");
            continue;
        }
        assert_eq!(code, 1, "{flag}: {out}{err}");
        assert_eq!(out, "", "{flag}");
        assert_eq!(err, format!("Error: {message}\n"), "{flag}");
        // The same in JSON.
        let (out, err, code) = run(ckpt().args(["inspect", "--format", "json", archive, flag]));
        assert_eq!((out.as_str(), code), ("[]\n", 1), "{flag}");
        assert_eq!(err, format!("Error: {message}\n"), "{flag}");
    }
    // With everything there, every flag works.
    let full = fixture("piggie-imgs.gnutar.tar.zst").display().to_string();
    for (flag, _, _) in &cases {
        let (_, err, code) = run(ckpt().args(["inspect", &full, flag]));
        assert_eq!((err.as_str(), code), ("", 0), "{flag}");
    }
    // --all shows what there is and warns about the rest.
    let (out, err, code) = run(ckpt().args(["inspect", "--all", &no_pages]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Process tree"), "{out}");
    assert!(err.contains("Warning: "), "{err}");
    // memparse needs the process tree too.
    let (_, err, code) = run(ckpt().args(["memparse", &bare]));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "Error: {bare}: failed to get process tree: checkpoint/pstree.img: no such file or directory\n"
        )
    );
}

#[test]
fn messages_scripts_match_on() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let config = config_dump("x", ID);
    let empty = write(t, "empty.tar", b"");
    let (_, err, code) = run(ckpt().args(["show", &empty]));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "Error: checkpoint directory is missing in the archive file: {empty} (the file is empty)\n"
        )
    );
    let no_dir = write(
        t,
        "nodir.tar",
        &plain(&[
            file("config.dump", config.clone()),
            file("spec.dump", PODMAN_SPEC),
        ]),
    );
    for command in ["show", "inspect"] {
        let (_, err, _) = run(ckpt().args([command, &no_dir]));
        assert_eq!(
            err,
            format!("Error: checkpoint directory is missing in the archive file: {no_dir}\n")
        );
    }
    let empty_config = write(
        t,
        "emptyconfig.tar",
        &plain(&[
            file("config.dump", ""),
            file("spec.dump", PODMAN_SPEC),
            dir("checkpoint/"),
        ]),
    );
    let no_spec = write(
        t,
        "nospec.tar",
        &plain(&[file("config.dump", config.clone()), dir("checkpoint/")]),
    );
    for command in ["show", "inspect"] {
        let (_, err, code) = run(ckpt().args([command, &empty_config]));
        assert_eq!(code, 1);
        assert_eq!(
            err,
            format!(
                "Error: {empty_config}: failed to unmarshal empty entry at byte 512: config.dump: unexpected end of JSON input\n"
            )
        );
        let (_, err, code) = run(ckpt().args([command, &no_spec]));
        assert_eq!(code, 1);
        assert_eq!(
            err,
            format!("Error: {no_spec}: spec.dump: no such file or directory\n")
        );
    }
    let (_, err, code) = run(ckpt().args(["diff", "/does-not-exist1.tar", "/does-not-exist2.tar"]));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Error: failed to load checkpoint A: /does-not-exist1.tar: no such file or directory\n\
         Error: failed to load checkpoint B: /does-not-exist2.tar: no such file or directory\n"
    );
}

#[test]
fn list_answers_as_checkpointctl_does() {
    let (out, err, code) = run(ckpt().args(["list", "/does-not-exist"]));
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("No checkpoints found in [/does-not-exist]\n", "", 0)
    );
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(
        tmp.path(),
        "checkpoint-bad.tar",
        &plain(&[
            file("config.dump", ""),
            file("spec.dump", PODMAN_SPEC),
            dir("checkpoint/"),
        ]),
    );
    std::fs::copy(
        fixture("mini-sleep.none.tar"),
        tmp.path().join("checkpoint-good.tar"),
    )
    .unwrap();
    let dir_arg = tmp.path().display().to_string();
    let out = ckpt().args(["list", &dir_arg]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "Listing checkpoints in path: {dir_arg}\nNAMESPACE"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("checkpoint-good.tar"), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "Error extracting information from {bad}: failed to unmarshal empty entry at byte 512: config.dump: unexpected end of JSON input\n"
        )
    );
}

#[test]
fn defaults_as_checkpointctl_has_them() {
    let tmp = tempfile::tempdir().unwrap();
    // No engine annotation: containerd.
    let containerd = write(
        tmp.path(),
        "containerd.tar",
        &plain(&[
            file("config.dump", config_dump("x", ID)),
            file("spec.dump", "{}"),
            dir("checkpoint/"),
        ]),
    );
    let (out, err, code) = run(ckpt().args(["show", &containerd]));
    assert_eq!((err.as_str(), code), ("", 0));
    let row = out.lines().nth(5).unwrap();
    assert!(row.contains("   containerd   "), "{out}");
    // A broken network.status is no warning line; the JSON keeps it.
    let mut items = podman_items();
    items[3] = file("network.status", "not-valid-json\n");
    let broken = write(tmp.path(), "broken-net.tar", &plain(&items));
    for command in ["show", "inspect"] {
        let (out, err, code) = run(ckpt().args([command, &broken]));
        assert_eq!((err.as_str(), code), ("", 0), "{command}");
        assert!(out.contains("test-ctr"), "{out}");
    }
    let (out, _, _) = run(ckpt().args(["inspect", "--format", "json", &broken]));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["warnings"][0]["entry"], "network.status");
}

#[test]
fn what_is_no_archive_gets_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let text = write(
        tmp.path(),
        "notes.txt",
        &b"hello, this is a text file and no archive\n".repeat(30),
    );
    let (out, err, code) = run(ckpt().args(["show", &text]));
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(
        err,
        format!(
            "Error: {text}: unknown format (it looks like text (\"hello, this is a text fi\"…)); \
             ckpt reads tar archives, plain or gzip, zstd, xz or bzip2 compressed\n"
        )
    );
    let zip = write(tmp.path(), "a.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00");
    let (_, err, code) = run(ckpt().args(["inspect", &zip]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!(
            "Error: {zip}: unknown format (it looks like a zip archive); "
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    // A damaged tar is still called one.
    let mut tar = plain(&podman_items());
    tar[3..13].copy_from_slice(b"0123456789");
    let damaged = write(tmp.path(), "damaged.tar", &tar);
    let (_, err, _) = run(ckpt().args(["show", &damaged]));
    assert_eq!(
        err,
        format!(
            "Error: {damaged}: not a tar archive: invalid tar header (bad checksum) at offset 0\n"
        )
    );
}
