//! Images CRIU's plugins write beside its own, known by their names: which
//! plugin wrote them, what they hold, and which open file of a process
//! (its CRIU file id) they belong to.
//!
//! Only the AMD GPU plugin (`amdgpu_plugin`) writes images of its own
//! (`plugins/amdgpu/amdgpu_plugin_util.h`): the state of the compute and
//! render devices a process has open, and the contents of their buffer
//! objects, which are GPU memory and never process memory. The CUDA plugin
//! (`cuda_plugin`) moves device memory into the process's own memory before
//! the dump and writes no image; like every plugin a restore needs, it is
//! named in the inventory image.

use serde::Serialize;

/// The plugin that writes the AMD GPU images.
pub const AMDGPU_PLUGIN: &str = "amdgpu_plugin";

/// What a plugin image holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PluginImageKind {
    /// `amdgpu-kfd-<id>.img`: an AMD GPU compute device (`/dev/kfd`) a
    /// process has open: its GPUs, queues, events and buffer objects.
    KfdDevice,
    /// `amdgpu-pages-<id>-<gpu>.img`: the contents of a compute device's
    /// buffer objects on one GPU.
    KfdPages,
    /// `amdgpu-renderD-<id>.img`: an AMD GPU render node
    /// (`/dev/dri/renderD*`) a process has open.
    DrmDevice,
    /// `amdgpu-drm-pages-<id>-<n>-<gpu>.img`: the contents of a render
    /// node's buffer object.
    DrmPages,
    /// `amdgpu-dmabuf_<id>.img`: a dma-buf shared between devices.
    Dmabuf,
}

impl PluginImageKind {
    /// What it holds, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            PluginImageKind::KfdDevice => "AMD GPU compute device state",
            PluginImageKind::KfdPages => "AMD GPU memory (compute buffers)",
            PluginImageKind::DrmDevice => "AMD GPU render node state",
            PluginImageKind::DrmPages => "AMD GPU memory (render buffers)",
            PluginImageKind::Dmabuf => "dma-buf shared between devices",
        }
    }

    /// The open file it is the state of, as a process's file list names
    /// it (CRIU names such an `EXT` file only by its id); `None` for
    /// buffer contents.
    pub fn device(self) -> Option<&'static str> {
        match self {
            PluginImageKind::KfdDevice => Some("/dev/kfd (AMD GPU compute device)"),
            PluginImageKind::DrmDevice => Some("/dev/dri/renderD* (AMD GPU render node)"),
            PluginImageKind::Dmabuf => Some("dma-buf"),
            PluginImageKind::KfdPages | PluginImageKind::DrmPages => None,
        }
    }

    /// Whether it holds device memory (buffer contents).
    pub fn is_memory(self) -> bool {
        matches!(self, PluginImageKind::KfdPages | PluginImageKind::DrmPages)
    }
}

/// What a plugin image's name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PluginImageName {
    /// The plugin that wrote it, as the inventory names plugins.
    pub plugin: &'static str,
    /// What it holds.
    pub kind: PluginImageKind,
    /// The CRIU id of the open file (the device) it belongs to.
    pub file_id: u32,
    /// The GPU, for buffer contents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_id: Option<u32>,
}

/// What the file name of an image (`amdgpu-pages-5-c00f.img`, without its
/// directory) says, when a plugin wrote it.
pub fn parse(file: &str) -> Option<PluginImageName> {
    let stem = file.strip_suffix(".img")?;
    let name = |kind, file_id, gpu_id| {
        Some(PluginImageName {
            plugin: AMDGPU_PLUGIN,
            kind,
            file_id,
            gpu_id,
        })
    };
    if let Some(id) = stem.strip_prefix("amdgpu-kfd-") {
        return name(PluginImageKind::KfdDevice, decimal(id)?, None);
    }
    if let Some(rest) = stem.strip_prefix("amdgpu-pages-") {
        let (id, gpu) = rest.split_once('-')?;
        return name(PluginImageKind::KfdPages, decimal(id)?, Some(hex(gpu)?));
    }
    if let Some(id) = stem.strip_prefix("amdgpu-renderD-") {
        return name(PluginImageKind::DrmDevice, decimal(id)?, None);
    }
    if let Some(rest) = stem.strip_prefix("amdgpu-drm-pages-") {
        let (id, rest) = rest.split_once('-')?;
        let (buffer, gpu) = rest.split_once('-')?;
        decimal(buffer)?;
        return name(PluginImageKind::DrmPages, decimal(id)?, Some(hex(gpu)?));
    }
    if let Some(id) = stem.strip_prefix("amdgpu-dmabuf_") {
        return name(PluginImageKind::Dmabuf, decimal(id)?, None);
    }
    None
}

/// A number written by `%d` (or `%u`).
fn decimal(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A number written by `%04x`.
fn hex(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u32::from_str_radix(s, 16).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amdgpu_plugins_names() {
        let kind = |f: &str| parse(f).map(|n| (n.kind, n.file_id, n.gpu_id));
        assert_eq!(
            kind("amdgpu-pages-12-c00f.img"),
            Some((PluginImageKind::KfdPages, 12, Some(0xc00f)))
        );
        assert_eq!(
            kind("amdgpu-kfd-12.img"),
            Some((PluginImageKind::KfdDevice, 12, None))
        );
        assert_eq!(
            kind("amdgpu-renderD-13.img"),
            Some((PluginImageKind::DrmDevice, 13, None))
        );
        assert_eq!(
            kind("amdgpu-drm-pages-13-2-00ab.img"),
            Some((PluginImageKind::DrmPages, 13, Some(0xab)))
        );
        assert_eq!(
            kind("amdgpu-dmabuf_14.img"),
            Some((PluginImageKind::Dmabuf, 14, None))
        );
        assert_eq!(parse("amdgpu-kfd-12.img").unwrap().plugin, "amdgpu_plugin");
        for not in [
            "pages-1.img",
            "amdgpu-kfd-.img",
            "amdgpu-kfd-1x.img",
            "amdgpu-pages-1.img",
            "amdgpu-pages-1-zz.img",
            "amdgpu-kfd-99999999999.img",
            "amdgpu-kfd-1",
        ] {
            assert_eq!(parse(not), None, "{not}");
        }
    }
}
