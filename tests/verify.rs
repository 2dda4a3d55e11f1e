//! `ckpt show --digest` and `ckpt verify`: a manifest written, then an
//! archive with an entry changed, one removed and one added checked
//! against it.

#![cfg(feature = "cli")]

mod common;

use std::path::Path;

use common::{Style, file, run_ckpt};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// The manifest `show --digest --format json` writes for `archive`.
fn manifest(dir: &Path, archive: &str) -> String {
    let (json, err, code) = run_ckpt(&["show", "--digest", "--format", "json", archive]);
    assert_eq!(code, 0, "{err}");
    write(dir, "manifest.json", json.as_bytes())
}

#[test]
fn an_unchanged_archive_verifies_from_a_file_and_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = "tests/fixtures/mini-sleep.zstd.tar.zst";
    let m = manifest(tmp.path(), archive);
    let (out, err, code) = run_ckpt(&["verify", archive, &m]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Archive matches"), "{out}");
    assert!(
        out.ends_with("OK: the archive and its 31 entries are as the manifest says\n"),
        "{out}"
    );
    let out = assert_cmd::Command::cargo_bin("ckpt")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["verify", "-", &m])
        .pipe_stdin(Path::new(env!("CARGO_MANIFEST_DIR")).join(archive))
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // inspect's JSON is a manifest too.
    let (json, _, _) = run_ckpt(&["inspect", "--digest", "--format", "json", archive]);
    let m2 = write(tmp.path(), "inspect.json", json.as_bytes());
    assert_eq!(run_ckpt(&["verify", archive, &m2]).2, 0);
}

#[test]
fn a_changed_a_removed_and_an_added_entry_are_each_named() {
    let tmp = tempfile::tempdir().unwrap();
    let items = common::podman_items();
    let before = write(
        tmp.path(),
        "before.tar",
        &common::tar(&items, &Style::default()),
    );
    let m = manifest(tmp.path(), &before);

    let mut after: Vec<common::Item> = items
        .into_iter()
        .filter(|i| !matches!(i, common::Item::File(n, _) if n == "deleted.files"))
        .map(|i| match i {
            common::Item::File(n, mut data) if n == "checkpoint/pages-1.img" => {
                data[4000] ^= 1;
                common::Item::File(n, data)
            }
            other => other,
        })
        .collect();
    after.push(file("checkpoint/extra.img", "planted"));
    let after = write(
        tmp.path(),
        "after.tar",
        &common::tar(&after, &Style::default()),
    );

    let (out, _, code) = run_ckpt(&["verify", &after, &m]);
    assert_eq!(code, 1, "{out}");
    let firsts: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect();
    assert_eq!(
        firsts,
        [
            "changed  checkpoint/pages-1.img",
            "new      checkpoint/extra.img",
            "missing  deleted.files",
        ],
        "{out}"
    );
    let pages = ckpt::digest::Sha256::of(&{
        let mut p = common::pattern(8192);
        p[4000] ^= 1;
        p
    });
    assert!(
        out.contains(&format!("archive:  file, 8192 bytes, sha256 {pages}")),
        "{out}"
    );
    assert!(out.contains("Archive DIFFERS"), "{out}");
    assert!(
        out.contains("FAILED: 1 changed, 1 missing, 1 new, 7 identical entries"),
        "{out}"
    );

    let (json, _, code) = run_ckpt(&["verify", "--format", "json", &after, &m]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["identical"], false);
    assert_eq!(v["archive_digest"]["matches"], false);
    let kinds: Vec<(&str, &str)> = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("checkpoint/pages-1.img", "changed"),
            ("checkpoint/extra.img", "new"),
            ("deleted.files", "missing")
        ]
    );
    assert_eq!(
        v["differences"][0]["actual"]["sha256"],
        pages.to_string().as_str()
    );
}

#[test]
fn a_manifest_that_is_too_large_or_no_manifest_fails_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = "tests/fixtures/mini-sleep.none.tar";
    let m = manifest(tmp.path(), archive);
    let (_, err, code) = run_ckpt(&["verify", "--max-entry-size", "1000", archive, &m]);
    assert_eq!(code, 1);
    assert!(err.contains("larger than the 1000-byte limit"), "{err}");
    let (json, _, _) = run_ckpt(&["show", "--format", "json", archive]);
    let no_digest = write(tmp.path(), "plain.json", json.as_bytes());
    let (_, err, code) = run_ckpt(&["verify", archive, &no_digest]);
    assert_eq!(code, 1);
    assert!(err.contains("no `digest` section"), "{err}");
    let garbage = write(tmp.path(), "garbage.json", b"\x00\xff not json");
    let (_, err, code) = run_ckpt(&["verify", archive, &garbage]);
    assert_eq!(code, 1);
    assert!(err.contains("not a digest manifest"), "{err}");
}

#[test]
fn show_and_inspect_print_the_digests_after_their_own_output() {
    let archive = "tests/fixtures/mini-sleep.none.tar";
    let sum = ckpt::digest::Sha256::of(&std::fs::read(archive).unwrap());
    for command in ["show", "inspect"] {
        let (out, err, code) = run_ckpt(&[command, "--digest", archive]);
        assert_eq!(code, 0, "{err}");
        let at = out.find("Digests (sha256) of").unwrap();
        assert!(at > 0, "{command}: {out}");
        assert!(
            out.contains(&format!("Archive: {sum} (164864 bytes)")),
            "{out}"
        );
        assert!(out.contains("NAME "), "{out}");
    }
}

/// The manifest in the fixtures (used by the README's `verify` example)
/// is what `show --digest --format json` writes today.
#[test]
fn the_fixture_manifest_is_current() {
    let (json, _, code) = run_ckpt(&[
        "show",
        "--digest",
        "--format",
        "json",
        "tests/fixtures/mini-sleep.none.tar",
    ]);
    assert_eq!(code, 0);
    let fixture = std::fs::read_to_string(common::fixture("mini-sleep.none.digest.json")).unwrap();
    assert_eq!(json, fixture);
}
