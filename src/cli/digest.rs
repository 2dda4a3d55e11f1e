//! The digests of one archive as text: what `show --digest` and `inspect
//! --digest` print after their own output.

use ckpt::digest::{ArchiveDigest, Digests, EntryDigest};

use super::text::clean;

/// The archive's digest line and a table of every entry (name, type,
/// size in bytes, SHA-256), headed by the archive's name.
pub fn section(archive: &str, digests: &Digests) -> String {
    let mut out = format!(
        "\nDigests ({}) of {}\n\nArchive: {}\n\n",
        digests.algorithm,
        clean(archive),
        archive_line(digests.archive.as_ref())
    );
    let noted = digests.entries.iter().any(|e| !note(e).is_empty());
    let mut header = vec!["Name", "Type", "Size", "SHA256"];
    if noted {
        header.push("Note");
    }
    let rows: Vec<Vec<String>> = digests
        .entries
        .iter()
        .map(|e| {
            let mut row = vec![
                e.name.clone(),
                e.file_type.name().to_owned(),
                size(e),
                e.sha256.map(|s| s.to_string()).unwrap_or_default(),
            ];
            if noted {
                row.push(note(e));
            }
            row
        })
        .collect();
    out.push_str(&super::table::render(&header, &rows, &["Name", "SHA256"]));
    out
}

/// The archive's digest and size, or why there is none.
pub fn archive_line(archive: Option<&ArchiveDigest>) -> String {
    match archive {
        Some(a) => format!("{} ({} bytes)", a.sha256, a.size),
        None => "none (the input could not be read to its end)".to_owned(),
    }
}

/// A regular file's size in bytes; nothing for what has no content.
fn size(e: &EntryDigest) -> String {
    match e.file_type {
        ckpt::FileType::File => e.size.to_string(),
        _ => String::new(),
    }
}

/// What else to know of an entry: a link's target, a sparse file, a copy
/// that a later one replaces.
fn note(e: &EntryDigest) -> String {
    let mut notes = Vec::new();
    if let Some(link) = &e.link {
        notes.push(format!("→ {}", clean(link)));
    }
    if e.sparse {
        notes.push("sparse: content not digested".to_owned());
    }
    if e.replaced {
        notes.push("replaced by a later copy".to_owned());
    }
    notes.join("; ")
}

/// An entry as one line of `verify`: type, size and digest.
pub fn describe(e: &EntryDigest) -> String {
    let mut out = e.file_type.name().to_owned();
    if e.file_type == ckpt::FileType::File {
        out.push_str(&format!(", {} bytes", e.size));
    }
    if let Some(sum) = e.sha256 {
        out.push_str(&format!(", sha256 {sum}"));
    }
    let note = note(e);
    if !note.is_empty() {
        out.push_str(&format!(", {note}"));
    }
    out
}
