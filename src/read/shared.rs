//! Shared memory objects during the pass: which pages file holds which
//! (read by offset in the object, once every memory area is known), and
//! the files of `/dev/shm` kept for a memory sink, given to it after the
//! walk.

use super::collect::{Collector, When};
use crate::error::{Error, Result};
use crate::memory::{MemoryChunk, ScanRequest, SharedKind, VmaMap};
use crate::model::ImageSet;

impl Collector<'_, '_> {
    /// After the walk, once every memory area is known: the POSIX shared
    /// memory objects the sink wants, from the ghost files and the files
    /// of `devshm-checkpoint.tar` kept for it. Whether it wants the read
    /// to go on.
    pub(super) fn feed_shm_files(&mut self) -> Result<bool> {
        let Collector {
            images,
            sink,
            archive,
            ..
        } = self;
        let Some(sink) = sink else {
            return Ok(true);
        };
        let objects = images.shared_memory();
        for object in objects.iter().filter(|o| o.kind == SharedKind::PosixShm) {
            if !sink.wants_shared(object) {
                continue;
            }
            let Some(pieces) = images.shm_content(object) else {
                continue;
            };
            let ranges = sink.shared_ranges(object).map(ScanRequest::merge);
            for (offset, data) in pieces {
                let end = offset.saturating_add(data.len() as u64);
                let parts = match &ranges {
                    None => vec![(offset, end)],
                    Some(ranges) => ranges
                        .iter()
                        .filter(|r| r.start < end && offset < r.end)
                        .map(|r| (r.start.max(offset), r.end.min(end)))
                        .collect(),
                };
                for (from, to) in parts {
                    let a = (from - offset) as usize;
                    let b = (to - offset) as usize;
                    let chunk = MemoryChunk {
                        pid: 0,
                        pages_id: 0,
                        vaddr: from,
                        file_offset: from,
                        data: &data[a..b],
                        shared: Some(object),
                    };
                    match sink.chunk(&chunk) {
                        Ok(true) => {}
                        Ok(false) => return Ok(false),
                        Err(source) => {
                            return Err(Error::Sink {
                                archive: archive.clone(),
                                entry: object.file.clone().unwrap_or_default(),
                                offset: None,
                                source,
                            });
                        }
                    }
                }
            }
        }
        Ok(true)
    }
}

/// What `sink` wants of pages file `id` when it holds a shared memory
/// object. Who maps it is known once every memory area is: during the walk
/// of a source that can be read again it waits for the end.
pub(super) fn shared_request<'i>(
    images: &'i ImageSet,
    sink: &dyn crate::memory::MemorySink,
    id: u32,
    when: When,
) -> Option<ScanRequest<'i>> {
    if when == When::CanWait {
        return None;
    }
    let (&shmid, map) = images.shmem.iter().find(|(_, map)| map.pages_id == id)?;
    let object = images
        .shared_memory()
        .iter()
        .find(|o| o.shmid == shmid)?
        .clone();
    if !sink.wants_shared(&object) {
        return None;
    }
    let ranges = sink.shared_ranges(&object);
    Some(ScanRequest {
        pid: 0,
        map,
        ranges: ranges.map(ScanRequest::merge),
        vmas: VmaMap::default(),
        shared: Some(object),
    })
}
