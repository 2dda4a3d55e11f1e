//! The pages images: streamed through the memory sink and the command-line
//! reader as they go by when their pagemap is known, else noted and read
//! after the walk, by offset or path when the source can be read again.

use std::io::{self, Read};

use super::collect::{Collector, PagesSeen, When};
use crate::error::{Error, Result};
use crate::memory::{
    BlockCache, Decompress, PageMap, ScanError, ScanRequest, Text, VmaMap, scan_pages,
    scan_pages_at,
};
use crate::model::ImageSet;
use crate::source::{Entry, Location, Reread};
use crate::warning::{Warning, WarningKind};

impl Collector<'_, '_> {
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
                    let budget = self.options.limits.max_total_size.saturating_sub(self.held);
                    let held = self.text.request(pid, text, map, range, budget);
                    self.held = self.held.saturating_add(held);
                }
            }
            self.texted.insert(pid);
        }
    }

    /// Whether pages file `id` is wanted by the command lines read or the
    /// sink.
    fn pages_wanted(&mut self, id: u32) -> bool {
        self.request_texts();
        self.text.needs(id)
            || scan_request(
                &self.images,
                &self.scanned,
                self.sink.as_deref(),
                id,
                self.when(),
            )
            .is_some()
    }

    /// Where the pass is, for [`scan_request`].
    fn when(&self) -> When {
        When::of(self.walked, self.revisit)
    }

    /// Whether pages are read at all under these options.
    fn reading_pages(&self) -> bool {
        let want = &self.options.want;
        want.memory_text || want.memory || self.sink.is_some()
    }

    /// Tells the sink the memory layout of each process it wants whose
    /// areas and pagemap became known since it was last told, before any
    /// pages are read: each process once, whatever the order of entries.
    pub(super) fn lay_out(&mut self) -> Result<bool> {
        let Collector {
            sink: Some(sink),
            images,
            to_lay_out,
            archive,
            ..
        } = self
        else {
            return Ok(true);
        };
        for pid in std::mem::take(to_lay_out) {
            let (Some(mm), Some(map)) = (images.mm.get(&pid), images.pagemap.get(&pid)) else {
                continue;
            };
            if !sink.wants(pid) {
                continue;
            }
            match sink.layout(pid, &VmaMap::new(mm), map) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(source) => {
                    return Err(Error::Sink {
                        archive: archive.clone(),
                        entry: format!("checkpoint/pagemap-{pid}.img"),
                        offset: None,
                        source,
                    });
                }
            }
        }
        Ok(true)
    }

    /// A pages image: read what is wanted from it now if it only streams
    /// by; otherwise note where it is. Whether the sink wants the read to
    /// go on.
    pub(super) fn pages(&mut self, id: u32, entry: &mut Entry<'_, '_>) -> Result<bool> {
        if !self.lay_out()? {
            return Ok(false);
        }
        let location = entry.location();
        if self.streamed.contains(&id) {
            self.warnings.push(Warning::new(
                WarningKind::DuplicateEntry,
                Some(entry.name()),
                "a later copy of pages already read as they streamed by: the memory shown \
                 comes from the earlier copy, the runtime restores this one",
            ));
        }
        if self.reading_pages()
            && let Some(what) = size_mismatch(&self.images, id, entry.size())
        {
            self.warnings.push(Warning::new(
                WarningKind::InvalidImage,
                Some(entry.name()),
                what,
            ));
        }
        let go_on = if self.reading_pages() && location == Location::Stream && self.pages_wanted(id)
        {
            self.stream_pages(id, entry)?
        } else {
            true
        };
        let copy = self.pages.get(&id).map_or(1, |p| p.copy.saturating_add(1));
        self.pages.insert(
            id,
            PagesSeen {
                name: entry.name().to_owned(),
                size: entry.size(),
                location,
                copy,
            },
        );
        Ok(go_on)
    }

    /// Streams pages file `id` from `entry` to the sink and the text reader;
    /// whether the sink wants the read to go on.
    fn stream_pages(&mut self, id: u32, entry: &mut Entry<'_, '_>) -> Result<bool> {
        self.request_texts();
        self.streamed.insert(id);
        let size = entry.size();
        let Collector {
            images,
            scanned,
            sink,
            text,
            archive,
            walked,
            revisit,
            ..
        } = self;
        let when = When::of(*walked, *revisit);
        // A compressed dump's pages are read as the raw pages they hold.
        let blocks = map_of(images, id).and_then(PageMap::compressed);
        let mut raw;
        let (data, size): (&mut dyn Read, u64) = match blocks {
            Some(b) => {
                raw = Decompress::new(b, entry as &mut dyn Read);
                (&mut raw, b.raw_within(size))
            }
            None => (entry as &mut dyn Read, size),
        };
        let result = match (
            scan_request(images, scanned, sink.as_deref(), id, when),
            sink,
        ) {
            (Some(req), Some(sink)) => {
                let r = scan_pages(&req, size, data, text, &mut **sink);
                scanned.insert(id);
                r
            }
            _ if text.needs(id) => text
                .read_stream(id, size, data)
                .map(|()| true)
                .map_err(ScanError::Read),
            _ => Ok(true),
        };
        match result {
            Ok(go_on) => Ok(go_on),
            Err(ScanError::Read(e)) => Err(entry.error(e)),
            Err(ScanError::Sink(source)) => Err(Error::Sink {
                archive: archive.clone(),
                entry: entry.name().to_owned(),
                offset: entry.data_offset(),
                source,
            }),
        }
    }

    /// After the walk: reads the pages still wanted from where they can be
    /// read again (with `reread`, or a directory's files). Whether the sink
    /// wants the read to go on.
    pub(super) fn resolve_pages(&mut self, mut reread: Option<&mut Reread<'_>>) -> Result<bool> {
        self.walked = true;
        if !self.lay_out()? {
            return Ok(false);
        }
        self.request_texts();
        let ids: Vec<u32> = self.pages.keys().copied().collect();
        for id in ids {
            if !self.pages_wanted(id) {
                continue;
            }
            let Some(seen) = self.pages.get(&id) else {
                continue;
            };
            let (name, size, location) = (seen.name.clone(), seen.size, seen.location.clone());
            let Some(reread) = reread.as_deref_mut() else {
                continue;
            };
            if location == Location::Stream {
                continue;
            }
            let result = self.pages_at(id, size, |off, buf| {
                reread.read_exact_at(&location, off, buf)
            });
            match result {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(ScanError::Read(e)) => return Err(reread.error(e, &location, &name)),
                Err(ScanError::Sink(source)) => {
                    return Err(Error::Sink {
                        archive: self.archive.clone(),
                        entry: name,
                        offset: None,
                        source,
                    });
                }
            }
        }
        self.feed_shm_files()
    }

    /// The ids of pages files still wanted that streamed by before their
    /// pagemap was known (a second pass can read them).
    pub(super) fn missed_pages(&mut self) -> Vec<u32> {
        let ids: Vec<u32> = self.pages.keys().copied().collect();
        ids.into_iter()
            .filter(|id| self.pages_wanted(*id))
            .collect()
    }

    /// Reads pages file `id` with positioned reads, for the text reader and
    /// the sink.
    fn pages_at(
        &mut self,
        id: u32,
        size: u64,
        mut read_stored: impl FnMut(u64, &mut [u8]) -> io::Result<()>,
    ) -> Result<bool, ScanError> {
        let when = self.when();
        let Collector {
            images,
            scanned,
            sink,
            text,
            ..
        } = self;
        // A compressed dump's pages are read as the raw pages they hold.
        let blocks = map_of(images, id).and_then(PageMap::compressed);
        let mut cache = BlockCache::default();
        let size = blocks.map_or(size, |b| b.raw_within(size));
        let mut read_at = |off: u64, buf: &mut [u8]| match blocks {
            Some(b) => b.read_at(&mut cache, off, buf, &mut read_stored),
            None => read_stored(off, buf),
        };
        if text.needs(id) {
            text.read_with(id, size, &mut read_at)
                .map_err(ScanError::Read)?;
        }
        let req = scan_request(images, scanned, sink.as_deref(), id, when);
        if let (Some(req), Some(sink)) = (req, sink) {
            let go_on = scan_pages_at(&req, size, &mut read_at, &mut **sink)?;
            scanned.insert(id);
            return Ok(go_on);
        }
        Ok(true)
    }

    /// In a second pass: a pages image needed but missed in the first
    /// (`copy` of its id: only the last copy, the one the runtime
    /// restores, is read); whether the sink wants the read to go on.
    pub(super) fn second_pass_pages(
        &mut self,
        id: u32,
        copy: u32,
        entry: &mut Entry<'_, '_>,
    ) -> Result<bool> {
        let last = self.pages.get(&id).is_some_and(|p| p.copy == copy);
        if last && self.pages_wanted(id) {
            return self.stream_pages(id, entry);
        }
        Ok(true)
    }

    /// Gives up on pages still wanted, saying why.
    pub(super) fn abandon_pages(&mut self, why: &str) {
        self.text.abandon(why);
        let ids: Vec<u32> = self.pages.keys().copied().collect();
        for id in ids {
            let req = scan_request(
                &self.images,
                &self.scanned,
                self.sink.as_deref(),
                id,
                When::Walked,
            );
            if let (Some(req), Some(seen)) = (req, self.pages.get(&id)) {
                let whose = match &req.shared {
                    Some(object) => object.name.clone(),
                    None => format!("pid {}", req.pid),
                };
                self.warnings.push(Warning::new(
                    WarningKind::MemoryUnavailable,
                    Some(&seen.name),
                    format!("memory of {whose} not read: {why}"),
                ));
            }
        }
    }
}

