//! Plugins, as checkpointctl has them: an executable `checkpointctl-NAME`
//! on `PATH` runs as `ckpt NAME …` (the first on `PATH` wins; built-in
//! commands are never shadowed), and `ckpt plugin list` lists them with
//! the one-line description each gives when run with
//! `--plugin-description` and exit status 42.
//!
//! Plugins are looked for only when they are needed (an unknown command,
//! `plugin list`, the top-level help), never on the way to a built-in
//! command.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use super::report::{emit, report_other};
use super::text::clean;

/// What a plugin's executable is called: this, then the command's name.
pub const PREFIX: &str = "checkpointctl-";
/// How long a plugin may take to describe itself.
const DESCRIPTION_TIMEOUT: Duration = Duration::from_millis(500);
/// The exit status by which a plugin says it printed its description.
const DESCRIPTION_STATUS: i32 = 42;
/// The most of a description read (its first line is kept).
const DESCRIPTION_MAX: u64 = 4096;

/// Arguments of `ckpt plugin`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PluginCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PluginCommand {
    /// List available plugins.
    List,
}

/// A plugin found on `PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugin {
    /// The command it adds.
    pub name: String,
    /// Its executable.
    pub path: PathBuf,
}

/// The descriptions of `plugins`, asked of all at once (each may take
/// up to the timeout).
fn descriptions(plugins: &[Plugin]) -> Vec<Option<String>> {
    std::thread::scope(|s| {
        let asked: Vec<_> = plugins
            .iter()
            .map(|p| s.spawn(|| describe(&p.path)))
            .collect();
        asked.into_iter().map(|h| h.join().ok().flatten()).collect()
    })
}

/// Runs `ckpt plugin …`.
pub fn run(args: &Args, builtins: &[String]) -> ExitCode {
    let PluginCommand::List = args.command;
    let plugins = discover(builtins);
    let mut out = String::new();
    if plugins.is_empty() {
        out.push_str("No plugins found in PATH\n");
    } else {
        out.push_str("Available plugins:\n");
        for (p, description) in plugins.iter().zip(descriptions(&plugins)) {
            let description = description.unwrap_or_else(|| "(no description)".to_owned());
            out.push_str(&format!(
                "  {:<20} {}\n  {:<20} {}\n",
                clean(&p.name),
                clean(&description),
                "",
                clean(&p.path.to_string_lossy())
            ));
        }
    }
    match emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// The plugins on `PATH`, in `PATH` order, each name once (the first
/// wins), leaving out those named like a built-in command.
pub fn discover(builtins: &[String]) -> Vec<Plugin> {
    let mut found: Vec<Plugin> = Vec::new();
    for dir in search_path() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<Plugin> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let file_name = e.file_name();
                let name = file_name.to_str()?.strip_prefix(PREFIX)?;
                if name.is_empty() || builtins.iter().any(|b| b == name) {
                    return None;
                }
                let path = e.path();
                is_executable(&path).then(|| Plugin {
                    name: name.to_owned(),
                    path: absolute(&path),
                })
            })
            .collect();
        // Directory order is the file system's: sort for a stable listing.
        here.sort_by(|a, b| a.name.cmp(&b.name));
        for p in here {
            if !found.iter().any(|f| f.name == p.name) {
                found.push(p);
            }
        }
    }
    found
}

/// The plugin that provides `name`, the first on `PATH`.
pub fn find(name: &str) -> Option<Plugin> {
    if name.is_empty() || name.contains('/') {
        return None;
    }
    search_path().into_iter().find_map(|dir| {
        let path = dir.join(format!("{PREFIX}{name}"));
        is_executable(&path).then(|| Plugin {
            name: name.to_owned(),
            path: absolute(&path),
        })
    })
}

/// Replaces this process with the plugin, passing it `args`; returns only
/// if that fails.
pub fn exec(plugin: &Plugin, args: &[OsString]) -> ExitCode {
    let e = Command::new(&plugin.path).args(args).exec();
    report_other(&std::io::Error::new(
        e.kind(),
        format!("{}: cannot run the plugin: {e}", plugin.path.display()),
    ));
    ExitCode::FAILURE
}

/// The "Plugins:" section of the top-level help, if there are plugins.
pub fn help_section(builtins: &[String]) -> Option<String> {
    let plugins = discover(builtins);
    if plugins.is_empty() {
        return None;
    }
    let width = plugins.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let mut out = String::from("Plugins:\n");
    for (p, description) in plugins.iter().zip(descriptions(&plugins)) {
        let description = description
            .unwrap_or_else(|| format!("Plugin provided by {}", p.path.to_string_lossy()));
        out.push_str(&format!(
            "  {:<width$}  {}\n",
            clean(&p.name),
            clean(&description)
        ));
    }
    Some(out)
}

fn search_path() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .filter(|d| !d.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Runs `PLUGIN --plugin-description`: the first line it prints when it
/// exits with status 42 within the timeout, else `None`.
fn describe(path: &Path) -> Option<String> {
    let mut child = Command::new(path)
        .arg("--plugin-description")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + DESCRIPTION_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    if status.code() != Some(DESCRIPTION_STATUS) {
        return None;
    }
    let mut out = Vec::new();
    child
        .stdout
        .take()?
        .take(DESCRIPTION_MAX)
        .read_to_end(&mut out)
        .ok()?;
    let text = String::from_utf8_lossy(&out);
    let line = text.trim().lines().next().unwrap_or_default();
    (!line.is_empty()).then(|| line.to_owned())
}
