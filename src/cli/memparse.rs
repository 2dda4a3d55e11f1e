//! `ckpt memparse`: process memory sizes, a hexdump of one process, and
//! search, with checkpointctl's flags and more.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ckpt::memory::{AddressRange, MemoryChunk, MemoryFilter, MemorySink, VmaMap, VmaSelect};
use ckpt::search::{MemorySearch, Pattern, ProcessHit};
use ckpt::views::memory::{MemoryRow, PagesFile, memory_table, pages_listing};
use ckpt::{Archive, Error, Options, Want, byte_to_string};
use serde::Serialize;

use super::progress::with_progress;
use super::{ReadArgs, TableFormat, emit, report, table, text, warn};

/// Kinds of memory `--vma` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum VmaArg {
    /// The heap.
    Heap,
    /// The main stack.
    Stack,
    /// Anonymous memory other than heap and stack.
    Anon,
    /// File mappings.
    File,
    /// Shared mappings.
    Shared,
}

impl From<VmaArg> for VmaSelect {
    fn from(v: VmaArg) -> VmaSelect {
        match v {
            VmaArg::Heap => VmaSelect::Heap,
            VmaArg::Stack => VmaSelect::Stack,
            VmaArg::Anon => VmaSelect::Anon,
            VmaArg::File => VmaSelect::File,
            VmaArg::Shared => VmaSelect::Shared,
        }
    }
}

/// Arguments of `ckpt memparse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Checkpoint archives, extracted checkpoint directories, or `-` for
    /// standard input.
    #[arg(required = true, value_name = "FILE")]
    archives: Vec<PathBuf>,

    /// The process to analyse (hexdump, or search in).
    #[arg(short, long, value_name = "PID")]
    pid: Option<u32>,
    /// Write the hexdump to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
    /// Search for this string.
    #[arg(short, long, value_name = "STRING", conflicts_with = "search_regex")]
    search: Option<String>,
    /// Search for this regular expression (over raw bytes).
    #[arg(short = 'r', long, value_name = "REGEX")]
    search_regex: Option<String>,
    /// Bytes of context shown around each match.
    #[arg(
        short,
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    context: i64,
    /// Only memory areas of this kind (repeatable).
    #[arg(long, value_enum, value_name = "KIND")]
    vma: Vec<VmaArg>,
    /// Only this address range, `START-END` in hex (repeatable).
    #[arg(long, value_name = "START-END", value_parser = parse_range)]
    address: Vec<AddressRange>,
    /// List the pages files: owner, size, runs, bytes per kind of area.
    #[arg(long)]
    pages: bool,
    /// Most search hits kept.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_hits: usize,
    /// Output format of the tables, search results and hexdump (one JSON
    /// document per archive).
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,

    #[command(flatten)]
    read: ReadArgs,
}

fn parse_hex(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u64::from_str_radix(digits, 16).map_err(|e| format!("{s:?} is not a hex address: {e}"))
}

fn parse_range(s: &str) -> Result<AddressRange, String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("{s:?} is not START-END"))?;
    let (start, end) = (parse_hex(a)?, parse_hex(b)?);
    if end <= start {
        return Err(format!("{s:?}: the end is not after the start"));
    }
    Ok(AddressRange { start, end })
}

impl Args {
    fn filter(&self) -> MemoryFilter {
        let mut f = MemoryFilter::default();
        f.pids = self.pid.map(|p| BTreeSet::from([p]));
        f.vmas = self.vma.iter().map(|v| VmaSelect::from(*v)).collect();
        f.ranges = self.address.clone();
        f
    }

    fn pattern(&self) -> Option<Result<Pattern, String>> {
        let make = |r: Result<Pattern, ckpt::search::PatternError>| {
            r.map_err(|e| {
                let mut msg = e.to_string();
                if let Some(s) = std::error::Error::source(&e) {
                    msg.push_str(&format!(": {s}"));
                }
                msg
            })
        };
        match (&self.search, &self.search_regex) {
            (Some(s), _) => Some(make(Pattern::literal(s.as_bytes()))),
            (None, Some(r)) => Some(make(Pattern::regex(r))),
            (None, None) => None,
        }
    }
}

