//! CRIU images decoded straight from the fixture archives, compared field
//! by field with CRIU's own decoder: `crit decode --pretty` output for the
//! same dumps, kept in tests/fixtures/crit.tar.zst (one directory per dump).

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use ckpt::{Archive, EntryKind};
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
    let mut archive = Archive::open(fixture(archive)).unwrap();
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
            Err(ckpt::criu::ImageError::Invalid { what }) if what.ends_with("are not decoded") => {
                continue;
            }
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
        decoded.push(image);
    }
    assert!(failures.is_empty(), "{dump}: {failures:#?}");
    decoded
}

fn decoded_kinds(decoded: &[String]) -> Vec<String> {
    let mut kinds: Vec<String> = decoded
        .iter()
        .map(|n| {
            n.trim_end_matches(".img")
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
                .to_owned()
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
    for kind in [
        "core",
        "fdinfo",
        "fs",
        "ids",
        "inventory",
        "mm",
        "pagemap",
        "pstree",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} not decoded: {kinds:?}"
        );
    }
}

#[test]
fn mini_sleep_images_agree_with_crit() {
    compare("mini-sleep.none.tar", "mini-sleep", &crit());
}

#[test]
fn test_imgs_agree_with_crit() {
    // The zombie (pid 6) has only a 41-byte core image; stats-dump is inside
    // checkpoint/ in these packings.
    let crit = crit();
    let decoded = compare("piggie-imgs.gnutar.tar.zst", "test-imgs", &crit);
    assert!(decoded.contains(&"core-6.img".to_owned()));
    assert!(decoded.contains(&"stats-dump".to_owned()));
    compare("piggie-diff-a.gnutar.tar.zst", "test-imgs-diff-a", &crit);
    compare("piggie-diff-b.gnutar.tar.zst", "test-imgs-diff-b", &crit);
}
