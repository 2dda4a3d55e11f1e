//! The command line: `ckpt` and its subcommands, as clap derives them
//! (the man pages and completions are generated from them too).

use clap::{ArgAction, Parser, Subcommand};

#[cfg(feature = "build")]
use super::build;
use super::{
    cat, check, coredump, decode, diff, generate, inspect, list, memparse, plugin, show, verify,
};

/// Read container checkpoint archives (Podman, CRI-O, containerd) without
/// unpacking them.
#[derive(Debug, Parser)]
#[command(name = "ckpt", version, disable_version_flag = true)]
pub struct Cli {
    /// Print the version.
    #[arg(short = 'v', short_alias = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show an overview of container checkpoints.
    Show(show::Args),
    /// Display low-level information about a container checkpoint.
    Inspect(inspect::Args),
    /// Analyze container checkpoint memory: sizes, hexdump, search.
    Memparse(memparse::Args),
    /// List checkpoints stored in kubelet's and other directories.
    List(list::Args),
    /// Show changes between two checkpoints of one container.
    Diff(diff::Args),
    /// Decode one CRIU image to JSON, as `crit decode --pretty` does.
    Decode(decode::Args),
    /// Write one file of a checkpoint: an archive entry, a file of
    /// rootfs-diff.tar, or a deleted file's saved content.
    Cat(cat::Args),
    /// Tell whether a checkpoint will restore on this node (or on the
    /// node a JSON description names), and why not.
    Check(check::Args),
    /// Write each process as an ELF core file that gdb opens (x86-64).
    Coredump(coredump::Args),
    /// Check an archive against a digest manifest written earlier
    /// (`show --digest --format json`).
    Verify(verify::Args),
    /// Create an OCI image from a checkpoint archive (no buildah needed).
    #[cfg(feature = "build")]
    Build(build::Args),
    /// Manage checkpointctl plugins (`checkpointctl-NAME` executables on
    /// PATH, run as `ckpt NAME`).
    Plugin(plugin::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completion(generate::CompletionArgs),
    /// Print the man page of ckpt or of one of its commands.
    Man(generate::ManArgs),
}