fn open(path: &Path) -> ckpt::Result<Archive<'static>> {
    if path.as_os_str() == "-" {
        return Archive::from_reader(io::stdin(), "<stdin>");
    }
    Archive::open(path)
}

pub fn run(args: &Args) -> ExitCode {
    let context = match usize::try_from(args.context) {
        Ok(c) => c,
        Err(_) => {
            report(&io::Error::other("context size cannot be negative"));
            return ExitCode::FAILURE;
        }
    };
    let pattern = match args.pattern().transpose() {
        Ok(p) => p,
        Err(e) => {
            report(&io::Error::other(e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let mut status = ExitCode::SUCCESS;
    for path in &args.archives {
        let result = match (&pattern, args.pid) {
            (Some(p), _) => search(args, path, p, context),
            (None, Some(pid)) => dump(args, path, pid),
            (None, None) => sizes(args, path),
        };
        match result {
            Ok(()) => {}
            Err(Failure::Quiet(code)) => return code,
            Err(Failure::Error(e)) => {
                report(&e);
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}

enum Failure {
    Error(Error),
    /// Already said (or a closed pipe); end with this code.
    Quiet(ExitCode),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Error(e)
    }
}

fn options(args: &Args) -> Options {
    let mut options = args.read.options();
    let mut want = Want::metadata_only();
    want.processes = true;
    want.memory = true;
    options.want = want;
    options
}

fn json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}

/// The table (checkpointctl's), or the pages listing.
fn sizes(args: &Args, path: &Path) -> Result<(), Failure> {
    let archive = open(path)?;
    let name = archive.name().to_owned();
    let progress = archive.progress();
    let options = options(args);
    let checkpoint = with_progress(progress, || ckpt::read(archive, &options))?;
    checkpoint.require_checkpoint_directory()?;
    let mut warnings = checkpoint.warnings.clone();
    let out = if args.pages {
        let listing = pages_listing(&checkpoint);
        match args.format {
            TableFormat::Json => json(&listing),
            TableFormat::Table => pages_table(&name, &listing),
        }
    } else {
        let rows = memory_table(&checkpoint, &mut warnings);
        match args.format {
            TableFormat::Json => json(&rows),
            TableFormat::Table => size_table(&name, &rows),
        }
    };
    warn(&name, &warnings);
    emit(&out).map_err(Failure::Quiet)
}

fn size_table(name: &str, rows: &[MemoryRow]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.pid.to_string(),
                r.command.clone(),
                byte_to_string(r.memory_size),
                byte_to_string(r.shared_memory_size),
            ]
        })
        .collect();
    format!(
        "\nDisplaying processes memory sizes from {}\n\n{}",
        text::clean(name),
        table::render(
            &["PID", "Process name", "Memory size", "Shared memory size"],
            &rows
        )
    )
}

fn pages_table(name: &str, files: &[PagesFile]) -> String {
    let rows: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            let kinds: Vec<String> = f
                .by_kind
                .iter()
                .map(|(k, b)| format!("{} {}", k.name(), byte_to_string(*b)))
                .collect();
            vec![
                format!("pages-{}.img", f.id),
                f.pid.map(|p| p.to_string()).unwrap_or_else(|| "?".into()),
                byte_to_string(f.size),
                f.pages.to_string(),
                f.runs.to_string(),
                kinds.join(", "),
            ]
        })
        .collect();
    format!(
        "\nDisplaying pages files from {}\n\n{}",
        text::clean(name),
        table::render(&["File", "PID", "Size", "Pages", "Runs", "Areas"], &rows)
    )
}

/// checkpointctl's rendering of matched bytes: printable ASCII as is,
/// anything else as `?`.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (32..127).contains(&b) {
                b as char
            } else {
                '?'
            }
        })
        .collect()
}

