//! What kind of memory an address is in, from the VMAs of `mm-<pid>.img`.

use serde::Serialize;

use crate::criu::proto::{
    MAP_GROWSDOWN, MAP_SHARED, MmEntry, VMA_ANON_PRIVATE, VMA_ANON_SHARED, VMA_AREA_HEAP,
    VMA_AREA_STACK, VMA_AREA_VDSO, VMA_AREA_VSYSCALL, VMA_AREA_VVAR, VMA_FILE_PRIVATE,
    VMA_FILE_SHARED,
};

/// The kind of a memory area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum VmaKind {
    /// The main thread's stack.
    Stack,
    /// The heap (`brk`).
    Heap,
    /// `[vdso]`.
    Vdso,
    /// `[vvar]`.
    Vvar,
    /// `[vsyscall]`.
    Vsyscall,
    /// A private file mapping (code, data of binaries and libraries).
    File,
    /// A shared file mapping.
    FileShared,
    /// Private anonymous memory (`malloc`'d arenas, thread stacks).
    Anon,
    /// Shared anonymous memory.
    AnonShared,
    /// Anything else.
    Other,
}

impl VmaKind {
    /// The name used in output: `stack`, `heap`, `file-shared`, …
    pub fn name(self) -> &'static str {
        match self {
            VmaKind::Stack => "stack",
            VmaKind::Heap => "heap",
            VmaKind::Vdso => "vdso",
            VmaKind::Vvar => "vvar",
            VmaKind::Vsyscall => "vsyscall",
            VmaKind::File => "file",
            VmaKind::FileShared => "file-shared",
            VmaKind::Anon => "anon",
            VmaKind::AnonShared => "anon-shared",
            VmaKind::Other => "other",
        }
    }

    /// From a VMA's CRIU status bits and `MAP_*` flags.
    pub fn of(status: u32, flags: u32) -> VmaKind {
        if status & VMA_AREA_STACK != 0 {
            VmaKind::Stack
        } else if status & VMA_AREA_HEAP != 0 {
            VmaKind::Heap
        } else if status & VMA_AREA_VDSO != 0 {
            VmaKind::Vdso
        } else if status & VMA_AREA_VVAR != 0 {
            VmaKind::Vvar
        } else if status & VMA_AREA_VSYSCALL != 0 {
            VmaKind::Vsyscall
        } else if status & VMA_FILE_SHARED != 0 {
            VmaKind::FileShared
        } else if status & VMA_FILE_PRIVATE != 0 {
            VmaKind::File
        } else if status & VMA_ANON_SHARED != 0 || flags & MAP_SHARED != 0 {
            VmaKind::AnonShared
        } else if status & VMA_ANON_PRIVATE != 0 {
            VmaKind::Anon
        } else {
            VmaKind::Other
        }
    }

    /// Whether the area is shared (`MAP_SHARED`).
    pub fn is_shared(self) -> bool {
        matches!(self, VmaKind::FileShared | VmaKind::AnonShared)
    }

    /// Whether the area maps a file.
    pub fn is_file(self) -> bool {
        matches!(self, VmaKind::File | VmaKind::FileShared)
    }

    /// Whether the area is anonymous memory other than the heap and stack.
    pub fn is_anon(self) -> bool {
        matches!(self, VmaKind::Anon | VmaKind::AnonShared)
    }
}

/// One memory area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Vma {
    /// First address.
    pub start: u64,
    /// End address (exclusive).
    pub end: u64,
    /// Its kind.
    pub kind: VmaKind,
    /// `PROT_*` bits.
    pub prot: u32,
    /// `MAP_*` flags.
    pub flags: u32,
}

/// The memory areas of a process, by address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VmaMap {
    vmas: Vec<Vma>,
}

impl VmaMap {
    /// From `mm-<pid>.img` (areas with `end <= start` are dropped). The
    /// area holding `mm_start_stack`, or one that grows down, is the stack:
    /// CRIU does not always mark it.
    pub fn new(mm: &MmEntry) -> VmaMap {
        let mut vmas: Vec<Vma> = mm
            .vmas
            .iter()
            .filter(|v| v.end > v.start)
            .map(|v| {
                let stack = v.flags & MAP_GROWSDOWN != 0
                    || (v.start <= mm.mm_start_stack && mm.mm_start_stack < v.end);
                Vma {
                    start: v.start,
                    end: v.end,
                    kind: if stack {
                        VmaKind::Stack
                    } else {
                        VmaKind::of(v.status, v.flags)
                    },
                    prot: v.prot,
                    flags: v.flags,
                }
            })
            .collect();
        vmas.sort_by_key(|v| v.start);
        VmaMap { vmas }
    }

    /// The areas, by address.
    pub fn vmas(&self) -> &[Vma] {
        &self.vmas
    }

    /// The area holding `addr`.
    pub fn find(&self, addr: u64) -> Option<&Vma> {
        let i = self.vmas.partition_point(|v| v.start <= addr);
        i.checked_sub(1)
            .and_then(|i| self.vmas.get(i))
            .filter(|v| addr < v.end)
    }

    /// Bytes in `MAP_SHARED` areas (checkpointctl's "shared memory size").
    pub fn shared_bytes(&self) -> u64 {
        self.vmas
            .iter()
            .filter(|v| v.flags & MAP_SHARED != 0)
            .map(|v| v.end - v.start)
            .sum()
    }
}
