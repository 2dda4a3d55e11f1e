//! What the binary prints besides results: errors (with advice), warnings,
//! and the colours of both, and writing to a standard output that may
//! close.

use std::io::{self, Write};
use std::process::ExitCode;

use super::{advice, text};

/// Style of `Error:` on a terminal.
pub const ERROR: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
/// Style of `Warning:` on a terminal.
pub const WARNING: anstyle::Style = anstyle::AnsiColor::Yellow.on_default().bold();
/// Style of what was added, removed and changed in `diff`.
pub const ADDED: anstyle::Style = anstyle::AnsiColor::Green.on_default();
pub const REMOVED: anstyle::Style = anstyle::AnsiColor::Red.on_default();
pub const CHANGED: anstyle::Style = anstyle::AnsiColor::Yellow.on_default();

/// Prints `Error: <message> <advice>: <cause>: …` on stderr.
pub fn report(e: &ckpt::Error) {
    print_error(&message(e));
}

/// Prints `Error: <context>: <message>…`: what failed, then why.
pub fn report_in(context: &str, e: &ckpt::Error) {
    print_error(&format!("{context}: {}", message(e)));
}

/// An error's message with its causes and the advice, as [`report`]
/// prints it.
pub fn message(e: &ckpt::Error) -> String {
    if let ckpt::Error::Open { .. } = e {
        // The message already says what the operating system said.
        return e.to_string();
    }
    chain(e, &advice::for_error(e))
}

/// Prints an error that is not the library's.
pub fn report_other(e: &dyn std::error::Error) {
    print_error(&chain(e, ""));
}

/// The message, its causes (each once), then the advice.
fn chain(e: &dyn std::error::Error, advice: &str) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s = s.to_string();
        if !message.ends_with(&s) {
            message.push_str(": ");
            message.push_str(&s);
        }
        source = source.and_then(|e| e.source());
    }
    message.push_str(advice);
    message
}

/// Prints `Error: <message>` on stderr, control characters made visible.
pub fn print_error(message: &str) {
    // Line by line, so that a message of several lines stays one.
    let lines: Vec<_> = message.split('\n').map(text::clean).collect();
    let _ = writeln!(
        anstream::stderr(),
        "{ERROR}Error:{ERROR:#} {}",
        lines.join("\n")
    );
}

/// Prints the warnings of one archive on stderr (advised already: see
/// [`advice::advise`]).
pub fn warn(archive: &str, warnings: &[ckpt::Warning]) {
    let mut err = anstream::stderr().lock();
    for w in warnings.iter().filter(|w| worth_a_line(w)) {
        let _ = writeln!(
            err,
            "{WARNING}Warning:{WARNING:#} {}: {}",
            text::clean(archive),
            text::clean(&w.to_string())
        );
    }
}

/// Writes to stdout; a closed pipe (`ckpt … | head`) ends quietly.
pub fn emit(out: &str) -> Result<(), ExitCode> {
    // ANSI styles in `out` are dropped unless stdout is a terminal that
    // wants colour (not with NO_COLOR or TERM=dumb; CLICOLOR_FORCE forces).
    let mut stdout = anstream::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            report_other(&e);
            Err(ExitCode::FAILURE)
        }
    }
}

/// Whether a warning is printed. A broken `network.status` is not: the
/// networks are only left out, as checkpointctl leaves them out (the
/// warning stays in the JSON output).
fn worth_a_line(w: &ckpt::Warning) -> bool {
    !(w.kind == ckpt::WarningKind::InvalidJson
        && w.entry.as_deref() == Some(ckpt::layout::NETWORK_STATUS_FILE))
}