/// A hit as `--format json` prints it.
#[derive(Serialize)]
struct HitJson<'a> {
    pid: u32,
    address: String,
    vaddr: u64,
    pages_file: String,
    file_offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    vma: Option<&'static str>,
    #[serde(rename = "match")]
    matched: String,
    match_hex: String,
    before: String,
    after: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    #[serde(skip)]
    _hit: &'a ProcessHit,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn search(args: &Args, path: &Path, pattern: &Pattern, context: usize) -> Result<(), Failure> {
    let archive = open(path)?;
    let name = archive.name().to_owned();
    let progress = archive.progress();
    let options = options(args);
    let mut sink = MemorySearch::new(pattern, context, args.filter(), args.max_hits);
    let checkpoint = with_progress(progress, || ckpt::read_with(archive, &options, &mut sink))?;
    let (hits, dropped) = sink.finish();
    if let Some(pid) = args.pid {
        check_pid(&checkpoint, pid)?;
    }
    let mut warnings = checkpoint.warnings.clone();
    if dropped > 0 {
        warnings.push(ckpt::Warning::new(
            None,
            format!(
                "{dropped} more matches not shown (--max-hits {})",
                args.max_hits
            ),
        ));
    }
    warn(&name, &warnings);
    let shown = args
        .search
        .clone()
        .or_else(|| args.search_regex.clone())
        .unwrap_or_default();
    let out = match args.format {
        TableFormat::Json => {
            let list: Vec<HitJson<'_>> = hits
                .iter()
                .map(|h| HitJson {
                    pid: h.pid,
                    address: format!("{:#x}", h.hit.vaddr),
                    vaddr: h.hit.vaddr,
                    pages_file: format!("pages-{}.img", h.pages_id),
                    file_offset: h.hit.file_offset,
                    vma: h.vma.map(|k| k.name()),
                    matched: printable(&h.hit.matched),
                    match_hex: hex(&h.hit.matched),
                    before: printable(&h.hit.before),
                    after: printable(&h.hit.after),
                    truncated: h.hit.truncated,
                    _hit: h,
                })
                .collect();
            json(&list)
        }
        TableFormat::Table if hits.is_empty() => match args.pid {
            Some(pid) => format!(
                "No matches for pattern \"{}\" in the memory of PID {pid}\n",
                text::clean(&shown)
            ),
            None => format!(
                "No matches for pattern \"{}\" in the memory of any process\n",
                text::clean(&shown)
            ),
        },
        TableFormat::Table => {
            let mut instance = 0;
            let mut last_pid = None;
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|h| {
                    if last_pid != Some(h.pid) {
                        instance = 0;
                        last_pid = Some(h.pid);
                    }
                    instance += 1;
                    let shown = format!(
                        "{}{}{}",
                        printable(&h.hit.before),
                        printable(&h.hit.matched),
                        printable(&h.hit.after)
                    );
                    let mut row = Vec::new();
                    if args.pid.is_none() {
                        row.push(h.pid.to_string());
                    }
                    row.push(format!("{:016x}", h.hit.vaddr));
                    if args.pid.is_none() {
                        row.push(h.vma.map(|k| k.name()).unwrap_or("?").to_owned());
                    }
                    row.push(shown);
                    row.push(instance.to_string());
                    row
                })
                .collect();
            let header: &[&str] = if args.pid.is_some() {
                &["Address", "Match", "Instance"]
            } else {
                &["PID", "Address", "VMA", "Match", "Instance"]
            };
            table::render(header, &rows)
        }
    };
    emit(&out).map_err(Failure::Quiet)
}

fn check_pid(checkpoint: &ckpt::Checkpoint, pid: u32) -> Result<(), Error> {
    let known = checkpoint
        .images
        .as_ref()
        .and_then(|i| i.pstree.as_ref())
        .is_some_and(|p| p.iter().any(|e| e.pid == pid));
    if known {
        Ok(())
    } else {
        Err(Error::NoSuchProcess {
            archive: checkpoint.archive.clone(),
            pid,
        })
    }
}

