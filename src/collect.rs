//! Gathers a [`Checkpoint`] from the entries of one pass, in whatever order
//! they come: metadata decoded as JSON, CRIU images decoded into an
//! [`ImageSet`], sizes summed from the headers, and the command lines and
//! environments read from the pages (as they stream by, or afterwards by
//! offset when the archive can seek).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;

use crate::archive::{Entry, RandomAccess};
use crate::checkpoint::{Checkpoint, EntryInfo, ProcessText, Sizes};
use crate::compression::Compression;
use crate::criu::{ImageError, ImageSet, split_name};
use crate::engine::container_info;
use crate::error::{Error, Result, Warning};
use crate::layout::EntryKind;
use crate::memory::{
    MemorySink, MemoryText, ScanRequest, Text, TextReader, VmaMap, scan_pages, scan_pages_at,
};
use crate::metadata::{
    BindMount, CheckpointedPodOptions, ContainerConfig, ContainerdStatus, NetworkStatus, SpecDump,
};
use crate::options::Options;

/// Where the data of a pages image can be read again after the walk.
#[derive(Debug, Clone)]
pub(crate) enum PagesHint {
    /// At this offset of a plain tar read with seeks.
    Offset(u64),
    /// In this file of an extracted checkpoint directory.
    Path(PathBuf),
    /// Nowhere: only while it streams by.
    Stream,
}

/// An entry as the collector sees it, from an archive or a directory.
pub(crate) trait EntrySource {
    fn name(&self) -> &str;
    fn kind(&self) -> EntryKind;
    fn size(&self) -> u64;
    fn is_file(&self) -> bool;
    fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>>;
    /// Where the data can be read again later.
    fn hint(&self) -> PagesHint;
    /// The data as a stream.
    fn stream(&mut self) -> Result<&mut dyn Read>;
    /// An error from [`EntrySource::stream`] as an [`Error`] naming the entry.
    fn error(&self, e: io::Error) -> Error;
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
    fn hint(&self) -> PagesHint {
        PagesHint::Stream
    }
    fn stream(&mut self) -> Result<&mut dyn Read> {
        Ok(self)
    }
    fn error(&self, e: io::Error) -> Error {
        Entry::error(self, e)
    }
}

/// An archive entry whose data can be read again by offset.
pub(crate) struct Seekable<'e, 'a, 'r>(pub(crate) &'e mut Entry<'a, 'r>);

impl EntrySource for Seekable<'_, '_, '_> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn kind(&self) -> EntryKind {
        self.0.kind()
    }
    fn size(&self) -> u64 {
        self.0.size()
    }
    fn is_file(&self) -> bool {
        self.0.is_file()
    }
    fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>> {
        self.0.read_to_vec(limit)
    }
    fn hint(&self) -> PagesHint {
        if self.0.is_contiguous() {
            PagesHint::Offset(self.0.data_offset())
        } else {
            PagesHint::Stream
        }
    }
    fn stream(&mut self) -> Result<&mut dyn Read> {
        Ok(self.0)
    }
    fn error(&self, e: io::Error) -> Error {
        self.0.error(e)
    }
}

/// A pages image seen during the walk.
#[derive(Debug)]
struct PagesSeen {
    name: String,
    size: u64,
    hint: PagesHint,
}

/// Gathers a [`Checkpoint`] from entries in any order.
pub(crate) struct Collector<'o, 's> {
    options: &'o Options,
    /// Where process memory goes, for the processes it wants.
    sink: Option<&'s mut dyn MemorySink>,
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
    images: ImageSet,
    /// Bytes held in memory so far (entries decoded, texts read), against
    /// [`Options::max_total_size`].
    held: u64,
    /// Whether the stats came from the top-level `stats-dump`.
    stats_from_top: bool,
    text: TextReader,
    /// Pids whose command line and environment were asked for.
    texted: BTreeSet<u32>,
    pages: BTreeMap<u32, PagesSeen>,
    /// Pages files whose memory went to the sink.
    scanned: BTreeSet<u32>,
}

