//! What to read, and the limits that hold whatever an archive declares.

use serde::Serialize;

/// How to read a checkpoint: which parts to decode ([`Want`]) and the
/// [`Limits`] that hold whatever the archive declares.
///
/// A plain struct with [`Default`]; build it with struct-update syntax:
///
/// ```
/// use ckpt::{Limits, Options, Want};
/// let options = Options {
///     want: Want::metadata_only(),
///     limits: Limits { max_entry_size: 1 << 20, ..Limits::default() },
///     ..Options::default()
/// };
/// assert_eq!(options.limits.max_total_size, ckpt::Limits::DEFAULT.max_total_size);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Which parts of the checkpoint to decode. Whatever is not wanted is
    /// skipped (for a plain tar opened by path, not even read). Every
    /// header is read: a later entry of the same name replaces an earlier
    /// one, as in the runtime's extraction.
    pub want: Want,
    /// The limits on what is held in memory.
    pub limits: Limits,
    /// When the archive turns out damaged after the read began (cut
    /// short, a corrupt compressed stream or tar header, a limit
    /// exceeded), return what was read before the damage, with
    /// [`Checkpoint::damage`](crate::Checkpoint::damage) saying what went
    /// wrong, instead of failing. Off by default, so that a caller that
    /// does not look at `damage` never mistakes part of a checkpoint for
    /// all of it.
    pub keep_partial: bool,
    /// Also compute [`Digests`](crate::source::Digests): the SHA-256 of
    /// the archive as read (compressed bytes, to the end of the input) and
    /// of each entry's content, in the same pass, on a second thread
    /// ([`Checkpoint::digests`](crate::Checkpoint::digests)). Every byte
    /// of the input is then read, in order, whatever is wanted; nothing is
    /// skipped by seeking. The list of entries is held within
    /// [`Limits::max_total_size`]. An extracted directory is refused (it
    /// has no archive bytes): [`Error::Unavailable`](crate::Error::Unavailable).
    pub digest: bool,
    /// In a pod checkpoint, the one container to read: its name in the
    /// pod, its directory or archive, or a prefix of its id (see
    /// [`PodContainer::is_named`](crate::model::PodContainer::is_named));
    /// the others are listed, not read. A memory sink is given to this
    /// container alone; with `None`, every container is read, and a memory
    /// sink is given every container's memory if it tells containers apart
    /// ([`MemorySink::every_container`](crate::memory::MemorySink::every_container)),
    /// else none. Ignored for a container checkpoint.
    pub container: Option<String>,
}

impl Options {
    /// The default limits, decoding what `want` says.
    pub fn new(want: Want) -> Options {
        Options {
            want,
            limits: Limits::default(),
            keep_partial: false,
            digest: false,
            container: None,
        }
    }
}

/// The limits that bound what is decoded and held in memory.
///
/// Each is checked before the allocation or the loop it bounds; hitting one
/// is an [`Error::LimitExceeded`](crate::Error::LimitExceeded) (or, for an
/// entry's declared size, [`Error::EntryTooLarge`](crate::Error::EntryTooLarge))
/// naming the entry and the [`LimitKind`]. The defaults are far above what
/// real checkpoints of large processes need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Largest entry that is decoded in memory (`config.dump`, `spec.dump`,
    /// a CRIU image). An entry declaring more is never allocated.
    pub max_entry_size: u64,
    /// Most bytes held in memory for one checkpoint: the entries decoded
    /// (metadata, CRIU images) and the command lines and environments read
    /// from process memory, together. Pages streamed to a memory sink do
    /// not count: they are never held.
    pub max_total_size: u64,
    /// Most records in one CRIU image: open files (`fdinfo-*`, `files.img`),
    /// page runs (`pagemap-*`), mounts.
    pub max_records: u64,
    /// Most processes in `pstree.img`.
    pub max_processes: u64,
    /// Most memory areas (VMAs) in one process's `mm-*.img`.
    pub max_vmas: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

impl Limits {
    /// The defaults: 64 MiB for one entry, 1 GiB held in all, 4 Mi records
    /// in one image, 1 Mi processes (Linux allows 4 Mi pids, containers
    /// hold far fewer), 1 Mi memory areas in one process (Linux's default
    /// `vm.max_map_count` is 65,530).
    pub const DEFAULT: Limits = Limits {
        max_entry_size: 64 << 20,
        max_total_size: 1 << 30,
        max_records: 1 << 22,
        max_processes: 1 << 20,
        max_vmas: 1 << 20,
    };

    /// The value of one limit.
    pub fn get(&self, kind: LimitKind) -> u64 {
        match kind {
            LimitKind::EntrySize => self.max_entry_size,
            LimitKind::TotalSize => self.max_total_size,
            LimitKind::Records => self.max_records,
            LimitKind::Processes => self.max_processes,
            LimitKind::Vmas => self.max_vmas,
        }
    }
}

/// Which of the [`Limits`] was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LimitKind {
    /// [`Limits::max_entry_size`].
    EntrySize,
    /// [`Limits::max_total_size`].
    TotalSize,
    /// [`Limits::max_records`].
    Records,
    /// [`Limits::max_processes`].
    Processes,
    /// [`Limits::max_vmas`].
    Vmas,
}

impl LimitKind {
    /// Every limit.
    pub const ALL: [LimitKind; 5] = [
        LimitKind::EntrySize,
        LimitKind::TotalSize,
        LimitKind::Records,
        LimitKind::Processes,
        LimitKind::Vmas,
    ];