/// Writes hexdump rows as memory streams by.
struct Hexdump<W: Write> {
    out: W,
    /// Written before the first row (or at the end if there is none), so
    /// that nothing is printed for a pid that is not in the checkpoint.
    header: Option<String>,
    pid: u32,
    filter: MemoryFilter,
    /// A row not yet full, and its address.
    row: Vec<u8>,
    row_at: u64,
    error: Option<io::Error>,
    /// JSON rows (`--format json`) instead of the table, and how many
    /// were written (for the commas).
    json: bool,
    rows: u64,
    /// The row being formatted, kept to reuse its allocation.
    line: Vec<u8>,
}

impl<W: Write> Hexdump<W> {
    fn new(out: W, header: String, pid: u32, filter: MemoryFilter, json: bool) -> Hexdump<W> {
        Hexdump {
            out,
            header: Some(header),
            pid,
            filter,
            row: Vec::new(),
            row_at: 0,
            error: None,
            json,
            rows: 0,
            line: Vec::with_capacity(96),
        }
    }

    fn flush_row(&mut self) {
        if self.row.is_empty() || self.error.is_some() {
            self.row.clear();
            return;
        }
        self.write_header();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let printable = |b: u8| if (32..127).contains(&b) { b } else { b'.' };
        // One buffer for every row: a dump of gigabytes has millions.
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        if self.json {
            let sep = if self.rows == 0 { "\n    " } else { ",\n    " };
            let _ = write!(
                line,
                "{sep}{{\"address\":\"{:#x}\",\"vaddr\":{},\"hex\":\"",
                self.row_at, self.row_at
            );
            for &b in &self.row {
                line.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            }
            line.extend_from_slice(b"\",\"ascii\":\"");
            for &b in &self.row {
                // Printable ASCII: only these two need escaping in JSON.
                if matches!(b, b'"' | b'\\') {
                    line.push(b'\\');
                }
                line.push(printable(b));
            }
            line.extend_from_slice(b"\"}");
        } else {
            let _ = write!(line, "{:016x}  ", self.row_at);
            for i in 0..16 {
                match self.row.get(i) {
                    Some(&b) => line.extend_from_slice(&[
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 15)],
                        b' ',
                    ]),
                    None => line.extend_from_slice(b"   "),
                }
            }
            line.extend_from_slice(b" |");
            line.extend(self.row.iter().map(|&b| printable(b)));
            line.extend_from_slice(b"|\n");
        }
        self.rows += 1;
        if let Err(e) = self.out.write_all(&line) {
            self.error = Some(e);
        }
        self.line = line;
        self.row.clear();
    }
}

impl<W: Write> Hexdump<W> {
    fn write_header(&mut self) {
        if let Some(header) = self.header.take()
            && let Err(e) = self.out.write_all(header.as_bytes())
        {
            self.error = Some(e);
        }
    }
}

impl<W: Write> MemorySink for Hexdump<W> {
    fn wants(&self, pid: u32) -> bool {
        pid == self.pid
    }

    fn ranges(&self, _pid: u32, vmas: &VmaMap) -> Option<Vec<AddressRange>> {
        self.filter.ranges(vmas)
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) {
        if self.row_at + self.row.len() as u64 != chunk.vaddr {
            self.flush_row();
        }
        let mut data = chunk.data;
        let mut at = chunk.vaddr;
        while !data.is_empty() && self.error.is_none() {
            if self.row.is_empty() {
                self.row_at = at;
            }
            let take = (16 - self.row.len()).min(data.len());
            self.row.extend_from_slice(&data[..take]);
            data = &data[take..];
            at += take as u64;
            if self.row.len() == 16 {
                self.flush_row();
            }
        }
    }

    fn end(&mut self, _pid: u32) {
        self.flush_row();
    }
}

const HEXDUMP_HEADER: &str =
    "Address           Hexadecimal                                       ASCII            \n";

