//! What `checkpointctl inspect` shows, with its JSON key names, built from
//! a [`Checkpoint`] read with [`InspectOptions::want`].

mod nodes;
mod options;
mod rootfs;
mod sockets;

use std::collections::BTreeSet;

use serde::Serialize;

pub use nodes::{
    CriuMountNode, FdNode, Metadata, MountNode, OpenFileNode, PsNode, Statistics, ThreadNode,
    count_bytes,
};
use nodes::{find_ps, open_file_node, ps_node};
use sockets::socket_node;
pub use sockets::{SkNode, SocketData, SocketNode};

pub use options::InspectOptions;
pub use rootfs::RootfsNode;

use super::overview::Header;
use crate::error::{Error, Result};
use crate::model::Checkpoint;
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
}

impl Inspection {
    /// Builds the inspection. It needs a checkpoint directory; a missing
    /// `config.dump` or `spec.dump` (a bare CRIU image directory) is a
    /// warning. An unknown `pid` is an error.
    pub fn new(checkpoint: &Checkpoint, options: &InspectOptions) -> Result<Inspection> {
        let o = options.clone().normalized();
        checkpoint.require_checkpoint_directory()?;
        let mut warnings = checkpoint.warnings.clone();
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
            statistics
        } else {
            None
        };

        let metadata = o.metadata.then(|| Metadata {
            pod_name: checkpoint.container.pod.clone(),
            kubernetes_namespace: checkpoint.container.namespace.clone(),
            annotations: spec.annotations.clone(),
        });

        let process_tree = if o.ps_tree {
            process_tree(checkpoint, &o, &mut warnings)?
        } else {
            None
        };
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
        let file_descriptors = o
            .files
            .then(|| file_descriptors(checkpoint, &alive, &mut warnings));
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
                open_files: open.iter().map(open_file_node).collect(),
            })
        })
        .collect()
}
