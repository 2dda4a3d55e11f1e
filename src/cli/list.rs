//! `ckpt list`: checkpointctl's listing of kubelet's checkpoint directory.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::model::TimeSource;
use ckpt::views::list::{KUBELET_CHECKPOINTS, candidates, entries};

use super::advice::advise;
use super::args::TableFormat;
use super::report::{emit, report, warn};
use super::{table, text};

/// Arguments of `ckpt list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directories to list `checkpoint-*` archives from (default: kubelet's,
    /// /var/lib/kubelet/checkpoints).
    #[arg(value_name = "DIR")]
    dirs: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
}

pub fn run(args: &Args) -> ExitCode {
    let dirs = if args.dirs.is_empty() {
        vec![PathBuf::from(KUBELET_CHECKPOINTS)]
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
    // After the table, which shows what damaged archives still said.
    for (_, e) in &failed {
        report(e);
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
