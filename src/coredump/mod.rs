//! Core files of checkpointed processes: what `gdb`, `eu-readelf` and
//! other core tooling read as if each process had dumped core at the
//! moment of the checkpoint.
//!
//! A core is an ELF64 file: the file header, one program header for the
//! notes and one `PT_LOAD` for each memory area, the notes
//! (each thread's registers and signal state, the process's `prpsinfo`,
//! its auxiliary vector and mapped files), and the memory: the
//! pages CRIU dumped, zeros for the private memory never touched. The
//! archive is read once, from any source; nothing is extracted, and
//! memory use does not grow with the size of the processes. The memory is
//! written as its pages stream past; the notes need the whole archive (the
//! process tree comes after the pages), so they come after the memory:
//!
//! * into an output that can go back ([`Sparse`] files, [`CoreWriter`]'s
//!   files written on a thread of their own), untouched memory is a hole,
//!   as the kernel writes cores; shared memory (memfd, SysV, shared
//!   anonymous, a `/dev/shm` file deleted while mapped: dumped once for all
//!   the processes that map it) is written by position into each core that
//!   maps it when its pages come; and the program headers are written
//!   again with the notes at the end ([`coredump_in_one_read`]);
//! * into a stream ([`Stream`]: a pipe, standard output), the file header
//!   points past the memory, where the program headers and the notes
//!   follow it; untouched memory is zeros, up to 1 GiB of them (the runs
//!   past that are left out, so that an area an archive declares huge
//!   makes no huge stream); shared memory is left out ([`write_core`]).
//!
//! Only x86-64 is written yet (its specifics are in one module, so that
//! other architectures can follow); another architecture is an error that
//! names it. Left out, as the kernel leaves out what a file holds: the
//! pages of file mappings CRIU did not dump.
//!
//! One core into memory (any `Write`):
//!
//! ```no_run
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::{Options, Source};
//!
//! let mut core = Vec::new();
//! let source = Source::open("checkpoint.tar")?;
//! let written = ckpt::coredump::write_core(source, 1, &mut core, &Options::default())?;
//! assert_eq!(written.bytes, core.len() as u64);
//! # Ok(()) }
//! ```
//!
//! Every core into files (which the caller creates, and may rename into
//! place afterwards), written on a thread of their own:
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use ckpt::coredump::{CoreOutput, CoreWriter, coredump_in_one_read};
//! use ckpt::{Options, Source};
//!
//! let writer = CoreWriter::new();
//! let source = Source::open("checkpoint.tar.zst")?;
//! let cores = coredump_in_one_read(source, &[], &Options::default(), &mut |pid| {
//!     let path = format!("cores/core.{pid}");
//!     std::fs::File::create_new(&path)?;
//!     Ok(writer.output(path) as Box<dyn CoreOutput>)
//! })?;
//! writer.finish()?;
//! println!("{} cores", cores.len());
//! # Ok(()) }
//! ```

mod elf;
mod layout;
mod notes;
mod output;
mod sink;
mod writer;
mod x86_64;

use std::io::{self, Write};

use crate::error::{Error, Result};
use crate::memory::VmaMap;
use crate::model::{Checkpoint, Process};
use crate::options::{Options, Want};
use crate::source::Source;

use elf::{EHDR_SIZE, MAX_PHDRS, PHDR_SIZE};
use layout::{Order, Target};
pub use output::{CoreOutput, Sparse, Stream};
pub use sink::CoreDump;
use sink::{CoreSink, Plan};
pub use writer::{CoreWriter, MAX_OPEN};

