//! Pod checkpoints, in the same pass: each container's checkpoint is
//! gathered as its entries go by.
//!
//! A pod is recognised from entry names as they come, never from its
//! metadata first (in the lexical order Go's tar writers keep, `pod.options`
//! comes after the container directories):
//!
//! * `<64 hex>-<name>/…` is one container's checkpoint unpacked
//!   (`pod.options` layout): its entries go to a [`Collector`] of their own,
//!   named and classified by their path below the directory;
//! * `container-<hex>.tar` and `containers/<name>.tar` are one container's
//!   checkpoint archive (the manifest layouts): read where they are, by the
//!   same reader, with positioned reads when the pod is a plain tar read by
//!   path (what is not wanted in them is skipped), as a stream otherwise;
//! * `pod.options`, `pod.dump`, `checkpoint-manifest.json` and
//!   `pod-config.json` describe the pod.
//!
//! Everything held for every container counts against one
//! [`Limits::max_total_size`](crate::Limits::max_total_size).

mod archive;
mod finish;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use super::collect::Collector;
use super::sink::{Shared, SinkRef};
use crate::error::{Error, Result};
use crate::layout::{EntryKind, is_pod_container_directory};
use crate::memory::MemorySink;
use crate::metadata::{CheckpointedPodOptions, IndexedManifest, PodManifest, PodSandboxConfig};
use crate::model::{Checkpoint, Unread, selects, split_directory_name};
use crate::options::Options;
use crate::source::{Entry, ReadAt, Reread, Source};
use crate::warning::{Warning, WarningKind};

/// What one container of a pod costs to keep track of, counted against
/// the total, so that an archive of a million directories is bounded.
const CONTAINER_COST: u64 = 4096;

