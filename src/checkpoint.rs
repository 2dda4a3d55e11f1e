//! The checkpoint summary, gathered in one pass over an archive or an
//! extracted checkpoint directory.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::archive::{Archive, Entry, Opened, open_path};
use crate::compression::Compression;
use crate::engine::{ContainerInfo, container_info};
use crate::error::{Error, Result, Warning};
use crate::layout::EntryKind;
use crate::metadata::{
    BindMount, CheckpointedPodOptions, ContainerConfig, ContainerdStatus, NetworkStatus, SpecDump,
};
use crate::options::Options;

/// Everything one pass learned about a checkpoint.
///
/// Produced by [`read`], [`read_path`] and [`read_dir`]; never printed by
/// this crate. Parts that were not wanted (see [`Want`](crate::Want)) or not
/// present are `None` or empty.
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
    /// containerd's `status`.
    pub containerd_status: Option<ContainerdStatus>,
    /// CRI-O's `bind.mounts`.
    pub bind_mounts: Option<Vec<BindMount>>,
    /// `pod.options`.
    pub pod_options: Option<CheckpointedPodOptions>,
    /// The engine and what it says about the container.
    pub container: ContainerInfo,
    /// Sizes from the tar headers.
    pub sizes: Sizes,
    /// Whether a `checkpoint/` directory (or anything in it) was seen.
    pub has_checkpoint_directory: bool,
    /// Whether the whole archive was read (false when the pass stopped as
    /// soon as everything wanted was known).
    pub complete: bool,
    /// Every entry, in archive order, if [`Want::entries`](crate::Want::entries).
    pub entries: Vec<EntryInfo>,
    /// What was wrong with optional parts.
    pub warnings: Vec<Warning>,
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

/// An entry as the collector sees it, from an archive or a directory.
pub(crate) trait EntrySource {
    fn name(&self) -> &str;
    fn kind(&self) -> EntryKind;
    fn size(&self) -> u64;
    fn is_file(&self) -> bool;
    fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>>;
}

impl EntrySource for Entry<'_, '_> {
    fn name(&self) -> &str {
        Entry::name(self)
    }
    fn kind(&self) -> EntryKind {
        Entry::kind(self)
    }
    fn size(&self) -> u64 {
        Entry::size(self)
    }
    fn is_file(&self) -> bool {
        Entry::is_file(self)
    }
    fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>> {
        Entry::read_to_vec(self, limit)
    }
}

/// Reads a checkpoint archive in one pass.
///
/// ```
/// # fn main() -> Result<(), ckpt::Error> {
/// let archive = ckpt::Archive::open("tests/fixtures/mini-sleep.zstd.tar.zst")?;
/// let checkpoint = ckpt::read(archive, &ckpt::Options::default())?;
/// assert_eq!(checkpoint.container.name, "mini-sleep");
/// assert_eq!(checkpoint.container.engine, ckpt::Engine::Podman);
/// # Ok(()) }
/// ```
pub fn read(mut archive: Archive<'_>, options: &Options) -> Result<Checkpoint> {
    let mut collector = Collector::new(archive.name(), Some(archive.compression()), options);
    let mut stopped_early = false;
    {
        let entries = archive.entries()?;
        for entry in entries {
            let mut entry = entry?;
            collector.visit(&mut entry)?;
            if collector.done() {
                stopped_early = true;
                break;
            }
        }
    }
    collector.warnings.extend(archive.take_warnings());
    if stopped_early {
        collector.sizes.archive = archive.input_len();
        return Ok(collector.finish(false));
    }
    if options.want.sizes {
        let end = archive.finish()?;
        collector.sizes.archive = Some(end.input_size);
        collector.sizes.tar = Some(end.tar_size);
    } else {
        collector.sizes.archive = archive.input_len();
    }
    Ok(collector.finish(true))
}

/// Reads a checkpoint archive file, or an extracted checkpoint directory,
/// in one pass.
pub fn read_path(path: impl AsRef<Path>, options: &Options) -> Result<Checkpoint> {
    match open_path(path.as_ref())? {
        Opened::Archive(archive) => read(archive, options),
        Opened::Directory(dir) => read_dir(&dir, options),
    }
}

