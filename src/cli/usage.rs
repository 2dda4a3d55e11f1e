//! Usage errors as checkpointctl (cobra and pflag) reports them: one
//! `Error:` line and exit status 1, help on standard output with status 0,
//! and the same phrases (`unknown flag: --x`, `accepts 2 arg(s), received
//! 1`, `invalid output format: x`), so that scripts written against
//! checkpointctl keep working. clap parses; this module only words the
//! outcome.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::plugin;
use super::report::{emit, print_error};

/// What the program is called as (`ckpt`, or `checkpointctl` when aliased),
/// for messages that name it.
pub fn program_name(args: &[OsString]) -> String {
    args.first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "ckpt".to_owned())
}

/// Handles what clap could not turn into a command: prints help or the
/// error and returns the exit status.
pub fn handle(
    e: &clap::Error,
    root: clap::Command,
    args: &[OsString],
    builtins: &[String],
) -> ExitCode {
    let program = program_name(args);
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let root_help =
                e.kind() != ErrorKind::DisplayVersion && subcommand(&root, args).is_none();
            let text = if root_help {
                // The top-level help also lists the plugins found on PATH.
                let mut root = root.bin_name(&program);
                if let Some(section) = plugin::help_section(builtins) {
                    root = root.after_help(section);
                }
                root.render_help().to_string()
            } else {
                e.render().to_string()
            };
            match emit(&text) {
                Ok(()) | Err(_) => ExitCode::SUCCESS,
            }
        }
        _ => {
            let (message, hint) = message(e, &root, args, &program);
            print_error(&message);
            if let Some(hint) = hint {
                eprintln!("{hint}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The message for a usage error, and the line to print after it.
fn message(
    e: &clap::Error,
    root: &clap::Command,
    args: &[OsString],
    program: &str,
) -> (String, Option<String>) {
    let sub = subcommand(root, args);
    let invalid_arg = context(e, ContextKind::InvalidArg);
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let name = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            let message = format!("unknown command {name:?} for {program:?}");
            let mut hint = String::new();
            if let Some(ContextValue::Strings(similar)) = e.get(ContextKind::SuggestedSubcommand)
                && !similar.is_empty()
            {
                hint.push_str("\nDid you mean this?\n");
                for s in similar {
                    hint.push_str(&format!("\t{s}\n"));
                }
                hint.push('\n');
            }
            hint.push_str(&format!("Run '{program} --help' for usage."));
            (message, Some(hint))
        }
        ErrorKind::UnknownArgument | ErrorKind::TooManyValues => {
            let arg = invalid_arg.unwrap_or_default();
            if let Some(long) = arg.strip_prefix("--") {
                let name = long.split('=').next().unwrap_or(long);
                (format!("unknown flag: --{name}"), None)
            } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
                let c = short.chars().next().unwrap_or('-');
                (format!("unknown shorthand flag: '{c}' in -{short}"), None)
            } else if let Some(sub) = sub {
                (arity(sub, args), None)
            } else {
                (format!("unknown command {arg:?} for {program:?}"), None)
            }
        }
        ErrorKind::MissingRequiredArgument if sub.is_some() => {
            let sub = sub.unwrap_or(root);
            let missing_positional = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(names)) => names.iter().any(|n| n.starts_with('<')),
                _ => false,
            };
            if missing_positional {
                (arity(sub, args), None)
            } else {
                (first_line(e), None)
            }
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let arg = invalid_arg.unwrap_or_default();
            let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
            if arg.starts_with("--format") {
                (format!("invalid output format: {value}"), None)
            } else {
                let name = arg.split(' ').next().unwrap_or(&arg);
                let mut message = if name.starts_with('-') {
                    format!("invalid argument {value:?} for {name:?} flag")
                } else {
                    format!("invalid argument {value:?} for {name}")
                };
                if e.kind() == ErrorKind::ValueValidation
                    && let Some(cause) = std::error::Error::source(e)
                {
                    message.push_str(&format!(": {cause}"));
                }
                if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
                    message.push_str(&format!(" (possible values: {})", valid.join(", ")));
                }
                (message, None)
            }
        }
        _ => (first_line(e), None),
    }
}

/// clap's own message, without its `error: ` prefix and hints.
fn first_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(s) => s.first().cloned(),
        other => Some(other.to_string()),
    }
}

/// The subcommand named on the command line, if any.
fn subcommand<'a>(root: &'a clap::Command, args: &[OsString]) -> Option<&'a clap::Command> {
    let first = args
        .iter()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with('-'))?;
    let name = first.to_str()?;
    if name == "help" {
        // `ckpt help show` is help for show.
        let next = args.iter().skip(1).skip_while(|a| *a != "help").nth(1)?;
        return root.find_subcommand(next.to_str()?);
    }
    root.find_subcommand(name)
}

