//! `ckpt diff`: checkpointctl's comparison of two checkpoints of one
//! container, plus environments and memory page by page.

mod render;

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::diff::{Diff, DiffOptions, pair, read_both};

use super::advice::advise;
use super::args::{ReadArgs, open};
use super::pod::ContainerArg;
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
    pod: ContainerArg,

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
    let options = args.pod.options(args.read.options(diff_options.want()));
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
    for side in side_a.iter_mut().chain(side_b.iter_mut()) {
        advise(&mut side.inspection.warnings);
        warn(&side.inspection.archive, &side.inspection.warnings);
    }
    let pairs = pair(&side_a, &side_b);
    // Two container checkpoints: checkpointctl's one comparison.
    if let [(Some(a), Some(b))] = pairs.as_slice()
        && a.checkpoint.in_pod.is_none()
        && b.checkpoint.in_pod.is_none()
    {
        return match Diff::new(a, b, &diff_options) {
            Ok(diff) => emit_diffs(args, &[Compared::Both(Box::new(diff))]),
            Err(e) => {
                report(&e);
                ExitCode::FAILURE
            }
        };
    }
    // Pods: their containers paired by name, each compared.
    let diffs: Vec<Compared> = pairs
        .into_iter()
        .map(|pair| match pair {
            (Some(a), Some(b)) => match Diff::new(a, b, &diff_options) {
                Ok(d) => Compared::Both(Box::new(d)),
                Err(e) => Compared::Failed(a.container().to_owned(), super::report::message(&e)),
            },
            (Some(a), None) => Compared::Only(a.container().to_owned(), "A"),
            (None, Some(b)) => Compared::Only(b.container().to_owned(), "B"),
            (None, None) => Compared::Failed(String::new(), String::new()),
        })
        .collect();
    emit_diffs(args, &diffs)
}

/// What became of one container of the comparison.
enum Compared {
    /// Compared.
    Both(Box<Diff>),
    /// In one side's pod only (`A` or `B`).
    Only(String, &'static str),
    /// Not comparable: why.
    Failed(String, String),
}

/// The comparisons, then a line for each container in one pod only or
/// not comparable (JSON: an array for pods, with `{"container": …,
/// "only_in": "A"}` and `{"container": …, "error": …}` elements).
fn emit_diffs(args: &Args, diffs: &[Compared]) -> ExitCode {
    let out = match (args.format, diffs) {
        (DiffFormat::Json, [Compared::Both(d)]) if d.checkpoint_a.pod.is_none() => {
            let mut s = ckpt::escape::to_json_pretty(&**d).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        (DiffFormat::Json, _) => {
            let list: Vec<serde_json::Value> = diffs
                .iter()
                .map(|d| match d {
                    Compared::Both(d) => serde_json::to_value(d).unwrap_or_default(),
                    Compared::Only(c, side) => serde_json::json!({"container": c, "only_in": side}),
                    Compared::Failed(c, e) => serde_json::json!({"container": c, "error": e}),
                })
                .collect();
            let mut s = ckpt::escape::to_json_pretty(&list).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            s
        }
        (DiffFormat::Tree, _) => {
            let mut out = String::new();
            for d in diffs.iter().filter_map(|d| match d {
                Compared::Both(d) => Some(&**d),
                _ => None,
            }) {
                if let Some(p) = &d.checkpoint_a.pod {
                    let container = super::text::clean(&p.container);
                    out.push_str(&match p.pod.as_str() {
                        "" => format!("\nContainer {container}\n"),
                        pod => {
                            format!("\nPod {}, container {container}\n", super::text::clean(pod))
                        }
                    });
                }
                out.push_str(&render(d, args.show_unchanged));
            }
            for d in diffs {
                let line = match d {
                    Compared::Both(_) => continue,
                    Compared::Only(c, side) => format!("\nContainer {c}: only in {side}\n"),
                    Compared::Failed(c, e) => format!("\nContainer {c}: {e}\n"),
                };
                out.push_str(&super::text::clean(&line));
            }
            out
        }
    };
    let failed = diffs.iter().any(|d| matches!(d, Compared::Failed(..)));
    match emit(&out) {
        Ok(()) if !failed => ExitCode::SUCCESS,
        Ok(()) => ExitCode::FAILURE,
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
