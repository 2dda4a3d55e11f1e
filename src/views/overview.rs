//! The overview of one checkpoint: what `checkpointctl show` prints.

use serde::Serialize;

use crate::compression::Compression;
use crate::error::Result;
use crate::model::{Checkpoint, Engine, InPod, NetworkInfo, PluginImage, TimeSource};
use crate::source::Digests;
use crate::warning::Warning;

/// What a checkpoint says about its container: the first keys of
/// `checkpointctl inspect --format json`, shared by [`Overview`] and
/// [`Inspection`](super::Inspection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Header {
    /// The pod and container this is, when read from a pod checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<InPod>,
    /// Container name.
    pub container_name: String,
    /// Image name (`config.dump` `rootfsImageName`).
    pub image: String,
    /// Full container id.
    pub id: String,
    /// OCI runtime.
    pub runtime: String,
    /// Creation time as the engine reports it.
    pub created: String,
    /// When it was checkpointed, if the archive says: the engine's
    /// `config.dump`, else the entry times CRIU left (see
    /// `checkpointed_from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpointed: Option<String>,
    /// What `checkpointed` is read from: `config.dump`, `stats-dump entry
    /// time`, `checkpoint image entry times`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpointed_from: Option<TimeSource>,
    /// The engine.
    pub engine: Engine,
    /// IP addresses, comma-separated.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ip: String,
    /// MAC addresses, comma-separated.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mac: String,
    /// Networks (Podman).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<NetworkInfo>,
    /// Sizes from the tar headers.
    pub checkpoint_size: CheckpointSize,
    /// The CRIU plugins a restore needs (the inventory's, and those whose
    /// images are in the archive).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub criu_plugins: Vec<String>,
    /// The images those plugins wrote (GPU state and GPU memory: never
    /// process memory), in archive order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plugin_images: Vec<PluginImageRow>,
}

/// An image a CRIU plugin wrote, and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PluginImageRow {
    /// The image.
    #[serde(flatten)]
    pub image: PluginImage,
    /// What it holds, in a few words.
    pub holds: &'static str,
    /// The processes that have its device open, by pid, when the open
    /// files were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<u32>>,
}

impl PluginImageRow {
    /// The rows of `checkpoint`'s plugin images.
    pub fn all(checkpoint: &Checkpoint) -> Vec<PluginImageRow> {
        if checkpoint.plugin_images.is_empty() {
            return Vec::new();
        }
        let holders = checkpoint.file_holders();
        checkpoint
            .plugin_images
            .iter()
            .map(|image| PluginImageRow {
                holds: image.kind().describe(),
                owners: holders
                    .as_ref()
                    .map(|h| h.get(&image.what.file_id).cloned().unwrap_or_default()),
                image: image.clone(),
            })
            .collect()
    }
}

impl Header {
    /// The header of whatever the checkpoint has: empty fields where
    /// `config.dump` is missing.
    pub fn new(checkpoint: &Checkpoint) -> Header {
        let empty = crate::metadata::ContainerConfig::default();
        let config = checkpoint.config.as_ref().unwrap_or(&empty);
        let info = &checkpoint.container;
        let sizes = &checkpoint.sizes;
        Header {
            pod: checkpoint.in_pod.clone(),
            container_name: info.name.clone(),
            image: config.rootfs_image_name.clone(),
            id: config.id.clone(),
            runtime: config.oci_runtime.clone(),
            created: info.created.clone(),
            checkpointed: checkpoint.checkpointed.map(|c| c.time.to_rfc3339()),
            checkpointed_from: checkpoint.checkpointed.map(|c| c.source),
            engine: info.engine,
            ip: info.ip.clone(),
            mac: info.mac.clone(),
            networks: info.networks.clone(),
            checkpoint_size: CheckpointSize {
                total_size: sizes.checkpoint,
                memory_pages_size: sizes.pages,
                amd_gpu_memory_pages_size: sizes.amdgpu_pages,
                root_fs_diff_size: sizes.rootfs_diff,
                memory_pages_compression: checkpoint
                    .images
                    .as_ref()
                    .and_then(|i| i.inventory.as_ref())
                    .and_then(PagesCompression::of),
            },
            criu_plugins: checkpoint.criu_plugins(),
            plugin_images: PluginImageRow::all(checkpoint),
        }
    }