/// Writes the core of `pid` of the checkpoint in `source` to `out`,
/// from start to end (`out` may be a pipe), in one read.
pub fn write_core(
    source: Source<'_>,
    pid: u32,
    out: &mut dyn Write,
    options: &Options,
) -> Result<CoreDump> {
    let archive = source.name().to_owned();
    let mut out = Some(Stream(out));
    let mut dumps = coredump_in_one_read(source, &[pid], options, &mut |_| {
        out.take()
            .map(|w| Box::new(w) as Box<dyn CoreOutput + '_>)
            .ok_or_else(|| io::Error::other("one core, one output"))
    })?;
    dumps
        .pop()
        .ok_or_else(|| unavailable(&archive, pid, "no core written".into()))
}

/// What the reads for cores decode besides the pages.
fn images_wanted(options: &Options) -> Options {
    Options {
        want: Want {
            processes: true,
            memory: true,
            memory_text: true,
            files: true,
            ..Want::default()
        },
        keep_partial: false,
        ..options.clone()
    }
}

/// Writes the cores of `pids` (every process with memory when empty) of
/// the checkpoint in `source`, each to the output `open` gives for its
/// pid (called when the process's memory areas come), in one read: the
/// memory is written as it streams past, the notes once the whole archive
/// is known, after the memory (see the [module](self) for how outputs that
/// can go back and streams differ).
pub fn coredump_in_one_read<'o>(
    source: Source<'_>,
    pids: &[u32],
    options: &Options,
    open: &mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
) -> Result<Vec<CoreDump>> {
    let mut sink = CoreSink::new(pids.to_vec(), open);
    let checkpoint = crate::read_with(source, &images_wanted(options), &mut sink)?
        .into_container(options.container.as_deref())?;
    let archive = checkpoint.archive.clone();
    sink.take_on_the_way();
    let wanted = chosen(&checkpoint, pids)?;
    for finished in &mut sink.done {
        let pid = finished.dump.pid;
        let (Some(out), Some(rest)) = (finished.out.as_mut(), finished.rest.as_ref()) else {
            continue;
        };
        if !wanted.contains(&pid) {
            // Memory of a process not in the tree (a zombie's leftovers).
            continue;
        }
        if !rest.ended {
            // Zeros where the pages should be would be a lie.
            pages_missing(&checkpoint, pid)?;
        }
        let (notes, threads) = process_notes(&checkpoint, pid)?;
        let headers_len = PHDR_SIZE * (rest.segments.len() as u64 + 1);
        let (headers_at, notes_at) = match rest.target {
            Target::File => (EHDR_SIZE, rest.memory_end),
            Target::Stream => (rest.memory_end, rest.memory_end + headers_len),
        };
        let headers = layout::program_headers(
            &rest.segments,
            &rest.offsets,
            (notes_at, notes.len() as u64),
            |i| rest.shared_written.get(i).copied().unwrap_or(false),
        );
        match rest.target {
            Target::File => out.append_notes(&notes, notes_at, &headers, headers_at),
            // The rest of the memory (zeros), then the headers and notes.
            Target::Stream => out
                .zeros(rest.memory_end.saturating_sub(rest.pos))
                .and_then(|()| out.write_all(&headers))
                .and_then(|()| out.write_all(&notes)),
        }
        .and_then(|()| out.finish())
        .map_err(output_error(&archive, pid))?;
        finished.dump.threads = threads;
        finished.dump.bytes = notes_at + notes.len() as u64;
    }
    sink.done.retain(|d| wanted.contains(&d.dump.pid));
    let started: Vec<u32> = sink.done.iter().map(|d| d.dump.pid).collect();
    let left: Vec<u32> = wanted
        .into_iter()
        .filter(|p| !started.contains(p))
        .collect();
    write_left(&checkpoint, &mut sink, &left)?;
    Ok(dumps(sink))
}

/// The cores written, by pid.
fn dumps(sink: CoreSink<'_, '_>) -> Vec<CoreDump> {
    let mut done: Vec<CoreDump> = sink.done.into_iter().map(|d| d.dump).collect();
    done.sort_by_key(|d| d.pid);
    done
}

