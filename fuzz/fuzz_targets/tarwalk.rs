//! The tar walk alone, checked against its rules: the same entries from a
//! stream and from positioned reads; every name cleaned as the runtime's
//! extraction cleans it (or, if it leaves the root, kept raw and never
//! classified as a well-known entry); a name given twice (not two
//! directories) warned about; a regular file's data exactly its size.

#![no_main]

use std::collections::HashMap;
use std::io::{Cursor, Read};

use ckpt::layout::normalize;
use ckpt::source::{Archive, Source};
use ckpt::{EntryKind, WarningKind};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq)]
struct Seen {
    name: String,
    kind: EntryKind,
    size: u64,
    file: bool,
    dir: bool,
    data: Option<usize>,
}

fn walk(source: Source<'_>) -> (Vec<Seen>, bool, Vec<ckpt::Warning>) {
    let Ok(mut archive) = Archive::new(source) else {
        return (Vec::new(), true, Vec::new());
    };
    let mut seen = Vec::new();
    let mut failed = false;
    let Ok(entries) = archive.entries() else {
        return (seen, true, Vec::new());
    };
    for entry in entries {
        let Ok(mut entry) = entry else {
            failed = true;
            break;
        };
        let mut data = None;
        if entry.is_file() && !entry.is_sparse() && entry.size() <= 1 << 20 {
            let mut buf = Vec::new();
            match entry.read_to_end(&mut buf) {
                Ok(_) => data = Some(buf.len()),
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        seen.push(Seen {
            name: entry.name().to_owned(),
            kind: entry.kind(),
            size: entry.size(),
            file: entry.is_file(),
            dir: entry.is_dir(),
            data,
        });
    }
    (seen, failed, archive.take_warnings())
}

fuzz_target!(|data: &[u8]| {
    let (streamed, failed_s, _) = walk(Source::from_reader(data, "fuzz.tar"));
    let Ok(seekable) = Source::from_seekable(Cursor::new(data), "fuzz.tar") else {
        return;
    };
    let (entries, failed, warnings) = walk(seekable);
    assert_eq!(streamed, entries, "stream and positioned reads disagree");
    assert_eq!(failed_s, failed);
    let mut by_name: HashMap<&str, Vec<&Seen>> = HashMap::new();
    for e in &entries {
        match normalize(&e.name) {
            // Cleaned: cleaning again changes nothing.
            Some(clean) => assert_eq!(clean, e.name),
            // Left raw: never a well-known entry.
            None => assert!(
                matches!(e.kind, EntryKind::Other | EntryKind::Directory),
                "{e:?}"
            ),
        }
        if let Some(n) = e.data {
            assert_eq!(n as u64, e.size, "{e:?}");
        }
        if normalize(&e.name).is_some() {
            by_name.entry(&e.name).or_default().push(e);
        }
    }
    let capped = warnings.iter().any(|w| w.kind == WarningKind::MoreWarnings);
    for (name, copies) in by_name {
        if copies.len() > 1 && !copies.iter().all(|c| c.dir) && !capped {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.kind == WarningKind::DuplicateEntry
                        && w.entry.as_deref() == Some(name)),
                "{name} given {} times without a warning",
                copies.len()
            );
        }
    }
});
