//! [`Checkpoint`]: everything one pass learned about a checkpoint.

use std::collections::BTreeMap;

use serde::Serialize;

use super::container::ContainerInfo;
use super::images::ImageSet;
use super::plugins::PluginImage;
use super::pod::{InPod, PodLayout, Unread};
use super::rootfs::RootfsDiff;
use crate::compression::Compression;
use crate::criu::proto::DumpStatsEntry;
use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::memory::MemoryText;
use crate::metadata::{
    BindMount, CheckpointedPodOptions, ContainerConfig, ContainerdStatus, DumpLog, NetworkStatus,
    SpecDump, Time,
};
use crate::source::Digests;
use crate::warning::Warning;

/// Everything one pass learned about a checkpoint.
///
/// Produced by [`read`](crate::read) and [`read_with`](crate::read_with);
/// never printed by this crate. Parts that were not wanted (see
/// [`Want`](crate::Want)) or not present are `None` or empty. The processes
/// are read through [`Checkpoint::processes`] (in `model/tree.rs`).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Checkpoint {
    /// The archive's (or directory's) name, as errors use it.
    pub archive: String,
    /// The archive's compression; `None` for a directory.
    pub compression: Option<Compression>,
    /// `config.dump`.
    pub config: Option<ContainerConfig>,
    /// `spec.dump`, read leniently.
    pub spec: Option<SpecDump>,
    /// `spec.dump` as the typed OCI spec, when it parses.
    #[cfg(feature = "oci-spec")]
    #[serde(skip)]
    pub oci_spec: Option<oci_spec::runtime::Spec>,
    /// `network.status`.
    pub network: Option<NetworkStatus>,
    /// `deleted.files`.
    pub deleted_files: Option<Vec<String>>,
    /// What `rootfs-diff.tar` holds, if [`Want::rootfs_diff`](crate::Want::rootfs_diff)
    /// and the archive has one.
    pub rootfs_diff: Option<RootfsDiff>,
    /// containerd's `status`.
    pub containerd_status: Option<ContainerdStatus>,
    /// CRI-O's `bind.mounts`.
    pub bind_mounts: Option<Vec<BindMount>>,
    /// `pod.options`.
    pub pod_options: Option<CheckpointedPodOptions>,
    /// The pod and its containers, when this is a pod checkpoint; the
    /// fields above then describe the pod's archive only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<Pod>,
    /// The pod and container this checkpoint is one of, when it was read
    /// from a pod checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_pod: Option<InPod>,
    /// What the head of CRIU's `dump.log` says (the CRIU version and the
    /// kernel that dumped), if [`Want::dump_log`](crate::Want::dump_log)
    /// and the archive has one (CRI-O's do; Podman keeps it out).
    pub dump_log: Option<DumpLog>,
    /// The engine and what it says about the container.
    pub container: ContainerInfo,
    /// Sizes from the tar headers.
    pub sizes: Sizes,
    /// When the checkpoint was taken, and what says so; `None` when
    /// nothing in the archive does.
    pub checkpointed: Option<CheckpointTime>,
    /// Whether a `checkpoint/` directory (or anything in it) was seen.
    pub has_checkpoint_directory: bool,
    /// Whether the whole archive was read (false when the pass stopped as
    /// soon as everything wanted was known, or when a memory sink stopped
    /// it).
    pub complete: bool,
    /// The CRIU images decoded, if any were wanted ([`Want::processes`],
    /// [`Want::files`], [`Want::memory_text`], [`Want::stats`]).
    ///
    /// [`Want::processes`]: crate::Want::processes
    /// [`Want::files`]: crate::Want::files
    /// [`Want::memory_text`]: crate::Want::memory_text
    /// [`Want::stats`]: crate::Want::stats
    pub images: Option<ImageSet>,
    /// CRIU's dump statistics (`stats-dump`; the top-level copy, else the
    /// one in `checkpoint/`).
    pub stats: Option<DumpStatsEntry>,
    /// Command line and environment of each process, read from its memory
    /// ([`Want::memory_text`](crate::Want::memory_text)).
    pub texts: BTreeMap<u32, ProcessText>,
    /// Size of every `pages-<id>.img`, by id.
    pub pages: BTreeMap<u32, u64>,
    /// The images CRIU's plugins wrote (GPU state and memory), in archive
    /// order, with [`Want::sizes`](crate::Want::sizes).
    pub plugin_images: Vec<PluginImage>,
    /// Every entry, in archive order, if [`Want::entries`](crate::Want::entries).
    pub entries: Vec<EntryInfo>,
    /// What was wrong with optional parts.
    pub warnings: Vec<Warning>,
    /// The SHA-256 of the archive and of each entry, when
    /// [`Options::digest`](crate::Options::digest) asked for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digests: Option<Digests>,
    /// Why the read stopped before the end of the archive, when
    /// [`Options::keep_partial`](crate::Options::keep_partial) kept what
    /// was read before: everything above describes the archive up to that
    /// point only. Serialised as the error's message.
    #[serde(
        serialize_with = "damage_message",
        skip_serializing_if = "Option::is_none"
    )]
    pub damage: Option<std::sync::Arc<Error>>,
}