impl<'o, 's> Collector<'o, 's> {
    pub(crate) fn new(
        archive: &str,
        compression: Option<Compression>,
        options: &'o Options,
        sink: Option<&'s mut dyn MemorySink>,
    ) -> Collector<'o, 's> {
        Collector {
            options,
            sink,
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
            images: ImageSet::with_limits(crate::options::image_limits(options)),
            held: 0,
            stats_from_top: false,
            text: TextReader::default(),
            texted: BTreeSet::new(),
            pages: BTreeMap::new(),
            scanned: BTreeSet::new(),
        }
    }

    /// Whether this kind of metadata entry is decoded under the current
    /// options.
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

    /// Whether CRIU images of this kind (see [`split_name`]) are decoded.
    fn wanted_image(&self, kind: &str) -> bool {
        let want = &self.options.want;
        match kind {
            "pstree" | "core" => {
                want.processes
                    || want.files
                    || want.memory_text
                    || want.memory
                    || self.sink.is_some()
            }
            "ids" | "fdinfo" | "fs" | "files" => want.files,
            "mountpoints" => want.mounts,
            "mm" | "pagemap" => want.memory_text || want.memory || self.sink.is_some(),
            "inventory" => want.processes,
            "stats-dump" => want.stats,
            _ => false,
        }
    }

    /// Everything wanted is known: the rest of the archive can be left
    /// unread.
    pub(crate) fn done(&self) -> bool {
        let want = &self.options.want;
        // A memory sink wants every pages file, wherever it is.
        if want.needs_whole_archive() || self.sink.is_some() {
            return false;
        }
        let missing = |wanted: bool, have: bool| wanted && !have;
        !(missing(want.config, self.config.is_some())
            || missing(want.spec, self.spec.is_some())
            || missing(want.network, self.network.is_some())
            || missing(want.deleted_files, self.deleted_files.is_some())
            || missing(want.containerd_status, self.containerd_status.is_some())
            || missing(want.bind_mounts, self.bind_mounts.is_some())
            || missing(want.pod_options, self.pod_options.is_some())
            || missing(want.stats, self.stats_from_top))
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
        match kind {
            EntryKind::CriuImage | EntryKind::StatsDump { .. } if is_file => {
                return self.image(entry);
            }
            EntryKind::Pages { id } if is_file => {
                return self.pages(id, entry);
            }
            _ => {}
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
        let bytes = self.read_held(entry, &name)?;
        self.decode(kind, &name, &bytes)
    }

    /// Reads an entry into memory: checked against
    /// [`Options::max_entry_size`], then counted against
    /// [`Options::max_total_size`], before anything is allocated.
    fn read_held(&mut self, entry: &mut dyn EntrySource, name: &str) -> Result<Vec<u8>> {
        let size = entry.size();
        if size <= self.options.max_entry_size {
            self.hold(name, size)?;
        }
        entry.read_to_vec(self.options.max_entry_size)
    }

    /// Counts `size` more bytes held in memory for `entry`, or fails if that
    /// goes over [`Options::max_total_size`].
    fn hold(&mut self, entry: &str, size: u64) -> Result<()> {
        let max = self.options.max_total_size;
        match self.held.checked_add(size) {
            Some(total) if total <= max => {
                self.held = total;
                Ok(())
            }
            _ => Err(Error::LimitExceeded {
                archive: self.archive.clone(),
                entry: entry.to_owned(),
                limit: "max-total-size",
                what: "bytes held in memory",
                max,
            }),
        }
    }

    /// A CRIU image (or `stats-dump`).
    fn image(&mut self, entry: &mut dyn EntrySource) -> Result<()> {
        let name = entry.name().to_owned();
        let file = name.rsplit('/').next().unwrap_or(&name);
        let (kind, id) = split_name(file);
        if !self.wanted_image(kind) {
            return Ok(());
        }
        let top_level = entry.kind()
            == (EntryKind::StatsDump {
                in_checkpoint: false,
            });
        if kind == "stats-dump" && self.stats_from_top && !top_level {
            // The top-level copy (Podman, CRI-O) wins over checkpoint/'s.
            return Ok(());
        }
        let bytes = self.read_held(entry, &name)?;
        match self.images.insert(kind, id, &bytes) {
            Ok(()) => self.stats_from_top |= kind == "stats-dump" && top_level,
            Err(ImageError::Limit { limit, what, max }) => {
                return Err(Error::LimitExceeded {
                    archive: self.archive.clone(),
                    entry: name,
                    limit,
                    what,
                    max,
                });
            }
            Err(e) => self.warnings.push(Warning::new(
                Some(&name),
                format!("invalid CRIU image, ignored: {e}"),
            )),
        }
        Ok(())
    }

    /// Asks for the command line and environment of every process whose
    /// `mm` and `pagemap` are known and that was not asked for yet.
    fn request_texts(&mut self) {
        let ready: Vec<u32> = self
            .images
            .mm
            .keys()
            .filter(|pid| self.images.pagemap.contains_key(pid) && !self.texted.contains(pid))
            .copied()
            .collect();
        for pid in ready {
            if let (Some(mm), Some(map)) = (self.images.mm.get(&pid), self.images.pagemap.get(&pid))
            {
                for (text, range) in [
                    (Text::Args, (mm.mm_arg_start, mm.mm_arg_end)),
                    (Text::Env, (mm.mm_env_start, mm.mm_env_end)),
                ] {
                    let budget = self.options.max_total_size.saturating_sub(self.held);
                    let held = self.text.request(pid, text, map, range, budget);
                    self.held = self.held.saturating_add(held);
                }
            }
            self.texted.insert(pid);
        }
    }

    /// What the sink wants of pages file `id`, if anything.
    fn scan_request(&self, id: u32) -> Option<ScanRequest<'_>> {
        scan_request(&self.images, &self.scanned, self.sink.as_deref(), id)
    }

