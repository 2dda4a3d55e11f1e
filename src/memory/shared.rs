//! [`SharedMemory`]: memory CRIU dumps once for every process that maps it
//! (a memfd, a SysV segment, anonymous shared memory), in
//! `pagemap-shmem-<shmid>.img` and a pages file of its own.

use serde::Serialize;

/// What kind of shared memory object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SharedKind {
    /// A `memfd_create` buffer.
    Memfd,
    /// A SysV shared memory segment (`shmget`).
    Sysv,
    /// Anonymous shared memory (`mmap(MAP_SHARED | MAP_ANONYMOUS)`).
    AnonShared,
    /// A POSIX shared memory object (a file in `/dev/shm`, `shm_open`),
    /// mapped shared. Its content is not in CRIU's pages: a file deleted
    /// while open is in a ghost file, the others in the engine's copy of
    /// `/dev/shm` (Podman's `devshm-checkpoint.tar`).
    PosixShm,
}

/// One process's mapping of a shared object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SharedMapping {
    /// The process.
    pub pid: u32,
    /// First address of the mapping.
    pub start: u64,
    /// Its end (exclusive).
    pub end: u64,
    /// Offset in the object of the byte at `start`.
    pub offset: u64,
}

impl SharedMapping {
    /// The address at which this mapping shows the object's byte
    /// `offset`, if it maps it.
    pub fn address_of(&self, offset: u64) -> Option<u64> {
        let from = offset.checked_sub(self.offset)?;
        let at = self.start.checked_add(from)?;
        (at < self.end).then_some(at)
    }
}

/// A shared memory object and who maps it where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SharedMemory {
    /// The id its pages are dumped under (`pagemap-shmem-<shmid>.img`);
    /// for a POSIX shared memory object, its file's id in `files.img`.
    pub shmid: u64,
    /// What it is.
    pub kind: SharedKind,
    /// How it is shown: `memfd:NAME`, `sysv:ID`, `anon-shared:SHMID`,
    /// `shm:PATH`.
    pub name: String,
    /// Its size in bytes, where the dump records it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Its mappings, by pid and address.
    pub mappings: Vec<SharedMapping>,
    /// Where the content of a POSIX shared memory object is
    /// (`checkpoint/ghost-file-1.img`, `devshm-checkpoint.tar/NAME`);
    /// `None` when the checkpoint does not hold it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl SharedMemory {
    /// Every (pid, address) at which the object's byte `offset` is mapped.
    pub fn addresses(&self, offset: u64) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.mappings
            .iter()
            .filter_map(move |m| m.address_of(offset).map(|a| (m.pid, a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_each_mapping() {
        let object = SharedMemory {
            shmid: 42,
            kind: SharedKind::Memfd,
            name: "memfd:x".into(),
            size: Some(0x10000),
            file: None,
            mappings: vec![
                SharedMapping {
                    pid: 1,
                    start: 0x7000_0000,
                    end: 0x7001_0000,
                    offset: 0,
                },
                SharedMapping {
                    pid: 2,
                    start: 0x5000,
                    end: 0x6000,
                    offset: 0x2000,
                },
            ],
        };
        let at: Vec<_> = object.addresses(0x2010).collect();
        assert_eq!(at, [(1, 0x7000_2010), (2, 0x5010)]);
        let at: Vec<_> = object.addresses(0x10).collect();
        assert_eq!(at, [(1, 0x7000_0010)]);
        assert!(object.addresses(0x3000).all(|(pid, _)| pid == 1));
    }
}
