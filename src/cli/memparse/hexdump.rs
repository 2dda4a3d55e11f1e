//! `memparse --pid`: a hexdump of one process's memory as it streams by,
//! to standard output or (`-o`) to a file written whole or not at all.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use ckpt::Error;
use ckpt::memory::{AddressRange, MemoryChunk, MemoryFilter, MemorySink, SharedMemory, VmaMap};

use super::super::advice::advise;
use super::super::args::{TableFormat, open};
use super::super::output::create_output;
use super::super::progress::with_progress;
use super::super::report::{emit, report_other, warn};
use super::super::text;
use super::args::{Args, Failure, check_pid, damaged, damaged_early, one_container, options};
use super::combine::Combined;
use super::lines::{Squeeze, WIDE, json_row, text_line};

/// Writes hexdump rows as memory streams by.
struct Hexdump<W: Write> {
    out: W,
    /// Written before the first row (or at the end if there is none), so
    /// that nothing is printed for a pid that is not in the checkpoint.
    header: Option<String>,
    target: Target,
    filter: MemoryFilter,
    /// A row not yet full, and its address.
    row: Vec<u8>,
    row_at: u64,
    /// JSON rows (`--format json`) instead of the table, and how many
    /// were written (for the commas).
    json: bool,
    rows: u64,
    /// What JSON lines are indented by (an element of an array of
    /// several archives' documents).
    pad: &'static str,
    /// Repeated lines squeezed into `*` (text to standard output, unless
    /// `--no-squeeze`).
    squeeze: Option<Squeeze>,
    /// The row being formatted, kept to reuse its allocation.
    line: Vec<u8>,
    /// Text lines of 8 bytes, for a terminal narrower than 85 columns.
    narrow: bool,
}

impl<W: Write> Hexdump<W> {
    fn new(
        out: W,
        header: String,
        target: Target,
        filter: MemoryFilter,
        json: bool,
        squeeze: bool,
        narrow: bool,
    ) -> Hexdump<W> {
        Hexdump {
            out,
            header: Some(header),
            target,
            filter,
            row: Vec::new(),
            row_at: 0,
            json,
            rows: 0,
            pad: "",
            squeeze: (squeeze && !json).then(|| Squeeze::new(narrow)),
            narrow,
            line: Vec::with_capacity(96),
        }
    }

    /// JSON lines indented by `pad`.
    fn indented(self, pad: &'static str) -> Hexdump<W> {
        Hexdump { pad, ..self }
    }

    fn flush_row(&mut self) -> io::Result<()> {
        if self.row.is_empty() {
            return Ok(());
        }
        self.write_header()?;
        // One buffer for every row: a dump of gigabytes has millions.
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        match (&mut self.squeeze, self.json) {
            (_, true) => json_row(&mut line, self.row_at, &self.row, self.rows == 0, self.pad),
            (Some(squeeze), false) => squeeze.line(&mut line, self.row_at, &self.row),
            (None, false) => text_line(&mut line, self.row_at, &self.row, self.narrow),
        }
        self.rows += 1;
        let written = self.out.write_all(&line);
        self.line = line;
        self.row.clear();
        written
    }

    /// Ends a run of repeated lines where the memory dumped ends.
    fn end_squeeze(&mut self) -> io::Result<()> {
        let Some(squeeze) = self.squeeze.as_mut() else {
            return Ok(());
        };
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        squeeze.end(&mut line);
        let written = self.out.write_all(&line);
        self.line = line;
        written
    }
}

impl<W: Write> Hexdump<W> {
    fn write_header(&mut self) -> io::Result<()> {
        match self.header.take() {
            Some(header) => self.out.write_all(header.as_bytes()),
            None => Ok(()),
        }
    }
}

impl<W: Write> MemorySink for Hexdump<W> {
    fn wants(&self, pid: u32) -> bool {
        self.target == Target::Pid(pid)
    }

    fn wants_shared(&self, object: &SharedMemory) -> bool {
        matches!(&self.target, Target::Shared(name) if object_named(object, name))
    }