/// Writes the cores of `pids`, whose memory never came: only zeros, unless
/// the pagemap says there were pages (then the pages file is missing).
fn write_left(checkpoint: &Checkpoint, sink: &mut CoreSink<'_, '_>, pids: &[u32]) -> Result<()> {
    for &pid in pids {
        pages_missing(checkpoint, pid)?;
        let plan = plan(checkpoint, pid)?;
        sink.start(pid, plan)
            .and_then(|_| sink.finish(pid))
            .map_err(output_error(&checkpoint.archive, pid))?;
    }
    Ok(())
}

/// An error if the pagemap of `pid` says it has pages: then its pages file
/// is missing, since they never came.
fn pages_missing(checkpoint: &Checkpoint, pid: u32) -> Result<()> {
    let has_pages = checkpoint
        .images
        .as_ref()
        .and_then(|i| i.pagemap.get(&pid))
        .is_some_and(|m| m.present_bytes > 0);
    if has_pages {
        let reason = "its pages file is not in the archive".to_owned();
        return Err(unavailable(&checkpoint.archive, pid, reason));
    }
    Ok(())
}

/// What a failure of the output of `pid`'s core is.
fn output_error(archive: &str, pid: u32) -> impl FnOnce(io::Error) -> Error {
    let archive = archive.to_owned();
    move |source| Error::Sink {
        archive,
        entry: format!("core of pid {pid}"),
        offset: None,
        source,
    }
}

fn unavailable(archive: &str, pid: u32, reason: String) -> Error {
    Error::Unavailable {
        archive: archive.to_owned(),
        what: format!("write the core of pid {pid}"),
        reason,
    }
}

/// The pids to write: those asked for (each must be in the tree), or
/// every process with memory.
fn chosen(checkpoint: &Checkpoint, pids: &[u32]) -> Result<Vec<u32>> {
    let table = checkpoint
        .process_table()
        .ok_or_else(|| Error::no_process_tree(&checkpoint.archive))?;
    if pids.is_empty() {
        return Ok(table
            .by_pid
            .values()
            .filter(|p| p.state().has_resources() && p.mm().is_some())
            .map(|p| p.pid())
            .collect());
    }
    for &pid in pids {
        if !table.by_pid.contains_key(&pid) {
            return Err(Error::NoSuchProcess {
                archive: checkpoint.archive.clone(),
                pid,
            });
        }
    }
    Ok(pids.to_vec())
}

/// The process `pid` of the tree.
fn process(checkpoint: &Checkpoint, pid: u32) -> Result<Process<'_>> {
    checkpoint.process(pid).ok_or_else(|| Error::NoSuchProcess {
        archive: checkpoint.archive.clone(),
        pid,
    })
}

/// The notes of `pid`, and its threads.
fn process_notes(checkpoint: &Checkpoint, pid: u32) -> Result<(Vec<u8>, usize)> {
    let archive = &checkpoint.archive;
    let process = process(checkpoint, pid)?;
    let images = checkpoint
        .images
        .as_ref()
        .ok_or_else(|| unavailable(archive, pid, "no CRIU images in the archive".into()))?;
    notes::notes(&process, images).map_err(|reason| unavailable(archive, pid, reason))
}

/// The plan of a core whose notes come before its memory: a process
/// whose memory never came (it has no pages).
fn plan(checkpoint: &Checkpoint, pid: u32) -> Result<Plan> {
    let archive = &checkpoint.archive;
    let process = process(checkpoint, pid)?;
    let (Some(images), Some(mm)) = (checkpoint.images.as_ref(), process.mm()) else {
        let reason = "it has no memory (mm-*.img): a zombie, or not in the archive".into();
        return Err(unavailable(archive, pid, reason));
    };
    let segments = layout::segments(&VmaMap::new(mm), images.pagemap.get(&pid), Target::Stream);
    if segments.len() >= MAX_PHDRS {
        let reason = format!(
            "{} memory segments: more than an ELF core holds",
            segments.len()
        );
        return Err(unavailable(archive, pid, reason));
    }
    let (notes, threads) = process_notes(checkpoint, pid)?;
    Ok(Plan {
        head: layout::head(&segments, Order::NotesFirst(&notes)),
        segments,
        threads,
    })
}
