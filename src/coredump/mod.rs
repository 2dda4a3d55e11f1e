//! Core files of checkpointed processes: what `gdb`, `eu-readelf` and
//! other core tooling read as if each process had dumped core at the
//! moment of the checkpoint.
//!
//! A core is an ELF64 file: the file header, one program header for the
//! notes and one `PT_LOAD` for each memory area ([`layout`]), the notes
//! (each thread's registers and signal state, the process's
//! `prpsinfo`, its auxiliary vector and mapped files: [`notes`]), then the
//! memory. The archive is read twice, never extracted: once for the images
//! that say what each core holds (a plain tar seeks past the pages), then
//! for the pages, written to each core as they stream past, in address
//! order, with zeros for the private memory never touched. Memory use does
//! not grow with the size of the processes.
//!
//! Only x86-64 is written yet (its specifics are in one module, so that
//! other architectures can follow); another architecture is an error that
//! names it. Left out, as the kernel leaves out what a file holds: the
//! pages of file mappings CRIU did not dump, and shared memory (memfd,
//! SysV, shared anonymous), whose pages CRIU dumps once for all processes.
//!
//! ```no_run
//! # fn main() -> Result<(), ckpt::Error> {
//! let mut core = Vec::new();
//! let written = ckpt::coredump::write_core(
//!     "checkpoint.tar",
//!     1,
//!     &mut core,
//!     &ckpt::Options::default(),
//! )?;
//! assert_eq!(written.bytes, core.len() as u64);
//! # Ok(()) }
//! ```

mod elf;
mod layout;
mod notes;
mod output;
mod sink;
mod x86_64;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Checkpoint;
use crate::options::{Options, Want};
use crate::source::Source;

use elf::{Bytes, EHDR_SIZE, MAX_PHDRS, PAGE, PHDR_SIZE, PT_LOAD, PT_NOTE, ProgramHeader};
use layout::Segment;
pub use output::{CoreOutput, Sparse, Stream};
pub use sink::CoreDump;
use sink::{CoreSink, Plan};

/// Writes the core of `pid` of the checkpoint at `path` to `out`,
/// sequentially (`out` may be a pipe).
pub fn write_core(
    path: impl AsRef<Path>,
    pid: u32,
    out: &mut dyn Write,
    options: &Options,
) -> Result<CoreDump> {
    let path = path.as_ref();
    let mut out = Some(Stream(out));
    let mut dumps = coredump(path, &[pid], options, &mut |_| {
        out.take()
            .map(|w| Box::new(w) as Box<dyn CoreOutput + '_>)
            .ok_or_else(|| io::Error::other("one core, one output"))
    })?;
    dumps
        .pop()
        .ok_or_else(|| unavailable(&path.display().to_string(), pid, "no core written".into()))
}

/// Writes the cores of `pids` (every process with memory when empty) of
/// the checkpoint at `path`, each to the output `open` gives for its pid;
/// `open` is called when the process's memory comes, in the order of the
/// archive.
pub fn coredump<'o>(
    path: impl AsRef<Path>,
    pids: &[u32],
    options: &Options,
    open: &mut dyn FnMut(u32) -> io::Result<Box<dyn CoreOutput + 'o>>,
) -> Result<Vec<CoreDump>> {
    let path = path.as_ref();
    let first = Options {
        want: Want {
            processes: true,
            memory: true,
            memory_text: true,
            files: true,
            ..Want::default()
        },
        keep_partial: false,
        ..*options
    };
    let checkpoint = crate::read(Source::open(path)?, &first)?;
    let plans = plan(&checkpoint, pids)?;
    let mut sink = CoreSink {
        plans,
        open,
        writing: BTreeMap::new(),
        done: Vec::new(),
    };
    let second = Options {
        want: Want::default(),
        keep_partial: false,
        ..*options
    };
    crate::read_with(Source::open(path)?, &second, &mut sink)?;
    // A process whose pages never came: only zeros to write, unless the
    // pagemap says there were pages.
    let archive = checkpoint.archive.clone();
    let left: Vec<u32> = sink.plans.keys().copied().collect();
    for pid in left {
        let has_pages = checkpoint
            .images
            .as_ref()
            .and_then(|i| i.pagemap.get(&pid))
            .is_some_and(|m| m.present_bytes > 0);
        if has_pages {
            let reason = "its pages file is not in the archive".to_owned();
            return Err(unavailable(&archive, pid, reason));
        }
        let sinking = |r: io::Result<bool>| {
            r.map_err(|source| Error::Sink {
                archive: archive.clone(),
                entry: format!("core of pid {pid}"),
                offset: None,
                source,
            })
        };
        sinking(sink.start(pid))?;
        sinking(sink.finish(pid))?;
    }
    let mut done = sink.done;
    done.sort_by_key(|d| d.pid);
    Ok(done)
}

