//! `ckpt check`: whether a checkpoint will restore on this node, or on
//! the node a description names; `--describe-host` writes that
//! description.

mod probe;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::check::{CheckLine, Host, MAX_HOST_JSON, Requirements, Status, check, verdict};
use serde::Serialize;

use super::args::{ReadArgs, read_checkpoint};
use super::pod::ContainerArg;
use super::report::{emit, report, report_other};
use super::text::clean;

/// Arguments of `ckpt check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when nothing fails (warnings allowed), 1 on a failure \
or an error.

Examples:
  ckpt check checkpoint.tar.zst
  ckpt check --describe-host > node.json
  ckpt check --target node.json checkpoint.tar.zst"
)]
pub struct Args {
    /// A checkpoint archive, an extracted checkpoint directory, or `-` for
    /// standard input.
    #[arg(value_name = "FILE", required_unless_present = "describe_host")]
    archive: Option<PathBuf>,

    /// Check against the node this JSON describes (as --describe-host
    /// writes it; a field left out is unknown) instead of this one.
    #[arg(long, value_name = "FILE", conflicts_with = "describe_host")]
    target: Option<PathBuf>,

    /// Write this node's description as JSON, for --target; with FILE,
    /// also whether its mount sources exist here.
    #[arg(long)]
    describe_host: bool,

    /// Output format: a line per requirement, or JSON.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    #[command(flatten)]
    pod: ContainerArg,

    #[command(flatten)]
    read: ReadArgs,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One line per requirement and a summary.
    Text,
    /// The requirements and the lines, as JSON.
    Json,
}

/// What `--format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    archive: String,
    node: String,
    status: Status,
    requirements: &'a Requirements,
    lines: &'a [CheckLine],
}

pub fn run(args: &Args) -> ExitCode {
    // What each container checkpoint needs: the one of a container
    // checkpoint, every container's of a pod (the one --container names).
    let mut pod = false;
    let needs: Option<Vec<(String, Requirements)>> = match &args.archive {
        Some(path) => {
            let options = args.pod.options(args.read.options(Requirements::want()));
            let read = read_checkpoint(path, &options).and_then(|c| {
                pod = c.pod.is_some();
                let each = c.containers(options.container.as_deref())?;
                Ok(each
                    .into_iter()
                    .map(|k| {
                        let name = match &k.in_pod {
                            Some(_) => format!("{}{}", path.display(), super::pod::heading(k)),
                            None => k.archive.clone(),
                        };
                        let needs = Requirements::of(k);
                        let needs = match &c.pod {
                            Some(pod) => needs.in_pod(pod),
                            None => needs,
                        };
                        (name, needs)
                    })
                    .collect())
            });
            match read {
                Ok(needs) => Some(needs),
                Err(e) => {
                    report(&e);
                    return ExitCode::FAILURE;
                }
            }
        }
        None => None,
    };
    if args.describe_host {
        let first = needs.as_ref().and_then(|n| n.first()).map(|(_, r)| r);
        return print(&json(&probe::probe(first)));
    }
    let Some(needs) = needs else {
        return ExitCode::FAILURE;
    };
    // The node is looked at (or its description read) once; only whether
    // each container's mount sources exist is asked per container.
    let (node_facts, node) = match &args.target {
        Some(file) => match target(file) {
            Ok(host) => (host, file.display().to_string()),
            Err(message) => {
                report_other(&std::io::Error::other(message));
                return ExitCode::FAILURE;
            }
        },
        None => (probe::probe(None), "this node".to_owned()),
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for (archive, needs) in &needs {
        let mut host = node_facts.clone();
        if args.target.is_none() {
            host.paths = probe::paths(needs);
        }
        let lines = check(needs, &host);
        failed |= verdict(&lines) == Status::Failure;
        reports.push((archive.clone(), node.clone(), lines));
    }
    let out = match args.format {
        Format::Json => {
            let list: Vec<Report<'_>> = reports
                .iter()
                .zip(&needs)
                .map(|((archive, node, lines), (_, needs))| Report {
                    archive: archive.clone(),
                    node: node.clone(),
                    status: verdict(lines),
                    requirements: needs,
                    lines,
                })
                .collect();
            match list.as_slice() {
                // A container checkpoint: one report; a pod: one each.
                [one] if !pod => json(one),
                _ => json(&list),
            }
        }
        Format::Text => reports
            .iter()
            .map(|(archive, node, lines)| text(archive, node, lines))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    match print(&out) {
        code if code != ExitCode::SUCCESS => code,
        _ if failed => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}

fn print(out: &str) -> ExitCode {
    match emit(out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn json(value: &impl Serialize) -> String {
    let mut s = ckpt::escape::to_json_pretty(value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Reads a node description, at most [`MAX_HOST_JSON`] bytes of it.
fn target(file: &std::path::Path) -> Result<Host, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", file.display());
    let f = std::fs::File::open(file).map_err(|e| at(&e))?;
    let mut bytes = Vec::new();
    f.take(MAX_HOST_JSON as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| at(&e))?;
    Host::from_json(&bytes).map_err(|e| at(&e))
}

/// One line per requirement: the status, what is checked, what the
/// checkpoint needs and what the node has; then, unless ok, why and what
/// to do. A summary ends it.
fn text(archive: &str, node: &str, lines: &[CheckLine]) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(&format!(
            "{:<8} {:<14} {}",
            l.status.word(),
            l.name,
            clean(&l.needed)
        ));
        if !l.found.is_empty() {
            out.push_str(&format!(" (node: {})", clean(&l.found)));
        }
        if l.status != Status::Ok {
            out.push_str(&format!(": {} — {}", clean(&l.reason), clean(&l.fix)));
        }
        out.push('\n');
    }
    let count = |s| lines.iter().filter(|l| l.status == s).count();
    let (failures, warnings) = (count(Status::Failure), count(Status::Warning));
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (archive, node) = (clean(archive), clean(node));
    out.push_str(&match (failures, warnings) {
        (0, 0) => format!("\n{archive}: every requirement met on {node}\n"),
        (0, w) => format!(
            "\n{archive}: nothing fails on {node}; {}\n",
            plural(w, "warning")
        ),
        (f, w) => format!(
            "\n{archive}: will not restore on {node}: {}, {}\n",
            plural(f, "failure"),
            plural(w, "warning")
        ),
    });
    out
}