    /// The id cut to 12 characters, as `show` prints it.
    pub fn short_id(&self) -> &str {
        match self.id.char_indices().nth(12) {
            Some((at, _)) => &self.id[..at],
            None => &self.id,
        }
    }
}

/// One checkpoint at a glance: a row of `ckpt show`, and the object
/// `ckpt show --format json` prints for it.
///
/// The keys up to `checkpoint_size` are those of `checkpointctl inspect
/// --format json`, so scripts written for it find the same facts under the
/// same names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Overview {
    /// The container.
    #[serde(flatten)]
    pub header: Header,
    /// Kubernetes pod and namespace, when known.
    #[serde(skip_serializing_if = "OverviewMetadata::is_empty")]
    pub metadata: OverviewMetadata,
    /// The archive as given on the command line.
    pub archive: String,
    /// Its compression (absent for a directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    /// Size of the archive file in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_size: Option<u64>,
    /// Size of the uncompressed tar stream in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tar_size: Option<u64>,
    /// What was wrong with optional parts.
    pub warnings: Vec<Warning>,
    /// The SHA-256 of the archive and of each entry, when they were
    /// computed ([`Options::digest`](crate::Options::digest)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digests>,
}

/// Sizes as `checkpointctl inspect --format json` names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckpointSize {
    /// Regular files under `checkpoint/`.
    pub total_size: u64,
    /// `checkpoint/pages-*.img`.
    pub memory_pages_size: u64,
    /// `checkpoint/amdgpu-pages-*.img`.
    pub amd_gpu_memory_pages_size: u64,
    /// `rootfs-diff.tar`.
    pub root_fs_diff_size: u64,
    /// How the memory pages are compressed, if they are (criu-dev's
    /// `--compress`, `--compress-region`; not in checkpointctl's JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_pages_compression: Option<PagesCompression>,
}

/// How a dump's memory pages are compressed, from its inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PagesCompression {
    /// `per-page`, `region` or `block` (criu-dev's later format, where
    /// `compress` 1 with a size over a page means blocks).
    pub mode: &'static str,
    /// Bytes per region or block, as the inventory says (informational).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_size: Option<u32>,
}

impl PagesCompression {
    /// From `inventory.img`'s `compress` and `compress_region_size`.
    pub fn of(inventory: &crate::criu::proto::InventoryEntry) -> Option<PagesCompression> {
        let size = inventory.compress_region_size.filter(|&s| s > 0);
        let mode = match (inventory.compress?, size) {
            (0, _) => return None,
            (1, Some(s)) if u64::from(s) > crate::memory::PAGE_SIZE => "block",
            (1, _) => "per-page",
            (2, _) => "region",
            _ => "unknown",
        };
        Some(PagesCompression {
            mode,
            block_size: size,
        })
    }
}

/// Kubernetes placement, as in `checkpointctl inspect --metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OverviewMetadata {
    /// Pod name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pod_name: String,
    /// Namespace.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kubernetes_namespace: String,
}

impl OverviewMetadata {
    fn is_empty(&self) -> bool {
        self.pod_name.is_empty() && self.kubernetes_namespace.is_empty()
    }
}

impl Overview {
    /// Builds the overview. Like checkpointctl's `show`, it needs
    /// `config.dump`, `spec.dump` and a checkpoint directory.
    pub fn new(checkpoint: &Checkpoint) -> Result<Overview> {
        checkpoint.require_checkpoint_directory()?;
        checkpoint.require_config()?;
        checkpoint.require_spec()?;
        Ok(Overview::from_parts(checkpoint))
    }

    fn from_parts(checkpoint: &Checkpoint) -> Overview {
        let info = &checkpoint.container;
        let sizes = &checkpoint.sizes;
        Overview {
            header: Header::new(checkpoint),
            metadata: OverviewMetadata {
                pod_name: info.pod.clone(),
                kubernetes_namespace: info.namespace.clone(),
            },
            archive: checkpoint.archive.clone(),
            compression: checkpoint.compression,
            archive_size: sizes.archive,
            tar_size: sizes.tar,
            warnings: checkpoint.warnings.clone(),
            digest: checkpoint.digests.clone(),
        }
    }
}
