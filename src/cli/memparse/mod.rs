//! `ckpt memparse`: process memory sizes ([`sizes`]), a hexdump of one
//! process ([`hexdump`], its [`lines`]), and search ([`search`]), with
//! checkpointctl's flags and more ([`args`]); several archives' outputs
//! [`combine`]d.

mod args;
mod combine;
mod hexdump;
mod lines;
mod search;
mod sizes;

use std::io;
use std::process::ExitCode;

pub use args::Args;
use args::Failure;
use combine::Combined;

use super::args::TableFormat;
use super::report::{emit, report, report_other};

/// Runs `memparse` on each archive given.
pub fn run(args: &Args) -> ExitCode {
    let context = match usize::try_from(args.context) {
        Ok(c) => c,
        Err(_) => {
            report_other(&io::Error::other("context size cannot be negative"));
            return ExitCode::FAILURE;
        }
    };
    let pattern = match args.pattern().transpose() {
        Ok(p) => p,
        Err(e) => {
            report_other(&io::Error::other(e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let hexdump = pattern.is_none() && (args.pid.is_some() || args.shared.is_some());
    // JSON to standard output is one array for several archives; a
    // hexdump to a file (-o) is no JSON on standard output.
    let array = args.format == TableFormat::Json && !(hexdump && args.output.is_some());
    let mut combined = Combined::new(args.archives.len() > 1, array);
    let mut status = ExitCode::SUCCESS;
    for path in &args.archives {
        let result = match (&pattern, args.pid) {
            (Some(p), _) => search::run(args, path, p, context, &mut combined),
            (None, Some(pid)) => hexdump::run(args, path, hexdump::Target::Pid(pid), &mut combined),
            (None, None) => match &args.shared {
                Some(object) => hexdump::run(
                    args,
                    path,
                    hexdump::Target::Shared(object.clone()),
                    &mut combined,
                ),
                None => sizes::run(args, path, &mut combined),
            },
        };
        match result {
            Ok(()) => {}
            Err(Failure::Quiet(code)) => return code,
            Err(Failure::Error(e)) => {
                report(&e);
                status = ExitCode::FAILURE;
            }
            Err(Failure::Damage(e)) => {
                report(&e);
                status = ExitCode::FAILURE;
            }
        }
    }
    if let Some(end) = combined.end()
        && let Err(code) = emit(end)
    {
        return code;
    }
    status
}
