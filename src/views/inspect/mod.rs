//! What `checkpointctl inspect` shows, with its JSON key names, built from
//! a [`Checkpoint`] read with [`InspectOptions::want`].

mod nodes;
mod options;
mod rootfs;
mod sockets;

use std::collections::BTreeSet;

use serde::Serialize;

use nodes::{COMMAND_LINE, ENVIRONMENT, find_ps, open_file_node, ps_node};
pub use nodes::{
    CriuMountNode, FdNode, Metadata, MountNode, OpenFileNode, PsNode, Statistics, ThreadNode,
    count_bytes,
};
use sockets::socket_node;
pub use sockets::{SkNode, SocketData, SocketNode};

pub use options::InspectOptions;
pub use rootfs::RootfsNode;

use super::overview::Header;
use crate::error::{Error, Result};
use crate::model::{Checkpoint, OpenFile};
use crate::source::Digests;
use crate::warning::{Warning, WarningKind};

/// One checkpoint, inspected: checkpointctl's `inspect --format json`
/// object, with every list sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Inspection {
    /// The container.
    #[serde(flatten)]
    pub header: Header,
    /// Dump statistics (`--stats`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistics: Option<Statistics>,
    /// Pod, namespace, annotations (`--metadata`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The process tree (`--ps-tree`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_tree: Option<PsNode>,
    /// Open files per process (`--files`), sorted by pid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_descriptors: Option<Vec<FdNode>>,
    /// Sockets per process (`--sockets`), sorted by pid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sockets: Option<Vec<SkNode>>,
    /// The spec's mounts (`--mounts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounts: Option<Vec<MountNode>>,
    /// CRIU's mounts (`--mounts`), sorted by mount id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criu_mounts: Option<Vec<CriuMountNode>>,
    /// The root file system changes (`--rootfs-diff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rootfs_diff: Option<RootfsNode>,
    /// The archive.
    pub archive: String,
    /// What was wrong with optional parts.
    pub warnings: Vec<Warning>,
    /// The SHA-256 of the archive and of each entry, when they were
    /// computed ([`Options::digest`](crate::Options::digest)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digests>,
}

