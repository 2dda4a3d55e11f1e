//! [`DiffOptions`]: what `diff` compares, as checkpointctl's flags say it.

use crate::options::Want;
use crate::views::InspectOptions;

/// What to compare, as `checkpointctl diff`'s flags say it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Compare command lines (`--ps-tree-cmd`).
    pub cmdline: bool,
    /// Compare environments (`--ps-tree-env`).
    pub env: bool,
    /// Compare open files (`--files`).
    pub files: bool,
    /// Compare sockets (`--sockets`).
    pub sockets: bool,
    /// Compare memory page by page (`--memory`).
    pub memory: bool,
    /// Compare checkpoints of different containers too (`--force`).
    pub force: bool,
}

impl DiffOptions {
    /// What each checkpoint is inspected for.
    pub fn inspect(&self) -> InspectOptions {
        InspectOptions {
            ps_tree: true,
            cmdline: self.cmdline,
            env: self.env,
            files: self.files,
            sockets: self.sockets,
            ..InspectOptions::default()
        }
        .normalized()
    }

    /// What the reader must decode.
    pub fn want(&self) -> Want {
        self.inspect().want()
    }
}
