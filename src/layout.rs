//! The archive layout: what each entry of a checkpoint archive is, by name.
//!
//! Names are compared after normalisation, the way the runtime's extraction
//! cleans them before it writes anything (Go's `filepath.Clean`): a leading
//! `./` or `/`, empty and `.` components are dropped and `..` removes the
//! component before it, so `./checkpoint//pages-1.img` is
//! `checkpoint/pages-1.img` and `checkpoint/../config.dump` is
//! `config.dump`. A name that climbs out of the root is never one of the
//! well-known entries.
//!
//! Longer than 400 lines because its tests go through every well-known
//! name and every way a name can be spelled.

use serde::Serialize;

/// `config.dump`: the engine's container configuration (JSON).
pub const CONFIG_DUMP_FILE: &str = "config.dump";
/// `spec.dump`: the OCI runtime spec the container ran with (JSON).
pub const SPEC_DUMP_FILE: &str = "spec.dump";
/// `status.dump`.
pub const STATUS_DUMP_FILE: &str = "status.dump";
/// `network.status`: Podman's network status (JSON).
pub const NETWORK_STATUS_FILE: &str = "network.status";
/// `checkpoint`: the directory holding the CRIU images.
pub const CHECKPOINT_DIRECTORY: &str = "checkpoint";
/// `volumes`: one tar per named volume.
pub const CHECKPOINT_VOLUMES_DIRECTORY: &str = "volumes";
/// `devshm-checkpoint.tar`: the container's `/dev/shm`.
pub const DEV_SHM_CHECKPOINT_TAR: &str = "devshm-checkpoint.tar";
/// `rootfs-diff.tar`: files changed in the container's root file system.
pub const ROOT_FS_DIFF_TAR: &str = "rootfs-diff.tar";
/// `deleted.files`: files deleted from the root file system (JSON list).
pub const DELETED_FILES_FILE: &str = "deleted.files";
/// `dump.log`: CRIU's log of the dump.
pub const DUMP_LOG_FILE: &str = "dump.log";
/// `restore.log`: CRIU's log of a restore.
pub const RESTORE_LOG_FILE: &str = "restore.log";
/// `stats-dump`: CRIU's dump statistics (a CRIU image).
pub const STATS_DUMP_FILE: &str = "stats-dump";
/// `pod.options`: options of a pod checkpoint (JSON).
pub const POD_OPTIONS_FILE: &str = "pod.options";
/// `pod.dump`: the pod of a pod checkpoint.
pub const POD_DUMP_FILE: &str = "pod.dump";
/// `checkpoint-manifest.json`: the list of a pod checkpoint's containers
/// (containerd's and CRI-O's manifest layouts, JSON).
pub const POD_MANIFEST_FILE: &str = "checkpoint-manifest.json";
/// `pod-config.json`: the CRI `PodSandboxConfig` of a pod checkpoint.
pub const POD_CONFIG_FILE: &str = "pod-config.json";
/// `containers`: where CRI-O's manifest layout keeps one archive per
/// container, `containers/<sha256 of the id>.tar`.
pub const POD_CONTAINERS_DIRECTORY: &str = "containers";
/// `status`: containerd's container status (JSON).
pub const STATUS_FILE: &str = "status";
/// `ctr.log`: Podman's container log.
pub const CTR_LOG_FILE: &str = "ctr.log";
/// `bind.mounts`: CRI-O's external bind mounts (JSON).
pub const BIND_MOUNTS_FILE: &str = "bind.mounts";
/// `io.kubernetes.cri-o.LogPath`: CRI-O stores the container log under this
/// literal name.
pub const CRIO_LOG_FILE: &str = "io.kubernetes.cri-o.LogPath";
/// `artifacts`: Podman's artifacts directory.
pub const ARTIFACTS_DIRECTORY: &str = "artifacts";
/// Prefix of the CRIU memory pages images, `pages-<id>.img`.
pub const PAGES_PREFIX: &str = "pages-";
/// Prefix of the AMD GPU plugin's pages images.
pub const AMDGPU_PAGES_PREFIX: &str = "amdgpu-pages-";

