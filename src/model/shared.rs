//! The shared memory objects of a dump and who maps them: memfd inodes
//! (`memfd.img`), SysV segments (`ipcns-shm-*.img`) and anonymous shared
//! memory, each with its `pagemap-shmem-<shmid>.img`, matched with the
//! memory areas of every process (`mm-<pid>.img`) that map them.

use std::collections::BTreeMap;

use super::images::ImageSet;
use crate::criu::proto::{
    REMAP_GHOST, VMA_ANON_SHARED, VMA_AREA_MEMFD, VMA_AREA_SYSVIPC, VMA_FILE_SHARED, VmaEntry,
};
use crate::layout::DEV_SHM_CHECKPOINT_TAR as DEV_SHM_TAR;
use crate::memory::{SharedKind, SharedMapping, SharedMemory};

/// What CRIU names the memfd it dumps anonymous shared memory through.
const ANON_MEMFD_NAME: &str = "/dev/zero";

/// Where POSIX shared memory objects live.
const DEV_SHM: &str = "/dev/shm/";

impl ImageSet {
    /// Every shared memory object whose pages are in the dump, by shmid,
    /// with its mappings sorted by pid and address (worked out once, from
    /// every memory area of every process).
    pub fn shared_memory(&self) -> &[SharedMemory] {
        self.shared_cache.get_or_init(|| self.find_shared_memory())
    }

    fn find_shared_memory(&self) -> Vec<SharedMemory> {
        let mut objects: BTreeMap<u64, SharedMemory> = BTreeMap::new();
        for &shmid in self.shmem.keys() {
            let memfd = self.memfds.iter().find(|m| u64::from(m.shmid) == shmid);
            let sysv = self.sysv_shm.iter().find(|s| u64::from(s.desc.id) == shmid);
            let (kind, name, size) = match (memfd, sysv) {
                (Some(m), _) if m.name != ANON_MEMFD_NAME => {
                    (SharedKind::Memfd, format!("memfd:{}", m.name), Some(m.size))
                }
                (Some(m), _) => (
                    SharedKind::AnonShared,
                    format!("anon-shared:{shmid}"),
                    Some(m.size),
                ),
                (None, Some(s)) => (
                    SharedKind::Sysv,
                    format!("sysv:{}", s.desc.id),
                    Some(s.size),
                ),
                (None, None) => (SharedKind::AnonShared, format!("anon-shared:{shmid}"), None),
            };
            objects.insert(
                shmid,
                SharedMemory {
                    shmid,
                    kind,
                    name,
                    size,
                    mappings: Vec::new(),
                    file: None,
                },
            );
        }
        // Files of /dev/shm mapped shared, by path.
        let mut files: BTreeMap<String, SharedMemory> = BTreeMap::new();
        for (&pid, mm) in &self.mm {
            for vma in &mm.vmas {
                if vma.end <= vma.start {
                    continue;
                }
                let mapping = SharedMapping {
                    pid,
                    start: vma.start,
                    end: vma.end,
                    offset: vma.pgoff,
                };
                if let Some(object) = self.object_of(vma).and_then(|id| objects.get_mut(&id)) {
                    object.mappings.push(mapping);
                } else if let Some(object) = self.shm_file(vma, &mut files) {
                    object.mappings.push(mapping);
                }
            }
        }
        let mut out: Vec<SharedMemory> = objects.into_values().chain(files.into_values()).collect();
        for o in &mut out {
            o.mappings.sort_by_key(|m| (m.pid, m.start));
        }
        out
    }

    /// The POSIX shared memory object (a file of `/dev/shm`) a memory area
    /// maps shared, if it does, added to `files` the first time.
    fn shm_file<'f>(
        &self,
        vma: &VmaEntry,
        files: &'f mut BTreeMap<String, SharedMemory>,
    ) -> Option<&'f mut SharedMemory> {
        if vma.status & VMA_FILE_SHARED == 0 || vma.status & VMA_AREA_MEMFD != 0 {
            return None;
        }
        let id = u32::try_from(vma.shmid).ok()?;
        let reg = self.file(id)?.reg.as_ref()?;
        let member = reg.name.strip_prefix(DEV_SHM)?;
        if !files.contains_key(&reg.name) {
            let ghost = match self.remap_type(id) {
                Some(REMAP_GHOST) => self
                    .remaps
                    .iter()
                    .rev()
                    .find(|r| r.orig_id == id)
                    .map(|r| u64::from(r.remap_id))
                    .filter(|g| self.shm_files.ghosts.contains_key(g)),
                _ => None,
            };
            let file = match ghost {
                Some(g) => Some(format!("checkpoint/ghost-file-{g:x}.img")),
                None => self
                    .shm_files
                    .devshm
                    .contains_key(member)
                    .then(|| format!("{DEV_SHM_TAR}/{member}")),
            };
            files.insert(
                reg.name.clone(),
                SharedMemory {
                    shmid: u64::from(id),
                    kind: SharedKind::PosixShm,
                    name: format!("shm:{}", reg.name),
                    size: reg.size,
                    mappings: Vec::new(),
                    file,
                },
            );
        }
        files.get_mut(&reg.name)
    }

    /// The saved content of a POSIX shared memory object, as (offset,
    /// bytes) pieces; `None` when the checkpoint does not hold it (or its
    /// ghost file does not decode).
    pub fn shm_content(&self, object: &SharedMemory) -> Option<Vec<(u64, &[u8])>> {
        let file = object.file.as_deref()?;
        if let Some(member) = file
            .strip_prefix(DEV_SHM_TAR)
            .and_then(|m| m.strip_prefix('/'))
        {
            let bytes = self.shm_files.devshm.get(member)?;
            return Some(vec![(0, &bytes[..])]);
        }
        let id = file
            .strip_prefix("checkpoint/ghost-file-")?
            .strip_suffix(".img")?;
        let image = self
            .shm_files
            .ghosts
            .get(&u64::from_str_radix(id, 16).ok()?)?;
        Some(crate::criu::ghost::ghost_content(image).ok()?.pieces)
    }

    /// The shmid of the object a memory area maps, if it maps one: SysV
    /// areas name their segment, memfd areas their file (whose inode names
    /// the object), anonymous shared areas the object itself.
    fn object_of(&self, vma: &VmaEntry) -> Option<u64> {
        if vma.status & VMA_AREA_SYSVIPC != 0 {
            return Some(vma.shmid);
        }
        if vma.status & VMA_AREA_MEMFD != 0 {
            let file = self.file(u32::try_from(vma.shmid).ok()?)?;
            let inode = u64::from(file.memfd.as_ref()?.inode_id);
            return self
                .memfds
                .iter()
                .find(|m| m.inode_id == inode)
                .map(|m| u64::from(m.shmid));
        }
        (vma.status & VMA_ANON_SHARED != 0).then_some(vma.shmid)
    }
}
