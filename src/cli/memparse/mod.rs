//! `ckpt memparse`: process memory sizes ([`sizes`]), a hexdump of one
//! process ([`hexdump`], its [`lines`]), and search ([`search`]), with
//! checkpointctl's flags and more ([`args`]).

mod args;
mod hexdump;
mod lines;
mod search;
mod sizes;

use std::io;
use std::process::ExitCode;

pub use args::Args;
use args::Failure;

use super::report::{report, report_other};

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
    let mut status = ExitCode::SUCCESS;
    for path in &args.archives {
        let result = match (&pattern, args.pid) {
            (Some(p), _) => search::run(args, path, p, context),
            (None, Some(pid)) => hexdump::run(args, path, hexdump::Target::Pid(pid)),
            (None, None) => match &args.shared {
                Some(object) => hexdump::run(args, path, hexdump::Target::Shared(object.clone())),
                None => sizes::run(args, path),
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
    status
}