/// The page map that places its pages in pages file `id`, if decoded.
fn map_of(images: &ImageSet, id: u32) -> Option<&PageMap> {
    let mut maps = images.pagemap.values().chain(images.shmem.values());
    maps.find(|m| m.pages_id == id)
}

/// What is wrong with pages file `id` holding `size` bytes, by its page
/// map ([`PageMap::pages_file_mismatch`]; whether a compressed dump
/// compresses shared memory is not known), if anything.
fn size_mismatch(images: &ImageSet, id: u32, size: u64) -> Option<String> {
    let compress = images.inventory.as_ref().and_then(|i| i.compress);
    let of_a_process = images.pagemap.values().any(|m| m.pages_id == id);
    let said = compress.is_some_and(|c| c > 0) && of_a_process;
    map_of(images, id)?.pages_file_mismatch(size, said)
}

/// What `sink` wants of pages file `id`, if anything: the owner's page map
/// and the address ranges it asks for.
///
/// The sink chooses and names memory by its areas, so during the walk a
/// pages file waits for them where the source can be read again. From a
/// stream it is read at once if the sink's choice does not depend on them
/// (its areas are then unknown to it), and not at all if it does.
fn scan_request<'i>(
    images: &'i ImageSet,
    scanned: &std::collections::BTreeSet<u32>,
    sink: Option<&dyn crate::memory::MemorySink>,
    id: u32,
    when: When,
) -> Option<ScanRequest<'i>> {
    let sink = sink?;
    if scanned.contains(&id) {
        return None;
    }
    let Some((&pid, map)) = images.pagemap.iter().find(|(_, map)| map.pages_id == id) else {
        return super::shared::shared_request(images, sink, id, when);
    };
    if !sink.wants(pid) {
        return None;
    }
    let areas_known = images.mm.contains_key(&pid);
    let vmas = images.mm.get(&pid).map(VmaMap::new).unwrap_or_default();
    let ranges = sink.ranges(pid, &vmas);
    match when {
        When::CanWait if !areas_known => return None,
        When::NowOrNever if !areas_known && ranges.is_some() => return None,
        _ => {}
    }
    Some(ScanRequest {
        pid,
        map,
        ranges: ranges.map(ScanRequest::merge),
        vmas,
        shared: None,
    })
}
