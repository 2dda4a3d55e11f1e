//! [`InspectOptions`]: what `inspect` shows, as checkpointctl's flags say
//! it.

use crate::options::Want;

/// What to show, as `checkpointctl inspect`'s flags say it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectOptions {
    /// The process tree (`--ps-tree`).
    pub ps_tree: bool,
    /// Command lines read from memory (`--ps-tree-cmd`).
    pub cmdline: bool,
    /// Environments read from memory (`--ps-tree-env`).
    pub env: bool,
    /// Open files (`--files`).
    pub files: bool,
    /// Open sockets (`--sockets`).
    pub sockets: bool,
    /// Mounts (`--mounts`).
    pub mounts: bool,
    /// CRIU's dump statistics (`--stats`).
    pub stats: bool,
    /// Pod, namespace and annotations (`--metadata`).
    pub metadata: bool,
    /// What the container changed in its root file system: the members
    /// of `rootfs-diff.tar` and the paths in `deleted.files`
    /// (`--rootfs-diff`).
    pub rootfs_diff: bool,
    /// Show the process tree from this pid (`--pid`).
    pub pid: Option<u32>,
    /// Whether a section asked for that the archive cannot give is an
    /// error ([`Error::Unavailable`](crate::Error::Unavailable)) rather
    /// than a warning: checkpointctl's explicit flags are promises, its
    /// `--all` is not (and [`InspectOptions::all`] is not strict).
    pub strict: bool,
}

impl InspectOptions {
    /// Everything (`--all`).
    pub fn all() -> InspectOptions {
        InspectOptions {
            ps_tree: true,
            cmdline: true,
            env: true,
            files: true,
            sockets: true,
            mounts: true,
            stats: true,
            metadata: true,
            rootfs_diff: true,
            pid: None,
            strict: false,
        }
    }

    /// With checkpointctl's implications: `--pid`, `--files`, `--sockets`,
    /// `--ps-tree-cmd` and `--ps-tree-env` turn on `--ps-tree`.
    pub fn normalized(mut self) -> InspectOptions {
        if self.pid.is_some() || self.files || self.sockets || self.cmdline || self.env {
            self.ps_tree = true;
        }
        self
    }

    /// What the reader must decode for these options.
    pub fn want(&self) -> Want {
        let o = self.clone().normalized();
        Want {
            processes: o.ps_tree,
            files: o.files || o.sockets,
            memory_text: o.cmdline || o.env,
            mounts: o.mounts,
            stats: o.stats,
            rootfs_diff: o.rootfs_diff,
            ..Want::default()
        }
    }
}