fn damage_message<S: serde::Serializer>(
    damage: &Option<std::sync::Arc<Error>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match damage {
        Some(e) => s.serialize_str(&e.to_string()),
        None => s.serialize_none(),
    }
}

/// A pod checkpoint: the pod and its containers.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Pod {
    /// How it is laid out.
    pub layout: PodLayout,
    /// The pod's name.
    pub name: String,
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's UID.
    pub uid: String,
    /// The pod sandbox's id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sandbox_id: String,
    /// The engine that wrote it (`cri-o`, `containerd`), as the pod's
    /// files say.
    pub engine: String,
    /// The engine's version (`pod.options` annotations).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub engine_version: String,
    /// The CRIU version (`pod.options` annotations).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub criu_version: String,
    /// The runtime handler (CRI-O's manifest).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub runtime_handler: String,
    /// The version of the file that lists the containers.
    pub format_version: Option<i64>,
    /// `pod.options`'s annotations, sorted.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The containers: in the manifest's order (those it does not list
    /// last, in archive order), or by name when `pod.options` lists them.
    pub containers: Vec<PodContainer>,
}

/// One container of a [`Pod`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PodContainer {
    /// Its name in the pod (the CRI metadata name).
    pub name: String,
    /// Its id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The directory or archive of the pod checkpoint that holds it.
    pub member: String,
    /// The SHA-256 the manifest records for its archive (CRI-O).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub declared_sha256: String,
    /// Its checkpoint, when it was read.
    pub checkpoint: Option<Box<Checkpoint>>,
    /// Why it was not read, or not wholly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<Unread>,
    /// The error that stopped its read, when
    /// [`Options::keep_partial`](crate::Options::keep_partial) kept the
    /// rest of the pod. Serialised as the error's message.
    #[serde(
        serialize_with = "damage_message",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<std::sync::Arc<Error>>,
}

impl PodContainer {
    /// Whether `selector` names this container: its name, its directory
    /// or archive, or (at least four digits of) its id.
    pub fn is_named(&self, selector: &str) -> bool {
        super::pod::selects(selector, &self.name, &self.member, &self.id)
    }
}

impl Pod {
    /// The container `selector` names (see [`PodContainer::is_named`]):
    /// of several, the one read.
    pub fn container(&self, selector: &str) -> Option<&PodContainer> {
        let mut named = self.containers.iter().filter(|c| c.is_named(selector));
        let first = named.clone().next();
        named.find(|c| c.checkpoint.is_some()).or(first)
    }

    /// The containers' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.containers.iter().map(|c| c.name.as_str()).collect()
    }

    /// The checkpoints read, in order, each naming its pod and container
    /// ([`Checkpoint::in_pod`]).
    pub fn checkpoints(&self) -> impl Iterator<Item = &Checkpoint> {
        self.containers
            .iter()
            .filter_map(|c| c.checkpoint.as_deref())
    }

    /// What a view of `container` names.
    pub fn in_pod(&self, container: &PodContainer) -> InPod {
        InPod {
            pod: self.name.clone(),
            namespace: self.namespace.clone(),
            uid: self.uid.clone(),
            container: container.name.clone(),
            member: container.member.clone(),
        }
    }
}

/// When a checkpoint was taken, and what says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckpointTime {
    /// The time.
    pub time: Time,
    /// Where it comes from.
    pub source: TimeSource,
}

/// What a [`CheckpointTime`] is read from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum TimeSource {
    /// `config.dump`'s `checkpointedTime` (CRI-O writes it; Podman writes
    /// Go's zero time).
    #[serde(rename = "config.dump")]
    ConfigDump,
    /// The modification time of `stats-dump`, which CRIU writes as the
    /// dump ends.
    #[serde(rename = "stats-dump entry time")]
    StatsDumpEntry,
    /// The latest modification time of the entries in `checkpoint/`.
    #[serde(rename = "checkpoint image entry times")]
    ImageEntries,
}

