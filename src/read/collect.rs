//! [`Collector`]: gathers a [`Checkpoint`] from the entries of one pass,
//! in whatever order they come, and says when everything wanted is known.

use std::collections::{BTreeMap, BTreeSet};

use super::metadata::{At, Metadata};
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::memory::{MemorySink, MemoryText, Text, TextReader};
use crate::metadata::{DUMP_LOG_HEAD, DumpLog};
use crate::model::{
    Checkpoint, EntryInfo, EntryTimes, ImageSet, PluginImage, ProcessText, RootfsDiff, Sizes,
    container_info,
};
use crate::options::{LimitKind, Options};
use crate::source::{Entry, Location};
use crate::warning::{Capped, Warning, WarningKind};

/// Gathers a [`Checkpoint`] from entries in any order.
pub(super) struct Collector<'o, 's> {
    pub(super) options: &'o Options,
    /// Where process memory goes, for the processes it wants.
    pub(super) sink: Option<Box<dyn MemorySink + 's>>,
    pub(super) archive: String,
    pub(super) compression: Option<Compression>,
    pub(super) metadata: Metadata,
    /// Whether entries can be read again by offset or path after the
    /// walk (a pod's container directories rely on it, never on a second
    /// pass).
    pub(super) rereadable: bool,
    pub(super) sizes: Sizes,
    has_checkpoint_directory: bool,
    /// Entries taken in so far.
    pub(super) visited: u64,
    entries: Vec<EntryInfo>,
    /// The images CRIU's plugins wrote.
    plugin_images: Vec<PluginImage>,
    pub(super) warnings: Capped,
    /// What `rootfs-diff.tar` holds, when wanted.
    pub(super) rootfs_diff: Option<RootfsDiff>,
    /// Entry times the checkpoint's time may fall back to.
    times: EntryTimes,
    /// The header of `dump.log` (the top-level copy wins).
    dump_log: Option<DumpLog>,
    /// Whether that came from the top-level `dump.log`.
    dump_log_from_top: bool,
    pub(super) images: ImageSet,
    /// Bytes held in memory so far (entries decoded, texts read), against
    /// [`Limits::max_total_size`](crate::Limits::max_total_size).
    pub(super) held: u64,
    /// Whether the stats came from the top-level `stats-dump`.
    pub(super) stats_from_top: bool,
    pub(super) text: TextReader,
    /// Pids whose command line and environment were asked for.
    pub(super) texted: BTreeSet<u32>,
    /// Every pages image seen, by id.
    pub(super) pages: BTreeMap<u32, PagesSeen>,
    /// Pages files whose memory went to the sink.
    pub(super) scanned: BTreeSet<u32>,
    /// Pages files read while they streamed by (by the sink or the text
    /// reader): a later copy of one comes too late.
    pub(super) streamed: BTreeSet<u32>,
    /// Whether the walk is over: whatever images are missing now stay
    /// missing.
    pub(super) walked: bool,
    /// Whether pages can be read again after the walk (by offset, by path,
    /// or in a second pass).
    pub(super) revisit: bool,
    /// Pids whose `mm` and `pagemap` are both decoded and whose memory
    /// layout the sink was not told yet.
    pub(super) to_lay_out: BTreeSet<u32>,
}

/// A pages image seen during the walk.
#[derive(Debug)]
pub(super) struct PagesSeen {
    pub(super) name: String,
    pub(super) size: u64,
    pub(super) location: Location,
    /// Which copy of this id it is (1 for the first): the runtime restores
    /// the last.
    pub(super) copy: u32,
}

impl<'o, 's> Collector<'o, 's> {
    pub(super) fn new(
        archive: &str,
        compression: Option<Compression>,
        revisit: bool,
        options: &'o Options,
        sink: Option<Box<dyn MemorySink + 's>>,
    ) -> Collector<'o, 's> {
        Collector {
            options,
            sink,
            archive: archive.to_owned(),
            compression,
            metadata: Metadata::default(),
            rereadable: false,
            sizes: Sizes::default(),
            has_checkpoint_directory: false,
            visited: 0,
            entries: Vec::new(),
            plugin_images: Vec::new(),
            warnings: Capped::default(),
            rootfs_diff: None,
            times: EntryTimes::default(),
            dump_log: None,
            dump_log_from_top: false,
            images: ImageSet::default(),
            held: 0,
            stats_from_top: false,
            text: TextReader::default(),
            texted: BTreeSet::new(),
            pages: BTreeMap::new(),
            scanned: BTreeSet::new(),
            streamed: BTreeSet::new(),
            walked: false,
            revisit,
            to_lay_out: BTreeSet::new(),
        }
    }

