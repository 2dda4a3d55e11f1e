//! One container's file in a pod checkpoint: the entries of its directory
//! (`pod.options` layout) read by their names below it, or its nested
//! archive (the manifest layouts) read in turn, in the same pass.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::layout::{EntryKind, is_pod_container_directory};
use crate::metadata::{IndexedManifest, PodManifest};
use crate::model::{selects, split_directory_name};
use crate::options::Limits;
use crate::source::{Entry, ReadAt, Source};

/// What an entry of a pod checkpoint is to the container asked for.
pub(super) enum Part {
    /// Not the container's.
    Skip,
    /// One of its directory's entries, now named below the directory.
    Inner,
    /// Its archive.
    Nested,
}

/// The container asked for, and what the walk learned of the pod.
pub(super) struct PodWalk<'s> {
    selector: &'s str,
    manifest: Option<IndexedManifest>,
    /// The container's directory or archive: the first the selector
    /// names (of several, an id prefix two share, the others are not
    /// read, as the reader reads the first).
    chosen: Option<String>,
    /// Why its archive had no such file.
    pub(super) not_found: Option<Error>,
}

impl<'s> PodWalk<'s> {
    pub(super) fn new(selector: &'s str) -> PodWalk<'s> {
        PodWalk {
            selector,
            manifest: None,
            chosen: None,
            not_found: None,
        }
    }

    /// What `entry` is to the container.
    pub(super) fn part(&mut self, entry: &mut Entry<'_, '_>, limits: &Limits) -> Result<Part> {
        match entry.kind() {
            EntryKind::PodManifest if entry.is_file() => {
                let bytes = entry.read_to_vec(limits.max_entry_size)?;
                self.manifest = PodManifest::from_slice(&bytes)
                    .ok()
                    .map(IndexedManifest::new);
                return Ok(Part::Skip);
            }
            EntryKind::PodContainerArchive if entry.is_file() => {
                let archive = entry.name();
                let listed = self.manifest.as_ref().and_then(|m| m.find(archive));
                let (name, id) = listed.map_or(("", ""), |(_, c)| (c.name.as_str(), c.id.as_str()));
                if selects(self.selector, name, archive, id) && self.choose(archive) {
                    return Ok(Part::Nested);
                }
                return Ok(Part::Skip);
            }
            _ => {}
        }
        let first = entry
            .name()
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        if !is_pod_container_directory(&first) {
            return Ok(Part::Skip);
        }
        let (id, name) = split_directory_name(&first);
        if !selects(self.selector, name, &first, id) || !self.choose(&first) {
            return Ok(Part::Skip);
        }
        Ok(match entry.within(&first) {
            Some(()) => Part::Inner,
            None => Part::Skip,
        })
    }

    /// Whether `member` is the container chosen: the first the selector
    /// names is.
    fn choose(&mut self, member: &str) -> bool {
        self.chosen.get_or_insert_with(|| member.to_owned()) == member
    }

    /// Reads the container's archive `entry` with `read` (the same walk,
    /// in turn; with positioned reads when the pod is a plain tar read by
    /// path): what it found, or `None` when it has no such file.
    pub(super) fn nested<'e, T>(
        &mut self,
        archive: &str,
        entry: &'e mut Entry<'_, '_>,
        positioned: Option<&Arc<dyn ReadAt + 'e>>,
        read: impl FnOnce(Source<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let label = format!("{archive}:{}", entry.name());
        match read(Source::of_entry(entry, positioned, label)?) {
            Ok(found) => Ok(Some(found)),
            Err(e @ Error::NotFound { .. }) => {
                self.not_found = Some(e);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// After the walk: an error if no entry was the container's, or if
    /// its archive had no such file (and nothing was `found`).
    pub(super) fn finish(&mut self, archive: &str, found: bool) -> Result<()> {
        if self.chosen.is_none() {
            return Err(Error::NoSuchContainer {
                archive: archive.to_owned(),
                container: self.selector.to_owned(),
                reason: "not in the pod".into(),
            });
        }
        match self.not_found.take() {
            Some(e) if !found => Err(e),
            _ => Ok(()),
        }
    }
}