impl Inspection {
    /// Builds the inspection. It needs a checkpoint directory; a missing
    /// `config.dump` or `spec.dump` (a bare CRIU image directory) is a
    /// warning. An unknown `pid` is an error, and so is a section asked
    /// for that cannot be shown when the options are
    /// [`strict`](InspectOptions::strict).
    pub fn new(checkpoint: &Checkpoint, options: &InspectOptions) -> Result<Inspection> {
        let o = options.clone().normalized();
        checkpoint.require_checkpoint_directory()?;
        let unavailable = |what: &str, reason: String| Error::Unavailable {
            archive: checkpoint.archive.clone(),
            what: what.to_owned(),
            reason,
        };
        // Why an entry gave nothing: the warning about it, else its absence.
        let why_missing = |entry: &str| {
            checkpoint
                .warnings
                .iter()
                .find(|w| w.entry.as_deref() == Some(entry))
                .map_or_else(
                    || format!("{entry}: no such file or directory"),
                    |w| format!("{entry}: {}", w.message.replace(", ignored", "")),
                )
        };
        let mut warnings = checkpoint.warnings.clone();
        // A container checkpoint needs both; a bare CRIU image directory
        // has neither.
        if checkpoint.complete && (checkpoint.config.is_some() || checkpoint.spec.is_some()) {
            checkpoint.require_config()?;
            checkpoint.require_spec()?;
        }
        for (have, name) in [
            (checkpoint.config.is_some(), crate::layout::CONFIG_DUMP_FILE),
            (checkpoint.spec.is_some(), crate::layout::SPEC_DUMP_FILE),
        ] {
            if !have && checkpoint.complete {
                warnings.push(Warning::new(
                    WarningKind::MissingEntry,
                    Some(name),
                    "not in the archive",
                ));
            }
        }
        let empty_spec = crate::metadata::SpecDump::default();
        let spec = checkpoint.spec.as_ref().unwrap_or(&empty_spec);

        let statistics = if o.stats {
            let statistics = checkpoint.stats.as_ref().map(Statistics::new);
            if statistics.is_none() && checkpoint.damage.is_none() {
                warnings.push(Warning::new(
                    WarningKind::MissingEntry,
                    Some("stats-dump"),
                    "no dump statistics in the archive",
                ));
            }
            if statistics.is_none() && o.strict {
                return Err(unavailable(
                    "get dump statistics",
                    why_missing("stats-dump"),
                ));
            }
            statistics
        } else {
            None
        };
        if o.mounts && o.strict && checkpoint.spec.is_none() {
            let spec = crate::layout::SPEC_DUMP_FILE;
            return Err(unavailable("get mounts", why_missing(spec)));
        }

        let metadata = o.metadata.then(|| Metadata {
            pod_name: checkpoint.container.pod.clone(),
            kubernetes_namespace: checkpoint.container.namespace.clone(),
            annotations: spec.annotations.clone(),
        });

        let before = warnings.len();
        let process_tree = if o.ps_tree {
            process_tree(checkpoint, &o, &mut warnings)?
        } else {
            None
        };
        if o.strict && o.ps_tree {
            if process_tree.is_none() {
                let pstree = "checkpoint/pstree.img";
                return Err(unavailable("get process tree", why_missing(pstree)));
            }
            let memory = warnings.get(before..).unwrap_or_default().iter();
            // A limit that stopped the read is ckpt's choice, not a gap in
            // the archive: that stays a warning, with its advice.
            let gaps =
                memory.filter(|w| w.kind == WarningKind::MemoryUnavailable && w.limit.is_none());
            for w in gaps {
                let what = if w.message.contains(&format!(": {COMMAND_LINE} unavailable")) {
                    "process command line arguments"
                } else if w.message.contains(&format!(": {ENVIRONMENT} unavailable")) {
                    "get environment variables"
                } else {
                    continue;
                };
                return Err(unavailable(what, w.message.clone()));
            }
        }
        let shown: BTreeSet<u32> = process_tree
            .iter()
            .flat_map(|t| t.walk())
            .map(|n| n.pid)
            .collect();
        let alive: Vec<u32> = shown
            .iter()
            .copied()
            .filter(|pid| {
                process_tree
                    .as_ref()
                    .and_then(|t| find_ps(t, *pid))
                    .is_some_and(|n| n.task_state.has_resources())
            })
            .collect();
        let files_img = "checkpoint/files.img";
        let no_files_img = checkpoint.images.as_ref().is_none_or(|i| i.files.is_none());
        let before = warnings.len();
        let file_descriptors = o
            .files
            .then(|| file_descriptors(checkpoint, &alive, &mut warnings));
        if o.strict && o.files && !alive.is_empty() {
            if no_files_img {
                return Err(unavailable("get file descriptors", why_missing(files_img)));
            }
            if let Some(w) = warnings.get(before..).unwrap_or_default().first() {
                return Err(unavailable("get file descriptors", w.message.clone()));
            }
        }
        if o.strict && o.sockets && !alive.is_empty() {
            if no_files_img {
                return Err(unavailable("get sockets", why_missing(files_img)));
            }
            let unknown = alive.iter().find(|&&pid| {
                checkpoint
                    .process(pid)
                    .is_none_or(|p| p.sockets().is_none())
            });
            if let Some(pid) = unknown {
                let reason =
                    format!("pid {pid}: open sockets unknown (ids or fdinfo image missing)");
                return Err(unavailable("get sockets", reason));
            }
        }
        let sockets = o.sockets.then(|| {
            alive
                .iter()
                .filter_map(|&pid| {
                    let sks = checkpoint.process(pid)?.sockets()?;
                    (!sks.is_empty()).then(|| SkNode {
                        pid,
                        open_sockets: sks.iter().map(socket_node).collect(),
                    })
                })
                .collect()
        });
        let mounts = o.mounts.then(|| {
            spec.mounts
                .iter()
                .map(|m| MountNode {
                    destination: m.destination.clone(),
                    mount_type: m.mount_type.clone(),
                    source: m.source.clone(),
                })
                .collect()
        });
        let images = checkpoint.images.as_ref();
        let criu_mounts =
            (o.mounts && images.is_some_and(|i| !i.mountpoints.is_empty())).then(|| {
                let mut all: Vec<CriuMountNode> = images
                    .into_iter()
                    .flat_map(|i| i.mountpoints.values().flatten())
                    .map(CriuMountNode::new)
                    .collect();
                all.sort_by_key(|m| m.mnt_id);
                all
            });

        Ok(Inspection {
            header: Header::new(checkpoint),
            statistics,
            metadata,
            process_tree,
            file_descriptors,
            sockets,
            mounts,
            criu_mounts,
            rootfs_diff: o
                .rootfs_diff
                .then(|| RootfsNode::new(checkpoint, &mut warnings)),
            archive: checkpoint.archive.clone(),
            warnings,
            digest: checkpoint.digests.clone(),
        })
    }
}

