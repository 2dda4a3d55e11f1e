//! `ckpt inspect`: checkpointctl's tree and JSON views.

use std::path::PathBuf;
use std::process::ExitCode;

mod annotations;
mod render;

use ckpt::views::{InspectOptions, Inspection};

use super::advice::advise;
use super::args::{ReadArgs, read_views};
use super::pod::ContainerArg;
use super::report::{emit, report, warn};
use render::tree;

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TreeFormat {
    /// A tree, as checkpointctl prints it.
    Tree,
    /// JSON (keys listed in the README).
    Json,
}

/// Arguments of `ckpt inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Checkpoint archives, extracted checkpoint directories, or `-` for
    /// standard input.
    #[arg(required = true, value_name = "FILE")]
    archives: Vec<PathBuf>,

    /// Show everything (statistics, mounts, process tree with threads,
    /// command lines and environments, files, sockets, metadata, root file
    /// system changes).
    #[arg(long)]
    all: bool,
    /// Show the open files of each process.
    #[arg(long)]
    files: bool,
    /// Output format: a tree, or JSON (an array with one object per
    /// archive).
    #[arg(long, value_enum, default_value_t = TreeFormat::Tree)]
    format: TreeFormat,
    /// Also print the SHA-256 of the archive as read and of every entry's
    /// content, computed in the same pass (a `digest` section in JSON).
    #[arg(long)]
    digest: bool,
    /// Show pod, namespace and annotations.
    #[arg(long)]
    metadata: bool,
    /// Show the mounts.
    #[arg(long)]
    mounts: bool,
    /// Show the process tree from this pid.
    #[arg(short, long, value_name = "PID")]
    pid: Option<u32>,
    /// Show the process tree.
    #[arg(long)]
    ps_tree: bool,
    /// Show each process's command line (read from its memory).
    #[arg(long)]
    ps_tree_cmd: bool,
    /// Show each process's environment (read from its memory).
    #[arg(long)]
    ps_tree_env: bool,
    /// Show the open sockets of each process.
    #[arg(long)]
    sockets: bool,
    /// Show CRIU's dump statistics.
    #[arg(long)]
    stats: bool,
    /// Show what the container changed in its root file system: the files
    /// in rootfs-diff.tar (type, mode, size) and the paths in
    /// deleted.files.
    #[arg(long)]
    rootfs_diff: bool,

    #[command(flatten)]
    pod: ContainerArg,

    #[command(flatten)]
    read: ReadArgs,
}

impl Args {
    fn options(&self) -> InspectOptions {
        if self.all {
            return InspectOptions {
                pid: self.pid,
                ..InspectOptions::all()
            };
        }
        InspectOptions {
            ps_tree: self.ps_tree,
            cmdline: self.ps_tree_cmd,
            env: self.ps_tree_env,
            files: self.files,
            sockets: self.sockets,
            mounts: self.mounts,
            stats: self.stats,
            metadata: self.metadata,
            rootfs_diff: self.rootfs_diff,
            pid: self.pid,
            // Each section named is a promise; `--all` shows what there is.
            strict: true,
        }
        .normalized()
    }
}

pub fn run(args: &Args) -> ExitCode {
    let inspect = args.options();
    let options = args.pod.options(ckpt::Options {
        digest: args.digest,
        ..args.read.partial_options(inspect.want())
    });
    let mut status = ExitCode::SUCCESS;
    let mut shown = Vec::new();
    let mut errors = Vec::new();
    let tree_format = args.format == TreeFormat::Tree;
    for path in &args.archives {
        let mut views = read_views(path, &options, |c| Inspection::new(c, &inspect));
        advise(&mut views.warnings);
        warn(&path.display().to_string(), &views.warnings);
        if !views.errors.is_empty() {
            status = ExitCode::FAILURE;
        }
        let mut out = String::new();
        if tree_format && let Some(pod) = &views.pod {
            out.push_str(&format!(
                "\nDisplaying pod checkpoint from {}\n\n{pod}",
                super::text::clean(&path.display().to_string())
            ));
        }
        for mut inspection in views.shown {
            advise(&mut inspection.warnings);
            warn(&inspection.archive, &inspection.warnings);
            if tree_format {
                out.push_str(&format!(
                    "\nDisplaying container checkpoint tree view from {}{}\n\n{}\n",
                    super::text::clean(&match inspection.header.pod {
                        // The pod's archive, as given.
                        Some(_) => path.display().to_string(),
                        None => inspection.archive.clone(),
                    }),
                    super::pod::heading_of(inspection.header.pod.as_ref()),
                    tree(&inspection).render()
                ));
                if let Some(d) = &inspection.digest {
                    out.push_str(&super::digest::section(&inspection.archive, d));
                }
            }
            shown.push(inspection);
        }
        errors.extend(views.errors);
        // A tree is printed as it is made: its damage right after it.
        if tree_format {
            let emitted = emit(&out);
            for e in errors.drain(..) {
                report(&e);
            }
            if let Err(code) = emitted {
                return code;
            }
        }
    }
    if args.format == TreeFormat::Json {
        let mut s = ckpt::escape::to_json_pretty(&shown).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        let emitted = emit(&s);
        for e in &errors {
            report(e);
        }
        if let Err(code) = emitted {
            return code;
        }
    }
    status
}
