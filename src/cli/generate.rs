//! `ckpt completion SHELL` and `ckpt man [COMMAND]`: shell completions and
//! man pages generated from the argument definitions, so they never drift
//! from the commands.

use std::process::ExitCode;

use super::report::{emit, report_other};

/// Arguments of `ckpt completion`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  ckpt completion bash > /etc/bash_completion.d/ckpt
  ckpt completion zsh > \"${fpath[1]}/_ckpt\"
  ckpt completion fish > ~/.config/fish/completions/ckpt.fish")]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Arguments of `ckpt man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  ckpt man > ckpt.1 && man ./ckpt.1
  ckpt man inspect > ckpt-inspect.1")]
pub struct ManArgs {
    /// A command to write the page of (default: ckpt's own page).
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
}

/// Writes the completions of `cmd` (the whole command line) for a shell.
pub fn completion(args: &CompletionArgs, mut cmd: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ckpt", &mut out);
    match emit(&String::from_utf8_lossy(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// Writes the man page of `cmd` (the whole command line) or of one of its
/// subcommands.
pub fn man(args: &ManArgs, mut cmd: clap::Command) -> ExitCode {
    cmd.build();
    let (page, title) = match &args.command {
        None => (cmd, "ckpt".to_owned()),
        Some(name) => match cmd.find_subcommand(name) {
            // Titled as `man ckpt-inspect` finds it.
            Some(sub) => (sub.clone(), format!("ckpt-{name}")),
            None => {
                report_other(&std::io::Error::other(format!("no command {name:?}")));
                return ExitCode::FAILURE;
            }
        },
    };
    let mut out = Vec::new();
    let source = format!("ckpt {}", env!("CARGO_PKG_VERSION"));
    let man = clap_mangen::Man::new(page).title(title).source(source);
    if let Err(e) = man.render(&mut out) {
        report_other(&e);
        return ExitCode::FAILURE;
    }
    match emit(&String::from_utf8_lossy(&out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
