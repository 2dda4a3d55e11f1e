//! Argument parsing and dispatch. The library does the reading; this module
//! and its children only parse arguments and render.

mod advice;
#[cfg(feature = "build")]
mod build;
mod decode;
mod diff;
mod generate;
mod inspect;
mod list;
mod memparse;
mod output;
mod progress;
mod show;
mod table;
mod text;
mod tree;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

/// Read container checkpoint archives (Podman, CRI-O, containerd) without
/// unpacking them.
#[derive(Debug, Parser)]
#[command(name = "ckpt", version, disable_version_flag = true)]
struct Cli {
    /// Print the version.
    #[arg(short = 'v', short_alias = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show an overview of container checkpoints.
    Show(show::Args),
    /// Display low-level information about a container checkpoint.
    Inspect(inspect::Args),
    /// Analyze container checkpoint memory: sizes, hexdump, search.
    Memparse(memparse::Args),
    /// List checkpoints stored in kubelet's and other directories.
    List(list::Args),
    /// Show changes between two checkpoints of one container.
    Diff(diff::Args),
    /// Decode one CRIU image to JSON, as `crit decode --pretty` does.
    Decode(decode::Args),
    /// Create an OCI image from a checkpoint archive (no buildah needed).
    #[cfg(feature = "build")]
    Build(build::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completion(generate::CompletionArgs),
    /// Print the man page of ckpt or of one of its commands.
    Man(generate::ManArgs),
}

/// Options shared by the commands that read archives.
#[derive(Debug, clap::Args)]
struct ReadArgs {
    /// Largest entry decoded in memory (config.dump, spec.dump, …), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ckpt::DEFAULT_MAX_ENTRY_SIZE)]
    max_entry_size: u64,
    /// Most bytes held in memory for one checkpoint (entries decoded,
    /// command lines and environments).
    #[arg(long, value_name = "BYTES", default_value_t = ckpt::DEFAULT_MAX_TOTAL_SIZE)]
    max_total_size: u64,
    /// Most records in one CRIU image (open files, page runs, mounts).
    #[arg(long, value_name = "N", default_value_t = ckpt::DEFAULT_MAX_RECORDS)]
    max_records: u64,
    /// Most processes in a checkpoint's process tree.
    #[arg(long, value_name = "N", default_value_t = ckpt::DEFAULT_MAX_PROCESSES)]
    max_processes: u64,
    /// Most memory areas in one process.
    #[arg(long, value_name = "N", default_value_t = ckpt::DEFAULT_MAX_VMAS)]
    max_vmas: u64,
}

impl ReadArgs {
    /// The options with these limits, decoding what `want` says.
    fn options(&self, want: ckpt::Want) -> ckpt::Options {
        ckpt::Options {
            want,
            limits: ckpt::Limits {
                max_entry_size: self.max_entry_size,
                max_total_size: self.max_total_size,
                max_records: self.max_records,
                max_processes: self.max_processes,
                max_vmas: self.max_vmas,
            },
        }
    }
}

/// Output formats of `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    /// A table, as checkpointctl prints it.
    Table,
    /// JSON: an array with one object per archive.
    Json,
}

/// Opens one checkpoint argument: an archive, an extracted checkpoint
/// directory, or `-` for standard input.
fn open(path: &Path) -> ckpt::Result<ckpt::Source<'static>> {
    if path.as_os_str() == "-" {
        return Ok(ckpt::Source::stdin());
    }
    ckpt::Source::open(path)
}

/// Opens and reads one checkpoint argument.
fn read_checkpoint(path: &Path, options: &ckpt::Options) -> ckpt::Result<ckpt::Checkpoint> {
    ckpt::read(open(path)?, options)
}

/// Style of `Error:` on a terminal.
const ERROR: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
/// Style of `Warning:` on a terminal.
const WARNING: anstyle::Style = anstyle::AnsiColor::Yellow.on_default().bold();
/// Style of what was added, removed and changed in `diff`.
const ADDED: anstyle::Style = anstyle::AnsiColor::Green.on_default();
const REMOVED: anstyle::Style = anstyle::AnsiColor::Red.on_default();
const CHANGED: anstyle::Style = anstyle::AnsiColor::Yellow.on_default();

/// Prints `Error: <message> <advice>: <cause>: …` on stderr.
fn report(e: &ckpt::Error) {
    report_with(e, &advice::for_error(e));
}

/// Prints an error that is not the library's.
fn report_other(e: &dyn std::error::Error) {
    report_with(e, "");
}

/// The message, its causes (each once), then the advice.
fn report_with(e: &dyn std::error::Error, advice: &str) {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s = s.to_string();
        if !message.ends_with(&s) {
            message.push_str(": ");
            message.push_str(&s);
        }
        source = source.and_then(|e| e.source());
    }
    message.push_str(advice);
    // Line by line, so that a message of several lines stays one.
    let lines: Vec<_> = message.split('\n').map(text::clean).collect();
    let _ = writeln!(
        anstream::stderr(),
        "{ERROR}Error:{ERROR:#} {}",
        lines.join("\n")
    );
}

/// Prints the warnings of one archive on stderr (advised already: see
/// [`advice::advise`]).
fn warn(archive: &str, warnings: &[ckpt::Warning]) {
    let mut err = anstream::stderr().lock();
    for w in warnings {
        let _ = writeln!(
            err,
            "{WARNING}Warning:{WARNING:#} {}: {}",
            text::clean(archive),
            text::clean(&w.to_string())
        );
    }
}

/// Writes to stdout; a closed pipe (`ckpt … | head`) ends quietly.
fn emit(out: &str) -> Result<(), ExitCode> {
    // ANSI styles in `out` are dropped unless stdout is a terminal that
    // wants colour (not with NO_COLOR or TERM=dumb; CLICOLOR_FORCE forces).
    let mut stdout = anstream::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            report_other(&e);
            Err(ExitCode::FAILURE)
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Show(args) => show::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Memparse(args) => memparse::run(&args),
        Command::List(args) => list::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Decode(args) => decode::run(&args),
        #[cfg(feature = "build")]
        Command::Build(args) => build::run(&args),
        Command::Completion(args) => generate::completion(&args),
        Command::Man(args) => generate::man(&args),
    }
}