/// `accepts N arg(s), received M` or `requires at least N arg(s), only
/// received M`, as cobra's ExactArgs and MinimumNArgs say it.
fn arity(sub: &clap::Command, args: &[OsString]) -> String {
    let positionals: Vec<_> = sub.get_positionals().collect();
    let required = positionals.iter().filter(|a| a.is_required_set()).count();
    let unbounded = positionals
        .iter()
        .any(|a| a.get_num_args().is_some_and(|n| n.max_values() > 1));
    let received = count_positionals(sub, args);
    let most = positionals.len();
    if !unbounded && (required..=most).contains(&received) {
        // A count in range: an argument required unless a flag is given
        // (`check FILE`, or `check --describe-host`) is missing.
        let missing: Vec<String> = positionals
            .iter()
            .skip(received)
            .filter_map(|a| a.get_value_names()?.first().map(ToString::to_string))
            .collect();
        return format!(
            "requires {}, received {received} arg(s)",
            missing.first().map_or("an argument", String::as_str)
        );
    }
    if unbounded {
        format!("requires at least {required} arg(s), only received {received}")
    } else if most > required {
        format!("accepts between {required} and {most} arg(s), received {received}")
    } else {
        format!("accepts {required} arg(s), received {received}")
    }
}

/// How many positional arguments were given after the subcommand's name.
fn count_positionals(sub: &clap::Command, args: &[OsString]) -> usize {
    let takes_value = |flag: &str| {
        sub.get_arguments().any(|a| {
            !a.is_positional()
                && a.get_action().takes_values()
                && (a.get_long().is_some_and(|l| flag == format!("--{l}"))
                    || a.get_short().is_some_and(|s| flag == format!("-{s}")))
        })
    };
    let mut rest = args
        .iter()
        .skip(1)
        .skip_while(|a| a.to_str() != Some(sub.get_name()))
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    let mut count = 0;
    while let Some(a) = rest.next() {
        if a == "--" {
            count += rest.count();
            break;
        }
        if a.starts_with('-') && a != "-" {
            if !a.contains('=') && takes_value(&a) {
                rest.next();
            }
        } else {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::super::commands::Cli;
    use super::*;

    fn error_of(args: &[&str]) -> (String, Option<String>) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let root = Cli::command();
        let e = Cli::command()
            .try_get_matches_from(&args)
            .expect_err("a usage error");
        message(&e, &root, &args, "checkpointctl")
    }

    #[test]
    fn unknown_flags_are_worded_as_pflag_words_them() {
        let (m, hint) = error_of(&["checkpointctl", "--wrong-parameter"]);
        assert_eq!(m, "unknown flag: --wrong-parameter");
        assert_eq!(hint, None);
        let (m, _) = error_of(&["checkpointctl", "show", "--nope=1", "a.tar"]);
        assert_eq!(m, "unknown flag: --nope");
        let (m, _) = error_of(&["checkpointctl", "show", "-Z", "a.tar"]);
        assert_eq!(m, "unknown shorthand flag: 'Z' in -Z");
    }

    #[test]
    fn argument_counts_are_worded_as_cobra_words_them() {
        let (m, _) = error_of(&["checkpointctl", "diff"]);
        assert_eq!(m, "accepts 2 arg(s), received 0");
        let (m, _) = error_of(&["checkpointctl", "diff", "--format", "json", "a.tar"]);
        assert_eq!(m, "accepts 2 arg(s), received 1");
        let (m, _) = error_of(&["checkpointctl", "diff", "a", "b", "c"]);
        assert_eq!(m, "accepts 2 arg(s), received 3");
        let (m, _) = error_of(&["checkpointctl", "show"]);
        assert_eq!(m, "requires at least 1 arg(s), only received 0");
        let (m, _) = error_of(&["checkpointctl", "decode"]);
        assert_eq!(m, "accepts between 1 and 2 arg(s), received 0");
        let (m, _) = error_of(&["checkpointctl", "decode", "a", "b", "c"]);
        assert_eq!(m, "accepts between 1 and 2 arg(s), received 3");
    }

    #[test]
    fn formats_and_values() {
        let (m, _) = error_of(&["checkpointctl", "inspect", "a.tar", "--format=invalid"]);
        assert_eq!(m, "invalid output format: invalid");
        let (m, _) = error_of(&["checkpointctl", "inspect", "a.tar", "--pid", "x"]);
        assert!(m.starts_with("invalid argument \"x\" for \"--pid"), "{m}");
        let (m, _) = error_of(&["checkpointctl", "completion", "tcsh"]);
        assert_eq!(
            m,
            "invalid argument \"tcsh\" for <SHELL> (possible values: bash, elvish, fish, powershell, zsh)"
        );
    }

    #[test]
    fn unknown_commands_suggest_and_point_to_help() {
        let (m, hint) = error_of(&["checkpointctl", "shwo"]);
        assert!(
            m.starts_with("unknown command \"shwo\" for \"checkpointctl\""),
            "{m}"
        );
        assert_eq!(
            hint.as_deref(),
            Some("\nDid you mean this?\n\tshow\n\nRun 'checkpointctl --help' for usage.")
        );
    }
}
