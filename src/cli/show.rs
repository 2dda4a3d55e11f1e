//! `ckpt show`: the overview table of checkpointctl's `show`.

use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::metadata::byte_to_string;
use ckpt::views::Overview;

use super::advice::advise;
use super::args::{ReadArgs, TableFormat, read_views};
use super::pod::ContainerArg;
use super::report::{emit, report, warn};

/// Arguments of `ckpt show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Checkpoint archives (.tar, .tar.gz, .tar.zst), extracted checkpoint
    /// directories, or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Output format: a table, or JSON (an array with one object per
    /// archive).
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,

    /// Also print the SHA-256 of each archive as read and of every entry's
    /// content, computed in the same pass (a `digest` section in JSON: a
    /// manifest for `ckpt verify`).
    #[arg(long)]
    digest: bool,

    #[command(flatten)]
    pod: ContainerArg,

    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let options = args.pod.options(ckpt::Options {
        digest: args.digest,
        ..args.read.partial_options(ckpt::Want::default())
    });
    let mut status = ExitCode::SUCCESS;
    let mut shown = Vec::new();
    // Pod checkpoints' descriptions, by archive.
    let mut pods = Vec::new();
    // Reported after the table, which shows what was read before them.
    let mut errors = Vec::new();
    for path in &args.files {
        let mut views = read_views(path, &options, Overview::new);
        advise(&mut views.warnings);
        warn(&path.display().to_string(), &views.warnings);
        for mut overview in views.shown {
            advise(&mut overview.warnings);
            warn(&overview.archive, &overview.warnings);
            shown.push(overview);
        }
        if let Some(pod) = views.pod {
            pods.push((path.display().to_string(), pod));
        }
        if !views.errors.is_empty() {
            errors.extend(views.errors);
            status = ExitCode::FAILURE;
        }
    }
    let out = match args.format {
        TableFormat::Json => {
            let mut s = ckpt::escape::to_json_pretty(&shown).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            s
        }
        TableFormat::Table if shown.is_empty() && pods.is_empty() => String::new(),
        TableFormat::Table if args.files.len() == 1 && pods.len() == 1 => {
            let (archive, pod) = &pods[0];
            let mut out = format!(
                "\nDisplaying pod checkpoint data from {}\n\n{pod}\n",
                super::text::clean(archive)
            );
            if !shown.is_empty() {
                out.push_str(&table(&shown, false, false));
            }
            out
        }
        TableFormat::Table => {
            let mut out = table(&shown, args.files.len() == 1, args.files.len() > 1);
            for (archive, pod) in &pods {
                out.push_str(&format!("\n{}:\n{pod}", super::text::clean(archive)));
            }
            for o in &shown {
                if let Some(line) = super::criu_plugins::show_line(&o.archive, &o.header) {
                    out.push_str(&line);
                }
            }
            for o in &shown {
                if let Some(d) = &o.digest {
                    out.push_str(&super::digest::section(&o.archive, d));
                }
            }
            out
        }
    };
    let emitted = emit(&out);
    for e in &errors {
        report(e);
    }
    if let Err(code) = emitted {
        return code;
    }
    status
}

/// checkpointctl's layout: with one archive, a "Displaying" line and the
/// root-fs diff column only when there is one; with several, both size
/// columns always (and a pod's containers named `pod/container`).
fn table(shown: &[Overview], single: bool, several: bool) -> String {
    let mut header = vec!["Container", "Image", "ID", "Runtime", "Created", "Engine"];
    let with_diff = !single
        || shown
            .iter()
            .any(|o| o.header.checkpoint_size.root_fs_diff_size != 0);
    header.push("CHKPT Size");
    if with_diff {
        header.push("Root Fs Diff Size");
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|o| {
            // A pod's container by its name in the pod.
            let name = match &o.header.pod {
                Some(p) if several => format!("{}/{}", p.pod, p.container),
                Some(p) => p.container.clone(),
                None => o.header.container_name.clone(),
            };
            let mut row = vec![
                name,
                o.header.image.clone(),
                o.header.short_id().to_owned(),
                o.header.runtime.clone(),
                o.header.created.clone(),
                o.header.engine.to_string(),
                byte_to_string(o.header.checkpoint_size.total_size),
            ];
            if with_diff {
                row.push(byte_to_string(o.header.checkpoint_size.root_fs_diff_size));
            }
            row
        })
        .collect();
    let mut out = String::new();
    if single && let Some(o) = shown.first() {
        out.push_str(&format!(
            "\nDisplaying container checkpoint data from {}\n\n",
            super::text::clean(&o.archive)
        ));
    }
    // The name, image and ID are what a user copies: never cut.
    out.push_str(&super::table::render(
        &header,
        &rows,
        &["Container", "Image", "ID"],
    ));
    out
}