/// How a container's archive is read: the reader itself, given by the
/// module above, so that this one does not name it.
pub(super) type ReadArchive =
    fn(Source<'_>, &Options, Option<&mut dyn MemorySink>) -> Result<(Checkpoint, u64)>;

/// What the pass learned of a pod so far.
pub(super) struct PodRead<'o, 's> {
    /// How a container's archive is read; `None` when this read is one
    /// (then nothing is a pod's).
    read_archive: Option<ReadArchive>,
    /// Whether any of a pod's files or containers was seen.
    seen: bool,
    /// Whether the container `Options::container` names was met.
    chose: bool,
    manifest: Option<IndexedManifest>,
    /// The directories `pod.options` names, for each entry to look up.
    listed_directories: BTreeSet<String>,
    /// Where each member is in `members`.
    member_index: BTreeMap<String, usize>,
    config: Option<PodSandboxConfig>,
    dump: Option<PodSandboxConfig>,
    /// The containers, in the order their first entry came.
    members: Vec<Member<'o, 's>>,
    /// The caller's memory sink, shared by every container, when no
    /// container is chosen and the sink wants them all.
    shared: Option<Rc<RefCell<Shared<'s>>>>,
}

/// One container's directory or archive.
struct Member<'o, 's> {
    member: String,
    read: MemberRead<'o, 's>,
}

enum MemberRead<'o, 's> {
    /// A directory's entries, gathered as they come.
    Directory(Box<Collector<'o, 's>>),
    /// An archive, read.
    Archive(Box<Checkpoint>),
    /// Not read, and why.
    Unread(Unread),
    /// Its read failed (kept with the rest of the pod).
    Failed(Arc<Error>),
}

impl<'o, 's> PodRead<'o, 's> {
    pub(super) fn new(read_archive: Option<ReadArchive>) -> PodRead<'o, 's> {
        PodRead {
            read_archive,
            seen: false,
            chose: false,
            manifest: None,
            listed_directories: BTreeSet::new(),
            member_index: BTreeMap::new(),
            config: None,
            dump: None,
            members: Vec::new(),
            shared: None,
        }
    }

    /// Takes in `entry` if it belongs to a pod checkpoint: whether the pass
    /// should go on, or `None` when it is no pod's (for `root` to take).
    pub(super) fn visit(
        &mut self,
        root: &mut Collector<'o, 's>,
        entry: &mut Entry<'_, '_>,
        positioned: Option<&Arc<dyn ReadAt + '_>>,
    ) -> Result<Option<bool>> {
        if self.read_archive.is_none() {
            return Ok(None);
        }
        let kind = entry.kind();
        match kind {
            EntryKind::PodOptions
            | EntryKind::PodDump
            | EntryKind::PodManifest
            | EntryKind::PodConfig
                if entry.is_file() =>
            {
                self.file(root, entry, kind)?;
                return Ok(Some(true));
            }
            EntryKind::PodContainerArchive if entry.is_file() => {
                self.archive(root, entry, positioned)?;
                return Ok(Some(true));
            }
            _ => {}
        }
        let first = entry.name().split('/').next().unwrap_or_default();
        let listed = self.listed_directories.contains(first);
        if (entry.name().contains('/') || entry.is_dir())
            && (is_pod_container_directory(first) || listed)
        {
            let dir = first.to_owned();
            return self.directory_entry(root, entry, dir).map(Some);
        }
        Ok(None)
    }

    /// `pod.options`, `pod.dump`, the manifest or the pod config.
    fn file(
        &mut self,
        root: &mut Collector<'o, 's>,
        entry: &mut Entry<'_, '_>,
        kind: EntryKind,
    ) -> Result<()> {
        self.seen = true;
        let bytes = root.read_held(entry)?;
        let parsed = match kind {
            EntryKind::PodOptions => {
                serde_json::from_slice(&bytes).map(|o: CheckpointedPodOptions| {
                    self.listed_directories = o.containers.values().cloned().collect();
                    root.metadata.pod_options = Some(o);
                })
            }
            EntryKind::PodDump => PodSandboxConfig::from_slice(&bytes).map(|c| {
                self.dump = Some(c);
            }),
            EntryKind::PodManifest => PodManifest::from_slice(&bytes).map(|m| {
                self.manifest = Some(IndexedManifest::new(m));
            }),
            _ => PodSandboxConfig::from_slice(&bytes).map(|c| {
                self.config = Some(c);
            }),
        };
        if let Err(e) = parsed {
            root.warnings.push(Warning::new(
                WarningKind::InvalidJson,
                Some(entry.name()),
                format!("invalid JSON, ignored: {e}"),
            ));
        }
        Ok(())
    }

    /// Starts keeping track of one more container, within the total.
    fn add(
        &mut self,
        root: &mut Collector<'o, 's>,
        entry: &Entry<'_, '_>,
        member: Member<'o, 's>,
    ) -> Result<usize> {
        root.hold(entry, CONTAINER_COST + member.member.len() as u64)?;
        self.seen = true;
        let index = self.members.len();
        self.member_index
            .entry(member.member.clone())
            .or_insert(index);
        self.members.push(member);
        Ok(index)
    }

    /// One entry of a container's directory (`pod.options` layout).
    fn directory_entry(
        &mut self,
        root: &mut Collector<'o, 's>,
        entry: &mut Entry<'_, '_>,
        dir: String,
    ) -> Result<bool> {
        let index = match self.member_index.get(&dir) {
            Some(&i) => i,
            None => {
                let (id, name) = split_directory_name(&dir);
                let read = match self.chooses(root.options, name, &dir, id) {
                    Chosen::No => MemberRead::Unread(Unread::NotChosen),
                    chosen => {
                        let sink = self.sink_for(root, chosen, &dir);
                        let archive = format!("{}:{dir}", root.archive);
                        let mut c = Collector::new(
                            &archive,
                            root.compression,
                            root.rereadable,
                            root.options,
                            sink,
                        );
                        c.rereadable = root.rereadable;
                        MemberRead::Directory(Box::new(c))
                    }
                };
                let member = Member {
                    member: dir.clone(),
                    read,
                };
                self.add(root, entry, member)?
            }
        };
        if entry.within(&dir).is_none() {
            return Ok(true);
        }
        let Some(MemberRead::Directory(c)) = self.members.get_mut(index).map(|m| &mut m.read)
        else {
            return Ok(true);
        };
        let before = c.held;
        let go_on = c.visit(entry)?;
        let grew = c.held.saturating_sub(before);
        root.hold(entry, grew)?;
        Ok(go_on)
    }

    /// After the walk: the pages of the containers' directories still
    /// wanted, read again where they can be. Whether the sink wants the
    /// read to go on.
    pub(super) fn resolve_pages(&mut self, mut reread: Option<&mut Reread<'_>>) -> Result<bool> {
        for member in &mut self.members {
            let MemberRead::Directory(c) = &mut member.read else {
                continue;
            };
            if !c.resolve_pages(reread.as_deref_mut())? {
                return Ok(false);
            }
            if !c.missed_pages().is_empty() {
                c.abandon_pages(
                    "came before its pagemap or mm image in a pod's container directory, \
                     and a compressed pod is not read twice; read it uncompressed or extracted",
                );
            }
        }
        Ok(true)
    }
}

impl<'o, 's> PodRead<'o, 's> {
    /// The memory sink of container `member`, read as `chosen` says: the
    /// caller's when it was chosen by name; without a choice, the caller's
    /// shared by every container when it wants them all
    /// ([`MemorySink::every_container`]); else none.
    fn sink_for(
        &mut self,
        root: &mut Collector<'o, 's>,
        chosen: Chosen,
        member: &str,
    ) -> Option<Box<dyn MemorySink + 's>> {
        match chosen {
            Chosen::No => None,
            Chosen::WithSink => root.sink.take(),
            Chosen::Yes => {
                if self.shared.is_none() && root.sink.as_ref().is_some_and(|s| s.every_container())
                {
                    self.shared = root.sink.take().map(SinkRef::share);
                }
                let shared = self.shared.as_ref()?;
                Some(Box::new(SinkRef::member(shared, member)))
            }
        }
    }
}

/// Whether a container is read, and whether it gets the memory sink.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chosen {
    No,
    Yes,
    /// Chosen by name: the memory sink is its.
    WithSink,
}

impl PodRead<'_, '_> {
    /// Whether the container `name` of `member` is read: every one without
    /// a choice, else the first in the archive the choice names (of
    /// several, an id prefix two share, the others are not read), which
    /// alone gets the memory sink.
    fn chooses(&mut self, options: &Options, name: &str, member: &str, id: &str) -> Chosen {
        match &options.container {
            None => Chosen::Yes,
            Some(s) if !self.chose && selects(s, name, member, id) => {
                self.chose = true;
                Chosen::WithSink
            }
            Some(_) => Chosen::No,
        }
    }
}
