//! The decoded images of one dump, by kind and id, as the walk finds them
//! (in any order).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::criu::proto::*;
use crate::criu::{Image, ImageError, ImageKind, count_field};
use crate::memory::PageMap;
use crate::options::{LimitKind, Limits};

/// `MmEntry.vmas`' field number.
const MM_VMAS_FIELD: u32 = 14;

/// The images of one dump that answer a user's questions, decoded.
///
/// Filled by the reader under [`Options`](crate::Options); read it through
/// [`Checkpoint::processes`](crate::Checkpoint::processes) and the
/// [`Process`](crate::Process) accessors, or directly.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ImageSet {
    /// `inventory.img`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryEntry>,
    /// `pstree.img`: the tasks, in image order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pstree: Option<Vec<PstreeEntry>>,
    /// `core-<tid>.img`.
    pub core: BTreeMap<u32, CoreEntry>,
    /// `ids-<pid>.img`.
    pub ids: BTreeMap<u32, TaskKobjIdsEntry>,
    /// `fs-<pid>.img`.
    pub fs: BTreeMap<u32, FsEntry>,
    /// `mm-<pid>.img`.
    pub mm: BTreeMap<u32, MmEntry>,
    /// `pagemap-<pid>.img`, with offsets in the pages file worked out.
    pub pagemap: BTreeMap<u32, PageMap>,
    /// `fdinfo-<files_id>.img`.
    pub fdinfo: BTreeMap<u32, Vec<FdinfoEntry>>,
    /// `files.img`: every open file, by the ids fdinfo entries use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileEntry>>,
    /// `mountpoints-<mnt_ns_id>.img`.
    pub mountpoints: BTreeMap<u32, Vec<MntEntry>>,
    /// `remap-fpath.img`: open files whose path no longer names them
    /// (deleted, or of a process that is gone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remaps: Vec<RemapFilePathEntry>,
    /// `pagemap-shmem-<shmid>.img`: where the pages of each shared memory
    /// object are (offsets in the object stand for addresses).
    pub shmem: BTreeMap<u64, PageMap>,
    /// `ipcns-shm-<id>.img`: the SysV shared memory segments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sysv_shm: Vec<IpcShmEntry>,
    /// What the checkpoint holds of files in `/dev/shm`, kept for a memory
    /// sink: the ghost file images (by id) of those deleted while open,
    /// and the members of `devshm-checkpoint.tar` (by name).
    #[serde(skip)]
    pub shm_files: ShmFiles,
    /// `memfd.img`: the memfd inodes (names, sizes, the shmem ids their
    /// contents are dumped under).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub memfds: Vec<MemfdInodeEntry>,
    /// `stats-dump`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<StatsEntry>,
    /// `cgroup.img`: the cgroup controllers of the dumping host and the
    /// cgroups of the tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cgroup: Option<CgroupEntry>,
    /// Index in `files` of each file id (the last entry with that id).
    #[serde(skip)]
    files_by_id: HashMap<u32, usize>,
    /// [`ImageSet::shared_memory`], worked out once after the last insert.
    #[serde(skip)]
    pub(super) shared_cache: std::sync::OnceLock<Vec<crate::memory::SharedMemory>>,
}

impl ImageSet {
    /// Whether images of this kind are kept by [`ImageSet::insert`].
    pub fn knows(kind: ImageKind) -> bool {
        matches!(
            kind,
            ImageKind::Inventory
                | ImageKind::Pstree
                | ImageKind::Core
                | ImageKind::Ids
                | ImageKind::Fs
                | ImageKind::Mm
                | ImageKind::Pagemap
                | ImageKind::Fdinfo
                | ImageKind::Files
                | ImageKind::Mountpoints
                | ImageKind::RemapFpath
                | ImageKind::Memfd
                | ImageKind::ShmemPagemap
                | ImageKind::IpcnsShm
                | ImageKind::StatsDump
                | ImageKind::Cgroup
        )
    }