    /// `--address` ranges are offsets in the object.
    fn shared_ranges(&self, _object: &SharedMemory) -> Option<Vec<AddressRange>> {
        (!self.filter.ranges.is_empty()).then(|| self.filter.ranges.clone())
    }

    fn ranges(&self, _pid: u32, vmas: &VmaMap) -> Option<Vec<AddressRange>> {
        self.filter.ranges(vmas)
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        if self.row_at + self.row.len() as u64 != chunk.vaddr {
            self.flush_row()?;
        }
        let mut data = chunk.data;
        let mut at = chunk.vaddr;
        while !data.is_empty() {
            if self.row.is_empty() {
                self.row_at = at;
            }
            let take = (16 - self.row.len()).min(data.len());
            self.row.extend_from_slice(&data[..take]);
            data = &data[take..];
            at += take as u64;
            if self.row.len() == 16 {
                self.flush_row()?;
            }
        }
        Ok(true)
    }

    fn end(&mut self, _pid: u32) -> io::Result<bool> {
        self.flush_row()?;
        self.end_squeeze()?;
        Ok(true)
    }
}

const HEXDUMP_HEADER: &str =
    "Address           Hexadecimal                                       ASCII            \n";
/// The header on a terminal narrower than 85 columns: lines of 8 bytes.
const NARROW_HEADER: &str = "Address           Hexadecimal               ASCII    \n";

/// What is dumped: a process's memory, or a shared memory object's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// By address.
    Pid(u32),
    /// By offset in the object, named as `memparse` lists it
    /// (`memfd:NAME`, `sysv:ID`, `anon-shared:SHMID`) or by shmid.
    Shared(String),
}

impl Target {
    fn describe(&self) -> String {
        match self {
            Target::Pid(pid) => format!("process ID {pid}"),
            Target::Shared(name) => format!("shared memory object {}", text::clean(name)),
        }
    }

    /// Fails unless the checkpoint has what is asked for.
    fn check(&self, checkpoint: &ckpt::Checkpoint) -> Result<(), Error> {
        match self {
            Target::Pid(pid) => check_pid(checkpoint, *pid),
            Target::Shared(name) => {
                let objects = checkpoint
                    .images
                    .as_ref()
                    .map(|i| i.shared_memory())
                    .unwrap_or_default();
                if objects.iter().any(|o| object_named(o, name)) || checkpoint.damage.is_some() {
                    return Ok(());
                }
                Err(Error::NotFound {
                    archive: checkpoint.archive.clone(),
                    path: name.clone(),
                    nearest: objects.iter().map(|o| o.name.clone()).collect(),
                })
            }
        }
    }
}

fn object_named(object: &SharedMemory, name: &str) -> bool {
    object.name == name || object.shmid.to_string() == name
}