/// What an archive entry is, from its name (and, for directories, its type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum EntryKind {
    /// `config.dump`.
    ConfigDump,
    /// `spec.dump`.
    SpecDump,
    /// `network.status`.
    NetworkStatus,
    /// `stats-dump`, at the top level (Podman, CRI-O) or inside
    /// `checkpoint/` (a raw CRIU image directory).
    StatsDump {
        /// Whether it is `checkpoint/stats-dump`.
        in_checkpoint: bool,
    },
    /// `status.dump`.
    StatusDump,
    /// containerd's `status`.
    ContainerdStatus,
    /// `deleted.files`.
    DeletedFiles,
    /// `rootfs-diff.tar`.
    RootfsDiff,
    /// `devshm-checkpoint.tar`.
    DevShm,
    /// `volumes/<name>.tar`.
    Volume,
    /// `artifacts/` or anything below it.
    Artifact,
    /// Podman's `ctr.log`.
    CtrLog,
    /// CRI-O's container log, `io.kubernetes.cri-o.LogPath`.
    CrioLog,
    /// `dump.log`, at the top level or inside `checkpoint/`.
    DumpLog {
        /// Whether it is `checkpoint/dump.log`.
        in_checkpoint: bool,
    },
    /// `restore.log`.
    RestoreLog,
    /// CRI-O's `bind.mounts`.
    BindMounts,
    /// `pod.options`.
    PodOptions,
    /// `pod.dump`.
    PodDump,
    /// `checkpoint-manifest.json` of a pod checkpoint.
    PodManifest,
    /// `pod-config.json` of a pod checkpoint.
    PodConfig,
    /// One container's checkpoint archive in a pod checkpoint:
    /// `container-<hex>.tar` (containerd) or `containers/<name>.tar`
    /// (CRI-O).
    PodContainerArchive,
    /// The `checkpoint/` directory entry itself.
    CheckpointDirectory,
    /// `checkpoint/pages-<id>.img`: raw memory pages.
    Pages {
        /// The pages image id (`pages_id` of a pagemap).
        id: u32,
    },
    /// `checkpoint/amdgpu-pages-*.img`: AMD GPU memory.
    AmdgpuPages,
    /// Any other `checkpoint/*.img`: a CRIU image.
    CriuImage,
    /// Anything else under `checkpoint/` (runc's `descriptors.json`, …).
    CheckpointOther,
    /// A directory not listed above.
    Directory,
    /// Anything else.
    Other,
}

impl EntryKind {
    /// Classifies an entry by its normalised name (see [`normalize`]).
    ///
    /// `is_dir` says whether the tar header is a directory entry.
    ///
    /// ```
    /// use ckpt::{EntryKind, layout::{classify, normalize}};
    /// let name = normalize("./checkpoint/pages-3.img").unwrap();
    /// assert_eq!(classify(&name, false), EntryKind::Pages { id: 3 });
    /// ```
    pub fn of(name: &str, is_dir: bool) -> EntryKind {
        classify(name, is_dir)
    }

    /// Whether this entry belongs to the checkpoint directory.
    pub fn in_checkpoint_directory(self) -> bool {
        matches!(
            self,
            EntryKind::CheckpointDirectory
                | EntryKind::Pages { .. }
                | EntryKind::AmdgpuPages
                | EntryKind::CriuImage
                | EntryKind::CheckpointOther
                | EntryKind::StatsDump {
                    in_checkpoint: true
                }
                | EntryKind::DumpLog {
                    in_checkpoint: true
                }
        )
    }
}

/// Normalises an entry name as the runtime's extraction does before it
/// writes anything (Go's `filepath.Clean`, then joined below the target
/// directory): a leading `/`, empty and `.` components and a trailing `/`
/// are dropped, and `..` removes the component before it. Returns `None`
/// for a name that climbs out of the archive root (the runtime refuses such
/// an archive) or that names the root itself (`./`).
///
/// ```
/// use ckpt::layout::normalize;
/// assert_eq!(normalize("./checkpoint/").as_deref(), Some("checkpoint"));
/// assert_eq!(normalize("/a//./b").as_deref(), Some("a/b"));
/// assert_eq!(normalize("checkpoint/../config.dump").as_deref(), Some("config.dump"));
/// assert_eq!(normalize("/../config.dump").as_deref(), Some("config.dump"));
/// assert_eq!(normalize("../../tmp/config.dump"), None);
/// assert_eq!(normalize("./"), None);
/// ```
pub fn normalize(name: &str) -> Option<String> {
    let rooted = name.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                // Above a rooted name's root is its root; above a relative
                // name's start is outside the archive.
                if parts.pop().is_none() && !rooted {
                    return None;
                }
            }
            part => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Classifies a normalised entry name; see [`EntryKind::of`].
