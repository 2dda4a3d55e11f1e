//! The shared memory objects of a dump and who maps them: memfd inodes
//! (`memfd.img`), SysV segments (`ipcns-shm-*.img`) and anonymous shared
//! memory, each with its `pagemap-shmem-<shmid>.img`, matched with the
//! memory areas of every process (`mm-<pid>.img`) that map them.

use std::collections::BTreeMap;

use super::images::ImageSet;
use crate::criu::proto::{VMA_ANON_SHARED, VMA_AREA_MEMFD, VMA_AREA_SYSVIPC, VmaEntry};
use crate::memory::{SharedKind, SharedMapping, SharedMemory};

/// What CRIU names the memfd it dumps anonymous shared memory through.
const ANON_MEMFD_NAME: &str = "/dev/zero";

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
                },
            );
        }
        for (&pid, mm) in &self.mm {
            for vma in &mm.vmas {
                let Some(object) = self.object_of(vma).and_then(|id| objects.get_mut(&id)) else {
                    continue;
                };
                if vma.end > vma.start {
                    object.mappings.push(SharedMapping {
                        pid,
                        start: vma.start,
                        end: vma.end,
                        offset: vma.pgoff,
                    });
                }
            }
        }
        let mut out: Vec<SharedMemory> = objects.into_values().collect();
        for o in &mut out {
            o.mappings.sort_by_key(|m| (m.pid, m.start));
        }
        out
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
