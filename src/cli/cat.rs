//! `ckpt cat`: one file of a checkpoint to standard output or a file.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use super::advice::advise;
use super::args::{ReadArgs, open};
use super::output::create_output;
use super::pod::ContainerArg;
use super::report::{report, warn};

/// Arguments of `ckpt cat`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A checkpoint archive, an extracted checkpoint directory, or `-` for
    /// standard input.
    #[arg(value_name = "FILE")]
    archive: PathBuf,

    /// What to write: an archive entry (`config.dump`,
    /// `checkpoint/pstree.img`), a file of the container (`/etc/app.conf`:
    /// from rootfs-diff.tar, else the saved content of a deleted file of
    /// that path), `rootfs-diff.tar/PATH` or `deleted:/PATH`.
    #[arg(value_name = "PATH")]
    path: String,

    /// Write to this file instead of standard output (never over an
    /// existing file without --force).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    pod: ContainerArg,

    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let limits = args.read.options(ckpt::Want::none()).limits;
    let source = match open(&args.archive) {
        Ok(s) => s,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let name = source.name().to_owned();
    let result = match &args.output {
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            cat(args, source, &limits, &mut out).and_then(|found| {
                out.flush().map_err(|source| ckpt::Error::Output {
                    archive: name.clone(),
                    entry: found.name.clone(),
                    source,
                })?;
                Ok(found)
            })
        }
        Some(target) => {
            let temp = match create_output(target, args.force) {
                Ok(t) => t,
                Err(e) => {
                    report(&e);
                    return ExitCode::FAILURE;
                }
            };
            let mut out = BufWriter::with_capacity(1 << 20, temp.as_file());
            let found = cat(args, source, &limits, &mut out).and_then(|found| {
                out.flush().map_err(|source| ckpt::Error::Write {
                    path: target.clone(),
                    source,
                })?;
                Ok(found)
            });
            drop(out);
            // On an error, dropping `temp` removes it (and only it).
            found.and_then(|found| {
                temp.persist(target)
                    .map_err(|e| ckpt::Error::Write {
                        path: target.clone(),
                        source: e.error,
                    })
                    .map(|_| found)
            })
        }
    };
    match result {
        Ok(mut found) => {
            advise(&mut found.warnings);
            warn(&name, &found.warnings);
            ExitCode::SUCCESS
        }
        // `ckpt cat … | head`: the reader has what it wanted.
        Err(ckpt::Error::Output { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}

/// The file, from the container `--container` names when it does.
fn cat(
    args: &Args,
    source: ckpt::Source<'_>,
    limits: &ckpt::Limits,
    out: &mut dyn Write,
) -> ckpt::Result<ckpt::cat::Cat> {
    match &args.pod.container {
        Some(c) => ckpt::cat::cat_container(source, c, &args.path, limits, out),
        None => ckpt::cat::cat(source, &args.path, limits, out),
    }
}