impl TimeSource {
    /// How it is named in output: `config.dump`, `stats-dump entry time`,
    /// `checkpoint image entry times`.
    pub fn name(self) -> &'static str {
        match self {
            TimeSource::ConfigDump => "config.dump",
            TimeSource::StatsDumpEntry => "stats-dump entry time",
            TimeSource::ImageEntries => "checkpoint image entry times",
        }
    }
}

/// The entry times a checkpoint's time can fall back to (seconds since
/// the Unix epoch; a zero time in a header is taken as unset).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EntryTimes {
    /// `stats-dump` (the top-level copy wins).
    pub(crate) stats_dump: Option<i64>,
    /// Whether that came from the top-level copy.
    pub(crate) stats_dump_top: bool,
    /// The latest of the entries under `checkpoint/`.
    pub(crate) images_latest: Option<i64>,
}

impl EntryTimes {
    /// The checkpoint's time: `config.dump`'s when it is set, else the
    /// entry times'.
    pub(crate) fn checkpoint_time(
        &self,
        config: Option<&ContainerConfig>,
    ) -> Option<CheckpointTime> {
        if let Some(c) = config
            && !c.checkpointed_time.is_zero()
        {
            return Some(CheckpointTime {
                time: c.checkpointed_time,
                source: TimeSource::ConfigDump,
            });
        }
        let at = |seconds: Option<i64>, source| {
            let time = Time::from_unix_seconds(seconds.filter(|&s| s > 0)?)?;
            Some(CheckpointTime { time, source })
        };
        at(self.stats_dump, TimeSource::StatsDumpEntry)
            .or_else(|| at(self.images_latest, TimeSource::ImageEntries))
    }
}

/// Sizes taken from the tar headers (never from reading the data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Sizes {
    /// Regular files under `checkpoint/` (checkpointctl's "checkpoint size").
    pub checkpoint: u64,
    /// `checkpoint/pages-*.img`.
    pub pages: u64,
    /// `checkpoint/amdgpu-pages-*.img`.
    pub amdgpu_pages: u64,
    /// `rootfs-diff.tar`.
    pub rootfs_diff: u64,
    /// The archive file (compressed) in bytes, when the whole input was read
    /// or its size was known.
    pub archive: Option<u64>,
    /// The uncompressed tar stream in bytes, padding included, when the
    /// whole stream was read.
    pub tar: Option<u64>,
}

/// The command line and environment of a process, as in its memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessText {
    /// `[mm_arg_start, mm_arg_end)`: NUL-separated arguments.
    pub args: MemoryText,
    /// `[mm_env_start, mm_env_end)`: NUL-separated `KEY=VALUE` strings.
    pub env: MemoryText,
}

/// One entry of an archive, as listed with [`Want::entries`](crate::Want::entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EntryInfo {
    /// Normalised name.
    pub name: String,
    /// What it is.
    #[serde(flatten)]
    pub kind: EntryKind,
    /// Size in bytes (0 for directories and links).
    pub size: u64,
    /// Whether it is a regular file.
    pub is_file: bool,
}

impl Checkpoint {
    /// Whether the read found neither metadata nor a CRIU image (a partial
    /// read damaged from the start, say).
    pub fn is_empty(&self) -> bool {
        self.config.is_none()
            && self.spec.is_none()
            && self.images.as_ref().is_none_or(ImageSet::is_empty)
    }

    /// `config.dump`, or [`Error::MissingEntry`].
    pub fn require_config(&self) -> Result<&ContainerConfig> {
        self.config.as_ref().ok_or_else(|| Error::MissingEntry {
            archive: self.archive.clone(),
            entry: crate::layout::CONFIG_DUMP_FILE.to_owned(),
        })
    }

    /// `spec.dump`, or [`Error::MissingEntry`].
    pub fn require_spec(&self) -> Result<&SpecDump> {
        self.spec.as_ref().ok_or_else(|| Error::MissingEntry {
            archive: self.archive.clone(),
            entry: crate::layout::SPEC_DUMP_FILE.to_owned(),
        })
    }

    /// Fails with [`Error::NoCheckpointDirectory`] if a complete pass found
    /// no `checkpoint/` directory nor anything in it.
    pub fn require_checkpoint_directory(&self) -> Result<()> {
        if self.complete && !self.has_checkpoint_directory {
            return Err(Error::NoCheckpointDirectory {
                archive: self.archive.clone(),
            });
        }
        Ok(())
    }
}