/// Reads an extracted checkpoint directory (what Podman keeps in a
/// container's userdata, what CRI-O and containerd build before packing):
/// the same files as in an archive, decoded the same way, sizes from file
/// metadata. Symbolic links are listed but never followed.
pub fn read_dir(dir: impl AsRef<Path>, options: &Options) -> Result<Checkpoint> {
    crate::dir::read(dir.as_ref(), options)
}

/// Gathers a [`Checkpoint`] from entries in any order.
pub(crate) struct Collector<'o> {
    options: &'o Options,
    archive: String,
    compression: Option<Compression>,
    config: Option<ContainerConfig>,
    spec: Option<SpecDump>,
    #[cfg(feature = "oci-spec")]
    oci_spec: Option<oci_spec::runtime::Spec>,
    network: Option<NetworkStatus>,
    deleted_files: Option<Vec<String>>,
    containerd_status: Option<ContainerdStatus>,
    bind_mounts: Option<Vec<BindMount>>,
    pod_options: Option<CheckpointedPodOptions>,
    pub(crate) sizes: Sizes,
    has_checkpoint_directory: bool,
    entries: Vec<EntryInfo>,
    pub(crate) warnings: Vec<Warning>,
    seen: HashMap<EntryKind, u32>,
}

impl<'o> Collector<'o> {
    pub(crate) fn new(
        archive: &str,
        compression: Option<Compression>,
        options: &'o Options,
    ) -> Collector<'o> {
        Collector {
            options,
            archive: archive.to_owned(),
            compression,
            config: None,
            spec: None,
            #[cfg(feature = "oci-spec")]
            oci_spec: None,
            network: None,
            deleted_files: None,
            containerd_status: None,
            bind_mounts: None,
            pod_options: None,
            sizes: Sizes::default(),
            has_checkpoint_directory: false,
            entries: Vec::new(),
            warnings: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Whether this kind of entry is decoded under the current options.
    fn wanted(&self, kind: EntryKind) -> bool {
        let want = &self.options.want;
        match kind {
            EntryKind::ConfigDump => want.config,
            EntryKind::SpecDump => want.spec,
            EntryKind::NetworkStatus => want.network,
            EntryKind::DeletedFiles => want.deleted_files,
            EntryKind::ContainerdStatus => want.containerd_status,
            EntryKind::BindMounts => want.bind_mounts,
            EntryKind::PodOptions => want.pod_options,
            _ => false,
        }
    }

    /// Everything wanted is known: the rest of the archive can be left
    /// unread.
    pub(crate) fn done(&self) -> bool {
        let want = &self.options.want;
        if want.needs_whole_archive() {
            return false;
        }
        let missing = |wanted: bool, have: bool| wanted && !have;
        !(missing(want.config, self.config.is_some())
            || missing(want.spec, self.spec.is_some())
            || missing(want.network, self.network.is_some())
            || missing(want.deleted_files, self.deleted_files.is_some())
            || missing(want.containerd_status, self.containerd_status.is_some())
            || missing(want.bind_mounts, self.bind_mounts.is_some())
            || missing(want.pod_options, self.pod_options.is_some()))
    }

    pub(crate) fn visit(&mut self, entry: &mut dyn EntrySource) -> Result<()> {
        let kind = entry.kind();
        let size = entry.size();
        let is_file = entry.is_file();
        if self.options.want.entries {
            self.entries.push(EntryInfo {
                name: entry.name().to_owned(),
                kind,
                size: if is_file { size } else { 0 },
                is_file,
            });
        }
        if kind.in_checkpoint_directory() {
            self.has_checkpoint_directory = true;
        }
        if is_file {
            if kind.in_checkpoint_directory() {
                self.sizes.checkpoint = self.sizes.checkpoint.saturating_add(size);
            }
            match kind {
                EntryKind::Pages { .. } => self.sizes.pages = self.sizes.pages.saturating_add(size),
                EntryKind::AmdgpuPages => {
                    self.sizes.amdgpu_pages = self.sizes.amdgpu_pages.saturating_add(size);
                }
                EntryKind::RootfsDiff => self.sizes.rootfs_diff = size,
                _ => {}
            }
        }
        if !self.wanted(kind) {
            return Ok(());
        }
        let name = entry.name().to_owned();
        if !is_file {
            self.warnings
                .push(Warning::new(Some(&name), "not a regular file; ignored"));
            return Ok(());
        }
        let count = self.seen.entry(kind).or_insert(0);
        *count += 1;
        if *count == 2 {
            self.warnings.push(Warning::new(
                Some(&name),
                "appears more than once; the last copy is used, as extraction would",
            ));
        }
        let bytes = entry.read_to_vec(self.options.max_entry_size)?;
        self.decode(kind, &name, &bytes)
    }

    fn decode(&mut self, kind: EntryKind, name: &str, bytes: &[u8]) -> Result<()> {
        let json_error = |source| Error::Json {
            archive: self.archive.clone(),
            entry: name.to_owned(),
            source,
        };
        match kind {
            EntryKind::ConfigDump | EntryKind::SpecDump if bytes.is_empty() => {
                return Err(Error::EmptyEntry {
                    archive: self.archive.clone(),
                    entry: name.to_owned(),
                });
            }
            EntryKind::ConfigDump => {
                self.config = Some(serde_json::from_slice(bytes).map_err(json_error)?);
            }
            EntryKind::SpecDump => {
                let (spec, notes) = SpecDump::from_slice(bytes).map_err(json_error)?;
                for note in notes {
                    self.warnings.push(Warning::new(Some(name), note));
                }
                #[cfg(feature = "oci-spec")]
                {
                    self.oci_spec = match serde_json::from_slice(bytes) {
                        Ok(typed) => Some(typed),
                        Err(e) => {
                            self.warnings.push(Warning::new(
                                Some(name),
                                format!("not a valid OCI runtime spec for oci-spec: {e}"),
                            ));
                            None
                        }
                    };
                }
                self.spec = Some(spec);
            }
            EntryKind::NetworkStatus => {
                if let Some(v) = self.optional(name, NetworkStatus::from_slice(bytes)) {
                    self.network = Some(v);
                }
            }
            EntryKind::DeletedFiles => {
                if let Some(v) = self.optional(name, serde_json::from_slice(bytes)) {
                    self.deleted_files = Some(v);
                }
            }
            EntryKind::ContainerdStatus => {
                if let Some(v) = self.optional(name, serde_json::from_slice(bytes)) {
                    self.containerd_status = Some(v);
                }
            }
            EntryKind::BindMounts => {
                if let Some(v) = self.optional(name, serde_json::from_slice(bytes)) {
                    self.bind_mounts = Some(v);
                }
            }
            EntryKind::PodOptions => {
                if let Some(v) = self.optional(name, serde_json::from_slice(bytes)) {
                    self.pod_options = Some(v);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Parses an optional entry; a failure is a warning.
    fn optional<T>(&mut self, name: &str, parsed: serde_json::Result<T>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.warnings.push(Warning::new(
                    Some(name),
                    format!("invalid JSON, ignored: {e}"),
                ));
                None
            }
        }
    }

    pub(crate) fn finish(mut self, complete: bool) -> Checkpoint {
        let container = container_info(
            self.config.as_ref(),
            self.spec.as_ref(),
            self.network.as_ref(),
            self.containerd_status.is_some(),
            &mut self.warnings,
        );
        Checkpoint {
            archive: self.archive,
            compression: self.compression,
            config: self.config,
            spec: self.spec,
            #[cfg(feature = "oci-spec")]
            oci_spec: self.oci_spec,
            network: self.network,
            deleted_files: self.deleted_files,
            containerd_status: self.containerd_status,
            bind_mounts: self.bind_mounts,
            pod_options: self.pod_options,
            container,
            sizes: self.sizes,
            has_checkpoint_directory: self.has_checkpoint_directory,
            complete,
            entries: self.entries,
            warnings: self.warnings,
        }
    }
}

impl Checkpoint {
    /// `config.dump`, or [`Error::MissingEntry`].
    pub fn require_config(&self) -> Result<&ContainerConfig> {
        self.config.as_ref().ok_or_else(|| Error::MissingEntry {
            archive: self.archive.clone(),
            entry: crate::layout::CONFIG_DUMP_FILE,
        })
    }

    /// `spec.dump`, or [`Error::MissingEntry`].
    pub fn require_spec(&self) -> Result<&SpecDump> {
        self.spec.as_ref().ok_or_else(|| Error::MissingEntry {
            archive: self.archive.clone(),
            entry: crate::layout::SPEC_DUMP_FILE,
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