    /// Takes in one entry; whether the pass should go on (false: the memory
    /// sink stopped it). Every header is read whatever was found, since a
    /// later entry of the same name replaces an earlier one, as in the
    /// runtime's extraction.
    pub(super) fn visit(&mut self, entry: &mut Entry<'_, '_>) -> Result<bool> {
        self.count(entry);
        self.take(entry)
    }

    /// Counts an entry, and lists it when entries are wanted.
    pub(super) fn count(&mut self, entry: &Entry<'_, '_>) {
        self.visited += 1;
        if self.options.want.entries {
            let is_file = entry.is_file();
            self.entries.push(EntryInfo {
                name: entry.name().to_owned(),
                kind: entry.kind(),
                size: if is_file { entry.size() } else { 0 },
                is_file,
            });
        }
    }

    /// Takes in an entry counted; whether the pass should go on.
    pub(super) fn take(&mut self, entry: &mut Entry<'_, '_>) -> Result<bool> {
        let kind = entry.kind();
        let size = entry.size();
        let is_file = entry.is_file();
        if kind.in_checkpoint_directory() {
            self.has_checkpoint_directory = true;
        }
        if is_file {
            self.note_time(kind, entry.mtime());
        }
        if is_file {
            self.add_size(kind, size);
            if self.options.want.sizes
                && matches!(kind, EntryKind::AmdgpuPages | EntryKind::CriuImage)
                && let Some(image) = PluginImage::of(entry.name(), size)
            {
                // Held like any decoded byte: an archive of millions of
                // such names is bounded by max_total_size.
                let held = std::mem::size_of::<PluginImage>() + image.name.len();
                self.hold(entry, held as u64)?;
                self.plugin_images.push(image);
            }
        }
        if is_file && entry.is_sparse() {
            if kind != EntryKind::Other && kind != EntryKind::Directory {
                self.warnings.push(Warning::new(
                    WarningKind::SparseEntry,
                    Some(entry.name()),
                    format!(
                        "a sparse file declaring {size} bytes: not read (the runtime would \
                         restore its expanded content)"
                    ),
                ));
            }
            return Ok(true);
        }
        match kind {
            EntryKind::CriuImage | EntryKind::StatsDump { .. } if is_file => {
                self.image(entry)?;
            }
            EntryKind::Pages { id } if is_file && !self.pages(id, entry)? => return Ok(false),
            EntryKind::RootfsDiff if is_file && self.options.want.rootfs_diff => {
                self.rootfs_diff(entry)?;
            }
            EntryKind::DevShm if is_file && self.sink.is_some() => self.devshm(entry)?,
            EntryKind::DumpLog { in_checkpoint } if is_file && self.options.want.dump_log => {
                self.dump_log(entry, in_checkpoint)?;
            }
            kind if Metadata::wanted(kind, &self.options.want) => self.metadata(entry)?,
            _ => {}
        }
        Ok(true)
    }

    /// Keeps the entry times the checkpoint's time may fall back to.
    fn note_time(&mut self, kind: EntryKind, mtime: i64) {
        let times = &mut self.times;
        match kind {
            // The last copy wins, the top-level one over checkpoint/'s.
            EntryKind::StatsDump { in_checkpoint } if !in_checkpoint || !times.stats_dump_top => {
                times.stats_dump = Some(mtime);
                times.stats_dump_top = !in_checkpoint;
            }
            _ => {}
        }
        if kind.in_checkpoint_directory() && mtime > 0 {
            times.images_latest = times.images_latest.max(Some(mtime));
        }
    }

    /// Adds a regular file's size to the sizes it counts in.
    fn add_size(&mut self, kind: EntryKind, size: u64) {
        let sizes = &mut self.sizes;
        if kind.in_checkpoint_directory() {
            sizes.checkpoint = sizes.checkpoint.saturating_add(size);
        }
        match kind {
            EntryKind::Pages { .. } => sizes.pages = sizes.pages.saturating_add(size),
            EntryKind::AmdgpuPages => sizes.amdgpu_pages = sizes.amdgpu_pages.saturating_add(size),
            EntryKind::RootfsDiff => sizes.rootfs_diff = size,
            _ => {}
        }
    }

    /// A metadata entry that is wanted.
    fn metadata(&mut self, entry: &mut Entry<'_, '_>) -> Result<()> {
        let kind = entry.kind();
        let name = entry.name().to_owned();
        if !entry.is_file() {
            self.warnings.push(Warning::new(
                WarningKind::NotARegularFile,
                Some(&name),
                "not a regular file; ignored",
            ));
            return Ok(());
        }
        let bytes = self.read_held(entry)?;
        let at = At {
            archive: &self.archive,
            entry: &name,
            offset: entry.data_offset(),
        };
        self.metadata
            .decode(kind, &at, &bytes, self.warnings.list_mut())
    }