/// The process tree from the root (or `--pid`), if the checkpoint has one.
fn process_tree(
    checkpoint: &Checkpoint,
    o: &InspectOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Option<PsNode>> {
    let Some(table) = checkpoint.process_table() else {
        // A damaged archive may hold one past the damage: the damage is
        // what is reported.
        if checkpoint.damage.is_none() {
            warnings.push(Warning::new(
                WarningKind::MissingEntry,
                Some("checkpoint/pstree.img"),
                "no process tree in the archive",
            ));
        }
        return Ok(None);
    };
    warnings.extend(table.warnings.iter().cloned());
    let roots = table.tree(warnings);
    let start =
        match o.pid {
            Some(pid) => Some(roots.iter().find_map(|r| r.find(pid)).ok_or_else(|| {
                Error::NoSuchProcess {
                    archive: checkpoint.archive.clone(),
                    pid,
                }
            })?),
            None => {
                if roots.len() > 1 {
                    warnings.push(Warning::new(
                        WarningKind::ProcessTree,
                        Some("checkpoint/pstree.img"),
                        format!(
                            "{} process trees; showing the one of pid {}",
                            roots.len(),
                            roots[0].process.pid()
                        ),
                    ));
                }
                roots.first()
            }
        };
    Ok(start.map(|start| ps_node(start, o, warnings)))
}

/// A device a CRIU plugin dumped (an `EXT` file, which CRIU names only by
/// its id) named by what its plugin image says it is.
fn device_named(mut node: OpenFileNode, f: &OpenFile, checkpoint: &Checkpoint) -> OpenFileNode {
    if f.kind != "EXT" {
        return node;
    }
    let device = checkpoint.plugin_images.iter().find_map(|i| {
        let device = i.kind().device().filter(|_| i.what.file_id == f.file_id)?;
        Some((device, i.name.rsplit('/').next().unwrap_or(&i.name)))
    });
    if let Some((device, file)) = device {
        node.path = format!("{device}, state in {file}");
    }
    node
}

/// The open files of each process in `pids`.
fn file_descriptors(
    checkpoint: &Checkpoint,
    pids: &[u32],
    warnings: &mut Vec<Warning>,
) -> Vec<FdNode> {
    let images = checkpoint.images.as_ref();
    pids.iter()
        .filter_map(|&pid| {
            let open = checkpoint.process(pid).and_then(|p| p.files());
            let Some(open) = open else {
                warnings.push(Warning::new(
                    WarningKind::MissingImage,
                    None,
                    format!("pid {pid}: open files unknown (ids or fdinfo image missing)"),
                ));
                return None;
            };
            let missing = |id| images.is_none_or(|i| i.file(id).is_none());
            for f in open.iter().filter(|f| missing(f.file_id)) {
                let what = f.fd.map_or_else(|| f.kind.clone(), |fd| format!("fd {fd}"));
                warnings.push(Warning::new(
                    WarningKind::MissingImage,
                    Some("checkpoint/files.img"),
                    format!(
                        "pid {pid}: {what} refers to file id {}, which is not there",
                        f.file_id
                    ),
                ));
            }
            Some(FdNode {
                pid,
                open_files: open
                    .iter()
                    .map(|f| device_named(open_file_node(f), f, checkpoint))
                    .collect(),
            })
        })
        .collect()
}
