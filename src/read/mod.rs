//! The one reader: a single pass over a [`Source`] that turns its entries
//! into a [`Checkpoint`].
//!
//! Entries come in whatever order the archive holds them. Metadata is
//! decoded as JSON ([`metadata`]), CRIU images into the [`ImageSet`]
//! ([`images`]), sizes summed from the headers; the pages are streamed
//! through the memory sink and the command-line reader as they go by, or
//! read afterwards by offset or path when the source can be read again
//! ([`pages`]). A compressed file whose pages came before the pagemap that
//! says what to read in them is read a second time, for those pages only.
//!
//! [`ImageSet`]: crate::model::ImageSet

mod collect;
mod images;
mod metadata;
mod pages;
mod pod;
mod rootfs;
mod shared;
mod sink;

use std::path::Path;

use collect::Collector;
use pod::PodRead;

use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::memory::MemorySink;
use crate::model::Checkpoint;
use crate::options::Options;
use crate::source::{Archive, Source};

/// Reads a checkpoint in one pass.
///
/// ```
/// # fn main() -> Result<(), ckpt::Error> {
/// let source = ckpt::Source::open("tests/fixtures/mini-sleep.zstd.tar.zst")?;
/// let checkpoint = ckpt::read(source, &ckpt::Options::default())?;
/// assert_eq!(checkpoint.container.name, "mini-sleep");
/// assert_eq!(checkpoint.container.engine, ckpt::Engine::Podman);
/// # Ok(()) }
/// ```
pub fn read(source: Source<'_>, options: &Options) -> Result<Checkpoint> {
    run_counted(source, options, None).map(|(c, _)| c)
}

/// Reads a checkpoint in one pass and gives the memory of the processes
/// `sink` wants to it, in address order, as it streams by.
///
/// The memory layout is decoded whatever `options` say. Pages are never
/// held in memory: each pages file is read in chunks, once. When the sink
/// stops the read, what was learned so far is returned with
/// [`Checkpoint::complete`] false; when it fails, the read fails with
/// [`Error::Sink`](crate::Error::Sink).
pub fn read_with(
    source: Source<'_>,
    options: &Options,
    sink: &mut dyn MemorySink,
) -> Result<Checkpoint> {
    run_counted(source, options, Some(sink)).map(|(c, _)| c)
}

/// A read, with the bytes it held in memory (a pod's container archive
/// counts them against the pod's total).
fn run_counted(
    source: Source<'_>,
    options: &Options,
    sink: Option<&mut dyn MemorySink>,
) -> Result<(Checkpoint, u64)> {
    run(open(source, options)?, options, sink, Some(read_container))
}

/// A pod's container archive: read as a container checkpoint, whatever
/// it holds, so that archives nested in archives never recurse further
/// (a pod inside a pod's container is entries of no meaning).
fn read_container(
    source: Source<'_>,
    options: &Options,
    sink: Option<&mut dyn MemorySink>,
) -> Result<(Checkpoint, u64)> {
    run(open(source, options)?, options, sink, None)
}

/// Opens the archive, to be hashed as it is read when digests are wanted.
fn open<'r>(source: Source<'r>, options: &Options) -> Result<Archive<'r>> {
    if options.digest {
        Archive::digesting(source, options.limits.max_total_size)
    } else {
        Archive::new(source)
    }
}

/// [`read`] of [`Source::open`]`(path)`: an archive file or an extracted
/// checkpoint directory.
pub fn read_path(path: impl AsRef<Path>, options: &Options) -> Result<Checkpoint> {
    read(Source::open(path)?, options)
}