    /// The header lines of `dump.log`, from the head of the entry only.
    fn dump_log(&mut self, entry: &mut Entry<'_, '_>, in_checkpoint: bool) -> Result<()> {
        if in_checkpoint && self.dump_log_from_top {
            // The top-level copy (CRI-O's) wins over checkpoint/'s.
            return Ok(());
        }
        use std::io::Read as _;
        let head = entry.size().min(DUMP_LOG_HEAD);
        self.hold(entry, head)?;
        let mut bytes = Vec::with_capacity(usize::try_from(head).unwrap_or(0));
        if let Err(e) = entry.by_ref().take(head).read_to_end(&mut bytes) {
            return Err(entry.error(e));
        }
        if let Some(log) = DumpLog::parse(&bytes) {
            self.dump_log = Some(log);
            self.dump_log_from_top = !in_checkpoint;
        }
        Ok(())
    }

    /// Reads an entry into memory: checked against the entry size limit,
    /// then counted against the total, before anything is allocated.
    pub(super) fn read_held(&mut self, entry: &mut Entry<'_, '_>) -> Result<Vec<u8>> {
        let size = entry.size();
        let max = self.options.limits.max_entry_size;
        if size <= max {
            self.hold(entry, size)?;
        }
        entry.read_to_vec(max)
    }

    /// Counts `size` more bytes held in memory for `entry`, or fails if that
    /// goes over the total limit.
    pub(super) fn hold(&mut self, entry: &Entry<'_, '_>, size: u64) -> Result<()> {
        let max = self.options.limits.max_total_size;
        match self.held.checked_add(size) {
            Some(total) if total <= max => {
                self.held = total;
                Ok(())
            }
            _ => Err(Error::LimitExceeded {
                archive: self.archive.clone(),
                entry: entry.name().to_owned(),
                offset: entry.data_offset(),
                limit: LimitKind::TotalSize,
                max,
            }),
        }
    }

    pub(super) fn finish(mut self, complete: bool) -> Checkpoint {
        let m = self.metadata;
        let checkpointed = self.times.checkpoint_time(m.config.as_ref());
        let container = container_info(
            m.config.as_ref(),
            m.spec.as_ref(),
            m.network.as_ref(),
            m.containerd_status.is_some(),
            self.warnings.list_mut(),
        );
        let mut texts: BTreeMap<u32, ProcessText> = BTreeMap::new();
        for ((pid, what), text) in self.text.finish() {
            let slot = texts.entry(pid).or_insert_with(|| ProcessText {
                args: MemoryText::unavailable(""),
                env: MemoryText::unavailable(""),
            });
            match what {
                Text::Args => slot.args = text,
                Text::Env => slot.env = text,
            }
        }
        let stats = self.images.stats.as_ref().and_then(|s| s.dump.clone());
        let criu_wanted = self.options.want.any_image() || self.sink.is_some();
        Checkpoint {
            archive: self.archive,
            compression: self.compression,
            config: m.config,
            spec: m.spec,
            #[cfg(feature = "oci-spec")]
            oci_spec: m.oci_spec,
            network: m.network,
            deleted_files: m.deleted_files,
            rootfs_diff: self.rootfs_diff,
            containerd_status: m.containerd_status,
            bind_mounts: m.bind_mounts,
            pod_options: m.pod_options,
            pod: None,
            in_pod: None,
            dump_log: self.dump_log,
            container,
            sizes: self.sizes,
            checkpointed,
            has_checkpoint_directory: self.has_checkpoint_directory,
            complete,
            images: criu_wanted.then_some(self.images),
            stats,
            texts,
            pages: self.pages.iter().map(|(id, p)| (*id, p.size)).collect(),
            entries: self.entries,
            plugin_images: self.plugin_images,
            warnings: self.warnings.finish(),
            digests: None,
            damage: None,
        }
    }
}

/// Where the pass is, which decides whether a pages file can wait for the
/// memory areas of its process (`mm-<pid>.img`) to be known.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    /// During the walk, over a source that can be read again: pages wait
    /// for their process's memory areas.
    CanWait,
    /// During the walk, over a stream: pages are read now or never.
    NowOrNever,
    /// After the walk: what is missing stays missing.
    Walked,
}

impl When {
    pub(super) fn of(walked: bool, revisit: bool) -> When {
        match (walked, revisit) {
            (true, _) => When::Walked,
            (false, true) => When::CanWait,
            (false, false) => When::NowOrNever,
        }
    }
}
