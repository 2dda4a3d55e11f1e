//! `ckpt diff`: checkpointctl's comparison of two checkpoints of one
//! container, plus environments and memory page by page.

mod render;

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::diff::{Diff, DiffOptions, read_both};

use super::advice::advise;
use super::args::{ReadArgs, open};
use super::progress::with_progress_all;
use super::report::{emit, report, report_in, report_other, warn};
use render::render;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Boxes and trees, as checkpointctl prints them.
    Tree,
    /// JSON (keys listed in the README).
    Json,
}

/// Arguments of `ckpt diff`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  ckpt diff checkpoint1.tar checkpoint2.tar
  ckpt diff --format json checkpoint1.tar checkpoint2.tar
  ckpt diff --files --ps-tree-cmd checkpoint1.tar checkpoint2.tar
  ckpt diff --memory --ps-tree-env checkpoint1.tar checkpoint2.tar")]
pub struct Args {
    /// The earlier checkpoint: an archive, an extracted checkpoint
    /// directory, or `-` for standard input.
    #[arg(value_name = "CHECKPOINT_A")]
    a: PathBuf,
    /// The later checkpoint.
    #[arg(value_name = "CHECKPOINT_B")]
    b: PathBuf,

    /// Include file descriptors in the diff.
    #[arg(long)]
    files: bool,
    /// Compare checkpoints of different containers anyway.
    #[arg(long)]
    force: bool,
    /// Output format: boxes and trees, or JSON (one object).
    #[arg(long, value_enum, default_value_t = DiffFormat::Tree)]
    format: DiffFormat,
    /// Compare each process's memory page by page (pages added, removed
    /// and changed, by address range).
    #[arg(long)]
    memory: bool,
    /// Include full command lines in the process tree diff.
    #[arg(long)]
    ps_tree_cmd: bool,
    /// Include environment variables in the process tree diff.
    #[arg(long)]
    ps_tree_env: bool,
    /// Show entries that are identical between the two checkpoints.
    #[arg(long)]
    show_unchanged: bool,
    /// Include sockets in the diff.
    #[arg(long)]
    sockets: bool,

    #[command(flatten)]
    read: ReadArgs,
}

impl Args {
    fn options(&self) -> DiffOptions {
        DiffOptions {
            cmdline: self.ps_tree_cmd,
            env: self.ps_tree_env,
            files: self.files,
            sockets: self.sockets,
            memory: self.memory,
            force: self.force,
        }
    }
}

pub fn run(args: &Args) -> ExitCode {
    if args.a.as_os_str() == "-" && args.b.as_os_str() == "-" {
        report_other(&io::Error::other(
            "only one of the two checkpoints can be read from standard input",
        ));
        return ExitCode::FAILURE;
    }
    let diff_options = args.options();
    let options = args.read.options(diff_options.want());
    let (a, b) = match (open(&args.a), open(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            report_load_errors(a.err(), b.err());
            return ExitCode::FAILURE;
        }
    };
    let progress = [&a, &b]
        .into_iter()
        .filter(|s| !s.is_directory())
        .map(ckpt::Source::progress)
        .collect();
    let sides = with_progress_all(progress, || read_both(a, b, &diff_options, &options));
    let (mut side_a, mut side_b) = match sides {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            report_load_errors(a.err(), b.err());
            return ExitCode::FAILURE;
        }
    };
    for side in [&mut side_a, &mut side_b] {
        advise(&mut side.inspection.warnings);
        warn(&side.inspection.archive, &side.inspection.warnings);
    }
    let diff = match Diff::new(&side_a, &side_b, &diff_options) {
        Ok(d) => d,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let out = match args.format {
        DiffFormat::Json => {
            let mut s = ckpt::escape::to_json_pretty(&diff).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        DiffFormat::Tree => render(&diff, args.show_unchanged),
    };
    match emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// `failed to load checkpoint A: …`, checkpointctl's words, for each side
/// that could not be read.
fn report_load_errors(a: Option<ckpt::Error>, b: Option<ckpt::Error>) {
    for (side, e) in [("A", a), ("B", b)] {
        if let Some(e) = e {
            report_in(&format!("failed to load checkpoint {side}"), &e);
        }
    }
}