pub fn classify(name: &str, is_dir: bool) -> EntryKind {
    if let Some(rest) = name.strip_prefix("checkpoint/") {
        if is_dir {
            return EntryKind::CheckpointOther;
        }
        return classify_checkpoint_file(rest);
    }
    if is_dir {
        return match name {
            CHECKPOINT_DIRECTORY => EntryKind::CheckpointDirectory,
            ARTIFACTS_DIRECTORY => EntryKind::Artifact,
            _ if name.starts_with("artifacts/") => EntryKind::Artifact,
            _ => EntryKind::Directory,
        };
    }
    match name {
        CONFIG_DUMP_FILE => EntryKind::ConfigDump,
        SPEC_DUMP_FILE => EntryKind::SpecDump,
        NETWORK_STATUS_FILE => EntryKind::NetworkStatus,
        STATS_DUMP_FILE => EntryKind::StatsDump {
            in_checkpoint: false,
        },
        STATUS_DUMP_FILE => EntryKind::StatusDump,
        STATUS_FILE => EntryKind::ContainerdStatus,
        DELETED_FILES_FILE => EntryKind::DeletedFiles,
        ROOT_FS_DIFF_TAR => EntryKind::RootfsDiff,
        DEV_SHM_CHECKPOINT_TAR => EntryKind::DevShm,
        CTR_LOG_FILE => EntryKind::CtrLog,
        CRIO_LOG_FILE => EntryKind::CrioLog,
        DUMP_LOG_FILE => EntryKind::DumpLog {
            in_checkpoint: false,
        },
        RESTORE_LOG_FILE => EntryKind::RestoreLog,
        BIND_MOUNTS_FILE => EntryKind::BindMounts,
        POD_OPTIONS_FILE => EntryKind::PodOptions,
        POD_DUMP_FILE => EntryKind::PodDump,
        POD_MANIFEST_FILE => EntryKind::PodManifest,
        POD_CONFIG_FILE => EntryKind::PodConfig,
        _ if is_pod_container_archive(name) => EntryKind::PodContainerArchive,
        _ if name.starts_with("artifacts/") => EntryKind::Artifact,
        // A bare CRIU image directory (what `criu dump -D dir` writes, what
        // crit reads) has its images at the top.
        _ if !name.contains('/') && name.ends_with(".img") => classify_checkpoint_file(name),
        _ => match name.strip_prefix("volumes/") {
            Some(v) if !v.contains('/') && v.ends_with(".tar") => EntryKind::Volume,
            _ => EntryKind::Other,
        },
    }
}

/// `container-<hex>.tar` at the top, or `containers/<name>.tar`.
fn is_pod_container_archive(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".tar") else {
        return false;
    };
    if let Some(hex) = stem.strip_prefix("container-") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    matches!(
        stem.strip_prefix(POD_CONTAINERS_DIRECTORY).and_then(|s| s.strip_prefix('/')),
        Some(rest) if !rest.is_empty() && !rest.contains('/')
    )
}

/// Whether `name` is the directory of one container in a pod checkpoint
/// written with `pod.options` (CRI-O): `<64 hex digits of the id>-<name>`.
pub fn is_pod_container_directory(name: &str) -> bool {
    match name.split_once('-') {
        Some((id, rest)) => {
            id.len() == 64
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !rest.is_empty()
                && !rest.contains('/')
        }
        None => false,
    }
}