    /// Decodes an image and keeps it, under `limits`. `kind` and `id` are
    /// those of [`ImageKind::parse`]; images of other kinds are ignored.
    pub fn insert(
        &mut self,
        kind: ImageKind,
        id: Option<u64>,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<(), ImageError> {
        let need_id = || {
            id.and_then(|id| u32::try_from(id).ok())
                .ok_or_else(|| ImageError::Invalid {
                    what: format!("{kind} image without an id in its name"),
                })
        };
        let image = |bytes| match kind.magic() {
            Some(magic) => Image::parse_expecting(bytes, magic),
            None => Image::parse(bytes),
        };
        if let Some(pid) = id.and_then(|id| u32::try_from(id).ok()) {
            self.room_for(kind, pid, limits)?;
        }
        self.shared_cache = std::sync::OnceLock::new();
        match kind {
            ImageKind::Inventory => self.inventory = Some(image(bytes)?.decode_one()?),
            ImageKind::Pstree => {
                let image = image(bytes)?;
                self.pstree = Some(if limits.max_processes <= limits.max_records {
                    image.decode_at_most(limits.max_processes, LimitKind::Processes)?
                } else {
                    records(image, limits)?
                });
            }
            ImageKind::Core => {
                let id = need_id()?;
                self.core.insert(id, image(bytes)?.decode_one()?);
            }
            ImageKind::Ids => {
                let id = need_id()?;
                self.ids.insert(id, image(bytes)?.decode_one()?);
            }
            ImageKind::Fs => {
                let id = need_id()?;
                self.fs.insert(id, image(bytes)?.decode_one()?);
            }
            ImageKind::Mm => {
                let id = need_id()?;
                let image = image(bytes)?;
                // Count the areas before they are allocated.
                if let Some(Ok(record)) = image.records().next_record()
                    && count_field(record.bytes, MM_VMAS_FIELD)? > limits.max_vmas
                {
                    return Err(ImageError::Limit {
                        limit: LimitKind::Vmas,
                        max: limits.max_vmas,
                    });
                }
                self.mm.insert(id, image.decode_one()?);
            }
            ImageKind::Pagemap | ImageKind::ShmemPagemap => {
                let mut records = image(bytes)?.records();
                let head: PagemapHead = match records.next_record() {
                    Some(r) => r?.decode()?,
                    None => {
                        return Err(ImageError::Missing {
                            message: "PagemapHead",
                        });
                    }
                };
                let mut entries = Vec::new();
                for r in records {
                    if entries.len() as u64 >= limits.max_records {
                        return Err(ImageError::Limit {
                            limit: LimitKind::Records,
                            max: limits.max_records,
                        });
                    }
                    entries.push(r?.decode::<PagemapEntry>()?);
                }
                let map = PageMap::new(head.pages_id, &entries)?;
                if kind == ImageKind::Pagemap {
                    self.pagemap.insert(need_id()?, map);
                } else {
                    let shmid = id.ok_or_else(|| ImageError::Invalid {
                        what: format!("{kind} image without an id in its name"),
                    })?;
                    if !self.shmem.contains_key(&shmid)
                        && self.shmem.len() as u64 >= limits.max_processes
                    {
                        return Err(ImageError::Limit {
                            limit: LimitKind::Processes,
                            max: limits.max_processes,
                        });
                    }
                    self.shmem.insert(shmid, map);
                }
            }
            ImageKind::Fdinfo => {
                let id = need_id()?;
                self.fdinfo.insert(id, records(image(bytes)?, limits)?);
            }
            ImageKind::Files => {
                let files: Vec<FileEntry> = records(image(bytes)?, limits)?;
                self.files_by_id = files.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
                self.files = Some(files);
            }
            ImageKind::Mountpoints => {
                let id = need_id()?;
                self.mountpoints.insert(id, records(image(bytes)?, limits)?);
            }
            ImageKind::StatsDump => self.stats = Some(image(bytes)?.decode_one()?),
            ImageKind::Cgroup => self.cgroup = Some(image(bytes)?.decode_one()?),
            ImageKind::RemapFpath => self.remaps = records(image(bytes)?, limits)?,
            ImageKind::Memfd => self.memfds = records(image(bytes)?, limits)?,
            // One image per IPC namespace; a container has one.
            ImageKind::IpcnsShm => {
                let mut segments: Vec<IpcShmEntry> = Vec::new();
                let image = image(bytes)?;
                let mut records = image.records();
                while let Some(r) = records.next_record() {
                    if segments.len() as u64 >= limits.max_records {
                        return Err(ImageError::Limit {
                            limit: LimitKind::Records,
                            max: limits.max_records,
                        });
                    }
                    let segment: IpcShmEntry = r?.decode()?;
                    // Contents not in a pagemap follow the record.
                    if segment.in_pagemaps != Some(true) {
                        crate::criu::Records::skip(
                            &mut records,
                            segment.size.saturating_add(3) & !3,
                        )?;
                    }
                    segments.push(segment);
                }
                self.sysv_shm.extend(segments);
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether one more process's image of `kind` fits: at most
    /// [`Limits::max_processes`] of each kind.
    fn room_for(&self, kind: ImageKind, pid: u32, limits: &Limits) -> Result<(), ImageError> {
        let (len, has) = match kind {
            ImageKind::Core => (self.core.len(), self.core.contains_key(&pid)),
            ImageKind::Ids => (self.ids.len(), self.ids.contains_key(&pid)),
            ImageKind::Fs => (self.fs.len(), self.fs.contains_key(&pid)),
            ImageKind::Mm => (self.mm.len(), self.mm.contains_key(&pid)),
            ImageKind::Pagemap => (self.pagemap.len(), self.pagemap.contains_key(&pid)),
            ImageKind::Fdinfo => (self.fdinfo.len(), self.fdinfo.contains_key(&pid)),
            ImageKind::Mountpoints => (self.mountpoints.len(), self.mountpoints.contains_key(&pid)),
            _ => return Ok(()),
        };
        if !has && len as u64 >= limits.max_processes {
            return Err(ImageError::Limit {
                limit: LimitKind::Processes,
                max: limits.max_processes,
            });
        }
        Ok(())
    }

    /// The counts an image of `kind` declares checked against `limits`
    /// without decoding anything: records, processes, memory areas.
    pub fn check_counts(kind: ImageKind, bytes: &[u8], limits: &Limits) -> Result<(), ImageError> {
        let Ok(image) = Image::parse(bytes) else {
            return Ok(());
        };
        let (max, limit) = match kind {
            ImageKind::Pstree => (limits.max_processes, LimitKind::Processes),
            _ => (limits.max_records, LimitKind::Records),
        };
        let mut records = image.records();
        let mut count: u64 = 0;
        while let Some(Ok(record)) = records.next_record() {
            count += 1;
            if count > max {
                return Err(ImageError::Limit { limit, max });
            }
            if kind == ImageKind::Mm && count_field(record.bytes, MM_VMAS_FIELD)? > limits.max_vmas
            {
                return Err(ImageError::Limit {
                    limit: LimitKind::Vmas,
                    max: limits.max_vmas,
                });
            }
        }
        Ok(())
    }

    /// The entry of `files.img` with this id (the last, if several).
    pub fn file(&self, id: u32) -> Option<&FileEntry> {
        let i = *self.files_by_id.get(&id)?;
        self.files.as_ref()?.get(i)
    }

    /// Keeps a ghost file image (`ghost-file-<id>.img`, the last copy) or
    /// a member of `devshm-checkpoint.tar`, for the memory of `/dev/shm`.
    pub fn keep_shm_file(&mut self, ghost: Option<u64>, member: Option<String>, bytes: Vec<u8>) {
        match (ghost, member) {
            (Some(id), _) => {
                self.shm_files.ghosts.insert(id, bytes);
            }
            (None, Some(name)) => {
                self.shm_files.devshm.insert(name, bytes);
            }
            (None, None) => return,
        }
        self.shared_cache = std::sync::OnceLock::new();
    }

    /// How the file of this id is restored when its path no longer names
    /// it: [`REMAP_GHOST`] (deleted, content saved), [`REMAP_LINKED`]
    /// (deleted, kept through a link CRIU made), [`REMAP_PROCFS`].
    pub fn remap_type(&self, file_id: u32) -> Option<i32> {
        self.remaps
            .iter()
            .rev()
            .find(|r| r.orig_id == file_id)
            .map(|r| r.remap_type.unwrap_or(REMAP_LINKED))
    }

    /// Whether nothing was decoded.
    pub fn is_empty(&self) -> bool {
        self.inventory.is_none()
            && self.pstree.is_none()
            && self.core.is_empty()
            && self.ids.is_empty()
            && self.fs.is_empty()
            && self.mm.is_empty()
            && self.pagemap.is_empty()
            && self.fdinfo.is_empty()
            && self.files.is_none()
            && self.mountpoints.is_empty()
            && self.remaps.is_empty()
            && self.memfds.is_empty()
            && self.shmem.is_empty()
            && self.sysv_shm.is_empty()
            && self.stats.is_none()
            && self.cgroup.is_none()
    }
}

/// The saved content of files in `/dev/shm` (see [`ImageSet::shm_files`]).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ShmFiles {
    /// `ghost-file-<id>.img`, raw, by id.
    pub ghosts: BTreeMap<u64, Vec<u8>>,
    /// Members of `devshm-checkpoint.tar`, by name.
    pub devshm: BTreeMap<String, Vec<u8>>,
}

/// Every record of `image`, at most [`Limits::max_records`] of them.
fn records<M: prost::Message + Default>(
    image: Image<'_>,
    limits: &Limits,
) -> Result<Vec<M>, ImageError> {
    image.decode_at_most(limits.max_records, LimitKind::Records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vmas_counted_by_their_field_number() {
        use prost::Message;
        let mm = MmEntry {
            mm_env_start: 7,
            mm_saved_auxv: vec![1, 2],
            vmas: vec![VmaEntry::default(); 3],
            ..MmEntry::default()
        };
        assert_eq!(count_field(&mm.encode_to_vec(), MM_VMAS_FIELD).unwrap(), 3);
    }
}
