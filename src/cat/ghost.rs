//! The saved content of a deleted-but-open file: `files.img` names it,
//! `remap-fpath.img` says it is a ghost and which, `ghost-file-<id>.img`
//! holds its bytes (whole, or in chunks with holes between them).

use std::io::Write;

use crate::criu::proto::{
    FileEntry, GhostChunkEntry, GhostFileEntry, REMAP_GHOST, RemapFilePathEntry,
};
use crate::criu::{Image, ImageError};

/// A deleted file CRIU saved: its path and ghost id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ghost {
    /// The path the process opened it by.
    pub(super) path: String,
    /// Its `ghost-file-<id>.img`.
    pub(super) ghost_id: u32,
}

/// The ghosts `files.img` and `remap-fpath.img` describe, in
/// `remap-fpath.img` order, each path once.
pub(super) fn ghosts(files: &[u8], remap: &[u8]) -> Result<Vec<Ghost>, ImageError> {
    let files: Vec<FileEntry> = Image::parse(files)?.decode_all()?;
    let remaps: Vec<RemapFilePathEntry> = Image::parse(remap)?.decode_all()?;
    let mut out: Vec<Ghost> = Vec::new();
    for r in remaps {
        if r.remap_type != Some(REMAP_GHOST) {
            continue;
        }
        let Some(path) = files
            .iter()
            .find(|f| f.id == r.orig_id)
            .and_then(|f| f.reg.as_ref())
            .map(|reg| reg.name.clone())
        else {
            continue;
        };
        if !out
            .iter()
            .any(|g| g.path == path && g.ghost_id == r.remap_id)
        {
            out.push(Ghost {
                path,
                ghost_id: r.remap_id,
            });
        }
    }
    Ok(out)
}

/// The file's size: the declared size of a chunked ghost, else the length
/// of what follows its header.
pub(super) fn size(image: &[u8]) -> Result<u64, ImageError> {
    let image = Image::parse(image)?;
    let mut records = image.records();
    let head = first(&mut records)?;
    if head.chunks == Some(true) {
        return Ok(head.size.unwrap_or(0));
    }
    Ok(records.rest().len() as u64)
}

fn first(records: &mut crate::criu::Records<'_>) -> Result<GhostFileEntry, ImageError> {
    match records.next_record() {
        Some(r) => r?.decode::<GhostFileEntry>(),
        None => Err(ImageError::Missing {
            message: "GhostFileEntry",
        }),
    }
}

/// Writes the file's content: the bytes after the header, or each chunk at
/// its offset with zeros in the holes (chunks in order, within the
/// declared size, as CRIU writes them).
pub(super) fn write_content(image: &[u8], out: &mut dyn Write) -> Result<u64, WriteError> {
    let image = Image::parse(image)?;
    let mut records = image.records();
    let head = first(&mut records)?;
    if head.chunks != Some(true) {
        let rest = records.rest();
        out.write_all(rest).map_err(WriteError::Output)?;
        return Ok(rest.len() as u64);
    }
    let size = head.size.unwrap_or(0);
    let mut at = 0u64;
    while let Some(record) = records.next_record() {
        let chunk: GhostChunkEntry = record?.decode()?;
        let data = records.payload(chunk.len)?;
        let end = chunk.off.checked_add(chunk.len);
        if chunk.off < at || end.is_none_or(|e| e > size) {
            return Err(WriteError::Image(ImageError::Invalid {
                what: format!(
                    "ghost chunk at {} ({} bytes) overlaps the previous one or passes the \
                     file's size ({size})",
                    chunk.off, chunk.len
                ),
            }));
        }
        zeros(out, chunk.off - at)?;
        out.write_all(data).map_err(WriteError::Output)?;
        at = chunk.off + chunk.len;
    }
    zeros(out, size - at)?;
    Ok(size)
}

fn zeros(out: &mut dyn Write, mut n: u64) -> Result<(), WriteError> {
    const ZEROS: [u8; 8192] = [0; 8192];
    while n > 0 {
        let k = n.min(ZEROS.len() as u64) as usize;
        out.write_all(&ZEROS[..k]).map_err(WriteError::Output)?;
        n -= k as u64;
    }
    Ok(())
}

/// Why a ghost's content could not be written.
#[derive(Debug)]
pub(super) enum WriteError {
    /// The image is malformed.
    Image(ImageError),
    /// The output failed.
    Output(std::io::Error),
}

impl From<ImageError> for WriteError {
    fn from(e: ImageError) -> WriteError {
        WriteError::Image(e)
    }
}