fn dump(args: &Args, path: &Path, pid: u32) -> Result<(), Failure> {
    let archive = open(path)?;
    let name = archive.name().to_owned();
    let progress = archive.progress();
    let options = options(args);
    let mut filter = args.filter();
    filter.pids = None;
    match &args.output {
        None => {
            let stdout = io::stdout();
            let out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let header = match args.format {
                TableFormat::Json => json_header(&name, pid),
                TableFormat::Table => format!(
                    "\nDisplaying memory pages content for process ID {pid} from checkpoint: {}\n\n{HEXDUMP_HEADER}{}\n",
                    text::clean(&name),
                    "-".repeat(85)
                ),
            };
            let mut sink = Hexdump::new(out, header, pid, filter, args.format == TableFormat::Json);
            let checkpoint =
                with_progress(progress, || ckpt::read_with(archive, &options, &mut sink))?;
            check_pid(&checkpoint, pid)?;
            sink.write_header();
            finish(&mut sink)?;
            warn(&name, &checkpoint.warnings);
        }
        Some(target) => {
            let announce = format!(
                "\nWriting memory pages content for process ID {pid} from checkpoint: {} to file: {}...\n",
                text::clean(&name),
                text::clean(&target.display().to_string())
            );
            let (file, temp) = create_output(target, args.force).map_err(Failure::Error)?;
            let mut out = BufWriter::with_capacity(1 << 20, file);
            let written = (|| {
                let header = match args.format {
                    TableFormat::Json => json_header(&name, pid),
                    TableFormat::Table => format!("{HEXDUMP_HEADER}{}\n", "-".repeat(85)),
                };
                let mut sink = Hexdump::new(
                    &mut out,
                    header,
                    pid,
                    filter,
                    args.format == TableFormat::Json,
                );
                let checkpoint =
                    with_progress(progress, || ckpt::read_with(archive, &options, &mut sink))?;
                check_pid(&checkpoint, pid)?;
                sink.write_header();
                finish(&mut sink)?;
                out.flush().map_err(|e| output_error(target, e))?;
                Ok::<_, Failure>(checkpoint)
            })();
            match written {
                Ok(checkpoint) => {
                    std::fs::rename(&temp, target).map_err(|e| output_error(target, e))?;
                    emit(&announce).map_err(Failure::Quiet)?;
                    warn(&name, &checkpoint.warnings);
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&temp);
                    return Err(e);
                }
            }
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
fn json_header(archive: &str, pid: u32) -> String {
    format!(
        "{{\n  \"archive\": {},\n  \"pid\": {pid},\n  \"rows\": [",
        serde_json::Value::from(archive)
    )
}

fn finish<W: Write>(sink: &mut Hexdump<W>) -> Result<(), Failure> {
    sink.flush_row();
    if sink.json
        && sink.error.is_none()
        && let Err(e) = sink.out.write_all(b"\n  ]\n}\n")
    {
        sink.error = Some(e);
    }
    if let Some(e) = sink.error.take() {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Err(Failure::Quiet(ExitCode::SUCCESS));
        }
        report(&e);
        return Err(Failure::Quiet(ExitCode::FAILURE));
    }
    sink.out.flush().map_err(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::Quiet(ExitCode::SUCCESS)
        } else {
            report(&e);
            Failure::Quiet(ExitCode::FAILURE)
        }
    })
}

/// Creates a temporary file next to `target`, to be renamed over it once
/// complete. Refuses a target that is a symbolic link, and one that exists
/// unless `force`.
fn create_output(target: &Path, force: bool) -> Result<(File, PathBuf), Error> {
    let refuse = |why: &str| Error::Open {
        path: target.to_owned(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, why.to_owned()),
    };
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse("is a symbolic link; not followed"));
        }
        Ok(m) if !m.is_file() => return Err(refuse("exists and is not a regular file")),
        Ok(_) if !force => return Err(refuse("exists; use --force to replace it")),
        _ => {}
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "memparse".into());
    for n in 0..100u32 {
        let temp = dir.join(format!(".{base}.ckpt-{}-{n}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(Error::Open { path: temp, source });
            }
        }
    }
    Err(refuse("no temporary file could be created next to it"))
}
