//! What `memparse` takes, and what its three modes share: the options
//! they read with, how a read that ended early is reported, the pid check.

use std::collections::BTreeSet;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::memory::search::Pattern;
use ckpt::memory::{AddressRange, MemoryFilter, VmaSelect};
use ckpt::{Error, Options, Want};
use serde::Serialize;

use super::super::args::{ReadArgs, TableFormat};
use super::super::pod::ContainerArg;
use super::super::report::report_other;

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
    pub(super) archives: Vec<PathBuf>,

    /// The process to analyse (hexdump, or search in).
    #[arg(short, long, value_name = "PID")]
    pub(super) pid: Option<u32>,
    /// Hexdump a shared memory object (a memfd, a SysV segment, anonymous
    /// shared memory) by offset, named as `memparse` lists it
    /// (`memfd:NAME`, `sysv:ID`, `anon-shared:SHMID`) or by shmid.
    #[arg(long, value_name = "OBJECT", conflicts_with_all = ["pid", "search", "search_regex", "pages"])]
    pub(super) shared: Option<String>,
    /// Write the hexdump to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
    /// Print every line of the hexdump. By default a line that repeats the
    /// one above it is squeezed, as `hexdump -C` does: the first repeat
    /// becomes `*`, and a run that ends at a gap between memory areas
    /// prints its last line. The `-o` file and JSON have every line.
    #[arg(short = 'v', long)]
    pub(super) no_squeeze: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub(super) force: bool,
    /// Search for this string.
    #[arg(short, long, value_name = "STRING", conflicts_with = "search_regex")]
    pub(super) search: Option<String>,
    /// Search for this regular expression (over raw bytes).
    #[arg(short = 'r', long, value_name = "REGEX")]
    pub(super) search_regex: Option<String>,
    /// Bytes of context shown around each match.
    #[arg(
        short,
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub(super) context: i64,
    /// Only memory areas of this kind (repeatable).
    #[arg(long, value_enum, value_name = "KIND")]
    vma: Vec<VmaArg>,
    /// Only this address range, `START-END` in hex (repeatable).
    #[arg(long, value_name = "START-END", value_parser = parse_range)]
    address: Vec<AddressRange>,
    /// List the pages files: owner, size, runs, bytes per kind of area.
    #[arg(long)]
    pub(super) pages: bool,
    /// Most search hits kept.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub(super) max_hits: usize,
    /// Output format of the tables, search results and hexdump (with
    /// several archives, JSON is one array: an object per archive, naming
    /// it).
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub(super) format: TableFormat,

    #[command(flatten)]
    pub(super) pod: ContainerArg,

    #[command(flatten)]
    pub(super) read: ReadArgs,
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
    pub(super) fn filter(&self) -> MemoryFilter {
        MemoryFilter {
            pids: self.pid.map(|p| BTreeSet::from([p])),
            vmas: self.vma.iter().map(|v| VmaSelect::from(*v)).collect(),
            ranges: self.address.clone(),
        }
    }

    pub(super) fn pattern(&self) -> Option<Result<Pattern, String>> {
        let make = |r: Result<Pattern, ckpt::memory::search::PatternError>| {
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

/// How reading one archive ended, if not well.
pub(super) enum Failure {
    Error(Error),
    /// The archive is damaged: what was read before it was shown.
    Damage(std::sync::Arc<Error>),
    /// Already said (or a closed pipe); end with this code.
    Quiet(ExitCode),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        match e {
            // The output closed (`… | head`): the reading stopped there.
            Error::Sink { source, .. } if source.kind() == io::ErrorKind::BrokenPipe => {
                Failure::Quiet(ExitCode::SUCCESS)
            }
            Error::Sink { source, .. } => {
                report_other(&source);
                Failure::Quiet(ExitCode::FAILURE)
            }
            e => Failure::Error(e),
        }
    }
}

/// What every mode reads: the process tree and the memory layout.
pub(super) fn options(args: &Args) -> Options {
    args.pod.options(args.read.partial_options(Want {
        processes: true,
        memory: true,
        ..Want::metadata_only()
    }))
}

/// The one container whose memory was read: the checkpoint, or the pod's
/// container `--container` chose.
pub(super) fn one_container(
    args: &Args,
    checkpoint: ckpt::Checkpoint,
) -> Result<ckpt::Checkpoint, Error> {
    checkpoint.into_container(args.pod.container.as_deref())
}

/// The damage alone, when it came before anything worth showing.
pub(super) fn damaged_early(checkpoint: &mut ckpt::Checkpoint) -> Result<(), Failure> {
    if checkpoint.is_empty() {
        return damaged(checkpoint);
    }
    Ok(())
}

/// The damage that cut the read short, once what was read is shown.
pub(super) fn damaged(checkpoint: &mut ckpt::Checkpoint) -> Result<(), Failure> {
    checkpoint
        .damage
        .take()
        .map_or(Ok(()), |d| Err(Failure::Damage(d)))
}

/// Fails unless `pid` is in the checkpoint's process tree (when the pass
/// got far enough to know).
pub(super) fn check_pid(checkpoint: &ckpt::Checkpoint, pid: u32) -> Result<(), Error> {
    let known = checkpoint.process(pid).is_some();
    let pstree_seen = checkpoint
        .images
        .as_ref()
        .is_some_and(|i| i.pstree.is_some());
    if known || (!checkpoint.complete && !pstree_seen) {
        Ok(())
    } else {
        Err(Error::NoSuchProcess {
            archive: checkpoint.archive.clone(),
            pid,
        })
    }
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    let mut s = ckpt::escape::to_json_pretty(value).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}
