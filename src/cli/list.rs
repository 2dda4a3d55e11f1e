//! `ckpt list`: checkpointctl's listing of kubelet's checkpoint directory.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::model::TimeSource;
use ckpt::views::list::{KUBELET_CHECKPOINTS, KUBELET_POD_CHECKPOINTS, candidates, entries};

use super::advice::advise;
use super::args::TableFormat;
use super::report::{self, ERROR, emit, report, warn};
use super::{table, text};

/// Arguments of `ckpt list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directories to list `checkpoint-*` archives (and pod checkpoint
    /// directories) from (default: kubelet's, /var/lib/kubelet/checkpoints,
    /// and /var/lib/kubelet/pod-checkpoints when it exists).
    #[arg(value_name = "DIR")]
    dirs: Vec<PathBuf>,

    /// Output format: a table, or JSON (an array with one object per
    /// checkpoint listed).
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

pub fn run(args: &Args) -> ExitCode {
    let dirs = if args.dirs.is_empty() {
        let mut dirs = vec![PathBuf::from(KUBELET_CHECKPOINTS)];
        let pods = PathBuf::from(KUBELET_POD_CHECKPOINTS);
        if pods.is_dir() {
            dirs.push(pods);
        }
        dirs
    } else {
        args.dirs.clone()
    };
    let mut readable = 0;
    let mut paths = Vec::new();
    let mut listing = Vec::new();
    for dir in &dirs {
        match candidates(dir) {
            Ok(found) => {
                readable += 1;
                if !found.is_empty() {
                    listing.push(dir.clone());
                    paths.extend(found);
                }
            }
            // What does not exist holds no checkpoints, as checkpointctl
            // has it.
            Err(ckpt::Error::Open { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                readable += 1;
            }
            Err(e) => report(&e),
        }
    }
    let (mut rows, failed) = entries(&paths);
    for row in &mut rows {
        advise(&mut row.warnings);
        warn(&row.path.display().to_string(), &row.warnings);
    }
    let out = match args.format {
        TableFormat::Json => {
            let mut s = ckpt::escape::to_json_pretty(&rows).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            s
        }
        TableFormat::Table if paths.is_empty() => {
            let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            format!(
                "No checkpoints found in [{}]\n",
                text::clean(&shown.join(" "))
            )
        }
        TableFormat::Table => {
            let mut s = String::new();
            for dir in &listing {
                s.push_str(&format!(
                    "Listing checkpoints in path: {}\n",
                    text::clean(&dir.display().to_string())
                ));
            }
            // As checkpointctl: what could not be read, between the paths
            // listed and the table.
            if let Err(code) = emit(&s) {
                return code;
            }
            s.clear();
            for (path, e) in &failed {
                extraction_failed(path, e);
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.namespace.clone(),
                        r.pod.clone(),
                        r.container.clone(),
                        r.engine.to_string(),
                        // Never a year-1 date: a time nothing gave is none;
                        // one not from config.dump is marked.
                        match r.time_checkpointed_from {
                            Some(TimeSource::ConfigDump) => r.time_checkpointed.to_rfc822(),
                            Some(_) => format!("{}*", r.time_checkpointed.to_rfc822()),
                            None => "-".to_owned(),
                        },
                        r.checkpoint_name.clone(),
                    ]
                })
                .collect();
            s.push_str(&table::render(
                &[
                    "Namespace",
                    "Pod",
                    "Container",
                    "Engine",
                    "Time Checkpointed",
                    "Checkpoint Name",
                ],
                &table,
                // What a user copies, to restore or inspect: never cut.
                &["Namespace", "Pod", "Container", "Checkpoint Name"],
            ));
            let fallbacks: std::collections::BTreeSet<&str> = rows
                .iter()
                .filter_map(|r| r.time_checkpointed_from)
                .filter(|&f| f != TimeSource::ConfigDump)
                .map(TimeSource::name)
                .collect();
            if !fallbacks.is_empty() {
                let names: Vec<&str> = fallbacks.into_iter().collect();
                s.push_str(&format!(
                    "* config.dump has no checkpoint time: taken from the {}\n",
                    names.join(" or the ")
                ));
            }
            s
        }
    };
    let emitted = emit(&out);
    if args.format == TableFormat::Json {
        // After the JSON, which shows what damaged archives still said.
        for (path, e) in &failed {
            extraction_failed(path, e);
        }
    }
    if let Err(code) = emitted {
        return code;
    }
    let _ = io::stderr().flush();
    // What is no checkpoint is skipped, as checkpointctl does; a damaged
    // archive fails the listing.
    if readable == 0 || failed.iter().any(|(_, e)| e.is_damage()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `Error extracting information from PATH: …`, checkpointctl's words.
fn extraction_failed(path: &std::path::Path, e: &ckpt::Error) {
    let path = path.display().to_string();
    let mut message = report::message(e);
    if let Some(rest) = message.strip_prefix(&format!("{path}: ")) {
        message = rest.to_owned();
    }
    let _ = writeln!(
        anstream::stderr(),
        "{ERROR}Error{ERROR:#} extracting information from {}: {}",
        text::clean(&path),
        text::clean(&message)
    );
}