/// The pass over an archive, keeping what was read before any damage
/// when the options say so.
fn run(
    mut archive: Archive<'_>,
    options: &Options,
    sink: Option<&mut dyn MemorySink>,
    pods: Option<pod::ReadArchive>,
) -> Result<(Checkpoint, u64)> {
    let revisit = archive.can_reread() || archive.can_restart();
    let mut collector = Collector::new(
        archive.name(),
        archive.compression(),
        revisit,
        options,
        sink.map(sink::SinkRef::boxed),
    );
    collector.rereadable = archive.can_reread();
    let mut pod = PodRead::new(pods);
    match pass(&mut archive, &mut collector, &mut pod, options) {
        Ok(complete) => {
            let held = collector.held;
            let mut checkpoint = collector.finish(complete);
            checkpoint.pod = pod.finish(checkpoint.pod_options.as_ref(), complete);
            checkpoint.digests = archive.take_digests();
            Ok((checkpoint, held))
        }
        // A failing sink is the caller's error, not the archive's damage;
        // what is no tar at all, or fails before its first entry, has no
        // part to keep.
        Err(e)
            if !options.keep_partial
                || collector.visited == 0
                || matches!(e, Error::Sink { .. } | Error::NotATar { .. }) =>
        {
            Err(e)
        }
        Err(damage) => {
            collector
                .warnings
                .list_mut()
                .extend(archive.take_warnings());
            // What was wholly read before the damage can still be resolved
            // by offset or path (memory included); a second error there
            // adds nothing to the first.
            if archive.can_reread() {
                let _ = collector.resolve_pages(Some(&mut archive.reread()));
                let _ = pod.resolve_pages(Some(&mut archive.reread()));
            }
            let held = collector.held;
            let mut checkpoint = collector.finish(false);
            checkpoint.pod = pod.finish(checkpoint.pod_options.as_ref(), false);
            // The input is still read to its end: the archive's digest is
            // the file's, damaged or not.
            checkpoint.digests = archive.take_digests();
            checkpoint.damage = Some(std::sync::Arc::new(damage));
            Ok((checkpoint, held))
        }
    }
}

/// The walk and the reads after it; whether the whole archive was read.
/// An archive that can be read again from the start is, if pages came
/// before the pagemap that says what to read in them.
fn pass<'o, 's>(
    archive: &mut Archive<'_>,
    collector: &mut Collector<'o, 's>,
    pod: &mut PodRead<'o, 's>,
    options: &Options,
) -> Result<bool> {
    // A directory has no stream to check or measure.
    let directory = archive.compression().is_none();
    // The walk's warnings and the input's size, however it ended.
    let walked = |archive: &mut Archive<'_>, collector: &mut Collector<'_, '_>| {
        collector
            .warnings
            .list_mut()
            .extend(archive.take_warnings());
        if !directory {
            collector.sizes.archive = archive.input_len();
        }
    };
    // A pod's container archives are read with positioned reads too.
    let positioned = archive.positioned();
    for entry in archive.entries()? {
        let mut entry = entry?;
        collector.count(&entry);
        let go_on = match pod.visit(collector, &mut entry, positioned.as_ref())? {
            Some(go_on) => go_on,
            None => collector.take(&mut entry)?,
        };
        if !go_on {
            walked(archive, collector);
            return Ok(false);
        }
    }
    walked(archive, collector);
    if archive.can_reread() {
        if !directory && options.want.sizes {
            collector.sizes.tar = archive.input_len();
        }
        let mut reread = archive.reread();
        return Ok(
            collector.resolve_pages(Some(&mut reread))? && pod.resolve_pages(Some(&mut reread))?
        );
    }
    let restart = archive.restart();
    // Digests need every byte: the compressed stream's trailer too.
    if options.want.sizes || options.digest {
        let end = archive.finish()?;
        if options.want.sizes {
            collector.sizes.archive = Some(end.input_size);
            collector.sizes.tar = Some(end.tar_size);
        }
    }
    if !collector.resolve_pages(None)? || !pod.resolve_pages(None)? {
        return Ok(false);
    }
    let missed = collector.missed_pages();
    if !missed.is_empty() {
        match restart {
            Some(again) => return second_pass(collector, again?, &missed),
            None => collector.abandon_pages(
                "came before its pagemap or mm image, and a stream cannot be read \
                 twice; read the archive from a file",
            ),
        }
    }
    Ok(true)
}

/// Reads the archive again for the pages files in `ids` only; whether the
/// memory sink wants the read to go on.
fn second_pass(
    collector: &mut Collector<'_, '_>,
    mut archive: Archive<'_>,
    ids: &[u32],
) -> Result<bool> {
    let mut copies: std::collections::BTreeMap<u32, u32> = Default::default();
    for entry in archive.entries()? {
        let mut entry = entry?;
        if let EntryKind::Pages { id } = entry.kind()
            && ids.contains(&id)
            && entry.is_file()
        {
            let copy = copies.entry(id).or_insert(0);
            *copy += 1;
            if !collector.second_pass_pages(id, *copy, &mut entry)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}
