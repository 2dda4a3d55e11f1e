//! What to read, and the limits that hold whatever an archive declares.

/// Default for [`Options::max_entry_size`]: 64 MiB.
pub const DEFAULT_MAX_ENTRY_SIZE: u64 = 64 << 20;

/// Default for [`Options::max_total_size`]: 1 GiB.
pub const DEFAULT_MAX_TOTAL_SIZE: u64 = 1 << 30;

/// Default for [`Options::max_records`]: 4 Mi records in one image.
pub const DEFAULT_MAX_RECORDS: u64 = 1 << 22;

/// Default for [`Options::max_processes`]: 1 Mi processes (Linux allows
/// 4 Mi pids at most, and containers hold far fewer).
pub const DEFAULT_MAX_PROCESSES: u64 = 1 << 20;

/// Default for [`Options::max_vmas`]: 1 Mi memory areas in one process
/// (Linux's default `vm.max_map_count` is 65,530).
pub const DEFAULT_MAX_VMAS: u64 = 1 << 20;

/// How to read a checkpoint: which parts to decode and the limits to apply.
///
/// The limits hold whatever the archive declares: each is checked before
/// the allocation or the loop it bounds, and hitting one is an
/// [`Error::LimitExceeded`](crate::Error::LimitExceeded) naming the entry
/// and the limit. The defaults are far above what real checkpoints of
/// large processes need.
///
/// A plain struct with [`Default`]; change the fields you care about:
///
/// ```
/// let mut options = ckpt::Options::default();
/// options.want = ckpt::Want::metadata_only();
/// options.max_entry_size = 1 << 20;
/// options.max_total_size = 256 << 20;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Which parts of the checkpoint to decode. Whatever is not wanted is
    /// skipped (for a plain tar opened by path, not even read), and reading
    /// stops as soon as everything wanted is known.
    pub want: Want,
    /// Largest entry that is decoded in memory (`config.dump`, `spec.dump`,
    /// …). An entry declaring more is an [`Error::EntryTooLarge`] and is never
    /// allocated.
    ///
    /// [`Error::EntryTooLarge`]: crate::Error::EntryTooLarge
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

impl Default for Options {
    fn default() -> Options {
        Options {
            want: Want::default(),
            max_entry_size: DEFAULT_MAX_ENTRY_SIZE,
            max_total_size: DEFAULT_MAX_TOTAL_SIZE,
            max_records: DEFAULT_MAX_RECORDS,
            max_processes: DEFAULT_MAX_PROCESSES,
            max_vmas: DEFAULT_MAX_VMAS,
        }
    }
}

/// The limits that bound a CRIU image's decoding, from [`Options`].
pub(crate) fn image_limits(options: &Options) -> crate::criu::ImageLimits {
    crate::criu::ImageLimits {
        max_records: options.max_records,
        max_processes: options.max_processes,
        max_vmas: options.max_vmas,
    }
}

/// The parts of a checkpoint to decode in one pass.
///
/// The default decodes every metadata entry and sums the sizes, which needs
/// every tar header; the CRIU images are left alone ([`Want::all`] decodes
/// them too). [`Want::metadata_only`] wants `config.dump` and
/// `spec.dump` alone, so the pass stops as soon as both were seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
    /// root-fs diff) and the uncompressed size of the whole stream. Needs the
    /// whole archive.
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
}

impl Want {
    /// Nothing at all; set the fields you need.
    pub fn none() -> Want {
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
        }
    }

    /// Everything: every metadata entry, the sizes, the entry list, and the
    /// CRIU images.
    pub fn all() -> Want {
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
        }
    }

    /// `config.dump` and `spec.dump` only: enough to name the container,
    /// its image and engine. Reading stops once both are seen.
    pub fn metadata_only() -> Want {
        Want {
            config: true,
            spec: true,
            ..Want::none()
        }
    }

    /// Whether the whole archive has to be read whatever was found.
    pub(crate) fn needs_whole_archive(&self) -> bool {
        self.sizes
            || self.entries
            || self.processes
            || self.files
            || self.memory_text
            || self.mounts
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
            entries: false,
            processes: false,
            files: false,
            memory: false,
            memory_text: false,
            mounts: false,
            stats: false,
        }
    }
}
