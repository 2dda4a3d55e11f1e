//! The checkpoint summary, gathered in one pass over an archive or an
//! extracted checkpoint directory.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::archive::{Archive, Opened, open_path};
use crate::collect::{Collector, Seekable};
use crate::compression::Compression;
use crate::criu::ImageSet;
use crate::criu::proto::DumpStatsEntry;
use crate::engine::ContainerInfo;
use crate::error::{Error, Result, Warning};
use crate::layout::EntryKind;
use crate::memory::{MemorySink, MemoryText};
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
pub fn read(archive: Archive<'_>, options: &Options) -> Result<Checkpoint> {
    read_archive(archive, options, None)
}

/// Reads a checkpoint archive in one pass and gives the memory of the
/// processes `sink` wants to it, in address order, as it streams by.
///
/// The memory layout is decoded whatever `options` say. Pages files are
/// never held in memory: each is read in chunks, once.
pub fn read_with(
    archive: Archive<'_>,
    options: &Options,
    sink: &mut dyn MemorySink,
) -> Result<Checkpoint> {
    read_archive(archive, options, Some(sink))
}

/// [`read_path`] with a memory sink, as [`read_with`].
pub fn read_path_with(
    path: impl AsRef<Path>,
    options: &Options,
    sink: &mut dyn MemorySink,
) -> Result<Checkpoint> {
    let path = path.as_ref();
    match open_path(path)? {
        Opened::Archive(archive) => read_archive(*archive, options, Some(sink)),
        Opened::Directory(dir) => crate::dir::read(&dir, options, Some(sink)),
    }
}

/// The pass over an archive. An archive opened from a file is read again
/// if pages came before the pagemap that says what to read in them.
fn read_archive(
    mut archive: Archive<'_>,
    options: &Options,
    sink: Option<&mut dyn MemorySink>,
) -> Result<Checkpoint> {
    let name = archive.name().to_owned();
    let reopen = archive.path().map(Path::to_path_buf);
    let mut collector = Collector::new(&name, Some(archive.compression()), options, sink);
    let seekable = archive.is_seekable();
    let mut stopped_early = false;
    {
        let entries = archive.entries()?;
        for entry in entries {
            let mut entry = entry?;
            if seekable {
                collector.visit(&mut Seekable(&mut entry))?;
            } else {
                collector.visit(&mut entry)?;
            }
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
    if seekable {
        collector.sizes.archive = archive.input_len();
        collector.sizes.tar = archive.input_len().filter(|_| options.want.sizes);
        let mut random = archive.into_random_access();
        collector.resolve_pages(random.as_mut())?;
        return Ok(collector.finish(true));
    }
    if options.want.sizes {
        let end = archive.finish()?;
        collector.sizes.archive = Some(end.input_size);
        collector.sizes.tar = Some(end.tar_size);
    } else {
        collector.sizes.archive = archive.input_len();
    }
    let missed = collector.resolve_pages(None)?;
    if !missed.is_empty() {
        match reopen {
            Some(path) => second_pass(&mut collector, &path, &missed)?,
            None => collector.abandon_pages(
                "came before its pagemap, and a stream cannot be read twice; \
                 read the archive from a file",
            ),
        }
    }
    Ok(collector.finish(true))
}

/// Reads the archive again for the pages files in `ids` only.
fn second_pass(collector: &mut Collector<'_, '_>, path: &Path, ids: &[u32]) -> Result<()> {
    let mut archive = Archive::open(path)?;
    for entry in archive.entries()? {
        let mut entry = entry?;
        if let EntryKind::Pages { id } = entry.kind()
            && ids.contains(&id)
            && entry.is_file()
        {
            collector.second_pass_pages(id, &mut entry)?;
        }
    }
    Ok(())
}

/// Reads a checkpoint archive file, or an extracted checkpoint directory,
/// in one pass.
pub fn read_path(path: impl AsRef<Path>, options: &Options) -> Result<Checkpoint> {
    let path = path.as_ref();
    match open_path(path)? {
        Opened::Archive(archive) => read_archive(*archive, options, None),
        Opened::Directory(dir) => read_dir(&dir, options),
    }
}

/// Reads an extracted checkpoint directory (what Podman keeps in a
/// container's userdata, what CRI-O and containerd build before packing):
/// the same files as in an archive, decoded the same way, sizes from file
/// metadata. Symbolic links are listed but never followed.
pub fn read_dir(dir: impl AsRef<Path>, options: &Options) -> Result<Checkpoint> {
    crate::dir::read(dir.as_ref(), options, None)
}

impl Checkpoint {
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