pub(super) fn run(
    args: &Args,
    path: &Path,
    target: Target,
    combined: &mut Combined,
) -> Result<(), Failure> {
    let source = open(path)?;
    let name = source.name().to_owned();
    let progress = source.progress();
    let options = options(args);
    let mut filter = args.filter();
    filter.pids = None;
    match &args.output {
        None => {
            let stdout = io::stdout();
            let out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let (start, pad) = combined.stream();
            // A terminal too narrow for lines of 16 bytes gets lines of 8
            // rather than lines it wraps.
            let narrow = args.format == TableFormat::Table
                && super::super::table::terminal_width().is_some_and(|w| w < WIDE);
            let (head, width) = if narrow {
                (NARROW_HEADER, 53)
            } else {
                (HEXDUMP_HEADER, WIDE)
            };
            let header = match args.format {
                TableFormat::Json => format!(
                    "{start}{}",
                    json_header(&name, args.pod.container.as_deref(), &target)
                        .replace('\n', &format!("\n{pad}"))
                ),
                TableFormat::Table => format!(
                    "\nDisplaying memory pages content for {} from checkpoint: {}\n\n{head}{}\n",
                    target.describe(),
                    text::clean(&name),
                    "-".repeat(width)
                ),
            };
            let mut sink = Hexdump::new(
                out,
                header,
                target.clone(),
                filter,
                args.format == TableFormat::Json,
                !args.no_squeeze,
                narrow,
            )
            .indented(pad);
            let checkpoint =
                with_progress(progress, || ckpt::read_with(source, &options, &mut sink))?;
            let mut checkpoint = one_container(args, checkpoint)?;
            damaged_early(&mut checkpoint)?;
            target.check(&checkpoint)?;
            finish(&mut sink)?;
            combined.streamed();
            warn_advised(&name, &checkpoint.warnings);
            damaged(&mut checkpoint)?;
        }
        Some(file) => {
            let announce = format!(
                "\nWriting memory pages content for {} from checkpoint: {} to file: {}...\n",
                target.describe(),
                text::clean(&name),
                text::clean(&file.display().to_string())
            );
            let temp = create_output(file, args.force).map_err(Failure::Error)?;
            let mut out = BufWriter::with_capacity(1 << 20, temp.as_file());
            let written = (|| {
                let header = match args.format {
                    TableFormat::Json => json_header(&name, args.pod.container.as_deref(), &target),
                    TableFormat::Table => format!("{HEXDUMP_HEADER}{}\n", "-".repeat(85)),
                };
                let mut sink = Hexdump::new(
                    &mut out,
                    header,
                    target.clone(),
                    filter,
                    args.format == TableFormat::Json,
                    // As checkpointctl writes it: every line, 16 bytes each.
                    false,
                    false,
                );
                let checkpoint =
                    with_progress(progress, || ckpt::read_with(source, &options, &mut sink))?;
                let mut checkpoint = one_container(args, checkpoint)?;
                // A file that holds part of the memory is no file to keep.
                damaged(&mut checkpoint)?;
                target.check(&checkpoint)?;
                finish(&mut sink)?;
                out.flush().map_err(|e| output_error(file, e))?;
                Ok::<_, Failure>(checkpoint)
            })();
            drop(out);
            // On an error, dropping `temp` removes it (and only it).
            let checkpoint = written?;
            temp.persist(file)
                .map_err(|e| output_error(file, e.error))?;
            emit(&announce).map_err(Failure::Quiet)?;
            warn_advised(&name, &checkpoint.warnings);
        }
    }
    Ok(())
}

fn output_error(target: &Path, source: io::Error) -> Failure {
    Failure::Error(Error::Open {
        path: target.to_owned(),
        source,
    })
}

/// The start of the JSON hexdump: `{"archive": …, "pid": …, "rows": [`,
/// one object per row of 16 bytes (`address`, `vaddr`, `hex`, `ascii`)
/// to follow as memory streams by.
fn json_header(archive: &str, container: Option<&str>, target: &Target) -> String {
    let whose = match target {
        Target::Pid(pid) => format!("\"pid\": {pid}"),
        Target::Shared(name) => format!("\"shared\": {}", serde_json::Value::from(name.as_str())),
    };
    // A pod's container, as --container names it.
    let container = container.map_or_else(String::new, |c| {
        format!("\n  \"container\": {},", serde_json::Value::from(c))
    });
    format!(
        "{{\n  \"archive\": {},{container}\n  {whose},\n  \"rows\": [",
        serde_json::Value::from(archive)
    )
}

/// The header if no row was written, the end of the JSON, and a flush.
fn finish<W: Write>(sink: &mut Hexdump<W>) -> Result<(), Failure> {
    let mut write = || {
        sink.write_header()?;
        sink.flush_row()?;
        sink.end_squeeze()?;
        if sink.json {
            let pad = sink.pad;
            // Alone, a document ends its line; in an array, the array
            // does.
            let end = if pad.is_empty() { "\n" } else { "" };
            write!(sink.out, "\n{pad}  ]\n{pad}}}{end}")?;
        }
        sink.out.flush()
    };
    match write() {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::Quiet(ExitCode::SUCCESS)),
        Err(e) => {
            report_other(&e);
            Err(Failure::Quiet(ExitCode::FAILURE))
        }
    }
}

/// Prints the checkpoint's warnings, advised.
fn warn_advised(name: &str, warnings: &[ckpt::Warning]) {
    let mut warnings = warnings.to_vec();
    advise(&mut warnings);
    warn(name, &warnings);
}
