//! `ckpt coredump`: each process of a checkpoint as an ELF core file.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tempfile::TempPath;

use super::args::{ReadArgs, open};
use super::output::create_output;
use super::pod::ContainerArg;
use super::report::{emit, report, report_other};

/// Arguments of `ckpt coredump`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  ckpt coredump checkpoint.tar.zst -o cores/ && gdb -c cores/core.1
  ckpt coredump checkpoint.tar -p 1 -o - > core.1")]
pub struct Args {
    /// A checkpoint archive, an extracted checkpoint directory, or `-` for
    /// standard input.
    #[arg(value_name = "FILE")]
    archive: PathBuf,

    /// The processes to write (default: every process with memory).
    #[arg(short, long = "pid", value_name = "PID")]
    pids: Vec<u32>,

    /// The directory to write `core.<pid>` files into (created if needed),
    /// or `-` to write the one process asked for to standard output.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,

    /// Replace core files that exist.
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    pod: ContainerArg,

    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let options = args.pod.options(args.read.options(ckpt::Want::none()));
    if args.output.as_os_str() == "-" {
        return to_stdout(args, &options);
    }
    let source = match open(&args.archive) {
        Ok(s) => s,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let dir = &args.output;
    // What of it this run creates, removed again if no core is written.
    let created = missing_dirs(dir);
    if let Err(source) = std::fs::create_dir_all(dir) {
        remove_empty(&created);
        report(&ckpt::Error::Write {
            path: dir.clone(),
            source,
        });
        return ExitCode::FAILURE;
    }
    // Each core goes to a temporary file renamed into place once every core
    // is complete; on an error, only those temporary files are removed. The
    // files are written on a thread of their own, which keeps few of them
    // open at once.
    let writer = ckpt::coredump::CoreWriter::new();
    let mut temps: Vec<(u32, PathBuf, TempPath)> = Vec::new();
    let written = ckpt::coredump::coredump_in_one_read(source, &args.pids, &options, &mut |pid| {
        let target = dir.join(format!("core.{pid}"));
        let temp = create_output(&target, args.force)
            .map_err(|e| io::Error::other(e.to_string()))?
            .into_temp_path();
        let out = writer.output(temp.to_path_buf());
        temps.push((pid, target, temp));
        Ok(out as Box<dyn ckpt::coredump::CoreOutput>)
    });
    let dumps = match written.and_then(|d| {
        writer
            .finish()
            .map(|()| d)
            .map_err(|source| ckpt::Error::Write {
                path: dir.clone(),
                source,
            })
    }) {
        Ok(d) => d,
        Err(e) => {
            drop(temps);
            remove_empty(&created);
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let mut out = String::new();
    // Only the cores written: what was begun for a process not in the tree
    // is removed with its temporary file.
    for (pid, target, temp) in temps {
        if !dumps.iter().any(|d| d.pid == pid) {
            continue;
        }
        if let Err(e) = temp.persist(&target) {
            remove_empty(&created);
            report(&ckpt::Error::Write {
                path: target,
                source: e.error,
            });
            return ExitCode::FAILURE;
        }
    }
    for d in &dumps {
        out.push_str(&format!(
            "{}: {} thread{}, {} memory areas, {} bytes of memory\n",
            super::text::clean(&dir.join(format!("core.{}", d.pid)).display().to_string()),
            d.threads,
            if d.threads == 1 { "" } else { "s" },
            d.segments,
            d.memory_bytes
        ));
    }
    match emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// The directories of `dir` that do not exist yet, outermost first:
/// those `create_dir_all` would create.
fn missing_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && d.symlink_metadata().is_err())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    missing
}

/// Removes the directories this run created, innermost first, where they
/// are still empty (nothing else is ever removed).
fn remove_empty(created: &[PathBuf]) {
    for d in created.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// `-o -`: the one process asked for, to standard output, which cannot go
/// back: the program headers and the notes follow the memory.
fn to_stdout(args: &Args, options: &ckpt::Options) -> ExitCode {
    let [pid] = args.pids[..] else {
        report_other(&io::Error::other(
            "-o - writes one core: name its process with -p PID",
        ));
        return ExitCode::FAILURE;
    };
    let source = match open(&args.archive) {
        Ok(s) => s,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let archive = source.name().to_owned();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let written = ckpt::coredump::write_core(source, pid, &mut out, options).and_then(|d| {
        out.flush()
            .map(|()| d)
            .map_err(|source| ckpt::Error::Output {
                archive,
                entry: format!("core of pid {pid}"),
                source,
            })
    });
    match written {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}
