//! The saved content of a deleted-but-open file: `files.img` names it,
//! `remap-fpath.img` says it is a ghost and which, `ghost-file-<id>.img`
//! holds its bytes (whole, or in chunks with holes between them).

use std::io::Write;

use crate::criu::ghost::ghost_content;
use crate::criu::proto::{FileEntry, REMAP_GHOST, RemapFilePathEntry};
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
    Ok(ghost_content(image)?.size)
}

/// Writes the file's content: each piece at its offset, zeros in the
/// holes.
pub(super) fn write_content(image: &[u8], out: &mut dyn Write) -> Result<u64, WriteError> {
    let content = ghost_content(image)?;
    let mut at = 0u64;
    for (offset, data) in &content.pieces {
        zeros(out, offset - at)?;
        out.write_all(data).map_err(WriteError::Output)?;
        at = offset + data.len() as u64;
    }
    zeros(out, content.size - at)?;
    Ok(content.size)
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
