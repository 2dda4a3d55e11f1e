//! The images CRIU's plugins wrote (GPU state and memory), as the archive
//! lists them.

use serde::Serialize;

use crate::criu::plugin::{PluginImageKind, PluginImageName};

/// An image a CRIU plugin wrote (`checkpoint/amdgpu-pages-5-c00f.img`, …):
/// listed, never read as process memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PluginImage {
    /// The entry's name.
    pub name: String,
    /// Its size, from the tar header.
    pub size: u64,
    /// The plugin that wrote it and what it holds, from its name.
    #[serde(flatten)]
    pub what: PluginImageName,
}

impl PluginImage {
    /// An image named `name` of `size` bytes, if a plugin wrote it.
    pub(crate) fn of(name: &str, size: u64) -> Option<PluginImage> {
        let file = name.rsplit('/').next().unwrap_or(name);
        crate::criu::plugin::parse(file).map(|what| PluginImage {
            name: name.to_owned(),
            size,
            what,
        })
    }

    /// What it holds.
    pub fn kind(&self) -> PluginImageKind {
        self.what.kind
    }
}