    /// The field of [`Limits`] that sets it: `max_entry_size`, ….
    pub fn field(self) -> &'static str {
        match self {
            LimitKind::EntrySize => "max_entry_size",
            LimitKind::TotalSize => "max_total_size",
            LimitKind::Records => "max_records",
            LimitKind::Processes => "max_processes",
            LimitKind::Vmas => "max_vmas",
        }
    }

    /// What it counts, as messages say it: `bytes held in memory`,
    /// `records`, `processes`, `memory areas`.
    pub fn counts(self) -> &'static str {
        match self {
            LimitKind::EntrySize => "bytes in one entry",
            LimitKind::TotalSize => "bytes held in memory",
            LimitKind::Records => "records",
            LimitKind::Processes => "processes",
            LimitKind::Vmas => "memory areas",
        }
    }
}

/// The parts of a checkpoint to decode in one pass.
///
/// The default decodes every metadata entry and sums the sizes, which needs
/// every tar header; the CRIU images are left alone ([`Want::all`] decodes
/// them too). [`Want::metadata_only`] wants `config.dump` and `spec.dump`
/// alone; the rest of the archive is skipped, its headers read to find a
/// later copy of either. Build other sets with struct-update syntax:
///
/// ```
/// let want = ckpt::Want { processes: true, memory_text: true, ..ckpt::Want::none() };
/// # assert!(!want.config);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    /// `config.dump`.
    pub config: bool,
    /// `spec.dump`.
    pub spec: bool,
    /// `network.status`.
    pub network: bool,
    /// `deleted.files`.
    pub deleted_files: bool,
    /// containerd's `status` file.
    pub containerd_status: bool,
    /// CRI-O's `bind.mounts`.
    pub bind_mounts: bool,
    /// `pod.options` of a pod checkpoint.
    pub pod_options: bool,
    /// Sizes summed from every tar header (checkpoint directory, pages,
    /// root-fs diff) and the uncompressed size of the whole stream, the
    /// images CRIU's plugins wrote, and the CRIU plugins a restore needs
    /// (from the inventory image). Needs the whole archive.
    pub sizes: bool,
    /// A list of every entry (name, kind, size). Needs the whole archive.
    pub entries: bool,
    /// The process tree: `pstree.img` and `core-*.img` (CRIU images).
    pub processes: bool,
    /// Open files and sockets: `ids-*`, `fdinfo-*`, `fs-*` and `files.img`.
    pub files: bool,
    /// The memory layout of processes: `mm-*` and `pagemap-*` (areas, page
    /// runs and sizes, without reading the pages).
    pub memory: bool,
    /// Command lines and environments read from process memory: `mm-*`,
    /// `pagemap-*` and the few pages of `pages-*.img` that hold them.
    pub memory_text: bool,
    /// CRIU's view of the mounts (`mountpoints-*.img`).
    pub mounts: bool,
    /// CRIU's dump statistics (`stats-dump`).
    pub stats: bool,
    /// The cgroups CRIU dumped (`cgroup.img`): the controllers and each
    /// task's cgroups.
    pub cgroups: bool,
    /// The header of CRIU's `dump.log`: the CRIU version and the kernel
    /// that dumped (only its first lines are read).
    pub dump_log: bool,
    /// What `rootfs-diff.tar` holds (each member's path, type, size and
    /// mode), read from the nested tar, plain or compressed, as it streams
    /// by; never extracted.
    pub rootfs_diff: bool,
}

impl Want {
    /// Nothing at all; set the fields you need.
    pub const fn none() -> Want {
        Want {
            config: false,
            spec: false,
            network: false,
            deleted_files: false,
            containerd_status: false,
            bind_mounts: false,
            pod_options: false,
            sizes: false,
            entries: false,
            processes: false,
            files: false,
            memory: false,
            memory_text: false,
            mounts: false,
            stats: false,
            cgroups: false,
            dump_log: false,
            rootfs_diff: false,
        }
    }

    /// Everything: every metadata entry, the sizes, the entry list, and the
    /// CRIU images.
    pub const fn all() -> Want {
        Want {
            config: true,
            spec: true,
            network: true,
            deleted_files: true,
            containerd_status: true,
            bind_mounts: true,
            pod_options: true,
            sizes: true,
            entries: true,
            processes: true,
            files: true,
            memory: true,
            memory_text: true,
            mounts: true,
            stats: true,
            cgroups: true,
            dump_log: true,
            rootfs_diff: true,
        }
    }

    /// `config.dump` and `spec.dump` only: enough to name the container,
    /// its image and engine. Of the rest of the archive only the headers
    /// are read (a later copy of either replaces the first).
    pub const fn metadata_only() -> Want {
        Want {
            config: true,
            spec: true,
            ..Want::none()
        }
    }

    /// Whether any CRIU image is wanted (with the sizes, the inventory:
    /// which CRIU plugins a restore needs).
    pub(crate) fn any_image(&self) -> bool {
        self.sizes
            || self.processes
            || self.files
            || self.memory
            || self.memory_text
            || self.mounts
            || self.stats
            || self.cgroups
    }
}

impl Default for Want {
    /// Every metadata entry and the sizes; not the entry list.
    fn default() -> Want {
        Want {
            config: true,
            spec: true,
            network: true,
            deleted_files: true,
            containerd_status: true,
            bind_mounts: true,
            pod_options: true,
            sizes: true,
            ..Want::none()
        }
    }
}
