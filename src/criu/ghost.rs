//! What a ghost file image (`ghost-file-<id>.img`) holds: the content of a
//! file deleted while open, whole after its header or in chunks at their
//! offsets (holes between them are zeros).

use super::image::{Image, ImageError};
use super::proto::{GhostChunkEntry, GhostFileEntry};

/// A ghost file's content: its size and the pieces that hold data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GhostContent<'a> {
    /// The file's size (the end of the last piece when not chunked).
    pub size: u64,
    /// (offset, bytes), in order, not overlapping, within `size`.
    pub pieces: Vec<(u64, &'a [u8])>,
}

/// The content of a ghost file image, checked: chunks in order, not
/// overlapping, within the declared size.
pub fn ghost_content(image: &[u8]) -> Result<GhostContent<'_>, ImageError> {
    let image = Image::parse(image)?;
    let mut records = image.records();
    let head: GhostFileEntry = match records.next_record() {
        Some(r) => r?.decode()?,
        None => {
            return Err(ImageError::Missing {
                message: "GhostFileEntry",
            });
        }
    };
    if head.chunks != Some(true) {
        let rest = records.rest();
        return Ok(GhostContent {
            size: rest.len() as u64,
            pieces: vec![(0, rest)],
        });
    }
    let size = head.size.unwrap_or(0);
    let mut pieces = Vec::new();
    let mut at = 0u64;
    while let Some(record) = records.next_record() {
        let chunk: GhostChunkEntry = record?.decode()?;
        let data = records.payload(chunk.len)?;
        let end = chunk.off.checked_add(chunk.len);
        if chunk.off < at || end.is_none_or(|e| e > size) {
            return Err(ImageError::Invalid {
                what: format!(
                    "ghost chunk at {} ({} bytes) overlaps the previous one or passes the \
                     file's size ({size})",
                    chunk.off, chunk.len
                ),
            });
        }
        pieces.push((chunk.off, data));
        at = chunk.off + chunk.len;
    }
    Ok(GhostContent { size, pieces })
}