    /// Whether pages file `id` is wanted by the command lines read or the
    /// sink.
    fn pages_wanted(&mut self, id: u32) -> bool {
        self.request_texts();
        self.text.needs(id) || self.scan_request(id).is_some()
    }

    /// Streams pages file `id` from `data` to the sink and the text reader.
    fn stream_pages(&mut self, id: u32, size: u64, data: &mut dyn Read) -> io::Result<()> {
        self.request_texts();
        let Collector {
            images,
            scanned,
            sink,
            text,
            ..
        } = self;
        match (scan_request(images, scanned, sink.as_deref(), id), sink) {
            (Some(req), Some(sink)) => {
                scan_pages(&req, size, data, text, &mut **sink)?;
                scanned.insert(id);
            }
            _ if text.needs(id) => text.read_stream(id, size, data)?,
            _ => {}
        }
        Ok(())
    }

    /// A pages image: read what is wanted from it now if it only streams
    /// by; otherwise note where it is.
    fn pages(&mut self, id: u32, entry: &mut dyn EntrySource) -> Result<()> {
        let hint = entry.hint();
        let size = entry.size();
        let name = entry.name().to_owned();
        let want = &self.options.want;
        let reading = want.memory_text || want.memory || self.sink.is_some();
        if reading && matches!(hint, PagesHint::Stream) && self.pages_wanted(id) {
            let data = entry.stream()?;
            if let Err(e) = self.stream_pages(id, size, data) {
                return Err(entry.error(e));
            }
        }
        self.pages.insert(id, PagesSeen { name, size, hint });
        Ok(())
    }

