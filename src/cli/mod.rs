//! The `ckpt` binary: argument parsing ([`commands`]) and dispatch. The
//! library does the reading; these modules parse arguments, render what
//! the library returns, and add advice ([`advice`]).

mod advice;
mod args;
#[cfg(feature = "build")]
mod build;
mod cat;
mod commands;
mod decode;
mod diff;
mod generate;
mod inspect;
mod list;
mod memparse;
mod output;
mod progress;
mod report;
mod show;
mod table;
mod text;
mod tree;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use commands::{Cli, Command};

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Show(args) => show::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Memparse(args) => memparse::run(&args),
        Command::List(args) => list::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Decode(args) => decode::run(&args),
        Command::Cat(args) => cat::run(&args),
        #[cfg(feature = "build")]
        Command::Build(args) => build::run(&args),
        Command::Completion(args) => generate::completion(&args, Cli::command()),
        Command::Man(args) => generate::man(&args, Cli::command()),
    }
}