fn classify_checkpoint_file(rest: &str) -> EntryKind {
    if rest.contains('/') {
        return EntryKind::CheckpointOther;
    }
    match rest {
        STATS_DUMP_FILE => {
            return EntryKind::StatsDump {
                in_checkpoint: true,
            };
        }
        DUMP_LOG_FILE => {
            return EntryKind::DumpLog {
                in_checkpoint: true,
            };
        }
        _ => {}
    }
    let Some(stem) = rest.strip_suffix(".img") else {
        return EntryKind::CheckpointOther;
    };
    if let Some(id) = stem.strip_prefix(PAGES_PREFIX) {
        // CRIU names them pages-%u.img; anything else is some other image.
        if !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && let Ok(id) = id.parse()
        {
            return EntryKind::Pages { id };
        }
        return EntryKind::CriuImage;
    }
    if stem.starts_with(AMDGPU_PAGES_PREFIX) {
        return EntryKind::AmdgpuPages;
    }
    EntryKind::CriuImage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str) -> EntryKind {
        classify(&normalize(name).unwrap(), name.ends_with('/'))
    }

    #[test]
    fn podman_entries() {
        assert_eq!(kind("artifacts/"), EntryKind::Artifact);
        assert_eq!(kind("devshm-checkpoint.tar"), EntryKind::DevShm);
        assert_eq!(kind("config.dump"), EntryKind::ConfigDump);
        assert_eq!(kind("spec.dump"), EntryKind::SpecDump);
        assert_eq!(kind("network.status"), EntryKind::NetworkStatus);
        assert_eq!(
            kind("stats-dump"),
            EntryKind::StatsDump {
                in_checkpoint: false
            }
        );
        assert_eq!(kind("ctr.log"), EntryKind::CtrLog);
        assert_eq!(kind("checkpoint/"), EntryKind::CheckpointDirectory);
        assert_eq!(kind("checkpoint/core-1.img"), EntryKind::CriuImage);
        assert_eq!(
            kind("checkpoint/descriptors.json"),
            EntryKind::CheckpointOther
        );
        assert_eq!(kind("checkpoint/pages-12.img"), EntryKind::Pages { id: 12 });
        assert_eq!(kind("checkpoint/pagemap-12.img"), EntryKind::CriuImage);
        assert_eq!(
            kind("checkpoint/tmpfs-dev-44.tar.gz.img"),
            EntryKind::CriuImage
        );
        assert_eq!(kind("rootfs-diff.tar"), EntryKind::RootfsDiff);
        assert_eq!(kind("deleted.files"), EntryKind::DeletedFiles);
        assert_eq!(kind("volumes/ckptvol.tar"), EntryKind::Volume);
    }

    #[test]
    fn crio_containerd_and_pod_entries() {
        assert_eq!(
            kind("dump.log"),
            EntryKind::DumpLog {
                in_checkpoint: false
            }
        );
        assert_eq!(kind("bind.mounts"), EntryKind::BindMounts);
        assert_eq!(kind("io.kubernetes.cri-o.LogPath"), EntryKind::CrioLog);
        assert_eq!(kind("status"), EntryKind::ContainerdStatus);
        assert_eq!(kind("pod.options"), EntryKind::PodOptions);
        assert_eq!(kind("pod.dump"), EntryKind::PodDump);
        assert_eq!(
            kind("checkpoint/amdgpu-pages-1-c00f.img"),
            EntryKind::AmdgpuPages
        );
        assert_eq!(
            kind("./checkpoint/stats-dump"),
            EntryKind::StatsDump {
                in_checkpoint: true
            }
        );
    }

    #[test]
    fn odd_names() {
        assert_eq!(kind("./config.dump"), EntryKind::ConfigDump);
        assert_eq!(kind("/config.dump"), EntryKind::ConfigDump);
        assert_eq!(
            kind("checkpoint//./pages-1.img"),
            EntryKind::Pages { id: 1 }
        );
        assert_eq!(kind("checkpoint/pages-.img"), EntryKind::CriuImage);
        assert_eq!(kind("checkpoint/pages-+1.img"), EntryKind::CriuImage);
        assert_eq!(
            kind("checkpoint/pages-99999999999.img"),
            EntryKind::CriuImage
        );
        assert_eq!(kind("artifacts/old-config.dump"), EntryKind::Artifact);
        assert_eq!(kind("sub/config.dump"), EntryKind::Other);
        assert_eq!(kind("volumes/a/b.tar"), EntryKind::Other);
        assert_eq!(kind("checkpointfoo/x"), EntryKind::Other);
        // A bare image directory.
        assert_eq!(kind("core-1.img"), EntryKind::CriuImage);
        assert_eq!(kind("pages-2.img"), EntryKind::Pages { id: 2 });
        assert_eq!(kind("crit/core-1.img.json"), EntryKind::Other);
        // What the runtime writes: `..` cancels the component before it.
        assert_eq!(
            normalize("a/../config.dump").as_deref(),
            Some("config.dump")
        );
        assert_eq!(normalize("a/../../config.dump"), None);
    }
}
