//! Process memory at a glance: what `checkpointctl memparse` tabulates,
//! and the listing of the pages files.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::memory::{PAGE_SIZE, PageSource, SharedKind, SharedMemory, VmaKind, VmaMap};
use crate::model::{Checkpoint, TaskState};
use crate::warning::Warning;

/// One row of `memparse`'s table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MemoryRow {
    /// Pid.
    pub pid: u32,
    /// Command name.
    pub command: String,
    /// Bytes the pagemap covers (checkpointctl's "memory size").
    pub memory_size: u64,
    /// Bytes of `MAP_SHARED` areas (checkpointctl's "shared memory size").
    pub shared_memory_size: u64,
    /// Bytes actually in the pages file.
    pub dumped_size: u64,
    /// The pages file, `pages-<pages_id>.img`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages_id: Option<u32>,
}

/// The memory table: alive and stopped processes, by pid. Needs
/// [`Want::processes`](crate::Want::processes) and
/// [`Want::memory`](crate::Want::memory). Without a process tree there
/// is no table: [`Error::Unavailable`].
pub fn memory_table(
    checkpoint: &Checkpoint,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<MemoryRow>> {
    let Some(table) = checkpoint.process_table() else {
        return Err(Error::no_process_tree(&checkpoint.archive));
    };
    warnings.extend(table.warnings.iter().cloned());
    let rows = table
        .by_pid
        .values()
        .filter(|p| p.state().has_resources() || p.state() == TaskState::Unknown(0))
        .map(|p| {
            let memory = p.memory();
            MemoryRow {
                pid: p.pid(),
                command: p.comm().to_owned(),
                memory_size: memory.map_or(0, |m| m.size()),
                shared_memory_size: p.mappings().map_or(0, |v| v.shared_bytes()),
                dumped_size: memory.map_or(0, |m| m.dumped_size()),
                pages_id: memory.map(|m| m.pagemap.pages_id),
            }
        })
        .collect();
    Ok(rows)
}

/// A shared memory object of `memparse`'s listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SharedRow {
    /// The object and who maps it where.
    #[serde(flatten)]
    pub object: SharedMemory,
    /// Bytes of it the checkpoint holds.
    pub dumped_size: u64,
    /// Its pages file, `pages-<pages_id>.img` (a POSIX shared memory
    /// object has none: see its `file`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages_id: Option<u32>,
}

/// The shared memory objects (memfds, SysV segments, anonymous shared
/// memory by shmid, then files of `/dev/shm` mapped shared, by path).
/// Needs [`Want::memory`](crate::Want::memory); the content of files of
/// `/dev/shm` is only kept for a memory sink, so their `dumped_size` is 0
/// in a plain read.
pub fn shared_table(checkpoint: &Checkpoint) -> Vec<SharedRow> {
    let Some(images) = checkpoint.images.as_ref() else {
        return Vec::new();
    };
    images
        .shared_memory()
        .iter()
        .cloned()
        .map(|object| {
            let (dumped_size, pages_id) = match object.kind {
                SharedKind::PosixShm => (
                    images
                        .shm_content(&object)
                        .map_or(0, |pieces| pieces.iter().map(|(_, d)| d.len() as u64).sum()),
                    None,
                ),
                _ => images
                    .shmem
                    .get(&object.shmid)
                    .map_or((0, None), |m| (m.present_bytes, Some(m.pages_id))),
            };
            SharedRow {
                dumped_size,
                pages_id,
                object,
            }
        })
        .collect()
}

/// One pages file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PagesFile {
    /// `pages-<id>.img`.
    pub id: u32,
    /// Its size in bytes, from the tar header.
    pub size: u64,
    /// Whole pages in it (raw pages when it is compressed).
    pub pages: u64,
    /// Whether it holds LZ4-compressed pages (criu-dev `--compress`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub compressed: bool,
    /// The process whose pagemap names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// The shared memory object whose pagemap names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<String>,
    /// Pagemap runs whose pages are in it.
    pub runs: usize,
    /// Pagemap runs elsewhere (parent image, lazy).
    pub runs_elsewhere: usize,
    /// Bytes in it by kind of memory area.
    pub by_kind: BTreeMap<VmaKind, u64>,
}

/// Every pages file of the checkpoint, by id, with what it holds. Needs
/// [`Want::memory`](crate::Want::memory).
pub fn pages_listing(checkpoint: &Checkpoint) -> Vec<PagesFile> {
    let images = checkpoint.images.as_ref();
    let shared = images.map(|i| i.shared_memory()).unwrap_or_default();
    checkpoint
        .pages
        .iter()
        .map(|(&id, &size)| {
            let owner = images.and_then(|i| i.pagemap.iter().find(|(_, m)| m.pages_id == id));
            let mut file = PagesFile {
                id,
                size,
                pages: size / PAGE_SIZE,
                pid: owner.map(|(pid, _)| *pid),
                shared: images.and_then(|i| {
                    let (&shmid, _) = i.shmem.iter().find(|(_, m)| m.pages_id == id)?;
                    shared
                        .iter()
                        .find(|o| o.shmid == shmid)
                        .map(|o| o.name.clone())
                }),
                compressed: false,
                runs: 0,
                runs_elsewhere: 0,
                by_kind: BTreeMap::new(),
            };
            let map = owner
                .map(|(_, m)| m)
                .or_else(|| images.and_then(|i| i.shmem.values().find(|m| m.pages_id == id)));
            if let Some(blocks) = map.and_then(|m| m.compressed()) {
                file.compressed = true;
                file.pages = blocks.raw_within(size) / PAGE_SIZE;
            }
            if let Some((pid, map)) = owner {
                let vmas = images
                    .and_then(|i| i.mm.get(pid))
                    .map(VmaMap::new)
                    .unwrap_or_default();
                for run in &map.runs {
                    if !matches!(run.source, PageSource::File { .. }) {
                        file.runs_elsewhere += 1;
                        continue;
                    }
                    file.runs += 1;
                    // A run lies in one area in a sane dump; split anyway.
                    let mut at = run.vaddr;
                    while at < run.end() {
                        let (kind, end) = match vmas.find(at) {
                            Some(v) => (v.kind, v.end.min(run.end())),
                            None => (VmaKind::Other, run.end()),
                        };
                        *file.by_kind.entry(kind).or_insert(0) += end - at;
                        at = end;
                    }
                }
            } else if let Some(map) =
                images.and_then(|i| i.shmem.values().find(|m| m.pages_id == id))
            {
                let kind = match shared
                    .iter()
                    .find(|o| Some(&o.name) == file.shared.as_ref())
                {
                    Some(o) if o.kind == SharedKind::Memfd => VmaKind::FileShared,
                    _ => VmaKind::AnonShared,
                };
                for run in &map.runs {
                    if matches!(run.source, PageSource::File { .. }) {
                        file.runs += 1;
                        *file.by_kind.entry(kind).or_insert(0) += run.end() - run.vaddr;
                    } else {
                        file.runs_elsewhere += 1;
                    }
                }
            }
            file
        })
        .collect()
}
