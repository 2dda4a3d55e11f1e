//! The `ckpt` binary: argument parsing ([`commands`]) and dispatch. The
//! library does the reading; these modules parse arguments, render what
//! the library returns, and add advice ([`advice`]).

mod advice;
mod args;
#[cfg(feature = "build")]
mod build;
mod cat;
mod check;
mod commands;
mod coredump;
mod criu_plugins;
mod decode;
mod diff;
mod digest;
mod generate;
mod inspect;
mod list;
mod memparse;
mod output;
mod plugin;
mod pod;
mod progress;
mod report;
mod show;
mod table;
mod text;
mod tree;
mod usage;
mod verify;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use commands::{Cli, Command};

/// Parses the arguments and runs the command (or the plugin named).
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let builtins = builtin_names();
    if let Some(name) = args.get(1).and_then(|a| a.to_str())
        && !name.starts_with('-')
        && !builtins.iter().any(|b| b == name)
        && let Some(plugin) = plugin::find(name)
    {
        return plugin::exec(&plugin, args.get(2..).unwrap_or_default());
    }
    let root = Cli::command().arg_required_else_help(true);
    let cli = match root
        .clone()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return usage::handle(&e, root, &args, &builtins),
    };
    match cli.command {
        Command::Show(args) => show::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Memparse(args) => memparse::run(&args),
        Command::List(args) => list::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Decode(args) => decode::run(&args),
        Command::Cat(args) => cat::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Coredump(args) => coredump::run(&args),
        Command::Verify(args) => verify::run(&args),
        #[cfg(feature = "build")]
        Command::Build(args) => build::run(&args),
        Command::Plugin(args) => plugin::run(&args, &builtins),
        Command::Completion(args) => generate::completion(&args, Cli::command()),
        Command::Man(args) => generate::man(&args, Cli::command()),
    }
}

/// The built-in commands' names and aliases, which plugins cannot shadow.
fn builtin_names() -> Vec<String> {
    let root = Cli::command();
    let mut names = vec!["help".to_owned()];
    for sub in root.get_subcommands() {
        names.push(sub.get_name().to_owned());
        names.extend(sub.get_all_aliases().map(str::to_owned));
    }
    names
}