fn unavailable(archive: &str, pid: u32, reason: String) -> Error {
    Error::Unavailable {
        archive: archive.to_owned(),
        what: format!("write the core of pid {pid}"),
        reason,
    }
}

fn plan(checkpoint: &Checkpoint, pids: &[u32]) -> Result<BTreeMap<u32, Plan>> {
    let archive = &checkpoint.archive;
    let images = checkpoint.images.as_ref();
    let table = checkpoint
        .process_table()
        .ok_or_else(|| Error::Unavailable {
            archive: archive.clone(),
            what: "get process tree".into(),
            reason: "checkpoint/pstree.img: no such file or directory".into(),
        })?;
    let chosen: Vec<u32> = if pids.is_empty() {
        table
            .by_pid
            .values()
            .filter(|p| p.state().has_resources() && p.mm().is_some())
            .map(|p| p.pid())
            .collect()
    } else {
        pids.to_vec()
    };
    let mut plans = BTreeMap::new();
    for pid in chosen {
        let process = table.by_pid.get(&pid).ok_or_else(|| Error::NoSuchProcess {
            archive: archive.clone(),
            pid,
        })?;
        let (Some(images), Some(mm)) = (images, process.mm()) else {
            let reason = "it has no memory (mm-*.img): a zombie, or not in the archive".into();
            return Err(unavailable(archive, pid, reason));
        };
        let pagemap = images.pagemap.get(&pid);
        let segments = layout::segments(mm, pagemap);
        if segments.len() >= MAX_PHDRS {
            let reason = format!(
                "{} memory segments: more than an ELF core holds",
                segments.len()
            );
            return Err(unavailable(archive, pid, reason));
        }
        let (notes, threads) =
            notes::notes(process, images).map_err(|reason| unavailable(archive, pid, reason))?;
        plans.insert(
            pid,
            Plan {
                head: head(&segments, &notes),
                segments,
                threads,
            },
        );
    }
    Ok(plans)
}

/// The file header, the program headers, the notes, and zeros up to the
/// page where the memory starts.
fn head(segments: &[Segment], notes: &[u8]) -> Vec<u8> {
    let phnum = segments.len() + 1;
    let notes_at = EHDR_SIZE + PHDR_SIZE * phnum as u64;
    let memory_at = (notes_at + notes.len() as u64).next_multiple_of(PAGE);
    let mut b = Bytes::with_capacity(memory_at as usize);
    b.raw(&elf::file_header(x86_64::MACHINE, phnum as u16));
    ProgramHeader {
        kind: PT_NOTE,
        flags: 0,
        offset: notes_at,
        vaddr: 0,
        filesz: notes.len() as u64,
        memsz: 0,
        align: 0,
    }
    .bytes(&mut b);
    let mut at = memory_at;
    for s in segments {
        let filesz = if s.filled { s.size() } else { 0 };
        ProgramHeader {
            kind: PT_LOAD,
            flags: s.flags,
            offset: at,
            vaddr: s.start,
            filesz,
            memsz: s.size(),
            align: PAGE,
        }
        .bytes(&mut b);
        at += filesz;
    }
    b.raw(notes);
    b.zeros((memory_at as usize).saturating_sub(b.0.len()));
    b.0
}