    /// After the walk: reads the pages still wanted from where they can be
    /// read again. Returns the ids of pages files that streamed by before
    /// their pagemap was known (a second pass can read them).
    pub(crate) fn resolve_pages(
        &mut self,
        mut archive: Option<&mut RandomAccess<'_>>,
    ) -> Result<Vec<u32>> {
        self.request_texts();
        let mut missed = Vec::new();
        let ids: Vec<u32> = self.pages.keys().copied().collect();
        for id in ids {
            if !self.pages_wanted(id) {
                continue;
            }
            let Some(seen) = self.pages.get(&id) else {
                continue;
            };
            let (name, size, hint) = (seen.name.clone(), seen.size, seen.hint.clone());
            match (hint, archive.as_deref_mut()) {
                (PagesHint::Offset(base), Some(ra)) => {
                    let result =
                        self.pages_at(id, size, |off, buf| ra.read_exact_at(base + off, buf));
                    if let Err(e) = result {
                        return Err(ra.error(e, &name));
                    }
                }
                (PagesHint::Path(path), _) => {
                    let open = |source| Error::Open {
                        path: path.clone(),
                        source,
                    };
                    let mut file = std::fs::File::open(&path).map_err(open)?;
                    self.pages_at(id, size, |off, buf| {
                        file.seek(SeekFrom::Start(off))?;
                        file.read_exact(buf)
                    })
                    .map_err(open)?;
                }
                _ => missed.push(id),
            }
        }
        Ok(missed)
    }

    /// Reads pages file `id` with positioned reads, for the text reader and
    /// the sink.
    fn pages_at(
        &mut self,
        id: u32,
        size: u64,
        mut read_at: impl FnMut(u64, &mut [u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.text.needs(id) {
            self.text.read_with(id, size, &mut read_at)?;
        }
        let Collector {
            images,
            scanned,
            sink,
            ..
        } = self;
        if let (Some(req), Some(sink)) = (scan_request(images, scanned, sink.as_deref(), id), sink)
        {
            scan_pages_at(&req, size, &mut read_at, &mut **sink)?;
            scanned.insert(id);
        }
        Ok(())
    }

    /// In a second pass: a pages image needed but missed in the first.
    pub(crate) fn second_pass_pages(&mut self, id: u32, entry: &mut dyn EntrySource) -> Result<()> {
        if self.pages_wanted(id) {
            let size = entry.size();
            let data = entry.stream()?;
            if let Err(e) = self.stream_pages(id, size, data) {
                return Err(entry.error(e));
            }
        }
        Ok(())
    }

    /// Gives up on pages still wanted, saying why.
    pub(crate) fn abandon_pages(&mut self, why: &str) {
        self.text.abandon(why);
        let ids: Vec<u32> = self.pages.keys().copied().collect();
        for id in ids {
            if let (Some(req), Some(seen)) = (self.scan_request(id), self.pages.get(&id)) {
                self.warnings.push(Warning::new(
                    Some(&seen.name),
                    format!("memory of pid {} not read: {why}", req.pid),
                ));
            }
        }
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
        let mut texts: BTreeMap<u32, ProcessText> = BTreeMap::new();
        for ((pid, what), text) in self.text.finish() {
            let slot = texts.entry(pid).or_insert_with(|| ProcessText {
                args: MemoryText::Unavailable(String::new()),
                env: MemoryText::Unavailable(String::new()),
            });
            match what {
                Text::Args => slot.args = text,
                Text::Env => slot.env = text,
            }
        }
        let stats = self.images.stats.as_ref().and_then(|s| s.dump.clone());
        let want = &self.options.want;
        let criu_wanted = want.processes
            || want.files
            || want.memory
            || want.memory_text
            || want.mounts
            || want.stats
            || self.sink.is_some();
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
            images: criu_wanted.then_some(self.images),
            stats,
            texts,
            pages: self.pages.iter().map(|(id, p)| (*id, p.size)).collect(),
            entries: self.entries,
            warnings: self.warnings,
        }
    }
}

/// What `sink` wants of pages file `id`, if anything: the owner's page map
/// and the address ranges it asks for.
fn scan_request<'i>(
    images: &'i ImageSet,
    scanned: &BTreeSet<u32>,
    sink: Option<&dyn MemorySink>,
    id: u32,
) -> Option<ScanRequest<'i>> {
    let sink = sink?;
    let (&pid, map) = images.pagemap.iter().find(|(_, map)| map.pages_id == id)?;
    if scanned.contains(&id) || !sink.wants(pid) {
        return None;
    }
    let vmas = images.mm.get(&pid).map(VmaMap::new).unwrap_or_default();
    Some(ScanRequest {
        pid,
        map,
        ranges: sink.ranges(pid, &vmas).map(ScanRequest::merge),
        vmas,
    })
}
